#include "metrics.h"

#include <sstream>
#include <utility>

namespace onlooker {

void Metrics::add(std::string_view name, Type type, std::string_view help, Read read) {
  metrics_.push_back({name, {}, type, help, std::move(read)});
}

void Metrics::add(std::string_view name, std::string labels, Type type,
                  std::string_view help, Read read) {
  metrics_.push_back({name, std::move(labels), type, help, std::move(read)});
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::string_view previous;
  for (const Metric& metric : metrics_) {
    if (metric.name != previous) {
      out << "# HELP " << metric.name << ' ' << metric.help << "\n# TYPE " << metric.name << ' '
          << (metric.type == Type::counter ? "counter" : "gauge") << '\n';
    }
    previous = metric.name;
    out << metric.name;
    if (!metric.labels.empty()) out << '{' << metric.labels << '}';
    out << ' ';
    std::visit([&out](auto value) { out << value; }, metric.read());
    out << '\n';
  }
  return out.str();
}

}  // namespace onlooker
