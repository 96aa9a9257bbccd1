# Writes OUTPUT, a C++ file defining onlooker::assets::dashboard_html from
# INPUT, as a raw string literal.
file(READ "${INPUT}" content)
string(FIND "${content}" ")onlooker_asset\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE "${OUTPUT}.tmp"
  "#include \"embedded_assets.h\"\n"
  "namespace onlooker::assets {\n"
  "const std::string_view dashboard_html = R\"onlooker_asset(${content})onlooker_asset\";\n"
  "}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
