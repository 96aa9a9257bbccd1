// GET /metrics (Prometheus text format): a list of named values, each read
// from a plain counter its owner keeps (the drain loop and the ring through
// DrainLoop::add_metrics, the live view through LiveHub::add_metrics). A
// new metric is one add() line beside the counter it reads. Rendered on
// the I/O thread: a reader may load atomics or read I/O-thread state.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace onlooker {

class Metrics {
 public:
  enum class Type { counter, gauge };
  using Value = std::variant<std::uint64_t, std::int64_t, double>;
  using Read = std::function<Value()>;

  // Names and help are string literals: they are kept as views.
  void add(std::string_view name, Type type, std::string_view help, Read read);
  // One series of a labelled metric, e.g. labels `result="ok"` (what goes
  // between the braces, already escaped; copied): series of one name added
  // one after another share their HELP and TYPE lines.
  void add(std::string_view name, std::string labels, Type type, std::string_view help,
           Read read);
  std::string render() const;

 private:
  struct Metric {
    std::string_view name;
    std::string labels;  // empty: none
    Type type;
    std::string_view help;
    Read read;
  };
  std::vector<Metric> metrics_;
};

}  // namespace onlooker
