#include "tools/parcelctl/tariffs_cmd.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cstdio>
#include <optional>
#include <string_view>

#include "gateway/tariffs/quote_json.hpp"
#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::parcelctl {

namespace {

using namespace parcelgate::tariffs;

int fail(const std::string& message) {
  std::fprintf(stderr, "parcelctl tariffs: %s\n", message.c_str());
  return 2;
}

std::optional<std::int32_t> positive_int(std::string_view s) {
  std::int32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// "FR:75001" -> country, postal code.
bool split_address(std::string_view s, std::string& country, std::string& postal) {
  auto colon = s.find(':');
  country = std::string(s.substr(0, colon));
  postal = colon == std::string_view::npos ? std::string() : std::string(s.substr(colon + 1));
  return country.size() == 2;
}

// Minor units as a decimal amount; ISO 4217 currencies without minor unit print as integers.
std::string money(std::int64_t minor, const std::string& currency) {
  for (std::string_view c : {"JPY", "KRW", "ISK", "CLP", "VND", "XAF", "XOF", "XPF"})
    if (currency == c) return std::to_string(minor) + " " + currency;
  std::int64_t magnitude = minor < 0 ? -minor : minor;
  char text[48];
  std::snprintf(text, sizeof text, "%s%lld.%02lld %s", minor < 0 ? "-" : "",
                static_cast<long long>(magnitude / 100), static_cast<long long>(magnitude % 100),
                currency.c_str());
  return text;
}

int check(const std::vector<std::string>& args) {
  if (args.size() != 1) return fail("usage: parcelctl tariffs check DIR");
  auto set = load_dir(args[0]);
  if (!set) {
    for (const auto& p : set.error()) std::printf("%s\n", p.to_string().c_str());
    std::fprintf(stderr, "%zu problem(s) in %s\n", set.error().size(), args[0].c_str());
    return 2;
  }
  std::string ids;
  for (const auto& c : (*set)->contracts()) ids += (ids.empty() ? "" : ", ") + c.id;
  std::printf("%s: %zu contract(s) valid%s%s%s\n", args[0].c_str(), (*set)->contracts().size(),
              ids.empty() ? "" : " (", ids.c_str(), ids.empty() ? "" : ")");
  return 0;
}

// POST /v1/rates's shape (quote_json.hpp) plus the date priced.
boost::json::object to_json(const quote_result& r, const std::string& date) {
  boost::json::object out{{"date", date}};
  for (auto& kv : quotes_to_json(r)) out.emplace(kv.key(), std::move(kv.value()));
  return out;
}

void print_table(const quote_result& r) {
  std::printf("%-22s %-13s %-15s %-8s %4s %14s\n", "CONTRACT", "CARRIER", "SERVICE", "ZONE", "DAYS",
              "TOTAL");
  for (std::size_t i = 0; i < r.quotes.size(); ++i) {
    const quote& q = r.quotes[i];
    std::string days = q.transit_days ? std::to_string(*q.transit_days) : "-";
    std::string marks;
    if (r.cheapest == i) marks += " cheapest";
    if (r.fastest == i) marks += " fastest";
    std::printf("%-22s %-13s %-15s %-8s %4s %14s%s\n", q.contract.c_str(), q.carrier.c_str(),
                std::string(to_string(q.service)).c_str(), q.zone.c_str(), days.c_str(),
                money(q.total, q.currency).c_str(), marks.c_str());
    for (const auto& l : q.breakdown)
      std::printf("    %-36s %14s\n", l.label().c_str(), money(l.amount, q.currency).c_str());
  }
  if (r.quotes.empty()) std::printf("(no contract can carry this shipment)\n");
  if (!r.unavailable.empty()) std::printf("\nUNAVAILABLE\n");
  for (const auto& u : r.unavailable)
    std::printf("%-22s %-15s %s\n", u.contract.c_str(), std::string(to_string(u.service)).c_str(),
                u.reason.c_str());
}

int quote_cmd(const std::vector<std::string>& args) {
  std::string dir = "config/tariffs";
  quote_request request;
  priced_parcel parcel;
  bool json = false, has_from = false, has_to = false, has_weight = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool has_value = i + 1 < args.size();
    if (a == "--json") {
      json = true;
    } else if (!has_value) {
      return fail("unknown option or missing value: " + a);
    } else if (a == "--tariffs") {
      dir = args[++i];
    } else if (a == "--from") {
      has_from = split_address(args[++i], request.from_country, request.from_postal_code);
      if (!has_from) return fail("--from: expected CC:POSTAL, e.g. FR:75001");
    } else if (a == "--to") {
      has_to = split_address(args[++i], request.to_country, request.to_postal_code);
      if (!has_to) return fail("--to: expected CC:POSTAL, e.g. FR:69001");
    } else if (a == "--weight-g") {
      auto w = positive_int(args[++i]);
      if (!w || *w == 0) return fail("--weight-g: expected a positive number of grams");
      parcel.weight_g = *w;
      has_weight = true;
    } else if (a == "--dims") {
      std::string_view s = args[++i];
      auto x1 = s.find('x'), x2 = s.find('x', x1 == std::string_view::npos ? s.size() : x1 + 1);
      std::optional<std::int32_t> l, w, h;
      if (x1 != std::string_view::npos && x2 != std::string_view::npos) {
        l = positive_int(s.substr(0, x1));
        w = positive_int(s.substr(x1 + 1, x2 - x1 - 1));
        h = positive_int(s.substr(x2 + 1));
      }
      if (!l || !w || !h) return fail("--dims: expected LxWxH in millimetres, e.g. 300x200x100");
      parcel.length_mm = *l;
      parcel.width_mm = *w;
      parcel.height_mm = *h;
    } else if (a == "--service") {
      request.service = parse_service_level(args[++i]);
      if (!request.service)
        return fail("--service: home, home_signature, pickup_point, locker or express");
    } else if (a == "--direction") {
      auto d = parse_direction(args[++i]);
      if (!d) return fail("--direction: outbound or return");
      request.dir = *d;
    } else if (a == "--date") {
      request.date = parse_date(args[++i]);
      if (!request.date) return fail("--date: expected YYYY-MM-DD");
    } else if (a == "--tenant") {
      request.tenant = args[++i];
    } else {
      return fail("unknown option " + a);
    }
  }
  if (!has_from || !has_to || !has_weight) return fail("--from, --to and --weight-g are required");
  request.parcels.push_back(parcel);
  auto set = load_dir(dir);
  if (!set) {
    for (const auto& p : set.error()) std::fprintf(stderr, "%s\n", p.to_string().c_str());
    return fail(std::to_string(set.error().size()) + " problem(s) in " + dir);
  }
  day date = request.date.value_or(today_utc());
  request.date = date;
  auto result = (*set)->quote_all(request);
  if (json)
    std::printf("%s\n", boost::json::serialize(to_json(result, format_date(date))).c_str());
  else
    print_table(result);
  return 0;
}

}  // namespace

const char* tariffs_usage() noexcept {
  return "  tariffs check DIR        validate every contract file (*.yaml) of DIR\n"
         "  tariffs quote [--tariffs DIR] --from CC:POSTAL --to CC:POSTAL --weight-g N [--dims "
         "LxWxH]\n"
         "        [--service LEVEL] [--direction outbound|return] [--date YYYY-MM-DD] [--tenant T] "
         "[--json]\n"
         "      price one parcel with every contract (DIR defaults to config/tariffs)\n"
         "  tariffs compare [--tariffs DIR] --shipments FILE.csv [--format table|csv|json|html]\n"
         "        [--output FILE] [--target CONTRACT [--share P]] [--date-override YYYY-MM-DD]\n"
         "        [--tolerance-pct X] [--tolerance-cents N] [--contracts ID,ID] [--max-examples "
         "N]\n"
         "        [--progress] [--per-shipment | --audit]\n"
         "      price a batch of shipments with every contract: totals, cheapest, audit, "
         "negotiation;\n"
         "      with --format csv, --per-shipment writes one line per shipment (its price under "
         "every\n"
         "      contract) and --audit every flagged audit row (docs/tariff-comparison.md)\n";
}

int tariffs_command(const std::vector<std::string>& args) {
  std::vector<std::string> rest(args.size() > 1 ? args.begin() + 1 : args.end(), args.end());
  if (!args.empty() && args[0] == "check") return check(rest);
  if (!args.empty() && args[0] == "quote") return quote_cmd(rest);
  if (!args.empty() && args[0] == "compare") return compare_command(rest);
  std::fprintf(stderr, "usage: parcelctl tariffs <command>\n%s", tariffs_usage());
  return 2;
}

}  // namespace parcelgate::parcelctl
