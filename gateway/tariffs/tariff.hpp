#pragma once
// Negotiated tariffs (DESIGN §7): contracts loaded from YAML files, and the pricing engine.
// The file format and the pricing rules are a public contract that ops write files against;
// this header is the engine's API, used by the HTTP API (POST /v1/rates, auto carrier
// selection, /v1/tariffs, /v1/tariffs/compare) and by `parcelctl tariffs ...`.
//
// Money is integer minor units and percents are exact fixed-point numbers (no floating point
// anywhere): a percent is written in the file with at most 4 decimals and stored as
// ten-thousandths of a percent (7.5 % -> 75'000). Every rounding is "half away from zero to an
// integer minor unit" of an exact rational, so quotes are reproducible to the cent.
//
// Thread-safety: a tariff_set is immutable once loaded; share it as
// std::shared_ptr<const tariff_set> and swap the pointer to reload. Every const member function
// may be called from any number of threads at once.

#include <array>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/domain/shipment.hpp"

namespace parcelgate::tariffs {

// ---- dates (dates.cpp) ------------------------------------------------------------------------

// A calendar date as days since 1970-01-01 (no time zone: contracts are written in dates).
using day = std::int32_t;
// Strict "YYYY-MM-DD" (years 1900-9999, a real calendar date); nullopt otherwise.
std::optional<day> parse_date(std::string_view yyyy_mm_dd) noexcept;
std::string format_date(day d);
// Today in UTC.
day today_utc() noexcept;

// ---- exact arithmetic (tariff_engine.cpp) -----------------------------------------------------

// Percents in ten-thousandths of a percent: 100 % == kPercentScale * 100.
constexpr std::int64_t kPercentScale = 10'000;
constexpr std::int64_t kHundredPercent = 100 * kPercentScale;

// round(value * numerator / denominator), half away from zero, computed exactly in 128 bits.
// denominator must be positive. Works for both signs of value and numerator.
std::int64_t mul_div_round(std::int64_t value, std::int64_t numerator,
                           std::int64_t denominator) noexcept;

// ---- the contract model (what a file says, after validation) ---------------------------------

constexpr std::size_t kServiceCount = 5;           // values of parcelgate::service_level
constexpr std::size_t kMaxZones = 64;              // per contract (surcharge zone masks are 64-bit)
constexpr std::int64_t kMaxMoney = 1'000'000'000;  // largest price or amount accepted in a file

struct zone {
  std::string name;
  std::vector<std::string> countries;     // ISO alpha-2, upper case
  std::vector<std::string> postal_codes;  // exact, or prefix before a trailing '*'; empty = any
  int line = 0;                           // where it is defined
};

struct band {
  std::int32_t max_g = 0;
  std::vector<std::optional<std::int64_t>> prices;  // by zone index; nullopt = no price there
};

struct service_tariff {
  service_level service = service_level::home;
  std::string carrier_service;                            // optional product code
  std::int32_t volumetric_divisor = 0;                    // 0 = no volumetric weight
  std::vector<std::optional<std::int32_t>> transit_days;  // by zone index
  std::vector<band> bands;                                // max_g strictly increasing
};

struct discount {
  std::string name;
  std::int64_t percent = 0;  // ten-thousandths of a percent
};

struct surcharge {
  std::string name;
  std::optional<std::int64_t> percent;               // of the discounted base (ten-thousandths)
  std::optional<std::int64_t> amount;                // minor units; exactly one of percent/amount
  std::vector<std::size_t> zones;                    // condition: zone indexes; empty = any
  std::vector<service_level> services;               // condition; empty = any
  std::optional<std::int32_t> weight_g_over;         // condition: billable grams > value
  std::optional<std::int32_t> longest_side_mm_over;  // condition: longest side > value
};

// Lookup tables derived from a contract at load time so that pricing does no string work
// beyond comparing the postal code with the patterns of the zones of one country.
struct compiled_contract {
  static constexpr std::uint16_t kNoZone = 0xffff;
  // For one country, the zones that list it, in file order.
  struct country_rule {
    std::uint16_t zone = 0;
    std::uint16_t first_pattern = 0;
    std::uint16_t pattern_count = 0;  // 0 = every postal code
  };
  struct postal_pattern {
    std::string text;
    bool prefix = false;  // the file said text + '*'
  };
  struct compiled_surcharge {
    std::uint64_t zone_mask = ~std::uint64_t{0};     // bit i = zone i satisfies the condition
    std::uint32_t service_mask = ~std::uint32_t{0};  // bit s = service_level s satisfies it
    std::int32_t weight_g_over = -1;                 // -1 = no condition
    std::int32_t longest_side_mm_over = -1;          // -1 = no condition
    std::int64_t percent = -1;                       // -1 = an amount surcharge
    std::int64_t amount = 0;
  };
  struct compiled_service {
    std::vector<std::int32_t> max_g;    // per band
    std::vector<std::int64_t> prices;   // band * zone_count + zone; -1 = no price
    std::vector<std::int32_t> transit;  // per zone; -1 = unknown
  };
  // Rules of country c (c = (a - 'A') * 26 + (b - 'A')) are rules[country_begin[c] ..
  // country_begin[c + 1]).
  std::array<std::uint32_t, 26 * 26 + 1> country_begin{};
  std::vector<country_rule> rules;
  std::vector<postal_pattern> patterns;
  std::array<std::int8_t, kServiceCount> service_slot{};  // index in services, -1 = not offered
  std::vector<compiled_service> services;                 // parallel to contract::services
  std::int64_t discount_keep = kHundredPercent;           // 100 % minus the sum of discounts
  std::vector<compiled_surcharge> surcharges;             // parallel to contract::surcharges
  std::int64_t returns_percent = -1;                      // -1 = no returns
  std::uint16_t zone_count = 0;
};

struct contract {
  std::string id;
  std::string carrier;
  std::string currency;
  day valid_from = 0, valid_to = 0;      // inclusive
  std::vector<std::string> tenants;      // empty = every tenant
  std::vector<zone> zones;               // tried in order
  std::vector<service_tariff> services;  // in file order
  std::vector<discount> discounts;
  std::vector<surcharge> surcharges;
  std::optional<std::int64_t> returns_percent;  // ten-thousandths; absent = no returns
  std::string file;                             // where it was loaded from
  int line = 0;                                 // line of the `contract:` key
  compiled_contract compiled;                   // derived at load time, read by the pricing paths
};

// ---- loading (tariff_loader.cpp, tariff_compile.cpp) -----------------------------------------

struct load_problem {
  std::string file;
  int line = 0;      // 1-based, 0 when unknown
  std::string path;  // "services.home.bands[2].EU1"; empty for a whole-file problem
  std::string message;
  std::string to_string() const;  // "colissimo.yaml:14: services.home.bands[2]: ..."
};

class tariff_set;
using load_result = std::expected<std::shared_ptr<const tariff_set>, std::vector<load_problem>>;

// What validation checks, beyond the shape of DESIGN §7 (each problem carries file, line, path):
// - unknown keys at every level, keys given twice; required: contract, carrier, currency,
//   valid_from, valid_to, zones, services (and name/countries of a zone, bands and max_g,
//   name/percent of a discount, name of a surcharge, percent of returns);
// - contract, carrier, tenants, discount and surcharge names: 1-64 of a-z 0-9 . _ -; contract
//   ids unique over all files; discount names and surcharge names unique in their list;
// - currency: 3 upper-case letters; dates: real YYYY-MM-DD; valid_to >= valid_from;
// - zones: 1-64, unique names (not "max_g"), countries as upper-case alpha-2, postal codes
//   non-empty with '*' only as the last character; lists never empty (omit the key instead);
// - services: keys are service levels; volumetric_divisor 1..1,000,000; transit_days 0..365
//   for known zones; bands non-empty with max_g 1..10,000,000 strictly increasing (equal =
//   "overlaps", smaller = "sorted"), prices 0..kMaxMoney for known zones;
// - percents: non-negative, at most 4 decimals; a discount at most 100 and all discounts
//   together at most 100; a surcharge or returns percent at most 1000;
// - surcharges: exactly one of percent/amount (amount 0..kMaxMoney); zones known; services
//   known AND offered by the contract; weight_g_over 0..10,000,000; longest_side_mm_over
//   0..100,000.
// Loads and validates every *.yaml of `dir` (not recursive, in name order). All problems of all
// files are reported; nothing is returned unless the whole set is valid (so a bad reload keeps
// the previous set in force). Problems name the file as dir / file name.
load_result load_dir(const std::filesystem::path& dir);
// Same for in-memory documents: (file name, YAML text) pairs.
load_result load_documents(const std::vector<std::pair<std::string, std::string>>& named_yaml);

// ---- pricing (tariff_engine.cpp) --------------------------------------------------------------

// One parcel as priced. Dimensions of 0 mean unknown (no volumetric weight, longest side 0).
struct priced_parcel {
  std::int32_t weight_g = 0;
  std::int32_t length_mm = 0, width_mm = 0, height_mm = 0;
};

// The allocation-free view of a prospective shipment. Strings are not copied: they must
// outlive the call.
struct price_request {
  direction dir = direction::outbound;
  std::string_view from_country, from_postal_code, to_country, to_postal_code;
  std::span<const priced_parcel> parcels;
  day date = 0;
  std::string_view tenant;  // empty = ignore tenant restrictions (ops, CLI)
};

// Why a contract cannot price a shipment. Stable codes for the API; see describe().
enum class reason_code : std::uint8_t {
  outside_validity,     // the date is outside valid_from..valid_to
  tenant_not_allowed,   // `tenants` does not list the tenant
  service_not_offered,  // no `services.<service>` in the contract
  returns_not_offered,  // a return, and the contract has no `returns`
  no_zone,              // no zone matches the address (destination, or sender for returns)
  too_heavy,            // billable grams above the last band's max_g
  no_price_for_zone,    // the band has no price for the zone
  invalid_parcel,       // no parcel, or a negative weight or dimension
  too_many_parcels,  // the carrier prints fewer parcels per shipment (quote_request::max_parcels)
};
std::string_view to_string(reason_code code) noexcept;  // "no_price_for_zone"

// A refusal with the data needed to explain it (trivially copyable: no allocation).
struct refusal {
  reason_code code = reason_code::no_zone;
  std::uint16_t parcel = 0;  // the parcel concerned (too_heavy, no_price_for_zone)
  std::uint16_t zone = compiled_contract::kNoZone;
  std::int32_t billable_g = 0;
};

// The result of the fast path.
struct priced {
  std::int64_t total = 0;          // minor units of the contract's currency
  std::int32_t transit_days = -1;  // -1 = the contract gives none for the zone
  std::uint16_t zone = 0;          // index in contract::zones
  std::uint8_t service_slot = 0;   // index in contract::services
};

struct quote_request {
  direction dir = direction::outbound;
  std::string from_country, from_postal_code, to_country, to_postal_code;
  std::vector<priced_parcel> parcels;
  std::optional<service_level> service;  // nullopt = every service of every contract
  std::vector<std::string> carriers;     // empty = every carrier
  std::optional<day> date;               // nullopt = today (UTC)
  std::string tenant;                    // empty = ignore tenant restrictions (ops, CLI)
  // Parcels per shipment each carrier can print (its adapter's capabilities); a carrier not
  // listed is not limited. Contracts of a carrier that cannot print them are too_many_parcels.
  std::vector<std::pair<std::string, std::int32_t>> max_parcels;
};

// One breakdown line. kind is "base", "discount", "surcharge" or "returns"; label() gives
// "base", "discount:<name>", "surcharge:<name>", "returns".
struct line {
  std::string kind;
  std::string name;
  std::int64_t amount = 0;
  std::string label() const;
};

// Breakdown rules (the sum of the lines is exactly the total):
// - per parcel: base = band price; discount lines split (discounted - base) between the
//   discounts by cumulative rounding: with c_k the sum of the first k discount percents,
//   discount line k = round(base*(100-c_k)/100) - round(base*(100-c_{k-1})/100), so the lines
//   telescope to discounted - base; surcharge lines are the amounts of the surcharges that hold.
// - a shipment's lines add the parcels' lines with the same label, in the order base, the
//   discounts in file order, then the surcharges in file order. A discount line is present even
//   when 0; a surcharge line is present when the surcharge held for at least one parcel.
// - a return adds one last line "returns" = round(outbound total * percent / 100) - outbound
//   total (negative below 100 %), so the lines still add up to the returns total.
struct quote {
  std::size_t contract_index = 0;
  std::string contract, carrier, currency, carrier_service, zone;
  service_level service = service_level::home;
  std::int64_t total = 0;
  std::vector<line> breakdown;
  std::vector<std::int64_t> parcel_totals;  // outbound totals, one per parcel
  std::optional<std::int32_t> transit_days;
};

struct unavailable_quote {
  std::size_t contract_index = 0;
  std::string contract;
  service_level service = service_level::home;
  reason_code code = reason_code::no_zone;
  std::string reason;  // human sentence, e.g. "no band for 31200 g (parcel 1); the last is 30000 g"
};

// Totals are compared as numbers whatever their currency: callers that mix currencies must
// filter by currency first (every shipped contract is in EUR).
struct quote_result {
  std::vector<quote> quotes;                   // by total, then contract id, then service
  std::vector<unavailable_quote> unavailable;  // by contract id, then service
  // Indexes in quotes. cheapest: lowest total, then fewer transit days, then contract id;
  // fastest: fewer transit days, then lower total, then contract id. A quote without transit
  // days counts as slower than any with. Remaining ties go to the service order.
  std::optional<std::size_t> cheapest;
  std::optional<std::size_t> fastest;
};

// The pieces of a one-parcel price that do not depend on the discount: what the negotiation
// helper (compare.hpp) needs to reprice a parcel with a different discount. With
// keep = contract.compiled.discount_keep:
//   discounted = round(base * keep / 100 %)
//   total      = discounted + sum over i in percent_mask of round(discounted * percent_i / 100 %)
//              + amounts
//   and for a return, round(total * returns_percent / 100 %).
struct parcel_parts {
  priced result;                   // same as price()
  std::int64_t base = 0;           // band price
  std::int64_t amounts = 0;        // sum of the amount surcharges that held
  std::uint64_t percent_mask = 0;  // bit i: percent surcharge i (contract::surcharges) held
};

class tariff_set {
 public:
  std::span<const contract> contracts() const noexcept { return contracts_; }
  // Index of a contract by id.
  std::optional<std::size_t> find(std::string_view contract_id) const noexcept;

  // The fast path: prices `request` with one contract and service. Allocates nothing, never
  // throws. contract_index must be < contracts().size().
  std::expected<priced, refusal> price(std::size_t contract_index, service_level service,
                                       const price_request& request) const noexcept;

  // price() of a one-parcel request, with the parts above. Refuses (invalid_parcel) a request
  // with more than one parcel, and a contract whose held percent surcharges have an index >= 64.
  std::expected<parcel_parts, refusal> price_parts(std::size_t contract_index,
                                                   service_level service,
                                                   const price_request& request) const noexcept;

  // The zone of an address in a contract, first match in file order.
  std::optional<std::uint16_t> zone_of(std::size_t contract_index, std::string_view country,
                                       std::string_view postal_code) const noexcept;

  // One quote with its breakdown; same result as price() for the total.
  std::expected<quote, refusal> quote_one(std::size_t contract_index, service_level service,
                                          const price_request& request) const;

  // Every contract (of the requested carriers) and service (or the requested one). Contracts
  // reserved to other tenants are left out silently, not listed as unavailable.
  quote_result quote_all(const quote_request& request) const;

  // A sentence explaining why a contract refused `request` for `service`.
  std::string describe(std::size_t contract_index, service_level service, const refusal& why,
                       const price_request& request) const;

 private:
  friend load_result load_documents(
      const std::vector<std::pair<std::string, std::string>>& named_yaml);
  explicit tariff_set(std::vector<contract> contracts) : contracts_(std::move(contracts)) {}
  std::vector<contract> contracts_;
};

}  // namespace parcelgate::tariffs
