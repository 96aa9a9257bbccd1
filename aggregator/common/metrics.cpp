#include "metrics.h"

#include <sstream>
#include <utility>

namespace onlooker {

void Metrics::add(std::string_view name, Type type, std::string_view help, Read read,
                  std::string labels) {
  metrics_.push_back({name, type, help, std::move(read), std::move(labels)});
}

std::string Metrics::render() const {
  std::ostringstream out;
  for (const Metric& metric : metrics_) {
    out << "# HELP " << metric.name << ' ' << metric.help << "\n# TYPE " << metric.name << ' '
        << (metric.type == Type::counter ? "counter" : "gauge") << '\n'
        << metric.name;
    if (!metric.labels.empty()) out << '{' << metric.labels << '}';
    out << ' ';
    std::visit([&out](auto value) { out << value; }, metric.read());
    out << '\n';
  }
  return out.str();
}

}  // namespace onlooker
