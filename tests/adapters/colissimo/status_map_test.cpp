// Colissimo carrier-code tables: tracking event codes -> normalized statuses, and every SLS
// message id -> error kind and field path, each checked through the real response parser.

#include <gtest/gtest.h>

#include <set>

#include "adapters/colissimo/wire.hpp"
#include "test_support.hpp"

namespace {

using namespace parcelgate;
using namespace parcelgate::adapters::colissimo;
using ts = tracking_status;

TEST(ColissimoStatusMap, EventCodesMapToNormalizedStatuses) {
  const std::pair<const char*, tracking_status> expected[] = {
      {"PCHMQT", ts::label_created},
      {"PCHCLI", ts::label_created},
      {"PCHCFM", ts::picked_up},
      {"ECHCFM", ts::picked_up},
      {"DEPGUI", ts::dropped_off},
      {"DEPREL", ts::dropped_off},
      {"DEPHLD", ts::dropped_off},
      {"AECCFM", ts::in_transit},
      {"AARCFM", ts::in_transit},
      {"MLVEXP", ts::in_transit},
      {"DOUDOU", ts::in_transit},
      {"PRELIV", ts::out_for_delivery},
      {"AARREL", ts::available_for_pickup},
      {"AARBPR", ts::available_for_pickup},
      {"RENAVI", ts::available_for_pickup},
      {"LIVCIT", ts::available_for_pickup},
      {"RENNRV", ts::delivery_failed},
      {"RENACP", ts::delivery_failed},
      {"LIVCFM", ts::delivered},
      {"LIVBAL", ts::delivered},
      {"LIVGAR", ts::delivered},
      {"LIVDIV", ts::delivered},
      {"LIVEXP", ts::returned_to_sender},
      {"LIVVPC", ts::returned_to_sender},
      {"RENDID", ts::returning_to_sender},
      {"RENAVA", ts::returning_to_sender},
      {"RENAIN", ts::exception},
      {"DOUFCM", ts::exception},
      {"SOLDOC", ts::exception},
      {"RENFCO", ts::exception},
      {"DOUPRO", ts::exception},
      {"AARTER", ts::in_transit},
  };
  for (const auto& [code, status] : expected)
    EXPECT_EQ(map_event_code(code), status) << code << " -> " << to_string(map_event_code(code));
}

TEST(ColissimoStatusMap, UnknownOrMiscasedCodesAreUnknown) {
  EXPECT_EQ(map_event_code("ZZZZZZ"), ts::unknown);
  EXPECT_EQ(map_event_code("livcfm"), ts::unknown);
  EXPECT_EQ(map_event_code(""), ts::unknown);
}

struct expected_message {
  int id;
  error_kind kind;
  const char* field;
};

using ek = error_kind;
constexpr const char* none = "";

// Every SLS id the adapter maps: how the caller must see it.
const expected_message kExpected[] = {
    {14040, ek::rejected, none},
    {30000, ek::auth_failed, none},
    {30002, ek::invalid_request, "ship_date"},
    {30007, ek::auth_failed, none},
    {30008, ek::auth_failed, none},
    {30009, ek::rejected, "carrier_service"},
    {30010, ek::invalid_request, "ship_date"},
    {30014, ek::invalid_request, "carrier_service"},
    {30015, ek::invalid_request, "carrier_service"},
    {30017, ek::rejected, none},
    {30018, ek::rejected, none},
    {30020, ek::rejected, none},
    {30022, ek::rejected, none},
    {30023, ek::rejected, none},
    {30025, ek::invalid_request, "label.format"},
    {30026, ek::invalid_request, "label.format"},
    {30043, ek::invalid_request, "from.name"},
    {30045, ek::invalid_request, "from.email"},
    {30046, ek::invalid_request, "from.email"},
    {30047, ek::invalid_request, "from.phone"},
    {30065, ek::invalid_request, "from.name"},
    {30085, ek::invalid_request, "from.phone"},
    {30089, ek::invalid_request, "to.company"},
    {30090, ek::rejected, none},
    {30100, ek::invalid_request, "from.line1"},
    {30102, ek::invalid_request, "from.country"},
    {30103, ek::invalid_request, "from.country"},
    {30104, ek::invalid_request, "from.city"},
    {30106, ek::invalid_request, "from.postal_code"},
    {30107, ek::invalid_request, "from.postal_code"},
    {30108, ek::invalid_request, "from.postal_code"},
    {30109, ek::invalid_request, "from.country"},
    {30200, ek::invalid_request, "to.name"},
    {30202, ek::invalid_request, "to.name"},
    {30204, ek::invalid_request, "to.line1"},
    {30206, ek::invalid_request, "to.country"},
    {30207, ek::invalid_request, "to.country"},
    {30208, ek::invalid_request, "to.city"},
    {30210, ek::invalid_request, "to.postal_code"},
    {30211, ek::invalid_request, "to.postal_code"},
    {30212, ek::invalid_request, "to.postal_code"},
    {30213, ek::invalid_request, "to.country"},
    {30220, ek::invalid_request, "to.phone"},
    {30221, ek::invalid_request, "to.phone"},
    {30222, ek::invalid_request, "to.email"},
    {30223, ek::invalid_request, "to.email"},
    {30300, ek::invalid_request, "parcels[0].weight_g"},
    {30301, ek::invalid_request, "parcels[0].weight_g"},
    {30303, ek::rejected, none},
    {30306, ek::rejected, none},
    {30309, ek::rejected, none},
    {30310, ek::rejected, none},
    {30311, ek::rejected, none},
    {30312, ek::rejected, none},
    {30313, ek::rejected, none},
    {30316, ek::invalid_request, "to.country"},
    {30317, ek::rejected, none},
    {30318, ek::rejected, "carrier_service"},
    {30321, ek::rejected, none},
    {30323, ek::rejected, none},
    {30324, ek::rejected, none},
    {30325, ek::rejected, none},
    {30326, ek::rejected, none},
    {30327, ek::rejected, none},
    {30400, ek::invalid_request, "pickup_point_id"},
    {30401, ek::invalid_request, "pickup_point_id"},
    {30402, ek::invalid_request, "pickup_point_id"},
    {30403, ek::invalid_request, "pickup_point_id"},
    {30500, ek::rejected, none},
    {30503, ek::rejected, none},
    {30504, ek::rejected, none},
    {30505, ek::rejected, none},
    {30506, ek::rejected, none},
    {30507, ek::rejected, none},
    {30510, ek::rejected, none},
    {30511, ek::rejected, none},
    {30512, ek::rejected, none},
    {30513, ek::rejected, none},
    {30514, ek::rejected, none},
    {30515, ek::rejected, none},
    {30516, ek::rejected, none},
    {30517, ek::rejected, none},
    {30518, ek::rejected, none},
    {30519, ek::rejected, none},
    {30520, ek::rejected, none},
    {30521, ek::rejected, none},
    {30522, ek::rejected, none},
    {30523, ek::rejected, none},
    {30524, ek::rejected, none},
    {30525, ek::rejected, none},
    {30528, ek::rejected, none},
    {30529, ek::rejected, none},
    {30530, ek::rejected, none},
    {30531, ek::rejected, none},
    {30532, ek::rejected, none},
    {30533, ek::rejected, none},
    {30534, ek::rejected, none},
    {30535, ek::rejected, none},
    {30536, ek::rejected, none},
    {30537, ek::rejected, none},
    {30538, ek::rejected, none},
    {30539, ek::rejected, none},
    {30540, ek::rejected, none},
    {30541, ek::rejected, none},
    {30542, ek::rejected, none},
    {30543, ek::rejected, none},
    {30544, ek::rejected, none},
    {30545, ek::invalid_request, "from.country"},
    {30546, ek::rejected, none},
    {30547, ek::rejected, none},
    {30548, ek::rejected, none},
    {30549, ek::rejected, none},
    {30550, ek::rejected, none},
    {30551, ek::rejected, none},
    {30552, ek::rejected, none},
    {30553, ek::rejected, none},
    {30554, ek::rejected, none},
    {30600, ek::invalid_request, none},
    {30700, ek::rejected, "carrier_service"},
    {30701, ek::rejected, none},
    {30702, ek::rejected, none},
    {30703, ek::rejected, none},
    {30704, ek::invalid_request, "carrier_service"},
    {30705, ek::invalid_request, "from.country"},
    {30800, ek::rejected, none},
    {30801, ek::rejected, none},
    {30802, ek::rejected, none},
    {30803, ek::rejected, none},
    {30804, ek::rejected, none},
    {30805, ek::rejected, none},
    {30806, ek::rejected, none},
    {30807, ek::rejected, none},
    {30808, ek::rejected, none},
    {30809, ek::rejected, none},
    {30810, ek::rejected, none},
    {30811, ek::rejected, none},
    {30812, ek::rejected, none},
    {30813, ek::rejected, none},
    {30814, ek::rejected, none},
    {30815, ek::rejected, none},
    {30816, ek::rejected, none},
    {30817, ek::rejected, none},
    {30818, ek::rejected, none},
    {30819, ek::rejected, none},
    {30820, ek::rejected, none},
    {30900, ek::invalid_request, "pickup_point_id"},
    {30901, ek::invalid_request, "pickup_point_id"},
    {30902, ek::invalid_request, "pickup_point_id"},
    {30903, ek::invalid_request, "pickup_point_id"},
    {30904, ek::invalid_request, "pickup_point_id"},
    {40011, ek::invalid_request, "to.country"},
    {40012, ek::invalid_request, "from.country"},
    {40013, ek::rejected, none},
    {40014, ek::rejected, none},
    {40015, ek::unavailable, none},
    {40016, ek::rejected, none},
    {40017, ek::rejected, none},
    {40018, ek::rejected, none},
};

std::string error_body(int id) {
  return "--uuid:0b7e\r\nContent-Type: application/json;charset=UTF-8\r\nContent-ID: "
         "<jsonInfos>\r\n\r\n"
         "{\"messages\":[{\"id\":\"" +
         std::to_string(id) + "\",\"type\":\"ERROR\",\"messageContent\":\"texte " +
         std::to_string(id) +
         "\",\"replacementValues\":[]}],\"labelXmlV2Reponse\":null,\"labelV2Response\":null}\r\n"
         "--uuid:0b7e--\r\n";
}

TEST(ColissimoErrorIds, EveryCatalogueIdIsTested) {
  std::set<int> tested;
  for (const auto& e : kExpected) tested.insert(e.id);
  std::set<int> catalogued;
  for (const auto& m : sls_message_catalogue()) catalogued.insert(m.id);
  EXPECT_EQ(tested, catalogued);
}

TEST(ColissimoErrorIds, EachIdMapsToItsKindAndFieldThroughTheParser) {
  const label_order order{"DOM", "PDF_10x15_300dpi", "2099-06-15"};
  for (const auto& expected : kExpected) {
    auto out = parse_generate_label_response(
        colissimo_test::response(400, "multipart/mixed; boundary=\"uuid:0b7e\"",
                                 error_body(expected.id)),
        order, label_format::pdf);
    ASSERT_FALSE(out) << expected.id;
    const error& e = out.error();
    EXPECT_EQ(e.kind, expected.kind) << expected.id << " gave " << to_string(e.kind);
    EXPECT_EQ(e.carrier_code, std::to_string(expected.id));
    EXPECT_EQ(e.carrier_message, "texte " + std::to_string(expected.id));
    if (std::string_view(expected.field).empty() || expected.kind == ek::auth_failed) {
      EXPECT_TRUE(e.fields.empty()) << expected.id;
    } else {
      ASSERT_EQ(e.fields.size(), 1u) << expected.id;
      EXPECT_EQ(e.fields[0].field, expected.field) << expected.id;
      EXPECT_FALSE(e.fields[0].message.empty()) << expected.id;
    }
  }
}

TEST(ColissimoErrorIds, AuthFailureOutranksFieldErrorsInOneAnswer) {
  std::vector<sls_message> messages = {{"30211", "ERROR", "code postal", {}},
                                       {"30000", "ERROR", "identifiant", {}},
                                       {"0", "INFOS", "info", {}}};
  const error e = map_messages(messages);
  EXPECT_EQ(e.kind, error_kind::auth_failed);
  EXPECT_TRUE(e.fields.empty());
  EXPECT_EQ(e.carrier_code, "30000");
  EXPECT_EQ(e.carrier_message, "30211: code postal; 30000: identifiant");
}

}  // namespace
