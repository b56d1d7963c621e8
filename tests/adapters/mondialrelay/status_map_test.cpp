// STAT codes of WSI2_CreationEtiquette -> our errors, and tracing codes/labels -> tracking
// statuses. The expected table is written out here, independently of status_map.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "adapters/mondialrelay/wire.hpp"

namespace mr = parcelgate::adapters::mondialrelay;
using namespace parcelgate;

namespace {

struct expectation {
  int stat;
  error_kind kind;
  std::vector<std::string> fields;
};

using k = error_kind;

const std::vector<expectation>& expected_table() {
  static const std::vector<expectation> table = {
      {1, k::auth_failed, {}},
      {2, k::auth_failed, {}},
      {3, k::auth_failed, {}},
      {5, k::internal, {}},
      {7, k::internal, {}},
      {8, k::auth_failed, {}},
      {9, k::invalid_request, {"from.city", "to.city"}},
      {10, k::rejected, {}},
      {11, k::rejected, {}},
      {12, k::invalid_request, {"from.country"}},
      {13, k::unsupported, {"service"}},
      {14, k::invalid_request, {"pickup_point_id"}},
      {15, k::invalid_request, {"pickup_point_id"}},
      {20, k::invalid_request, {"parcels[0].weight_g"}},
      {21, k::invalid_request, {"parcels[0].dimensions_mm"}},
      {22, k::invalid_request, {"parcels[0].dimensions_mm"}},
      {24, k::not_found, {}},
      {25, k::rejected, {}},
      {26, k::internal, {}},
      {27, k::unsupported, {"service"}},
      {28, k::rejected, {}},
      {29, k::unsupported, {"service"}},
      {30, k::invalid_request, {"from.name", "to.name"}},
      {31, k::invalid_request, {"from.company", "to.company"}},
      {33, k::invalid_request, {"from.line1", "to.line1"}},
      {34, k::invalid_request, {"from.line2", "to.line2"}},
      {35, k::invalid_request, {"from.city", "to.city"}},
      {36, k::invalid_request, {"from.postal_code", "to.postal_code"}},
      {37, k::invalid_request, {"from.country", "to.country"}},
      {38, k::invalid_request, {"from.phone", "to.phone"}},
      {39, k::invalid_request, {"from.email", "to.email"}},
      {40, k::internal, {}},
      {42, k::internal, {}},
      {43, k::internal, {}},
      {44, k::internal, {}},
      {45, k::internal, {}},
      {46, k::rejected, {}},
      {47, k::invalid_request, {"parcels"}},
      {48, k::invalid_request, {"parcels"}},
      {49, k::internal, {}},
      {60, k::internal, {}},
      {61, k::internal, {}},
      {62, k::internal, {}},
      {63, k::internal, {}},
      {64, k::internal, {}},
      {65, k::internal, {}},
      {66, k::internal, {}},
      {67, k::internal, {}},
      {68, k::internal, {}},
      {69, k::auth_failed, {}},
      {70, k::invalid_request, {"pickup_point_id"}},
      {71, k::internal, {}},
      {74, k::internal, {}},
      {78, k::invalid_request, {"from.country"}},
      {79, k::invalid_request, {"to.country"}},
      {80, k::bad_gateway, {}},
      {81, k::bad_gateway, {}},
      {82, k::bad_gateway, {}},
      {83, k::bad_gateway, {}},
      {84, k::bad_gateway, {}},
      {85, k::bad_gateway, {}},
      {86, k::bad_gateway, {}},
      {87, k::bad_gateway, {}},
      {88, k::bad_gateway, {}},
      {89, k::bad_gateway, {}},
      {92, k::rejected, {}},
      {93, k::invalid_request, {"to.postal_code"}},
      {94, k::not_found, {}},
      {95, k::auth_failed, {}},
      {96, k::auth_failed, {}},
      {97, k::auth_failed, {}},
      {98, k::bad_gateway, {}},
      {99, k::unavailable, {}},
  };
  return table;
}

mr::delivery_plan home_plan() {
  mr::delivery_plan p;
  p.mode_col = "CCC";
  p.mode_liv = "HOM";
  return p;
}

mr::delivery_plan relay_plan() {
  mr::delivery_plan p = home_plan();
  p.mode_liv = "24R";
  p.liv_rel = "020230";
  p.liv_rel_pays = "FR";
  return p;
}

std::vector<std::string> fields_of(const error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.fields) out.push_back(f.field);
  return out;
}

}  // namespace

TEST(MondialRelayStat, every_documented_code_maps_to_the_expected_kind_and_fields) {
  for (const auto& x : expected_table()) {
    auto e = mr::creation_error(x.stat, home_plan());
    EXPECT_EQ(e.kind, x.kind) << "STAT " << x.stat << ": " << to_string(e.kind);
    EXPECT_EQ(fields_of(e), x.fields) << "STAT " << x.stat;
    EXPECT_EQ(e.carrier, "mondialrelay");
    EXPECT_EQ(e.carrier_code, "STAT " + std::to_string(x.stat));
    EXPECT_FALSE(e.carrier_message.empty()) << "STAT " << x.stat;
    EXPECT_NE(e.message.find("STAT " + std::to_string(x.stat)), std::string::npos);
    EXPECT_EQ(e.sale, sale_outcome::not_sold)
        << "a documented STAT answer created nothing: STAT " << x.stat;
  }
}

TEST(MondialRelayStat, table_covers_exactly_the_documented_codes) {
  std::set<int> expected{0};
  for (const auto& x : expected_table()) expected.insert(x.stat);
  auto documented = mr::documented_stats();
  EXPECT_EQ(std::set<int>(documented.begin(), documented.end()), expected);
}

TEST(MondialRelayStat, side_ambiguous_codes_say_the_carrier_does_not_tell_which_side) {
  auto e = mr::creation_error(36, home_plan());
  ASSERT_EQ(e.fields.size(), 2u);
  for (const auto& f : e.fields)
    EXPECT_NE(f.message.find("does not say whether the sender's or the recipient's"),
              std::string::npos);
  EXPECT_NE(e.message.find("does not say"), std::string::npos);
  EXPECT_EQ(mr::creation_error(79, home_plan()).fields[0].message.find("does not say"),
            std::string::npos);
}

TEST(MondialRelayStat, no_route_points_at_the_relay_for_relay_deliveries) {
  EXPECT_EQ(fields_of(mr::creation_error(93, relay_plan())),
            std::vector<std::string>{"pickup_point_id"});
  EXPECT_EQ(fields_of(mr::creation_error(93, home_plan())),
            std::vector<std::string>{"to.postal_code"});
  EXPECT_EQ(fields_of(mr::creation_error(92, relay_plan())),
            std::vector<std::string>{"pickup_point_id"});
  EXPECT_TRUE(fields_of(mr::creation_error(92, home_plan())).empty());
}

TEST(MondialRelayStat, undocumented_codes_are_bad_gateway_with_the_raw_code) {
  for (int stat : {0, 4, 23, 50, 100, 1234}) {
    auto e = mr::creation_error(stat, home_plan());
    EXPECT_EQ(e.kind, error_kind::bad_gateway) << stat;
    EXPECT_EQ(e.carrier_code, "STAT " + std::to_string(stat));
    EXPECT_EQ(e.sale, sale_outcome::unknown) << "an undocumented STAT proves nothing: " << stat;
  }
}

TEST(MondialRelayStat, only_zero_and_the_free_text_warning_mean_the_label_exists) {
  for (int stat : mr::documented_stats())
    EXPECT_EQ(mr::creation_succeeded(stat), stat == 0 || stat == 60) << stat;
}

TEST(MondialRelayTracking, tracing_stats_map_to_normalized_statuses) {
  EXPECT_EQ(mr::status_from_stat(80), tracking_status::label_created);
  EXPECT_EQ(mr::status_from_stat(81), tracking_status::in_transit);
  EXPECT_EQ(mr::status_from_stat(82), tracking_status::delivered);
  EXPECT_EQ(mr::status_from_stat(83), tracking_status::exception);
  EXPECT_EQ(mr::status_from_stat(84), tracking_status::unknown);
  EXPECT_EQ(mr::status_from_stat(0), tracking_status::unknown);
}

TEST(MondialRelayTracking, step_labels_map_without_case_or_accents) {
  struct row {
    const char* label;
    tracking_status status;
  };
  const row rows[] = {
      {"COLIS LIVRÉ", tracking_status::delivered},
      {"Colis livré", tracking_status::delivered},
      {"Colis récupéré par le destinataire", tracking_status::delivered},
      {"DISPONIBLE AU POINT RELAIS", tracking_status::available_for_pickup},
      {"Colis disponible au Point Relais", tracking_status::available_for_pickup},
      {"Colis livré au Point Relais", tracking_status::available_for_pickup},
      {"PRISE EN CHARGE EN AGENCE", tracking_status::picked_up},
      {"Colis pris en charge", tracking_status::picked_up},
      {"Colis déposé en Point Relais", tracking_status::dropped_off},
      {"COLIS EN COURS D'ACHEMINEMENT", tracking_status::in_transit},
      {"En cours de livraison", tracking_status::out_for_delivery},
      {"Annonce expedition", tracking_status::label_created},
      {"Colis non livré - destinataire absent", tracking_status::delivery_failed},
      {"Retour à l'expéditeur", tracking_status::returning_to_sender},
      {"Colis retourné à l'expéditeur", tracking_status::returned_to_sender},
      {"Anomalie de tri", tracking_status::exception},
      {"Expédition annulée", tracking_status::cancelled},
      {"Delivered", tracking_status::delivered},
      {"Livreur parti", tracking_status::unknown},
      {"", tracking_status::unknown},
  };
  for (const auto& r : rows) EXPECT_EQ(mr::status_from_label(r.label), r.status) << r.label;
}
