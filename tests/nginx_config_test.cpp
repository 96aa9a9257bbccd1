// `nginx -t` with the built module: bad directive arguments are clear errors
// that name the directive and the value, never a crash.
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "support/process.h"
#include "support/stack.h"
#include "support/temp_dir.h"

namespace onlooker {
namespace {

using test::TempDir;

struct Check {
  int status;
  std::string output;
};

Check nginx_t(const TempDir& dir, const std::string& http_block) {
  dir.write("nginx.conf", "load_module " + test::module_path() + ";\n" +
                              "pid " + dir.file("nginx.pid") + ";\n" +
                              "events {}\nhttp {\n" + http_block + "\n}\n");
  const auto result = test::run_command({"/usr/sbin/nginx", "-t", "-p", dir.path().string(), "-c",
                                         dir.file("nginx.conf"), "-e", dir.file("error.log")});
  return {result.status, result.output};
}

TEST(NginxConfig, ValidConfigurationPassesAndCreatesTheRing) {
  TempDir dir;
  const auto check = nginx_t(dir, "onlooker_zone " + dir.file("ring") +
                                      " size=1m;\nserver { listen 127.0.0.1:1; onlooker on; }");
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_EQ(test::read_file(dir.file("ring")).size(), 512u + 1024u * 1024u);
}

// The README gives the range as "64k to 16g": g is accepted, and the refusal
// names the same units.
TEST(NginxConfig, ZoneSizeTakesGigabytesAndTheRefusalUsesTheReadmeUnits) {
  TempDir dir;
  const auto check = nginx_t(dir, "onlooker_zone " + dir.file("ring") + " size=1g;");
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_EQ(std::filesystem::file_size(dir.file("ring")), 512u + (1u << 30));
  std::filesystem::remove(dir.file("ring"));

  const auto too_big = nginx_t(dir, "onlooker_zone " + dir.file("ring") + " size=17g;");
  EXPECT_NE(too_big.status, 0);
  EXPECT_NE(too_big.output.find("invalid onlooker_zone size \"size=17g\": between 64k and 16g"),
            std::string::npos)
      << too_big.output;
}

TEST(NginxConfig, TheRingIsOwnerOnlyOrSharedWithOneGroup) {
  TempDir dir;
  ASSERT_EQ(nginx_t(dir, "onlooker_zone " + dir.file("ring") + " size=1m;").status, 0);
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("ring").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const auto check = nginx_t(dir, "onlooker_zone " + dir.file("ring") + " size=1m group=nogroup;");
  ASSERT_EQ(check.status, 0) << check.output;
  ASSERT_EQ(::stat(dir.file("ring").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0660u);
  EXPECT_EQ(st.st_gid, ::getgrnam("nogroup")->gr_gid);

  const auto unknown = nginx_t(dir, "onlooker_zone " + dir.file("ring") + " size=1m group=no-such-group-x;");
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.output.find("unknown group \"no-such-group-x\""), std::string::npos)
      << unknown.output;
  const auto bad = nginx_t(dir, "onlooker_zone " + dir.file("ring") + " size=1m owner=x;");
  EXPECT_NE(bad.output.find("expected group=NAME"), std::string::npos) << bad.output;
}

TEST(NginxConfig, OnlookerOnWithoutAZoneIsRejected) {
  TempDir dir;
  const auto check = nginx_t(dir, "server { listen 127.0.0.1:1; onlooker on; }");
  EXPECT_NE(check.status, 0);
  EXPECT_NE(check.output.find("needs an \"onlooker_zone\""), std::string::npos) << check.output;
}

TEST(NginxConfig, BadZoneArgumentsAreRejectedWithTheValueQuoted) {
  TempDir dir;
  auto check = nginx_t(dir, "onlooker_zone relative/ring size=1m;");
  EXPECT_NE(check.status, 0);
  EXPECT_NE(check.output.find("absolute path, not \"relative/ring\""), std::string::npos)
      << check.output;

  check = nginx_t(dir, "onlooker_zone " + dir.file("ring") + " bytes=1m;");
  EXPECT_NE(check.status, 0);
  EXPECT_NE(check.output.find("invalid onlooker_zone parameter \"bytes=1m\""), std::string::npos)
      << check.output;

  check = nginx_t(dir, "onlooker_zone " + dir.file("ring") + " size=1k;");
  EXPECT_NE(check.status, 0);
  EXPECT_NE(check.output.find("invalid onlooker_zone size \"size=1k\""), std::string::npos)
      << check.output;

  check = nginx_t(dir, "onlooker_zone " + dir.file("ring") + " size=lots;");
  EXPECT_NE(check.status, 0);
  EXPECT_NE(check.output.find("invalid onlooker_zone size"), std::string::npos) << check.output;

  check = nginx_t(dir, "onlooker_zone " + dir.file("ring") + " size=1m;\n"
                       "server { listen 127.0.0.1:1; onlooker maybe; }");
  EXPECT_NE(check.status, 0);
  EXPECT_NE(check.output.find("onlooker"), std::string::npos) << check.output;
}

TEST(NginxConfig, ExistingRingOfAnotherSizeIsAClearError) {
  TempDir dir;
  const std::string zone = "onlooker_zone " + dir.file("ring");
  ASSERT_EQ(nginx_t(dir, zone + " size=1m;").status, 0);
  const auto check = nginx_t(dir, zone + " size=2m;");
  EXPECT_NE(check.status, 0);
  EXPECT_NE(check.output.find("holds a ring of 1024 slots"), std::string::npos) << check.output;
}

TEST(NginxConfig, ExistingFileThatIsNotARingIsLeftAlone) {
  TempDir dir;
  dir.write("precious", std::string(8192, 'x'));
  const auto check = nginx_t(dir, "onlooker_zone " + dir.file("precious") + " size=1m;");
  EXPECT_NE(check.status, 0);
  EXPECT_NE(check.output.find("is not an onlooker ring"), std::string::npos) << check.output;
  EXPECT_EQ(test::read_file(dir.file("precious")), std::string(8192, 'x'));
}

}  // namespace
}  // namespace onlooker
