#include "tests/adapters/null_adapter.hpp"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

namespace parcelgate::adapter_testing {

namespace {

using namespace std::chrono_literals;

constexpr int kMaxWeightG = 30'000;

// ---- rules --------------------------------------------------------------------------------------

bool http_url(std::string_view u) {
  for (std::string_view scheme : {"http://", "https://"})
    if (u.starts_with(scheme) && u.size() > scheme.size() &&
        u.substr(scheme.size()).find_first_of("/?#") != 0)
      return true;
  return false;
}

std::vector<field_error> check_shipment(const shipment_request& r) {
  std::vector<field_error> errors;
  auto add = [&errors](std::string field, std::string message) {
    errors.push_back(field_error{.field = std::move(field), .message = std::move(message)});
  };
  if (r.service != service_level::home) add("service", "the null carrier delivers home only");
  if (!r.carrier_service.empty() && r.carrier_service != "HOME")
    add("carrier_service", "the null carrier's only product is HOME");
  if (r.parcels.size() != 1) add("parcels", "the null carrier takes one parcel per label");
  for (std::size_t i = 0; i < r.parcels.size(); ++i)
    if (r.parcels[i].weight_g > kMaxWeightG)
      add("parcels[" + std::to_string(i) + "].weight_g", "the null carrier takes 30000 g at most");
  if (r.format != label_format::pdf) add("label.format", "the null carrier prints PDF labels only");
  if (r.size != label_size::a6) add("label.size", "the null carrier prints A6 labels only");
  return errors;
}

// ---- wire ---------------------------------------------------------------------------------------

std::string purchase_body(const shipment_request& r, std::string_view account) {
  auto line = [](std::string_view key, std::string_view value) {
    std::string v(value);
    std::replace(v.begin(), v.end(), '\n', ' ');
    return std::string(key) + "=" + v + "\n";
  };
  return line("account", account) + line("shipment", r.shipment_id) +
         line("reference", r.reference) + line("service", "HOME") +
         line("weight_g", std::to_string(r.parcels.front().weight_g)) +
         line("to_country", r.to.country) + line("to_postal_code", r.to.postal_code);
}

// Value of `key` in "key=value" lines before the first empty line; empty when absent.
std::string value_of(std::string_view head, std::string_view key) {
  while (!head.empty()) {
    const auto end = head.find('\n');
    const std::string_view line = head.substr(0, end);
    if (line.starts_with(key) && line.size() > key.size() && line[key.size()] == '=')
      return std::string(line.substr(key.size() + 1));
    if (end == std::string_view::npos) break;
    head.remove_prefix(end + 1);
  }
  return {};
}

error carrier_error(error_kind kind, std::string message, const carriers::outbound_response& a) {
  return error{.kind = kind,
               .message = std::move(message),
               .fields = {},
               .carrier = std::string(kNullCarrierId),
               .carrier_code = "HTTP " + std::to_string(a.status),
               .carrier_message = a.body.substr(0, 200)};
}

result<label_result> parse_sale(const carriers::outbound_response& a) {
  if (a.status == 401 || a.status == 403)
    return fail(not_sold(
        carrier_error(error_kind::auth_failed, "the null carrier refused our account", a)));
  const auto split = a.body.find("\n\n");
  const std::string_view head = std::string_view(a.body).substr(0, split);
  if (a.status == 422 && !value_of(head, "refused").empty()) {
    error e = carrier_error(error_kind::rejected, value_of(head, "message"), a);
    e.carrier_code = value_of(head, "refused");
    if (auto field = value_of(head, "field"); !field.empty())
      e.fields.push_back(field_error{.field = std::move(field), .message = e.message});
    return fail(not_sold(std::move(e)));  // the carrier's own refusal, in its own format
  }
  if (a.status >= 500)
    return fail(carrier_error(error_kind::unavailable, "the null carrier is unavailable", a));
  const std::string tracking = value_of(head, "tracking");
  if (a.status != 201 || split == std::string::npos || tracking.empty() ||
      !std::string_view(a.body).substr(split + 2).starts_with("%PDF-"))
    return fail(carrier_error(error_kind::bad_gateway,
                              "the null carrier answered something unreadable", a));
  label_result out;
  out.tracking_number = tracking;
  out.carrier_service = "HOME";
  out.label = a.body.substr(split + 2);
  out.format = label_format::pdf;
  return out;
}

// ---- flow ---------------------------------------------------------------------------------------

class null_adapter final : public carriers::carrier_adapter {
 public:
  std::string_view id() const noexcept override { return kNullCarrierId; }
  std::string_view display_name() const noexcept override {
    return "Null carrier (conformance reference)";
  }

  std::vector<carriers::setting_spec> settings_schema() const override {
    using spec = carriers::setting_spec;
    return {spec{.key = "base_url",
                 .required = true,
                 .default_value = "",
                 .secret = false,
                 .description = "root of the null carrier's API"},
            spec{.key = "account",
                 .required = true,
                 .default_value = "",
                 .secret = false,
                 .description = "account the labels are billed to"},
            spec{.key = "token",
                 .required = true,
                 .default_value = "",
                 .secret = true,
                 .description = "bearer token"}};
  }

  std::vector<field_error> configure(const carriers::carrier_settings& settings) override {
    std::vector<field_error> errors;
    auto value = [&](std::string_view key) {
      auto it = settings.find(key);
      return it == settings.end() ? std::string{} : it->second;
    };
    std::string base = value("base_url");
    while (base.ends_with('/')) base.pop_back();
    if (!http_url(base))
      errors.push_back(
          field_error{.field = "base_url", .message = "must be an http:// or https:// URL"});
    if (value("account").empty())
      errors.push_back(field_error{.field = "account", .message = "must not be empty"});
    if (value("token").empty())
      errors.push_back(field_error{.field = "token", .message = "must not be empty"});
    if (errors.empty()) {
      base_url_ = std::move(base);
      account_ = value("account");
      token_ = value("token");
    }
    return errors;
  }

  carriers::capabilities caps() const override {
    carriers::capabilities c;
    c.labels = true;
    c.cancel = "carrier";
    c.cancel_note = "DELETE on the label voids it";
    c.services = {service_level::home};
    c.label_formats = {label_format::pdf};
    c.label_sizes = {label_size::a6};
    c.max_parcels = 1;
    return c;
  }

  std::vector<field_error> validate(const shipment_request& request) const override {
    return check_shipment(request);
  }

  carriers::task<result<label_result>> create_label(const shipment_request& request,
                                                    carriers::call& c) override {
    if (base_url_.empty())
      co_return fail(
          not_sold(make_error(error_kind::internal, "the null adapter is not configured").error()));
    if (auto errors = check_shipment(request); !errors.empty()) {
      error e{.kind = error_kind::invalid_request,
              .message = "the shipment does not fit the null carrier",
              .fields = std::move(errors),
              .carrier = std::string(kNullCarrierId),
              .carrier_code = {},
              .carrier_message = {}};
      co_return fail(not_sold(std::move(e)));
    }
    carriers::outbound_request buy;
    buy.method = "POST";
    buy.url = base_url_ + "/labels";
    buy.headers = {{.name = "Content-Type", .value = "text/plain; charset=utf-8"},
                   {.name = "Authorization", .value = "Bearer " + token_}};
    buy.body = purchase_body(request, account_);
    buy.idempotent = false;
    buy.operation = "create_label";
    auto answer = co_await c.send(std::move(buy));
    if (!answer) {
      error e = std::move(answer.error());  // keeps what the core proved about the sale
      if (e.carrier.empty()) e.carrier = std::string(kNullCarrierId);
      co_return fail(std::move(e));
    }
    co_return parse_sale(*answer);
  }

  carriers::task<result<void>> cancel_label(const shipment_ref& shipment,
                                            carriers::call& c) override {
    carriers::outbound_request void_request;
    void_request.method = "DELETE";
    void_request.url = base_url_ + "/labels/" + shipment.tracking_number;
    void_request.headers = {{.name = "Authorization", .value = "Bearer " + token_}};
    void_request.idempotent = true;  // voiding twice voids once
    void_request.operation = "cancel_label";
    void_request.retry = carriers::retry_policy{.attempts = 2,
                                                .backoff = {100ms},
                                                .expect_status = 204,
                                                .expect_body_prefix = "",
                                                .retry_transport_failures = true};
    auto answer = co_await c.send(std::move(void_request));
    if (!answer) {
      error e = std::move(answer.error());
      if (e.carrier.empty()) e.carrier = std::string(kNullCarrierId);
      co_return fail(std::move(e));
    }
    if (answer->status == 204) co_return result<void>{};
    if (answer->status == 404)
      co_return fail(carrier_error(error_kind::not_found,
                                   "the null carrier does not know this label", *answer));
    co_return fail(carrier_error(error_kind::unavailable,
                                 "the null carrier could not void the label", *answer));
  }

 private:
  std::string base_url_, account_, token_;
};

}  // namespace

std::unique_ptr<carriers::carrier_adapter> make_null_adapter() {
  return std::make_unique<null_adapter>();
}

carriers::outbound_response null_carrier_sale(std::string_view tracking, std::string_view pdf) {
  return carriers::outbound_response{
      .status = 201,
      .headers = {{.name = "Content-Type", .value = "text/plain; charset=utf-8"}},
      .body = "tracking=" + std::string(tracking) + "\n\n" + std::string(pdf)};
}

}  // namespace parcelgate::adapter_testing
