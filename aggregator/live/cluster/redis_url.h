// `--cluster redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`, parsed once by the
// options and again by the link. The password stays in this struct: nothing
// logs it (describe() leaves it out).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace onlooker {

struct RedisUrl {
  std::string host;
  std::uint16_t port = 6379;
  int db = 0;
  std::string user;      // empty: the default user (Redis 6+ ACL)
  std::string password;  // empty: no AUTH

  // host:port/db, for logs: never the password.
  std::string describe() const;
};

// nullopt for anything but redis://; `error` says what is wrong.
std::optional<RedisUrl> parse_redis_url(const std::string& text, std::string& error);

}  // namespace onlooker
