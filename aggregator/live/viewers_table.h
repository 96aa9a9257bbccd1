// The writer's side of the viewers table (shared/onlooker_viewers.h): maps
// the file nginx created read-write and publishes live counts per page and
// per host into it, for $onlooker_viewers. One writer: onlookerd holds a
// lock on the file, as it does on the ring.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "live_set.h"
#include "onlooker_viewers.h"

namespace onlooker {

class ViewersTableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ViewersTable {
 public:
  // Throws ViewersTableError when the file is missing, not a viewers table,
  // or already written by another onlookerd.
  ViewersTable(const std::string& path, std::chrono::milliseconds push_interval);
  ~ViewersTable();
  ViewersTable(const ViewersTable&) = delete;
  ViewersTable& operator=(const ViewersTable&) = delete;

  // Fills the table readers are not on and points them at it. Pages beyond
  // half the slots (the fewest viewers) are left out and read as 0.
  void publish(const std::vector<PageCount>& pages, std::int64_t now_ms);
  // Readers see "-" from now on (onlookerd stopping).
  void withdraw();

  std::uint64_t slots() const { return header_->slots; }
  std::uint64_t left_out() const { return left_out_; }

 private:
  int fd_ = -1;
  onlooker_viewers_header* header_ = nullptr;
  std::size_t mapped_ = 0;
  std::uint64_t key_[ONLOOKER_VIEWERS_KEY_WORDS] = {};
  std::uint64_t left_out_ = 0;  // entries the last publish had no room for
};

}  // namespace onlooker
