#pragma once
// Internal to gateway/tariffs: typed, problem-collecting access to a yaml-cpp tree. Every
// accessor reports what is wrong (with the node's line and the dotted path) and returns
// nullopt instead of throwing; the caller keeps going so that a file's problems all come out.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/tariffs/tariff.hpp"

namespace YAML {
class Node;
}

namespace parcelgate::tariffs::detail {

std::string join(const std::string& path, std::string_view key);
std::string indexed(const std::string& path, std::size_t i);

class yaml_reader {
 public:
  yaml_reader(std::string file, std::vector<load_problem>& problems)
      : file_(std::move(file)), problems_(problems) {}

  void fail(const YAML::Node& at, const std::string& path, std::string message);
  void fail_at_line(int line, const std::string& path, std::string message);
  std::size_t problem_count() const noexcept { return problems_.size(); }
  static int line_of(const YAML::Node& node);

  bool is_map(const YAML::Node& node, const std::string& path);
  bool is_sequence(const YAML::Node& node, const std::string& path);
  // Reports keys outside `allowed` and keys given twice; returns false if there was any.
  bool only_keys(const YAML::Node& map, const std::string& path,
                 std::initializer_list<std::string_view> allowed);
  // Reports keys given twice in a mapping whose keys are free (zone names, services).
  bool unique_keys(const YAML::Node& map, const std::string& path);
  // The key of a mapping entry as text ("" for a non-scalar key, which is reported).
  std::string key_text(const YAML::Node& key, const std::string& path);

  // Accessors of `parent[key]`; a missing required key is reported on the parent's line.
  bool has(const YAML::Node& parent, std::string_view key) const;
  std::optional<std::string> text(const YAML::Node& node, const std::string& path);
  // A decimal integer in [min, max] (no sign other than '-', no exponent, no hex).
  std::optional<std::int64_t> integer(const YAML::Node& node, const std::string& path,
                                      std::int64_t min, std::int64_t max);
  // A non-negative percent with at most 4 decimals, at most `max_percent`, in ten-thousandths.
  std::optional<std::int64_t> percent(const YAML::Node& node, const std::string& path,
                                      std::int64_t max_percent);
  std::optional<day> date(const YAML::Node& node, const std::string& path);
  // A sequence of scalars (must not be empty).
  std::optional<std::vector<std::string>> text_list(const YAML::Node& node,
                                                    const std::string& path);

 private:
  std::string file_;
  std::vector<load_problem>& problems_;
};

}  // namespace parcelgate::tariffs::detail
