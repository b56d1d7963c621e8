#include "gateway/domain/input_checker.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "gateway/domain/countries.hpp"

namespace parcelgate {

namespace json = boost::json;

namespace {

bool has_control_chars(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

bool trimmed_empty(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

void input_checker::fail(std::string field, std::string message) {
  errors_.push_back({std::move(field), std::move(message)});
}

void input_checker::only_keys(const json::object& o, const std::string& path,
                              std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : o) {
    bool ok = false;
    for (auto a : allowed) ok = ok || kv.key() == a;
    if (!ok) fail(join(path, kv.key()), "unknown field");
  }
}

std::string input_checker::str(const json::object& o, const std::string& path, std::string_view key,
                               bool required, std::size_t max_len) {
  auto* v = o.if_contains(key);
  std::string field = join(path, key);
  if (!v || v->is_null()) {
    if (required) fail(field, "is required");
    return {};
  }
  if (!v->is_string()) {
    fail(field, "must be a string");
    return {};
  }
  std::string s(v->as_string());
  if (required && trimmed_empty(s))
    fail(field, "must not be empty");
  else if (s.size() > max_len)
    fail(field, "must be at most " + std::to_string(max_len) + " characters");
  // Every string of the API is one line of text: NUL, CR, LF and the other C0 controls would
  // end up in carrier payloads, labels, logs and CSV exports.
  else if (has_control_chars(s))
    fail(field, "must not contain control characters");
  return s;
}

int input_checker::integer(const json::object& o, const std::string& path, std::string_view key,
                           bool required, long long min, long long max) {
  auto* v = o.if_contains(key);
  std::string field = join(path, key);
  if (!v || v->is_null()) {
    if (required) fail(field, "is required");
    return 0;
  }
  long long x;
  if (v->is_int64())
    x = v->as_int64();
  else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(max))
    x = static_cast<long long>(v->as_uint64());
  else if (v->is_uint64())
    x = max + 1;
  else {
    fail(field, v->is_double() ? "must be a whole number" : "must be an integer");
    return 0;
  }
  if (x < min || x > max) {
    fail(field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return 0;
  }
  return static_cast<int>(x);
}

const json::object* input_checker::object(const json::object& o, const std::string& path,
                                          std::string_view key, bool required) {
  auto* v = o.if_contains(key);
  std::string field = join(path, key);
  if (!v || v->is_null()) {
    if (required) fail(field, "is required");
    return nullptr;
  }
  if (!v->is_object()) {
    fail(field, "must be an object");
    return nullptr;
  }
  return &v->as_object();
}

std::string input_checker::join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

address read_address(input_checker& c, const json::object& o, const std::string& path) {
  c.only_keys(
      o, path,
      {"name", "company", "line1", "line2", "city", "postal_code", "country", "phone", "email"});
  address a;
  a.name = c.str(o, path, "name", true, 100);
  a.company = c.str(o, path, "company", false, 100);
  a.line1 = c.str(o, path, "line1", true, 100);
  a.line2 = c.str(o, path, "line2", false, 100);
  a.city = c.str(o, path, "city", true, 100);
  a.postal_code = c.str(o, path, "postal_code", true, 20);
  a.country = c.str(o, path, "country", true, 2);
  a.phone = c.str(o, path, "phone", false, 30);
  a.email = c.str(o, path, "email", false, 254);
  if (!a.country.empty() && !is_iso_country(a.country))
    c.fail(input_checker::join(path, "country"),
           "must be an ISO 3166-1 alpha-2 country code in uppercase, e.g. FR");
  if (!a.phone.empty()) {
    int digits = 0;
    bool ok = true;
    for (std::size_t i = 0; i < a.phone.size(); ++i) {
      char ch = a.phone[i];
      if (ch >= '0' && ch <= '9')
        ++digits;
      else if (!(ch == ' ' || ch == '.' || ch == '-' || ch == '(' || ch == ')' ||
                 (ch == '+' && i == 0)))
        ok = false;
    }
    if (!ok || digits < 6)
      c.fail(input_checker::join(path, "phone"), "must be a phone number, e.g. +33612345678");
  }
  if (!a.email.empty()) {
    auto at = a.email.find('@');
    if (at == std::string::npos || at == 0 || a.email.find('.', at) == std::string::npos ||
        a.email.back() == '.' || a.email.find(' ') != std::string::npos)
      c.fail(input_checker::join(path, "email"), "must be an e-mail address");
  }
  return a;
}

namespace {

void write_canonical(const json::value& v, std::string& out) {
  if (v.is_object()) {
    const auto& o = v.as_object();
    std::vector<const json::key_value_pair*> members;
    members.reserve(o.size());
    for (const auto& m : o) members.push_back(&m);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    out.push_back('{');
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i) out.push_back(',');
      out += json::serialize(json::string_view(members[i]->key()));
      out.push_back(':');
      write_canonical(members[i]->value(), out);
    }
    out.push_back('}');
  } else if (v.is_array()) {
    const auto& a = v.as_array();
    out.push_back('[');
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (i) out.push_back(',');
      write_canonical(a[i], out);
    }
    out.push_back(']');
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

std::optional<json::value> read_json_object(std::string_view body, int max_depth,
                                            std::string& problem) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = static_cast<std::size_t>(max_depth);
  auto root = json::parse(body, ec, {}, opts);
  if (ec) {
    problem = "the body is not valid JSON: " + ec.message();
    return std::nullopt;
  }
  if (!root.is_object()) {
    problem = "the body must be a JSON object";
    return std::nullopt;
  }
  return root;
}

std::string canonical_json(const json::value& v) {
  std::string out;
  write_canonical(v, out);
  return out;
}

}  // namespace parcelgate
