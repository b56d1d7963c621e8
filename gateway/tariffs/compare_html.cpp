// The HTML report: one self-contained page, inline CSS and hand-built SVG charts.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gateway/domain/html.hpp"
#include "gateway/tariffs/compare.hpp"

namespace parcelgate::tariffs {

namespace {

std::string esc(std::string_view text) { return html_escape(text); }

std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

std::string color(std::size_t i) {
  static constexpr const char* kPalette[] = {"#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6",
                                             "#06b6d4", "#ec4899", "#84cc16", "#f97316", "#475569"};
  if (i < std::size(kPalette)) return kPalette[i];
  return "hsl(" + std::to_string((i * 47) % 360) + ",65%,50%)";
}

constexpr const char* kNoContractColor = "#d4d4d8";

std::string svg_open(int width, int height, std::string_view title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(width) + " " +
         std::to_string(height) + "\" width=\"100%\" role=\"img\" aria-label=\"" + esc(title) +
         "\" font-family=\"system-ui, -apple-system, Segoe UI, Roboto, sans-serif\" "
         "font-size=\"13\">";
}

std::string text(double x, double y, std::string_view content, std::string_view attrs = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" " + std::string(attrs) + ">" +
         esc(content) + "</text>";
}

std::string rect(double x, double y, double w, double h, std::string_view fill,
                 std::string_view title = "") {
  std::string r = "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) +
                  "\" height=\"" + num(h) + "\" fill=\"" + std::string(fill) + "\" rx=\"2\"";
  if (title.empty()) return r + "/>";
  return r + "><title>" + esc(title) + "</title></rect>";
}

// A round step for about `parts` grid lines up to `max`.
double nice_step(double max, int parts) {
  if (max <= 0) return 1;
  double raw = max / parts, mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

std::string legend(const compare_report& r, bool with_none) {
  std::string out = "<div class=\"legend\">";
  for (std::size_t j = 0; j < r.contracts.size(); ++j)
    out += "<span><i style=\"background:" + color(j) + "\"></i>" + esc(r.contracts[j].contract) +
           "</span>";
  if (with_none)
    out += "<span><i style=\"background:" + std::string(kNoContractColor) +
           "\"></i>no contract</span>";
  return out + "</div>";
}

// common: the totals over the rows every contract prices, else each over the rows it priced.
std::string totals_chart(const compare_report& r, bool common) {
  const int label_w = 210, bar_w = 560, row_h = 36, top = 10;
  const auto n = r.contracts.size();
  const int height = top + static_cast<int>(n + 1) * row_h + 10;
  auto total_of = [&](const contract_result& c) { return common ? c.common_total : c.total; };
  const std::int64_t best = common ? r.common_best_total : r.best_total;
  std::int64_t max = best;
  for (const auto& c : r.contracts) max = std::max(max, total_of(c));
  auto scale = [&](std::int64_t v) {
    return max > 0 ? static_cast<double>(v) / static_cast<double>(max) * bar_w : 0.0;
  };
  std::string s = svg_open(960, height, "Total cost per contract");
  auto bar = [&](int i, std::string_view name, std::string_view sub, std::int64_t total,
                 const std::string& fill) {
    double y = top + i * row_h;
    s += text(label_w - 12, y + 15, name,
              "text-anchor=\"end\" font-weight=\"600\" fill=\"#1f2937\"");
    s += text(label_w - 12, y + 29, sub, "text-anchor=\"end\" font-size=\"11\" fill=\"#6b7280\"");
    double w = std::max(scale(total), 1.0);
    s += rect(label_w, y + 6, w, 22, fill,
              std::string(name) + ": " + format_money(total, r.currency));
    s += text(label_w + w + 8, y + 22, format_money(total, r.currency),
              "fill=\"#111827\" font-weight=\"600\"");
  };
  for (std::size_t j = 0; j < n; ++j) {
    const auto& c = r.contracts[j];
    std::string sub = common ? format_count(r.common_rows) + " common rows"
                             : "priced " + format_count(c.priced) + " of " +
                                   format_count(r.rows - r.bad_rows) + " rows";
    bar(static_cast<int>(j), c.contract, sub, total_of(c), color(j));
  }
  bar(static_cast<int>(n), "best possible",
      format_count(common ? r.common_rows : r.priceable) + " rows, cheapest each", best,
      "url(#hatch)");
  s.insert(s.find('>') + 1,
           "<defs><pattern id=\"hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" "
           "patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#e5e7eb\"/>"
           "<rect width=\"3\" height=\"8\" fill=\"#9ca3af\"/></pattern></defs>");
  return s + "</svg>";
}

std::string bands_chart(const compare_report& r) {
  std::vector<const band_result*> bands;
  for (const auto& b : r.bands)
    if (b.priceable > 0) bands.push_back(&b);
  if (bands.empty()) return "<p class=\"note\">No priced row.</p>";
  const auto n = r.contracts.size();
  const double left = 70, right = 20, top = 16, plot_h = 260, width = 960;
  const double plot_w = width - left - right;
  double max = 0;
  for (const auto* b : bands)
    for (std::size_t j = 0; j < n; ++j)
      if (b->priced[j] > 0)
        max = std::max(max, static_cast<double>(b->total[j]) / static_cast<double>(b->priced[j]));
  const double step = nice_step(max, 5);
  const double top_value = std::max(step, std::ceil(max / step) * step);
  std::string s = svg_open(static_cast<int>(width), static_cast<int>(top + plot_h + 40),
                           "Average price per parcel by weight band");
  for (double v = 0; v <= top_value + step / 2; v += step) {
    double y = top + plot_h - v / top_value * plot_h;
    s += "<line x1=\"" + num(left) + "\" x2=\"" + num(width - right) + "\" y1=\"" + num(y) +
         "\" y2=\"" + num(y) + "\" stroke=\"" + (v == 0 ? "#9ca3af" : "#e5e7eb") + "\"/>";
    s += text(left - 8, y + 4, format_money(static_cast<std::int64_t>(std::llround(v)), r.currency),
              "text-anchor=\"end\" font-size=\"11\" fill=\"#6b7280\"");
  }
  const double group_w = plot_w / static_cast<double>(bands.size());
  const double bar_w = std::min(28.0, (group_w - 16) / static_cast<double>(n));
  for (std::size_t g = 0; g < bands.size(); ++g) {
    const band_result& b = *bands[g];
    double x0 = left + g * group_w + (group_w - bar_w * static_cast<double>(n)) / 2;
    for (std::size_t j = 0; j < n; ++j) {
      if (b.priced[j] == 0) continue;
      auto avg = static_cast<std::int64_t>(
          std::llround(static_cast<double>(b.total[j]) / static_cast<double>(b.priced[j])));
      double h = static_cast<double>(avg) / top_value * plot_h;
      s += rect(x0 + static_cast<double>(j) * bar_w + 1, top + plot_h - h, bar_w - 2, h, color(j),
                r.contracts[j].contract + ", " + b.label + ": " + format_money(avg, r.currency) +
                    " per parcel (" + format_count(b.priced[j]) + " parcels)");
    }
    s += text(left + g * group_w + group_w / 2, top + plot_h + 20, b.label,
              "text-anchor=\"middle\" fill=\"#374151\"");
    s += text(left + g * group_w + group_w / 2, top + plot_h + 35, format_count(b.rows) + " rows",
              "text-anchor=\"middle\" font-size=\"11\" fill=\"#9ca3af\"");
  }
  return s + "</svg>" + legend(r, false);
}

std::string cheapest_chart(const compare_report& r) {
  std::vector<const band_result*> bands;
  for (const auto& b : r.bands)
    if (b.rows > 0) bands.push_back(&b);
  if (bands.empty()) return "<p class=\"note\">No row.</p>";
  const double label_w = 100, bar_w = 740, row_h = 34, top = 6;
  std::string s =
      svg_open(960, static_cast<int>(top + row_h * static_cast<double>(bands.size()) + 6),
               "Share of rows where each contract is cheapest, by weight band");
  for (std::size_t g = 0; g < bands.size(); ++g) {
    const band_result& b = *bands[g];
    double y = top + static_cast<double>(g) * row_h;
    s += text(label_w - 10, y + 19, b.label, "text-anchor=\"end\" fill=\"#374151\"");
    double x = label_w;
    auto segment = [&](std::uint64_t part, const std::string& fill, const std::string& name,
                       bool dark_text) {
      if (part == 0) return;
      double w = static_cast<double>(part) / static_cast<double>(b.rows) * bar_w;
      s += rect(x, y + 4, w, 24, fill,
                name + ", " + b.label + ": " + format_count(part) + " of " + format_count(b.rows) +
                    " rows (" + format_share(part, b.rows) + ")");
      if (w >= 44)
        s += text(x + w / 2, y + 20, format_share(part, b.rows),
                  std::string("text-anchor=\"middle\" font-size=\"11\" fill=\"") +
                      (dark_text ? "#374151" : "#ffffff") + "\"");
      x += w;
    };
    for (std::size_t j = 0; j < r.contracts.size(); ++j)
      segment(b.cheapest[j], color(j), r.contracts[j].contract, false);
    segment(b.rows - b.priceable, kNoContractColor, "no contract", true);
    s += text(label_w + bar_w + 10, y + 20, format_count(b.rows) + " rows",
              "font-size=\"11\" fill=\"#6b7280\"");
  }
  return s + "</svg>" + legend(r, true);
}

std::string goal_html(const negotiation_goal& g) {
  switch (g.outcome) {
    case negotiation_goal::status::already:
      return "<span class=\"pill ok\">already met</span> no extra discount needed";
    case negotiation_goal::status::reachable:
      return "<span class=\"pill\">+" + format_percent(g.extra_discount) +
             " points</span> of extra discount";
    case negotiation_goal::status::not_reachable:
      return "<span class=\"pill bad\">not reachable</span> even with the discounts at 100 %";
  }
  return "";
}

constexpr const char* kStyle = R"(
:root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--card:#fff;--accent:#2563eb}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1040px;margin:0 auto;padding:28px 24px 48px}
header h1{margin:0;font-size:26px}
header p{margin:4px 0 0;color:var(--muted)}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px;margin-top:18px}
h2{font-size:17px;margin:0 0 4px}
.note{color:var(--muted);margin:0 0 12px;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;background:none;border:0;padding:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:22px;font-weight:700;margin-top:2px}
.card .s{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.id{white-space:nowrap;font-weight:600}
td.why{font-size:12px;color:var(--muted)}
tr.best td{background:#eff6ff}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin-top:8px;font-size:13px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;vertical-align:-1px}
.pill{display:inline-block;padding:1px 9px;border-radius:999px;background:#dbeafe;color:#1e40af;font-weight:600}
.pill.ok{background:#dcfce7;color:#166534}.pill.bad{background:#fee2e2;color:#991b1b}
.up{color:#b91c1c}.down{color:#15803d}
.empty{color:var(--muted);font-style:italic}
section.warn{background:#fef3c7;border-color:#f59e0b}
section.warn ul{margin:4px 0 0;padding-left:20px}
h3.zone-contract{font-size:14px;margin:14px 0 4px}
)";

}  // namespace

std::string to_html(const compare_report& r) {
  const std::string& cur = r.currency;
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Tariff comparison</title><style>";
  h += kStyle;
  h += "</style></head><body><main>";

  h += "<header><h1>Tariff comparison</h1><p>" + format_count(r.rows) + " shipments, " +
       std::to_string(r.contracts.size()) + " contracts, amounts in " + esc(cur) +
       (r.date_override ? ", priced on " + format_date(*r.date_override) : std::string()) +
       "</p></header>";
  if (!r.warnings.empty()) {
    h += "<section id=\"warnings\" class=\"warn\"><h2>Warnings</h2><ul>";
    for (const auto& w : r.warnings) h += "<li>" + esc(w) + "</li>";
    h += "</ul></section>";
  }

  // Summary cards.
  std::size_t most = 0;
  for (std::size_t j = 1; j < r.contracts.size(); ++j)
    if (r.contracts[j].cheapest_count > r.contracts[most].cheapest_count) most = j;
  auto card = [](std::string_view k, const std::string& v, const std::string& s) {
    return "<div class=\"card\"><div class=\"k\">" + std::string(k) + "</div><div class=\"v\">" +
           v + "</div><div class=\"s\">" + s + "</div></div>";
  };
  h += "<section id=\"summary\" class=\"cards\">";
  h += card(
      "Shipments", format_count(r.rows),
      format_count(r.priceable) + " priceable, " + format_count(r.unpriceable) + " by no contract");
  h += card("Best possible total", esc(format_money(r.best_total, cur)),
            "each shipment on its cheapest contract");
  h += card("Most often cheapest",
            r.contracts.empty() || r.priceable == 0 ? "-" : esc(r.contracts[most].contract),
            r.contracts.empty() ? std::string()
                                : format_share(r.contracts[most].cheapest_count, r.priceable) +
                                      " of priceable shipments");
  h += card("Bad rows", format_count(r.bad_rows),
            format_count(r.audit.discrepancies) + " billing discrepancies");
  h += "</section>";

  {
    const bool differ = r.priced_rows_differ();
    const bool common = differ && r.common_rows > 0;
    const std::uint64_t valid = r.rows - r.bad_rows;
    std::string coverage;  // "colissimo-2026 priced 940 of 1,000 rows, ..."
    for (const auto& c : r.contracts)
      if (c.priced != valid)
        coverage += (coverage.empty() ? "" : ", ") + esc(c.contract) + " priced " +
                    format_count(c.priced) + " of " + format_count(valid) + " rows";
    h += "<section id=\"totals\"><h2>Total cost per contract</h2><p class=\"note\">";
    if (!differ)
      h += "Every contract priced the same " +
           format_count(r.contracts.empty() ? 0 : r.contracts[0].priced) +
           " shipments; the hatched bar prices each of them on its cheapest contract.";
    else if (common)
      h += "<b>Compared on the " + format_count(r.common_rows) +
           " shipments every contract can price</b>, because the contracts priced different "
           "numbers of rows (" +
           coverage +
           "); each contract's total over the rows it priced is in the table below. The hatched "
           "bar prices each common shipment on its cheapest contract.";
    else
      h += "<b>Not comparable: the totals are over different shipments</b> (" + coverage +
           ") and no shipment is priced by every contract (compare fewer contracts with "
           "--contracts, or price every row on one date with --date-override, to get common "
           "rows); the hatched bar prices every priceable shipment on its cheapest contract.";
    h += "</p>" + totals_chart(r, common) + "</section>";
  }

  h += "<section id=\"bands\"><h2>Average price per parcel, by weight band</h2><p class=\"note\">"
       "Real weight bands; a missing bar means the contract prices no parcel of that band."
       "</p>" +
       bands_chart(r) + "</section>";

  h += "<section id=\"cheapest\"><h2>Where each contract is cheapest</h2><p class=\"note\">"
       "Share of the shipments of each weight band for which a contract is the cheapest (ties: "
       "fewer transit days, then contract id).</p>" +
       cheapest_chart(r) + "</section>";

  h += "<section id=\"contracts\"><h2>Per contract</h2><table><tr><th>Contract</th>"
       "<th>Carrier</th><th class=\"n\">Priced</th><th class=\"n\">Unserviceable</th>"
       "<th>Main reasons</th><th class=\"n\">Total</th><th class=\"n\">Cheapest for</th>"
       "<th class=\"n\">Overbilled rows</th><th class=\"n\">To claim back</th></tr>";
  for (std::size_t j = 0; j < r.contracts.size(); ++j) {
    const auto& c = r.contracts[j];
    std::vector<std::pair<std::uint64_t, std::size_t>> reasons;
    for (std::size_t i = 0; i < kReasonCount; ++i)
      if (c.unserviceable_by_reason[i] > 0) reasons.push_back({c.unserviceable_by_reason[i], i});
    std::sort(reasons.rbegin(), reasons.rend());
    std::string why;
    for (const auto& [n, i] : reasons)
      why += (why.empty() ? "" : ", ") + std::string(to_string(static_cast<reason_code>(i))) + " " +
             format_count(n);
    h += std::string("<tr") + (j == most && r.priceable > 0 ? " class=\"best\"" : "") +
         "><td class=\"id\"><i "
         "style=\"display:inline-block;width:10px;height:10px;border-radius:2px;"
         "margin-right:6px;background:" +
         color(j) + "\"></i>" + esc(c.contract) + "</td><td>" + esc(c.carrier) +
         "</td><td class=\"n\">" + format_count(c.priced) + "</td><td class=\"n\">" +
         format_count(c.unserviceable) + "</td><td class=\"why\">" + esc(why.empty() ? "-" : why) +
         "</td><td class=\"n\">" + esc(format_money(c.total, cur)) + "</td><td class=\"n\">" +
         format_count(c.cheapest_count) + " (" + format_share(c.cheapest_count, r.priceable) +
         ")</td><td class=\"n\">" + format_count(c.overbilled_rows) + "</td><td class=\"n\">" +
         esc(format_money(c.claim_back, cur)) + "</td></tr>";
  }
  h += "</table></section>";

  h += "<section id=\"zones\"><h2>Per zone</h2><p class=\"note\">Each contract's own zones "
       "(zones differ from one contract to another): the shipments it priced there, their "
       "total and average, where it is the cheapest, and the overbilled audited rows.</p>";
  for (std::size_t j = 0; j < r.contracts.size(); ++j) {
    const auto& c = r.contracts[j];
    h += "<h3 class=\"zone-contract\"><i style=\"display:inline-block;width:10px;height:10px;"
         "border-radius:2px;margin-right:6px;background:" +
         color(j) + "\"></i>" + esc(c.contract) + "</h3>";
    bool any = false;
    for (const auto& z : c.zones) any = any || z.priced > 0;
    if (!any) {
      h += "<p class=\"empty\">No shipment priced.</p>";
      continue;
    }
    h += "<table><tr><th>Zone</th><th class=\"n\">Priced</th><th class=\"n\">Total</th>"
         "<th class=\"n\">Average</th><th class=\"n\">Cheapest for</th><th class=\"n\">"
         "Overbilled rows</th><th class=\"n\">To claim back</th></tr>";
    for (const auto& z : c.zones) {
      if (z.priced == 0) continue;
      h += "<tr><td class=\"id\">" + esc(z.zone) + "</td><td class=\"n\">" +
           format_count(z.priced) + "</td><td class=\"n\">" + esc(format_money(z.total, cur)) +
           "</td><td class=\"n\">" +
           esc(format_money(z.total / static_cast<std::int64_t>(z.priced), cur)) +
           "</td><td class=\"n\">" + format_count(z.cheapest_count) + " (" +
           format_share(z.cheapest_count, z.priced) + ")</td><td class=\"n\">" +
           format_count(z.overbilled_rows) + "</td><td class=\"n\">" +
           esc(format_money(z.claim_back, cur)) + "</td></tr>";
    }
    h += "</table>";
  }
  h += "</section>";

  if (r.negotiation) {
    const auto& n = *r.negotiation;
    h += "<section id=\"negotiation\"><h2>Negotiation: " + esc(n.contract) +
         "</h2><p class=\"note\">Extra discount in percentage points added to the contract's "
         "discounts (at most " +
         format_percent(n.max_extra_discount) +
         " points, the discounts then reach 100 %); percent surcharges follow the discounted "
         "price. Found by bisection to 0.01 point on the exact pricing.</p>";
    h += "<p><b>(a) Lowest total</b> against every rival on the shipments both can price: " +
         goal_html(n.lowest_total) + "</p>";
    if (n.rivals.empty()) {
      h += "<p class=\"empty\">No other contract prices any of its shipments.</p>";
    } else {
      h += "<table><tr><th>Rival</th><th class=\"n\">Shared shipments</th><th class=\"n\">Rival "
           "total</th><th class=\"n\">" +
           esc(n.contract) + " today</th><th class=\"n\">" + esc(n.contract) + " after</th></tr>";
      for (const auto& v : n.rivals)
        h += "<tr><td>" + esc(v.contract) + "</td><td class=\"n\">" + format_count(v.shared_rows) +
             "</td><td class=\"n\">" + esc(format_money(v.rival_total, cur)) +
             "</td><td class=\"n\">" + esc(format_money(v.target_total, cur)) +
             "</td><td class=\"n\">" + esc(format_money(v.target_total_after, cur)) + "</td></tr>";
      h += "</table>";
    }
    if (n.target_share)
      h += "<p><b>(b) Cheapest for " + format_percent(*n.target_share) +
           " % of the shipments</b>: " + goal_html(n.share) + "</p>";
    h += "<p>Cheapest today for " + format_count(n.cheapest_rows_now) + " shipments (" +
         format_share(n.cheapest_rows_now, r.priceable) + "), after the extra discount for " +
         format_count(n.cheapest_rows_after) + " (" +
         format_share(n.cheapest_rows_after, r.priceable) + ").</p></section>";
  }

  const auto& a = r.audit;
  h += "<section id=\"audit\"><h2>Billing audit</h2><p class=\"note\">Rows that name a contract "
       "and a billed amount, compared with the contract's price; flagged beyond " +
       format_percent(a.tolerance_percent) + " % or " + esc(format_money(a.tolerance_minor, cur)) +
       ", whichever is larger.</p>";
  h += "<p>" + format_count(a.rows) + " audited rows: billed <b>" +
       esc(format_money(a.billed_total, cur)) + "</b> vs priced <b>" +
       esc(format_money(a.priced_total, cur)) + "</b> (difference " +
       esc(format_money(a.billed_total - a.priced_total, cur)) + "); " +
       format_count(a.discrepancies) + " beyond the tolerance, " + format_count(a.unpriced) +
       " the contract cannot price, " + format_count(a.unknown_contract) + " unknown contract, " +
       format_count(a.currency_mismatch) + " in another currency.</p>";
  h += "<p id=\"claim-back\">To claim back: <b>" + esc(format_money(a.claim_back, cur)) +
       "</b> over " + format_count(a.overbilled_rows) +
       " overbilled rows (billed above the price beyond the tolerance)";
  {
    std::string per;
    for (const auto& c : r.contracts)
      if (c.overbilled_rows > 0)
        per += (per.empty() ? "" : ", ") + esc(c.contract) + " " +
               esc(format_money(c.claim_back, cur)) + " (" + format_count(c.overbilled_rows) +
               " rows)";
    h += per.empty() ? std::string(".") : ": " + per + ".";
  }
  h += "</p>";
  if (a.median_ratio)
    h += "<p class=\"note\">Median billed/priced ratio: " + format_ratio(*a.median_ratio) +
         " over " + format_count(a.ratio_rows) + " rows.</p>";
  if (!a.examples.empty())
    h += "<p class=\"note\" id=\"audit-count\">" +
         (a.examples.size() < a.flagged()
              ? esc(audit_listing_note(a)) + " (or raise --max-examples)."
              : "All " + format_count(a.flagged()) + " flagged rows are listed.") +
         "</p>";
  if (a.examples.empty()) {
    h += "<p class=\"empty\">Nothing to report.</p>";
  } else {
    h += "<table><tr><th class=\"n\">Line</th><th>Contract</th><th>Zone</th><th "
         "class=\"n\">Billed</th>"
         "<th class=\"n\">Priced</th><th class=\"n\">Difference</th><th>Detail</th></tr>";
    for (const auto& l : a.examples)
      h += "<tr><td class=\"n\">" + std::to_string(l.line) + "</td><td class=\"id\">" +
           esc(l.contract) + "</td><td>" + esc(l.zone.empty() ? "-" : l.zone) +
           "</td><td class=\"n\">" + esc(format_money(l.billed, cur)) + "</td><td class=\"n\">" +
           (l.priced ? esc(format_money(*l.priced, cur)) : "-") + "</td><td class=\"n " +
           (l.difference > 0 ? "up" : "down") + "\">" +
           (l.priced ? esc((l.difference > 0 ? "+" : "") + format_money(l.difference, cur)) : "-") +
           "</td><td>" + esc(l.detail) + "</td></tr>";
    h += "</table>";
  }
  h += "</section>";

  h += "<section id=\"bad-rows\"><h2>Bad rows</h2><p class=\"note\">" + format_count(r.bad_rows) +
       " row(s) could not be read" +
       (r.bad_examples.size() < r.bad_rows
            ? "; the first " + std::to_string(r.bad_examples.size()) + " are listed"
            : std::string()) +
       ".</p>";
  if (r.bad_examples.empty()) {
    h += "<p class=\"empty\">None.</p>";
  } else {
    h += "<table><tr><th class=\"n\">Line</th><th>Reason</th></tr>";
    for (const auto& b : r.bad_examples)
      h += "<tr><td class=\"n\">" + std::to_string(b.line) + "</td><td>" + esc(b.reason) +
           "</td></tr>";
    h += "</table>";
  }
  h += "</section></main></body></html>\n";
  return h;
}

}  // namespace parcelgate::tariffs
