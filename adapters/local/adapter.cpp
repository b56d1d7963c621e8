// The `local` network's flow: settings, capabilities, and create_label as
// rules (rules.hpp) -> tracking number (tracking_number.hpp) -> label content (label_content.hpp)
// -> labels::render. `call` is never used: nothing is bought from anyone.
#include "adapters/local/adapter.hpp"

#include "adapters/local/label_content.hpp"
#include "adapters/local/rules.hpp"
#include "gateway/labels/label.hpp"

namespace parcelgate::adapters {

namespace {

namespace lc = local;

std::string lookup(const carriers::carrier_settings& s, std::string_view key) {
  auto it = s.find(key);
  return it == s.end() ? std::string{} : it->second;
}

// Every failure of a local sale is proven: nothing left the process, so nothing was sold and the
// Idempotency-Key may be used again.
error local_error(error_kind kind, std::string message) {
  return not_sold(error{.kind = kind,
                        .message = std::move(message),
                        .fields = {},
                        .carrier = std::string(lc::kCarrierId),
                        .carrier_code = {},
                        .carrier_message = {}});
}

class local_adapter final : public carriers::carrier_adapter {
 public:
  std::string_view id() const noexcept override { return lc::kCarrierId; }
  std::string_view display_name() const noexcept override { return "parcelgate local network"; }

  std::vector<carriers::setting_spec> settings_schema() const override {
    using spec = carriers::setting_spec;
    return {
        spec{.key = "network_name",
             .required = false,
             .default_value = std::string(lc::kDefaultNetworkName),
             .secret = false,
             .description = "the network's name, printed in the label's header band and footer "
                            "(at most 40 characters)"},
        spec{.key = "hub_name",
             .required = false,
             .default_value = "",
             .secret = false,
             .description = "the hub the network's parcels and bags go to, printed in the "
                            "label's footer (optional, at most 40 characters)"},
    };
  }

  std::vector<field_error> configure(const carriers::carrier_settings& settings) override {
    std::vector<field_error> errors;
    std::string network = lookup(settings, "network_name");
    if (!settings.contains("network_name")) network = std::string(lc::kDefaultNetworkName);
    const std::string hub = lookup(settings, "hub_name");
    if (auto problem = lc::name_problem(network); !problem.empty())
      errors.push_back(field_error{.field = "network_name", .message = std::move(problem)});
    if (!hub.empty())
      if (auto problem = lc::name_problem(hub); !problem.empty())
        errors.push_back(field_error{.field = "hub_name", .message = std::move(problem)});
    if (!errors.empty()) return errors;
    network_ = lc::network_identity{.network_name = network, .hub_name = hub};
    return errors;
  }

  carriers::capabilities caps() const override {
    carriers::capabilities c;
    c.labels = true;
    c.cancel = "local";
    c.cancel_note =
        "The gateway prints local labels itself and buys nothing from anyone: a void is recorded "
        "by the gateway alone, and a voided label's number is never printed again.";
    c.pickups = false;
    c.tracking_poll = false;
    c.tracking_push = false;  // events come from collection-point scans
    c.points = false;
    c.returns = true;
    c.labelless_returns = true;
    c.services = {service_level::home};
    c.label_formats = {label_format::pdf, label_format::zpl, label_format::png};
    c.label_sizes = {label_size::a6, label_size::in4x6, label_size::a4};
    c.max_parcels = 1;
    return c;  // destination_countries empty: not restricted
  }

  std::vector<field_error> validate(const shipment_request& request) const override {
    return lc::check_shipment(request);
  }

  carriers::task<result<label_result>> create_label(const shipment_request& request,
                                                    carriers::call&) override {
    co_return sell(request);
  }

  // Nothing to void anywhere: the gateway records the cancellation (caps().cancel == "local").
  carriers::task<result<void>> cancel_label(const shipment_ref&, carriers::call&) override {
    co_return result<void>{};
  }

  // track, parse_push, pickups and points keep the defaults, which answer `unsupported`.

 private:
  result<label_result> sell(const shipment_request& request) const {
    if (auto errors = lc::check_shipment(request); !errors.empty()) {
      error e = local_error(error_kind::invalid_request,
                            "the shipment does not fit the local network's rules");
      e.fields = std::move(errors);
      return fail(std::move(e));
    }
    auto number = new_local_tracking_number();
    if (!number)
      return fail(local_error(error_kind::internal,
                              "no tracking number: the system's random generator failed"));
    auto label = labels::render(lc::label_content_for(request, *number, network_), request.format,
                                request.size);
    if (!label) {
      error e = std::move(label.error());
      e.carrier = std::string(lc::kCarrierId);
      return fail(not_sold(std::move(e)));
    }
    label_result out;
    out.tracking_number = std::move(*number);
    out.carrier_service = std::string(to_string(request.service));
    out.label = std::move(*label);
    out.format = request.format;
    // tracking_url stays empty: the contract's URL is the carrier's public page, and the
    // gateway's own /track/{number} page is the only one this network has.
    return out;
  }

  lc::network_identity network_{.network_name = std::string(lc::kDefaultNetworkName),
                                .hub_name = {}};
};

}  // namespace

std::unique_ptr<carriers::carrier_adapter> make_local_adapter() {
  return std::make_unique<local_adapter>();
}

}  // namespace parcelgate::adapters
