// Structured one-line logs on stderr: `ts=... level=... msg="..." key=value`.
// One write(2) per line, so lines from the drain and I/O threads never mix.
#pragma once

#include <string_view>

namespace onlooker::log {

enum class Level { debug, info, warn, error };

void write(Level level, std::string_view message);
inline void info(std::string_view message) { write(Level::info, message); }
inline void warn(std::string_view message) { write(Level::warn, message); }
inline void error(std::string_view message) { write(Level::error, message); }

}  // namespace onlooker::log
