// Routes of collection points reporting what they receive and hand over (DESIGN §4 "Collection
// points", docs/points.md "Drop-offs and handovers"):
//   POST /v1/points/{point_id}/dropoffs    a sender handed a parcel in at the point
//   POST /v1/points/{point_id}/handovers   the point gave parcels to the carrier's driver
//   GET  /v1/points/{point_id}/parcels     what is waiting for the carrier, or was handed over
//
// Who: a point key acts for the points it is bound to (parcelctl keys create --points) and for
// no other; ops keys read the parcels of any point but never scan; merchant keys are refused by
// the route's roles. Point keys work across tenants (a relay shop takes every merchant's
// parcels), so what they are answered is the parcel's id, number, carrier and status, never an
// address or a reference.
//
// A scan becomes a tracking event of source point_scan through tracking_service, so the
// timeline, the shipment's status, the tracking cache and the merchants' webhooks follow as for
// a carrier's scan. The store records the scan (point_scans) in the transaction of that event and
// keeps only the first scan of a (point, parcel, kind): scanning again answers the first scan.

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <memory>
#include <variant>

#include "gateway/api/api_keys.hpp"
#include "gateway/api/gateway_api.hpp"
#include "gateway/api/route_support.hpp"
#include "gateway/carriers/registry.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/labelless.hpp"
#include "gateway/domain/return_code.hpp"
#include "gateway/domain/tracking_service.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/tariffs/tariff_book.hpp"
#include "gateway/webhooks/signing.hpp"

namespace parcelgate::api {

namespace {

namespace json = boost::json;
using task_response = boost::asio::awaitable<http::response>;

constexpr std::size_t kMaxBarcodes = 500;
// A scanner's clock may run a little ahead; a scan older than this is a mistake, not a late
// upload (nothing waits at a point that long).
constexpr auto kFutureSkew = std::chrono::minutes(5);
constexpr auto kMaxAge = std::chrono::hours(24 * 30);
// Shipments sharing a number (a carrier reusing numbers, other carriers): the newest of the
// point's carrier is the parcel.
constexpr int kLookupLimit = 20;

constexpr std::string_view kDropoffCode = "POINT_DROPOFF";
constexpr std::string_view kHandoverCode = "POINT_HANDOVER";

struct scan_deps {
  api_deps* api;
  tracking_service* tracking;
};

// Carrier tracking numbers as the rest of the API takes them: 1-64 letters and digits.
bool valid_barcode(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
}

bool valid_scan_id(std::string_view id) {
  return valid_prefixed_id(id, "scn_");
}

// The refusal when the caller may not act on `point_id`; nothing when it may. A point key acts
// for its own points only (403 for another: the point exists, the key is simply not its
// operator's); a malformed id names no point (404).
std::optional<http::response> refuse_point(const context& ctx, std::string_view point_id) {
  if (ctx.who && ctx.who->role == store::role::point && !ctx.who->acts_for(point_id))
    return problem(ctx, 403, "forbidden", "Forbidden",
                   "this point key is not bound to the collection point " + std::string(point_id));
  if (!valid_point_id(point_id))
    return problem(ctx, 404, "not-found", "Not found",
                   "no collection point " + std::string(point_id) +
                       " (point ids are <carrier>:<CC>:<native id>)");
  return std::nullopt;
}

// The body of a scan request as a JSON object, or the answer refusing it.
std::variant<json::object, http::response> read_body(const context& ctx) {
  if (!has_media_type(ctx.request.header("Content-Type"), "application/json"))
    return problem(ctx, 415, "unsupported-media-type", "Unsupported media type",
                   "send the body as application/json");
  boost::system::error_code ec;
  auto parsed = json::parse(ctx.request.body, ec);
  if (ec)
    return problem(ctx, 400, "malformed-json", "Malformed JSON",
                   "the body is not valid JSON: " + ec.message());
  if (!parsed.is_object()) return validation_failed(ctx, {{"", "must be a JSON object"}});
  return std::move(parsed.as_object());
}

void refuse_unknown_fields(const json::object& body, std::initializer_list<std::string_view> known,
                           std::vector<field_error>& errors) {
  std::string list;
  for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
  for (const auto& kv : body)
    if (std::find(known.begin(), known.end(), kv.key()) == known.end())
      errors.push_back({std::string(kv.key()), "unknown field (allowed: " + list + ")"});
}

// The scan time `field` (RFC 3339, optional: now), normalized to UTC seconds; an error in
// `errors` when malformed, in the future beyond the clock skew, or too old.
std::string scan_time(const json::object& body, std::string_view field,
                      std::vector<field_error>& errors) {
  const auto now = std::chrono::system_clock::now();
  const auto* v = body.if_contains(field);
  if (!v || v->is_null()) return rfc3339(now);
  const auto at = v->is_string() ? parse_rfc3339(v->as_string()) : std::nullopt;
  if (!at) {
    errors.push_back(
        {std::string(field), "must be an RFC 3339 date-time, e.g. 2026-12-01T10:00:00Z"});
    return {};
  }
  if (*at > now + kFutureSkew) {
    errors.push_back({std::string(field), "is in the future (more than 5 minutes ahead)"});
    return {};
  }
  if (*at < now - kMaxAge) {
    errors.push_back({std::string(field), "is more than 30 days old"});
    return {};
  }
  return rfc3339(*at);
}

// ---- recording one scan ------------------------------------------------------------------------

enum class scan_outcome { recorded, already_recorded, not_found, wrong_carrier, cancelled };

std::string_view to_string(scan_outcome o) {
  switch (o) {
    case scan_outcome::recorded:
      return "recorded";
    case scan_outcome::already_recorded:
      return "already_recorded";
    case scan_outcome::not_found:
      return "not_found";
    case scan_outcome::wrong_carrier:
      return "wrong_carrier";
    case scan_outcome::cancelled:
      return "cancelled";
  }
  return "not_found";
}

struct scan_request {
  std::string point_id;
  std::string barcode;
  std::string kind;  // dropoff | handover
  std::string at;    // RFC 3339 UTC
  // Carriers whose shipments are looked up: the point's own, and for a handover every configured
  // one so that another network's parcel is told apart from an unknown one.
  std::vector<std::string> carriers;
  // The carrier the parcel must be of: the point's own when empty (a label-less return of the
  // gateway's `local` network is scanned at any point).
  std::string carrier{};
};

struct scan_answer {
  scan_outcome outcome = scan_outcome::not_found;
  std::string shipment_id;                // known for recorded, already_recorded and cancelled
  std::optional<store::point_scan> scan;  // the scan kept (the first one) when there is one
};

timeline_event scan_event(const scan_request& r) {
  const bool dropoff = r.kind == "dropoff";
  return {.status = dropoff ? tracking_status::dropped_off : tracking_status::picked_up,
          .carrier_code = std::string(dropoff ? kDropoffCode : kHandoverCode),
          .carrier_text = std::string(dropoff ? "Dropped off at collection point "
                                              : "Handed over to the carrier at collection point ") +
                          r.point_id,
          .occurred_at = r.at,
          .location = {},
          .postal_code = {},
          .country = std::string(point_country(r.point_id)),
          .point_id = r.point_id,
          .source = "point_scan"};
}

// Finds the parcel, refuses what a point may not scan, and records the scan once: a scan already
// recorded is answered as it was, without a second event.
boost::asio::awaitable<result<scan_answer>> record_scan(scan_deps* d, const scan_request* r) {
  scan_answer out;
  const std::string any_tenant;
  auto found = co_await d->api->db.find_shipments_by_tracking(any_tenant, r->barcode, r->carriers,
                                                              kLookupLimit);
  if (!found) co_return std::unexpected(found.error());
  const std::string carrier(r->carrier.empty() ? point_carrier(r->point_id) : r->carrier);
  const auto row = std::find_if(found->begin(), found->end(),
                                [&](const store::shipment_row& s) { return s.carrier == carrier; });
  if (row == found->end()) {
    out.outcome = found->empty() ? scan_outcome::not_found : scan_outcome::wrong_carrier;
    co_return out;
  }
  out.shipment_id = row->id;
  if (row->status == "cancelled") {
    out.outcome = scan_outcome::cancelled;
    co_return out;
  }
  const std::string tenant = row->tenant, shipment_id = row->id;
  auto earlier = co_await d->api->db.find_point_scan(r->point_id, shipment_id, r->kind);
  if (!earlier) co_return std::unexpected(earlier.error());
  if (*earlier) {
    out.outcome = scan_outcome::already_recorded;
    out.scan = std::move(*earlier);
    co_return out;
  }
  std::vector<timeline_event> events{scan_event(*r)};
  auto merged = co_await d->tracking->apply(tenant, shipment_id, std::move(events));
  if (!merged) co_return std::unexpected(merged.error());
  auto kept = co_await d->api->db.find_point_scan(r->point_id, shipment_id, r->kind);
  if (!kept) co_return std::unexpected(kept.error());
  if (!*kept)
    // The parcel already had an event with this code at this instant (another point's scan of
    // the same second): nothing was recorded for this point.
    co_return make_error(error_kind::conflict,
                         "the parcel already has a scan at " + r->at + ": scan again");
  // A concurrent twin of this scan may have been first: then its scan is the one kept.
  out.outcome = !merged->added.empty() && (*kept)->scanned_at == r->at
                    ? scan_outcome::recorded
                    : scan_outcome::already_recorded;
  out.scan = std::move(*kept);
  co_return out;
}

json::object scan_json(const store::point_scan& s, bool again) {
  return {{"id", s.id},
          {"object", "point_scan"},
          {"point_id", s.point_id},
          {"kind", s.kind},
          {"shipment_id", s.shipment_id},
          {"tracking_number", s.tracking_number},
          {"carrier", s.carrier},
          {"status", s.status},
          {"scanned_at", s.scanned_at},
          {"recorded_at", s.recorded_at},
          {"already_recorded", again}};
}

// ---- POST /v1/points/{point_id}/dropoffs with a return_code: a label-less return
// ------------------

std::optional<label_format> read_label_format(const json::object& body,
                                              std::vector<field_error>& errors) {
  const auto* v = body.if_contains("label_format");
  if (!v || v->is_null()) return std::nullopt;
  auto f = v->is_string() ? parse_label_format(v->as_string()) : std::nullopt;
  if (!f) errors.push_back({"label_format", "must be one of pdf, zpl, png"});
  return f;
}

std::optional<label_size> read_label_size(const json::object& body,
                                          std::vector<field_error>& errors) {
  const auto* v = body.if_contains("label_size");
  if (!v || v->is_null()) return std::nullopt;
  auto f = v->is_string() ? parse_label_size(v->as_string()) : std::nullopt;
  if (!f) errors.push_back({"label_size", "must be one of a6, 4x6, a4"});
  return f;
}

// The code is read, the label bought (or found, for this point's earlier scan) and the drop-off
// recorded on the bought parcel; the answer is the scan with the label to print.
task_response redeem_dropoff(context& ctx, scan_deps* d, std::string point_id, std::string typed,
                             std::optional<label_format> format, std::optional<label_size> size,
                             std::string at) {
  const auto code = normalize_return_code(typed);
  if (!code)
    co_return validation_failed(
        ctx, {{"return_code",
               "is not a return code: 11 symbols ending with a check symbol, e.g. K7QM-4TZX-P9H "
               "(the check failed: read or type it again)"}});
  const auto tariff_set = d->api->tariffs.current();
  redeem_request request{.point_id = point_id,
                         .return_code = *code,
                         .format = format,
                         .size = size,
                         .request_id = ctx.request_id};
  auto out = co_await redeem_return_code(d->api->db, d->api->shipping, d->api->carriers,
                                         tariff_set.get(), std::move(request));
  using kind = redeem_outcome::kind;
  const std::string shown = format_return_code(*code);
  switch (out.what) {
    case kind::label:
      break;
    case kind::not_found:
      co_return problem(ctx, 404, "not-found", "Not found",
                        "no label-less return has the code " + shown,
                        {{"return_code", "no return has this code"}});
    case kind::wrong_network:
      co_return problem(ctx, 409, "wrong-network", "The return goes with another network",
                        "return " + shown + " goes with " + out.shipment.carrier +
                            ": the customer hands it in at a " + out.shipment.carrier + " point",
                        {{"return_code", "a return of " + out.shipment.carrier}});
    case kind::cancelled:
      co_return problem(
          ctx, 409, "shipment-cancelled", "The return is cancelled",
          "the merchant cancelled return " + shown + ": its code is void, refuse the parcel",
          {{"return_code", "the return of this code is cancelled"}});
    case kind::other_point:
      co_return problem(ctx, 409, "return-code-used", "The code was used at another point",
                        "return " + shown +
                            " was handed in at another collection point, whose label was bought "
                            "there: refuse the parcel",
                        {{"return_code", "redeemed at another point"}});
    case kind::in_progress: {
      auto res = problem(ctx, 409, "label-in-progress", "The label is being bought",
                         "another scan of return " + shown +
                             " is buying its label at this moment: scan again in a second");
      res.fields.push_back({"Retry-After", "1"});
      co_return res;
    }
    case kind::invalid:
      co_return validation_failed(ctx, std::move(out.fields));
    case kind::answered:
      co_return stored_response(std::move(out.answer));
    case kind::refused:
    case kind::failed:
      co_return error_response(out.cause, ctx.request_id);
  }
  const auto& shipment = out.shipment;
  const scan_request scan{.point_id = point_id,
                          .barcode = shipment.tracking_number,
                          .kind = "dropoff",
                          .at = at,
                          .carriers = {shipment.carrier},
                          .carrier = shipment.carrier};
  auto answer = co_await record_scan(d, &scan);
  if (!answer) co_return error_response(answer.error(), ctx.request_id);
  if (!answer->scan)  // the bought parcel is not found by its number, or was cancelled since
    co_return problem(ctx, 409, "shipment-cancelled", "The return is cancelled",
                      "return " + shown + " changed while its drop-off was recorded: refuse it",
                      {{"return_code", "the return of this code is cancelled"}});
  const bool again = answer->outcome == scan_outcome::already_recorded && !out.bought_now;
  auto o = scan_json(*answer->scan, again);
  o["return_code"] = shown;
  o["label"] = json::object{{"format", out.label->format},
                            {"content_type", out.label->content_type},
                            {"data_base64", webhooks::base64_encode(out.label->bytes)}};
  co_return http::response::json(again ? 200 : 201, json::serialize(o));
}

// ---- POST /v1/points/{point_id}/dropoffs -------------------------------------------------------

task_response create_dropoff(context& ctx, scan_deps* d) {
  const std::string point_id(ctx.param("point_id"));
  if (auto refusal = refuse_point(ctx, point_id)) co_return std::move(*refusal);
  auto read = read_body(ctx);
  if (auto* res = std::get_if<http::response>(&read)) co_return std::move(*res);
  const auto& body = std::get<json::object>(read);
  std::vector<field_error> errors;
  refuse_unknown_fields(
      body, {"barcode", "return_code", "scanned_at", "label_format", "label_size"}, errors);
  std::string barcode, code;
  const auto* b = body.if_contains("barcode");
  const auto* c = body.if_contains("return_code");
  if (b && c) {
    errors.push_back({"return_code", "give the label's barcode or a return code, not both"});
  } else if (!b && !c) {
    errors.push_back({"barcode", "required (or return_code for a label-less return)"});
  } else if (b && !b->is_string()) {
    errors.push_back({"barcode", "must be a string (the tracking number on the label)"});
  } else if (b) {
    barcode = std::string(b->as_string());
  } else if (!c->is_string() || c->as_string().empty() || c->as_string().size() > 64) {
    errors.push_back({"return_code", "must be the code of a label-less return (1-64 characters)"});
  } else {
    code = std::string(c->as_string());
  }
  const auto format = read_label_format(body, errors);
  const auto size = read_label_size(body, errors);
  if (b && (format || size))
    errors.push_back({format ? "label_format" : "label_size",
                      "only with a return_code: a parcel with a barcode has its label"});
  const std::string at = scan_time(body, "scanned_at", errors);
  if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));
  if (c) co_return co_await redeem_dropoff(ctx, d, point_id, std::move(code), format, size, at);

  auto not_found = [&] {
    return problem(ctx, 404, "not-found", "Not found",
                   "no " + std::string(point_carrier(point_id)) + " parcel with barcode " + barcode,
                   {{"barcode", "no parcel of this point's carrier has this tracking number"}});
  };
  if (!valid_barcode(barcode)) co_return not_found();
  const scan_request request{.point_id = point_id,
                             .barcode = barcode,
                             .kind = "dropoff",
                             .at = at,
                             .carriers = {std::string(point_carrier(point_id))}};
  auto answer = co_await record_scan(d, &request);
  if (!answer) co_return error_response(answer.error(), ctx.request_id);
  switch (answer->outcome) {
    case scan_outcome::not_found:
    case scan_outcome::wrong_carrier:
      co_return not_found();
    case scan_outcome::cancelled:
      co_return problem(
          ctx, 409, "shipment-cancelled", "The shipment is cancelled",
          "the parcel with barcode " + barcode +
              " belongs to a cancelled shipment: its label is void, refuse the parcel",
          {{"barcode", "the shipment of this parcel is cancelled"}});
    case scan_outcome::recorded:
    case scan_outcome::already_recorded:
      break;
  }
  const bool again = answer->outcome == scan_outcome::already_recorded;
  co_return http::response::json(again ? 200 : 201,
                                 json::serialize(scan_json(*answer->scan, again)));
}

// ---- POST /v1/points/{point_id}/handovers ------------------------------------------------------

task_response create_handover(context& ctx, scan_deps* d) {
  const std::string point_id(ctx.param("point_id"));
  if (auto refusal = refuse_point(ctx, point_id)) co_return std::move(*refusal);
  auto read = read_body(ctx);
  if (auto* res = std::get_if<http::response>(&read)) co_return std::move(*res);
  const auto& body = std::get<json::object>(read);
  std::vector<field_error> errors;
  refuse_unknown_fields(body, {"carrier", "barcodes", "handed_at"}, errors);
  const std::string network(point_carrier(point_id));
  if (const auto* c = body.if_contains("carrier"); !c)
    errors.push_back({"carrier", "required"});
  else if (!c->is_string() || c->as_string() != network)
    errors.push_back({"carrier", "this point hands parcels over to " + network + " only"});
  // Each barcode once, in the order first given.
  std::vector<std::string> barcodes;
  if (const auto* b = body.if_contains("barcodes"); !b) {
    errors.push_back({"barcodes", "required"});
  } else if (!b->is_array() || b->as_array().empty() || b->as_array().size() > kMaxBarcodes) {
    errors.push_back({"barcodes", "must be an array of 1 to 500 barcodes"});
  } else {
    const auto& list = b->as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) {
        errors.push_back({"barcodes[" + std::to_string(i) + "]", "must be a string"});
        continue;
      }
      std::string code(list[i].as_string());
      if (std::find(barcodes.begin(), barcodes.end(), code) == barcodes.end())
        barcodes.push_back(std::move(code));
    }
  }
  const std::string at = scan_time(body, "handed_at", errors);
  if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));

  std::vector<std::string> carriers = d->api->carriers.ids();
  if (std::find(carriers.begin(), carriers.end(), network) == carriers.end())
    carriers.push_back(network);
  json::array results;
  json::object counts{{"recorded", 0},
                      {"already_recorded", 0},
                      {"not_found", 0},
                      {"wrong_carrier", 0},
                      {"cancelled", 0}};
  // One parcel after the other: each is its own durable write, so a failure of the store part
  // way leaves the parcels before it recorded, and the same request again answers them
  // already_recorded.
  for (const auto& barcode : barcodes) {
    scan_answer answer;
    if (valid_barcode(barcode)) {
      const scan_request request{.point_id = point_id,
                                 .barcode = barcode,
                                 .kind = "handover",
                                 .at = at,
                                 .carriers = carriers};
      auto recorded = co_await record_scan(d, &request);
      if (!recorded) co_return error_response(recorded.error(), ctx.request_id);
      answer = std::move(*recorded);
    }
    json::object item{{"barcode", barcode}, {"result", to_string(answer.outcome)}};
    // Another network's parcel is not this point's business: its shipment is not named.
    if (!answer.shipment_id.empty() && answer.outcome != scan_outcome::wrong_carrier)
      item["shipment_id"] = answer.shipment_id;
    if (answer.scan) item["status"] = answer.scan->status;
    auto& n = counts[to_string(answer.outcome)];
    n = n.as_int64() + 1;
    results.push_back(std::move(item));
  }
  co_return http::response::json(200, json::serialize(json::object{{"point_id", point_id},
                                                                   {"carrier", network},
                                                                   {"handed_at", at},
                                                                   {"results", std::move(results)},
                                                                   {"counts", std::move(counts)}}));
}

// ---- GET /v1/points/{point_id}/parcels ---------------------------------------------------------

task_response list_parcels(context& ctx, scan_deps* d) {
  const std::string point_id(ctx.param("point_id"));
  if (auto refusal = refuse_point(ctx, point_id)) co_return std::move(*refusal);
  std::vector<field_error> errors;
  std::string_view rest = ctx.request.query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const auto name = pair.substr(0, pair.find('='));
    if (!name.empty() && name != "state" && name != "limit" && name != "starting_after")
      errors.push_back(
          {std::string(name), "unknown query parameter (allowed: state, limit, starting_after)"});
  }
  auto state = store::point_parcel_state::awaiting_carrier;
  bool has_state = false;
  const auto state_text = ctx.request.query_param("state", &has_state);
  if (state_text == "handed_over")
    state = store::point_parcel_state::handed_over;
  else if (has_state && state_text != "awaiting_carrier")
    errors.push_back({"state", "one of: awaiting_carrier, handed_over"});
  int limit = 20;
  bool has_limit = false;
  const auto limit_text = ctx.request.query_param("limit", &has_limit);
  if (has_limit) {
    int v = 0;
    auto [p, ec] = std::from_chars(limit_text.data(), limit_text.data() + limit_text.size(), v);
    if (ec != std::errc() || p != limit_text.data() + limit_text.size() || v < 1 || v > 100)
      errors.push_back({"limit", "must be an integer from 1 to 100"});
    else
      limit = v;
  }
  const std::string cursor = ctx.request.query_param("starting_after");
  if (!cursor.empty() && !valid_scan_id(cursor))
    errors.push_back({"starting_after", "must be a scan id (scn_...): the next_cursor of a page"});
  if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));
  auto page = co_await d->api->db.list_point_scans(point_id, state, cursor, limit);
  if (!page) co_return error_response(page.error(), ctx.request_id);
  json::array data;
  for (const auto& s : page->scans)
    data.push_back(json::object{{"id", s.id},
                                {"object", "point_parcel"},
                                {"shipment_id", s.shipment_id},
                                {"tracking_number", s.tracking_number},
                                {"carrier", s.carrier},
                                {"status", s.status},
                                {"kind", s.kind},
                                {"scanned_at", s.scanned_at},
                                {"recorded_at", s.recorded_at}});
  json::object out{
      {"data", std::move(data)}, {"has_more", page->has_more}, {"next_cursor", nullptr}};
  if (page->has_more) out["next_cursor"] = page->next_cursor;
  co_return http::response::json(200, json::serialize(out));
}

// ---- OpenAPI description -----------------------------------------------------------------------

constexpr const char* kPointIdParam =
    R"({"type": "string", "pattern": "^[a-z][a-z0-9_-]{0,31}:[A-Z]{2}:[A-Za-z0-9_-]{1,32}$", "examples": ["mondialrelay:FR:020230"]})";

constexpr const char* kScanSchema = R"({"type": "object", "additionalProperties": false,
  "required": ["id", "object", "point_id", "kind", "shipment_id", "tracking_number", "carrier", "status", "scanned_at", "recorded_at", "already_recorded"],
  "properties": {
    "id": {"type": "string", "pattern": "^scn_[0-9a-z]{15}$"},
    "object": {"type": "string", "enum": ["point_scan"]},
    "point_id": {"type": "string"},
    "kind": {"type": "string", "enum": ["dropoff", "handover"]},
    "shipment_id": {"$ref": "#/components/schemas/ShipmentId"},
    "tracking_number": {"type": "string"},
    "carrier": {"type": "string"},
    "status": {"anyOf": [{"$ref": "#/components/schemas/TrackingStatus"}, {"$ref": "#/components/schemas/ShipmentStatus"}],
               "description": "The shipment's status now"},
    "scanned_at": {"type": "string", "format": "date-time", "description": "When the first scan happened, RFC 3339 UTC"},
    "recorded_at": {"type": "string", "format": "date-time"},
    "already_recorded": {"type": "boolean", "description": "true: this scan was recorded before; this is the first scan's answer"},
    "return_code": {"type": "string", "description": "A label-less return's drop-off: its code as people read it"},
    "label": {"type": "object", "additionalProperties": false, "required": ["format", "content_type", "data_base64"],
              "description": "A label-less return's drop-off: the label bought for it, to print now",
              "properties": {"format": {"$ref": "#/components/schemas/LabelFormat"},
                             "content_type": {"type": "string", "enum": ["application/pdf", "application/x-zpl", "image/png"]},
                             "data_base64": {"type": "string", "contentEncoding": "base64"}}}}})";

constexpr const char* kScanExample =
    R"({"id": "scn_4f0c2a9e1b7d3c5", "object": "point_scan", "point_id": "mondialrelay:FR:020230", "kind": "dropoff",
  "shipment_id": "shp_0a1b2c3d4e5f6g7", "tracking_number": "12345678", "carrier": "mondialrelay",
  "status": "dropped_off", "scanned_at": "2026-12-02T09:14:00Z", "recorded_at": "2026-12-02T09:14:01Z",
  "already_recorded": false})";

route_doc dropoff_doc() {
  route_doc d;
  d.operation_id = "createPointDropoff";
  d.tag = "Tracking";
  d.description =
      "A sender handed a parcel in at this collection point. The barcode (the label's tracking "
      "number) is looked up among the parcels of the point's carrier, of every merchant; the "
      "parcel gets a dropped_off event (source point_scan, carrier_code POINT_DROPOFF) in its "
      "timeline, its status follows and subscribed merchants get shipment.status_changed. The "
      "same scan again (same point, parcel and kind) records nothing and answers 200 with the "
      "first scan and already_recorded true. No Idempotency-Key is needed: the scan is its own "
      "key. A label-less return is handed in with its return_code instead (read from its QR "
      "code or typed): its label is bought at this moment, from the return's carrier, in "
      "label_format (and label_size) when given, and the answer carries it to print "
      "(label.data_base64). Scanning the code again at this point buys nothing and answers the "
      "same label (200); at another point it is a 409 (return-code-used). Two scans at once buy "
      "one label: the second is a 409 with Retry-After.";
  d.params = {{"point_id", "path", true, kPointIdParam, "<carrier>:<CC>:<native id>"}};
  d.request = {media("application/json", R"({"type": "object", "additionalProperties": false,
  "properties": {"barcode": {"type": "string", "description": "The tracking number of the parcel's label"},
                 "return_code": {"type": "string", "maxLength": 64, "description": "A label-less return's code instead of a barcode: case, dashes and spaces do not matter; O reads as 0, I and L as 1"},
                 "label_format": {"$ref": "#/components/schemas/LabelFormat", "description": "With return_code: the format the point prints; the return's own when absent"},
                 "label_size": {"$ref": "#/components/schemas/LabelSize", "description": "With return_code: the page size the point prints"},
                 "scanned_at": {
    "type" : "string",
             "format" : "date-time",
                        "description" : "Default: now; at most 5 minutes ahead, at most 30 days old"
  }
}
})",
                     R"({"barcode": "12345678", "scanned_at": "2026-12-02T09:14:00Z"})")};
  d.responses = {
      answer(201, "Recorded (for a return_code: its label bought now)",
             {media("application/json", kScanSchema, kScanExample)}),
      answer(200, "Recorded before: the first scan's answer",
             {media("application/json", kScanSchema)}),
      answer(400, "Malformed JSON"),
      answer(403, "A point key not bound to this point, or a key whose role may not scan"),
      answer(404,
             "No parcel of the point's carrier has this barcode (field barcode), no return has "
             "this return_code, or a malformed point id"),
      answer(409,
             "The parcel's shipment is cancelled, another scan of the same second, a return of "
             "another network, a return code used at another point, or its label being bought "
             "by a twin scan (Retry-After)",
             {}, {"Retry-After"}),
      answer(415, "The body is not application/json"),
      answer(422,
             "Invalid fields: unknown ones, scanned_at in the future or older than 30 days, a "
             "return_code whose check symbol fails, a label_format the carrier does not print"),
      answer(502, "The carrier's answer to the label purchase was unreadable: outcome unknown"),
      answer(503, "The carrier is unavailable; nothing was bought, the code stays valid", {},
             {"Retry-After"}),
      answer(504, "The carrier did not answer in time: outcome unknown")};
  return d;
}

route_doc handover_doc() {
  route_doc d;
  d.operation_id = "createPointHandover";
  d.tag = "Tracking";
  d.description =
      "The point gave parcels to its carrier's driver. Each barcode (each once, duplicates "
      "answered once) gets a picked_up event (source point_scan, carrier_code POINT_HANDOVER) "
      "and its own result; a parcel that cannot be handed over does not fail the others. "
      "recorded: done now; already_recorded: handed over from this point before; not_found: no "
      "parcel has this number; wrong_carrier: a parcel of another carrier's network (its "
      "shipment is not named); cancelled: its label is void.";
  d.params = {{"point_id", "path", true, kPointIdParam, "<carrier>:<CC>:<native id>"}};
  d.request = {media("application/json", R"({"type": "object", "additionalProperties": false,
  "required": ["carrier", "barcodes"],
  "properties": {"carrier": {"type": "string", "description": "The point's carrier, the first part of its id"},
                 "barcodes": {"type": "array", "minItems": 1, "maxItems": 500, "items": {"type": "string"}},
                 "handed_at": {"type": "string", "format": "date-time", "description": "Default: now; at most 5 minutes ahead, at most 30 days old"}}})",
                     R"({"carrier": "mondialrelay", "barcodes": ["12345678", "87654321"]})")};
  d.responses = {
      answer(
          200, "One result per distinct barcode",
          {media(
              "application/json", R"({"type": "object", "additionalProperties": false,
  "required": ["point_id", "carrier", "handed_at", "results", "counts"],
  "properties": {
    "point_id": {"type": "string"},
    "carrier": {"type": "string"},
    "handed_at": {"type": "string", "format": "date-time"},
    "results": {"type": "array", "items": {"type": "object", "additionalProperties": false,
      "required": ["barcode", "result"],
      "properties": {"barcode": {"type": "string"},
                     "result": {"type": "string", "enum": ["recorded", "already_recorded", "not_found", "wrong_carrier", "cancelled"]},
                     "shipment_id": {"$ref": "#/components/schemas/ShipmentId"},
                     "status": {"anyOf": [{"$ref": "#/components/schemas/TrackingStatus"}, {"$ref": "#/components/schemas/ShipmentStatus"}]}}}},
    "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}}})",
              R"({"point_id": "mondialrelay:FR:020230", "carrier": "mondialrelay", "handed_at": "2026-12-02T17:30:00Z",
  "results": [{"barcode": "12345678", "result": "recorded", "shipment_id": "shp_0a1b2c3d4e5f6g7", "status": "picked_up"},
              {"barcode": "99999999", "result": "not_found"}],
  "counts": {"recorded": 1, "already_recorded": 0, "not_found": 1, "wrong_carrier": 0, "cancelled": 0}})")}),
      answer(400, "Malformed JSON"),
      answer(403, "A point key not bound to this point, or a key whose role may not scan"),
      answer(404, "A malformed point id"),
      answer(409, "Another scan of the same parcel in the same second"),
      answer(415, "The body is not application/json"),
      answer(422,
             "Invalid fields: carrier not the point's, barcodes not 1-500 strings, handed_at "
             "out of range, unknown fields")};
  return d;
}

route_doc parcels_doc() {
  route_doc d;
  d.operation_id = "listPointParcels";
  d.tag = "Tracking";
  d.description =
      "The parcels dropped off at this point and not handed over from it yet "
      "(state=awaiting_carrier, the default), or those handed over from it "
      "(state=handed_over), newest scan first. Each item is the scan (its id is the cursor) with "
      "the parcel's id, number, carrier and current status.";
  d.params = {
      {"point_id", "path", true, kPointIdParam, "<carrier>:<CC>:<native id>"},
      query_param(
          "state",
          R"({"type": "string", "enum": ["awaiting_carrier", "handed_over"], "default": "awaiting_carrier"})",
          "Which parcels"),
      query_param("limit", R"({"type": "integer", "minimum": 1, "maximum": 100, "default": 20})",
                  "Page size"),
      query_param("starting_after", R"({"type": "string", "pattern": "^scn_[0-9a-z]{15}$"})",
                  "The next_cursor of the previous page")};
  d.responses = {
      answer(200, "A page of parcels",
             {media("application/json", R"({"type": "object", "additionalProperties": false,
  "required": ["data", "has_more", "next_cursor"],
  "properties": {
    "data": {"type": "array", "items": {"type": "object", "additionalProperties": false,
      "required": ["id", "object", "shipment_id", "tracking_number", "carrier", "status", "kind", "scanned_at", "recorded_at"],
      "properties": {"id": {"type": "string", "pattern": "^scn_[0-9a-z]{15}$"},
                     "object": {"type": "string", "enum": ["point_parcel"]},
                     "shipment_id": {"$ref": "#/components/schemas/ShipmentId"},
                     "tracking_number": {"type": "string"},
                     "carrier": {"type": "string"},
                     "status": {"anyOf": [{"$ref": "#/components/schemas/TrackingStatus"}, {"$ref": "#/components/schemas/ShipmentStatus"}]},
                     "kind": {"type": "string", "enum": ["dropoff", "handover"]},
                     "scanned_at": {"type": "string", "format": "date-time"},
                     "recorded_at": {"type": "string", "format": "date-time"}}}},
    "has_more": {"type": "boolean"},
    "next_cursor": {"type": ["string", "null"]}}})")}),
      answer(403, "A point key not bound to this point, or a merchant key"),
      answer(404, "A malformed point id"),
      answer(422, "Invalid or unknown query parameters, or a cursor not of this list")};
  return d;
}

}  // namespace

void add_point_scan_routes(router& r, api_deps& deps) {
  // Scans go through the gateway's tracking service: the same merge and compare-and-set as the
  // carriers' feeds, on the same store and cache.
  if (!deps.tracking) return;
  auto d = std::make_shared<scan_deps>(scan_deps{&deps, deps.tracking});
  r.add(
      "POST", "/v1/points/{point_id}/dropoffs", point, "Report a parcel dropped off at a point",
      [d](context& c) { return create_dropoff(c, d.get()); }, dropoff_doc());
  r.add(
      "POST", "/v1/points/{point_id}/handovers", point, "Report parcels handed over to the carrier",
      [d](context& c) { return create_handover(c, d.get()); }, handover_doc());
  r.add(
      "GET", "/v1/points/{point_id}/parcels", point | ops,
      "Parcels awaiting the carrier at a point, or handed over",
      [d](context& c) { return list_parcels(c, d.get()); }, parcels_doc());
}

}  // namespace parcelgate::api
