// The streaming comparison: one pass, a fixed amount of state per compared contract and per
// weight band, plus the negotiation rows when a target is given.
#include "gateway/tariffs/compare.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "gateway/tariffs/negotiation.hpp"

namespace parcelgate::tariffs {

namespace {

// Billed/priced ratios on a log scale: bucket i holds ratios near 10^((i - kRatioOne) / 100),
// from 0.001 to 1000 (the ends take everything beyond).
constexpr int kRatioOne = 300;
constexpr std::size_t kRatioBuckets = 2 * kRatioOne + 1;

std::size_t ratio_bucket(std::int64_t billed, std::int64_t priced) {
  const double l = std::log10(static_cast<double>(billed) / static_cast<double>(priced));
  const auto i = static_cast<long>(std::floor(l * 100 + 0.5)) + kRatioOne;
  return static_cast<std::size_t>(std::clamp<long>(i, 0, static_cast<long>(kRatioBuckets) - 1));
}

}  // namespace

bool compare_report::priced_rows_differ() const noexcept {
  for (const auto& c : contracts)
    if (c.priced != common_rows) return true;  // it priced a row another one could not
  return false;
}

std::size_t weight_band_of(std::int32_t weight_g) noexcept {
  std::size_t i = 0;
  while (i + 1 < kWeightBands.size() && weight_g > kWeightBands[i].max_g) ++i;
  return i;
}

struct comparison::state {
  std::shared_ptr<const tariff_set> set;
  compare_options options;
  std::vector<std::size_t> indexes;   // set index of each compared contract
  std::vector<int> position_of;       // set index -> compared position, -1 = not compared
  std::optional<std::size_t> target;  // compared position
  compare_report report;
  // Per compared contract, reused for every row.
  std::vector<std::int64_t> totals;
  std::vector<std::int32_t> transit;
  std::vector<std::uint16_t> zone;
  std::vector<std::uint8_t> ok;
  std::vector<refusal> refusals;
  std::array<std::uint64_t, kRatioBuckets> ratios{};
  parcel_parts target_parts;
  detail::negotiation_input negotiation;
};

comparison::comparison(std::unique_ptr<state> s) : s_(std::move(s)) {}
comparison::comparison(comparison&&) noexcept = default;
comparison& comparison::operator=(comparison&&) noexcept = default;
comparison::~comparison() = default;

std::expected<comparison, std::string> comparison::create(std::shared_ptr<const tariff_set> set,
                                                          compare_options options) {
  auto s = std::make_unique<state>();
  auto contracts = set->contracts();
  s->position_of.assign(contracts.size(), -1);
  std::string unknown;
  for (const auto& id : options.contracts) {
    auto i = set->find(id);
    if (!i)
      unknown += (unknown.empty() ? "" : ", ") + id;
    else
      s->position_of[*i] = 0;
  }
  if (!unknown.empty()) return std::unexpected("unknown contract(s): " + unknown);
  for (std::size_t i = 0; i < contracts.size(); ++i) {
    if (!options.contracts.empty() && s->position_of[i] < 0) continue;
    s->position_of[i] = static_cast<int>(s->indexes.size());
    s->indexes.push_back(i);
  }
  if (s->indexes.empty()) return std::unexpected("no contract to compare");
  std::string currencies;
  for (auto i : s->indexes) {
    const auto& c = contracts[i];
    if (s->report.currency.empty()) s->report.currency = c.currency;
    if (currencies.find(c.currency) == std::string::npos)
      currencies += (currencies.empty() ? "" : ", ") + c.currency;
    contract_result result;
    result.contract = c.id;
    result.carrier = c.carrier;
    for (const auto& z : c.zones) result.zones.push_back({.zone = z.name});
    s->report.contracts.push_back(std::move(result));
  }
  if (currencies.size() > 3)
    return std::unexpected("contracts in several currencies (" + currencies +
                           "): compare one currency at a time");
  if (options.target) {
    auto i = set->find(*options.target);
    if (!i) return std::unexpected("unknown target contract " + *options.target);
    if (s->position_of[*i] < 0)
      return std::unexpected("the target " + *options.target + " is not a compared contract");
    if (s->indexes.size() > 64)
      return std::unexpected("a negotiation compares at most 64 contracts");
    s->target = static_cast<std::size_t>(s->position_of[*i]);
    auto& n = s->negotiation;
    n.target = &contracts[*i];
    n.target_position = *s->target;
    for (auto j : s->indexes) n.compared_ids.push_back(contracts[j].id);
    n.rival_totals.assign(s->indexes.size(), 0);
    n.shared_rows.assign(s->indexes.size(), 0);
    n.target_share = options.target_share;
  }
  const std::size_t n = s->indexes.size();
  for (std::size_t b = 0; b < kWeightBands.size(); ++b) {
    band_result band;
    band.label = kWeightBands[b].label;
    band.min_g = b == 0 ? 0 : kWeightBands[b - 1].max_g;
    band.max_g = kWeightBands[b].max_g;
    band.priced.assign(n, 0);
    band.total.assign(n, 0);
    band.cheapest.assign(n, 0);
    s->report.bands.push_back(std::move(band));
  }
  s->totals.assign(n, 0);
  s->transit.assign(n, 0);
  s->zone.assign(n, 0);
  s->ok.assign(n, 0);
  s->refusals.assign(n, refusal{});
  s->report.date_override = options.date_override;
  s->report.audit.tolerance_percent = options.tolerance_percent;
  s->report.audit.tolerance_minor = options.tolerance_minor;
  s->set = std::move(set);
  s->options = std::move(options);
  return comparison(std::move(s));
}

void comparison::add_bad_row(std::uint64_t line, std::string reason) {
  auto& r = s_->report;
  ++r.rows;
  ++r.bad_rows;
  if (s_->options.on_row) {
    row_prices p;
    p.line = line;
    p.bad_reason = reason;
    p.contracts = r.contracts;
    s_->options.on_row(p);
  }
  if (r.bad_examples.size() < s_->options.max_examples)
    r.bad_examples.push_back({line, std::move(reason)});
}

void comparison::add(const shipment_row& row, std::uint64_t line) {
  state& s = *s_;
  auto date = s.options.date_override ? s.options.date_override : row.date;
  if (!date) {
    add_bad_row(line, "date: missing");
    return;
  }
  compare_report& r = s.report;
  ++r.rows;
  price_request request;
  request.dir = row.dir;
  request.from_country = row.from_country;
  request.from_postal_code = row.from_postal_code;
  request.to_country = row.to_country;
  request.to_postal_code = row.to_postal_code;
  request.parcels = std::span<const priced_parcel>(&row.parcel, 1);
  request.date = *date;

  const std::size_t n = s.indexes.size();
  std::optional<std::size_t> best;
  auto better = [&](std::size_t a, std::size_t b) {  // a strictly preferred to b (§7 cheapest)
    auto ta = s.transit[a] < 0 ? INT32_MAX : s.transit[a];
    auto tb = s.transit[b] < 0 ? INT32_MAX : s.transit[b];
    return std::tie(s.totals[a], ta, a) < std::tie(s.totals[b], tb, b);
  };
  for (std::size_t j = 0; j < n; ++j) {
    std::expected<priced, refusal> p;
    if (s.target == j) {
      auto parts = s.set->price_parts(s.indexes[j], row.service, request);
      if (parts) {
        s.target_parts = *parts;
        p = parts->result;
      } else {
        p = std::unexpected(parts.error());
      }
    } else {
      p = s.set->price(s.indexes[j], row.service, request);
    }
    s.ok[j] = p.has_value() ? 1 : 0;
    if (!p) {
      s.refusals[j] = p.error();
      continue;
    }
    s.totals[j] = p->total;
    s.transit[j] = p->transit_days;
    s.zone[j] = p->zone;
    if (!best || better(j, *best)) best = j;
  }

  band_result& band = r.bands[weight_band_of(row.parcel.weight_g)];
  ++band.rows;
  for (std::size_t j = 0; j < n; ++j) {
    contract_result& c = r.contracts[j];
    if (s.ok[j]) {
      ++c.priced;
      c.total += s.totals[j];
      ++band.priced[j];
      band.total[j] += s.totals[j];
      zone_result& z = c.zones[s.zone[j]];
      ++z.priced;
      z.total += s.totals[j];
    } else {
      ++c.unserviceable;
      ++c.unserviceable_by_reason[static_cast<std::size_t>(s.refusals[j].code)];
    }
  }
  if (best) {
    ++r.priceable;
    r.best_total += s.totals[*best];
    ++r.contracts[*best].cheapest_count;
    ++band.priceable;
    band.best_total += s.totals[*best];
    ++band.cheapest[*best];
    ++r.contracts[*best].zones[s.zone[*best]].cheapest_count;
    if (std::all_of(s.ok.begin(), s.ok.end(), [](std::uint8_t v) { return v != 0; })) {
      ++r.common_rows;
      r.common_best_total += s.totals[*best];
      for (std::size_t j = 0; j < n; ++j) r.contracts[j].common_total += s.totals[j];
    }
  } else {
    ++r.unpriceable;
  }
  if (s.options.on_row) {
    row_prices p;
    p.line = line;
    p.row = &row;
    p.date = date;
    p.ok = s.ok;
    p.totals = s.totals;
    p.refusals = s.refusals;
    p.cheapest = best;
    p.contracts = r.contracts;
    s.options.on_row(p);
  }

  if (s.target && s.ok[*s.target]) {
    const std::size_t t = *s.target;
    detail::negotiation_row nr;
    nr.best_other = INT64_MAX;
    std::optional<std::size_t> other;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == t || !s.ok[j]) continue;
      nr.rivals |= std::uint64_t{1} << j;
      s.negotiation.rival_totals[j] += s.totals[j];
      ++s.negotiation.shared_rows[j];
      if (!other || better(j, *other)) other = j;
    }
    bool wins_ties = true;
    if (other) {
      nr.best_other = s.totals[*other];
      // Equal totals: transit days then id decide, and they do not depend on the discount.
      auto saved = s.totals[t];
      s.totals[t] = s.totals[*other];
      wins_ties = better(t, *other);
      s.totals[t] = saved;
    }
    nr.flags = static_cast<std::uint8_t>(
        (wins_ties ? detail::negotiation_row::kWinsTies : 0) |
        (row.dir == direction::return_ ? detail::negotiation_row::kReturn : 0));
    nr.percent_mask = s.target_parts.percent_mask;
    nr.amounts = s.target_parts.amounts;
    nr.base = static_cast<std::int32_t>(s.target_parts.base);
    s.negotiation.rows.push_back(nr);
  }

  if (!row.contract.empty() && row.billed_amount) {
    audit_result& a = r.audit;
    const bool observe = static_cast<bool>(s.options.on_audit_line);
    // Flags the row: counts are kept by the caller; the line is built only when kept or observed.
    auto flag = [&](std::optional<std::int64_t> priced_amount, std::string_view zone_name,
                    const std::function<std::string()>& detail) {
      const bool kept = a.examples.size() < s.options.max_examples;
      if (!kept && !observe) return;
      audit_line l{line,
                   row.contract,
                   row.carrier,
                   std::string(zone_name),
                   *row.billed_amount,
                   priced_amount,
                   0,
                   detail()};
      if (priced_amount) l.difference = *row.billed_amount - *priced_amount;
      if (observe) s.options.on_audit_line(l);
      if (kept) a.examples.push_back(std::move(l));
    };
    auto index = s.set->find(row.contract);
    int position = index ? s.position_of[*index] : -1;
    if (position < 0) {
      ++a.unknown_contract;
      flag(std::nullopt, {},
           [&] { return std::string(index ? "contract not compared" : "unknown contract"); });
    } else if (!row.currency.empty() && row.currency != r.currency) {
      ++a.currency_mismatch;
      flag(std::nullopt, {},
           [&] { return "billed in " + row.currency + ", the contract is in " + r.currency; });
    } else {
      auto j = static_cast<std::size_t>(position);
      ++a.rows;
      if (!s.ok[j]) {
        ++a.unpriced;
        flag(std::nullopt, {}, [&] {
          return "the contract cannot price it: " +
                 s.set->describe(s.indexes[j], row.service, s.refusals[j], request);
        });
      } else {
        const std::int64_t priced_amount = s.totals[j];
        a.billed_total += *row.billed_amount;
        a.priced_total += priced_amount;
        if (*row.billed_amount > 0 && priced_amount > 0) {
          ++s.ratios[ratio_bucket(*row.billed_amount, priced_amount)];
          ++a.ratio_rows;
        }
        const std::int64_t diff = *row.billed_amount - priced_amount;
        const std::int64_t magnitude = diff < 0 ? -diff : diff;
        const std::int64_t base = priced_amount < 0 ? -priced_amount : priced_amount;
        // Beyond max(percent of the price, fixed amount), compared exactly.
        __extension__ const bool beyond_percent =
            static_cast<__int128>(magnitude) * kHundredPercent >
            static_cast<__int128>(base) * s.options.tolerance_percent;
        if (beyond_percent && magnitude > s.options.tolerance_minor) {
          ++a.discrepancies;
          contract_result& c = r.contracts[j];
          zone_result& z = c.zones[s.zone[j]];
          if (diff > 0) {
            ++a.overbilled_rows;
            a.claim_back += diff;
            ++c.overbilled_rows;
            c.claim_back += diff;
            ++z.overbilled_rows;
            z.claim_back += diff;
          }
          flag(priced_amount, z.zone, [&] {
            return std::string(diff > 0 ? "billed above the contract price"
                                        : "billed below the contract price");
          });
        }
      }
    }
  }
}

compare_report comparison::finish() {
  state& s = *s_;
  audit_result& a = s.report.audit;
  if (a.ratio_rows > 0) {
    std::uint64_t seen = 0;
    const std::uint64_t middle = (a.ratio_rows + 1) / 2;
    for (std::size_t i = 0; i < kRatioBuckets; ++i) {
      seen += s.ratios[i];
      if (seen >= middle) {
        a.median_ratio = std::pow(10.0, (static_cast<double>(i) - kRatioOne) / 100.0);
        break;
      }
    }
    const double m = *a.median_ratio;
    const std::string rows = std::to_string(a.ratio_rows) + " audited row(s)";
    if (m >= 50 && m <= 200)
      s.report.warnings.push_back(
          "amounts look 100x off: is billed_amount in euros? The billed amounts are about " +
          format_ratio(m) + " times the contract prices (median over " + rows +
          "). billed_amount is read in major units (12.34); put amounts in cents in a "
          "billed_amount_minor column instead");
    else if (m >= 0.005 && m <= 0.02)
      s.report.warnings.push_back(
          "amounts look 100x off: is billed_amount_minor in cents? The billed amounts are about " +
          format_ratio(m) + " times the contract prices (median over " + rows +
          "). billed_amount_minor is read in minor units (1234 = 12.34); put amounts in euros in "
          "a billed_amount column instead");
    else if (m < 0.2 || m > 5)
      s.report.warnings.push_back("billed amounts look implausible: they are about " +
                                  format_ratio(m) + " times the contract prices (median over " +
                                  rows + "); check the billed amount column and its unit");
  }
  s.negotiation.priceable = s.report.priceable;
  if (s.target) s.report.negotiation = detail::negotiate(s.negotiation);
  s.negotiation.rows = {};
  return std::move(s.report);
}

std::expected<compare_report, std::string> compare_csv(
    std::istream& in, std::shared_ptr<const tariff_set> set, compare_options options,
    const std::function<void(std::uint64_t)>& on_progress) {
  const bool date_required = !options.date_override.has_value();
  auto cmp = comparison::create(std::move(set), std::move(options));
  if (!cmp) return std::unexpected(cmp.error());
  shipments_csv_reader reader(in, date_required);
  if (auto header = reader.read_header(); !header) return std::unexpected(header.error());
  shipment_row row;
  csv_bad_row bad;
  std::uint64_t count = 0;
  for (;;) {
    auto status = reader.next(row, bad);
    if (status == shipments_csv_reader::status::end) break;
    if (status == shipments_csv_reader::status::row)
      cmp->add(row, bad.line);
    else
      cmp->add_bad_row(bad.line, std::move(bad.reason));
    if (on_progress && (++count & 0xffff) == 0) on_progress(reader.bytes_read());
  }
  if (on_progress) on_progress(reader.bytes_read());
  return cmp->finish();
}

}  // namespace parcelgate::tariffs
