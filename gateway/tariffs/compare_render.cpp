// Text renderings of a comparison report: JSON, CSV and an aligned table.
#include <boost/json.hpp>

#include <cmath>
#include <cstdio>

#include "gateway/tariffs/compare.hpp"
#include "gateway/tariffs/text_width.hpp"

namespace parcelgate::tariffs {

namespace {

std::string major(std::int64_t minor) {  // "1234.56", for CSV
  std::uint64_t magnitude =
      minor < 0 ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  char text[40];
  std::snprintf(text, sizeof text, "%s%llu.%02llu", minor < 0 ? "-" : "",
                static_cast<unsigned long long>(magnitude / 100),
                static_cast<unsigned long long>(magnitude % 100));
  return text;
}

boost::json::value nullable(const std::optional<std::int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::object goal_json(const negotiation_goal& g) {
  return {{"status", to_string(g.outcome)},
          {"extra_discount_percent", format_percent(g.extra_discount)}};
}

std::size_t columns(std::string_view text) {
  return display_width(text);
}

// Columns of strings; numbers right-aligned.
std::string aligned(const std::vector<std::vector<std::string>>& rows,
                    const std::vector<bool>& right) {
  std::vector<std::size_t> width;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], columns(r[i]));
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      std::string pad(width[i] - columns(r[i]), ' ');
      bool is_right = i < right.size() && right[i];
      line += (i ? "  " : "") + (is_right ? pad + r[i] : r[i] + pad);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += "  " + line + "\n";
  }
  return out;
}

std::string goal_text(const negotiation_goal& g) {
  switch (g.outcome) {
    case negotiation_goal::status::already:
      return "already met (no extra discount needed)";
    case negotiation_goal::status::reachable:
      return "needs " + format_percent(g.extra_discount) + " extra percentage points of discount";
    case negotiation_goal::status::not_reachable:
      return "not reachable, even with the discounts at 100 %";
  }
  return "";
}

}  // namespace

std::string format_ratio(double ratio) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", ratio);
  return text;
}

std::string audit_listing_note(const audit_result& a) {
  return "showing " + format_count(a.examples.size()) + " of " + format_count(a.flagged()) +
         " flagged rows; run `parcelctl tariffs compare --format csv --audit` (same options) for "
         "all of them";
}

std::string format_money(std::int64_t minor, std::string_view currency) {
  std::uint64_t magnitude =
      minor < 0 ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  char cents[4];
  std::snprintf(cents, sizeof cents, "%02llu", static_cast<unsigned long long>(magnitude % 100));
  std::string number = format_count(magnitude / 100) + "." + cents;
  std::string sign = minor < 0 ? "-" : "";
  if (currency == "EUR") return sign + "\u20AC" + number;
  return sign + number + " " + std::string(currency);
}

std::string format_count(std::uint64_t v) {
  std::string digits = std::to_string(v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_share(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %%",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return text;
}

std::string format_percent(std::int64_t v) {
  std::string sign = v < 0 ? "-" : "";
  std::uint64_t m = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::string out = sign + std::to_string(m / kPercentScale);
  char frac[8];
  std::snprintf(frac, sizeof frac, "%04llu", static_cast<unsigned long long>(m % kPercentScale));
  std::string f = frac;
  while (!f.empty() && f.back() == '0') f.pop_back();
  return f.empty() ? out : out + "." + f;
}

std::string to_json(const compare_report& r) {
  namespace json = boost::json;
  json::array contracts, bands, audit_lines, bad;
  for (const auto& c : r.contracts) {
    json::object reasons;
    for (std::size_t i = 0; i < kReasonCount; ++i)
      if (c.unserviceable_by_reason[i] > 0)
        reasons[to_string(static_cast<reason_code>(i))] = c.unserviceable_by_reason[i];
    json::array zones;
    for (const auto& z : c.zones)
      zones.push_back({{"zone", z.zone},
                       {"priced", z.priced},
                       {"total", z.total},
                       {"cheapest_count", z.cheapest_count},
                       {"overbilled_rows", z.overbilled_rows},
                       {"claim_back", z.claim_back}});
    contracts.push_back({{"contract", c.contract},
                         {"carrier", c.carrier},
                         {"priced", c.priced},
                         {"unserviceable", c.unserviceable},
                         {"unserviceable_by_reason", std::move(reasons)},
                         {"total", c.total},
                         {"cheapest_count", c.cheapest_count},
                         {"common_total", c.common_total},
                         {"overbilled_rows", c.overbilled_rows},
                         {"claim_back", c.claim_back},
                         {"zones", std::move(zones)}});
  }
  for (const auto& b : r.bands) {
    json::array per;
    for (std::size_t j = 0; j < r.contracts.size(); ++j)
      per.push_back({{"contract", r.contracts[j].contract},
                     {"priced", b.priced[j]},
                     {"total", b.total[j]},
                     {"cheapest_count", b.cheapest[j]}});
    bands.push_back({{"label", b.label},
                     {"min_g", b.min_g},
                     {"max_g", b.max_g == INT32_MAX ? json::value(nullptr) : json::value(b.max_g)},
                     {"rows", b.rows},
                     {"priceable", b.priceable},
                     {"best_total", b.best_total},
                     {"contracts", std::move(per)}});
  }
  for (const auto& l : r.audit.examples)
    audit_lines.push_back(
        {{"line", l.line},
         {"contract", l.contract},
         {"carrier", l.carrier},
         {"zone", l.zone.empty() ? json::value(nullptr) : json::value(l.zone)},
         {"billed", l.billed},
         {"priced", nullable(l.priced)},
         {"difference", l.priced ? json::value(l.difference) : json::value(nullptr)},
         {"detail", l.detail}});
  for (const auto& b : r.bad_examples) bad.push_back({{"line", b.line}, {"reason", b.reason}});
  json::array warnings;
  for (const auto& w : r.warnings) warnings.push_back(json::value(w));
  const auto& a = r.audit;
  json::object doc{{"currency", r.currency},
                   {"date_override", r.date_override ? json::value(format_date(*r.date_override))
                                                     : json::value(nullptr)},
                   {"rows",
                    {{"total", r.rows},
                     {"bad", r.bad_rows},
                     {"priceable", r.priceable},
                     {"unpriceable", r.unpriceable},
                     {"priced_by_all", r.common_rows}}},
                   {"best_total", r.best_total},
                   {"common_best_total", r.common_best_total},
                   {"warnings", std::move(warnings)},
                   {"contracts", std::move(contracts)},
                   {"weight_bands", std::move(bands)},
                   {"audit",
                    {{"tolerance_percent", format_percent(a.tolerance_percent)},
                     {"tolerance_minor", a.tolerance_minor},
                     {"rows", a.rows},
                     {"discrepancies", a.discrepancies},
                     {"unpriced", a.unpriced},
                     {"unknown_contract", a.unknown_contract},
                     {"currency_mismatch", a.currency_mismatch},
                     {"flagged", a.flagged()},
                     {"billed_total", a.billed_total},
                     {"priced_total", a.priced_total},
                     {"overbilled_rows", a.overbilled_rows},
                     {"claim_back", a.claim_back},
                     {"median_billed_ratio",
                      a.median_ratio ? json::value(std::round(*a.median_ratio * 1000) / 1000)
                                     : json::value(nullptr)},
                     {"examples", std::move(audit_lines)}}},
                   {"negotiation", nullptr},
                   {"bad_rows", {{"count", r.bad_rows}, {"examples", std::move(bad)}}}};
  if (r.negotiation) {
    const auto& n = *r.negotiation;
    json::array rivals;
    for (const auto& v : n.rivals)
      rivals.push_back({{"contract", v.contract},
                        {"shared_rows", v.shared_rows},
                        {"rival_total", v.rival_total},
                        {"target_total", v.target_total},
                        {"target_total_after", v.target_total_after}});
    json::value share = nullptr;
    if (n.target_share) {
      json::object s = goal_json(n.share);
      s["target_share_percent"] = format_percent(*n.target_share);
      share = std::move(s);
    }
    doc["negotiation"] =
        json::object{{"contract", n.contract},
                     {"max_extra_discount_percent", format_percent(n.max_extra_discount)},
                     {"lowest_total", goal_json(n.lowest_total)},
                     {"rivals", std::move(rivals)},
                     {"share", std::move(share)},
                     {"cheapest_rows_now", n.cheapest_rows_now},
                     {"cheapest_rows_after", n.cheapest_rows_after}};
  }
  return json::serialize(doc);
}

std::string to_csv(const compare_report& r) {
  std::string out =
      "contract,carrier,zone,currency,priced,unserviceable,total,cheapest_count,best_total,"
      "common_total,overbilled_rows,claim_back";
  for (std::size_t i = 0; i < kReasonCount; ++i)
    out += ",unserviceable:" + std::string(to_string(static_cast<reason_code>(i)));
  out += "\n";
  // Ids and carriers are restricted to a-z 0-9 . _ - by the loader; zone names are quoted.
  for (const auto& c : r.contracts) {
    out += c.contract + "," + c.carrier + ",," + r.currency + "," + std::to_string(c.priced) + "," +
           std::to_string(c.unserviceable) + "," + major(c.total) + "," +
           std::to_string(c.cheapest_count) + "," + major(r.best_total) + "," +
           major(c.common_total) + "," + std::to_string(c.overbilled_rows) + "," +
           major(c.claim_back);
    for (auto n : c.unserviceable_by_reason) out += "," + std::to_string(n);
    out += "\n";
    for (const auto& z : c.zones) {
      if (z.priced == 0) continue;
      out += c.contract + "," + c.carrier + ",";
      append_csv_field(out, z.zone);
      out += "," + r.currency + "," + std::to_string(z.priced) + ",," + major(z.total) + "," +
             std::to_string(z.cheapest_count) + ",,," + std::to_string(z.overbilled_rows) + "," +
             major(z.claim_back) + std::string(kReasonCount, ',') + "\n";
    }
  }
  return out;
}

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string per_shipment_csv_header(std::span<const contract_result> contracts) {
  std::string out =
      "line,error,date,direction,from_country,from_postal_code,to_country,to_postal_code,"
      "weight_g,length_mm,width_mm,height_mm,service,contract,billed,cheapest";
  for (const auto& c : contracts) out += ",price:" + c.contract + ",reason:" + c.contract;
  return out + "\n";
}

void append_per_shipment_csv(std::string& out, const row_prices& p) {
  out += std::to_string(p.line);
  out += ',';
  if (!p.row) {
    append_csv_field(out, p.bad_reason);
    out += std::string(14 + 2 * p.contracts.size(), ',');
    out += '\n';
    return;
  }
  const shipment_row& row = *p.row;
  out += ',';
  if (p.date) out += format_date(*p.date);
  out += ',';
  out += row.dir == direction::return_ ? "return" : "outbound";
  for (std::string_view text :
       {std::string_view(row.from_country), std::string_view(row.from_postal_code),
        std::string_view(row.to_country), std::string_view(row.to_postal_code)}) {
    out += ',';
    append_csv_field(out, text);
  }
  auto dim = [&](std::int32_t v) {
    out += ',';
    if (v > 0) out += std::to_string(v);
  };
  out += ',' + std::to_string(row.parcel.weight_g);
  dim(row.parcel.length_mm);
  dim(row.parcel.width_mm);
  dim(row.parcel.height_mm);
  out += ',';
  out += to_string(row.service);
  out += ',';
  append_csv_field(out, row.contract);
  out += ',';
  if (row.billed_amount) out += major(*row.billed_amount);
  out += ',';
  if (p.cheapest) out += p.contracts[*p.cheapest].contract;
  for (std::size_t j = 0; j < p.contracts.size(); ++j) {
    out += ',';
    if (p.ok[j]) {
      out += major(p.totals[j]);
      out += ',';
    } else {
      out += ',';
      out += to_string(p.refusals[j].code);
    }
  }
  out += '\n';
}

std::string audit_csv_header() {
  return "line,contract,carrier,zone,billed,priced,difference,detail\n";
}

void append_audit_csv(std::string& out, const audit_line& l) {
  out += std::to_string(l.line);
  out += ',';
  append_csv_field(out, l.contract);
  out += ',';
  append_csv_field(out, l.carrier);
  out += ',';
  append_csv_field(out, l.zone);
  out += ',' + major(l.billed) + ',';
  if (l.priced)
    out += major(*l.priced) + ',' + major(l.difference);
  else
    out += ',';
  out += ',';
  append_csv_field(out, l.detail);
  out += '\n';
}

std::string to_table(const compare_report& r) {
  const std::string& cur = r.currency;
  std::string out;
  out += "Shipments: " + format_count(r.rows) + " row(s), " + format_count(r.bad_rows) + " bad, " +
         format_count(r.priceable) + " priceable, " + format_count(r.unpriceable) +
         " no contract can price\n";
  if (r.date_override) out += "Priced on " + format_date(*r.date_override) + " (date override)\n";
  for (const auto& w : r.warnings) out += "WARNING: " + w + "\n";
  out += "Best possible total: " + format_money(r.best_total, cur) +
         " (each shipment on its cheapest contract)\n\n";

  const bool differ = r.priced_rows_differ();
  const bool common = differ && r.common_rows > 0;
  std::vector<std::vector<std::string>> rows{
      {"CONTRACT", "CARRIER", "PRICED", "UNSERVICEABLE", "TOTAL", "CHEAPEST", "SHARE"}};
  if (common) rows[0].push_back("COMMON ROWS TOTAL");
  for (const auto& c : r.contracts) {
    rows.push_back({c.contract, c.carrier, format_count(c.priced), format_count(c.unserviceable),
                    format_money(c.total, cur), format_count(c.cheapest_count),
                    format_share(c.cheapest_count, r.priceable)});
    if (common) rows.back().push_back(format_money(c.common_total, cur));
  }
  out += aligned(rows, {false, false, true, true, true, true, true, true});
  if (common)
    out +=
        "  The contracts priced different rows: TOTAL is over the rows each one priced; COMMON "
        "ROWS TOTAL over the " +
        format_count(r.common_rows) + " row(s) every contract prices (best possible " +
        format_money(r.common_best_total, cur) + ").\n";
  else if (differ)
    out +=
        "  The contracts priced different rows and none is priced by every contract: the "
        "totals are not comparable. Compare fewer contracts (--contracts) or price every row "
        "on one date (--date-override) to get common rows.\n";

  out += "\nPer zone (rows each contract priced in each of its zones)\n";
  rows = {
      {"CONTRACT", "ZONE", "PRICED", "TOTAL", "AVERAGE", "CHEAPEST", "OVERBILLED", "CLAIM BACK"}};
  for (const auto& c : r.contracts)
    for (const auto& z : c.zones) {
      if (z.priced == 0) continue;
      rows.push_back({c.contract, z.zone, format_count(z.priced), format_money(z.total, cur),
                      format_money(z.total / static_cast<std::int64_t>(z.priced), cur),
                      format_count(z.cheapest_count), format_count(z.overbilled_rows),
                      format_money(z.claim_back, cur)});
    }
  out += rows.size() == 1 ? "  (none)\n"
                          : aligned(rows, {false, false, true, true, true, true, true, true});

  out += "\nUnserviceable, by reason\n";
  rows = {{"CONTRACT"}};
  std::vector<bool> right{false};
  std::vector<std::size_t> used;
  for (std::size_t i = 0; i < kReasonCount; ++i)
    for (const auto& c : r.contracts)
      if (c.unserviceable_by_reason[i] > 0) {
        used.push_back(i);
        rows[0].push_back(std::string(to_string(static_cast<reason_code>(i))));
        right.push_back(true);
        break;
      }
  for (const auto& c : r.contracts) {
    rows.push_back({c.contract});
    for (auto i : used) rows.back().push_back(format_count(c.unserviceable_by_reason[i]));
  }
  out += used.empty() ? "  (none)\n" : aligned(rows, right);

  out += "\nCheapest contract by weight band (rows where each contract is the cheapest)\n";
  rows = {{"BAND", "ROWS"}};
  right = {false, true};
  for (const auto& c : r.contracts) {
    rows[0].push_back(c.contract);
    right.push_back(true);
  }
  for (const auto& b : r.bands) {
    if (b.rows == 0) continue;
    rows.push_back({b.label, format_count(b.rows)});
    for (std::size_t j = 0; j < r.contracts.size(); ++j)
      rows.back().push_back(format_count(b.cheapest[j]));
  }
  out += aligned(rows, right);

  const auto& a = r.audit;
  out += "\nAudit (tolerance: " + format_percent(a.tolerance_percent) + " % or " +
         format_money(a.tolerance_minor, cur) + ", whichever is larger)\n";
  out += "  " + format_count(a.rows) + " row(s) with a contract and a billed amount, " +
         format_count(a.discrepancies) + " beyond the tolerance, " + format_count(a.unpriced) +
         " the contract cannot price, " + format_count(a.unknown_contract) + " unknown contract, " +
         format_count(a.currency_mismatch) + " in another currency\n";
  out += "  billed " + format_money(a.billed_total, cur) + " vs priced " +
         format_money(a.priced_total, cur) + " (difference " +
         format_money(a.billed_total - a.priced_total, cur) + ")\n";
  if (a.median_ratio)
    out += "  median billed/priced ratio " + format_ratio(*a.median_ratio) + " over " +
           format_count(a.ratio_rows) + " row(s)\n";
  out += "  to claim back: " + format_money(a.claim_back, cur) + " over " +
         format_count(a.overbilled_rows) + " overbilled row(s)\n";
  rows = {{"CONTRACT", "OVERBILLED ROWS", "CLAIM BACK"}};
  for (const auto& c : r.contracts)
    if (c.overbilled_rows > 0)
      rows.push_back(
          {c.contract, format_count(c.overbilled_rows), format_money(c.claim_back, cur)});
  if (rows.size() > 1) out += aligned(rows, {false, true, true});
  if (!a.examples.empty()) {
    rows = {{"LINE", "CONTRACT", "ZONE", "BILLED", "PRICED", "DIFFERENCE", "DETAIL"}};
    for (const auto& l : a.examples)
      rows.push_back({std::to_string(l.line), l.contract, l.zone.empty() ? "-" : l.zone,
                      format_money(l.billed, cur), l.priced ? format_money(*l.priced, cur) : "-",
                      l.priced ? format_money(l.difference, cur) : "-", l.detail});
    out += aligned(rows, {true, false, false, true, true, true, false});
    if (a.examples.size() < a.flagged()) out += "  " + audit_listing_note(a) + "\n";
  }

  if (r.negotiation) {
    const auto& n = *r.negotiation;
    out += "\nNegotiation for " + n.contract + "\n";
    out += "  (a) lowest total on the rows shared with each rival: " + goal_text(n.lowest_total) +
           "\n";
    rows = {{"RIVAL", "SHARED ROWS", "RIVAL TOTAL", "TARGET NOW", "TARGET AFTER"}};
    for (const auto& v : n.rivals)
      rows.push_back({v.contract, format_count(v.shared_rows), format_money(v.rival_total, cur),
                      format_money(v.target_total, cur), format_money(v.target_total_after, cur)});
    if (n.rivals.empty())
      out += "  (no rival shares a row with " + n.contract + ")\n";
    else
      out += aligned(rows, {false, true, true, true, true});
    if (n.target_share)
      out += "  (b) cheapest for " + format_percent(*n.target_share) +
             " % of the rows: " + goal_text(n.share) + "\n";
    out += "  cheapest today for " + format_count(n.cheapest_rows_now) + " row(s) (" +
           format_share(n.cheapest_rows_now, r.priceable) + "), after the discount " +
           format_count(n.cheapest_rows_after) + " (" +
           format_share(n.cheapest_rows_after, r.priceable) + ")\n";
  }

  out += "\nBad rows: " + format_count(r.bad_rows) + "\n";
  for (const auto& b : r.bad_examples)
    out += "  line " + std::to_string(b.line) + ": " + b.reason + "\n";
  if (r.bad_examples.size() < r.bad_rows)
    out += "  (first " + std::to_string(r.bad_examples.size()) + " listed)\n";
  return out;
}

}  // namespace parcelgate::tariffs
