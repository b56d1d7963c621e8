#include "gateway/api/rate_input.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <tuple>

#include "gateway/domain/countries.hpp"

namespace parcelgate::api {

namespace json = boost::json;

namespace {

void read_place(const json::object& o, const std::string& path, std::string& country,
                std::string& postal, std::vector<field_error>& errors) {
  static constexpr std::string_view kAllowed[] = {
      "name", "company", "line1", "line2", "city", "postal_code", "country", "phone", "email"};
  for (const auto& kv : o) {
    bool ok = false;
    for (auto a : kAllowed) ok = ok || kv.key() == a;
    if (!ok) errors.push_back({path + "." + std::string(kv.key()), "unknown field"});
  }
  auto* c = o.if_contains("country");
  if (!c || !c->is_string() || !is_iso_country(c->as_string()))
    errors.push_back(
        {path + ".country", "must be an ISO 3166-1 alpha-2 country code in uppercase, e.g. FR"});
  else
    country = std::string(c->as_string());
  auto* p = o.if_contains("postal_code");
  if (!p || !p->is_string() || p->as_string().empty() || p->as_string().size() > 20)
    errors.push_back({path + ".postal_code", "is required (1 to 20 characters)"});
  else if (std::any_of(p->as_string().begin(), p->as_string().end(),
                       [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; }))
    errors.push_back({path + ".postal_code", "must not contain control characters"});
  else
    postal = std::string(p->as_string());
}

int read_int(const json::object& o, const std::string& path, std::string_view key, bool required,
             long long max, std::vector<field_error>& errors) {
  auto* v = o.if_contains(key);
  std::string field = path + "." + std::string(key);
  if (!v || v->is_null()) {
    if (required) errors.push_back({field, "is required"});
    return 0;
  }
  if (!v->is_int64() || v->as_int64() < 1 || v->as_int64() > max) {
    errors.push_back({field, "must be an integer between 1 and " + std::to_string(max)});
    return 0;
  }
  return static_cast<int>(v->as_int64());
}

}  // namespace

rate_input parse_rate_input(const json::object& o) {
  rate_input in;
  auto& r = in.request;
  auto& errors = in.errors;
  for (const auto& kv : o)
    if (kv.key() != "direction" && kv.key() != "from" && kv.key() != "to" &&
        kv.key() != "parcels" && kv.key() != "service" && kv.key() != "carriers" &&
        kv.key() != "date")
      errors.push_back({std::string(kv.key()), "unknown field"});
  if (auto* d = o.if_contains("direction"); d && !d->is_null()) {
    auto v = d->is_string() ? parse_direction(d->as_string()) : std::nullopt;
    if (!v)
      errors.push_back({"direction", "must be outbound or return"});
    else
      r.dir = *v;
  }
  for (auto [key, country, postal] : {std::tuple{"from", &r.from_country, &r.from_postal_code},
                                      std::tuple{"to", &r.to_country, &r.to_postal_code}}) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_object())
      errors.push_back({key, "is required: an object with country and postal_code"});
    else
      read_place(v->as_object(), key, *country, *postal, errors);
  }
  auto* parcels = o.if_contains("parcels");
  if (!parcels || !parcels->is_array() || parcels->as_array().empty() ||
      parcels->as_array().size() > 50) {
    errors.push_back({"parcels", "must be an array of 1 to 50 parcels"});
  } else {
    const auto& list = parcels->as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string path = "parcels[" + std::to_string(i) + "]";
      if (!list[i].is_object()) {
        errors.push_back({path, "must be an object"});
        continue;
      }
      const auto& p = list[i].as_object();
      for (const auto& kv : p)
        if (kv.key() != "weight_g" && kv.key() != "dimensions_mm" && kv.key() != "reference")
          errors.push_back({path + "." + std::string(kv.key()), "unknown field"});
      tariffs::priced_parcel parcel;
      parcel.weight_g = read_int(p, path, "weight_g", true, 1'000'000, errors);
      if (auto* d = p.if_contains("dimensions_mm"); d && !d->is_null()) {
        if (!d->is_object()) {
          errors.push_back({path + ".dimensions_mm", "must be an object"});
        } else {
          std::string dpath = path + ".dimensions_mm";
          for (const auto& kv : d->as_object())
            if (kv.key() != "length" && kv.key() != "width" && kv.key() != "height")
              errors.push_back({dpath + "." + std::string(kv.key()), "unknown field"});
          parcel.length_mm = read_int(d->as_object(), dpath, "length", true, 10'000, errors);
          parcel.width_mm = read_int(d->as_object(), dpath, "width", true, 10'000, errors);
          parcel.height_mm = read_int(d->as_object(), dpath, "height", true, 10'000, errors);
        }
      }
      r.parcels.push_back(parcel);
    }
  }
  if (auto* s = o.if_contains("service"); s && !s->is_null()) {
    auto v = s->is_string() ? parse_service_level(s->as_string()) : std::nullopt;
    if (!v)
      errors.push_back(
          {"service", "must be one of home, home_signature, pickup_point, locker, express"});
    else
      r.service = *v;
  }
  if (auto* c = o.if_contains("carriers"); c && !c->is_null()) {
    if (!c->is_array()) {
      errors.push_back({"carriers", "must be an array of carrier ids"});
    } else {
      for (std::size_t i = 0; i < c->as_array().size(); ++i) {
        const auto& v = c->as_array()[i];
        if (!v.is_string() || v.as_string().empty())
          errors.push_back({"carriers[" + std::to_string(i) + "]", "must be a carrier id"});
        else
          r.carriers.emplace_back(v.as_string());
      }
    }
  }
  if (auto* d = o.if_contains("date"); d && !d->is_null()) {
    auto v = d->is_string() ? tariffs::parse_date(d->as_string()) : std::nullopt;
    if (!v)
      errors.push_back({"date", "must be a date YYYY-MM-DD"});
    else
      r.date = *v;
  }
  return in;
}

}  // namespace parcelgate::api
