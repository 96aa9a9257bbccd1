# Writes OUTPUT, a C++ file with the table of onlooker::assets. ASSETS is a
# comma-separated list of "URL_PATH|FILE" entries; each file becomes a raw
# string literal, its content type follows its extension.
set(body "#include \"embedded_assets.h\"\n#include <array>\nnamespace onlooker::assets {\nnamespace {\n")
set(table "")
set(index 0)
string(REPLACE "," ";" ASSETS "${ASSETS}")
set(types_html "text/html; charset=utf-8")
set(types_js "text/javascript; charset=utf-8")
set(types_mjs "text/javascript; charset=utf-8")
set(types_css "text/css; charset=utf-8")
set(types_json "application/json")
set(types_svg "image/svg+xml")
set(types_txt "text/plain; charset=utf-8")
foreach(entry IN LISTS ASSETS)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 url)
  list(GET parts 1 file)
  string(REGEX REPLACE "^.*\\." "" extension "${file}")
  set(type "${types_${extension}}")
  if(type STREQUAL "")
    message(FATAL_ERROR "no content type for ${file}: add one to embed_assets.cmake")
  endif()
  file(READ "${file}" content)
  string(FIND "${content}" ")onlooker_asset\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the raw-string delimiter")
  endif()
  string(APPEND body "constexpr char asset_${index}[] = R\"onlooker_asset(${content})onlooker_asset\";\n")
  string(APPEND table "    Asset{\"${url}\", \"${type}\", std::string_view(asset_${index}, sizeof asset_${index} - 1)},\n")
  math(EXPR index "${index} + 1")
endforeach()
string(APPEND body "const std::array<Asset, ${index}> table{{\n${table}}};\n}  // namespace\n"
  "std::span<const Asset> all() { return table; }\n"
  "const Asset* find(std::string_view path) {\n"
  "  for (const Asset& asset : table) if (asset.path == path) return &asset;\n"
  "  return nullptr;\n}\n}  // namespace onlooker::assets\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
