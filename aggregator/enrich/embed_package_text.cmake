# Writes OUTPUT, a C++ file that holds a data file from an npm package (INPUT)
# as a raw string literal and the package's version (VERSION_JSON, its
# package.json), in namespace NAMESPACE as TEXT_FUNCTION() and version(), for
# the header HEADER (builtin_uap_regexes.h, builtin_referrers.h). Run at build
# time by aggregator/enrich/CMakeLists.txt; rewrites OUTPUT only when it
# changes.
file(READ "${INPUT}" content)
string(FIND "${content}" ")onlooker_data\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(READ "${VERSION_JSON}" package_json)
string(JSON version GET "${package_json}" version)
file(WRITE "${OUTPUT}.tmp"
  "#include \"${HEADER}\"\n"
  "namespace ${NAMESPACE} {\nnamespace {\n"
  "constexpr char text[] = R\"onlooker_data(${content})onlooker_data\";\n"
  "}  // namespace\n"
  "std::string_view ${TEXT_FUNCTION}() { return {text, sizeof text - 1}; }\n"
  "std::string_view version() { return \"${version}\"; }\n"
  "}  // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
