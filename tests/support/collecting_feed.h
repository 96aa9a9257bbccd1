// A HitFeed that keeps every hit published to it, in order: what the live
// view would have been given.
#pragma once

#include <memory>
#include <vector>

#include "hit_feed.h"

namespace onlooker::test {

struct CollectingFeed final : HitFeed {
  std::vector<Hit> hits;
  void publish(std::shared_ptr<const std::vector<Hit>> batch) override {
    hits.insert(hits.end(), batch->begin(), batch->end());
  }
};

}  // namespace onlooker::test
