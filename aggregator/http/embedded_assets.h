// Static files compiled into onlookerd, so that it serves its dashboard and
// scripts with no files to install or find at run time. Generated at build
// time from aggregator/web/ (see ONLOOKER_WEB_ASSETS in aggregator/CMakeLists.txt).
#pragma once

#include <span>
#include <string_view>

namespace onlooker::assets {

struct Asset {
  std::string_view path;          // URL path, e.g. "/beacon.js"
  std::string_view content_type;
  std::string_view body;
};

std::span<const Asset> all();
const Asset* find(std::string_view path);

}  // namespace onlooker::assets
