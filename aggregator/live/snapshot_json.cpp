#include "snapshot_json.h"

#include <nlohmann/json.hpp>

namespace onlooker {

namespace {

using Json = nlohmann::ordered_json;

// Unknown values are null in JSON rather than "".
Json text_or_null(const std::string& text) { return text.empty() ? Json() : Json(text); }

Json counts(const std::vector<Count>& list, const char* key_name, const char* detail_name) {
  auto out = Json::array();
  for (const Count& count : list) {
    Json entry;
    if (detail_name && std::string_view(detail_name) == "country") {
      entry[detail_name] = count.detail;  // cities: country first, as the contract lists
      entry[key_name] = count.key;
    } else {
      entry[key_name] = count.key;
      if (detail_name) entry[detail_name] = count.detail;
    }
    entry["viewers"] = count.viewers;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

std::string snapshot_json(const LiveSnapshot& snapshot, const SnapshotContext& context,
                          bool with_type) {
  Json out;
  if (with_type) out["type"] = "snapshot";
  out["ts"] = snapshot.ts_ms;
  out["active"] = snapshot.active;
  out["reading"] = snapshot.reading;
  out["bots"] = snapshot.bots;
  out["active_window"] = context.active_window_s;
  out["pages"] = counts(snapshot.pages, "path", nullptr);
  out["countries"] = counts(snapshot.countries, "code", "name");
  out["cities"] = counts(snapshot.cities, "name", "country");
  out["devices"] = counts(snapshot.devices, "name", nullptr);
  out["browsers"] = counts(snapshot.browsers, "name", nullptr);
  out["os"] = counts(snapshot.os, "name", nullptr);
  out["referrers"] = counts(snapshot.referrers, "referrer", nullptr);
  out["sources"] = counts(snapshot.sources, "source", nullptr);
  out["campaigns"] = counts(snapshot.campaigns, "campaign", nullptr);

  auto visitors = Json::array();
  for (const LiveVisitor& visitor : snapshot.visitors) {
    visitors.push_back({{"id", visitor.id},
                        {"host", visitor.host},
                        {"path", visitor.path},
                        {"referrer", text_or_null(visitor.referrer)},
                        {"country", text_or_null(visitor.country_code)},
                        {"country_name", text_or_null(visitor.country_name)},
                        {"city", text_or_null(visitor.city)},
                        {"device", text_or_null(visitor.device)},
                        {"browser", text_or_null(visitor.browser)},
                        {"os", text_or_null(visitor.os)},
                        {"source", text_or_null(visitor.source)},
                        {"campaign", text_or_null(visitor.campaign)},
                        {"first_seen", visitor.first_seen_ms},
                        {"last_seen", visitor.last_seen_ms},
                        {"state", visitor.reading ? "reading" : "idle"}});
  }
  out["visitors"] = std::move(visitors);
  out["series"] = {{"start", context.series.start_s},
                   {"step", 1},
                   {"active", context.series.active}};
  out["history"] = context.history;
  auto alerts = Json::array();
  for (const FiringAlert& alert : context.alerts) {
    alerts.push_back({{"name", alert.name},
                      {"condition", alert.condition},
                      {"value", alert.value},
                      {"since_ms", alert.since_ms}});
  }
  out["alerts"] = std::move(alerts);
  if (!context.with_ring) {
    out["ring"] = nullptr;
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  out["ring"] = {{"written", context.ring.written},
                 {"dropped", context.ring.dropped},
                 {"torn", context.ring.torn},
                 {"capacity", context.ring.capacity},
                 {"fill", context.ring.written - context.ring.consumed}};
  auto nodes = Json::array();
  for (const NodeStatus& node : context.nodes) {
    nodes.push_back({{"node", node.node},
                     {"live", node.live},
                     {"hits_per_second", node.hits_per_second},
                     {"last_heard_ms", node.last_heard_ms},
                     {"up", node.up}});
  }
  out["nodes"] = std::move(nodes);
  out["cluster"] = {{"node", context.node}, {"link", context.link}};
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string journey_json(const std::string& host, const std::string& id,
                         const LiveJourney* journey) {
  Json out;
  out["id"] = id;
  out["host"] = host;
  out["live"] = journey != nullptr;
  out["journey"] = Json::array();
  if (journey == nullptr) return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out["first_seen"] = journey->first_seen_ms;
  out["last_seen"] = journey->last_seen_ms;
  out["views"] = journey->views;
  out["kept"] = live_journey_views_kept;
  for (const auto& step : journey->steps) {
    out["journey"].push_back({{"path", step.path}, {"t", step.ts_ms}, {"engaged_ms", step.engaged_ms ? Json(*step.engaged_ms) : Json()}});
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace onlooker
