// A client of the live view: what the hub pushes snapshots or counts to.
// A WebSocket today (http/websocket_session.h); another transport (SSE, a
// relay to other nodes) implements the same three calls. The hub holds
// clients by weak_ptr and calls them on the I/O thread only.
#pragma once

#include <memory>
#include <string>

#include "site_scope.h"

namespace onlooker {

class LiveClient {
 public:
  virtual ~LiveClient() = default;
  // Only this site's visitors; empty for every site.
  virtual const std::string& host_filter() const = 0;
  // The sites its key opens; the hub builds every frame for this scope.
  virtual const SiteScope& scope() const {
    static const SiteScope every_site;
    return every_site;
  }
  // {"type":"count","active":n} instead of whole snapshots.
  virtual bool count_only() const = 0;
  // The newest message for this client (it may skip older unsent ones).
  virtual void send(std::shared_ptr<const std::string> message) = 0;
};

}  // namespace onlooker
