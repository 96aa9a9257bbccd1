#include "geo_locator.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>
#include <string>

namespace onlooker {

// Readable failure messages (found by argument-dependent lookup).
void PrintTo(const GeoResult& geo, std::ostream* out) {
  *out << "{" << geo.country_code << ", " << geo.country_name << ", " << geo.city << "}";
}

namespace {

ClientAddress address(const std::string& text) {
  ClientAddress result;
  if (inet_pton(AF_INET, text.c_str(), result.bytes.data()) == 1) {
    result.family = 4;
  } else if (inet_pton(AF_INET6, text.c_str(), result.bytes.data()) == 1) {
    result.family = 6;
  } else {
    throw std::invalid_argument("not an address: " + text);
  }
  return result;
}

TEST(GeoLocator, FindsCountryAndCityForIpv4) {
  GeoLocator geo(ONLOOKER_TEST_GEOIP2_MMDB);
  const auto london = geo.lookup(address("81.2.69.160"));
  ASSERT_TRUE(london);
  EXPECT_EQ(london->country_code, "GB");
  EXPECT_EQ(london->country_name, "United Kingdom");
  EXPECT_EQ(london->city, "London");
}

TEST(GeoLocator, FindsIpv6Networks) {
  GeoLocator geo(ONLOOKER_TEST_GEOIP2_MMDB);
  const auto berlin = geo.lookup(address("2001:db8::1"));
  ASSERT_TRUE(berlin);
  EXPECT_EQ(berlin->country_code, "DE");
  EXPECT_EQ(berlin->city, "Berlin");
}

TEST(GeoLocator, KeepsUtf8CityNames) {
  GeoLocator geo(ONLOOKER_TEST_GEOIP2_MMDB);
  const auto sao_paulo = geo.lookup(address("192.0.2.200"));
  ASSERT_TRUE(sao_paulo);
  EXPECT_EQ(sao_paulo->city, "S\xc3\xa3o Paulo");
  EXPECT_EQ(sao_paulo->country_code, "BR");
}

TEST(GeoLocator, LooksUpIpv4MappedIpv6AsIpv4) {
  GeoLocator geo(ONLOOKER_TEST_DBIP_MMDB);  // an IPv4-only file
  const auto tokyo = geo.lookup(address("::ffff:203.0.113.9"));
  ASSERT_TRUE(tokyo);
  EXPECT_EQ(tokyo->city, "Tokyo");
}

TEST(GeoLocator, IgnoresBytesBeyondTheFirstFourOfAnIpv4Address) {
  GeoLocator geo(ONLOOKER_TEST_GEOIP2_MMDB);
  ClientAddress new_york = address("198.51.100.1");
  new_york.bytes[4] = 0xde;
  new_york.bytes[15] = 0xad;
  const auto result = geo.lookup(new_york);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->city, "New York");
}

TEST(GeoLocator, ReturnsNothingForUnknownAddressesAndFamilyZero) {
  GeoLocator geo(ONLOOKER_TEST_GEOIP2_MMDB);
  EXPECT_FALSE(geo.lookup(address("8.8.8.8")));
  EXPECT_FALSE(geo.lookup(address("2a00:1450::1")));
  EXPECT_FALSE(geo.lookup(ClientAddress{}));
}

TEST(GeoLocator, FallsBackToRegisteredCountryWithoutLocation) {
  GeoLocator geo(ONLOOKER_TEST_GEOIP2_MMDB);
  const auto anycast = geo.lookup(address("198.18.0.1"));
  ASSERT_TRUE(anycast);
  EXPECT_EQ(anycast->country_code, "NL");
  EXPECT_EQ(anycast->country_name, "Netherlands");
  EXPECT_EQ(anycast->city, "");
}

TEST(GeoLocator, ReadsTheFlatDbipLayout) {
  GeoLocator geo(ONLOOKER_TEST_DBIP_MMDB);
  const auto london = geo.lookup(address("81.2.69.160"));
  ASSERT_TRUE(london);
  EXPECT_EQ(london->country_code, "GB");
  EXPECT_EQ(london->country_name, "");  // the npm DB-IP files carry no names
  EXPECT_EQ(london->city, "London");
}

TEST(GeoLocator, NamesCountriesFromIsoCodesWhenTheDatabaseHasNone) {
  const CountryNames names;
  GeoLocator geo(std::vector<std::string>{ONLOOKER_TEST_DBIP_MMDB},
                 GeoLocator::default_cache_capacity, &names);
  const auto london = geo.lookup(address("81.2.69.160"));
  ASSERT_TRUE(london);
  EXPECT_EQ(london->country_name, "United Kingdom");
  GeoLocator named_by_database(std::vector<std::string>{ONLOOKER_TEST_GEOIP2_MMDB},
                               GeoLocator::default_cache_capacity, &names);
  EXPECT_EQ(named_by_database.lookup(address("198.18.0.1"))->country_name, "Netherlands");
}

TEST(GeoLocator, Ipv6InAnIpv4OnlyDatabaseIsAMissNotAnError) {
  GeoLocator geo(ONLOOKER_TEST_DBIP_MMDB);
  EXPECT_FALSE(geo.lookup(address("2001:db8::1")));
}

TEST(GeoLocator, AsksEachDatabaseInTurnUntilOneAnswers) {
  // The npm DB-IP package's shape: an IPv4-only file first, then an IPv6 one.
  GeoLocator geo(std::vector<std::string>{ONLOOKER_TEST_DBIP_MMDB, ONLOOKER_TEST_GEOIP2_MMDB});
  const auto from_ipv4_file = geo.lookup(address("81.2.69.160"));
  ASSERT_TRUE(from_ipv4_file);
  EXPECT_EQ(from_ipv4_file->country_name, "");  // flat layout answered first
  const auto from_ipv6_file = geo.lookup(address("2001:db8::1"));
  ASSERT_TRUE(from_ipv6_file);
  EXPECT_EQ(from_ipv6_file->city, "Berlin");
}

TEST(GeoLocator, CachesEachAddressOnceIncludingMisses) {
  GeoLocator geo(ONLOOKER_TEST_GEOIP2_MMDB);
  const auto first = geo.lookup(address("203.0.113.5"));
  EXPECT_EQ(geo.lookup(address("203.0.113.5")), first);
  EXPECT_FALSE(geo.lookup(address("8.8.4.4")));
  EXPECT_FALSE(geo.lookup(address("8.8.4.4")));
  EXPECT_EQ(geo.cached_addresses(), 2u);
}

TEST(GeoLocator, CacheStaysWithinItsCapacity) {
  GeoLocator geo(ONLOOKER_TEST_GEOIP2_MMDB, 2);
  for (const char* ip : {"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"}) {
    ASSERT_TRUE(geo.lookup(address(ip)));
  }
  EXPECT_EQ(geo.cached_addresses(), 2u);
  EXPECT_EQ(geo.lookup(address("203.0.113.1"))->city, "Tokyo");  // evicted, looked up again
}

TEST(GeoLocator, ACacheOfZeroKeepsOneAddress) {
  GeoLocator geo(ONLOOKER_TEST_GEOIP2_MMDB, 0);
  EXPECT_EQ(geo.lookup(address("203.0.113.1"))->city, "Tokyo");
  EXPECT_EQ(geo.lookup(address("81.2.69.160"))->city, "London");
  EXPECT_FALSE(geo.lookup(address("8.8.4.4")));
  EXPECT_EQ(geo.cached_addresses(), 1u);
}

TEST(GeoLocator, ThrowsNamingAMissingFile) {
  try {
    GeoLocator geo("/nonexistent/City.mmdb");
    FAIL() << "opened a missing file";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/City.mmdb"), std::string::npos)
        << error.what();
  }
}

TEST(GeoLocator, ThrowsForAFileThatIsNotADatabase) {
  EXPECT_THROW(GeoLocator geo(ONLOOKER_TEST_SCRIPT), std::runtime_error);
}

TEST(GeoLocator, ThrowsWhenAnyOfSeveralFilesCannotBeOpened) {
  EXPECT_THROW(GeoLocator geo(std::vector<std::string>{ONLOOKER_TEST_GEOIP2_MMDB, "/nonexistent"}),
               std::runtime_error);
  EXPECT_THROW(GeoLocator geo(std::vector<std::string>{}), std::runtime_error);
}

TEST(GeoLocator, OpenOptionalReturnsNullForAnEmptyPath) {
  EXPECT_EQ(GeoLocator::open_optional(""), nullptr);
  const auto geo = GeoLocator::open_optional(ONLOOKER_TEST_GEOIP2_MMDB);
  ASSERT_NE(geo, nullptr);
  EXPECT_EQ(geo->lookup(address("81.2.69.1"))->country_code, "GB");
  EXPECT_THROW(GeoLocator::open_optional("/nonexistent/City.mmdb"), std::runtime_error);
}

}  // namespace
}  // namespace onlooker
