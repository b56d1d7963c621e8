#include "adapters/colissimo/rules.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <utility>

#include "adapters/colissimo/wire.hpp"

namespace parcelgate::adapters::colissimo {

namespace {

// A2P relay shops take 20 kg at most; heavier relay parcels must go to a post office (BPR).
constexpr product kProducts[] = {
    {.code = "DOM", .kind = product_kind::home, .signature = false, .max_weight_g = 30000},
    {.code = "DOS", .kind = product_kind::home, .signature = true, .max_weight_g = 30000},
    {.code = "A2P", .kind = product_kind::relay, .signature = false, .max_weight_g = 20000},
    {.code = "BPR", .kind = product_kind::relay, .signature = false, .max_weight_g = 30000},
    {.code = "CORE", .kind = product_kind::return_, .signature = false, .max_weight_g = 30000},
    {.code = "CORI", .kind = product_kind::return_, .signature = false, .max_weight_g = 30000},
};
constexpr std::string_view kProductList = "DOM, DOS, A2P, BPR, CORE, CORI";

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

bool valid_date(std::string_view d) {
  return d.size() == 10 && d[4] == '-' && d[7] == '-' && all_digits(d.substr(0, 4)) &&
         all_digits(d.substr(5, 2)) && all_digits(d.substr(8, 2));
}

}  // namespace

std::span<const product> products() noexcept {
  return kProducts;
}

const product* find_product(std::string_view code) noexcept {
  for (const auto& p : kProducts)
    if (p.code == code) return &p;
  return nullptr;
}

std::span<const std::string_view> destination_countries() noexcept {
  return kDestinations;
}

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::size_t utf8_length(std::string_view s) noexcept {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

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

bool valid_base_url(std::string_view url) noexcept {
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

const product* choose_product(const shipment_request& r, std::vector<field_error>& errors) {
  auto refuse = [&errors](std::string field, std::string message) -> const product* {
    errors.push_back(field_error{.field = std::move(field), .message = std::move(message)});
    return nullptr;
  };
  const bool is_return = r.dir == direction::return_;
  if (r.service == service_level::locker || r.service == service_level::express)
    return refuse("service", "Colissimo offers home, home_signature and pickup_point here");
  if (is_return && r.service != service_level::home)
    return refuse("service",
                  "Colissimo returns (CORE/CORI) go to the merchant's address: use home");
  if (!r.carrier_service.empty()) {
    const product* p = find_product(r.carrier_service);
    if (!p)
      return refuse("carrier_service",
                    "unknown Colissimo product; supported: " + std::string(kProductList));
    const bool fits = is_return                                  ? p->kind == product_kind::return_
                      : r.service == service_level::pickup_point ? p->kind == product_kind::relay
                      : r.service == service_level::home_signature
                          ? p->kind == product_kind::home && p->signature
                          : p->kind == product_kind::home;
    if (!fits)
      return refuse("carrier_service", std::string(p->code) + " does not match service " +
                                           std::string(to_string(r.service)) + " (" +
                                           std::string(to_string(r.dir)) + ")");
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

void check_address(std::string_view side_name, const address& a, std::vector<field_error>& errors) {
  const std::string side(side_name);
  auto add = [&](std::string_view field, std::string message) {
    errors.push_back(
        field_error{.field = side + "." + std::string(field), .message = std::move(message)});
  };
  if (a.name.empty() && a.company.empty()) add("name", "Colissimo needs a name or a company");
  if (a.line1.empty()) add("line1", "Colissimo needs a street line");
  if (a.city.empty()) add("city", "Colissimo needs a city");
  if (a.postal_code.empty())
    add("postal_code", "Colissimo needs a postal code");
  else if (a.country == "FR" && (a.postal_code.size() != 5 || !all_digits(a.postal_code)))
    add("postal_code", "a French postal code has 5 digits");
  else if (a.country == "MC" && !(a.postal_code.size() == 5 && a.postal_code.starts_with("980") &&
                                  all_digits(a.postal_code)))
    add("postal_code", "a Monaco postal code is 980xx");
  else if (a.country == "FR" && a.postal_code.starts_with("980"))
    add("postal_code", "980xx postal codes belong to Monaco (country MC)");
  const std::pair<const char*, const std::string*> limited[] = {{"name", &a.name},
                                                                {"company", &a.company},
                                                                {"line1", &a.line1},
                                                                {"line2", &a.line2},
                                                                {"city", &a.city}};
  for (const auto& [name, value] : limited)
    if (utf8_length(*value) > kMaxAddressField) add(name, "Colissimo prints 35 characters at most");
}

std::vector<field_error> check_shipment(const shipment_request& r) {
  std::vector<field_error> errors;
  auto add = [&errors](std::string field, std::string message) {
    errors.push_back(field_error{.field = std::move(field), .message = std::move(message)});
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

}  // namespace parcelgate::adapters::colissimo
