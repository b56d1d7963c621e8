// Pricing (DESIGN §7). One template does the arithmetic for both the allocation-free path
// (price) and the breakdown path (quote_one), so the two can never disagree on a total.
#include <algorithm>
#include <climits>

#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::tariffs {

namespace {

__extension__ using wide = __int128;

// Receives nothing: the fast path.
struct no_lines {
  void parcel_base(std::int64_t) noexcept {}
  void parcel_discounts(const contract&, std::int64_t) noexcept {}
  void parcel_surcharge(std::size_t, std::int64_t) noexcept {}
  void parcel_total(std::int64_t) noexcept {}
};

// Adds up the breakdown lines of every parcel (see the breakdown rules in tariff.hpp).
struct line_totals {
  std::int64_t base = 0;
  std::vector<std::int64_t> discounts, surcharges;
  std::vector<bool> surcharge_held;
  std::vector<std::int64_t> parcels;

  explicit line_totals(const contract& c)
      : discounts(c.discounts.size()),
        surcharges(c.surcharges.size()),
        surcharge_held(c.surcharges.size()) {}
  void parcel_base(std::int64_t b) { base += b; }
  void parcel_discounts(const contract& c, std::int64_t b) {
    std::int64_t cumulative = 0, previous = b;
    for (std::size_t i = 0; i < c.discounts.size(); ++i) {
      cumulative += c.discounts[i].percent;
      std::int64_t after = mul_div_round(b, kHundredPercent - cumulative, kHundredPercent);
      discounts[i] += after - previous;
      previous = after;
    }
  }
  void parcel_surcharge(std::size_t i, std::int64_t amount) {
    surcharges[i] += amount;
    surcharge_held[i] = true;
  }
  void parcel_total(std::int64_t t) { parcels.push_back(t); }
};

// Records the discount-independent parts of one parcel (parcel_parts).
struct part_lines {
  const compiled_contract& k;
  std::int64_t base = 0, amounts = 0;
  std::uint64_t percent_mask = 0;
  bool overflow = false;

  void parcel_base(std::int64_t b) noexcept { base = b; }
  void parcel_discounts(const contract&, std::int64_t) noexcept {}
  void parcel_surcharge(std::size_t i, std::int64_t amount) noexcept {
    if (k.surcharges[i].percent < 0)
      amounts += amount;
    else if (i < 64)
      percent_mask |= std::uint64_t{1} << i;
    else
      overflow = true;
  }
  void parcel_total(std::int64_t) noexcept {}
};

std::int32_t billable_grams(const priced_parcel& p, std::int32_t divisor) noexcept {
  std::int32_t billable = p.weight_g;
  if (divisor > 0 && p.length_mm > 0 && p.width_mm > 0 && p.height_mm > 0) {
    wide volume = wide(p.length_mm) * p.width_mm * p.height_mm;
    wide grams = (volume + divisor - 1) / divisor;  // ceil for positive numbers
    billable = std::max(billable, static_cast<std::int32_t>(std::min<wide>(grams, INT32_MAX)));
  }
  return billable;
}

std::int32_t longest_side(const priced_parcel& p) noexcept {
  return std::max({p.length_mm, p.width_mm, p.height_mm});
}

std::optional<std::uint16_t> match_zone(const compiled_contract& k, std::string_view country,
                                        std::string_view postal) noexcept {
  if (country.size() != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' ||
      country[1] > 'Z')
    return std::nullopt;
  auto slot = static_cast<std::size_t>((country[0] - 'A') * 26 + (country[1] - 'A'));
  for (auto r = k.country_begin[slot]; r < k.country_begin[slot + 1]; ++r) {
    const auto& rule = k.rules[r];
    if (rule.pattern_count == 0) return rule.zone;
    for (std::size_t i = rule.first_pattern;
         i < std::size_t{rule.first_pattern} + rule.pattern_count; ++i) {
      const auto& pattern = k.patterns[i];
      if (pattern.prefix ? postal.starts_with(pattern.text) : postal == pattern.text)
        return rule.zone;
    }
  }
  return std::nullopt;
}

template <class Sink>
std::expected<priced, refusal> run(const contract& c, service_level service,
                                   const price_request& req, Sink& sink) {
  const compiled_contract& k = c.compiled;
  if (!req.tenant.empty() && !c.tenants.empty() &&
      std::find(c.tenants.begin(), c.tenants.end(), req.tenant) == c.tenants.end())
    return std::unexpected(refusal{reason_code::tenant_not_allowed});
  if (req.date < c.valid_from || req.date > c.valid_to)
    return std::unexpected(refusal{reason_code::outside_validity});
  auto slot = k.service_slot[static_cast<std::size_t>(service)];
  if (slot < 0) return std::unexpected(refusal{reason_code::service_not_offered});
  bool is_return = req.dir == direction::return_;
  if (is_return && k.returns_percent < 0)
    return std::unexpected(refusal{reason_code::returns_not_offered});
  if (req.parcels.empty() || req.parcels.size() > UINT16_MAX)
    return std::unexpected(refusal{reason_code::invalid_parcel});
  for (std::size_t i = 0; i < req.parcels.size(); ++i) {
    const auto& p = req.parcels[i];
    if (p.weight_g < 0 || p.length_mm < 0 || p.width_mm < 0 || p.height_mm < 0)
      return std::unexpected(refusal{reason_code::invalid_parcel, static_cast<std::uint16_t>(i)});
  }
  auto zone = is_return ? match_zone(k, req.from_country, req.from_postal_code)
                        : match_zone(k, req.to_country, req.to_postal_code);
  if (!zone) return std::unexpected(refusal{reason_code::no_zone});

  const auto& svc = k.services[static_cast<std::size_t>(slot)];
  const std::int32_t divisor = c.services[static_cast<std::size_t>(slot)].volumetric_divisor;
  const std::uint64_t zone_bit = std::uint64_t{1} << *zone;
  const std::uint32_t service_bit = std::uint32_t{1} << static_cast<unsigned>(service);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < req.parcels.size(); ++i) {
    const auto& p = req.parcels[i];
    const std::int32_t billable = billable_grams(p, divisor);
    std::size_t band = 0;
    while (band < svc.max_g.size() && svc.max_g[band] < billable) ++band;
    auto index = static_cast<std::uint16_t>(i);
    if (band == svc.max_g.size())
      return std::unexpected(refusal{reason_code::too_heavy, index, *zone, billable});
    const std::int64_t base = svc.prices[band * k.zone_count + *zone];
    if (base < 0)
      return std::unexpected(refusal{reason_code::no_price_for_zone, index, *zone, billable});
    const std::int64_t discounted = mul_div_round(base, k.discount_keep, kHundredPercent);
    sink.parcel_base(base);
    sink.parcel_discounts(c, base);
    std::int64_t parcel_total = discounted;
    const std::int32_t side = longest_side(p);
    for (std::size_t s = 0; s < k.surcharges.size(); ++s) {
      const auto& sc = k.surcharges[s];
      if (!(sc.zone_mask & zone_bit) || !(sc.service_mask & service_bit)) continue;
      if (sc.weight_g_over >= 0 && billable <= sc.weight_g_over) continue;
      if (sc.longest_side_mm_over >= 0 && side <= sc.longest_side_mm_over) continue;
      const std::int64_t amount =
          sc.percent >= 0 ? mul_div_round(discounted, sc.percent, kHundredPercent) : sc.amount;
      sink.parcel_surcharge(s, amount);
      parcel_total += amount;
    }
    sink.parcel_total(parcel_total);
    total += parcel_total;
  }
  if (is_return) total = mul_div_round(total, k.returns_percent, kHundredPercent);
  return priced{total, svc.transit[*zone], *zone, static_cast<std::uint8_t>(slot)};
}

}  // namespace

std::int64_t mul_div_round(std::int64_t value, std::int64_t numerator,
                           std::int64_t denominator) noexcept {
  const wide product = wide(value) * numerator;
  wide quotient = product / denominator;  // truncated toward zero
  wide remainder = product % denominator;
  if (remainder < 0) remainder = -remainder;
  if (remainder * 2 >= denominator) quotient += product < 0 ? -1 : 1;
  return static_cast<std::int64_t>(quotient);
}

std::string_view to_string(reason_code code) noexcept {
  switch (code) {
    case reason_code::outside_validity:
      return "outside_validity";
    case reason_code::tenant_not_allowed:
      return "tenant_not_allowed";
    case reason_code::service_not_offered:
      return "service_not_offered";
    case reason_code::returns_not_offered:
      return "returns_not_offered";
    case reason_code::no_zone:
      return "no_zone";
    case reason_code::too_heavy:
      return "too_heavy";
    case reason_code::no_price_for_zone:
      return "no_price_for_zone";
    case reason_code::invalid_parcel:
      return "invalid_parcel";
    case reason_code::too_many_parcels:
      return "too_many_parcels";
  }
  return "unknown";
}

std::string line::label() const {
  return kind == name ? kind : kind + ":" + name;
}

std::optional<std::size_t> tariff_set::find(std::string_view contract_id) const noexcept {
  auto it = std::lower_bound(contracts_.begin(), contracts_.end(), contract_id,
                             [](const contract& c, std::string_view id) { return c.id < id; });
  if (it == contracts_.end() || it->id != contract_id) return std::nullopt;
  return static_cast<std::size_t>(it - contracts_.begin());
}

std::expected<priced, refusal> tariff_set::price(std::size_t contract_index, service_level service,
                                                 const price_request& request) const noexcept {
  no_lines sink;
  return run(contracts_[contract_index], service, request, sink);
}

std::expected<parcel_parts, refusal> tariff_set::price_parts(
    std::size_t contract_index, service_level service,
    const price_request& request) const noexcept {
  if (request.parcels.size() != 1) return std::unexpected(refusal{reason_code::invalid_parcel});
  const contract& c = contracts_[contract_index];
  part_lines sink{c.compiled};
  auto p = run(c, service, request, sink);
  if (!p) return std::unexpected(p.error());
  if (sink.overflow) return std::unexpected(refusal{reason_code::invalid_parcel});
  return parcel_parts{*p, sink.base, sink.amounts, sink.percent_mask};
}

std::optional<std::uint16_t> tariff_set::zone_of(std::size_t contract_index,
                                                 std::string_view country,
                                                 std::string_view postal_code) const noexcept {
  return match_zone(contracts_[contract_index].compiled, country, postal_code);
}

std::expected<quote, refusal> tariff_set::quote_one(std::size_t contract_index,
                                                    service_level service,
                                                    const price_request& request) const {
  const contract& c = contracts_[contract_index];
  line_totals lines(c);
  auto p = run(c, service, request, lines);
  if (!p) return std::unexpected(p.error());
  const service_tariff& st = c.services[p->service_slot];
  quote q;
  q.contract_index = contract_index;
  q.contract = c.id;
  q.carrier = c.carrier;
  q.currency = c.currency;
  q.carrier_service = st.carrier_service;
  q.zone = c.zones[p->zone].name;
  q.service = service;
  q.total = p->total;
  if (p->transit_days >= 0) q.transit_days = p->transit_days;
  q.parcel_totals = std::move(lines.parcels);
  q.breakdown.push_back({"base", "base", lines.base});
  for (std::size_t i = 0; i < c.discounts.size(); ++i)
    q.breakdown.push_back({"discount", c.discounts[i].name, lines.discounts[i]});
  for (std::size_t i = 0; i < c.surcharges.size(); ++i)
    if (lines.surcharge_held[i])
      q.breakdown.push_back({"surcharge", c.surcharges[i].name, lines.surcharges[i]});
  if (request.dir == direction::return_) {
    std::int64_t outbound = 0;
    for (auto t : q.parcel_totals) outbound += t;
    q.breakdown.push_back({"returns", "returns", q.total - outbound});
  }
  return q;
}

}  // namespace parcelgate::tariffs
