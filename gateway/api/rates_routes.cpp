// Negotiated-tariff routes: POST /v1/rates (quotes for one prospective shipment) and
// GET /v1/tariffs (contracts loaded). Pricing itself is gateway/tariffs/.

#include <boost/json.hpp>

#include <algorithm>

#include "gateway/api/gateway_api.hpp"
#include "gateway/api/rate_input.hpp"
#include "gateway/api/route_support.hpp"
#include "gateway/carriers/registry.hpp"
#include "gateway/domain/countries.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/store/blocking_pool.hpp"
#include "gateway/tariffs/compare.hpp"
#include "gateway/tariffs/quote_json.hpp"
#include "gateway/tariffs/shipments_csv.hpp"
#include "gateway/tariffs/tariff_book.hpp"

#include <sstream>

namespace parcelgate::api {

namespace json = boost::json;

namespace {

using task_response = boost::asio::awaitable<http::response>;

// Names of the parameters of a query string ("a=1&b" -> a, b), in order, empty names skipped.
std::vector<std::string> query_names(std::string_view query) {
  std::vector<std::string> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto name = query.substr(0, std::min(amp, query.find('=')));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (!name.empty()) out.emplace_back(name);
  }
  return out;
}

task_response post_rates(context& ctx, api_deps& deps) {
  if (!has_media_type(ctx.request.header("Content-Type"), "application/json"))
    co_return problem(ctx, 415, "unsupported-media-type", "Unsupported media type",
                      "send the body as application/json");
  auto set = deps.tariffs.current();
  if (!set)
    co_return problem(ctx, 503, "tariffs-not-configured", "No negotiated tariffs are loaded",
                      "this gateway has no `tariffs:` folder configured");
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  auto root = json::parse(ctx.request.body, ec, {}, opts);
  if (ec || !root.is_object())
    co_return problem(ctx, 400, "malformed-json", "Malformed JSON",
                      "the body must be a JSON object");
  auto in = parse_rate_input(root.as_object());
  if (!in.errors.empty()) co_return validation_failed(ctx, std::move(in.errors));
  // Merchants see their own contracts and the unrestricted ones; ops see every contract.
  in.request.tenant = ctx.who->role == store::role::ops ? std::string() : ctx.who->tenant;
  // A contract is quoted only for what its carrier can print in one shipment.
  for (const auto& c : deps.carriers.all()) in.request.max_parcels.emplace_back(c.adapter->id(), c.adapter->caps().max_parcels);
  co_return http::response::json(200, render_quotes(set->quote_all(in.request)));
}

task_response get_tariffs(context& ctx, api_deps& deps) {
  auto set = deps.tariffs.current();
  json::array data;
  if (set) {
    const auto today = tariffs::today_utc();
    const bool ops = ctx.who->role == store::role::ops;
    for (const auto& c : set->contracts()) {
      if (!ops && !c.tenants.empty() &&
          std::find(c.tenants.begin(), c.tenants.end(), ctx.who->tenant) == c.tenants.end())
        continue;
      json::array zones, services, tenants;
      for (const auto& z : c.zones) {
        json::array countries, postal;
        for (const auto& cc : z.countries) countries.push_back(json::value(cc));
        for (const auto& pc : z.postal_codes) postal.push_back(json::value(pc));
        zones.push_back(
            json::object{{"name", z.name}, {"countries", countries}, {"postal_codes", postal}});
      }
      for (const auto& s : c.services) services.push_back(json::value(to_string(s.service)));
      for (const auto& t : c.tenants) tenants.push_back(json::value(t));
      json::object o{{"contract", c.id},
                     {"carrier", c.carrier},
                     {"currency", c.currency},
                     {"valid_from", tariffs::format_date(c.valid_from)},
                     {"valid_to", tariffs::format_date(c.valid_to)},
                     {"in_force", c.valid_from <= today && today <= c.valid_to},
                     {"services", services},
                     {"zones", zones},
                     {"returns", c.returns_percent.has_value()}};
      if (ops) o["tenants"] = tenants;
      data.push_back(std::move(o));
    }
  }
  co_return http::response::json(
      200, json::serialize(
               json::object{{"data", std::move(data)}, {"configured", deps.tariffs.configured()}}));
}

// POST /v1/tariffs/compare (ops): a batch of shipments priced under every contract, as JSON
// {"shipments": [...], "target"?, "share"?, "date"?} or as text/csv with ?target=&share=&date=.
task_response compare_tariffs(context& ctx, api_deps& deps) {
  auto set = deps.tariffs.current();
  if (!set)
    co_return problem(ctx, 503, "tariffs-not-configured", "No negotiated tariffs are loaded",
                      "this gateway has no `tariffs:` folder configured");
  std::vector<field_error> errors;
  tariffs::compare_options options;
  auto read_target = [&](std::string_view target, std::string_view share, std::string_view date,
                         const std::string& where) {
    if (!target.empty()) {
      if (!set->find(target))
        errors.push_back({where + "target", "unknown contract"});
      else
        options.target = std::string(target);
    }
    if (!share.empty()) {
      auto v = tariffs::parse_major_amount(share);  // "30" or "12.5" percent, two decimals
      if (!v || *v <= 0 || *v > 10'000)
        errors.push_back({where + "share", "must be a percentage above 0 and at most 100"});
      else
        options.target_share = *v * (tariffs::kPercentScale / 100);
      if (!options.target) errors.push_back({where + "share", "needs a target contract"});
    }
    if (!date.empty()) {
      if (auto d = tariffs::parse_date(date))
        options.date_override = *d;
      else
        errors.push_back({where + "date", "must be a date YYYY-MM-DD"});
    }
  };
  const auto content_type = ctx.request.header("Content-Type");
  const bool csv = has_media_type(content_type, "text/csv");
  if (!csv && !has_media_type(content_type, "application/json"))
    co_return problem(ctx, 415, "unsupported-media-type", "Unsupported media type",
                      "send application/json or text/csv");
  // Query parameters carry the options of a CSV body only; a JSON body carries its own. An unknown
  // or misplaced parameter is refused rather than ignored: a typo must not change the comparison.
  for (const auto& name : query_names(ctx.request.query)) {
    const bool option = name == "target" || name == "share" || name == "date";
    if (!option)
      errors.push_back(
          {name, "unknown query parameter (accepted: target, share, date, with a text/csv body)"});
    else if (!csv)
      errors.push_back({name, "with an application/json body, give " + name +
                                  " in the body (query parameters "
                                  "target, share and date go with a text/csv body)"});
  }
  if (csv) {
    read_target(ctx.request.query_param("target"), ctx.request.query_param("share"),
                ctx.request.query_param("date"), "");
    if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));
    std::istringstream in(ctx.request.body);
    std::expected<tariffs::compare_report, std::string> report =
        std::unexpected(std::string("not run"));
    co_await deps.pool.run([&] { report = tariffs::compare_csv(in, set, options); });
    if (!report)
      co_return problem(ctx, 422, "validation-error", "The CSV is not valid", report.error(),
                        {{"body", report.error()}});
    co_return http::response::json(200, tariffs::to_json(*report));
  }
  if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 8;
  auto root = json::parse(ctx.request.body, ec, {}, opts);
  if (ec || !root.is_object())
    co_return problem(ctx, 400, "malformed-json", "Malformed JSON",
                      "the body must be a JSON object");
  const auto& o = root.as_object();
  for (const auto& kv : o)
    if (kv.key() != "shipments" && kv.key() != "target" && kv.key() != "share" &&
        kv.key() != "date")
      errors.push_back({std::string(kv.key()), "unknown field"});
  auto text_of = [](const json::value* v) -> std::string {
    if (!v || v->is_null()) return {};
    if (v->is_string()) return std::string(v->as_string());
    return json::serialize(*v);
  };
  read_target(text_of(o.if_contains("target")), text_of(o.if_contains("share")),
              text_of(o.if_contains("date")), "");
  auto* rows = o.if_contains("shipments");
  if (!rows || !rows->is_array())
    errors.push_back({"shipments", "is required: an array of shipment rows"});
  if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));
  auto cmp = tariffs::comparison::create(set, options);
  if (!cmp)
    co_return problem(ctx, 422, "validation-error", "The comparison cannot run", cmp.error(),
                      {{"", cmp.error()}});
  tariffs::shipment_row row;
  std::uint64_t index = 0;
  for (const auto& item : rows->as_array()) {
    ++index;
    row.clear();
    if (!item.is_object()) {
      cmp->add_bad_row(index, "row " + std::to_string(index) + " is not an object");
      continue;
    }
    std::string problem_text;
    bool seen[tariffs::kShipmentColumnCount] = {};
    for (const auto& kv : item.as_object()) {
      auto column = tariffs::parse_column_name(kv.key());
      if (!column) {
        problem_text = "unknown field " + std::string(kv.key());
        break;
      }
      seen[static_cast<std::size_t>(*column)] = true;
      if (auto set_ok = tariffs::set_field(row, *column, text_of(&kv.value())); !set_ok) {
        problem_text = set_ok.error();
        break;
      }
    }
    for (auto required :
         {tariffs::shipment_column::from_country, tariffs::shipment_column::from_postal_code,
          tariffs::shipment_column::to_country, tariffs::shipment_column::to_postal_code,
          tariffs::shipment_column::weight_g, tariffs::shipment_column::service})
      if (problem_text.empty() && !seen[static_cast<std::size_t>(required)])
        problem_text = std::string(tariffs::column_name(required)) + " is required";
    if (!problem_text.empty())
      cmp->add_bad_row(index, std::move(problem_text));
    else
      cmp->add(row, index);
  }
  co_return http::response::json(200, tariffs::to_json(cmp->finish()));
}

}  // namespace

std::string render_quotes(const tariffs::quote_result& result) {
  return json::serialize(tariffs::quotes_to_json(result));
}

namespace {

constexpr const char* kRateExample = R"({"from": {"country": "FR", "postal_code": "75001"},
  "to": {"country": "FR", "postal_code": "69001"}, "parcels": [{"weight_g": 1000}], "service": "home", "date": "2026-06-01"})";

constexpr const char* kQuotesExample =
    R"({"quotes": [{"contract": "colissimo-2026", "carrier": "colissimo", "service": "home",
  "carrier_service": "DOM", "zone": "fr-metro", "total": {"amount": 712, "currency": "EUR"},
  "breakdown": [{"kind": "base", "name": "base", "amount": 790}, {"kind": "discount", "name": "volume", "amount": -78}],
  "transit_days": 2}],
  "unavailable": [{"contract": "mondialrelay-2026", "service": "home", "code": "service_not_offered",
                   "reason": "the contract does not offer home"}],
  "cheapest": "colissimo-2026", "fastest": "colissimo-2026"})";

constexpr const char* kCompareExample =
    R"({"date": "2026-06-01", "target": "colissimo-2026", "share": "50", "shipments": [
  {"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "69001",
   "weight_g": 1000, "service": "home", "contract": "colissimo-2026", "billed_amount": "7.12", "currency": "EUR"}]})";

constexpr const char* kCompareCsvExample =
    "date,direction,from_country,from_postal_code,to_country,to_postal_code,weight_g,length_mm,"
    "width_mm,height_mm,service\n"
    "2026-06-01,outbound,FR,75001,FR,69001,1000,,,,home\n";

route_doc rates_doc() {
  route_doc d;
  d.operation_id = "quoteRates";
  d.tag = "Tariffs";
  d.description =
      "Prices one prospective shipment under every negotiated contract that may carry it. Merchant "
      "keys "
      "see their own contracts and the unrestricted ones; ops keys every contract.";
  d.request = {media("application/json", "RateRequest", kRateExample)};
  d.responses = {
      answer(200,
             "Quotes sorted by total, the contracts that cannot carry it, cheapest and fastest",
             {media("application/json", "RateQuotes", kQuotesExample)}),
      answer(400, "Malformed JSON"), answer(415, "The body is not application/json"),
      answer(422, "Invalid fields (errors[] lists each)"),
      answer(503, "No tariffs are configured")};
  return d;
}

route_doc tariffs_doc() {
  route_doc d;
  d.operation_id = "listTariffs";
  d.tag = "Tariffs";
  d.description =
      "Contracts loaded: validity, carrier, services, zones. Merchant keys see their own contracts "
      "and the "
      "unrestricted ones; ops keys every contract, with its tenants.";
  d.responses = {answer(200, "The contracts (empty when no tariffs are configured)",
                        {media("application/json", "TariffList")})};
  return d;
}

route_doc compare_doc() {
  route_doc d;
  d.operation_id = "compareTariffs";
  d.tag = "Tariffs";
  d.description =
      "Prices a batch of shipments under every contract: totals, cheapest contract by weight band, "
      "an audit of "
      "billed amounts, and with a target contract the extra discount it needs to win (a share of) "
      "the batch. "
      "Send JSON (options in the body) or text/csv (options as query parameters; any other query "
      "parameter, "
      "or any with a JSON body, is a 422). Rows that cannot be read are counted in bad_rows.";
  d.params = {
      query_param("target", R"({"type": "string"})", "text/csv only: a contract to negotiate for"),
      query_param("share", R"({"type": "string", "pattern": "^[0-9]+(\\.[0-9]{1,2})?$"})",
                  "text/csv only: percentage of the rows the target should win (above 0, at most "
                  "100); needs target"),
      query_param("date", R"({"type": "string", "format": "date"})",
                  "text/csv only: price every row on this date")};
  d.request = {
      media("application/json", "CompareRequest", kCompareExample),
      media(
          "text/csv",
          R"({"type": "string", "description": "A header line naming the columns (date, direction, from_country, from_postal_code, to_country, to_postal_code, weight_g, length_mm, width_mm, height_mm, service, carrier, contract, billed_amount, currency; the six of CompareRow are required), then one shipment per line"})",
          kCompareCsvExample)};
  d.responses = {
      answer(200, "The comparison", {media("application/json", "TariffComparison")}),
      answer(400, "Malformed JSON"),
      answer(415, "The body is neither application/json nor text/csv"),
      answer(422,
             "Invalid options, unknown or misplaced query parameters, a CSV that cannot be read"),
      answer(503, "No tariffs are configured")};
  return d;
}

}  // namespace

void add_rate_routes(router& r, api_deps& deps) {
  auto* d = &deps;
  r.add(
      "POST", "/v1/rates", merchant | ops,
      "Quotes from the negotiated tariffs for one prospective shipment",
      [d](context& c) { return post_rates(c, *d); }, rates_doc());
  r.add(
      "POST", "/v1/tariffs/compare", ops,
      "Price a batch of shipments under every contract (JSON or text/csv)",
      [d](context& c) { return compare_tariffs(c, *d); }, compare_doc());
  r.add(
      "GET", "/v1/tariffs", merchant | ops, "Contracts loaded: validity, carriers, services, zones",
      [d](context& c) { return get_tariffs(c, *d); }, tariffs_doc());
}

}  // namespace parcelgate::api
