// Prometheus text format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats). Numbers
// are written from integers, so the same observations always give the same text.
#include "api/prometheus_text.h"

#include "crypto/invariant.h"

namespace pardner::api {
namespace {

bool is_name(std::string_view name, bool colons) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!(letter || (colons && c == ':') || (digit && i > 0))) return false;
  }
  return true;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_scaled(std::uint64_t value, std::uint64_t divisor) {
  std::size_t digits = 0;
  for (std::uint64_t d = divisor; d > 1; d /= 10) {
    PARDNER_ASSERT(d % 10 == 0);
    ++digits;
  }
  PARDNER_ASSERT(divisor >= 1);
  std::string out = std::to_string(value / divisor);
  std::uint64_t fraction = value % divisor;
  if (fraction == 0) return out;
  std::string decimals = std::to_string(fraction);
  decimals.insert(0, digits - decimals.size(), '0');
  while (decimals.back() == '0') decimals.pop_back();
  return out + "." + decimals;
}

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  PARDNER_ASSERT(is_name(name, true));
  PARDNER_ASSERT(type == "counter" || type == "gauge" || type == "histogram");
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  text_ += escape_help(help);
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type;
  text_ += '\n';
}

void PrometheusText::series(std::string_view name, std::span<const Label> labels,
                            std::string_view le) {
  PARDNER_ASSERT(is_name(name, true));
  text_ += name;
  if (labels.empty() && le.empty()) return;
  char separator = '{';
  for (const Label& label : labels) {
    // "le" belongs to histograms (and "__" prefixes to Prometheus itself).
    PARDNER_ASSERT(is_name(label.name, false));
    PARDNER_ASSERT(label.name != "le");
    text_ += separator;
    text_ += label.name;
    text_ += "=\"";
    text_ += escape_label_value(label.value);
    text_ += '"';
    separator = ',';
  }
  if (!le.empty()) {
    text_ += separator;
    text_ += "le=\"";
    text_ += le;
    text_ += '"';
  }
  text_ += '}';
}

void PrometheusText::sample(std::string_view name, std::span<const Label> labels,
                            std::uint64_t value, std::uint64_t divisor) {
  series(name, labels, "");
  text_ += ' ';
  text_ += format_scaled(value, divisor);
  text_ += '\n';
}

void PrometheusText::single(std::string_view name, std::string_view type, std::string_view help,
                            std::uint64_t value, std::uint64_t divisor) {
  family(name, type, help);
  sample(name, {}, value, divisor);
}

void PrometheusText::histogram(std::string_view name, std::span<const Label> labels,
                               const ledger::HistogramSnapshot& snapshot, std::uint64_t divisor) {
  PARDNER_ASSERT(snapshot.bounds.size() == snapshot.cumulative.size());
  std::string base(name);
  for (std::size_t i = 0; i < snapshot.bounds.size(); ++i) {
    series(base + "_bucket", labels, format_scaled(snapshot.bounds[i], divisor));
    text_ += ' ';
    text_ += std::to_string(snapshot.cumulative[i]);
    text_ += '\n';
  }
  series(base + "_bucket", labels, "+Inf");
  text_ += ' ';
  text_ += std::to_string(snapshot.count);
  text_ += '\n';
  series(base + "_sum", labels, "");
  text_ += ' ';
  text_ += format_scaled(snapshot.sum, divisor);
  text_ += '\n';
  sample(base + "_count", labels, snapshot.count);
}

}  // namespace pardner::api
