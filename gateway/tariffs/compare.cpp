// The streaming comparison: one pass, a fixed amount of state per compared contract and per
// weight band, plus the negotiation rows when a target is given.
#include "gateway/tariffs/compare.hpp"

#include <algorithm>
#include <climits>
#include <tuple>

#include "gateway/tariffs/negotiation.hpp"

namespace parcelgate::tariffs {

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
  std::vector<bool> ok;
  std::vector<refusal> refusals;
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
    s->report.contracts.push_back({c.id, c.carrier});
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
  s->ok.assign(n, false);
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
    s.ok[j] = p.has_value();
    if (!p) {
      s.refusals[j] = p.error();
      continue;
    }
    s.totals[j] = p->total;
    s.transit[j] = p->transit_days;
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
  } else {
    ++r.unpriceable;
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
    auto keep = [&](std::optional<std::int64_t> priced_amount, std::string detail) {
      if (a.examples.size() >= s.options.max_examples) return;
      audit_line l{line, row.contract,     row.carrier, *row.billed_amount, priced_amount,
                   0,    std::move(detail)};
      if (priced_amount) l.difference = *row.billed_amount - *priced_amount;
      a.examples.push_back(std::move(l));
    };
    auto index = s.set->find(row.contract);
    int position = index ? s.position_of[*index] : -1;
    if (position < 0) {
      ++a.unknown_contract;
      keep(std::nullopt, index ? "contract not compared" : "unknown contract");
    } else if (!row.currency.empty() && row.currency != r.currency) {
      ++a.currency_mismatch;
      keep(std::nullopt, "billed in " + row.currency + ", the contract is in " + r.currency);
    } else {
      auto j = static_cast<std::size_t>(position);
      ++a.rows;
      if (!s.ok[j]) {
        ++a.unpriced;
        if (a.examples.size() < s.options.max_examples)
          keep(std::nullopt,
               "the contract cannot price it: " +
                   s.set->describe(s.indexes[j], row.service, s.refusals[j], request));
      } else {
        const std::int64_t priced_amount = s.totals[j];
        a.billed_total += *row.billed_amount;
        a.priced_total += priced_amount;
        const std::int64_t diff = *row.billed_amount - priced_amount;
        const std::int64_t magnitude = diff < 0 ? -diff : diff;
        const std::int64_t base = priced_amount < 0 ? -priced_amount : priced_amount;
        // Beyond max(percent of the price, fixed amount), compared exactly.
        __extension__ const bool beyond_percent =
            static_cast<__int128>(magnitude) * kHundredPercent >
            static_cast<__int128>(base) * s.options.tolerance_percent;
        if (beyond_percent && magnitude > s.options.tolerance_minor) {
          ++a.discrepancies;
          keep(priced_amount,
               diff > 0 ? "billed above the contract price" : "billed below the contract price");
        }
      }
    }
  }
}

compare_report comparison::finish() {
  state& s = *s_;
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
