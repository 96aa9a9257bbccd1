// One blocking hiredis connection (RAII), used only on the link's own
// threads: never on the I/O thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "redis_url.h"

struct redisContext;
struct redisReply;

namespace onlooker {

struct RedisReplyFree {
  void operator()(redisReply* reply) const;
};
using RedisReplyPtr = std::unique_ptr<redisReply, RedisReplyFree>;

class RedisConnection {
 public:
  // Connects, authenticates, selects the database; on failure ok() is false
  // and error() says why (never with the password).
  RedisConnection(const RedisUrl& url, std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  bool ok() const { return context_ != nullptr && error_.empty(); }
  const std::string& error() const { return error_; }

  // A command of binary-safe arguments; null (and ok() false) when the
  // connection failed. An error reply is returned as a reply.
  RedisReplyPtr command(const std::vector<std::string>& args);
  // Several commands in one round trip; empty when the connection failed.
  std::vector<RedisReplyPtr> pipeline(const std::vector<std::vector<std::string>>& commands);

 private:
  void append(const std::vector<std::string>& args);
  RedisReplyPtr read_reply();

  redisContext* context_ = nullptr;
  std::string error_;
};

}  // namespace onlooker
