// A consumer that frees every record of a ring as soon as it is published
// and does nothing else, for bench/nginx_overhead.sh's `module` variant: the
// module writes into a ring that is drained, as in production (its slots
// are reused, so they stay in cache), while no enrichment or SQLite work
// competes with nginx for the cores. Exits on SIGTERM or SIGINT, printing
// how many records it freed.
//   onlooker_ring_sink RING_PATH
#include <signal.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>

#include "ring_reader.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s RING_PATH\n", argv[0]);
    return 2;
  }
  // The signals are waited for, with a timeout, instead of handled: the wait
  // is also the 1 ms pause between sweeps.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    onlooker::RingReader ring(argv[1]);
    const std::uint64_t first = ring.tail();
    const timespec pause{.tv_sec = 0, .tv_nsec = 1'000'000};
    for (;;) {
      std::uint64_t pos = ring.tail();
      for (;;) {
        const auto state = ring.state(pos);
        if (state != onlooker::SlotState::ready && state != onlooker::SlotState::freed) break;
        ++pos;
      }
      ring.free_until(pos);
      if (sigtimedwait(&stop_signals, nullptr, &pause) > 0) break;
    }
    const auto counters = ring.counters();
    std::printf("freed %llu records; dropped by the ring since it was made: %llu\n",
                static_cast<unsigned long long>(ring.tail() - first),
                static_cast<unsigned long long>(counters.dropped));
    return 0;
  } catch (const std::exception& failure) {
    std::fprintf(stderr, "onlooker_ring_sink: %s\n", failure.what());
    return 1;
  }
}
