#include "snapshot_json.h"

#include <nlohmann/json.hpp>

namespace onlooker {

std::string snapshot_json(const LiveSnapshot& snapshot, const SnapshotContext& context,
                          bool with_type) {
  nlohmann::ordered_json out;
  if (with_type) out["type"] = "snapshot";
  out["ts"] = snapshot.ts_ms;
  out["active"] = snapshot.active;
  out["active_window"] = context.active_window_s;

  auto pages = nlohmann::ordered_json::array();
  for (const PageCount& page : snapshot.pages) {
    pages.push_back({{"path", page.path}, {"viewers", page.viewers}});
  }
  out["pages"] = std::move(pages);

  auto visitors = nlohmann::ordered_json::array();
  for (const LiveVisitor& visitor : snapshot.visitors) {
    visitors.push_back({{"id", visitor.id},
                        {"host", visitor.host},
                        {"path", visitor.path},
                        {"referrer", visitor.referrer},
                        {"first_seen", visitor.first_seen_ms},
                        {"last_seen", visitor.last_seen_ms}});
  }
  out["visitors"] = std::move(visitors);

  out["ring"] = {{"written", context.ring.written},
                 {"dropped", context.ring.dropped},
                 {"torn", context.ring.torn},
                 {"capacity", context.ring.capacity},
                 {"fill", context.ring.written - context.ring.consumed}};
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace onlooker
