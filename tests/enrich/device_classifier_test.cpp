#include "device_classifier.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>

namespace onlooker {

// Readable failure messages (found by argument-dependent lookup).
void PrintTo(const Device& device, std::ostream* out) {
  *out << "{" << device.device_class << ", " << device.browser << ", " << device.os << "}";
}

namespace {

// Compiling the uap-core set takes about half a second: once per suite.
class DeviceClassifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    classifier_ = std::make_unique<DeviceClassifier>(ONLOOKER_TEST_UAP_REGEXES);
  }
  static void TearDownTestSuite() { classifier_.reset(); }
  static inline std::unique_ptr<DeviceClassifier> classifier_;
};

struct UserAgentCase {
  const char* name;
  const char* user_agent;
  Device expected;
};

const UserAgentCase real_user_agents[] = {
    {"ChromeWindows",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36",
     {"desktop", "Chrome", "Windows"}},
    {"EdgeWindows",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
     {"desktop", "Edge", "Windows"}},
    {"SafariMacos",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4.1 Safari/605.1.15",
     {"desktop", "Safari", "Mac OS X"}},
    {"FirefoxLinux",
     "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
     {"desktop", "Firefox", "Linux"}},
    {"FirefoxUbuntu",
     "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
     {"desktop", "Firefox", "Ubuntu"}},
    {"ChromeOs",
     "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36",
     {"desktop", "Chrome", "Chrome OS"}},
    {"IphoneSafari",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
     {"mobile", "Mobile Safari", "iOS"}},
    {"IphoneChrome",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) CriOS/124.0.6367.111 Mobile/15E148 Safari/604.1",
     {"mobile", "Chrome Mobile iOS", "iOS"}},
    {"AndroidChromePhone",
     "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.6367.113 Mobile Safari/537.36",
     {"mobile", "Chrome Mobile", "Android"}},
    {"AndroidReducedUserAgent",  // Chrome's frozen "Android 10; K"
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Mobile Safari/537.36",
     {"mobile", "Chrome Mobile", "Android"}},
    {"PhoneBrandContainingBot",  // "CUBOT" is a phone maker, not a crawler
     "Mozilla/5.0 (Linux; Android 10; CUBOT_X19) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Mobile Safari/537.36",
     {"mobile", "Chrome Mobile", "Android"}},
    {"OperaMiniFeaturePhone",
     "Opera/9.80 (J2ME/MIDP; Opera Mini/5.1.21214/28.2725; U; ru) Presto/2.8.119 Version/11.10",
     {"mobile", "Opera Mini", "Other"}},
    {"Ipad",  // says "Mobile/15E148" and is still a tablet
     "Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4.1 Mobile/15E148 Safari/604.1",
     {"tablet", "Mobile Safari", "iOS"}},
    {"AndroidTabletChrome",
     "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36",
     {"tablet", "Chrome", "Android"}},
    {"AndroidTabletSamsungInternet",
     "Mozilla/5.0 (Linux; Android 9; SAMSUNG SM-T595) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/24.0 Chrome/117.0.0.0 Safari/537.36",
     {"tablet", "Samsung Internet", "Android"}},
    {"AndroidTabletFirefox",
     "Mozilla/5.0 (Android 13; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0",
     {"tablet", "Firefox Mobile", "Android"}},
    {"KindleFire",
     "Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Silk/124.3.1 like Chrome/124.0.6367.118 Safari/537.36",
     {"tablet", "Amazon Silk", "Android"}},
    {"Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
     {"bot", "Googlebot", "Other"}},
    {"GooglebotSmartphone",  // looks like an Android phone
     "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/124.0.6367.118 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
     "+http://www.google.com/bot.html)",
     {"bot", "Googlebot", "Android"}},
    {"Bingbot", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
     {"bot", "bingbot", "Other"}},
    {"FacebookLinkPreview",
     "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
     {"bot", "FacebookBot", "Other"}},
    {"Curl", "curl/8.5.0", {"bot", "curl", "Other"}},
    {"PythonRequests", "python-requests/2.31.0", {"bot", "Python Requests", "Other"}},
    {"HeadlessChrome",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "HeadlessChrome/124.0.0.0 Safari/537.36",
     {"bot", "HeadlessChrome", "Windows"}},
    {"SmartTv",
     "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36",
     {"other", "Samsung Internet", "Tizen"}},
    {"Empty", "", {"other", "Other", "Other"}},
    {"Dash", "-", {"other", "Other", "Other"}},
};

// One test for the whole table: ctest runs each test in its own process, and
// every process would compile the regexes again. A failure names the case.
TEST_F(DeviceClassifierTest, ClassifiesRealUserAgents) {
  for (const auto& c : real_user_agents) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(classifier_->classify(c.user_agent), c.expected);
  }
}

TEST_F(DeviceClassifierTest, CompilesTheWholeUapCoreSet) {
  // uap-core 0.18.0: 350 browser, 197 OS and 628 device rules, all RE2-compatible.
  EXPECT_EQ(classifier_->pattern_count() + classifier_->skipped_patterns(), 1175u);
}

TEST_F(DeviceClassifierTest, SurvivesInvalidUtf8AndHugeUserAgents) {
  EXPECT_EQ(classifier_->classify("Mozilla/5.0 (iPhone; \xff\xfe\xc3) Mobile").device_class,
            "mobile");
  const std::string huge = "Mozilla/5.0 (Windows NT 10.0) " + std::string(64 * 1024, 'x') +
                           " Chrome/124.0.0.0 Safari/537.36";
  const auto cached_before = classifier_->cached_user_agents();
  EXPECT_EQ(classifier_->classify(huge), (Device{"desktop", "Chrome", "Windows"}));
  EXPECT_EQ(classifier_->cached_user_agents(), cached_before);  // too long to cache
}

// A hand-written regexes.yaml in a scratch directory, removed afterwards.
class ScratchRegexes {
 public:
  explicit ScratchRegexes(const std::string& yaml)
      : path_(std::filesystem::temp_directory_path() /
              ("onlooker-uap-" + std::to_string(::getpid()) + "-" + std::to_string(++created_) +
               ".yaml")) {
    std::ofstream(path_) << yaml;
  }
  ~ScratchRegexes() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int created_ = 0;
  std::filesystem::path path_;
};

TEST(DeviceClassifier, SkipsAndCountsPatternsRe2CannotCompile) {
  const ScratchRegexes regexes(R"(
user_agent_parsers:
  - regex: '(Foo)(?=Bar)'
  - regex: '(Baz)/(\d+) \1'
  - regex: '(Qux)/(\d+)'
    family_replacement: 'Qux $2'
os_parsers:
  - regex: '(Plan9)'
device_parsers:
  - regex: 'Plan9'
    regex_flag: 'i'
    device_replacement: 'Spider'
)");
  DeviceClassifier classifier(regexes.path());
  EXPECT_EQ(classifier.skipped_patterns(), 2u);
  EXPECT_EQ(classifier.pattern_count(), 3u);
  EXPECT_EQ(classifier.classify("Qux/7 (Plan9)"), (Device{"bot", "Qux 7", "Plan9"}));
  EXPECT_EQ(classifier.classify("FooBar"), (Device{"other", "Other", "Other"}));
}

TEST(DeviceClassifier, UsesTheFirstMatchingRuleInFileOrder) {
  const ScratchRegexes regexes(R"(
user_agent_parsers:
  - regex: 'Special (Browser)'
    family_replacement: 'First $1'
  - regex: '(Browser)'
os_parsers: []
device_parsers: []
)");
  DeviceClassifier classifier(regexes.path());
  EXPECT_EQ(classifier.classify("Special Browser").browser, "First Browser");
  EXPECT_EQ(classifier.classify("Plain Browser").browser, "Browser");
}

TEST(DeviceClassifier, CachesEachUserAgentWithinItsCapacity) {
  const ScratchRegexes regexes(R"(
user_agent_parsers:
  - regex: '(\w+)/\d'
os_parsers: []
device_parsers: []
)");
  DeviceClassifier classifier(regexes.path(), 2);
  EXPECT_EQ(classifier.classify("One/1").browser, "One");
  EXPECT_EQ(classifier.classify("One/1").browser, "One");
  EXPECT_EQ(classifier.cached_user_agents(), 1u);
  classifier.classify("Two/2");
  classifier.classify("Three/3");
  EXPECT_EQ(classifier.cached_user_agents(), 2u);
  EXPECT_EQ(classifier.classify("One/1").browser, "One");
}

TEST(DeviceClassifier, ThrowsNamingAMissingFile) {
  try {
    DeviceClassifier classifier("/nonexistent/regexes.yaml");
    FAIL() << "loaded a missing file";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/regexes.yaml"), std::string::npos)
        << error.what();
  }
}

TEST(DeviceClassifier, ThrowsForMalformedYaml) {
  const ScratchRegexes regexes("user_agent_parsers: [ {regex: 'x'\n");
  EXPECT_THROW(DeviceClassifier classifier(regexes.path()), std::runtime_error);
}

TEST(DeviceClassifier, ThrowsForYamlThatIsNotAUapRegexFile) {
  const ScratchRegexes missing_section("user_agent_parsers: []\nos_parsers: []\n");
  EXPECT_THROW(DeviceClassifier classifier(missing_section.path()), std::runtime_error);
  const ScratchRegexes entry_without_regex(
      "user_agent_parsers: [{family_replacement: x}]\nos_parsers: []\ndevice_parsers: []\n");
  EXPECT_THROW(DeviceClassifier classifier(entry_without_regex.path()), std::runtime_error);
}

}  // namespace
}  // namespace onlooker
