#pragma once
// Batch comparison of negotiated contracts (DESIGN §7) over past or planned shipments: what
// each contract would have cost, where each one is cheapest, an audit of billed amounts, and
// the extra discount a contract needs to win (the negotiation helper).
//
// Feed rows one at a time (add / add_bad_row), then call finish() once. Memory does not grow
// with the number of rows, except with a negotiation target: then 40 bytes are kept per row
// that the target can price (about 40 MB for a million rows). Streaming outputs (one line per
// shipment, every flagged audit row) are observers called as rows are added
// (compare_options::on_row, on_audit_line): they keep nothing either.
//
// Pricing: every row is priced by every compared contract with price() (tenant restrictions
// ignored, the row's service, its date or the override). `cheapest` for a row is §7's rule:
// lowest total, then fewer transit days (none given = slowest), then contract id. Totals are
// compared as numbers: every compared contract must use the same currency.
//
// Fair totals: contracts that cover different zones, services or dates price different rows,
// so their totals are not comparable as such. The report also gives each contract's total over
// the COMMON rows (those every compared contract prices), which the HTML chart uses whenever
// the priced counts differ.
//
// Audit: a row naming a compared contract and a billed amount is compared with that contract's
// price. A row is flagged beyond the tolerance; an OVERBILLED row is a flagged row billed above
// the price, and the amount to claim back is the sum of (billed - priced) over overbilled rows,
// per contract and per zone. The median billed/priced ratio of the priced audited rows is
// estimated from a fixed histogram (log scale, steps of 10^0.01, so within 1.2 %); a median
// below 0.2 or above 5 adds a warning (near 0.01 or 100: the amounts look 100x off, typically
// cents in billed_amount, which is read in euros).
//
// NEGOTIATION MODEL. An extra discount of d percentage points on the target contract adds d to
// the sum of its discount percents, so per parcel (keep = 100 % - sum of its discounts):
//   discounted(d) = round(base * max(0, keep - d) / 100)
//   total(d)      = discounted(d) + sum of its percent surcharges round(discounted(d) * p / 100)
//                   + its amount surcharges; a return: round(total(d) * returns percent / 100)
// exactly as the engine prices the contract with that extra discount in its file. total(d) never
// increases with d, so the smallest d reaching a goal is found by bisection on d in steps of
// 0.01 point, from 0 up to d = keep (the discounts then reach 100 %: the base is free). Goals:
//  (a) lowest batch total: for EVERY other compared contract R that shares rows with the target
//      (rows both can price), the target's total over those shared rows is <= R's total over
//      the same rows. Comparing on shared rows only keeps the comparison fair when contracts
//      cover different zones, services or dates; a contract sharing no row is not a rival.
//  (b) cheapest share: the target is the cheapest contract (§7 rule, ties included) for at
//      least P % of the rows that at least one compared contract can price.
// Each goal reports "already" (d = 0), the smallest d, or "not reachable" (not even at d = keep).
//
// Thread-safety: one comparison is used by one thread at a time; the tariff set is shared.

#include <array>
#include <cstdint>
#include <expected>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/tariffs/shipments_csv.hpp"
#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::tariffs {

// Reasons a comparison can give: every reason_code but too_many_parcels (a comparison prices
// contracts, not what an adapter prints), which is the last value.
constexpr std::size_t kReasonCount = static_cast<std::size_t>(reason_code::too_many_parcels);

// Weight bands of the report, by the parcel's real weight: (previous max, max_g].
struct weight_band_def {
  const char* label;
  std::int32_t max_g;
};
constexpr std::array<weight_band_def, 9> kWeightBands = {{{"0-250 g", 250},
                                                          {"250-500 g", 500},
                                                          {"0.5-1 kg", 1'000},
                                                          {"1-2 kg", 2'000},
                                                          {"2-5 kg", 5'000},
                                                          {"5-10 kg", 10'000},
                                                          {"10-20 kg", 20'000},
                                                          {"20-30 kg", 30'000},
                                                          {"> 30 kg", INT32_MAX}}};
std::size_t weight_band_of(std::int32_t weight_g) noexcept;

// One zone of one contract (the contract's own zones, in file order).
struct zone_result {
  std::string zone;
  std::uint64_t priced = 0;           // rows it priced in this zone
  std::int64_t total = 0;             // over those rows
  std::uint64_t cheapest_count = 0;   // of those, rows where the contract is the cheapest
  std::uint64_t overbilled_rows = 0;  // audited rows of this contract and zone billed too much
  std::int64_t claim_back = 0;        // sum of billed - priced over them
};

struct contract_result {
  std::string contract, carrier;
  std::uint64_t priced = 0, unserviceable = 0;
  std::array<std::uint64_t, kReasonCount> unserviceable_by_reason{};  // by reason_code
  std::int64_t total = 0;             // minor units, over the rows it priced
  std::uint64_t cheapest_count = 0;   // rows where it is the cheapest
  std::int64_t common_total = 0;      // over the rows every compared contract prices
  std::uint64_t overbilled_rows = 0;  // audit: rows naming it, billed above beyond tolerance
  std::int64_t claim_back = 0;        // sum of billed - priced over those rows
  std::vector<zone_result> zones;     // every zone of the contract
};

struct audit_line {
  std::uint64_t line = 0;
  std::string contract, carrier;
  std::string zone;  // the zone of the row in the contract, when it prices it
  std::int64_t billed = 0;
  std::optional<std::int64_t> priced;  // nullopt: the contract cannot price the row
  std::int64_t difference = 0;         // billed - priced (0 when not priced)
  std::string detail;                  // why it is listed
};

// One input record as the comparison priced it (compare_options::on_row). Spans are indexed by
// compared position (the order of compare_report::contracts) and valid during the call only.
struct row_prices {
  std::uint64_t line = 0;
  const shipment_row* row = nullptr;  // nullptr: a bad row
  std::string_view bad_reason;        // a bad row: why
  std::optional<day> date;            // the date priced (the override or the row's)
  std::span<const std::uint8_t> ok;   // 1: the contract prices the row
  std::span<const std::int64_t> totals;
  std::span<const refusal> refusals;  // where ok is 0
  std::optional<std::size_t> cheapest;
  std::span<const contract_result> contracts;  // the compared contracts (ids, carriers)
};

struct compare_options {
  std::optional<day> date_override;    // prices every row on this date; the date column is ignored
  std::vector<std::string> contracts;  // ids to compare; empty = every contract of the set
  // Audit tolerance: a billed amount is flagged when it differs from the price by more than
  // max(tolerance_percent of the price, tolerance_minor).
  std::int64_t tolerance_percent = kPercentScale;  // ten-thousandths of a percent (1 %)
  std::int64_t tolerance_minor = 5;
  std::size_t max_examples = 200;            // bad rows and audit lines kept (all are counted)
  std::optional<std::string> target;         // negotiation: the contract to improve
  std::optional<std::int64_t> target_share;  // goal (b): ten-thousandths of a percent
  // Streaming observers (optional), called during add() / add_bad_row():
  std::function<void(const row_prices&)> on_row;         // once per row, bad ones included
  std::function<void(const audit_line&)> on_audit_line;  // every flagged audit row
};

struct band_result {
  std::string label;
  std::int32_t min_g = 0;  // exclusive
  std::int32_t max_g = 0;  // inclusive
  std::uint64_t rows = 0, priceable = 0;
  std::int64_t best_total = 0;
  std::vector<std::uint64_t> priced;    // per contract (index in compare_report::contracts)
  std::vector<std::int64_t> total;      // per contract
  std::vector<std::uint64_t> cheapest;  // per contract
};

struct bad_row {
  std::uint64_t line = 0;  // 0 when the source has no lines (JSON: the index + 1 instead)
  std::string reason;
};

struct audit_result {
  std::int64_t tolerance_percent = 0, tolerance_minor = 0;
  std::uint64_t rows = 0;              // rows with a known contract and a billed amount
  std::uint64_t discrepancies = 0;     // beyond the tolerance
  std::uint64_t unpriced = 0;          // the named contract cannot price the row
  std::uint64_t unknown_contract = 0;  // the named contract is not compared
  std::uint64_t currency_mismatch = 0;
  std::int64_t billed_total = 0, priced_total = 0;  // over the rows priced by their contract
  std::uint64_t overbilled_rows = 0;                // discrepancies billed above the price
  std::int64_t claim_back = 0;                      // sum of billed - priced over them
  // Median of billed / priced over the priced rows with both amounts positive (approximate,
  // see above); nullopt when there is no such row.
  std::optional<double> median_ratio;
  std::uint64_t ratio_rows = 0;      // rows behind the median
  std::vector<audit_line> examples;  // discrepancies, unpriced, unknown; first N
  // Rows listed in examples when none is left out: discrepancies + unpriced + unknown_contract
  // + currency_mismatch.
  std::uint64_t flagged() const noexcept {
    return discrepancies + unpriced + unknown_contract + currency_mismatch;
  }
};

struct negotiation_goal {
  enum class status { already, reachable, not_reachable };
  status outcome = status::not_reachable;
  std::int64_t extra_discount = 0;  // ten-thousandths of a percent, a multiple of 100 (0.01 pt)
};
std::string_view to_string(negotiation_goal::status s) noexcept;

struct negotiation_rival {
  std::string contract;
  std::uint64_t shared_rows = 0;
  std::int64_t rival_total = 0;         // over the shared rows
  std::int64_t target_total = 0;        // the target, same rows, today's discounts
  std::int64_t target_total_after = 0;  // the target with the extra discount of goal (a)
};

struct negotiation_result {
  std::string contract;
  std::int64_t max_extra_discount = 0;  // keep: the largest d, ten-thousandths
  negotiation_goal lowest_total;        // goal (a)
  std::vector<negotiation_rival> rivals;
  std::optional<std::int64_t> target_share;  // goal (b) asked, ten-thousandths of a percent
  negotiation_goal share;
  // Rows where the target is the cheapest, out of compare_report::priceable: today, and with
  // the extra discount of goal (b) when it is asked, else of goal (a).
  std::uint64_t cheapest_rows_now = 0, cheapest_rows_after = 0;
};

struct compare_report {
  std::string currency;
  std::optional<day> date_override;
  std::vector<contract_result> contracts;  // by contract id
  std::uint64_t rows = 0;                  // every row seen, bad ones included
  std::uint64_t bad_rows = 0;
  std::vector<bad_row> bad_examples;   // first max_examples
  std::uint64_t priceable = 0;         // valid rows at least one contract can price
  std::uint64_t unpriceable = 0;       // valid rows no contract can price
  std::int64_t best_total = 0;         // each priceable row on its cheapest contract
  std::uint64_t common_rows = 0;       // valid rows every compared contract prices
  std::int64_t common_best_total = 0;  // each common row on its cheapest contract
  std::vector<band_result> bands;      // kWeightBands order
  audit_result audit;
  std::optional<negotiation_result> negotiation;
  // For people: implausible billed amounts (see Audit above). Every output shows them.
  std::vector<std::string> warnings;
  // True when the compared contracts did not all price the same rows (one priced a row that
  // another could not).
  bool priced_rows_differ() const noexcept;
};

class comparison {
 public:
  // Fails with a message when a requested contract or the target is unknown, when currencies
  // differ, or when the target cannot be modelled (more than 64 compared contracts).
  static std::expected<comparison, std::string> create(std::shared_ptr<const tariff_set> set,
                                                       compare_options options);

  // Prices one valid row (line: where it came from, for the reports). A row without a date and
  // no override is counted as a bad row.
  void add(const shipment_row& row, std::uint64_t line);
  void add_bad_row(std::uint64_t line, std::string reason);

  // Computes the negotiation goals and returns the report. Call once.
  compare_report finish();

  comparison(comparison&&) noexcept;
  comparison& operator=(comparison&&) noexcept;
  ~comparison();

 private:
  struct state;
  explicit comparison(std::unique_ptr<state> s);
  std::unique_ptr<state> s_;
};

// Reads every row of `in` (shipments_csv.hpp) into a comparison. on_progress, when set, is
// called now and then with the bytes read so far. Fails only on a bad header.
std::expected<compare_report, std::string> compare_csv(
    std::istream& in, std::shared_ptr<const tariff_set> set, compare_options options,
    const std::function<void(std::uint64_t)>& on_progress = {});

// ---- rendering (compare_render.cpp, compare_html.cpp) ------------------------------------------

// Amounts for people: "€12,345.67" for EUR, "12,345.67 USD" for another currency, negatives as
// "-€3.20". Assumes two decimals, as for EUR (every shipped contract is in EUR).
std::string format_money(std::int64_t minor, std::string_view currency);
// Ten-thousandths of a percent as "3.25" (trailing zeros dropped, at most 4 decimals).
std::string format_percent(std::int64_t ten_thousandths);
// part/whole for people: "37.5 %", or "-" when whole is 0.
std::string format_share(std::uint64_t part, std::uint64_t whole);
// A count for people, digits grouped by three: "1,234,567".
std::string format_count(std::uint64_t v);
// A ratio for people, 3 significant digits: "1", "0.01", "98.6".
std::string format_ratio(double ratio);
// "showing 200 of 1,234 flagged rows; run `parcelctl tariffs compare --format csv --audit` ..."
std::string audit_listing_note(const audit_result& a);

// The JSON document, one line. Money is in minor units (integers), percents are exact decimal
// strings ("9.96"), counts are integers:
// {"currency": "EUR", "date_override": "2026-06-01" | null,
//  "rows": {"total", "bad", "priceable", "unpriceable", "priced_by_all"},
//  "best_total": 123456, "common_best_total": 120000 (over the priced_by_all rows),
//  "warnings": ["amounts look 100x off: ..."],
//  "contracts": [{"contract", "carrier", "priced", "unserviceable",
//                 "unserviceable_by_reason": {"<reason_code>": n, ...}  (non-zero ones only),
//                 "total", "cheapest_count", "common_total", "overbilled_rows", "claim_back",
//                 "zones": [{"zone", "priced", "total", "cheapest_count", "overbilled_rows",
//                            "claim_back"}]}],                        (by contract id)
//  "weight_bands": [{"label": "0-250 g", "min_g" (exclusive), "max_g" (null for the last),
//                    "rows", "priceable", "best_total",
//                    "contracts": [{"contract", "priced", "total", "cheapest_count"}]}],
//  "audit": {"tolerance_percent": "1", "tolerance_minor": 5, "rows", "discrepancies",
//            "unpriced", "unknown_contract", "currency_mismatch", "flagged", "billed_total",
//            "priced_total", "overbilled_rows", "claim_back",
//            "median_billed_ratio": 1.0 | null (a number, 3 decimals),
//            "examples": [{"line", "contract", "carrier", "zone" | null, "billed",
//                          "priced" | null, "difference" | null, "detail"}]},
//  "negotiation": null | {"contract", "max_extra_discount_percent",
//                         "lowest_total": {"status": "already"|"reachable"|"not_reachable",
//                                          "extra_discount_percent": "9.96"},
//                         "rivals": [{"contract", "shared_rows", "rival_total", "target_total",
//                                     "target_total_after"}],
//                         "share": null | {"status", "extra_discount_percent",
//                                          "target_share_percent"},
//                         "cheapest_rows_now", "cheapest_rows_after"},
//  "bad_rows": {"count", "examples": [{"line", "reason"}]}}
std::string to_json(const compare_report& r);
// The summary as CSV. Columns: contract,carrier,zone,currency,priced,unserviceable,total,
// cheapest_count,best_total,common_total,overbilled_rows,claim_back then one
// unserviceable:<reason> column per reason code. Per contract, one line with an empty zone (the
// whole contract), then one line per zone it priced rows in (priced, total, cheapest_count,
// overbilled_rows and claim_back of that zone; the other columns empty). Money in major units
// with '.' ("1234.56").
std::string to_csv(const compare_report& r);

// Streaming CSV outputs, fed by the observers of compare_options.
// One line per input record: line,error,date,direction,from_country,from_postal_code,
// to_country,to_postal_code,weight_g,length_mm,width_mm,height_mm,service,contract,billed,
// cheapest, then price:<id>,reason:<id> per compared contract (the price in major units, or
// empty and the reason code when the contract cannot carry the shipment). A bad row has its
// reason in `error` and the other columns empty.
std::string per_shipment_csv_header(std::span<const contract_result> contracts);
void append_per_shipment_csv(std::string& out, const row_prices& p);
// One line per flagged audit row: line,contract,carrier,zone,billed,priced,difference,detail.
std::string audit_csv_header();
void append_audit_csv(std::string& out, const audit_line& l);
// RFC 4180: quoted when it holds a separator, a quote or a line break.
void append_csv_field(std::string& out, std::string_view text);

// An aligned text report for a terminal.
std::string to_table(const compare_report& r);
// One self-contained HTML page (inline CSS and SVG, no external resource).
std::string to_html(const compare_report& r);

}  // namespace parcelgate::tariffs
