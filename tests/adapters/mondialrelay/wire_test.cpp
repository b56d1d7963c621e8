// Pure wire functions of the Mondial Relay adapter: Security hash, text rules, the
// WSI2_CreationEtiquette envelope, response parsing, label URLs and tracing parsing.
#include <gtest/gtest.h>

#include <map>

#include <pugixml.hpp>

#include "adapters/mondialrelay/wire.hpp"
#include "tests/adapters/mondialrelay/test_support.hpp"

namespace mr = parcelgate::adapters::mondialrelay;
using namespace parcelgate;
using testing_mr::fixture;

namespace {

// (name, value) of every child of the operation element of a SOAP envelope, in document order.
std::vector<std::pair<std::string, std::string>> operation_params(const std::string& xml,
                                                                  std::string* op_ns = nullptr) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(xml.c_str()));
  auto op = doc.child("soap:Envelope").child("soap:Body").first_child();
  if (op_ns) *op_ns = op.attribute("xmlns").value();
  std::vector<std::pair<std::string, std::string>> out;
  for (auto c : op.children())
    if (c.type() == pugi::node_element) out.emplace_back(c.name(), c.child_value());
  return out;
}

mr::account sandbox() {
  return {"BDTEST13", "PrivateK"};
}

mr::delivery_plan relay_plan() {
  mr::delivery_plan plan;
  plan.mode_col = "CCC";
  plan.mode_liv = "24R";
  plan.liv_rel_pays = "FR";
  plan.liv_rel = "020230";
  return plan;
}

}  // namespace

TEST(MondialRelaySecurity, matches_published_vector_for_tracing_parameters) {
  EXPECT_EQ(mr::security_hash({"BDTEST13", "12345678", "FR"}, "PrivateK"),
            "33DA5F122DAA40241087CC7845BEA4B1");
}

TEST(MondialRelaySecurity, matches_published_vector_of_test_account) {
  EXPECT_EQ(mr::security_hash({"test", "E001", "FR"}, "test"), "B351449343E158B37FCD6AE7394581FD");
}

TEST(MondialRelaySecurity, tracing_request_carries_published_vector) {
  auto params = mr::build_tracing_params(sandbox(), "12345678", "FR");
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params.back().name, "Security");
  EXPECT_EQ(params.back().value, "33DA5F122DAA40241087CC7845BEA4B1");
}

TEST(MondialRelaySecurity, matches_hash_of_a_recorded_creation_etiquette_request) {
  // A WSI2_CreationEtiquette request recorded against the live service with the public test
  // account (akretion/roulier cassette test_mondialrelay_label_return.yaml); empty parameters count
  // as empty strings, and the service accepted this Security value.
  std::map<std::string, std::string> sent = {{"Enseigne", "BDTEST13"},
                                             {"ModeCol", "REL"},
                                             {"ModeLiv", "LCC"},
                                             {"Expe_Langage", "FR"},
                                             {"Expe_Ad1", "Akretion"},
                                             {"Expe_Ad3", "27 rue Henri Rolland"},
                                             {"Expe_Ad4", "Batiment B"},
                                             {"Expe_Ville", "Villeurbanne"},
                                             {"Expe_CP", "69100"},
                                             {"Expe_Pays", "FR"},
                                             {"Expe_Tel1", "+33482538457"},
                                             {"Dest_Langage", "FR"},
                                             {"Dest_Ad1", "Hugo"},
                                             {"Dest_Ad3", "6 Place des Vosges"},
                                             {"Dest_Ville", "Paris"},
                                             {"Dest_CP", "75004"},
                                             {"Dest_Pays", "FR"},
                                             {"Dest_Tel1", "+33600000000"},
                                             {"Dest_Mail", "hugo.victor@example.com"},
                                             {"Poids", "1200"},
                                             {"NbColis", "1"},
                                             {"CRT_Valeur", "0"},
                                             {"CRT_Devise", "EUR"},
                                             {"Exp_Devise", "EUR"},
                                             {"COL_Rel_Pays", "FR"},
                                             {"COL_Rel", "AUTO"}};
  mr::param_list params;
  for (auto name : mr::kCreationParams)
    params.push_back({std::string(name), sent[std::string(name)]});
  params.push_back({"Texte", "not part of the hash"});
  EXPECT_EQ(mr::security_for(params, "TestAPI1key"), "6A2E3C16861A41EC4E665C619F496EFA");
}

TEST(MondialRelaySecurity, hashes_iso_8859_1_bytes_not_utf8) {
  EXPECT_EQ(mr::security_hash({"\xC3\x89"}, ""),
            "52B016DB15C28529A2AA2F191C364DFA");  // MD5 of byte 0xC9
  EXPECT_EQ(mr::security_hash({"BDTEST13", "Élodie"}, "PrivateK"),
            "E52E269256640FAF9352CA4E46BC9566");
}

TEST(MondialRelaySecurity, ignores_security_and_texte_parameters) {
  mr::param_list a = {{"Enseigne", "BDTEST13"}, {"Expedition", "12345678"}, {"Langue", "FR"}};
  mr::param_list b = a;
  b.push_back({"Security", "WHATEVER"});
  b.push_back({"Texte", "free text"});
  EXPECT_EQ(mr::security_for(a, "PrivateK"), mr::security_for(b, "PrivateK"));
  EXPECT_EQ(mr::security_for(b, "PrivateK"), "33DA5F122DAA40241087CC7845BEA4B1");
}

TEST(MondialRelayText, latin1_keeps_latin1_and_transliterates_the_rest) {
  EXPECT_EQ(mr::to_latin1("Élodie"), "\xC9lodie");
  EXPECT_EQ(mr::to_latin1("l’été"), "l'\xE9t\xE9");
  EXPECT_EQ(mr::to_latin1("Œuvre 5€"), "OEuvre 5EUR");
  EXPECT_EQ(mr::to_latin1("Łódź"),
            "L\xF3"
            "dz");
  EXPECT_EQ(mr::to_latin1("Жук"), "???");
  EXPECT_EQ(mr::to_latin1("a\xFF"
                          "b"),
            "a?b");
}

TEST(MondialRelayText, wire_text_is_uppercase_ascii_without_accents) {
  EXPECT_EQ(mr::to_mr_text("Zoë Lefèvre", mr::text_class::address, 32), "ZOE LEFEVRE");
  EXPECT_EQ(mr::to_mr_text("Große Straße 5", mr::text_class::address, 32), "GROSSE STRASSE 5");
  EXPECT_EQ(mr::to_mr_text("Œuvre d’art", mr::text_class::address, 32), "OEUVRE D'ART");
  EXPECT_EQ(mr::to_mr_text("  Rue\tdu  Port #3 ", mr::text_class::address, 32), "RUE DU PORT 3");
  EXPECT_EQ(mr::to_mr_text("St. Étienne/Loire", mr::text_class::city, 26), "ST ETIENNE LOIRE");
  EXPECT_EQ(mr::to_mr_text("Москва", mr::text_class::city, 26), "");
}

TEST(MondialRelayText, wire_text_is_cut_to_the_field_limit_without_trailing_space) {
  auto cut =
      mr::to_mr_text("Residence des Grands Chenes Batiment Nord", mr::text_class::address, 32);
  EXPECT_EQ(cut, "RESIDENCE DES GRANDS CHENES BATI");
  EXPECT_EQ(mr::to_mr_text("Saint-Remy-en-Bouzemont-Saint-Genest", mr::text_class::city, 26),
            "SAINT-REMY-EN-BOUZEMONT-SA");
  EXPECT_EQ(mr::to_mr_text("abcdefghij klmnop", mr::text_class::address, 11), "ABCDEFGHIJ");
}

TEST(MondialRelayText, postcodes_follow_country_patterns) {
  EXPECT_EQ(mr::normalize_postcode("FR", "75 011"), "75011");
  EXPECT_FALSE(mr::normalize_postcode("FR", "7501"));
  EXPECT_FALSE(mr::normalize_postcode("FR", "7501A"));
  EXPECT_EQ(mr::normalize_postcode("BE", "1000"), "1000");
  EXPECT_EQ(mr::normalize_postcode("LU", "L-1234"), "1234");
  EXPECT_EQ(mr::normalize_postcode("NL", "1012 ab"), "1012AB");
  EXPECT_EQ(mr::normalize_postcode("PT", "1000001"), "1000-001");
  EXPECT_EQ(mr::normalize_postcode("PL", "00-950"), "00-950");
}

TEST(MondialRelayText, phones_and_emails_are_reduced_to_what_the_service_accepts) {
  EXPECT_EQ(mr::normalize_phone("04 77 12 34 56"), "0477123456");
  EXPECT_EQ(mr::normalize_phone("+33 (0)6 12 34 56 78"), "+33612345678");
  EXPECT_EQ(mr::normalize_phone("0033.6.12.34.56.78"), "0033612345678");
  EXPECT_FALSE(mr::normalize_phone("12345"));
  EXPECT_FALSE(mr::normalize_phone("06 12 34 ext 5"));
  EXPECT_EQ(mr::normalize_email("a.b-c_d@example.com"), "a.b-c_d@example.com");
  EXPECT_FALSE(mr::normalize_email("zoe+shop@example.com"));
}

TEST(MondialRelayEnvelope, lists_every_parameter_in_wsdl_order_with_security_last) {
  auto params =
      mr::build_creation_params(testing_mr::pickup_point_request(), relay_plan(), sandbox());
  std::string ns;
  auto sent = operation_params(mr::build_envelope(mr::kCreationOperation, params), &ns);
  EXPECT_EQ(ns, "http://www.mondialrelay.fr/webservice/");
  ASSERT_EQ(sent.size(), mr::kCreationParams.size());
  for (std::size_t i = 0; i < sent.size(); ++i)
    EXPECT_EQ(sent[i].first, mr::kCreationParams[i]) << "position " << i;
  EXPECT_EQ(sent.back().first, "Security");
}

TEST(MondialRelayEnvelope, matches_the_expected_wire_payload_value_by_value) {
  auto params =
      mr::build_creation_params(testing_mr::pickup_point_request(), relay_plan(), sandbox());
  auto ours = operation_params(mr::build_envelope(mr::kCreationOperation, params));
  auto expected = operation_params(fixture("creation_request_pickup_point.xml"));
  ASSERT_EQ(ours.size(), expected.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(ours[i].first, expected[i].first);
    EXPECT_EQ(ours[i].second, expected[i].second) << expected[i].first;
  }
}

TEST(MondialRelayEnvelope, is_a_soap_1_1_envelope_in_utf8) {
  auto body = mr::build_envelope(mr::kCreationOperation, {{"Enseigne", "BDTEST13"}});
  EXPECT_TRUE(body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope"));
  EXPECT_NE(body.find("xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\""),
            std::string::npos);
  EXPECT_EQ(mr::soap_action(mr::kCreationOperation),
            "\"http://www.mondialrelay.fr/webservice/WSI2_CreationEtiquette\"");
}

TEST(MondialRelayEnvelope, sends_weight_in_grams_length_in_cm_and_a_100_g_minimum) {
  auto r = testing_mr::pickup_point_request();
  r.parcels[0].weight_g = 40;
  r.parcels[0].dimensions_mm = dimensions{455, 120, 80};
  auto params = mr::build_creation_params(r, relay_plan(), sandbox());
  auto value = [&](std::string_view name) {
    for (const auto& p : params)
      if (p.name == name) return p.value;
    return std::string("<absent>");
  };
  EXPECT_EQ(value("Poids"), "100");
  EXPECT_EQ(value("Longueur"), "46");
  EXPECT_EQ(value("NbColis"), "1");
  EXPECT_EQ(value("NDossier"), "0A1B2C3D4E5F6G7");
}

// The merchant's reference travels in NClient, the field the label prints as the reference;
// NDossier keeps our shipment id (the key a sale is reconciled by).
TEST(MondialRelayEnvelope, sends_the_merchant_reference_in_nclient_and_our_id_in_ndossier) {
  auto r = testing_mr::pickup_point_request();
  auto value = [](const mr::param_list& params, std::string_view name) {
    for (const auto& p : params)
      if (p.name == name) return p.value;
    return std::string("<absent>");
  };
  auto params = mr::build_creation_params(r, relay_plan(), sandbox());
  EXPECT_EQ(value(params, "NClient"), "ORDER1042");
  EXPECT_EQ(value(params, "NDossier"), "0A1B2C3D4E5F6G7");
  r.reference.clear();
  params = mr::build_creation_params(r, relay_plan(), sandbox());
  EXPECT_EQ(value(params, "NClient"), "");
}

TEST(MondialRelayText, client_reference_keeps_letters_and_digits_and_the_last_nine) {
  EXPECT_EQ(mr::client_reference_for("order-1042"), "ORDER1042");
  EXPECT_EQ(mr::client_reference_for("Cde 2026/000123"), "026000123");
  EXPECT_EQ(mr::client_reference_for("Commande Élodie"), "NDEELODIE");
  EXPECT_EQ(mr::client_reference_for("  #42 "), "42");
  EXPECT_EQ(mr::client_reference_for("---"), "");
  EXPECT_EQ(mr::client_reference_for(""), "");
  for (const auto* ref : {"order-1042", "Cde 2026/000123", "ünïcödé-ref-Œuvre-€"}) {
    const auto v = mr::client_reference_for(ref);
    EXPECT_LE(v.size(), mr::kMaxClientReference) << ref;
    EXPECT_EQ(v.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"), std::string::npos)
        << ref;
  }
}

TEST(MondialRelayResponse, parses_success_with_relative_label_url) {
  auto parsed = mr::parse_creation_response(200, fixture("creation_response_ok.xml"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->stat, 0);
  EXPECT_EQ(parsed->expedition_num, "41098765");
  EXPECT_EQ(parsed->url_etiquette,
            "/ww2/PDF/"
            "StickerMaker2.aspx?ens=BDTEST1311&expedition=41098765&lg=FR&format=A4&crc="
            "5C0F1E2D3A4B5C6D7E8F90A1B2C3D4E5");
  EXPECT_TRUE(mr::creation_succeeded(parsed->stat));
}

TEST(MondialRelayResponse, returns_error_stats_for_mapping) {
  auto parsed = mr::parse_creation_response(200, fixture("creation_response_stat97.xml"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->stat, 97);
  EXPECT_FALSE(mr::creation_succeeded(parsed->stat));
  auto stat36 = mr::parse_creation_response(200, fixture("creation_response_stat36.xml"));
  ASSERT_TRUE(stat36);
  EXPECT_EQ(stat36->stat, 36);
  EXPECT_TRUE(stat36->expedition_num.empty());
}

TEST(MondialRelayResponse, client_soap_fault_is_our_bug_with_raw_fault_kept) {
  auto parsed = mr::parse_creation_response(500, fixture("soap_fault_client.xml"));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, error_kind::internal);
  EXPECT_EQ(parsed.error().carrier, "mondialrelay");
  EXPECT_EQ(parsed.error().carrier_code, "soap:Client");
  EXPECT_NE(parsed.error().carrier_message.find("SOAPAction"), std::string::npos);
  EXPECT_EQ(parsed.error().sale, sale_outcome::not_sold)
      << "the service refused to read the request";
}

TEST(MondialRelayResponse, server_soap_fault_means_unavailable) {
  auto parsed = mr::parse_creation_response(500, fixture("soap_fault_server.xml"));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, error_kind::unavailable);
  EXPECT_EQ(parsed.error().carrier_code, "soap:Server");
  EXPECT_EQ(parsed.error().sale, sale_outcome::unknown) << "a server fault may follow the creation";
}

TEST(MondialRelayResponse, malformed_xml_is_bad_gateway) {
  auto parsed = mr::parse_creation_response(200, fixture("creation_response_truncated.xml"));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, error_kind::bad_gateway);
  EXPECT_EQ(parsed.error().carrier_code, "malformed XML");
}

TEST(MondialRelayResponse, http_errors_without_soap_body_map_by_status) {
  EXPECT_EQ(mr::parse_creation_response(503, "<html>Service Unavailable</html>").error().kind,
            error_kind::unavailable);
  EXPECT_EQ(mr::parse_creation_response(429, "").error().kind, error_kind::rate_limited);
  EXPECT_EQ(mr::parse_creation_response(404, "<html/>").error().kind, error_kind::bad_gateway);
  EXPECT_EQ(mr::parse_creation_response(200, "<a><b/></a>").error().carrier_code, "missing STAT");
}

TEST(MondialRelayResponse, only_a_429_among_bare_http_errors_proves_nothing_was_sold) {
  // A proxy's 5xx page may arrive after the creation succeeded behind it.
  for (int status : {500, 502, 503, 504, 401, 403, 404})
    EXPECT_EQ(mr::parse_creation_response(status, "<html>error</html>").error().sale,
              sale_outcome::unknown)
        << status;
  EXPECT_EQ(mr::parse_creation_response(429, "").error().sale, sale_outcome::not_sold);
  EXPECT_EQ(mr::parse_creation_response(200, "<a><b/></a>").error().sale, sale_outcome::unknown);
}

TEST(MondialRelayResponse, success_without_expedition_number_is_bad_gateway) {
  std::string body = fixture("creation_response_ok.xml");
  body.replace(body.find("41098765</ExpeditionNum>"), 8, "");
  auto parsed = mr::parse_creation_response(200, body);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, error_kind::bad_gateway);
}

TEST(MondialRelayLabelUrl, swaps_the_format_and_keeps_the_other_parameters) {
  EXPECT_EQ(
      mr::label_url(
          "https://www.mondialrelay.com/",
          "/ww2/PDF/StickerMaker2.aspx?ens=BDTEST1311&expedition=41098765&lg=FR&format=A4&crc=AB",
          "10x15"),
      "https://www.mondialrelay.com/ww2/PDF/"
      "StickerMaker2.aspx?ens=BDTEST1311&expedition=41098765&lg=FR&format=10x15&crc=AB");
  EXPECT_EQ(mr::label_url("http://127.0.0.1:9443/mondialrelay",
                          "/ww2/PDF/StickerMaker2.aspx?expedition=1", "A4"),
            "http://127.0.0.1:9443/mondialrelay/ww2/PDF/StickerMaker2.aspx?expedition=1&format=A4");
  EXPECT_EQ(mr::label_url("http://x", "https://labels.example/l.aspx?format=A5&a=1", "A4"),
            "https://labels.example/l.aspx?format=A4&a=1");
}

TEST(MondialRelayLabelUrl, maps_label_sizes_to_sticker_formats) {
  EXPECT_EQ(mr::sticker_format(label_size::a4), "A4");
  EXPECT_EQ(mr::sticker_format(label_size::a6), "10x15");
  EXPECT_EQ(mr::sticker_format(label_size::in4x6), "10x15");
}

TEST(MondialRelayTracing, parses_steps_and_drops_padding_entries) {
  auto parsed = mr::parse_tracing_response(200, fixture("tracing_response_available.xml"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->stat, 81);
  EXPECT_EQ(parsed->relay_label, "TABAC DE LA MAIRIE");
  EXPECT_EQ(parsed->relay_num, "020230");
  ASSERT_EQ(parsed->steps.size(), 3u);
  EXPECT_EQ(parsed->steps[0].location, "SAINT-ETIENNE");
  EXPECT_EQ(parsed->steps[2].relay_num, "020230");
  EXPECT_EQ(parsed->steps[2].relay_country, "FR");
  EXPECT_EQ(parsed->steps[2].date, "05/10/26");
  EXPECT_EQ(mr::status_from_label(parsed->steps[0].label), tracking_status::picked_up);
  EXPECT_EQ(mr::status_from_label(parsed->steps[1].label), tracking_status::in_transit);
  EXPECT_EQ(mr::status_from_label(parsed->steps[2].label), tracking_status::available_for_pickup);
}
