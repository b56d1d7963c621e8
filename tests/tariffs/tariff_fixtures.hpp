#pragma once
// Small helpers shared by the tariff tests: a contract file from its body, loading it, and
// building requests.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::tariffs::testing {

// A contract file: the fixed header (id, carrier, currency, validity 2026) then `body`.
inline std::string contract_file(const std::string& id, const std::string& body,
                                 const std::string& carrier = "acmepost") {
  return "contract: " + id + "\ncarrier: " + carrier +
         "\ncurrency: EUR\nvalid_from: 2026-01-01\nvalid_to: 2026-12-31\n" + body;
}

// Loads documents that must be valid; fails the test (and returns null) otherwise.
inline std::shared_ptr<const tariff_set> load_valid(
    const std::vector<std::pair<std::string, std::string>>& docs) {
  auto set = load_documents(docs);
  if (!set) {
    std::string all;
    for (const auto& p : set.error()) all += p.to_string() + "\n";
    ADD_FAILURE() << "unexpected load problems:\n" << all;
    return nullptr;
  }
  return *set;
}

inline std::shared_ptr<const tariff_set> load_one(const std::string& body) {
  return load_valid({{"t.yaml", contract_file("t", body)}});
}

inline day d(const char* text) {
  return *parse_date(text);
}

// A request view over caller-owned parcels, outbound from Paris on 2026-06-01.
inline price_request request_to(std::string_view country, std::string_view postal,
                                const std::vector<priced_parcel>& parcels) {
  price_request r;
  r.from_country = "FR";
  r.from_postal_code = "75001";
  r.to_country = country;
  r.to_postal_code = postal;
  r.parcels = parcels;
  r.date = d("2026-06-01");
  return r;
}

}  // namespace parcelgate::tariffs::testing
