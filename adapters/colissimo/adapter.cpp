// The Colissimo call flow: settings, capabilities, and for each operation
// rules (rules.hpp) -> encode (wire.hpp) -> send through `call` -> decode.
#include "adapters/colissimo/adapter.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

#include "adapters/colissimo/pickup.hpp"
#include "adapters/colissimo/points.hpp"
#include "adapters/colissimo/rules.hpp"
#include "adapters/colissimo/tracking.hpp"
#include "adapters/colissimo/wire.hpp"
#include "gateway/domain/time_zone.hpp"

namespace parcelgate::adapters {

namespace {

using namespace colissimo;

constexpr std::string_view kFranceTimeZone = "Europe/Paris";

// Tracking polls are queries: repeat them after a transport failure. Any HTTP answer is final
// (retry_policy knows one expected status, and 200 and 207 are both answers; a 401 or 429 must
// not be repeated); a 5xx is reported as unavailable and the next poll tries again.
carriers::retry_policy tracking_policy() {
  return carriers::retry_policy{
      .attempts = 3,
      .backoff = {std::chrono::milliseconds{500}, std::chrono::milliseconds{2000}},
      .expect_status = 0,
      .expect_body_prefix = {},
      .retry_transport_failures = true};
}

class colissimo_adapter final : public carriers::carrier_adapter {
 public:
  std::string_view id() const noexcept override { return kCarrierId; }
  std::string_view display_name() const noexcept override { return "Colissimo (La Poste)"; }

  std::vector<carriers::setting_spec> settings_schema() const override {
    using spec = carriers::setting_spec;
    return {
        spec{.key = "base_url",
             .required = true,
             .default_value = "",
             .secret = false,
             .description =
                 "SLS web service root, e.g. https://ws.colissimo.fr or "
                 "http://127.0.0.1:9443/colissimo; "
                 "generateLabel is at base_url + /sls-ws/SlsServiceWSRest/2.0/generateLabel, "
                 "mailbox pickups (getListMailBoxPickingDates, planPickup) beside it"},
        spec{.key = "contract_number",
             .required = true,
             .default_value = "",
             .secret = false,
             .description = "Colissimo contract number (digits), sent as contractNumber"},
        spec{.key = "password",
             .required = true,
             .default_value = "",
             .secret = true,
             .description = "password of the Colissimo web-service account"},
        spec{.key = "commercial_name",
             .required = false,
             .default_value = "parcelgate",
             .secret = false,
             .description =
                 "shop name Colissimo prints on labels and relay SMS (30 characters at most)"},
        spec{.key = "tracking_url",
             .required = false,
             .default_value = std::string(kDefaultTrackingUrl),
             .secret = false,
             .description = "La Poste Suivi v2 root, e.g. https://api.laposte.fr/suivi/v2 or "
                            "http://127.0.0.1:9443/laposte/suivi/v2; tracking polls GET "
                            "tracking_url + /idships/{id,...}"},
        spec{.key = "points_url",
             .required = false,
             .default_value = std::string(kDefaultPointsUrl),
             .secret = false,
             .description =
                 "point retrait SOAP service, e.g. " + std::string(kDefaultPointsUrl) +
                 " or "
                 "http://127.0.0.1:9443/colissimo/pointretrait-ws-cxf/PointRetraitServiceWS/2.0; "
                 "point searches POST there with the contract_number/password account"},
        spec{.key = "okapi_key",
             .required = false,
             .default_value = "",
             .secret = true,
             .description = "La Poste developer (Okapi) key subscribed to Suivi v2, sent as "
                            "X-Okapi-Key; needed only for tracking"},
    };
  }

  std::vector<field_error> configure(const carriers::carrier_settings& settings) override {
    std::vector<field_error> problems;
    auto add = [&problems](std::string key, std::string message) {
      problems.push_back(field_error{.field = std::move(key), .message = std::move(message)});
    };
    auto value = [&](std::string_view key) -> std::string {
      auto it = settings.find(key);
      return it == settings.end() ? std::string{} : it->second;
    };
    std::string base_url = value("base_url");
    while (base_url.ends_with('/')) base_url.pop_back();
    if (!valid_base_url(base_url))
      add("base_url", "must be an http:// or https:// URL with a host (no query)");
    const std::string contract = value("contract_number");
    if (!all_digits(contract))
      add("contract_number", "must be the Colissimo contract number (digits only)");
    const std::string password = value("password");
    if (password.empty()) add("password", "is required");
    std::string commercial =
        settings.contains("commercial_name") ? value("commercial_name") : "parcelgate";
    if (commercial.empty() || utf8_length(commercial) > kMaxCommercialName)
      add("commercial_name", "must be 1 to 30 characters");
    // SLS refuses a deposit date before the current date in France (30002), so "today" is
    // France's date, which runs ahead of UTC from 22:00 or 23:00 UTC.
    std::string tracking = settings.contains("tracking_url") ? value("tracking_url")
                                                             : std::string(kDefaultTrackingUrl);
    while (tracking.ends_with('/')) tracking.pop_back();
    if (!valid_base_url(tracking))
      add("tracking_url", "must be an http:// or https:// URL with a host (no query)");
    std::string points =
        settings.contains("points_url") ? value("points_url") : std::string(kDefaultPointsUrl);
    while (points.ends_with('/')) points.pop_back();
    if (!valid_base_url(points))
      add("points_url", "must be an http:// or https:// URL with a host (no query)");
    const std::string okapi_key = value("okapi_key");
    if (okapi_key.find_first_of("\r\n") != std::string::npos)
      add("okapi_key", "must be a single line");
    auto zone = time_zone::load(kFranceTimeZone);
    if (!zone) add("", zone.error().message);
    if (problems.empty()) {
      france_ = std::move(*zone);
      base_url_ = std::move(base_url);
      account_ = account{.contract_number = contract,
                         .password = password,
                         .commercial_name = std::move(commercial)};
      tracking_url_ = std::move(tracking);
      points_url_ = std::move(points);
      okapi_key_ = okapi_key;
    }
    return problems;
  }

  carriers::capabilities caps() const override {
    carriers::capabilities c;
    c.labels = true;
    c.cancel = "local";
    c.cancel_note =
        "Colissimo's label web service has no void operation and La Poste bills only parcels it "
        "scans: cancelling is recorded by the gateway alone; an unused label must not be dropped "
        "off.";
    c.returns = true;
    // Label-less returns: the gateway issues the code; the post office or relay that scans it
    // has the label bought then (docs/labelless-returns.md).
    c.labelless_returns = true;
    c.points = true;  // point retrait web service (points.hpp), same account as labels
    // Mailbox pickups (pickup.hpp): the postman takes parcels Colissimo sold from the sender's
    // mailbox on a date the SLS dates service offers; SLS has no call to cancel one.
    c.pickups = true;
    c.pickup_cancel = "none";
    c.pickup_min_window_min = 0;  // the postman's round sets the time
    c.pickup_max_days_ahead = kPickupMaxDaysAhead;
    // La Poste Suivi v2 (tracking.hpp), which needs the account's Okapi key: without one the
    // scheduler leaves Colissimo parcels alone rather than fail every poll.
    c.tracking_poll = !okapi_key_.empty();
    c.tracking_batch = static_cast<int>(kSuiviMaxIds);
    c.tracking_requests_per_s = kSuiviRequestsPerSecond;
    c.max_parcels = 1;  // one label per parcel: a multi-parcel order is one shipment per parcel
    c.services = {service_level::home, service_level::home_signature, service_level::pickup_point};
    c.label_formats = {label_format::pdf, label_format::zpl};
    // SLS prints 10x15 cm (4x6 inch stock) or A4: an a6 request is printed on 4x6 and the
    // shipment says so (wire.hpp printed_size).
    c.label_sizes = {label_size::in4x6, label_size::a4};
    const auto countries = destination_countries();
    c.destination_countries.assign(countries.begin(), countries.end());
    return c;
  }

  std::vector<field_error> validate(const shipment_request& r) const override {
    return check_shipment(r);
  }

  carriers::task<result<label_result>> create_label(const shipment_request& request,
                                                    carriers::call& c) override {
    if (base_url_.empty())
      co_return fail(not_sold(
          make_error(error_kind::internal, "the Colissimo adapter is not configured").error()));
    std::vector<field_error> problems = check_shipment(request);
    if (!problems.empty()) {
      error e{.kind = error_kind::invalid_request,
              .message = "the shipment does not fit Colissimo",
              .fields = std::move(problems),
              .carrier = std::string(kCarrierId),
              .carrier_code = {},
              .carrier_message = {}};
      co_return fail(not_sold(std::move(e)));  // refused before anything was sent
    }
    std::vector<field_error> ignored;
    const label_order order{
        .product_code = std::string(choose_product(request, ignored)->code),
        .output_printing_type = std::string(output_printing_type(request.format, request.size)),
        .deposit_date = request.ship_date.empty()
                            ? france_.local_iso_date(std::chrono::system_clock::now())
                            : request.ship_date};

    carriers::outbound_request out;
    out.method = "POST";
    out.url = base_url_ + std::string(kGenerateLabelPath);
    out.headers = {{.name = "Content-Type", .value = "application/json;charset=UTF-8"},
                   {.name = "Accept", .value = "multipart/mixed, application/json"}};
    out.body = build_generate_label_request(request, account_, order);
    out.idempotent = false;  // a purchase: never resent once a byte may have reached Colissimo
    out.operation = "create_label";

    auto response = co_await c.send(std::move(out));
    if (!response) {
      error e = std::move(response.error());
      if (e.carrier.empty()) e.carrier = std::string(kCarrierId);
      co_return fail(std::move(e));
    }
    co_return parse_generate_label_response(*response, order, request.format);
  }

  carriers::task<result<std::vector<carriers::collection_point>>> find_points(
      const carriers::point_query& query, carriers::call& c) override {
    if (points_url_.empty())
      co_return fail(error{.kind = error_kind::internal,
                           .message = "the Colissimo adapter is not configured",
                           .carrier = std::string(kCarrierId)});
    // Without a shipping date the search uses France's today, as depositDate does for labels:
    // La Poste's services reason in French dates, which run ahead of UTC around midnight.
    auto search =
        make_points_search(query, france_.local_iso_date(std::chrono::system_clock::now()));
    if (!search) co_return fail(std::move(search.error()));
    carriers::outbound_request out =
        points_request(points_url_, build_find_points_request(*search, account_), "find_points");
    auto response = co_await c.send(std::move(out));
    if (!response) co_return fail(with_carrier(std::move(response.error())));
    co_return parse_find_points_response(*response, query.limit);
  }

  carriers::task<result<carriers::collection_point>> find_point(std::string_view country,
                                                                std::string_view native_id,
                                                                carriers::call& c) override {
    if (points_url_.empty())
      co_return fail(error{.kind = error_kind::internal,
                           .message = "the Colissimo adapter is not configured",
                           .carrier = std::string(kCarrierId)});
    // Colissimo's ids are 6 digits: anything else cannot name one of its points.
    if (!valid_point_id(native_id))
      co_return fail(error{.kind = error_kind::not_found,
                           .message = "Colissimo point ids are 6 digits",
                           .carrier = std::string(kCarrierId)});
    const auto date = wire_date(france_.local_iso_date(std::chrono::system_clock::now()));
    carriers::outbound_request out = points_request(
        points_url_, build_find_point_request(native_id, date.value_or(""), account_),
        "find_point");
    auto response = co_await c.send(std::move(out));
    if (!response) co_return fail(with_carrier(std::move(response.error())));
    co_return parse_find_point_response(*response, country, native_id);
  }

  carriers::task<result<std::vector<carriers::pickup_slot>>> pickup_slots(
      const address& at, std::string_view from_date, carriers::call& c) override {
    if (base_url_.empty())
      co_return fail(not_sold(error{.kind = error_kind::internal,
                                    .message = "the Colissimo adapter is not configured",
                                    .carrier = std::string(kCarrierId)}));
    if (auto problems = check_pickup_address(at); !problems.empty())
      co_return fail(
          not_sold(error{.kind = error_kind::invalid_request,
                         .message = "the address does not fit a Colissimo mailbox pickup",
                         .fields = std::move(problems),
                         .carrier = std::string(kCarrierId)}));
    auto offered = co_await list_picking_dates(at, c);
    if (!offered) co_return fail(std::move(offered.error()));
    co_return to_pickup_slots(*offered, from_date, france_);
  }

  // One planPickup per parcel, after checking that Colissimo offers the date at that address.
  // Everything before the first planPickup proves nothing was booked (not_sold); a failure after
  // some parcels were planned says which (partial_booking_error).
  carriers::task<result<carriers::pickup_confirmation>> book_pickup(
      const carriers::pickup_request& request, carriers::call& c) override {
    if (base_url_.empty())
      co_return fail(not_sold(error{.kind = error_kind::internal,
                                    .message = "the Colissimo adapter is not configured",
                                    .carrier = std::string(kCarrierId)}));
    if (auto problems = check_pickup_request(request); !problems.empty())
      co_return fail(not_sold(error{.kind = error_kind::invalid_request,
                                    .message = "the pickup does not fit Colissimo",
                                    .fields = std::move(problems),
                                    .carrier = std::string(kCarrierId)}));
    auto offered = co_await list_picking_dates(request.at, c);
    if (!offered) co_return fail(not_sold(std::move(offered.error())));  // a query books nothing
    if (std::find(offered->dates.begin(), offered->dates.end(), request.date) ==
        offered->dates.end()) {
      std::string dates;
      for (const auto& d : offered->dates) dates += (dates.empty() ? "" : ", ") + d;
      co_return fail(not_sold(
          error{.kind = error_kind::invalid_request,
                .message = "Colissimo does not offer a mailbox pickup on that date at that address",
                .fields = {field_error{.field = "date",
                                       .message = "not offered; offered dates: " +
                                                  (dates.empty() ? std::string("none") : dates)}},
                .carrier = std::string(kCarrierId)}));
    }
    std::vector<std::string> parcels;
    for (const auto& p : request.parcels)
      if (std::find(parcels.begin(), parcels.end(), p.tracking_number) == parcels.end())
        parcels.push_back(p.tracking_number);
    std::vector<std::string> booked;
    for (std::size_t i = 0; i < parcels.size(); ++i) {
      carriers::outbound_request out = sls_request(
          kPlanPickupPath,
          build_plan_pickup_request(request.at, parcels[i], request.date, account_), "book_pickup");
      out.idempotent = false;  // a booking: never resent once a byte may have reached Colissimo
      auto response = co_await c.send(std::move(out));
      result<void> planned = response
                                 ? parse_plan_pickup_response(*response)
                                 : result<void>(fail(with_carrier(std::move(response.error()))));
      if (!planned) {
        std::vector<std::string> rest(parcels.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                      parcels.end());
        co_return fail(partial_booking_error(std::move(planned.error()), booked, parcels[i], rest,
                                             request.date));
      }
      booked.push_back(parcels[i]);
    }
    co_return pickup_confirmation_of(booked, request.date);
  }

  carriers::task<result<void>> cancel_pickup(const carriers::pickup_ref&,
                                             carriers::call&) override {
    // caps().pickup_cancel == "none": the SLS service publishes no call to cancel a mailbox
    // pickup (only getListMailBoxPickingDates and planPickup).
    co_return fail(not_sold(error{
        .kind = error_kind::unsupported,
        .message = "Colissimo offers no cancellation of a mailbox pickup: leave the parcel out of "
                   "the mailbox and the postman takes nothing",
        .carrier = std::string(kCarrierId)}));
  }

  carriers::task<result<void>> cancel_label(const shipment_ref&, carriers::call&) override {
    // caps().cancel == "local": nothing to tell Colissimo, an unscanned label is never billed.
    co_return result<void>{};
  }

  // More than caps().tracking_batch numbers are refused (invalid_request), not split: the core's
  // scheduler owns the request budget, and one call must stay one request.
  carriers::task<result<carriers::tracking_batch>> track(
      const std::vector<std::string>& tracking_numbers, carriers::call& c) override {
    auto refuse = [](error_kind kind, std::string message) {
      return fail(not_sold(error{.kind = kind,
                                 .message = std::move(message),
                                 .fields = {},
                                 .carrier = std::string(kCarrierId),
                                 .carrier_code = {},
                                 .carrier_message = {},
                                 .retry_after_s = 0,
                                 .sale = sale_outcome::unknown}));
    };
    if (tracking_url_.empty())
      co_return refuse(error_kind::internal, "the Colissimo adapter is not configured");
    if (okapi_key_.empty())
      co_return refuse(error_kind::auth_failed,
                       "Colissimo tracking needs a La Poste Okapi key: set "
                       "carriers.colissimo.okapi_key (nothing was sent)");
    if (tracking_numbers.size() > kSuiviMaxIds)
      co_return refuse(error_kind::invalid_request, "La Poste Suivi takes at most " +
                                                        std::to_string(kSuiviMaxIds) +
                                                        " tracking numbers per request, got " +
                                                        std::to_string(tracking_numbers.size()));
    carriers::tracking_batch batch;
    std::vector<std::string> ids;
    for (const auto& n : tracking_numbers) {
      if (valid_suivi_id(n)) {
        if (std::find(ids.begin(), ids.end(), n) == ids.end()) ids.push_back(n);
        continue;
      }
      batch.misses.push_back(carriers::tracking_miss{
          .tracking_number = n,
          .why = error{.kind = error_kind::invalid_request,
                       .message = "not a La Poste tracking number (11 to 15 letters or digits)",
                       .fields = {},
                       .carrier = std::string(kCarrierId),
                       .carrier_code = {},
                       .carrier_message = {},
                       .retry_after_s = 0,
                       .sale = sale_outcome::unknown}});
    }
    if (ids.empty()) co_return batch;

    carriers::outbound_request out;
    out.method = "GET";
    out.url = suivi_url(tracking_url_, ids);
    out.headers = {{.name = "X-Okapi-Key", .value = okapi_key_},
                   {.name = "Accept", .value = "application/json"}};
    out.idempotent = true;
    out.operation = "track";
    out.retry = tracking_policy();
    auto response = co_await c.send(std::move(out));
    if (!response) {
      error e = std::move(response.error());
      if (e.carrier.empty()) e.carrier = std::string(kCarrierId);
      co_return fail(std::move(e));
    }
    auto polled = parse_suivi_response(*response, ids);
    if (!polled) co_return fail(std::move(polled.error()));
    for (auto& m : batch.misses) polled->misses.push_back(std::move(m));
    co_return std::move(*polled);
  }

 private:
  carriers::outbound_request sls_request(std::string_view path, std::string body,
                                         std::string operation) const {
    carriers::outbound_request out;
    out.method = "POST";
    out.url = base_url_ + std::string(path);
    out.headers = {{.name = "Content-Type", .value = "application/json;charset=UTF-8"},
                   {.name = "Accept", .value = "application/json"}};
    out.body = std::move(body);
    out.operation = std::move(operation);
    return out;
  }

  carriers::task<result<picking_dates>> list_picking_dates(const address& at, carriers::call& c) {
    carriers::outbound_request out =
        sls_request(kPickingDatesPath, build_picking_dates_request(at, account_), "pickup_slots");
    out.idempotent = true;  // a query
    out.retry = tracking_policy();
    auto response = co_await c.send(std::move(out));
    if (!response) co_return fail(with_carrier(std::move(response.error())));
    co_return parse_picking_dates_response(*response, france_);
  }

  static error with_carrier(error e) {
    if (e.carrier.empty()) e.carrier = std::string(kCarrierId);
    return e;
  }

  std::string base_url_;
  std::string tracking_url_;
  std::string points_url_;
  std::string okapi_key_;
  account account_;
  time_zone france_;
};

}  // namespace

std::unique_ptr<carriers::carrier_adapter> make_colissimo_adapter() {
  return std::make_unique<colissimo_adapter>();
}

}  // namespace parcelgate::adapters
