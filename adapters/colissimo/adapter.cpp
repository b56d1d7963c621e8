#include "adapters/colissimo/adapter.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "adapters/colissimo/wire.hpp"
#include "gateway/domain/time_zone.hpp"

namespace parcelgate::adapters {

namespace {

using namespace colissimo;

enum class product_kind { home, relay, return_ };

struct product {
  std::string_view code;
  product_kind kind;
  bool signature;
  int max_weight_g;
};

// A2P relay shops take 20 kg at most; heavier relay parcels must go to a post office (BPR).
constexpr product kProducts[] = {
    {"DOM", product_kind::home, false, 30000},     {"DOS", product_kind::home, true, 30000},
    {"A2P", product_kind::relay, false, 20000},    {"BPR", product_kind::relay, false, 30000},
    {"CORE", product_kind::return_, false, 30000}, {"CORI", product_kind::return_, false, 30000},
};
constexpr std::string_view kProductList = "DOM, DOS, A2P, BPR, CORE, CORI";
constexpr std::string_view kFranceTimeZone = "Europe/Paris";

// Country coverage from La Poste's official plugin capability table (see README).
constexpr std::string_view kDomestic[] = {"FR", "MC"};
constexpr std::string_view kDestinations[] = {
    "FR", "MC", "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "GR", "HR",
    "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"};
constexpr std::string_view kHomeWithoutSignature[] = {"FR", "MC", "BE"};
constexpr std::string_view kReturnFromAbroad[] = {"AT", "BE", "CZ", "DE", "DK", "EE", "ES", "FI",
                                                  "GR", "HR", "HU", "IE", "IT", "LT", "LU", "MT",
                                                  "NL", "PL", "PT", "RO", "SE", "SI", "SK"};

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view value) {
  return std::find(std::begin(list), std::end(list), value) != std::end(list);
}

const product* find_product(std::string_view code) {
  for (const auto& p : kProducts)
    if (p.code == code) return &p;
  return nullptr;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// French mobiles (06/07), Monaco mobiles (+377 6... or +377 4...), or any other international
// number (the relay SMS goes abroad too).
bool is_mobile_number(std::string_view raw) {
  const std::string p = compact_phone(raw);
  if (p.size() == 10 && p[0] == '0' && (p[1] == '6' || p[1] == '7') && all_digits(p)) return true;
  if (!p.starts_with("+") || !all_digits(std::string_view(p).substr(1))) return false;
  const std::string_view n = std::string_view(p).substr(1);
  if (n.starts_with("33")) return n.size() == 11 && (n[2] == '6' || n[2] == '7');
  if (n.starts_with("377"))
    return (n.size() == 12 && n[3] == '6') || (n.size() == 11 && n[3] == '4');
  return n.size() >= 8 && n.size() <= 11;  // "+" and 11 digits: the 12-character SLS limit
}

bool valid_date(std::string_view d) {
  return d.size() == 10 && d[4] == '-' && d[7] == '-' && all_digits(d.substr(0, 4)) &&
         all_digits(d.substr(5, 2)) && all_digits(d.substr(8, 2));
}

bool valid_base_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://"))
    rest = url.substr(8);
  else if (url.starts_with("http://"))
    rest = url.substr(7);
  else
    return false;
  const auto end = rest.find_first_of("/?#");
  if (end != std::string_view::npos && rest[end] != '/') return false;  // no query or fragment
  std::string_view authority = rest.substr(0, end), host = authority, port;
  if (authority.find('@') != std::string_view::npos) return false;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(0, close + 1);
    const std::string_view tail = authority.substr(close + 1);
    if (!tail.empty() && tail.front() != ':') return false;
    if (!tail.empty()) port = tail.substr(1);
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return false;
  }
  if (host.empty()) return false;
  if (!port.empty()) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || ptr != port.data() + port.size() || value < 1 || value > 65535)
      return false;
  }
  return true;
}

class colissimo_adapter final : public carriers::carrier_adapter {
 public:
  std::string_view id() const noexcept override { return kCarrierId; }
  std::string_view display_name() const noexcept override { return "Colissimo (La Poste)"; }

  std::vector<carriers::setting_spec> settings_schema() const override {
    return {
        {"base_url", true, "", false,
         "SLS web service root, e.g. https://ws.colissimo.fr or http://127.0.0.1:9443/colissimo; "
         "generateLabel is at base_url + /sls-ws/SlsServiceWSRest/2.0/generateLabel"},
        {"contract_number", true, "", false,
         "Colissimo contract number (digits), sent as contractNumber"},
        {"password", true, "", true, "password of the Colissimo web-service account"},
        {"commercial_name", false, "parcelgate", false,
         "shop name Colissimo prints on labels and relay SMS (30 characters at most)"},
    };
  }

  std::vector<field_error> configure(const carriers::carrier_settings& settings) override {
    std::vector<field_error> problems;
    auto value = [&](std::string_view key) -> std::string {
      auto it = settings.find(key);
      return it == settings.end() ? std::string{} : it->second;
    };
    std::string base_url = value("base_url");
    while (base_url.ends_with('/')) base_url.pop_back();
    if (!valid_base_url(base_url))
      problems.push_back({"base_url", "must be an http:// or https:// URL with a host (no query)"});
    const std::string contract = value("contract_number");
    if (!all_digits(contract))
      problems.push_back(
          {"contract_number", "must be the Colissimo contract number (digits only)"});
    const std::string password = value("password");
    if (password.empty()) problems.push_back({"password", "is required"});
    std::string commercial =
        settings.contains("commercial_name") ? value("commercial_name") : "parcelgate";
    if (commercial.empty() || utf8_length(commercial) > kMaxCommercialName)
      problems.push_back({"commercial_name", "must be 1 to 30 characters"});
    // SLS refuses a deposit date before the current date in France (30002), so "today" is
    // France's date, which runs ahead of UTC from 22:00 or 23:00 UTC.
    auto zone = time_zone::load(kFranceTimeZone);
    if (!zone) problems.push_back({"", zone.error().message});
    if (problems.empty()) {
      france_ = std::move(*zone);
      base_url_ = std::move(base_url);
      account_ = {contract, password, std::move(commercial)};
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
    c.max_parcels = 1;  // one label per parcel: a multi-parcel order is one shipment per parcel
    c.services = {service_level::home, service_level::home_signature, service_level::pickup_point};
    c.label_formats = {label_format::pdf, label_format::zpl};
    // SLS prints 10x15 cm (4x6 inch stock) or A4: an a6 request is printed on 4x6 and the
    // shipment says so (wire.hpp printed_size).
    c.label_sizes = {label_size::in4x6, label_size::a4};
    c.destination_countries.assign(std::begin(kDestinations), std::end(kDestinations));
    return c;
  }

  std::vector<field_error> validate(const shipment_request& r) const override {
    std::vector<field_error> errors;
    auto add = [&errors](std::string field, std::string message) {
      errors.push_back({std::move(field), std::move(message)});
    };
    const product* p = choose_product(r, errors);
    const bool is_return = r.dir == direction::return_;

    if (!is_return) {
      if (!contains(kDomestic, r.from.country))
        add("from.country", "Colissimo ships from France or Monaco only");
      if (!contains(kDestinations, r.to.country))
        add("to.country", "Colissimo delivers to France, Monaco and the EU member states only");
    } else if (!contains(kDomestic, r.to.country)) {
      add("to.country", "Colissimo returns are delivered to an address in France or Monaco");
    }
    const std::string_view zip = r.to.postal_code;
    if (r.to.country == "FR" &&
        (zip.starts_with("97") || (zip.starts_with("98") && !zip.starts_with("980"))))
      add("to.postal_code",
          "overseas France (97x/98x) needs Colissimo Outre-Mer products, not offered here");
    if (p && p->kind == product_kind::home && !p->signature &&
        contains(kDestinations, r.to.country) && !contains(kHomeWithoutSignature, r.to.country))
      add("service",
          "Colissimo delivers to " + r.to.country + " only with a signature: use home_signature");
    if (p && p->kind == product_kind::relay && !contains(kDomestic, r.to.country))
      add("to.country",
          "Colissimo relay and post-office delivery (A2P/BPR) exists in France and Monaco only");
    if (p && p->code == "CORE" && !contains(kDomestic, r.from.country))
      add("from.country", "CORE returns start in France or Monaco; returns from abroad use CORI");
    if (p && p->code == "CORI" && !contains(kReturnFromAbroad, r.from.country))
      add("from.country",
          "Colissimo international returns (CORI) are not open from " + r.from.country);

    if (r.parcels.size() != 1) {
      add("parcels", "Colissimo prints one label per parcel: send one shipment per parcel");
    } else {
      const int max_g = p ? p->max_weight_g : 30000;
      if (r.parcels.front().weight_g > max_g)
        add("parcels[0].weight_g",
            "Colissimo takes parcels of " + std::to_string(max_g / 1000) + " kg at most" +
                (p && p->code == "A2P" ? " in relay shops (carrier_service BPR: post office, 30 kg)"
                                       : ""));
    }

    if (r.format == label_format::png)
      add("label.format", "Colissimo prints PDF or ZPL labels, not PNG");
    else if (output_printing_type(r.format, r.size).empty())
      add("label.size", "Colissimo prints ZPL labels in 10x15 cm only (4x6)");
    if (p && p->code == "CORI" && (r.format != label_format::pdf || r.size != label_size::a4))
      add(r.format != label_format::pdf ? "label.format" : "label.size",
          "Colissimo prints international return labels (CORI) as A4 PDF only");

    if (p && p->kind == product_kind::relay) {
      if (r.pickup_point_id.size() != 6 || !all_digits(r.pickup_point_id))
        add("pickup_point_id", "a Colissimo pickup point id has 6 digits");
      if (!r.pickup_point_country.empty() && !contains(kDomestic, r.pickup_point_country))
        add("pickup_point_id", "Colissimo pickup points are in France or Monaco");
      if (r.to.phone.empty())
        add("to.phone", "Colissimo needs the recipient's mobile number for relay delivery (SMS)");
      else if (!is_mobile_number(r.to.phone))
        add("to.phone", "must be a mobile number (06/07 or international) for relay delivery");
    }

    check_address("from", r.from, errors);
    check_address("to", r.to, errors);
    if (!r.ship_date.empty() && !valid_date(r.ship_date))
      add("ship_date", "must be a date YYYY-MM-DD");
    return errors;
  }

  carriers::task<result<label_result>> create_label(const shipment_request& request,
                                                    carriers::call& c) override {
    if (base_url_.empty())
      co_return fail(not_sold(make_error(error_kind::internal, "the Colissimo adapter is not configured").error()));
    std::vector<field_error> problems = validate(request);
    if (!problems.empty()) {
      error e{error_kind::invalid_request,
              "the shipment does not fit Colissimo",
              std::move(problems),
              std::string(kCarrierId),
              {},
              {},
              0};
      co_return fail(not_sold(std::move(e)));  // refused before anything was sent
    }
    std::vector<field_error> ignored;
    label_order order;
    order.product_code = std::string(choose_product(request, ignored)->code);
    order.output_printing_type = std::string(output_printing_type(request.format, request.size));
    order.deposit_date = request.ship_date.empty()
                             ? france_.local_iso_date(std::chrono::system_clock::now())
                             : request.ship_date;

    carriers::outbound_request out;
    out.method = "POST";
    out.url = base_url_ + std::string(kGenerateLabelPath);
    out.headers = {{"Content-Type", "application/json;charset=UTF-8"},
                   {"Accept", "multipart/mixed, application/json"}};
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

  carriers::task<result<void>> cancel_label(const shipment_ref&, carriers::call&) override {
    // caps().cancel == "local": nothing to tell Colissimo, an unscanned label is never billed.
    co_return result<void>{};
  }

 private:
  // The product for a request, or nullptr with the reason added to `errors`.
  static const product* choose_product(const shipment_request& r,
                                       std::vector<field_error>& errors) {
    const bool is_return = r.dir == direction::return_;
    if (r.service == service_level::locker || r.service == service_level::express) {
      errors.push_back({"service", "Colissimo offers home, home_signature and pickup_point here"});
      return nullptr;
    }
    if (is_return && r.service != service_level::home) {
      errors.push_back(
          {"service", "Colissimo returns (CORE/CORI) go to the merchant's address: use home"});
      return nullptr;
    }
    if (!r.carrier_service.empty()) {
      const product* p = find_product(r.carrier_service);
      if (!p) {
        errors.push_back({"carrier_service",
                          "unknown Colissimo product; supported: " + std::string(kProductList)});
        return nullptr;
      }
      const bool fits = is_return ? p->kind == product_kind::return_
                        : r.service == service_level::pickup_point ? p->kind == product_kind::relay
                        : r.service == service_level::home_signature
                            ? p->kind == product_kind::home && p->signature
                            : p->kind == product_kind::home;
      if (!fits) {
        errors.push_back({"carrier_service", std::string(p->code) + " does not match service " +
                                                 std::string(to_string(r.service)) + " (" +
                                                 std::string(to_string(r.dir)) + ")"});
        return nullptr;
      }
      return p;
    }
    if (is_return) return find_product(contains(kDomestic, r.from.country) ? "CORE" : "CORI");
    switch (r.service) {
      case service_level::home_signature:
        return find_product("DOS");
      case service_level::pickup_point:
        return find_product("A2P");
      default:
        return find_product("DOM");
    }
  }

  static void check_address(const std::string& side, const address& a,
                            std::vector<field_error>& errors) {
    if (a.name.empty() && a.company.empty())
      errors.push_back({side + ".name", "Colissimo needs a name or a company"});
    if (a.line1.empty()) errors.push_back({side + ".line1", "Colissimo needs a street line"});
    if (a.city.empty()) errors.push_back({side + ".city", "Colissimo needs a city"});
    if (a.postal_code.empty())
      errors.push_back({side + ".postal_code", "Colissimo needs a postal code"});
    else if (a.country == "FR" && (a.postal_code.size() != 5 || !all_digits(a.postal_code)))
      errors.push_back({side + ".postal_code", "a French postal code has 5 digits"});
    else if (a.country == "MC" && !(a.postal_code.size() == 5 && a.postal_code.starts_with("980") &&
                                    all_digits(a.postal_code)))
      errors.push_back({side + ".postal_code", "a Monaco postal code is 980xx"});
    else if (a.country == "FR" && a.postal_code.starts_with("980"))
      errors.push_back({side + ".postal_code", "980xx postal codes belong to Monaco (country MC)"});
    const std::pair<const char*, const std::string*> limited[] = {{"name", &a.name},
                                                                  {"company", &a.company},
                                                                  {"line1", &a.line1},
                                                                  {"line2", &a.line2},
                                                                  {"city", &a.city}};
    for (const auto& [name, value] : limited)
      if (utf8_length(*value) > kMaxAddressField)
        errors.push_back({side + "." + name, "Colissimo prints 35 characters at most"});
  }

  std::string base_url_;
  account account_;
  time_zone france_;
};

}  // namespace

std::unique_ptr<carriers::carrier_adapter> make_colissimo_adapter() {
  return std::make_unique<colissimo_adapter>();
}

}  // namespace parcelgate::adapters
