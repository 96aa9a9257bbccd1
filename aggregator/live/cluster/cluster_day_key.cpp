#include "cluster_day_key.h"

#include <sys/random.h>

#include <hiredis/hiredis.h>

#include <array>
#include <cstring>
#include <string>

#include "hit.h"
#include "onlooker_day_key.h"
#include "redis_connection.h"

namespace onlooker {

namespace {

constexpr const char* key_ttl_seconds = "172800";  // the day and the next

// Zeroes a buffer that held a key, in a way the compiler keeps.
void wipe(void* data, std::size_t size) { explicit_bzero(data, size); }

}  // namespace

bool agree_day_key(RedisConnection& redis, onlooker_ring_header& ring, std::uint64_t day) {
  const std::string name = "onlooker:day-key:" + std::to_string(day);
  VisitorId fresh{};
  if (::getrandom(fresh.data(), fresh.size(), 0) != static_cast<ssize_t>(fresh.size())) {
    return false;
  }
  std::string candidate = to_hex(fresh);
  wipe(fresh.data(), fresh.size());
  auto replies = redis.pipeline({{"SET", name, candidate, "NX", "EX", key_ttl_seconds},
                                 {"GET", name}});
  wipe(candidate.data(), candidate.size());
  if (replies.size() != 2 || replies[1]->type != REDIS_REPLY_STRING) return false;
  VisitorId agreed{};
  const bool parsed = from_hex(std::string_view(replies[1]->str, replies[1]->len), agreed);
  wipe(replies[1]->str, replies[1]->len);
  if (!parsed) return false;
  std::uint64_t key[2];
  std::memcpy(key, agreed.data(), sizeof key);
  wipe(agreed.data(), agreed.size());
  const int rc = onlooker_day_key_replace(&ring, day, key);
  wipe(key, sizeof key);
  return rc >= 0;
}

}  // namespace onlooker
