// The synthetic traffic the ingest benchmarks share: real browsers'
// User-Agents in rough market proportions, one address and one browser per
// visitor, and a site where 1,000 people are on at once, each making four
// page views and then leaving, then replaced by new people.
#pragma once

#include <cstdint>
#include <random>

#include "hit.h"
#include "support/test_ring.h"

namespace onlooker::bench {

// A page view of `visitor` at `ts` (host, a page, sometimes a referrer, the
// visitor's browser and address; device "bot" for the crawler, else desktop).
Hit make_hit(std::mt19937& random, std::uint32_t visitor, std::int64_t ts);

// The n-th record of the site's traffic (n from 1): a visit row every fifth
// hit, and visitors new to the day's rollups. `first_visitor` shifts every
// id, so that a later run brings people (and addresses) never seen before.
test::TestRecord traffic_record(std::mt19937& random, std::uint64_t n, std::int64_t ts,
                                std::uint32_t first_visitor = 1);

}  // namespace onlooker::bench
