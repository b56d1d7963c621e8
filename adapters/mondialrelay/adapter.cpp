#include "adapters/mondialrelay/adapter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <tuple>

#include "adapters/mondialrelay/wire.hpp"

namespace parcelgate::adapters {

namespace {

namespace mr = mondialrelay;

constexpr std::array<std::string_view, 11> kServedCountries = {"FR", "MC", "BE", "LU", "NL", "ES",
                                                               "PT", "DE", "AT", "IT", "PL"};
constexpr std::array<std::string_view, 6> kDeliveryModes = {"HOM", "24R", "24L", "LCC", "LD1", "LDS"};
constexpr int kMaxStandardWeightG = 30'000;   // Mondial Relay parcel limit outside LD1/LDS
constexpr int kMaxLongestSideMm = 1'200;      // 120 cm
constexpr int kMaxSumOfSidesMm = 1'500;       // length + width + height <= 150 cm
constexpr int kLabelAttempts = 3;
constexpr std::array<std::chrono::milliseconds, 2> kLabelBackoff = {std::chrono::milliseconds(250),
                                                                    std::chrono::milliseconds(500)};

bool served(std::string_view country) {
  return std::find(kServedCountries.begin(), kServedCountries.end(), country) != kServedCountries.end();
}

bool valid_enseigne(std::string_view e) {
  return e.size() == 8 && std::all_of(e.begin(), e.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
         });
}

bool http_url(std::string_view u) {
  for (std::string_view scheme : {"http://", "https://"})
    if (u.starts_with(scheme) && u.size() > scheme.size() && u[scheme.size()] != '/') return true;
  return false;
}

std::string without_trailing_slash(std::string s) {
  while (s.ends_with('/')) s.pop_back();
  return s;
}

std::string lookup(const carriers::carrier_settings& s, std::string_view key) {
  auto it = s.find(key);
  return it == s.end() ? std::string{} : it->second;
}

// Checks one address side of the request; `prefix` is "from" or "to".
void check_address(const address& a, std::string_view prefix, bool phone_required,
                   std::vector<field_error>& errors) {
  auto add = [&](std::string_view field, std::string message) {
    errors.push_back({std::string(prefix) + "." + std::string(field), std::move(message)});
  };
  auto name = mr::to_mr_text(a.name.empty() ? a.company : a.name, mr::text_class::address, 1000);
  if (name.size() < 2) add("name", "Mondial Relay needs a name of at least 2 Latin letters or digits");
  for (auto [field, text, required] : {std::tuple{"line1", &a.line1, true}, std::tuple{"line2", &a.line2, false}}) {
    auto line = mr::to_mr_text(*text, mr::text_class::address, 1000);
    if (required && line.size() < 2) add(field, "Mondial Relay needs a street line of at least 2 characters");
    if (line.size() > mr::kMaxAddressLine)
      add(field, "at most 32 characters once accents and unsupported characters are removed (Mondial "
                 "Relay limit); move the rest to line2");
  }
  if (mr::to_mr_text(a.city, mr::text_class::city, 1000).size() < 2)
    add("city", "Mondial Relay needs a city of at least 2 letters");
  if (!served(a.country)) {
    add("country", "Mondial Relay serves FR, MC, BE, LU, NL, ES, PT, DE, AT, IT and PL");
  } else if (!mr::normalize_postcode(a.country, a.postal_code)) {
    add("postal_code", "not a valid postcode for " + a.country + " (FR: 5 digits)");
  }
  if (a.phone.empty()) {
    if (phone_required) add("phone", "Mondial Relay requires this phone number");
  } else if (!mr::normalize_phone(a.phone)) {
    add("phone", "Mondial Relay accepts 0 followed by 9 digits or an international +CC number");
  }
}

class mondialrelay_adapter final : public carriers::carrier_adapter {
 public:
  std::string_view id() const noexcept override { return mr::kCarrierId; }
  std::string_view display_name() const noexcept override { return "Mondial Relay"; }

  std::vector<carriers::setting_spec> settings_schema() const override {
    return {
        {"base_url", true, "", false, "SOAP host; the endpoint is base_url + /Web_Services.asmx"},
        {"label_base_url", false, "", false, "host the relative URL_Etiquette is resolved against; defaults to base_url"},
        {"enseigne", true, "", false, "Mondial Relay brand code (8 characters, e.g. BDTEST13)"},
        {"private_key", true, "", true, "private key of the Security MD5 hash"},
        {"collection_mode", false, "CCC", false, "outbound collection: CCC (collected at the merchant) or REL (dropped at a relay)"},
    };
  }

  std::vector<field_error> configure(const carriers::carrier_settings& settings) override {
    std::vector<field_error> errors;
    std::string base = without_trailing_slash(lookup(settings, "base_url"));
    std::string labels = without_trailing_slash(lookup(settings, "label_base_url"));
    std::string enseigne = lookup(settings, "enseigne"), key = lookup(settings, "private_key");
    std::string col = lookup(settings, "collection_mode");
    if (col.empty()) col = "CCC";
    if (!http_url(base)) errors.push_back({"base_url", "must be an http:// or https:// URL"});
    if (!labels.empty() && !http_url(labels)) errors.push_back({"label_base_url", "must be an http:// or https:// URL"});
    if (!valid_enseigne(enseigne)) errors.push_back({"enseigne", "must be 8 characters, digits or uppercase letters"});
    if (key.empty()) errors.push_back({"private_key", "must not be empty"});
    if (col != "CCC" && col != "REL") errors.push_back({"collection_mode", "must be CCC or REL"});
    if (!errors.empty()) return errors;
    base_url_ = base;
    label_base_url_ = labels.empty() ? base : labels;
    account_ = {enseigne, key};
    collection_mode_ = col;
    return errors;
  }

  carriers::capabilities caps() const override {
    carriers::capabilities c;
    c.labels = true;
    c.cancel = "local";
    c.cancel_note =
        "The WSI service has no void operation. Contract accounts are invoiced for parcels Mondial Relay "
        "scans; prepaid accounts are debited when the label is created and an unused label is refunded "
        "only through Mondial Relay customer service.";
    c.returns = true;
    c.max_parcels = 1;
    c.max_parcels_note =
        "one parcel per label with HOM and 24R; up to 99 parcels with carrier_service LD1 or LDS "
        "(heavy home delivery) or 24L (XL relay)";
    c.services = {service_level::home, service_level::pickup_point, service_level::locker};
    c.label_formats = {label_format::pdf};
    // Stickers are 10x15 cm (4x6 inch stock) or A4: an a6 request is printed on 4x6 and the
    // shipment says so (wire.hpp printed_size).
    c.label_sizes = {label_size::in4x6, label_size::a4};
    c.destination_countries.assign(kServedCountries.begin(), kServedCountries.end());
    return c;
  }

  std::vector<field_error> validate(const shipment_request& request) const override {
    mr::delivery_plan plan;
    return check(request, plan);
  }

  carriers::task<result<label_result>> create_label(const shipment_request& request, carriers::call& c) override {
    mr::delivery_plan plan;
    if (auto errors = check(request, plan); !errors.empty()) {
      error e{error_kind::invalid_request, "the shipment does not fit Mondial Relay's rules", std::move(errors),
              std::string(mr::kCarrierId), {}, {}, 0};
      co_return fail(not_sold(std::move(e)));  // refused before anything was sent
    }
    auto params = mr::build_creation_params(request, plan, account_);
    carriers::outbound_request soap;
    soap.method = "POST";
    soap.url = base_url_ + std::string(mr::kSoapPath);
    soap.headers = {{"Content-Type", "text/xml; charset=utf-8"},
                    {"SOAPAction", mr::soap_action(mr::kCreationOperation)}};
    soap.body = mr::build_envelope(mr::kCreationOperation, params);
    soap.idempotent = false;
    soap.operation = "create_label";
    auto answer = co_await c.send(std::move(soap));
    if (!answer) co_return fail(tagged(std::move(answer.error())));
    auto parsed = mr::parse_creation_response(answer->status, answer->body);
    if (!parsed) co_return fail(std::move(parsed.error()));
    if (!mr::creation_succeeded(parsed->stat)) co_return fail(mr::creation_error(parsed->stat, plan));

    std::string url = mr::label_url(label_base_url_, parsed->url_etiquette, mr::sticker_format(request.size));
    auto pdf = co_await fetch_label(url, parsed->expedition_num, c);
    if (!pdf) co_return fail(std::move(pdf.error()));

    label_result out;
    out.tracking_number = parsed->expedition_num;
    out.carrier_service = plan.mode_liv;
    out.label = std::move(*pdf);
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

 private:
  error tagged(error e) const {
    if (e.carrier.empty()) e.carrier = std::string(mr::kCarrierId);
    return e;
  }

  // Chooses ModeCol/ModeLiv and the relay fields, and collects every field error.
  std::vector<field_error> check(const shipment_request& r, mr::delivery_plan& plan) const {
    std::vector<field_error> errors;
    bool is_return = r.dir == direction::return_;
    bool point_service = r.service == service_level::pickup_point || r.service == service_level::locker;
    if (r.service == service_level::home) {
      plan.mode_liv = is_return ? "LCC" : "HOM";
    } else if (point_service) {
      plan.mode_liv = "24R";  // lockers are relay points of the same network, addressed by their number
    } else {
      errors.push_back({"service", "Mondial Relay offers home, pickup_point and locker"});
    }
    if (!r.carrier_service.empty()) {
      bool known = std::find(kDeliveryModes.begin(), kDeliveryModes.end(), r.carrier_service) != kDeliveryModes.end();
      bool relay_code = r.carrier_service == "24R" || r.carrier_service == "24L";
      if (!known)
        errors.push_back({"carrier_service", "Mondial Relay delivery modes: HOM, 24R, 24L, LCC, LD1, LDS"});
      else if (relay_code != point_service)
        errors.push_back({"carrier_service", r.carrier_service + " does not match service " +
                                                 std::string(to_string(r.service))});
      else
        plan.mode_liv = r.carrier_service;
    }
    if (is_return || collection_mode_ == "REL") {
      plan.mode_col = "REL";
      plan.col_rel_pays = r.from.country;
      plan.col_rel = "AUTO";  // the sender drops the parcel at any relay
    } else {
      plan.mode_col = "CCC";
    }
    if (plan.relay_delivery()) {
      const std::string& id = r.pickup_point_id;
      if (id.empty() || id.size() > 6 || !std::all_of(id.begin(), id.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        errors.push_back({"pickup_point_id", "a Mondial Relay point number has up to 6 digits"});
      else
        plan.liv_rel = std::string(6 - id.size(), '0') + id;
      if (r.pickup_point_country != r.to.country)
        errors.push_back({"pickup_point_id", "the relay point must be in the recipient's country"});
      plan.liv_rel_pays = r.pickup_point_country;
    }

    if (r.format != label_format::pdf)
      errors.push_back({"label.format", "Mondial Relay WSI labels are PDF only; supported formats: pdf"});

    bool multi_ok = plan.mode_liv == "LD1" || plan.mode_liv == "LDS" || plan.mode_liv == "24L";
    if (r.parcels.size() > 1 && !multi_ok)
      errors.push_back({"parcels", "Mondial Relay ships one parcel per label with " + plan.mode_liv +
                                       "; create one shipment per parcel"});
    if (r.parcels.size() > 99) errors.push_back({"parcels", "at most 99 parcels"});
    plan.nb_colis = static_cast<int>(std::max<std::size_t>(r.parcels.size(), 1));
    bool heavy = plan.mode_liv == "LD1" || plan.mode_liv == "LDS";
    long total = 0;
    for (std::size_t i = 0; i < r.parcels.size(); ++i) {
      const auto& p = r.parcels[i];
      std::string at = "parcels[" + std::to_string(i) + "]";
      total += p.weight_g;
      if (!heavy && p.weight_g > kMaxStandardWeightG)
        errors.push_back({at + ".weight_g", "Mondial Relay accepts at most 30000 g per parcel"});
      if (p.dimensions_mm && !heavy) {
        const auto& d = *p.dimensions_mm;
        if (std::max({d.length, d.width, d.height}) > kMaxLongestSideMm)
          errors.push_back({at + ".dimensions_mm", "the longest side may not exceed 1200 mm"});
        if (d.length + d.width + d.height > kMaxSumOfSidesMm)
          errors.push_back({at + ".dimensions_mm", "length + width + height may not exceed 1500 mm"});
      }
    }
    if (total > mr::kMaxWeightDigitsG) errors.push_back({"parcels", "total weight exceeds 9999999 g"});

    bool home_delivery = plan.mode_liv == "HOM" || heavy;
    check_address(r.from, "from", true, errors);  // Expe_Tel1 is mandatory
    check_address(r.to, "to", home_delivery, errors);
    return errors;
  }

  carriers::task<result<std::string>> fetch_label(const std::string& url, const std::string& expedition,
                                                  carriers::call& c) const {
    std::string last_code, last_message;
    for (int attempt = 1; attempt <= kLabelAttempts; ++attempt) {
      carriers::outbound_request get;
      get.method = "GET";
      get.url = url;
      get.headers = {{"Accept", "application/pdf"}};
      get.idempotent = true;
      get.operation = "fetch_label";
      auto answer = co_await c.send(std::move(get));
      if (!answer) {
        last_code = std::string(to_string(answer.error().kind));
        last_message = answer.error().message;
      } else if (answer->status != 200) {
        last_code = "HTTP " + std::to_string(answer->status);
        last_message = answer->body.substr(0, 200);
      } else if (!answer->body.starts_with("%PDF-")) {
        last_code = "not a PDF";
        last_message = answer->body.substr(0, 200);
      } else {
        co_return std::move(answer->body);
      }
      if (attempt < kLabelAttempts) {
        boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor,
                                        kLabelBackoff[static_cast<std::size_t>(attempt - 1)]);
        co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      }
    }
    co_return fail(error{error_kind::bad_gateway,
                         "label " + expedition + " bought but its PDF could not be fetched",
                         {}, std::string(mr::kCarrierId), last_code, last_message, 0});
  }

  std::string base_url_, label_base_url_, collection_mode_ = "CCC";
  mr::account account_;
};

}  // namespace

std::unique_ptr<carriers::carrier_adapter> make_mondialrelay_adapter() {
  return std::make_unique<mondialrelay_adapter>();
}

}  // namespace parcelgate::adapters
