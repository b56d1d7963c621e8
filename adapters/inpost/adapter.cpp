// The InPost ShipX call flow: settings, capabilities, and for each operation
// rules (rules.hpp) -> encode (wire.hpp) -> send through `call` -> decode. No timers here: the
// wait for `confirmed` is the label download's retry_policy, carried out by the core within the
// operation's deadline.
#include "adapters/inpost/adapter.hpp"

#include <iterator>

#include "adapters/inpost/points.hpp"
#include "adapters/inpost/rules.hpp"
#include "adapters/inpost/tracking.hpp"
#include "adapters/inpost/wire.hpp"

namespace parcelgate::adapters {

namespace {

namespace ip = inpost;

constexpr std::string_view kDefaultBaseUrl = "https://api-shipx-pl.easypack24.net";
constexpr int kDefaultConfirmTimeoutS = 10;

std::string without_trailing_slash(std::string s) {
  while (s.ends_with('/')) s.pop_back();
  return s;
}

std::string lookup(const carriers::carrier_settings& s, std::string_view key) {
  auto it = s.find(key);
  return it == s.end() ? std::string{} : it->second;
}

error inpost_error(error_kind kind, std::string message, std::string code = {},
                   std::string text = {}) {
  return error{.kind = kind,
               .message = std::move(message),
               .fields = {},
               .carrier = std::string(ip::kCarrierId),
               .carrier_code = std::move(code),
               .carrier_message = std::move(text),
               .retry_after_s = 0,
               .sale = sale_outcome::unknown};
}

// Once the shipment exists at InPost, no failure proves that nothing was sold.
error after_purchase(error e, std::string_view shipment_id) {
  if (e.carrier.empty()) e.carrier = std::string(ip::kCarrierId);
  e.sale = sale_outcome::unknown;
  e.message += " (InPost shipment " + std::string(shipment_id) + " was created)";
  return e;
}

class inpost_adapter final : public carriers::carrier_adapter {
 public:
  std::string_view id() const noexcept override { return ip::kCarrierId; }
  std::string_view display_name() const noexcept override { return "InPost (ShipX)"; }

  std::vector<carriers::setting_spec> settings_schema() const override {
    using spec = carriers::setting_spec;
    return {
        spec{.key = "base_url",
             .required = false,
             .default_value = std::string(kDefaultBaseUrl),
             .secret = false,
             .description = "ShipX host (sandbox: https://sandbox-api-shipx-pl.easypack24.net)"},
        spec{.key = "token",
             .required = true,
             .default_value = "",
             .secret = true,
             .description = "organization API token from the InPost Manager (Bearer)"},
        spec{.key = "organization_id",
             .required = true,
             .default_value = "",
             .secret = false,
             .description = "numeric ShipX organization id"},
        spec{.key = "push_token",
             .required = false,
             .default_value = "",
             .secret = true,
             .description = "secret the webhook URL configured in the InPost Manager carries "
                            "(?token=); InPost signs nothing, so pushes need it"},
        spec{.key = "confirm_timeout_s",
             .required = false,
             .default_value = std::to_string(kDefaultConfirmTimeoutS),
             .secret = false,
             .description = "seconds a purchase waits for InPost to confirm the shipment (1-60), "
                            "within the carrier's timeout_s"},
        spec{.key = "sending_method",
             .required = false,
             .default_value = "dispatch_order",
             .secret = false,
             .description = "how parcels are handed to InPost: dispatch_order (collected by a "
                            "courier), parcel_locker, pok, pop, courier_pok, branch or any_point"},
    };
  }

  std::vector<field_error> configure(const carriers::carrier_settings& settings) override {
    std::vector<field_error> errors;
    auto add = [&errors](std::string key, std::string message) {
      errors.push_back(field_error{.field = std::move(key), .message = std::move(message)});
    };
    std::string base = without_trailing_slash(lookup(settings, "base_url"));
    if (!settings.contains("base_url")) base = std::string(kDefaultBaseUrl);
    const std::string token = lookup(settings, "token"), org = lookup(settings, "organization_id");
    std::string confirm = lookup(settings, "confirm_timeout_s");
    if (confirm.empty()) confirm = std::to_string(kDefaultConfirmTimeoutS);
    std::string method = lookup(settings, "sending_method");
    if (method.empty()) method = "dispatch_order";
    if (!ip::valid_http_url(base)) add("base_url", "must be an http:// or https:// URL");
    if (token.empty()) add("token", "must not be empty");
    if (!ip::valid_organization_id(org))
      add("organization_id", "must be the numeric ShipX organization id");
    auto seconds = ip::parse_confirm_timeout(confirm);
    if (!seconds) add("confirm_timeout_s", "must be whole seconds from 1 to 60");
    if (!ip::valid_sending_method(method))
      add("sending_method",
          "must be dispatch_order, parcel_locker, pok, pop, courier_pok, branch or any_point");
    if (!errors.empty()) return errors;
    account_ = ip::account{.base_url = base, .token = token, .organization_id = org};
    confirm_timeout_s_ = *seconds;
    sending_method_ = method;
    return errors;
  }

  carriers::capabilities caps() const override {
    carriers::capabilities c;
    c.labels = true;
    c.cancel = "carrier";
    c.cancel_note =
        "DELETE /v1/shipments/{id}: InPost voids a shipment only before its label is generated "
        "(statuses created, offers_prepared, offer_selected); a confirmed shipment is refused "
        "with 409 and the label can no longer be voided through the API.";
    c.tracking_poll = true;
    c.tracking_push = true;
    c.tracking_batch = ip::kTrackingBatch;
    c.tracking_requests_per_s = ip::kTrackingRequestsPerS;
    c.points = true;
    c.max_parcels = 1;
    c.services = {service_level::locker, service_level::pickup_point, service_level::home};
    c.label_formats = {label_format::pdf, label_format::zpl};
    c.label_sizes = {label_size::a6};
    c.destination_countries = {std::string(ip::kCountry)};
    return c;
  }

  std::vector<field_error> validate(const shipment_request& request) const override {
    return ip::check_shipment(request);
  }

  carriers::task<result<label_result>> create_label(const shipment_request& request,
                                                    carriers::call& c) override {
    ip::shipment_plan plan;
    if (auto errors = ip::check_shipment(request, plan); !errors.empty()) {
      error e =
          inpost_error(error_kind::invalid_request, "the shipment does not fit InPost's rules");
      e.fields = std::move(errors);
      co_return fail(not_sold(std::move(e)));  // refused before anything was sent
    }
    plan.sending_method = sending_method_;

    // Purchase: sent once. InPost answers 201 with the shipment in status `created`.
    auto created = co_await c.send(ip::build_create_request(account_, request, plan));
    if (!created) co_return fail(tagged(std::move(created.error())));
    std::optional<ip::shipment_info> shipment;
    if (created->status == 200 || created->status == 201)
      shipment = ip::parse_shipment(created->body);
    if (!shipment) co_return fail(ip::creation_error(created->status, created->body));
    const std::string shipment_id = shipment->id;

    // Confirmation: the label exists once InPost has confirmed the shipment. The download is
    // repeated (confirm_policy) until it comes or the confirm window or the deadline ends.
    auto label_request =
        ip::build_label_request(account_, shipment_id, request.format, confirm_timeout_s_);
    const carriers::retry_policy policy = label_request.retry;
    auto label = co_await c.send(std::move(label_request));
    if (!label) co_return fail(after_purchase(tagged(std::move(label.error())), shipment_id));
    if (policy.retries(label) ||
        (request.format == label_format::zpl && label->body.find("^XA") == std::string::npos))
      co_return fail(not_confirmed(shipment_id, *label));

    // The tracking number of the confirmed shipment.
    auto read = co_await c.send(ip::build_read_request(account_, shipment_id));
    if (!read) co_return fail(after_purchase(tagged(std::move(read.error())), shipment_id));
    auto confirmed = read->status == 200 ? ip::parse_shipment(read->body) : std::nullopt;
    if (!confirmed || confirmed->tracking_number.empty())
      co_return fail(after_purchase(
          inpost_error(error_kind::bad_gateway,
                       "InPost gave the label but no tracking number for the shipment",
                       "HTTP " + std::to_string(read->status), read->body.substr(0, 200)),
          shipment_id));

    label_result out;
    out.tracking_number = confirmed->tracking_number;
    out.carrier_service = confirmed->service.empty() ? plan.service : confirmed->service;
    out.label = std::move(label->body);
    out.format = request.format;
    out.tracking_url = "https://inpost.pl/sledzenie-przesylek?number=" + confirmed->tracking_number;
    out.carrier_reference = shipment_id;
    co_return out;
  }

  carriers::task<result<void>> cancel_label(const shipment_ref& shipment,
                                            carriers::call& c) override {
    std::string shipment_id = shipment.carrier_reference;
    if (shipment_id.empty()) {
      // A label bought before the ShipX id was kept: find it by its tracking number.
      auto found = co_await c.send(ip::build_find_request(account_, shipment.tracking_number));
      if (!found) co_return fail(tagged(std::move(found.error())));
      auto listed = found->status == 200 ? ip::parse_first_listed(found->body) : std::nullopt;
      if (!listed) {
        if (found->status == 200)
          co_return fail(inpost_error(
              error_kind::not_found,
              "InPost lists no shipment with tracking number " + shipment.tracking_number));
        co_return fail(ip::cancel_error("with tracking number " + shipment.tracking_number,
                                        found->status, found->body));
      }
      shipment_id = listed->id;
    }
    auto answer = co_await c.send(ip::build_cancel_request(account_, shipment_id));
    if (!answer) co_return fail(tagged(std::move(answer.error())));
    if (answer->status == 204 || answer->status == 200) co_return result<void>{};
    co_return fail(ip::cancel_error(shipment_id, answer->status, answer->body));
  }

  carriers::task<result<carriers::tracking_batch>> track(
      const std::vector<std::string>& tracking_numbers, carriers::call& c) override {
    carriers::tracking_batch out;
    // One number per request (caps().tracking_batch == 1); a longer list is polled in turn.
    for (const auto& number : tracking_numbers) {
      if (!ip::valid_tracking_number(number)) {
        out.misses.push_back(carriers::tracking_miss{
            .tracking_number = number,
            .why = inpost_error(error_kind::invalid_request,
                                "an InPost tracking number has 8 to 32 digits or capitals")});
        continue;
      }
      auto answer = co_await c.send(ip::build_tracking_request(account_, number));
      if (!answer) co_return fail(tagged(std::move(answer.error())));
      auto batch = ip::decode_tracking(number, *answer);
      if (!batch) co_return fail(std::move(batch.error()));
      std::move(batch->events.begin(), batch->events.end(), std::back_inserter(out.events));
      std::move(batch->misses.begin(), batch->misses.end(), std::back_inserter(out.misses));
    }
    co_return out;
  }

  // verify_push keeps the default (no_scheme): InPost signs nothing, the core checks push_token.
  result<carriers::push_batch> parse_push(const carriers::inbound_push& push) const override {
    return ip::decode_push(push.body, account_.organization_id);
  }

  // InPost's points are all in Poland: another country, or a parcel no InPost point takes, has
  // no point, answered without asking InPost.
  carriers::task<result<std::vector<carriers::collection_point>>> find_points(
      const carriers::point_query& query, carriers::call& c) override {
    if (ip::outside_network(query)) co_return std::vector<carriers::collection_point>{};
    auto request = ip::build_points_request(account_, query);
    if (!request) co_return fail(std::move(request.error()));
    auto answer = co_await c.send(std::move(*request));
    if (!answer) co_return fail(tagged(std::move(answer.error())));
    co_return ip::decode_points(*answer, query.limit);
  }

  carriers::task<result<carriers::collection_point>> find_point(std::string_view country,
                                                                std::string_view native_id,
                                                                carriers::call& c) override {
    const std::string name(native_id);
    if (country != ip::kCountry || !ip::plausible_point_name(name))
      co_return fail(inpost_error(error_kind::not_found,
                                  "InPost has no point " + name + " in " + std::string(country)));
    auto answer = co_await c.send(ip::build_point_request(account_, name));
    if (!answer) co_return fail(tagged(std::move(answer.error())));
    co_return ip::decode_point(name, *answer);
  }

 private:
  error tagged(error e) const {
    if (e.carrier.empty()) e.carrier = std::string(ip::kCarrierId);
    return e;
  }

  // The confirmation did not come within the window (or the label download kept failing): the
  // shipment exists at InPost and may still be confirmed, so the sale stays unknown.
  error not_confirmed(const std::string& shipment_id,
                      const carriers::outbound_response& last) const {
    auto shipx = ip::parse_error(last.body);
    return inpost_error(error_kind::timeout,
                        "InPost did not confirm shipment " + shipment_id + " within " +
                            std::to_string(confirm_timeout_s_) +
                            " s; it may still be confirmed and billed",
                        shipx ? shipx->error : "HTTP " + std::to_string(last.status),
                        shipx ? shipx->message : last.body.substr(0, 200));
  }

  ip::account account_{
      .base_url = std::string(kDefaultBaseUrl), .token = {}, .organization_id = {}};
  int confirm_timeout_s_ = kDefaultConfirmTimeoutS;
  std::string sending_method_ = "dispatch_order";
};

}  // namespace

std::unique_ptr<carriers::carrier_adapter> make_inpost_adapter() {
  return std::make_unique<inpost_adapter>();
}

}  // namespace parcelgate::adapters
