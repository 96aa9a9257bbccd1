#include "test_ring.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace onlooker::test {

TestRing::TestRing(const std::string& path, std::uint64_t capacity, std::uint64_t generation) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  mapped_ = static_cast<std::size_t>(onlooker_ring_bytes(capacity));
  if (fd_ < 0 || ::ftruncate(fd_, static_cast<off_t>(mapped_)) != 0) {
    throw std::runtime_error("cannot create test ring " + path);
  }
  void* map = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (map == MAP_FAILED) throw std::runtime_error("cannot map test ring");
  header_ = static_cast<onlooker_ring_header*>(map);
  onlooker_ring_init(header_, capacity, generation, 0);
}

TestRing::~TestRing() {
  ::munmap(header_, mapped_);
  ::close(fd_);
}

void TestRing::fill(onlooker_record& out, std::uint64_t pos, const TestRecord& in) {
  out.generation = header_->generation;
  out.seq = pos;
  out.ts_ms = in.ts_ms;
  out.bytes_sent = 100;
  out.request_ms = 1;
  out.status = in.status;
  out.kind = in.kind;
  out.addr_family = 4;
  std::memset(out.addr, 0, sizeof out.addr);
  std::memcpy(out.addr, in.address.data(), in.address.size());
  std::memset(out.visitor, in.visitor_byte, sizeof out.visitor);
  if (in.visitor_number != 0) std::memcpy(out.visitor, &in.visitor_number, sizeof in.visitor_number);
  std::size_t used = 0;
  out.host_len = onlooker_record_put_text(&out, &used, in.host.data(), in.host.size(),
                                          ONLOOKER_HOST_MAX);
  out.path_len = onlooker_record_put_text(&out, &used, in.path.data(), in.path.size(),
                                          ONLOOKER_PATH_MAX);
  out.referrer_len = onlooker_record_put_text(&out, &used, in.referrer.data(),
                                              in.referrer.size(), ONLOOKER_REFERRER_MAX);
  out.ua_len = onlooker_record_put_text(&out, &used, in.user_agent.data(), in.user_agent.size(),
                                        ONLOOKER_UA_MAX);
  const std::string* const campaign[ONLOOKER_CAMPAIGN_FIELDS] = {&in.utm_source, &in.utm_medium,
                                                                 &in.utm_campaign, &in.ref};
  for (std::size_t field = 0; field < ONLOOKER_CAMPAIGN_FIELDS; ++field) {
    out.campaign_len[field] = static_cast<std::uint8_t>(onlooker_record_put_text(
        &out, &used, campaign[field]->data(), campaign[field]->size(), ONLOOKER_CAMPAIGN_VALUE_MAX));
  }
  out.visible_ms = in.visible_ms;
}

bool TestRing::push(const TestRecord& record) {
  const std::uint64_t pos = claim_only(record);
  return pos != UINT64_MAX && publish(pos);
}

std::uint64_t TestRing::claim_only(const TestRecord& record) {
  std::uint64_t pos = 0;
  onlooker_slot* slot = onlooker_ring_claim(header_, &pos);
  if (slot == nullptr) return UINT64_MAX;
  fill(slot->record, pos, record);
  return pos;
}

bool TestRing::publish(std::uint64_t pos) {
  return onlooker_ring_publish(onlooker_ring_slot(header_, pos), pos) != 0;
}

}  // namespace onlooker::test
