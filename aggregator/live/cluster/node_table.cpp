#include "node_table.h"

#include <utility>

namespace onlooker {

namespace {

constexpr std::int64_t up_within_ms = 5000;  // heartbeats come every second

}  // namespace

void NodeTable::heard(const std::string& name, const std::vector<Hit>& hits,
                      std::int64_t now_ms) {
  Node& node = nodes_[name];
  node.last_heard_ms = now_ms;
  const std::int64_t second = now_ms / 1000;
  for (std::int64_t s = std::max(node.last_second + 1, second - std::int64_t{rate_seconds} + 1);
       s <= second; ++s) {
    node.per_second[static_cast<std::size_t>(s) % rate_seconds] = 0;
  }
  node.last_second = std::max(node.last_second, second);
  node.per_second[static_cast<std::size_t>(second) % rate_seconds] += hits.size();
  for (const Hit& hit : hits) {
    if (hit.is_bot() || hit.deferred) continue;
    if (hit.kind == HitKind::leave) {
      // The live set decides whether the stay ends; here a leave takes the
      // person off their node's count at once, unless a later hit of theirs
      // came first (a leave drained late must not end a newer stay).
      if (auto it = visitors_.find(hit.visitor);
          it != visitors_.end() && hit.ts_ms >= it->second.hit_ms) {
        --it->second.node->live;
        visitors_.erase(it);
      }
      continue;
    }
    auto [it, fresh] = visitors_.try_emplace(hit.visitor, Seen{&node, now_ms, 0, hit.ts_ms});
    if (fresh) {
      ++node.live;
    } else if (hit.ts_ms >= it->second.hit_ms) {
      // The person is on the node of their latest hit by its time, not by
      // arrival: a node's own hit can be drained after another node's later
      // one has come through Redis.
      it->second.hit_ms = hit.ts_ms;
      if (it->second.node != &node) {  // moved to this node
        --it->second.node->live;
        it->second.node = &node;
        ++node.live;
      }
    }
    it->second.last_ms = now_ms;
    it->second.window_ms = windows_.window_ms_for(hit.host);
  }
}

bool NodeTable::expire(std::int64_t now_ms) {
  for (auto it = visitors_.begin(); it != visitors_.end();) {
    if (now_ms - it->second.last_ms >= it->second.window_ms) {
      --it->second.node->live;
      visitors_.erase(it++);
    } else {
      ++it;
    }
  }
  const std::int64_t longest_ms = windows_.longest_ms();
  std::erase_if(nodes_, [&](const auto& entry) {
    return entry.second.live == 0 && now_ms - entry.second.last_heard_ms >= longest_ms;
  });
  std::map<std::string, bool> up;
  for (const auto& [name, node] : nodes_) up[name] = now_ms - node.last_heard_ms < up_within_ms;
  const bool changed = up != reported_up_;
  reported_up_ = std::move(up);
  return changed;
}

std::vector<NodeStatus> NodeTable::list(std::int64_t now_ms) const {
  std::vector<NodeStatus> out;
  const std::int64_t second = now_ms / 1000;
  for (const auto& [name, node] : nodes_) {
    std::uint64_t hits = 0;
    for (std::int64_t s = second - std::int64_t{rate_seconds}; s < second; ++s) {
      if (s > node.last_second - std::int64_t{rate_seconds} && s <= node.last_second) {
        hits += node.per_second[static_cast<std::size_t>(s) % rate_seconds];
      }
    }
    out.push_back({name, node.live, static_cast<double>(hits) / rate_seconds,
                   node.last_heard_ms, now_ms - node.last_heard_ms < up_within_ms});
  }
  return out;
}

}  // namespace onlooker
