#include "viewers_table.h"

#include "sole_owner_lock.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_map>

namespace onlooker {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw ViewersTableError("viewers table " + path + ": " + what);
}

void store(std::uint64_t& field, std::uint64_t value) {
  __atomic_store_n(&field, value, __ATOMIC_RELAXED);
}

}  // namespace

ViewersTable::ViewersTable(const std::string& path, std::chrono::milliseconds push_interval) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ == -1) {
    fail(path, std::string(std::strerror(errno)) +
                   " (nginx creates it: onlooker_viewers_zone, then start onlookerd)");
  }
  if (!take_sole_owner_lock(fd_)) {
    ::close(fd_);
    fail(path, "written by another onlookerd");
  }
  struct stat st{};
  onlooker_viewers_header found{};
  if (::fstat(fd_, &st) == -1 || ::pread(fd_, &found, sizeof found, 0) != sizeof found ||
      !onlooker_viewers_valid(&found, static_cast<std::uint64_t>(st.st_size))) {
    ::close(fd_);
    fail(path, "not a viewers table of layout version " +
                   std::to_string(ONLOOKER_VIEWERS_LAYOUT_VERSION));
  }
  mapped_ = static_cast<std::size_t>(st.st_size);
  void* map = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (map == MAP_FAILED) {
    ::close(fd_);
    fail(path, std::strerror(errno));
  }
  header_ = static_cast<onlooker_viewers_header*>(map);
  // A fresh key per run: a visitor cannot aim two pages at one slot.
  if (::getrandom(key_, sizeof key_, 0) != sizeof key_) {
    ::munmap(map, mapped_);
    ::close(fd_);
    fail(path, "getrandom() failed");
  }
  __atomic_store_n(&header_->push_interval_ms,
                   static_cast<std::uint32_t>(push_interval.count()), __ATOMIC_RELAXED);
}

ViewersTable::~ViewersTable() {
  withdraw();
  ::munmap(header_, mapped_);
  ::close(fd_);  // releases the lock
}

void ViewersTable::publish(const std::vector<PageCount>& pages, std::int64_t now_ms) {
  const std::uint64_t slots = header_->slots;
  const std::uint64_t mask = slots - 1;
  const std::uint64_t next = (__atomic_load_n(&header_->active, __ATOMIC_RELAXED) & 1) ^ 1;
  onlooker_viewers_table* table = onlooker_viewers_table_at(header_, next);
  onlooker_viewers_entry* entries = onlooker_viewers_entries(table);

  // Per host sums first; then the most viewed pages, up to half the slots.
  std::unordered_map<std::string_view, std::uint64_t> per_host;
  for (const PageCount& page : pages) per_host[page.host] += page.viewers;
  std::vector<const PageCount*> ranked;
  ranked.reserve(pages.size());
  for (const PageCount& page : pages) ranked.push_back(&page);
  const std::size_t room = slots / 2 > per_host.size() ? slots / 2 - per_host.size() : 0;
  if (ranked.size() > room) {
    std::nth_element(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(room),
                     ranked.end(),
                     [](const PageCount* a, const PageCount* b) { return a->viewers > b->viewers; });
    left_out_ = ranked.size() - room;
    ranked.resize(room);
  } else {
    left_out_ = 0;
  }

  // seqlock: odd while writing; the release fence keeps the writes below
  // from being seen before the odd value.
  const std::uint64_t seq = __atomic_load_n(&table->seq, __ATOMIC_RELAXED);
  __atomic_store_n(&table->seq, seq + 1, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_RELEASE);
  for (int i = 0; i < ONLOOKER_VIEWERS_KEY_WORDS; ++i) store(table->key[i], key_[i]);
  for (std::uint64_t i = 0; i < slots; ++i) store(entries[i].word, 0);
  std::uint64_t used = 0;
  // Keys that meet (the same slot run and top 40 bits: by chance, 2^-40 a
  // pair) share one count, as a reader could not tell them apart anyway.
  auto put = [&](std::uint64_t hash, std::uint64_t viewers) {
    const std::uint64_t tag = onlooker_viewers_tag(hash);
    std::uint64_t i = hash & mask;
    auto tag_of = [&] { return entries[i].word >> ONLOOKER_VIEWERS_COUNT_BITS; };
    while (entries[i].word != 0 && tag_of() != tag) i = (i + 1) & mask;
    if (entries[i].word == 0) ++used;
    store(entries[i].word, onlooker_viewers_word(tag, (entries[i].word & ONLOOKER_VIEWERS_COUNT_MAX) + viewers));
  };
  for (const auto& [host, viewers] : per_host) {
    put(onlooker_viewers_hash(key_, host.data(), host.size(), nullptr, 0), viewers);
  }
  for (const PageCount* page : ranked) {
    put(onlooker_viewers_hash(key_, page->host.data(), page->host.size(), page->path.data(),
                              page->path.size()),
        page->viewers);
  }
  store(table->entries, used);
  __atomic_store_n(&table->seq, seq + 2, __ATOMIC_RELEASE);
  __atomic_store_n(&header_->active, next, __ATOMIC_RELEASE);
  __atomic_store_n(&header_->published_ms, static_cast<std::uint64_t>(now_ms), __ATOMIC_RELEASE);
}

void ViewersTable::withdraw() { __atomic_store_n(&header_->published_ms, 0, __ATOMIC_RELEASE); }

}  // namespace onlooker
