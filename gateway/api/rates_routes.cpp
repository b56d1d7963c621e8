// Negotiated-tariff routes: POST /v1/rates (quotes for one prospective shipment) and
// GET /v1/tariffs (contracts loaded). Pricing itself is gateway/tariffs/.

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "gateway/api/gateway_api.hpp"
#include "gateway/api/rate_input.hpp"
#include "gateway/api/route_support.hpp"
#include "gateway/carriers/registry.hpp"
#include "gateway/domain/countries.hpp"
#include "gateway/domain/input_checker.hpp"
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
  std::string malformed;
  const auto root = read_json_object(ctx.request.body, 16, malformed);
  if (!root) co_return problem(ctx, 400, "malformed-json", "Malformed JSON", malformed);
  auto in = parse_rate_input(root->as_object());
  if (!in.errors.empty()) co_return validation_failed(ctx, std::move(in.errors));
  // Merchants see their own contracts and the unrestricted ones; ops see every contract.
  in.request.tenant = ctx.who->role == store::role::ops ? std::string() : ctx.who->tenant;
  // A contract is quoted only for what its carrier can print in one shipment.
  for (const auto& c : deps.carriers.all())
    in.request.max_parcels.emplace_back(c.adapter->id(), c.adapter->caps().max_parcels);
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

// ---- the JSON body of POST /v1/tariffs/compare, read as a stream -----------------------------
//
// The body {"shipments": [rows], "target"?, "share"?, "date"?} is read with Boost.JSON's SAX
// parser (basic_parser): no document tree is built, so memory does not grow with the rows
// (docs/json.md: 150,000 rows took the gateway to a 274 MB peak with the tree). Two passes over
// the body, because the options may follow the rows and the comparison needs them first:
//   1. scan: checks the syntax (max depth 8) and reads the top-level members: their names, the
//      text of target, share and date, whether shipments is an array;
//   2. rows: each row object is read into a reused list of its fields and handed to the
//      comparison at its closing brace.
// What the reader gives is what the former tree gave: a repeated member keeps its first position
// and its last value, a value is seen as text (null = "", a string as is, anything else as
// Boost.JSON serializes it, e.g. 1E3), and the rows of the last "shipments" member are read.
class compare_body_reader {
 public:
  constexpr static std::size_t max_object_size = json::object::max_size();
  constexpr static std::size_t max_array_size = json::array::max_size();
  constexpr static std::size_t max_key_size = json::string::max_size();
  constexpr static std::size_t max_string_size = json::string::max_size();

  // What pass 1 learns.
  struct scan {
    bool root_is_object = false;
    std::vector<std::string> keys;  // top-level member names, first position
    std::string target, share, date;
    std::size_t shipments_members = 0;
    bool shipments_is_array = false;  // the last "shipments" member
  };

  // Pass 2 when cmp is set: the rows of the `occurrence`-th "shipments" member go to cmp.
  compare_body_reader(scan& out, tariffs::comparison* cmp, std::size_t occurrence)
      : out_(out), cmp_(cmp), rows_occurrence_(occurrence) {}

  using ec_t = boost::system::error_code;
  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_object_begin(ec_t&) {
    begin_container(true);
    return true;
  }
  bool on_object_end(std::size_t n, ec_t&) {
    end_container(true, n);
    return true;
  }
  bool on_array_begin(ec_t&) {
    begin_container(false);
    return true;
  }
  bool on_array_end(std::size_t n, ec_t&) {
    end_container(false, n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, ec_t&) {
    if (capturing_)
      stack_.push_chars(s);
    else if (wants_key())
      part_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, ec_t&) {
    if (capturing_) {
      stack_.push_key(s);
    } else if (wants_key()) {
      key_ = whole(s);
      part_.clear();
      if (depth_ == 1 && top_keys_.insert(key_).second) out_.keys.push_back(key_);
    }
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, ec_t&) {
    if (capturing_)
      stack_.push_chars(s);
    else if (wants_value())
      part_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, ec_t&) {
    if (capturing_) {
      stack_.push_string(s);
    } else if (wants_value()) {
      text_ = whole(s);
      part_.clear();
      scalar(text_);
    }
    return true;
  }
  bool on_number_part(json::string_view, ec_t&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, ec_t&) {
    if (capturing_)
      stack_.push_int64(i);
    else if (wants_value())
      scalar(std::to_string(i));
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, ec_t&) {
    if (capturing_)
      stack_.push_uint64(u);
    else if (wants_value())
      scalar(std::to_string(u));
    return true;
  }
  bool on_double(double d, json::string_view, ec_t&) {
    if (capturing_)
      stack_.push_double(d);
    else if (wants_value())
      scalar(json::serialize(json::value(d)));
    return true;
  }
  bool on_bool(bool b, ec_t&) {
    if (capturing_)
      stack_.push_bool(b);
    else if (wants_value())
      scalar(b ? "true" : "false");
    return true;
  }
  bool on_null(ec_t&) {
    if (capturing_)
      stack_.push_null();
    else if (wants_value())
      scalar("");
    return true;
  }
  bool on_comment_part(json::string_view, ec_t&) { return true; }
  bool on_comment(json::string_view, ec_t&) { return true; }

 private:
  struct field {
    std::string key, text;
  };

  // Depth of the value being read: 0 the body, 1 a top-level member, 2 a row, 3 a row's field.
  bool in_rows() const { return rows_open_ && depth_ >= 2; }
  bool wants_key() const { return depth_ == 1 || (in_rows() && depth_ == 3 && row_open_); }
  bool wants_value() const {
    if (depth_ == 1) return is_option(key_);
    return in_rows() && (depth_ == 2 || (depth_ == 3 && row_open_));
  }
  static bool is_option(std::string_view k) { return k == "target" || k == "share" || k == "date"; }

  std::string_view whole(json::string_view s) {
    if (part_.empty()) return {s.data(), s.size()};
    part_.append(s.data(), s.size());
    return part_;
  }

  void begin_container(bool object) {
    if (capturing_) {
      ++depth_;
      return;
    }
    if (depth_ == 0) {
      out_.root_is_object = object;
    } else if (depth_ == 1 && key_ == "shipments") {
      ++out_.shipments_members;
      out_.shipments_is_array = !object;
      rows_open_ = !object && cmp_ && out_.shipments_members == rows_occurrence_;
      if (rows_open_) index_ = 0;
    } else if (depth_ == 1 && is_option(key_)) {
      start_capture();
    } else if (in_rows() && depth_ == 2) {
      ++index_;
      if (object) {
        row_open_ = true;
        fields_used_ = 0;
        if (!field_index_.empty()) field_index_.clear();
      } else {
        bad_item();
      }
    } else if (in_rows() && depth_ == 3 && row_open_) {
      start_capture();
    }
    ++depth_;
  }

  void end_container(bool object, std::size_t n) {
    --depth_;
    if (capturing_) {
      if (object)
        stack_.push_object(n);
      else
        stack_.push_array(n);
      if (depth_ == capture_depth_) {
        capturing_ = false;
        text_ = json::serialize(stack_.release());
        scalar(text_);
      }
      return;
    }
    if (in_rows() && depth_ == 2 && row_open_) {
      row_open_ = false;
      finish_row();
    } else if (depth_ == 1 && rows_open_) {
      rows_open_ = false;
    }
  }

  void start_capture() {
    capturing_ = true;
    capture_depth_ = depth_;
    stack_.reset();
  }

  // A whole value in its text form, at the depth it began.
  void scalar(std::string_view text) {
    if (depth_ == 1) {
      if (key_ == "target")
        out_.target.assign(text);
      else if (key_ == "share")
        out_.share.assign(text);
      else if (key_ == "date")
        out_.date.assign(text);
    } else if (depth_ == 2) {  // a row that is not an object
      ++index_;
      bad_item();
    } else {
      add_field(text);
    }
  }

  void bad_item() {
    cmp_->add_bad_row(index_, "row " + std::to_string(index_) + " is not an object");
  }

  // A repeated field keeps its first position and takes the last value. A row has a few fields:
  // they are searched in order; past kIndexFrom fields (a hostile body) a hash index takes over.
  void add_field(std::string_view text) {
    constexpr std::size_t kIndexFrom = 32;
    if (fields_used_ >= kIndexFrom) {
      if (field_index_.empty())
        for (std::size_t i = 0; i < fields_used_; ++i) field_index_.emplace(fields_[i].key, i);
      if (auto it = field_index_.find(key_); it != field_index_.end()) {
        fields_[it->second].text.assign(text);
        return;
      }
      field_index_.emplace(key_, fields_used_);
    } else {
      for (std::size_t i = 0; i < fields_used_; ++i)
        if (fields_[i].key == key_) {
          fields_[i].text.assign(text);
          return;
        }
    }
    if (fields_used_ == fields_.size()) fields_.emplace_back();
    fields_[fields_used_].key.assign(key_);
    fields_[fields_used_].text.assign(text);
    ++fields_used_;
  }

  void finish_row() {
    row_.clear();
    std::string problem_text;
    bool seen[tariffs::kShipmentColumnCount] = {};
    for (std::size_t i = 0; i < fields_used_; ++i) {
      auto column = tariffs::parse_column_name(fields_[i].key);
      if (!column) {
        problem_text = "unknown field " + fields_[i].key;
        break;
      }
      seen[static_cast<std::size_t>(*column)] = true;
      if (auto set_ok = tariffs::set_field(row_, *column, fields_[i].text); !set_ok) {
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
      cmp_->add_bad_row(index_, std::move(problem_text));
    else
      cmp_->add(row_, index_);
  }

  scan& out_;
  tariffs::comparison* cmp_;
  std::size_t rows_occurrence_;
  std::unordered_set<std::string> top_keys_;
  std::unordered_map<std::string, std::size_t> field_index_;
  std::size_t depth_ = 0;
  std::string key_, part_, text_;
  bool rows_open_ = false, row_open_ = false;
  std::uint64_t index_ = 0;
  std::vector<field> fields_;
  std::size_t fields_used_ = 0;
  tariffs::shipment_row row_;
  // A value that is an object or an array is built as a tree (it is small: depth 8 at most) to
  // be serialized as the former code did.
  bool capturing_ = false;
  std::size_t capture_depth_ = 0;
  json::value_stack stack_;
};

// Parses the whole body (pass 1 without cmp, pass 2 with it); false when it is not one JSON
// object (max depth 8, as before).
bool read_compare_body(std::string_view body, compare_body_reader::scan& out,
                       tariffs::comparison* cmp = nullptr, std::size_t occurrence = 0) {
  json::parse_options opts;
  opts.max_depth = 8;
  json::basic_parser<compare_body_reader> p(opts, out, cmp, occurrence);
  boost::system::error_code ec;
  const auto used = p.write_some(false, body.data(), body.size(), ec);
  return !ec && used == body.size() && out.root_is_object;
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
  // Pass 1 (compare_body_reader): syntax, top-level members, options.
  compare_body_reader::scan scan;
  bool well_formed = false;
  co_await deps.pool.run([&] { well_formed = read_compare_body(ctx.request.body, scan); });
  if (!well_formed)
    co_return problem(ctx, 400, "malformed-json", "Malformed JSON",
                      "the body must be a JSON object");
  for (const auto& key : scan.keys)
    if (key != "shipments" && key != "target" && key != "share" && key != "date")
      errors.push_back(field_error{.field = key, .message = "unknown field"});
  read_target(scan.target, scan.share, scan.date, "");
  if (scan.shipments_members == 0 || !scan.shipments_is_array)
    errors.push_back(
        field_error{.field = "shipments", .message = "is required: an array of shipment rows"});
  if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));
  auto cmp = tariffs::comparison::create(set, options);
  if (!cmp)
    co_return problem(ctx, 422, "validation-error", "The comparison cannot run", cmp.error(),
                      {{"", cmp.error()}});
  // Pass 2: the rows of the last "shipments" member, one at a time, into the comparison.
  compare_body_reader::scan again;
  co_await deps.pool.run(
      [&] { read_compare_body(ctx.request.body, again, &*cmp, scan.shipments_members); });
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
