#include "gateway/domain/shipment_input.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <initializer_list>

#include "gateway/domain/countries.hpp"

namespace parcelgate {

namespace json = boost::json;

namespace {

bool has_control_chars(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

class checker {
 public:
  explicit checker(std::vector<field_error>& errors) : errors_(errors) {}

  void fail(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }

  void only_keys(const json::object& o, const std::string& path,
                 std::initializer_list<std::string_view> allowed) {
    for (const auto& kv : o) {
      bool ok = false;
      for (auto a : allowed) ok = ok || kv.key() == a;
      if (!ok) fail(join(path, kv.key()), "unknown field");
    }
  }

  // Optional string; `required` reports absence. Returns the value or "".
  std::string str(const json::object& o, const std::string& path, std::string_view key,
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

  // Integer in [min, max]; returns 0 when absent/invalid.
  int integer(const json::object& o, const std::string& path, std::string_view key, bool required,
              long long min, long long max) {
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

  const json::object* object(const json::object& o, const std::string& path, std::string_view key,
                             bool required) {
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

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

 private:
  static bool trimmed_empty(const std::string& s) {
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
  }
  std::vector<field_error>& errors_;
};

address read_address(checker& c, const json::object& o, const std::string& path) {
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
    c.fail(checker::join(path, "country"),
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
      c.fail(checker::join(path, "phone"), "must be a phone number, e.g. +33612345678");
  }
  if (!a.email.empty()) {
    auto at = a.email.find('@');
    if (at == std::string::npos || at == 0 || a.email.find('.', at) == std::string::npos ||
        a.email.back() == '.' || a.email.find(' ') != std::string::npos)
      c.fail(checker::join(path, "email"), "must be an e-mail address");
  }
  return a;
}

}  // namespace

namespace {

// Object members sorted by name at every level, no whitespace: the same request written with
// its fields in another order or spacing has one canonical form (and one idempotency hash).
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

std::string canonical_json(const json::value& v) {
  std::string out;
  write_canonical(v, out);
  return out;
}

}  // namespace

shipment_input parse_shipment_input(std::string_view body,
                                    const std::vector<std::string>& known_carriers) {
  shipment_input in;
  json::value root;
  {
    boost::system::error_code ec;
    json::parse_options opts;
    opts.max_depth = 16;
    root = json::parse(body, ec, {}, opts);
    if (ec) {
      in.malformed = true;
      in.malformed_detail = "the body is not valid JSON: " + ec.message();
      return in;
    }
  }
  if (!root.is_object()) {
    in.malformed = true;
    in.malformed_detail = "the body must be a JSON object";
    return in;
  }
  in.canonical_json = canonical_json(root);
  const auto& o = root.as_object();
  checker c(in.errors);
  c.only_keys(o, "",
              {"reference", "direction", "carrier", "service", "carrier_service", "pickup_point_id",
               "from", "to", "parcels", "label", "selection"});
  auto& req = in.request;
  req.reference = c.str(o, "", "reference", false, 100);

  if (auto d = c.str(o, "", "direction", false, 20); !d.empty()) {
    if (auto v = parse_direction(d))
      req.dir = *v;
    else
      c.fail("direction", "must be outbound or return");
  }

  in.carrier = c.str(o, "", "carrier", true, 40);
  if (!in.carrier.empty() && in.carrier != "auto") {
    bool known = false;
    std::string list;
    for (const auto& k : known_carriers) {
      known = known || k == in.carrier;
      list += (list.empty() ? "" : ", ") + k;
    }
    if (!known) c.fail("carrier", "unknown carrier; configured: " + list + " (or auto)");
  }

  bool service_known = false;
  if (auto s = c.str(o, "", "service", true, 40); !s.empty()) {
    if (auto v = parse_service_level(s))
      req.service = *v, service_known = true;
    else
      c.fail("service", "must be one of home, home_signature, pickup_point, locker, express");
  }

  req.carrier_service = c.str(o, "", "carrier_service", false, 20);
  for (char ch : req.carrier_service)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '_' || ch == '-')) {
      c.fail("carrier_service", "must be a carrier product code (letters, digits, + _ -)");
      break;
    }

  in.pickup_point_id = c.str(o, "", "pickup_point_id", false, 80);
  const bool needs_point = service_known && (req.service == service_level::pickup_point ||
                                             req.service == service_level::locker);
  if (needs_point && in.pickup_point_id.empty())
    c.fail("pickup_point_id",
           "is required for the " + std::string(to_string(req.service)) + " service");
  if (!in.pickup_point_id.empty()) {
    // "<carrier>:<country>:<carrier point id>"
    auto first = in.pickup_point_id.find(':');
    auto second =
        first == std::string::npos ? std::string::npos : in.pickup_point_id.find(':', first + 1);
    if (second == std::string::npos || second + 1 >= in.pickup_point_id.size()) {
      c.fail("pickup_point_id",
             "must look like <carrier>:<country>:<point id>, e.g. mondialrelay:FR:020230");
    } else {
      std::string carrier = in.pickup_point_id.substr(0, first);
      std::string country = in.pickup_point_id.substr(first + 1, second - first - 1);
      req.pickup_point_country = country;
      req.pickup_point_id = in.pickup_point_id.substr(second + 1);
      if (!is_iso_country(country))
        c.fail("pickup_point_id", "the country part must be an ISO 3166-1 alpha-2 code");
      if (!in.carrier.empty() && in.carrier != "auto" && carrier != in.carrier)
        c.fail("pickup_point_id", "the point belongs to " + carrier + ", not to " + in.carrier);
    }
    if (!needs_point && service_known)
      c.fail("pickup_point_id", "is only allowed with the pickup_point and locker services");
  }

  if (auto* f = c.object(o, "", "from", true)) req.from = read_address(c, *f, "from");
  if (auto* t = c.object(o, "", "to", true)) req.to = read_address(c, *t, "to");

  if (auto* p = o.if_contains("parcels"); !p || p->is_null()) {
    c.fail("parcels", "is required");
  } else if (!p->is_array()) {
    c.fail("parcels", "must be an array");
  } else if (p->as_array().empty()) {
    c.fail("parcels", "must hold at least one parcel");
  } else if (p->as_array().size() > static_cast<std::size_t>(kMaxParcels)) {
    c.fail("parcels", "must hold at most " + std::to_string(kMaxParcels) + " parcels");
  } else {
    const auto& list = p->as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string path = "parcels[" + std::to_string(i) + "]";
      if (!list[i].is_object()) {
        c.fail(path, "must be an object");
        continue;
      }
      const auto& po = list[i].as_object();
      c.only_keys(po, path, {"weight_g", "dimensions_mm", "reference"});
      parcel parcel;
      parcel.weight_g = c.integer(po, path, "weight_g", true, 1, kMaxWeightG);
      parcel.reference = c.str(po, path, "reference", false, 100);
      if (auto* d = c.object(po, path, "dimensions_mm", false)) {
        std::string dpath = path + ".dimensions_mm";
        c.only_keys(*d, dpath, {"length", "width", "height"});
        dimensions dims;
        dims.length = c.integer(*d, dpath, "length", true, 1, kMaxDimensionMm);
        dims.width = c.integer(*d, dpath, "width", true, 1, kMaxDimensionMm);
        dims.height = c.integer(*d, dpath, "height", true, 1, kMaxDimensionMm);
        parcel.dimensions_mm = dims;
      }
      req.parcels.push_back(parcel);
    }
  }

  if (auto* l = c.object(o, "", "label", false)) {
    c.only_keys(*l, "label", {"format", "size"});
    if (auto f = c.str(*l, "label", "format", false, 10); !f.empty()) {
      if (auto v = parse_label_format(f))
        req.format = *v;
      else
        c.fail("label.format", "must be one of pdf, zpl, png");
    }
    if (auto s = c.str(*l, "label", "size", false, 10); !s.empty()) {
      if (auto v = parse_label_size(s))
        req.size = *v;
      else
        c.fail("label.size", "must be one of a6, 4x6, a4");
    }
  }

  in.selection = c.str(o, "", "selection", false, 20);
  if (!in.selection.empty()) {
    if (in.selection != "cheapest" && in.selection != "fastest")
      c.fail("selection", "must be cheapest or fastest");
    else if (in.carrier != "auto")
      c.fail("selection", "is only allowed with carrier auto");
  }
  return in;
}

}  // namespace parcelgate
