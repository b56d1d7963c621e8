// The Mondial Relay call flow: settings, capabilities, and for each operation
// rules (rules.hpp) -> encode (wire.hpp) -> send through `call` -> decode. No timers here: the
// label download's retries are a retry_policy the core carries out.
#include "adapters/mondialrelay/adapter.hpp"

#include <chrono>
#include <iterator>
#include <memory>

#include "adapters/mondialrelay/points.hpp"
#include "adapters/mondialrelay/rules.hpp"
#include "adapters/mondialrelay/tracking.hpp"
#include "adapters/mondialrelay/wire.hpp"

namespace parcelgate::adapters {

namespace {

namespace mr = mondialrelay;
using namespace std::chrono_literals;

// The PDF is generated on demand and the first GET right after the purchase sometimes gets an
// error page: three exchanges, 250 ms then 500 ms apart, until a 200 whose body is a PDF.
carriers::retry_policy label_download_policy() {
  return carriers::retry_policy{.attempts = 3,
                                .backoff = {250ms, 500ms},
                                .expect_status = 200,
                                .expect_body_prefix = "%PDF-",
                                .retry_transport_failures = true};
}

std::string without_trailing_slash(std::string s) {
  while (s.ends_with('/')) s.pop_back();
  return s;
}

std::string lookup(const carriers::carrier_settings& s, std::string_view key) {
  auto it = s.find(key);
  return it == s.end() ? std::string{} : it->second;
}

class mondialrelay_adapter final : public carriers::carrier_adapter {
 public:
  std::string_view id() const noexcept override { return mr::kCarrierId; }
  std::string_view display_name() const noexcept override { return "Mondial Relay"; }

  std::vector<carriers::setting_spec> settings_schema() const override {
    using spec = carriers::setting_spec;
    return {
        spec{.key = "base_url",
             .required = true,
             .default_value = "",
             .secret = false,
             .description = "SOAP host; the endpoint is base_url + /Web_Services.asmx"},
        spec{.key = "label_base_url",
             .required = false,
             .default_value = "",
             .secret = false,
             .description =
                 "host the relative URL_Etiquette is resolved against; defaults to base_url"},
        spec{.key = "enseigne",
             .required = true,
             .default_value = "",
             .secret = false,
             .description = "Mondial Relay brand code (8 characters, e.g. BDTEST13)"},
        spec{.key = "private_key",
             .required = true,
             .default_value = "",
             .secret = true,
             .description = "private key of the Security MD5 hash"},
        spec{
            .key = "collection_mode",
            .required = false,
            .default_value = "CCC",
            .secret = false,
            .description =
                "outbound collection: CCC (collected at the merchant) or REL (dropped at a relay)"},
    };
  }

  std::vector<field_error> configure(const carriers::carrier_settings& settings) override {
    std::vector<field_error> errors;
    auto add = [&errors](std::string key, std::string message) {
      errors.push_back(field_error{.field = std::move(key), .message = std::move(message)});
    };
    std::string base = without_trailing_slash(lookup(settings, "base_url"));
    std::string labels = without_trailing_slash(lookup(settings, "label_base_url"));
    std::string enseigne = lookup(settings, "enseigne"), key = lookup(settings, "private_key");
    std::string col = lookup(settings, "collection_mode");
    if (col.empty()) col = "CCC";
    if (!mr::valid_http_url(base)) add("base_url", "must be an http:// or https:// URL");
    if (!labels.empty() && !mr::valid_http_url(labels))
      add("label_base_url", "must be an http:// or https:// URL");
    if (!mr::valid_enseigne(enseigne))
      add("enseigne", "must be 8 characters, digits or uppercase letters");
    if (key.empty()) add("private_key", "must not be empty");
    if (!mr::valid_collection_mode(col)) add("collection_mode", "must be CCC or REL");
    if (!errors.empty()) return errors;
    base_url_ = base;
    label_base_url_ = labels.empty() ? base : labels;
    account_ = mr::account{.enseigne = enseigne, .private_key = key};
    collection_mode_ = col;
    // Tracing dates are French wall-clock times; without the zone, track() says so and fails.
    auto zone = time_zone::load(mr::kServiceTimeZone);
    if (zone)
      paris_ = std::make_shared<const time_zone>(std::move(*zone));
    else
      zone_problem_ = zone.error().message;
    return errors;
  }

  carriers::capabilities caps() const override {
    carriers::capabilities c;
    c.labels = true;
    c.cancel = "local";
    c.cancel_note =
        "The WSI service has no void operation. Contract accounts are invoiced for parcels Mondial "
        "Relay "
        "scans; prepaid accounts are debited when the label is created and an unused label is "
        "refunded "
        "only through Mondial Relay customer service.";
    c.returns = true;
    // Label-less returns: the gateway issues the code; the Point Relais that scans it has the
    // label bought then (docs/labelless-returns.md).
    c.labelless_returns = true;
    // WSI2_TracingColisDetaille takes one Expedition; Mondial Relay publishes no request rate.
    c.tracking_poll = true;
    c.tracking_batch = mr::kTracingBatch;
    c.tracking_requests_per_s = 0;
    // WSI4_PointRelais_Recherche: relay shops and lockers (no post offices in this network).
    c.points = true;
    c.max_parcels = 1;
    c.max_parcels_note =
        "one parcel per label with HOM and 24R; up to 99 parcels with carrier_service LD1 or LDS "
        "(heavy home delivery) or 24L (XL relay)";
    c.services = {service_level::home, service_level::pickup_point, service_level::locker};
    c.label_formats = {label_format::pdf};
    // Stickers are 10x15 cm (4x6 inch stock) or A4: an a6 request is printed on 4x6 and the
    // shipment says so (wire.hpp printed_size).
    c.label_sizes = {label_size::in4x6, label_size::a4};
    c.destination_countries.assign(mr::kServedCountries.begin(), mr::kServedCountries.end());
    return c;
  }

  std::vector<field_error> validate(const shipment_request& request) const override {
    return mr::check_shipment(request, collection_mode_);
  }

  carriers::task<result<label_result>> create_label(const shipment_request& request,
                                                    carriers::call& c) override {
    mr::delivery_plan plan;
    if (auto errors = mr::check_shipment(request, collection_mode_, plan); !errors.empty()) {
      error e{.kind = error_kind::invalid_request,
              .message = "the shipment does not fit Mondial Relay's rules",
              .fields = std::move(errors),
              .carrier = std::string(mr::kCarrierId),
              .carrier_code = {},
              .carrier_message = {}};
      co_return fail(not_sold(std::move(e)));  // refused before anything was sent
    }

    // Purchase: WSI2_CreationEtiquette, sent once.
    carriers::outbound_request soap;
    soap.method = "POST";
    soap.url = base_url_ + std::string(mr::kSoapPath);
    soap.headers = {{.name = "Content-Type", .value = "text/xml; charset=utf-8"},
                    {.name = "SOAPAction", .value = mr::soap_action(mr::kCreationOperation)}};
    soap.body = mr::build_envelope(mr::kCreationOperation,
                                   mr::build_creation_params(request, plan, account_));
    soap.idempotent = false;
    soap.operation = "create_label";
    auto answer = co_await c.send(std::move(soap));
    if (!answer) co_return fail(tagged(std::move(answer.error())));
    auto parsed = mr::parse_creation_response(answer->status, answer->body);
    if (!parsed) co_return fail(std::move(parsed.error()));
    if (!mr::creation_succeeded(parsed->stat))
      co_return fail(mr::creation_error(parsed->stat, plan));

    // The PDF of the label just bought: a GET the core may repeat (label_download_policy).
    carriers::outbound_request get;
    get.method = "GET";
    get.url =
        mr::label_url(label_base_url_, parsed->url_etiquette, mr::sticker_format(request.size));
    get.headers = {{.name = "Accept", .value = "application/pdf"}};
    get.idempotent = true;
    get.operation = "fetch_label";
    get.retry = label_download_policy();
    const carriers::retry_policy policy = get.retry;
    auto pdf = co_await c.send(std::move(get));
    if (!pdf || policy.retries(pdf))
      co_return fail(label_download_error(parsed->expedition_num, pdf));

    label_result out;
    out.tracking_number = parsed->expedition_num;
    out.carrier_service = plan.mode_liv;
    out.label = std::move(pdf->body);
    out.format = label_format::pdf;
    out.size = mr::printed_size(mr::sticker_format(request.size));
    auto dest_cp = mr::normalize_postcode(request.to.country, request.to.postal_code);
    out.tracking_url = mr::tracking_url(parsed->expedition_num, dest_cp.value_or(std::string{}));
    co_return out;
  }

  carriers::task<result<void>> cancel_label(const shipment_ref&, carriers::call&) override {
    // caps().cancel == "local": nothing to call, see cancel_note.
    co_return result<void>{};
  }

  carriers::task<result<carriers::tracking_batch>> track(
      const std::vector<std::string>& tracking_numbers, carriers::call& c) override {
    if (!paris_)
      co_return fail(
          error{.kind = error_kind::internal,
                .message = "the Europe/Paris time zone could not be loaded: " + zone_problem_,
                .fields = {},
                .carrier = std::string(mr::kCarrierId),
                .carrier_code = {},
                .carrier_message = {}});
    carriers::tracking_batch out;
    // One Expedition per call (caps().tracking_batch == 1); a longer list is polled in turn.
    for (const auto& number : tracking_numbers) {
      if (!mr::valid_expedition(number)) {
        out.misses.push_back(carriers::tracking_miss{
            .tracking_number = number,
            .why = error{.kind = error_kind::invalid_request,
                         .message = "a Mondial Relay expedition number has 8 digits",
                         .fields = {},
                         .carrier = std::string(mr::kCarrierId),
                         .carrier_code = {},
                         .carrier_message = {}}});
        continue;
      }
      auto answer = co_await c.send(mr::build_tracing_request(base_url_, account_, number));
      if (!answer) co_return fail(tagged(std::move(answer.error())));
      auto batch = mr::decode_tracking(number, answer->status, answer->body, *paris_);
      if (!batch) co_return fail(std::move(batch.error()));
      std::move(batch->events.begin(), batch->events.end(), std::back_inserter(out.events));
      std::move(batch->misses.begin(), batch->misses.end(), std::back_inserter(out.misses));
    }
    co_return out;
  }

  carriers::task<result<std::vector<carriers::collection_point>>> find_points(
      const carriers::point_query& query, carriers::call& c) override {
    // Mondial Relay has no point outside the countries it serves: nothing to ask.
    if (!mr::served(query.country)) co_return std::vector<carriers::collection_point>{};
    auto params = mr::build_point_search_params(query, account_);
    if (!params) co_return fail(std::move(params.error()));
    carriers::outbound_request request =
        mr::build_points_request(base_url_, *params, "find_points");
    auto answer = co_await c.send(std::move(request));
    if (!answer) co_return fail(tagged(std::move(answer.error())));
    co_return mr::decode_point_search(answer->status, answer->body, query);
  }

  carriers::task<result<carriers::collection_point>> find_point(std::string_view country,
                                                                std::string_view native_id,
                                                                carriers::call& c) override {
    auto number = mr::point_number(native_id);
    if (!number || !mr::served(country))
      co_return fail(error{.kind = error_kind::not_found,
                           .message = "Mondial Relay has no point " + std::string(native_id) +
                                      " in " + std::string(country),
                           .fields = {},
                           .carrier = std::string(mr::kCarrierId),
                           .carrier_code = {},
                           .carrier_message = {}});
    // Copied before the first suspension: the views need not outlive it.
    const std::string pays(country);
    carriers::outbound_request request = mr::build_points_request(
        base_url_, mr::build_point_lookup_params(pays, *number, account_), "find_point");
    auto answer = co_await c.send(std::move(request));
    if (!answer) co_return fail(tagged(std::move(answer.error())));
    co_return mr::decode_point_lookup(answer->status, answer->body, pays, *number);
  }

 private:
  error tagged(error e) const {
    if (e.carrier.empty()) e.carrier = std::string(mr::kCarrierId);
    return e;
  }

  // The label was bought but its PDF did not come: say which one, with the last answer seen.
  static error label_download_error(const std::string& expedition,
                                    const result<carriers::outbound_response>& last) {
    std::string code, text;
    if (!last) {
      code = std::string(to_string(last.error().kind));
      text = last.error().message;
    } else if (last->status != 200) {
      code = "HTTP " + std::to_string(last->status);
      text = last->body.substr(0, 200);
    } else {
      code = "not a PDF";
      text = last->body.substr(0, 200);
    }
    return error{.kind = error_kind::bad_gateway,
                 .message = "label " + expedition + " bought but its PDF could not be fetched",
                 .fields = {},
                 .carrier = std::string(mr::kCarrierId),
                 .carrier_code = std::move(code),
                 .carrier_message = std::move(text)};
  }

  std::string base_url_, label_base_url_, collection_mode_ = "CCC";
  mr::account account_;
  std::shared_ptr<const time_zone> paris_;
  std::string zone_problem_ = "not configured";
};

}  // namespace

std::unique_ptr<carriers::carrier_adapter> make_mondialrelay_adapter() {
  return std::make_unique<mondialrelay_adapter>();
}

}  // namespace parcelgate::adapters
