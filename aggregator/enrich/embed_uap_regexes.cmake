# Writes OUTPUT, a C++ file that holds uap-core's regexes.yaml (INPUT) as a
# raw string literal and the package's version (VERSION_JSON, its
# package.json), for builtin_uap_regexes.h. Run at build time by
# aggregator/enrich/CMakeLists.txt; rewrites OUTPUT only when it changes.
file(READ "${INPUT}" content)
string(FIND "${content}" ")onlooker_uap\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(READ "${VERSION_JSON}" package_json)
string(JSON version GET "${package_json}" version)
file(WRITE "${OUTPUT}.tmp"
  "#include \"builtin_uap_regexes.h\"\n"
  "namespace onlooker::builtin_uap {\nnamespace {\n"
  "constexpr char regexes[] = R\"onlooker_uap(${content})onlooker_uap\";\n"
  "}  // namespace\n"
  "std::string_view regexes_yaml() { return {regexes, sizeof regexes - 1}; }\n"
  "std::string_view version() { return \"${version}\"; }\n"
  "}  // namespace onlooker::builtin_uap\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
