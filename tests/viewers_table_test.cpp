// The viewers table: onlookerd's writer (ViewersTable) against the readers'
// lookup (onlooker_viewers_lookup), through a real file both map.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "onlooker_viewers.h"
#include "support/temp_dir.h"
#include "viewers_table.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;

// What nginx does at configuration time, and a read-only mapping as a worker has.
class ViewersFile {
 public:
  explicit ViewersFile(std::uint32_t slots) : path_(dir_.file("viewers")) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT, 0600);
    onlooker_viewers_header header{};
    onlooker_viewers_init(&header, slots);
    bytes_ = onlooker_viewers_bytes(slots);
    EXPECT_EQ(::ftruncate(fd, static_cast<off_t>(bytes_)), 0);
    EXPECT_EQ(::pwrite(fd, &header, sizeof header, 0), static_cast<ssize_t>(sizeof header));
    map_ = ::mmap(nullptr, bytes_, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
  }
  ~ViewersFile() { ::munmap(map_, bytes_); }

  const std::string& path() const { return path_; }
  std::int64_t page(const std::string& host, const std::string& path, std::int64_t now_ms) const {
    return onlooker_viewers_lookup(header(), static_cast<std::uint64_t>(now_ms), host.data(),
                                   host.size(), path.data(), path.size());
  }
  std::int64_t site(const std::string& host, std::int64_t now_ms) const {
    return onlooker_viewers_lookup(header(), static_cast<std::uint64_t>(now_ms), host.data(),
                                   host.size(), nullptr, 0);
  }

 private:
  const onlooker_viewers_header* header() const {
    return static_cast<const onlooker_viewers_header*>(map_);
  }
  test::TempDir dir_;
  std::string path_;
  std::size_t bytes_ = 0;
  void* map_ = nullptr;
};

constexpr std::int64_t t0 = 1'700'000'000'000;

TEST(ViewersTable, ReadersSeePagesAndHostsAsPublished) {
  ViewersFile file(64);
  ViewersTable table(file.path(), 1000ms);
  EXPECT_EQ(file.page("a.example", "/", t0), ONLOOKER_VIEWERS_DOWN);  // nothing published yet
  table.publish({{"a.example", "/", 3}, {"a.example", "/x", 2}, {"b.example", "/", 1}}, t0);
  EXPECT_EQ(file.page("a.example", "/", t0), 3);
  EXPECT_EQ(file.page("a.example", "/x", t0), 2);
  EXPECT_EQ(file.page("b.example", "/", t0), 1);
  EXPECT_EQ(file.site("a.example", t0), 5);
  EXPECT_EQ(file.site("b.example", t0), 1);
  EXPECT_EQ(file.page("a.example", "/nobody", t0), 0);
  EXPECT_EQ(file.site("c.example", t0), 0);
  // The host's own key is not a page's: "/" of b is not b's total.
  table.publish({{"b.example", "/", 1}, {"b.example", "/y", 4}}, t0 + 1000);
  EXPECT_EQ(file.page("a.example", "/", t0 + 1000), 0);
  EXPECT_EQ(file.site("b.example", t0 + 1000), 5);
}

// Layout 2 keeps a count in 24 bits: more people than that read as the most
// it holds, never as a wrapped small number; a host's sum saturates alike.
TEST(ViewersTable, CountsBeyondTwentyFourBitsReadAsTheMostAnEntryHolds) {
  ViewersFile file(64);
  ViewersTable table(file.path(), 1000ms);
  table.publish({{"a.example", "/", 20'000'000}, {"a.example", "/x", 16'777'214},
                 {"a.example", "/y", 1}},
                t0);
  EXPECT_EQ(file.page("a.example", "/", t0), 16'777'215);
  EXPECT_EQ(file.page("a.example", "/x", t0), 16'777'214);
  EXPECT_EQ(file.page("a.example", "/y", t0), 1);
  EXPECT_EQ(file.site("a.example", t0), 16'777'215);
}

TEST(ViewersTable, PathsLongerThanTheRingKeepsAreCutTheSameWay) {
  ViewersFile file(64);
  ViewersTable table(file.path(), 1000ms);
  const std::string long_path = "/" + std::string(ONLOOKER_PATH_MAX + 50, 'p');
  // onlookerd only ever holds the cut path (the ring stores that).
  table.publish({{"a.example", long_path.substr(0, ONLOOKER_PATH_MAX), 7}}, t0);
  EXPECT_EQ(file.page("a.example", long_path, t0), 7);
}

TEST(ViewersTable, StaleAfterTwicePushIntervalAndWithdrawnOnStop) {
  ViewersFile file(64);
  {
    ViewersTable table(file.path(), 500ms);
    table.publish({{"a.example", "/", 3}}, t0);
    EXPECT_EQ(file.page("a.example", "/", t0 + 1000), 3);
    EXPECT_EQ(file.page("a.example", "/", t0 + 1001), ONLOOKER_VIEWERS_DOWN);
    table.publish({{"a.example", "/", 3}}, t0 + 1001);
    EXPECT_EQ(file.page("a.example", "/", t0 + 1001), 3);
  }
  EXPECT_EQ(file.page("a.example", "/", t0 + 1001), ONLOOKER_VIEWERS_DOWN);
}

TEST(ViewersTable, OneWriterAtATime) {
  ViewersFile file(64);
  ViewersTable table(file.path(), 1000ms);
  EXPECT_THROW(ViewersTable(file.path(), 1000ms), ViewersTableError);
}

TEST(ViewersTable, MissingOrForeignFileIsRefused) {
  test::TempDir dir;
  EXPECT_THROW(ViewersTable(dir.file("absent"), 1000ms), ViewersTableError);
  dir.write("foreign", std::string(4096, 'x'));
  EXPECT_THROW(ViewersTable(dir.file("foreign"), 1000ms), ViewersTableError);
}

// Layout 3 hashes with a different key and function than layout 2: a
// layout-2 file (left by an older onlookerd or nginx) is refused, not misread.
TEST(ViewersTable, ALayoutTwoFileIsRefused) {
  ViewersFile file(64);
  onlooker_viewers_header header{};
  const int fd = ::open(file.path().c_str(), O_RDWR);
  ASSERT_EQ(::pread(fd, &header, sizeof header, 0), static_cast<ssize_t>(sizeof header));
  EXPECT_TRUE(onlooker_viewers_valid(&header, onlooker_viewers_bytes(64)));
  header.layout_version = 2;
  ASSERT_EQ(::pwrite(fd, &header, sizeof header, 0), static_cast<ssize_t>(sizeof header));
  ::close(fd);
  EXPECT_FALSE(onlooker_viewers_valid(&header, onlooker_viewers_bytes(64)));
  EXPECT_THROW(ViewersTable(file.path(), 1000ms), ViewersTableError);
}

// Long paths that differ in one byte, at every position, and a host whose
// name is a page's: each reads its own count (a hash that dropped bytes,
// or mixed up a page with its host, would merge them).
TEST(ViewersTable, LongPathsDifferingInOneByteReadTheirOwnCounts) {
  ViewersFile file(1u << 12);
  ViewersTable table(file.path(), 1000ms);
  const std::string base = "/" + std::string(119, 'p');  // 120 bytes
  std::vector<PageCount> pages;
  for (std::size_t at = 0; at < base.size(); ++at) {
    std::string path = base;
    path[at] = 'q';
    pages.push_back({"a.example", path, at + 1});
  }
  pages.push_back({"a.example", base, 500});
  pages.push_back({"a.example/", "", 700});  // host + path texts shifted by one
  table.publish(pages, t0);
  EXPECT_EQ(table.left_out(), 0u);
  for (std::size_t at = 0; at < base.size(); ++at) {
    std::string path = base;
    path[at] = 'q';
    EXPECT_EQ(file.page("a.example", path, t0), static_cast<std::int64_t>(at + 1)) << at;
  }
  EXPECT_EQ(file.page("a.example", base, t0), 500);
  EXPECT_EQ(file.page("a.example/", "", t0), 700);
  EXPECT_EQ(file.page("a.example", "/", t0), 0);
  EXPECT_EQ(file.site("a.example", t0), 120 * 121 / 2 + 500);
  EXPECT_EQ(file.site("a.example/", t0), 700);
}

TEST(ViewersTable, AtMostHalfTheSlotsTheFewestViewersLeftOut) {
  ViewersFile file(64);  // room for 32 entries: 1 host + 31 pages
  ViewersTable table(file.path(), 1000ms);
  std::vector<PageCount> pages;
  for (int i = 1; i <= 40; ++i) pages.push_back({"a.example", "/" + std::to_string(i), std::uint64_t(i)});
  table.publish(pages, t0);
  EXPECT_EQ(table.left_out(), 9u);
  EXPECT_EQ(file.site("a.example", t0), 40 * 41 / 2);  // the host counts every page
  EXPECT_EQ(file.page("a.example", "/40", t0), 40);
  EXPECT_EQ(file.page("a.example", "/10", t0), 10);
  EXPECT_EQ(file.page("a.example", "/9", t0), 0);
}

// A reader racing the writer sees only counts that were published (or "-"
// after a lapped read), never a half-written table.
TEST(ViewersTable, ConcurrentReaderSeesOnlyPublishedCounts) {
  ViewersFile file(1024);
  ViewersTable table(file.path(), 60000ms);
  std::vector<PageCount> even, odd;
  for (int i = 0; i < 400; ++i) {
    even.push_back({"a.example", "/" + std::to_string(i), 2});
    odd.push_back({"a.example", "/" + std::to_string(i), 1});
  }
  table.publish(even, t0);
  std::atomic<bool> stop{false};
  std::atomic<long> wrong{0}, reads{0};
  std::thread reader([&] {
    while (!stop.load()) {
      const std::int64_t page = file.page("a.example", "/123", t0);
      const std::int64_t site = file.site("a.example", t0);
      if ((page != 1 && page != 2 && page != ONLOOKER_VIEWERS_DOWN) ||
          (site != 400 && site != 800 && site != ONLOOKER_VIEWERS_DOWN)) {
        ++wrong;
      }
      ++reads;
    }
  });
  for (int i = 0; i < 2000; ++i) table.publish(i % 2 ? even : odd, t0);
  stop = true;
  reader.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace onlooker
