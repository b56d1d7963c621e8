#pragma once
// Reading JSON request bodies the same way on every route: all problems at once, each with its
// field path; unknown fields are errors; strings are one line of text within a length; the
// canonical form of a body for idempotency hashes. Used by shipment_input and pickup_input.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"

namespace parcelgate {

class input_checker {
 public:
  explicit input_checker(std::vector<field_error>& errors) : errors_(errors) {}

  void fail(std::string field, std::string message);
  void only_keys(const boost::json::object& o, const std::string& path,
                 std::initializer_list<std::string_view> allowed);
  // Optional string; `required` reports absence. Returns the value or "".
  std::string str(const boost::json::object& o, const std::string& path, std::string_view key,
                  bool required, std::size_t max_len);
  // Integer in [min, max]; returns 0 when absent/invalid.
  int integer(const boost::json::object& o, const std::string& path, std::string_view key,
              bool required, long long min, long long max);
  const boost::json::object* object(const boost::json::object& o, const std::string& path,
                                    std::string_view key, bool required);
  static std::string join(const std::string& path, std::string_view key);

 private:
  std::vector<field_error>& errors_;
};

// An Address object (DESIGN §4) at `path`: name, line1, city, postal_code and country required.
address read_address(input_checker& c, const boost::json::object& o, const std::string& path);

// A request body that must be one JSON object nested at most `max_depth` deep: the value, or
// nothing with the reason (for a 400 malformed-json answer) in `problem`.
std::optional<boost::json::value> read_json_object(std::string_view body, int max_depth,
                                                   std::string& problem);

// Object members sorted by name at every level, no whitespace: the same request written with its
// fields in another order or spacing has one canonical form (and one idempotency hash).
std::string canonical_json(const boost::json::value& v);

}  // namespace parcelgate
