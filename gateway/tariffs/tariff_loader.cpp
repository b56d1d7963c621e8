// Reading one contract file (DESIGN §7) into the validated model.
#include "gateway/tariffs/tariff_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <limits>

#include "gateway/tariffs/yaml_reader.hpp"

namespace parcelgate::tariffs::detail {

namespace {

constexpr std::int64_t kMaxGrams = 10'000'000;  // 10 t: above any parcel carrier's limits
constexpr std::int64_t kMaxMillimetres = 100'000;

bool identifier(std::string_view s, bool lower_only) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || (!lower_only && c >= 'A' && c <= 'Z');
    if (!ok) return false;
  }
  return s.front() != '-' && s.front() != '.';
}

bool upper_letters(std::string_view s, std::size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string service_names() {
  return "home, home_signature, pickup_point, locker, express";
}

class contract_parser {
 public:
  contract_parser(yaml_reader& r, contract& c) : r_(r), c_(c) {}

  void parse(const YAML::Node& root) {
    if (!root.IsMap()) {
      r_.fail(root, "", "a contract file must be a mapping (contract:, carrier:, zones:, ...)");
      return;
    }
    r_.only_keys(root, "",
                 {"contract", "carrier", "currency", "valid_from", "valid_to", "tenants", "zones",
                  "services", "discounts", "surcharges", "returns"});
    for (auto key :
         {"contract", "carrier", "currency", "valid_from", "valid_to", "zones", "services"})
      if (!r_.has(root, key)) r_.fail(root, key, "is required");
    header(root);
    if (r_.has(root, "zones")) zones(root["zones"]);
    if (r_.has(root, "services")) services(root["services"]);
    if (r_.has(root, "discounts")) discounts(root["discounts"]);
    if (r_.has(root, "surcharges")) surcharges(root["surcharges"]);
    if (r_.has(root, "returns")) returns(root["returns"]);
  }

 private:
  void header(const YAML::Node& root) {
    if (r_.has(root, "contract")) {
      c_.line = yaml_reader::line_of(root["contract"]);
      if (auto t = r_.text(root["contract"], "contract")) {
        if (identifier(*t, true))
          c_.id = *t;
        else
          r_.fail(root["contract"], "contract",
                  "must be 1-64 of a-z, 0-9, '.', '_', '-', got '" + *t + "'");
      }
    }
    if (r_.has(root, "carrier")) {
      if (auto t = r_.text(root["carrier"], "carrier")) {
        if (identifier(*t, true))
          c_.carrier = *t;
        else
          r_.fail(root["carrier"], "carrier",
                  "must be a carrier name like 'colissimo', got '" + *t + "'");
      }
    }
    if (r_.has(root, "currency")) {
      if (auto t = r_.text(root["currency"], "currency")) {
        if (upper_letters(*t, 3))
          c_.currency = *t;
        else
          r_.fail(root["currency"], "currency",
                  "must be 3 upper-case letters (ISO 4217, e.g. EUR), got '" + *t + "'");
      }
    }
    std::optional<day> from, to;
    if (r_.has(root, "valid_from")) from = r_.date(root["valid_from"], "valid_from");
    if (r_.has(root, "valid_to")) to = r_.date(root["valid_to"], "valid_to");
    if (from) c_.valid_from = *from;
    if (to) c_.valid_to = *to;
    if (from && to && *to < *from)
      r_.fail(root["valid_to"], "valid_to", "is before valid_from (" + format_date(*from) + ")");
    if (r_.has(root, "tenants")) {
      if (auto list = r_.text_list(root["tenants"], "tenants")) {
        for (std::size_t i = 0; i < list->size(); ++i) {
          if (identifier((*list)[i], true))
            c_.tenants.push_back((*list)[i]);
          else
            r_.fail(root["tenants"][i], indexed("tenants", i),
                    "must be a tenant id, got '" + (*list)[i] + "'");
        }
      }
    }
  }

  void zones(const YAML::Node& node) {
    if (!r_.is_sequence(node, "zones")) return;
    if (node.size() == 0) r_.fail(node, "zones", "must list at least one zone");
    if (node.size() > kMaxZones)
      r_.fail(node, "zones", "at most " + std::to_string(kMaxZones) + " zones");
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node z = node[i];
      std::string path = indexed("zones", i);
      if (!r_.is_map(z, path)) continue;
      r_.only_keys(z, path, {"name", "countries", "postal_codes"});
      zone out;
      out.line = yaml_reader::line_of(z);
      if (!r_.has(z, "name"))
        r_.fail(z, join(path, "name"), "is required");
      else if (auto t = r_.text(z["name"], join(path, "name"))) {
        if (!identifier(*t, false) || *t == "max_g")
          r_.fail(z["name"], join(path, "name"),
                  "must be 1-64 of A-Z, a-z, 0-9, '.', '_', '-' and not max_g");
        else if (zone_index(*t))
          r_.fail(z["name"], join(path, "name"), "zone '" + *t + "' is defined twice");
        out.name = *t;
      }
      if (!r_.has(z, "countries"))
        r_.fail(z, join(path, "countries"), "is required");
      else if (auto list = r_.text_list(z["countries"], join(path, "countries"))) {
        for (std::size_t k = 0; k < list->size(); ++k)
          if (!upper_letters((*list)[k], 2))
            r_.fail(z["countries"][k], indexed(join(path, "countries"), k),
                    "must be an ISO 3166-1 alpha-2 code in upper case, got '" + (*list)[k] + "'");
        out.countries = std::move(*list);
      }
      if (r_.has(z, "postal_codes")) {
        if (auto list = r_.text_list(z["postal_codes"], join(path, "postal_codes"))) {
          for (std::size_t k = 0; k < list->size(); ++k) {
            const std::string& p = (*list)[k];
            auto star = p.find('*');
            if (p.empty() || (star != std::string::npos && star + 1 != p.size()))
              r_.fail(z["postal_codes"][k], indexed(join(path, "postal_codes"), k),
                      "must be a postal code, or a prefix followed by one '*' at the end, got '" +
                          p + "'");
          }
          patterns_ += list->size();
          if (patterns_ > 0xffff)
            r_.fail(z["postal_codes"], join(path, "postal_codes"),
                    "too many postal codes in one contract (at most 65535)");
          out.postal_codes = std::move(*list);
        }
      }
      c_.zones.push_back(std::move(out));
    }
  }

  std::optional<std::size_t> zone_index(std::string_view name) const {
    for (std::size_t i = 0; i < c_.zones.size(); ++i)
      if (c_.zones[i].name == name) return i;
    return std::nullopt;
  }

  std::string zone_names() const {
    std::string out;
    for (const auto& z : c_.zones) out += (out.empty() ? "" : ", ") + z.name;
    return out;
  }

  void unknown_zone(const YAML::Node& at, const std::string& path, const std::string& name) {
    r_.fail(at, path, "unknown zone '" + name + "' (zones: " + zone_names() + ")");
  }

  void services(const YAML::Node& node) {
    if (!r_.is_map(node, "services")) return;
    r_.unique_keys(node, "services");
    if (node.size() == 0) r_.fail(node, "services", "must define at least one service");
    for (const auto& kv : node) {
      std::string key = r_.key_text(kv.first, "services");
      std::string path = join("services", key);
      auto level = parse_service_level(key);
      if (!level) {
        r_.fail(kv.first, path,
                "unknown service '" + key + "' (services: " + service_names() + ")");
        continue;
      }
      service_tariff s;
      s.service = *level;
      const YAML::Node body = kv.second;
      if (!r_.is_map(body, path)) continue;
      r_.only_keys(body, path, {"carrier_service", "volumetric_divisor", "transit_days", "bands"});
      if (r_.has(body, "carrier_service"))
        s.carrier_service =
            r_.text(body["carrier_service"], join(path, "carrier_service")).value_or("");
      if (r_.has(body, "volumetric_divisor"))
        s.volumetric_divisor = static_cast<std::int32_t>(
            r_.integer(body["volumetric_divisor"], join(path, "volumetric_divisor"), 1, 1'000'000)
                .value_or(0));
      s.transit_days.assign(c_.zones.size(), std::nullopt);
      if (r_.has(body, "transit_days"))
        transit_days(body["transit_days"], join(path, "transit_days"), s);
      if (!r_.has(body, "bands"))
        r_.fail(body, join(path, "bands"), "is required");
      else
        bands(body["bands"], join(path, "bands"), s);
      c_.services.push_back(std::move(s));
    }
  }

  void transit_days(const YAML::Node& node, const std::string& path, service_tariff& s) {
    if (!r_.is_map(node, path)) return;
    r_.unique_keys(node, path);
    for (const auto& kv : node) {
      std::string name = r_.key_text(kv.first, path);
      auto z = zone_index(name);
      if (!z) {
        unknown_zone(kv.first, join(path, name), name);
        continue;
      }
      if (auto d = r_.integer(kv.second, join(path, name), 0, 365))
        s.transit_days[*z] = static_cast<std::int32_t>(*d);
    }
  }

  void bands(const YAML::Node& node, const std::string& path, service_tariff& s) {
    if (!r_.is_sequence(node, path)) return;
    if (node.size() == 0) r_.fail(node, path, "must list at least one band");
    std::optional<std::int64_t> previous;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node b = node[i];
      std::string bpath = indexed(path, i);
      if (!r_.is_map(b, bpath)) continue;
      r_.unique_keys(b, bpath);
      band out;
      out.prices.assign(c_.zones.size(), std::nullopt);
      if (!r_.has(b, "max_g")) {
        r_.fail(b, join(bpath, "max_g"), "is required");
      } else if (auto g = r_.integer(b["max_g"], join(bpath, "max_g"), 1, kMaxGrams)) {
        if (previous && *g == *previous)
          r_.fail(b["max_g"], join(bpath, "max_g"),
                  "overlaps the previous band (same max_g " + std::to_string(*g) + ")");
        else if (previous && *g < *previous)
          r_.fail(b["max_g"], join(bpath, "max_g"),
                  "bands must be sorted by increasing max_g (" + std::to_string(*g) + " after " +
                      std::to_string(*previous) + ")");
        out.max_g = static_cast<std::int32_t>(*g);
        previous = *g;
      }
      for (const auto& kv : b) {
        std::string name = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        if (name == "max_g" || !kv.first.IsScalar()) continue;
        auto z = zone_index(name);
        if (!z) {
          unknown_zone(kv.first, join(bpath, name), name);
          continue;
        }
        out.prices[*z] = r_.integer(kv.second, join(bpath, name), 0, kMaxMoney);
      }
      s.bands.push_back(std::move(out));
    }
  }

  void discounts(const YAML::Node& node) {
    if (!r_.is_sequence(node, "discounts")) return;
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node d = node[i];
      std::string path = indexed("discounts", i);
      if (!r_.is_map(d, path)) continue;
      r_.only_keys(d, path, {"name", "percent"});
      discount out;
      out.name = name_of(d, path, [&](const std::string& n) {
        return std::any_of(c_.discounts.begin(), c_.discounts.end(),
                           [&](const auto& x) { return x.name == n; });
      });
      if (!r_.has(d, "percent"))
        r_.fail(d, join(path, "percent"), "is required");
      else if (auto p = r_.percent(d["percent"], join(path, "percent"), 100))
        out.percent = *p;
      sum += out.percent;
      if (sum > kHundredPercent && sum - out.percent <= kHundredPercent)
        r_.fail(d, path, "the discounts add up to more than 100 percent");
      c_.discounts.push_back(std::move(out));
    }
  }

  template <class Taken>
  std::string name_of(const YAML::Node& item, const std::string& path, Taken taken) {
    if (!r_.has(item, "name")) {
      r_.fail(item, join(path, "name"), "is required");
      return {};
    }
    auto t = r_.text(item["name"], join(path, "name"));
    if (!t) return {};
    if (!identifier(*t, true))
      r_.fail(item["name"], join(path, "name"), "must be 1-64 of a-z, 0-9, '.', '_', '-'");
    else if (taken(*t))
      r_.fail(item["name"], join(path, "name"), "name '" + *t + "' is used twice");
    return *t;
  }

  void surcharges(const YAML::Node& node) {
    if (!r_.is_sequence(node, "surcharges")) return;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node s = node[i];
      std::string path = indexed("surcharges", i);
      if (!r_.is_map(s, path)) continue;
      r_.only_keys(s, path,
                   {"name", "percent", "amount", "zones", "services", "weight_g_over",
                    "longest_side_mm_over"});
      surcharge out;
      out.name = name_of(s, path, [&](const std::string& n) {
        return std::any_of(c_.surcharges.begin(), c_.surcharges.end(),
                           [&](const auto& x) { return x.name == n; });
      });
      bool has_percent = r_.has(s, "percent"), has_amount = r_.has(s, "amount");
      if (has_percent && has_amount) r_.fail(s, path, "give percent or amount, not both");
      if (!has_percent && !has_amount)
        r_.fail(s, path, "needs percent (of the discounted base) or amount");
      if (has_percent) out.percent = r_.percent(s["percent"], join(path, "percent"), 1000);
      if (has_amount) out.amount = r_.integer(s["amount"], join(path, "amount"), 0, kMaxMoney);
      if (r_.has(s, "zones")) {
        if (auto list = r_.text_list(s["zones"], join(path, "zones")))
          for (std::size_t k = 0; k < list->size(); ++k) {
            if (auto z = zone_index((*list)[k]))
              out.zones.push_back(*z);
            else
              unknown_zone(s["zones"][k], indexed(join(path, "zones"), k), (*list)[k]);
          }
      }
      if (r_.has(s, "services")) {
        if (auto list = r_.text_list(s["services"], join(path, "services")))
          for (std::size_t k = 0; k < list->size(); ++k) {
            auto level = parse_service_level((*list)[k]);
            bool offered = level && std::any_of(c_.services.begin(), c_.services.end(),
                                                [&](const auto& x) { return x.service == *level; });
            if (offered)
              out.services.push_back(*level);
            else if (!level)
              r_.fail(s["services"][k], indexed(join(path, "services"), k),
                      "unknown service '" + (*list)[k] + "' (services: " + service_names() + ")");
            else
              r_.fail(s["services"][k], indexed(join(path, "services"), k),
                      "service '" + (*list)[k] + "' is not in this contract's services");
          }
      }
      if (r_.has(s, "weight_g_over"))
        if (auto v = r_.integer(s["weight_g_over"], join(path, "weight_g_over"), 0, kMaxGrams))
          out.weight_g_over = static_cast<std::int32_t>(*v);
      if (r_.has(s, "longest_side_mm_over"))
        if (auto v = r_.integer(s["longest_side_mm_over"], join(path, "longest_side_mm_over"), 0,
                                kMaxMillimetres))
          out.longest_side_mm_over = static_cast<std::int32_t>(*v);
      c_.surcharges.push_back(std::move(out));
    }
  }

  void returns(const YAML::Node& node) {
    if (!r_.is_map(node, "returns")) return;
    r_.only_keys(node, "returns", {"percent"});
    if (!r_.has(node, "percent"))
      r_.fail(node, "returns.percent", "is required");
    else
      c_.returns_percent = r_.percent(node["percent"], "returns.percent", 1000);
  }

  yaml_reader& r_;
  contract& c_;
  std::size_t patterns_ = 0;  // postal codes over all zones (compiled indexes are 16-bit)
};

}  // namespace

std::optional<contract> parse_contract(const std::string& file, const std::string& yaml_text,
                                       std::vector<load_problem>& problems) {
  yaml_reader reader(file, problems);
  std::size_t before = reader.problem_count();
  contract c;
  c.file = file;
  try {
    YAML::Node root = YAML::Load(yaml_text);
    contract_parser(reader, c).parse(root);
  } catch (const YAML::Exception& e) {
    reader.fail_at_line(e.mark.line < 0 ? 0 : e.mark.line + 1, "", "YAML syntax: " + e.msg);
  }
  if (reader.problem_count() != before) return std::nullopt;
  return c;
}

}  // namespace parcelgate::tariffs::detail
