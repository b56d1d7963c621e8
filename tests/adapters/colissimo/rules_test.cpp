// adapters/colissimo/rules.hpp on its own: product choice, shipment checks and settings values,
// with no adapter, clock or call involved.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "adapters/colissimo/rules.hpp"
#include "test_support.hpp"

namespace {

using namespace parcelgate;
namespace co = parcelgate::adapters::colissimo;
using colissimo_test::has_field;
using colissimo_test::relay_request;
using colissimo_test::return_request;
using colissimo_test::sample_request;

std::string product_of(const shipment_request& r) {
  std::vector<field_error> errors;
  const auto* p = co::choose_product(r, errors);
  return p ? std::string(p->code)
           : "error:" + (errors.empty() ? std::string{} : errors.front().field);
}

TEST(ColissimoRules, ChoosesTheProductOfServiceDirectionAndCountry) {
  EXPECT_EQ(product_of(sample_request()), "DOM");
  auto signature = sample_request();
  signature.service = service_level::home_signature;
  EXPECT_EQ(product_of(signature), "DOS");
  EXPECT_EQ(product_of(relay_request()), "A2P");
  auto post_office = relay_request();
  post_office.carrier_service = "BPR";
  EXPECT_EQ(product_of(post_office), "BPR");
  EXPECT_EQ(product_of(return_request("FR", "75016")), "CORE");
  EXPECT_EQ(product_of(return_request("BE", "1000")), "CORI");
  auto locker = sample_request();
  locker.service = service_level::locker;
  EXPECT_EQ(product_of(locker), "error:service");
  auto mismatch = sample_request();
  mismatch.carrier_service = "A2P";
  EXPECT_EQ(product_of(mismatch), "error:carrier_service");
}

TEST(ColissimoRules, ProductTableHasUniqueCodesAndWeightLimits) {
  std::set<std::string_view> codes;
  for (const auto& p : co::products()) {
    EXPECT_TRUE(codes.insert(p.code).second) << p.code;
    EXPECT_GT(p.max_weight_g, 0);
    EXPECT_EQ(co::find_product(p.code), &p);
  }
  EXPECT_EQ(co::find_product("A2P")->max_weight_g, 20000);
  EXPECT_EQ(co::find_product("XYZ"), nullptr);
}

TEST(ColissimoRules, RelayParcelsOver20KgGoToThePostOffice) {
  auto r = relay_request();
  r.parcels[0].weight_g = 25000;
  auto errors = co::check_shipment(r);
  ASSERT_TRUE(has_field(errors, "parcels[0].weight_g"));
  EXPECT_NE(errors.front().message.find("BPR"), std::string::npos);
  r.carrier_service = "BPR";
  EXPECT_TRUE(co::check_shipment(r).empty());
}

TEST(ColissimoRules, AddressChecksNameTheSide) {
  std::vector<field_error> errors;
  address a{.name = "",
            .company = "",
            .line1 = "",
            .line2 = "",
            .city = "",
            .postal_code = "9800",
            .country = "MC",
            .phone = "",
            .email = ""};
  co::check_address("to", a, errors);
  for (auto f : {"to.name", "to.line1", "to.city", "to.postal_code"})
    EXPECT_TRUE(has_field(errors, f)) << f;
  errors.clear();
  a = address{.name = std::string(36, 'x'),
              .company = "",
              .line1 = "1 rue",
              .line2 = "",
              .city = "Nice",
              .postal_code = "98000",
              .country = "FR",
              .phone = "",
              .email = ""};
  co::check_address("from", a, errors);
  EXPECT_TRUE(has_field(errors, "from.name"));
  EXPECT_TRUE(has_field(errors, "from.postal_code")) << "980xx belongs to Monaco";
}

TEST(ColissimoRules, MobileNumbersForRelaySms) {
  EXPECT_TRUE(co::is_mobile_number("06 12 34 56 78"));
  EXPECT_TRUE(co::is_mobile_number("+33 7 12 34 56 78"));
  EXPECT_TRUE(co::is_mobile_number("+377 6 12 34 56 78"));
  EXPECT_TRUE(co::is_mobile_number("+32 470 12 34 56"));
  EXPECT_FALSE(co::is_mobile_number("04 72 00 00 00"));
  EXPECT_FALSE(co::is_mobile_number("+33 4 72 00 00 00"));
}

TEST(ColissimoRules, SettingsValues) {
  EXPECT_TRUE(co::valid_base_url("https://ws.colissimo.fr"));
  EXPECT_TRUE(co::valid_base_url("http://127.0.0.1:9443/colissimo"));
  EXPECT_TRUE(co::valid_base_url("http://[::1]:9443"));
  EXPECT_FALSE(co::valid_base_url("ws.colissimo.fr"));
  EXPECT_FALSE(co::valid_base_url("https://user@ws.colissimo.fr"));
  EXPECT_FALSE(co::valid_base_url("https://ws.colissimo.fr?x=1"));
  EXPECT_FALSE(co::valid_base_url("https://ws.colissimo.fr:99999"));
  EXPECT_TRUE(co::all_digits("0123"));
  EXPECT_FALSE(co::all_digits(""));
  EXPECT_EQ(co::utf8_length("Élodie"), 6u);
}

TEST(ColissimoRules, DestinationsAreFranceMonacoAndTheEu) {
  auto countries = co::destination_countries();
  EXPECT_EQ(countries.size(), 28u);
  EXPECT_NE(std::find(countries.begin(), countries.end(), "MC"), countries.end());
  EXPECT_EQ(std::find(countries.begin(), countries.end(), "CH"), countries.end());
}

}  // namespace
