// Colissimo adapter validate(): the carrier's rules reported on OUR request's field paths
// before any network call.

#include <gtest/gtest.h>

#include <functional>

#include "test_support.hpp"

namespace {

using namespace parcelgate;
using colissimo_test::configured;
using colissimo_test::has_field;
using colissimo_test::relay_request;
using colissimo_test::return_request;
using colissimo_test::sample_request;

struct validation_case {
  const char* name;
  std::function<void(shipment_request&)> change;
  const char* field;  // expected field error, "" = valid
};

TEST(ColissimoValidate, ReportsColissimoRulesOnOurFieldPaths) {
  const validation_case cases[] = {
      {"plain home parcel", [](shipment_request&) {}, ""},
      {"two parcels", [](shipment_request& r) { r.parcels.push_back(r.parcels[0]); }, "parcels"},
      {"over 30 kg", [](shipment_request& r) { r.parcels[0].weight_g = 30001; },
       "parcels[0].weight_g"},
      {"png label", [](shipment_request& r) { r.format = label_format::png; }, "label.format"},
      {"zpl on a4",
       [](shipment_request& r) {
         r.format = label_format::zpl;
         r.size = label_size::a4;
       },
       "label.size"},
      {"unknown product", [](shipment_request& r) { r.carrier_service = "XYZ"; },
       "carrier_service"},
      {"relay product for home", [](shipment_request& r) { r.carrier_service = "A2P"; },
       "carrier_service"},
      {"DOM for signature",
       [](shipment_request& r) {
         r.service = service_level::home_signature;
         r.carrier_service = "DOM";
       },
       "carrier_service"},
      {"home without signature to DE",
       [](shipment_request& r) {
         r.to.country = "DE";
         r.to.postal_code = "10115";
       },
       "service"},
      {"signature to DE",
       [](shipment_request& r) {
         r.service = service_level::home_signature;
         r.to.country = "DE";
         r.to.postal_code = "10115";
       },
       ""},
      {"home to BE",
       [](shipment_request& r) {
         r.to.country = "BE";
         r.to.postal_code = "1000";
       },
       ""},
      {"destination outside the EU",
       [](shipment_request& r) {
         r.service = service_level::home_signature;
         r.to.country = "US";
       },
       "to.country"},
      {"sender abroad",
       [](shipment_request& r) {
         r.from.country = "DE";
         r.from.postal_code = "10115";
       },
       "from.country"},
      {"locker", [](shipment_request& r) { r.service = service_level::locker; }, "service"},
      {"four-digit French zip", [](shipment_request& r) { r.to.postal_code = "7501"; },
       "to.postal_code"},
      {"overseas department", [](shipment_request& r) { r.to.postal_code = "97110"; },
       "to.postal_code"},
      {"Monaco zip in France", [](shipment_request& r) { r.to.postal_code = "98000"; },
       "to.postal_code"},
      {"name over 35 characters", [](shipment_request& r) { r.to.name = std::string(36, 'n'); },
       "to.name"},
      {"no street", [](shipment_request& r) { r.to.line1.clear(); }, "to.line1"},
      {"bad ship date", [](shipment_request& r) { r.ship_date = "15/06/2099"; }, "ship_date"},
  };
  auto adapter = configured();
  for (const auto& c : cases) {
    auto r = sample_request();
    c.change(r);
    const auto errors = adapter->validate(r);
    if (std::string_view(c.field).empty())
      EXPECT_TRUE(errors.empty()) << c.name << ": " << (errors.empty() ? "" : errors[0].field);
    else
      EXPECT_TRUE(has_field(errors, c.field)) << c.name << " expected " << c.field;
  }
}

TEST(ColissimoValidate, RelayNeedsSixDigitPointMobileAndTwentyKilos) {
  const validation_case cases[] = {
      {"relay to a shop", [](shipment_request&) {}, ""},
      {"no point id", [](shipment_request& r) { r.pickup_point_id.clear(); }, "pickup_point_id"},
      {"five-digit point id", [](shipment_request& r) { r.pickup_point_id = "98765"; },
       "pickup_point_id"},
      {"point abroad", [](shipment_request& r) { r.pickup_point_country = "BE"; },
       "pickup_point_id"},
      {"landline", [](shipment_request& r) { r.to.phone = "01 44 55 66 77"; }, "to.phone"},
      {"no phone", [](shipment_request& r) { r.to.phone.clear(); }, "to.phone"},
      {"international mobile", [](shipment_request& r) { r.to.phone = "+32 470 12 34 56"; }, ""},
      {"A2P over 20 kg", [](shipment_request& r) { r.parcels[0].weight_g = 20001; },
       "parcels[0].weight_g"},
      {"BPR takes 25 kg",
       [](shipment_request& r) {
         r.carrier_service = "BPR";
         r.parcels[0].weight_g = 25000;
       },
       ""},
      {"relay abroad",
       [](shipment_request& r) {
         r.to.country = "BE";
         r.to.postal_code = "1000";
       },
       "to.country"},
  };
  auto adapter = configured();
  for (const auto& c : cases) {
    auto r = relay_request();
    c.change(r);
    const auto errors = adapter->validate(r);
    if (std::string_view(c.field).empty())
      EXPECT_TRUE(errors.empty()) << c.name << ": " << (errors.empty() ? "" : errors[0].field);
    else
      EXPECT_TRUE(has_field(errors, c.field)) << c.name << " expected " << c.field;
  }
}

TEST(ColissimoValidate, ReturnsFromAbroadNeedCoriCountryAndA4Pdf) {
  auto adapter = configured();
  EXPECT_TRUE(adapter->validate(return_request("FR", "75016")).empty());
  EXPECT_TRUE(has_field(adapter->validate(return_request("DE", "10115")), "label.size"));
  auto r = return_request("DE", "10115");
  r.size = label_size::a4;
  EXPECT_TRUE(adapter->validate(r).empty());
  r.format = label_format::zpl;
  EXPECT_TRUE(has_field(adapter->validate(r), "label.format"));
  r = return_request("BG", "1000");
  r.size = label_size::a4;
  EXPECT_TRUE(has_field(adapter->validate(r), "from.country"));
  r = return_request("FR", "75016");
  r.service = service_level::pickup_point;
  EXPECT_TRUE(has_field(adapter->validate(r), "service"));
}

}  // namespace
