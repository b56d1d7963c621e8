#pragma once
// The Colissimo sandbox's reading and checking of a generateLabel JSON body: the products of the
// sandbox contract, the checks the real SLS service makes and the message ids it answers with.
// Pure functions over a parsed body; thread-safe.

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/shipment.hpp"

namespace parcelgate::sim::colissimo {

enum class product_kind { home, relay, return_domestic, return_abroad };

struct product {
  std::string_view code;
  std::string_view prefix;  // first two characters of its parcel numbers ("6A" for DOM)
  product_kind kind;
  double max_kg;
};

// One ERROR entry of the SLS "messages" array.
struct sls_error {
  int id;
  std::string content;
};

// How the sandbox renders an outputPrintingType; nullopt for types it does not print.
struct printing {
  label_format format;
  label_size size;
};
std::optional<printing> printing_of(std::string_view output_printing_type);

// Checks a body whose credentials were already accepted. Appends every problem found, in the
// order the fields appear in the body, and returns the contract product named by
// letter.service.productCode (nullptr when it is missing or not sold by the sandbox).
const product* validate_generate_label(const boost::json::object& root,
                                       std::vector<sls_error>& errors);

// Tolerant accessors: a missing or mistyped member reads as absent.
const boost::json::object* child(const boost::json::object* o, std::string_view key);
std::string text(const boost::json::object* o, std::string_view key);  // string or integer
// A number or numeric string (Colissimo's Java stack accepts both); NaN when unreadable.
std::optional<double> number(const boost::json::object* o, std::string_view key);

}  // namespace parcelgate::sim::colissimo
