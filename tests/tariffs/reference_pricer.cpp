#include "tests/tariffs/reference_pricer.hpp"

#include <algorithm>

namespace parcelgate::tariffs::reference {

namespace {

// round(a / b) for a >= 0, b > 0, half up (= away from zero for non-negative numbers).
long long round_ratio(long long a, long long b) {
  return (2 * a + b) / (2 * b);
}

bool contains(const std::vector<std::string>& list, const std::string& x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

const ref_zone* find_zone(const ref_contract& c, const std::string& country,
                          const std::string& postal) {
  for (const auto& z : c.zones) {
    if (!contains(z.countries, country)) continue;
    if (z.postal_codes.empty()) return &z;
    for (const auto& p : z.postal_codes) {
      if (!p.empty() && p.back() == '*') {
        std::string prefix = p.substr(0, p.size() - 1);
        if (postal.compare(0, prefix.size(), prefix) == 0 && postal.size() >= prefix.size())
          return &z;
      } else if (p == postal) {
        return &z;
      }
    }
  }
  return nullptr;
}

ref_result refuse(const char* why) {
  return {why, 0, -1};
}

std::string percent_text(long long thousandths) {
  std::string s = std::to_string(thousandths / 1000);
  long long frac = thousandths % 1000;
  if (frac == 0) return s;
  std::string f = std::to_string(1000 + frac).substr(1);
  while (f.back() == '0') f.pop_back();
  return s + "." + f;
}

std::string list(const std::vector<std::string>& items, bool quoted = false) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? ", " : "") + (quoted ? "\"" + items[i] + "\"" : items[i]);
  return out + "]";
}

}  // namespace

ref_result price(const ref_contract& c, const ref_request& r) {
  if (!r.tenant.empty() && !c.tenants.empty() && !contains(c.tenants, r.tenant))
    return refuse("tenant_not_allowed");
  if (r.date < c.valid_from || r.date > c.valid_to) return refuse("outside_validity");
  const ref_service* service = nullptr;
  for (const auto& s : c.services)
    if (s.name == r.service) service = &s;
  if (!service) return refuse("service_not_offered");
  if (r.is_return && c.returns_thousandths < 0) return refuse("returns_not_offered");
  if (r.parcels.empty()) return refuse("invalid_parcel");
  const ref_zone* zone = r.is_return ? find_zone(c, r.from_country, r.from_postal)
                                     : find_zone(c, r.to_country, r.to_postal);
  if (!zone) return refuse("no_zone");

  long long discount_sum = 0;
  for (const auto& d : c.discounts) discount_sum += d.second;
  long long total = 0;
  for (const auto& p : r.parcels) {
    long long billable = p.weight;
    if (service->divisor > 0 && p.length > 0 && p.width > 0 && p.height > 0) {
      long long volume = 1LL * p.length * p.width * p.height;
      long long volumetric = volume / service->divisor + (volume % service->divisor != 0 ? 1 : 0);
      billable = std::max(billable, volumetric);
    }
    const ref_band* band = nullptr;
    for (const auto& b : service->bands)
      if (b.max_g >= billable) {
        band = &b;
        break;
      }
    if (!band) return refuse("too_heavy");
    auto price_it = band->price.find(zone->name);
    if (price_it == band->price.end()) return refuse("no_price_for_zone");
    long long base = price_it->second;
    long long discounted = round_ratio(base * (100'000 - discount_sum), 100'000);
    long long parcel_total = discounted;
    long long longest = std::max({p.length, p.width, p.height});
    for (const auto& s : c.surcharges) {
      if (!s.zones.empty() && !contains(s.zones, zone->name)) continue;
      if (!s.services.empty() && !contains(s.services, service->name)) continue;
      if (s.weight_over >= 0 && !(billable > s.weight_over)) continue;
      if (s.side_over >= 0 && !(longest > s.side_over)) continue;
      parcel_total += s.percent_thousandths >= 0
                          ? round_ratio(discounted * s.percent_thousandths, 100'000)
                          : s.amount;
    }
    total += parcel_total;
  }
  if (r.is_return) total = round_ratio(total * c.returns_thousandths, 100'000);
  auto transit = service->transit.find(zone->name);
  return {"", total, transit == service->transit.end() ? -1 : transit->second};
}

std::string to_yaml(const ref_contract& c) {
  std::string y = "contract: " + c.id + "\ncarrier: " + c.carrier +
                  "\ncurrency: EUR\nvalid_from: " + c.valid_from + "\nvalid_to: " + c.valid_to +
                  "\n";
  if (!c.tenants.empty()) y += "tenants: " + list(c.tenants) + "\n";
  y += "zones:\n";
  for (const auto& z : c.zones) {
    y += "  - {name: " + z.name + ", countries: " + list(z.countries);
    if (!z.postal_codes.empty()) y += ", postal_codes: " + list(z.postal_codes, true);
    y += "}\n";
  }
  y += "services:\n";
  for (const auto& s : c.services) {
    y += "  " + s.name + ":\n";
    if (s.divisor > 0) y += "    volumetric_divisor: " + std::to_string(s.divisor) + "\n";
    if (!s.transit.empty()) {
      y += "    transit_days:\n";
      for (const auto& [zone, days] : s.transit)
        y += "      " + zone + ": " + std::to_string(days) + "\n";
    }
    y += "    bands:\n";
    for (const auto& b : s.bands) {
      y += "      - max_g: " + std::to_string(b.max_g) + "\n";
      for (const auto& [zone, price] : b.price)
        y += "        " + zone + ": " + std::to_string(price) + "\n";
    }
  }
  if (!c.discounts.empty()) {
    y += "discounts:\n";
    for (const auto& [name, pct] : c.discounts)
      y += "  - {name: " + name + ", percent: " + percent_text(pct) + "}\n";
  }
  if (!c.surcharges.empty()) {
    y += "surcharges:\n";
    for (const auto& s : c.surcharges) {
      y += "  - name: " + s.name + "\n";
      if (s.percent_thousandths >= 0)
        y += "    percent: " + percent_text(s.percent_thousandths) + "\n";
      else
        y += "    amount: " + std::to_string(s.amount) + "\n";
      if (!s.zones.empty()) y += "    zones: " + list(s.zones) + "\n";
      if (!s.services.empty()) y += "    services: " + list(s.services) + "\n";
      if (s.weight_over >= 0) y += "    weight_g_over: " + std::to_string(s.weight_over) + "\n";
      if (s.side_over >= 0) y += "    longest_side_mm_over: " + std::to_string(s.side_over) + "\n";
    }
  }
  if (c.returns_thousandths >= 0)
    y += "returns: {percent: " + percent_text(c.returns_thousandths) + "}\n";
  return y;
}

}  // namespace parcelgate::tariffs::reference
