// An independent reader of the Prometheus text exposition format 0.0.4, for tests: each line is
// matched against the grammar of its kind (HELP, TYPE, sample) with a regular expression, and
// the structure Prometheus relies on is checked (a family's TYPE before its samples and its
// samples together, no series twice, histogram buckets cumulative with +Inf equal to _count).
// Written from the format's description, not from api/prometheus_text.cc, so the two can
// disagree.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pardner::testing {

struct ExpositionSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;  // values unescaped
  std::string value;                                        // as written
};

struct Exposition {
  std::vector<std::string> errors;           // empty when the text is well-formed
  std::map<std::string, std::string> types;  // family -> counter|gauge|histogram|...
  std::vector<ExpositionSample> samples;     // in order
  // "name{a=\"x\",b=\"y\"}" exactly as written -> value, for lookups in tests.
  std::map<std::string, std::string> by_series;

  // The value of the series written exactly as `series`, or nullopt.
  std::optional<double> value(const std::string& series) const {
    auto found = by_series.find(series);
    if (found == by_series.end()) return std::nullopt;
    return parse_value(found->second);
  }

  static double parse_value(const std::string& text) {
    if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
    if (text == "-Inf") return -std::numeric_limits<double>::infinity();
    return std::stod(text);
  }
};

inline Exposition read_exposition(std::string_view text) {
  static const std::string name = R"([a-zA-Z_:][a-zA-Z0-9_:]*)";
  static const std::string label_name = R"([a-zA-Z_][a-zA-Z0-9_]*)";
  static const std::string label_value = R"("(?:[^"\\\n]|\\[\\"n])*")";
  static const std::string label = label_name + "=" + label_value;
  static const std::string number =
      R"([+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|Inf)|NaN)";
  static const std::regex help_line("^# HELP (" + name + R"() ((?:[^\\\n]|\\[\\n])*)$)");
  static const std::regex type_line("^# TYPE (" + name +
                                    ") (counter|gauge|histogram|summary|untyped)$");
  static const std::regex sample_line("^(" + name + R"()(?:\{((?:)" + label + "(?:," + label +
                                      R"()*,?)?)\})? ()" + number + R"()(?: -?[0-9]+)?$)");
  static const std::regex one_label("(" + label_name + ")=(" + label_value + ")");

  Exposition out;
  auto fail = [&out](std::size_t line_no, const std::string& what, std::string_view line) {
    out.errors.push_back("line " + std::to_string(line_no) + ": " + what + ": " +
                         std::string(line));
  };
  if (text.empty() || text.back() != '\n') out.errors.push_back("does not end in a newline");

  std::set<std::string> helped, finished_families, series_seen;
  std::string current_family;
  // Histogram series (family + labels without le) -> the buckets seen, and _count.
  struct Buckets {
    std::vector<std::pair<double, double>> le_counts;
    std::optional<double> count;
  };
  std::map<std::string, Buckets> histograms;

  auto family_of = [&out](const std::string& sample) -> std::string {
    for (std::string suffix : {"_bucket", "_sum", "_count"}) {
      if (sample.size() > suffix.size() &&
          sample.compare(sample.size() - suffix.size(), suffix.size(), suffix) == 0) {
        std::string base = sample.substr(0, sample.size() - suffix.size());
        auto type = out.types.find(base);
        if (type != out.types.end() && type->second == "histogram") return base;
      }
    }
    return sample;
  };
  auto enter_family = [&](std::size_t line_no, const std::string& family, std::string_view line) {
    if (family == current_family) return;
    if (finished_families.count(family) != 0) fail(line_no, "family not grouped together", line);
    if (!current_family.empty()) finished_families.insert(current_family);
    current_family = family;
  };

  std::size_t line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    start = end + 1;
    ++line_no;
    std::smatch m;
    if (line.empty()) continue;  // the format ignores empty lines
    if (std::regex_match(line, m, help_line)) {
      if (!helped.insert(m[1]).second) fail(line_no, "second HELP", line);
      enter_family(line_no, m[1], line);
    } else if (std::regex_match(line, m, type_line)) {
      if (out.types.count(m[1]) != 0) fail(line_no, "second TYPE", line);
      if (finished_families.count(m[1]) != 0 || series_seen.count(m[1]) != 0) {
        fail(line_no, "TYPE after the family's samples", line);
      }
      out.types[m[1]] = m[2];
      enter_family(line_no, m[1], line);
    } else if (line.rfind('#', 0) == 0) {
      continue;  // a comment
    } else if (std::regex_match(line, m, sample_line)) {
      ExpositionSample sample{m[1], {}, m[3]};
      std::string labels_text = m[2];
      for (auto it = std::sregex_iterator(labels_text.begin(), labels_text.end(), one_label);
           it != std::sregex_iterator(); ++it) {
        std::string raw = (*it)[2];
        std::string value;
        for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
          if (raw[i] == '\\') {
            ++i;
            value += raw[i] == 'n' ? '\n' : raw[i];
          } else {
            value += raw[i];
          }
        }
        for (const auto& [seen, unused] : sample.labels) {
          if (seen == (*it)[1]) fail(line_no, "label repeated", line);
        }
        sample.labels.emplace_back((*it)[1], value);
      }
      std::string family = family_of(sample.name);
      if (out.types.count(family) == 0) fail(line_no, "sample without a TYPE", line);
      enter_family(line_no, family, line);
      std::string series = line.substr(0, line.rfind(' '));
      if (!series_seen.insert(series).second) fail(line_no, "series written twice", line);
      out.by_series[series] = sample.value;

      auto type = out.types.find(family);
      if (type != out.types.end() && type->second == "histogram") {
        std::string key = family;
        std::optional<double> le;
        for (const auto& [label_key, label_val] : sample.labels) {
          if (label_key == "le") {
            le = Exposition::parse_value(label_val);
          } else {
            key += "|" + label_key + "=" + label_val;
          }
        }
        Buckets& buckets = histograms[key];
        double value = Exposition::parse_value(sample.value);
        if (sample.name == family + "_bucket") {
          if (!le) {
            fail(line_no, "bucket without le", line);
          } else {
            if (!buckets.le_counts.empty() && !(buckets.le_counts.back().first < *le)) {
              fail(line_no, "le not increasing", line);
            }
            if (!buckets.le_counts.empty() && value < buckets.le_counts.back().second) {
              fail(line_no, "buckets not cumulative", line);
            }
            buckets.le_counts.emplace_back(*le, value);
          }
        } else if (sample.name == family + "_count") {
          buckets.count = value;
        } else if (le) {
          fail(line_no, "le on a non-bucket sample", line);
        }
      } else if (type != out.types.end() && type->second == "counter" && sample.value[0] == '-') {
        fail(line_no, "negative counter", line);
      }
      out.samples.push_back(std::move(sample));
    } else {
      fail(line_no, "matches no line kind", line);
    }
  }
  for (const auto& [key, buckets] : histograms) {
    if (buckets.le_counts.empty() ||
        buckets.le_counts.back().first < std::numeric_limits<double>::infinity()) {
      out.errors.push_back(key + ": no +Inf bucket");
    } else if (!buckets.count || *buckets.count != buckets.le_counts.back().second) {
      out.errors.push_back(key + ": +Inf bucket differs from _count");
    }
  }
  return out;
}

}  // namespace pardner::testing
