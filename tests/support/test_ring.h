// A ring file made and written by the tests the way the nginx module does
// (same header functions), for testing the consumer without nginx.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "onlooker_ring.h"

namespace onlooker::test {

struct TestRecord {
  std::uint8_t kind = ONLOOKER_KIND_VIEW;
  std::uint16_t status = 200;
  std::uint64_t ts_ms = 0;
  std::uint8_t visitor_byte = 1;  // visitor id = 16 copies of this byte
  std::string host = "example.com";
  std::string path = "/";
  std::string referrer;
  std::string user_agent = "test-agent";
  // A view's campaign fields, in the ring's order (ONLOOKER_UTM_SOURCE...).
  std::string utm_source;
  std::string utm_medium;
  std::string utm_campaign;
  std::string ref;
  std::uint32_t visible_ms = 0;  // leave, hide
  // When set, the id's first four bytes carry it: more than 256 visitors.
  std::uint32_t visitor_number = 0;
  std::array<std::uint8_t, 4> address{127, 0, 0, 1};  // IPv4, network order
};

class TestRing {
 public:
  // Creates (or truncates) `path` as a fresh ring of `capacity` slots.
  TestRing(const std::string& path, std::uint64_t capacity, std::uint64_t generation = 42);
  ~TestRing();
  TestRing(const TestRing&) = delete;
  TestRing& operator=(const TestRing&) = delete;

  // Claims, fills and publishes a slot; false when the ring was full.
  bool push(const TestRecord& record);
  // Claims a slot and fills it but does not publish: a writer that died.
  // Returns the claimed position, or UINT64_MAX when full.
  std::uint64_t claim_only(const TestRecord& record);
  // Publishes a slot claimed by claim_only; false when it was skipped.
  bool publish(std::uint64_t pos);

  onlooker_ring_header* header() { return header_; }

 private:
  void fill(onlooker_record& out, std::uint64_t pos, const TestRecord& in);

  int fd_ = -1;
  onlooker_ring_header* header_ = nullptr;
  std::size_t mapped_ = 0;
};

}  // namespace onlooker::test
