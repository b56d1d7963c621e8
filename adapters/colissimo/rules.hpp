#pragma once
// Colissimo's limits, checked against one of OUR shipment requests before anything is sent:
// products and the services they serve, countries, weights, label formats, relay points,
// address lengths, plus the checks of the adapter's settings. Every problem is a field_error on
// OUR API's paths ("parcels[0].weight_g", "label.format", "to.phone"), all reported at once.
//
// Pure functions of their arguments: no I/O, no clock, no global state, thread-safe.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"

namespace parcelgate::adapters::colissimo {

enum class product_kind { home, relay, return_ };

// One SLS product (letter.service.productCode).
struct product {
  std::string_view code;
  product_kind kind;
  bool signature;
  int max_weight_g;
};

// DOM, DOS, A2P, BPR, CORE, CORI.
std::span<const product> products() noexcept;
const product* find_product(std::string_view code) noexcept;

// Destinations Colissimo serves with these products: France, Monaco and the EU member states.
std::span<const std::string_view> destination_countries() noexcept;

// The product for a request: its carrier_service when given and consistent, else the default of
// its service and direction. nullptr with the reason appended to `errors`.
const product* choose_product(const shipment_request& request, std::vector<field_error>& errors);

// Every Colissimo rule the request breaks (empty: SLS should accept it).
std::vector<field_error> check_shipment(const shipment_request& request);

// Checks one address of the request; `side` is "from" or "to". Appends to `errors`.
void check_address(std::string_view side, const address& a, std::vector<field_error>& errors);

// French mobiles (06/07), Monaco mobiles (+377 6... or +377 4...), or any other international
// number: the relay SMS goes abroad too.
bool is_mobile_number(std::string_view phone);

// ---- settings -----------------------------------------------------------------------------------

// An http:// or https:// URL with a host, an optional valid port, no user info, query or fragment.
bool valid_base_url(std::string_view url) noexcept;
// A non-empty string of ASCII digits (contract numbers, relay point ids).
bool all_digits(std::string_view s) noexcept;
// Characters (code points) of a UTF-8 string.
std::size_t utf8_length(std::string_view s) noexcept;

}  // namespace parcelgate::adapters::colissimo
