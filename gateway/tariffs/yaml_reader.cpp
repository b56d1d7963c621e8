#include "gateway/tariffs/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <set>

namespace parcelgate::tariffs::detail {

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string indexed(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

int yaml_reader::line_of(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  int line = node.Mark().line;
  return line < 0 ? 0 : line + 1;
}

void yaml_reader::fail(const YAML::Node& at, const std::string& path, std::string message) {
  fail_at_line(line_of(at), path, std::move(message));
}

void yaml_reader::fail_at_line(int line, const std::string& path, std::string message) {
  problems_.push_back({file_, line, path, std::move(message)});
}

bool yaml_reader::is_map(const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) return true;
  fail(node, path, "must be a mapping");
  return false;
}

bool yaml_reader::is_sequence(const YAML::Node& node, const std::string& path) {
  if (node.IsSequence()) return true;
  fail(node, path, "must be a list");
  return false;
}

std::string yaml_reader::key_text(const YAML::Node& key, const std::string& path) {
  if (key.IsScalar()) return key.Scalar();
  fail(key, path, "keys must be plain text");
  return {};
}

bool yaml_reader::only_keys(const YAML::Node& map, const std::string& path,
                            std::initializer_list<std::string_view> allowed) {
  bool ok = unique_keys(map, path);
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) continue;  // reported by unique_keys
    const std::string& key = kv.first.Scalar();
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (known) continue;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(kv.first, join(path, key), "unknown key (allowed: " + list + ")");
    ok = false;
  }
  return ok;
}

bool yaml_reader::unique_keys(const YAML::Node& map, const std::string& path) {
  bool ok = true;
  std::set<std::string, std::less<>> seen;
  for (const auto& kv : map) {
    auto key = key_text(kv.first, path);
    if (!kv.first.IsScalar()) {
      ok = false;
    } else if (!seen.insert(key).second) {
      fail(kv.first, join(path, key), "key given twice");
      ok = false;
    }
  }
  return ok;
}

bool yaml_reader::has(const YAML::Node& parent, std::string_view key) const {
  return parent.IsMap() && parent[std::string(key)].IsDefined();
}

std::optional<std::string> yaml_reader::text(const YAML::Node& node, const std::string& path) {
  if (node.IsScalar()) return node.Scalar();
  fail(node, path, "must be a single value");
  return std::nullopt;
}

std::optional<std::int64_t> yaml_reader::integer(const YAML::Node& node, const std::string& path,
                                                 std::int64_t min, std::int64_t max) {
  auto t = text(node, path);
  if (!t) return std::nullopt;
  std::string_view s = *t;
  bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  bool shape = !s.empty() && s.size() <= 15;
  for (char c : s) shape = shape && c >= '0' && c <= '9';
  if (!shape) {
    fail(node, path, "must be a whole number, got '" + *t + "'");
    return std::nullopt;
  }
  std::int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  if (negative) v = -v;
  if (v < min && negative && min >= 0) {
    fail(node, path, "must not be negative, got " + *t);
    return std::nullopt;
  }
  if (v < min || v > max) {
    fail(node, path,
         "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + *t);
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> yaml_reader::percent(const YAML::Node& node, const std::string& path,
                                                 std::int64_t max_percent) {
  auto t = text(node, path);
  if (!t) return std::nullopt;
  std::string_view s = *t;
  if (!s.empty() && s.front() == '-') {
    fail(node, path, "percent must not be negative, got " + *t);
    return std::nullopt;
  }
  auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  bool shape =
      !whole.empty() && whole.size() <= 6 && (dot == std::string_view::npos || !frac.empty());
  for (char c : whole) shape = shape && c >= '0' && c <= '9';
  for (char c : frac) shape = shape && c >= '0' && c <= '9';
  if (!shape || frac.size() > 4) {
    fail(node, path, "must be a percent like 12 or 7.5 (at most 4 decimals), got '" + *t + "'");
    return std::nullopt;
  }
  std::int64_t v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  std::int64_t scale = kPercentScale;
  v *= scale;
  for (char c : frac) {
    scale /= 10;
    v += (c - '0') * scale;
  }
  if (v > max_percent * kPercentScale) {
    fail(node, path, "percent must be at most " + std::to_string(max_percent) + ", got " + *t);
    return std::nullopt;
  }
  return v;
}

std::optional<day> yaml_reader::date(const YAML::Node& node, const std::string& path) {
  auto t = text(node, path);
  if (!t) return std::nullopt;
  auto d = parse_date(*t);
  if (!d) fail(node, path, "must be a date YYYY-MM-DD, got '" + *t + "'");
  return d;
}

std::optional<std::vector<std::string>> yaml_reader::text_list(const YAML::Node& node,
                                                               const std::string& path) {
  if (!is_sequence(node, path)) return std::nullopt;
  if (node.size() == 0) {
    fail(node, path, "must not be empty (leave the key out instead)");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    auto t = text(node[i], indexed(path, i));
    if (t)
      out.push_back(*t);
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace parcelgate::tariffs::detail
