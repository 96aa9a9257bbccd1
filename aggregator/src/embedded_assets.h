// Static files compiled into onlookerd, so that it serves its dashboard with
// no files to install or find at run time. Generated from aggregator/web/.
#pragma once

#include <string_view>

namespace onlooker::assets {

extern const std::string_view dashboard_html;
extern const std::string_view beacon_js;

}  // namespace onlooker::assets
