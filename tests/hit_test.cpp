// How a hit's kind and visitor are written as text (in `hits`) and read back.
#include <gtest/gtest.h>

#include "hit.h"

namespace onlooker {
namespace {

TEST(Hit, KindsReadBackAsWritten) {
  for (const HitKind kind : {HitKind::view, HitKind::beat, HitKind::leave, HitKind::hide,
                              HitKind::show}) {
    HitKind read = kind == HitKind::view ? HitKind::leave : HitKind::view;
    ASSERT_TRUE(from_string(to_string(kind), read)) << to_string(kind);
    EXPECT_EQ(read, kind);
  }
  HitKind untouched = HitKind::beat;
  for (const char* text : {"", "View", "views", "unknown", "leave "}) {
    EXPECT_FALSE(from_string(text, untouched)) << '"' << text << '"';
  }
  EXPECT_EQ(untouched, HitKind::beat);
}

TEST(Hit, VisitorsReadBackFromTheirHexDigits) {
  VisitorId id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(i * 17 + 3);
  VisitorId read{};
  ASSERT_TRUE(from_hex(to_hex(id), read));
  EXPECT_EQ(read, id);
  EXPECT_FALSE(from_hex(to_hex(id).substr(1), read));
}

}  // namespace
}  // namespace onlooker
