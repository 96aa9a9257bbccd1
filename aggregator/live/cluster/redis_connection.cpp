#include "redis_connection.h"

#include <hiredis/hiredis.h>

#include "server_version.h"

namespace onlooker {

void RedisReplyFree::operator()(redisReply* reply) const { freeReplyObject(reply); }

RedisConnection::RedisConnection(const RedisUrl& url, std::chrono::milliseconds timeout) {
  const timeval limit{static_cast<time_t>(timeout.count() / 1000),
                      static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  context_ = redisConnectWithTimeout(url.host.c_str(), url.port, limit);
  if (context_ == nullptr) {
    error_ = "out of memory";
    return;
  }
  if (context_->err) {
    error_ = context_->errstr;
    return;
  }
  redisSetTimeout(context_, limit);
  auto expect_ok = [&](const std::vector<std::string>& args, const char* what) {
    auto reply = command(args);
    if (!reply) return false;
    if (reply->type == REDIS_REPLY_ERROR) {
      error_ = std::string(what) + " refused: " + std::string(reply->str, reply->len);
      return false;
    }
    return true;
  };
  if (!url.password.empty()) {
    if (url.user.empty() ? !expect_ok({"AUTH", url.password}, "AUTH")
                         : !expect_ok({"AUTH", url.user, url.password}, "AUTH")) {
      return;
    }
  }
  if (url.db != 0 && !expect_ok({"SELECT", std::to_string(url.db)}, "SELECT")) return;
  auto info = command({"INFO", "server"});
  if (info && info->type == REDIS_REPLY_STRING) {
    if (auto problem = redis_version_problem(std::string_view(info->str, info->len))) {
      error_ = std::move(*problem);
    }
  }
}

RedisConnection::~RedisConnection() {
  if (context_) redisFree(context_);
}

void RedisConnection::append(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data());
}

RedisReplyPtr RedisConnection::read_reply() {
  void* reply = nullptr;
  if (redisGetReply(context_, &reply) != REDIS_OK || reply == nullptr) {
    error_ = context_->errstr[0] ? context_->errstr : "connection lost";
    return nullptr;
  }
  return RedisReplyPtr(static_cast<redisReply*>(reply));
}

RedisReplyPtr RedisConnection::command(const std::vector<std::string>& args) {
  if (!context_ || context_->err) return nullptr;
  append(args);
  return read_reply();
}

std::vector<RedisReplyPtr> RedisConnection::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  std::vector<RedisReplyPtr> replies;
  if (!context_ || context_->err) return replies;
  for (const auto& args : commands) append(args);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    auto reply = read_reply();
    if (!reply) return {};
    replies.push_back(std::move(reply));
  }
  return replies;
}

}  // namespace onlooker
