// The oldest servers onlookerd works with: Redis 6.2 (Streams came in 5.0,
// but the link trims its stream with XADD ... MINID, which 6.2 added: a 5.x
// or 6.0 would refuse every batch) and PostgreSQL 12 (tested on 15).
// An older server gets a message saying so, instead of a cryptic error from
// the first command it does not know.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace onlooker {

// From the text of INFO server ("redis_version:7.0.15"): why it is too old,
// or nullopt when it will do (or does not say: a compatible server).
std::optional<std::string> redis_version_problem(std::string_view info_server);

// From libpq's PQserverVersion (e.g. 150004 for 15.4): why it is too old.
std::optional<std::string> postgres_version_problem(int server_version_num);

}  // namespace onlooker
