// A directory under /tmp for one test, removed with everything in it at the
// end. World-traversable (0755) so nginx workers, which drop to `nobody`
// when the tests run as root, can read the files a test puts there.
#pragma once

#include <filesystem>
#include <string>

namespace onlooker::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  void write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace onlooker::test
