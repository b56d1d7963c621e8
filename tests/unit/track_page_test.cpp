// The tracking read side's pure parts: the timeline view (ids, order, the gateway's own
// label_created event, status_detail, JSON nulls) and the public page (language choice, escaping
// of untrusted carrier texts, no personal data, dates in Paris time, the CSP hash).
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <boost/json.hpp>

#include <regex>

#include "gateway/api/tracking_view.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/time_zone.hpp"
#include "gateway/web/track_page.hpp"

namespace {

using parcelgate::api::make_tracking_view;
using parcelgate::api::render_tracking_json;
using parcelgate::api::tracking_event_id;
using parcelgate::store::shipment_row;
using parcelgate::store::stored_event;
using parcelgate::web::choose_language;
using parcelgate::web::page_context;
using parcelgate::web::page_language;
namespace json = boost::json;

// A shipment whose body holds every kind of personal data the page must never show.
shipment_row shipment() {
  return {.id = "shp_0a1b2c3d4e5f6g7",
          .tenant = "acme",
          .status = "available_for_pickup",
          .carrier = "mondialrelay",
          .service = "pickup_point",
          .carrier_service = "24R",
          .tracking_number = "12345678",
          .reference = "order-1042",
          .direction = "outbound",
          .idempotency_key = "k",
          .body = R"({"to": {"name": "Marie Curie", "line1": "31 cours Andre Philip",
                     "phone": "+33611223344", "email": "marie@example.test", "city": "Villeurbanne"}})",
          .created_at = "2026-12-01T08:00:00Z",
          .updated_at = "2026-12-02T10:00:00Z",
          .version = 3};
}

stored_event event(std::string status, std::string code, std::string at, std::string text,
                   std::string city = {}, std::string point = {}) {
  return {.occurred_at = std::move(at),
          .carrier_code = std::move(code),
          .status = std::move(status),
          .carrier_text = std::move(text),
          .location = std::move(city),
          .postal_code = "69100",
          .country = "FR",
          .point_id = std::move(point),
          .source = "carrier_poll",
          .recorded_at = "2026-12-02T10:00:00Z"};
}

std::vector<stored_event> scans() {
  return {
      event("dropped_off", "1", "2026-12-01T09:15:00Z", "Colis déposé en Point Relais", "Paris"),
      event("in_transit", "10", "2026-12-01T21:40:00Z", "<script>alert('x')</script> & \"quoted\"",
            "Lyon"),
      event("available_for_pickup", "24", "2026-12-02T09:05:00Z", "Disponible au Point Relais",
            "Villeurbanne", "020230")};
}

const parcelgate::time_zone* paris() {
  static auto tz = parcelgate::time_zone::load("Europe/Paris");
  return tz ? &*tz : nullptr;
}

TEST(tracking_view, events_are_oldest_first_with_stable_ids_and_the_gateway_label_event) {
  auto view = make_tracking_view(shipment(), scans());
  ASSERT_EQ(view.events.size(), 4u);
  EXPECT_EQ(view.events[0].status, "label_created");
  EXPECT_EQ(view.events[0].source, "gateway");
  EXPECT_EQ(view.events[0].occurred_at, "2026-12-01T08:00:00Z");
  EXPECT_EQ(view.events[1].status, "dropped_off");
  EXPECT_EQ(view.events[3].status, "available_for_pickup");
  EXPECT_EQ(view.status_detail, "Disponible au Point Relais");
  const std::regex id("^evt_[0-9a-f]{20}$");
  std::set<std::string> ids;
  for (const auto& e : view.events) {
    EXPECT_TRUE(std::regex_match(e.id, id)) << e.id;
    ids.insert(e.id);
  }
  EXPECT_EQ(ids.size(), 4u);
  // Stable: the same scan has the same id on every read, and an offset spelling of the same
  // instant is the same scan; another shipment's scan is another event.
  EXPECT_EQ(make_tracking_view(shipment(), scans()).events[2].id, view.events[2].id);
  EXPECT_EQ(view.events[2].id, tracking_event_id(shipment().id, "2026-12-01T21:40:00Z", "10"));
  auto offset = scans();
  offset[1].occurred_at = "2026-12-01T22:40:00+01:00";
  EXPECT_EQ(make_tracking_view(shipment(), offset).events[2].id, view.events[2].id);
  auto other = shipment();
  other.id = "shp_zzzzzzzzzzzzzzz";
  EXPECT_NE(make_tracking_view(other, scans()).events[2].id, view.events[2].id);
}

TEST(tracking_view, a_carrier_label_event_replaces_the_gateway_one_and_no_number_has_none) {
  auto with_label = scans();
  with_label.insert(with_label.begin(),
                    event("label_created", "0", "2026-12-01T08:01:00Z", "Pris en compte"));
  auto view = make_tracking_view(shipment(), with_label);
  ASSERT_EQ(view.events.size(), 4u);
  EXPECT_EQ(view.events[0].source, "carrier_poll");
  auto unconfirmed = shipment();
  unconfirmed.tracking_number.clear();
  unconfirmed.status = "pending_confirmation";
  auto empty = make_tracking_view(unconfirmed, {});
  EXPECT_TRUE(empty.events.empty());
  auto o = json::parse(render_tracking_json(empty)).as_object();
  EXPECT_TRUE(o.at("tracking_number").is_null());
  EXPECT_TRUE(o.at("status_detail").is_null());
  EXPECT_EQ(o.at("status").as_string(), "pending_confirmation");
}

TEST(tracking_view, json_has_the_designed_members_and_nulls_for_what_is_unknown) {
  auto o = json::parse(render_tracking_json(make_tracking_view(shipment(), scans()))).as_object();
  EXPECT_EQ(o.size(), 7u);
  EXPECT_EQ(o.at("tracking_number").as_string(), "12345678");
  EXPECT_EQ(o.at("carrier").as_string(), "mondialrelay");
  EXPECT_EQ(o.at("shipment_id").as_string(), "shp_0a1b2c3d4e5f6g7");
  EXPECT_TRUE(o.at("estimated_delivery").is_null());
  const auto& events = o.at("events").as_array();
  ASSERT_EQ(events.size(), 4u);
  const auto& gateway = events[0].as_object();
  EXPECT_TRUE(gateway.at("carrier_code").is_null());
  EXPECT_TRUE(gateway.at("description").is_null());
  EXPECT_TRUE(gateway.at("location").as_object().at("city").is_null());
  const auto& last = events[3].as_object();
  EXPECT_EQ(last.at("carrier_code").as_string(), "24");
  EXPECT_EQ(last.at("location").as_object().at("point_id").as_string(), "020230");
  EXPECT_EQ(last.at("location").as_object().at("city").as_string(), "Villeurbanne");
  // Nothing of the shipment's body: no names, phones, e-mails or street addresses.
  const auto text = render_tracking_json(make_tracking_view(shipment(), scans()));
  for (const char* personal : {"Marie", "33611223344", "example.test", "cours Andre"})
    EXPECT_EQ(text.find(personal), std::string::npos) << personal;
}

TEST(track_page, language_comes_from_lang_then_accept_language_q_values_then_english) {
  EXPECT_EQ(choose_language("", ""), page_language::en);
  EXPECT_EQ(choose_language("fr-FR,fr;q=0.9,en;q=0.8", ""), page_language::fr);
  EXPECT_EQ(choose_language("en-GB,en;q=0.9,fr;q=0.8", ""), page_language::en);
  EXPECT_EQ(choose_language("de-DE, fr;q=0.5, en;q=0.4", ""), page_language::fr);
  EXPECT_EQ(choose_language("en;q=0.3, FR-be;q=0.7", ""), page_language::fr);
  EXPECT_EQ(choose_language("fr;q=0, en", ""), page_language::en);
  EXPECT_EQ(choose_language("fr;q=0", ""), page_language::en);
  EXPECT_EQ(choose_language("de, es", ""), page_language::en);
  EXPECT_EQ(choose_language("*;q=0.1, fr;q=0.2", ""), page_language::fr);
  EXPECT_EQ(choose_language("fr;q=1.5, en;q=0.1", ""), page_language::en);  // invalid q ignored
  EXPECT_EQ(choose_language("fr;q=0.5, en;q=0.5", ""), page_language::fr);  // tie: first wins
  EXPECT_EQ(choose_language("fr", "en"), page_language::en);
  EXPECT_EQ(choose_language("en", "fr"), page_language::fr);
  EXPECT_EQ(choose_language("fr", "de"), page_language::fr);  // unknown ?lang= is ignored
}

TEST(track_page, carrier_texts_are_escaped_and_the_page_has_no_script_nor_personal_data) {
  const page_context ctx{.lang = page_language::en,
                         .carrier_name = "Mondial <Relay>",
                         .carrier = {},
                         .postal_code = {},
                         .paris = paris()};
  const auto html =
      parcelgate::web::render_track_page(make_tracking_view(shipment(), scans()), ctx);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("Mondial &lt;Relay&gt;"), std::string::npos);
  for (const char* personal :
       {"Marie", "33611223344", "example.test", "cours Andre", "order-1042", "acme"})
    EXPECT_EQ(html.find(personal), std::string::npos) << personal;
  // No inline style attribute nor event handler: the CSP allows the one stylesheet only.
  EXPECT_EQ(html.find(" style="), std::string::npos);
  EXPECT_EQ(html.find(" on"), std::string::npos);
  // Newest first, in human words, with the collection point's slot.
  const auto ready = html.find("Ready for pickup");
  const auto dropped = html.find("Dropped off");
  const auto label = html.find("Label created");
  ASSERT_NE(ready, std::string::npos);
  ASSERT_NE(dropped, std::string::npos);
  ASSERT_NE(label, std::string::npos);
  EXPECT_LT(html.find("Ready for pickup", ready + 1), dropped);  // summary, then the newest event
  EXPECT_LT(dropped, label);
  EXPECT_NE(html.find("data-point-id=\"020230\""), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html.find("href=\"?lang=fr\""), std::string::npos);
}

TEST(track_page, french_page_uses_french_words_and_paris_times) {
  ASSERT_NE(paris(), nullptr) << "tzdata (Europe/Paris) is needed";
  const page_context ctx{.lang = page_language::fr,
                         .carrier_name = "Mondial Relay",
                         .carrier = "mondialrelay",
                         .postal_code = {},
                         .paris = paris()};
  const auto html =
      parcelgate::web::render_track_page(make_tracking_view(shipment(), scans()), ctx);
  EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(html.find("Disponible au point de retrait"), std::string::npos);
  EXPECT_NE(html.find("En cours d&#39;acheminement"), std::string::npos);
  // 21:40 UTC on 1 December is 22:40 in Paris (winter, UTC+1).
  EXPECT_NE(html.find("<time datetime=\"2026-12-01T21:40:00Z\">1 décembre 2026, 22:40 (heure de "
                      "Paris, UTC+1)</time>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("href=\"?carrier=mondialrelay&amp;lang=en\""), std::string::npos);
  // Summer time: UTC+2.
  EXPECT_EQ(parcelgate::web::format_instant(*parcelgate::parse_rfc3339("2026-07-14T10:05:00Z"),
                                            page_language::en, paris()),
            "14 July 2026, 12:05 (Paris time, UTC+2)");
}

TEST(track_page, not_found_page_echoes_nothing_and_the_csp_allows_exactly_the_stylesheet) {
  const page_context ctx{.lang = page_language::en,
                         .carrier_name = {},
                         .carrier = {},
                         .postal_code = {},
                         .paris = nullptr};
  const auto html = parcelgate::web::render_track_not_found(ctx);
  EXPECT_NE(html.find("Tracking number not found"), std::string::npos);
  const auto& csp = parcelgate::web::track_page_csp();
  const auto sheet = parcelgate::web::track_page_stylesheet();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  EVP_Digest(sheet.data(), sheet.size(), digest, &size, EVP_sha256(), nullptr);
  std::string b64(64, '\0');
  b64.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                                      digest, static_cast<int>(size))));
  EXPECT_NE(csp.find("style-src 'sha256-" + b64 + "'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("<style>" + std::string(sheet) + "</style>"), std::string::npos);
}

TEST(track_page, a_short_number_asks_for_the_postal_code_and_links_keep_it) {
  page_context ctx{.lang = page_language::fr,
                   .carrier_name = "Mondial Relay",
                   .carrier = "mondialrelay",
                   .postal_code = {},
                   .paris = paris()};
  const auto form = parcelgate::web::render_track_postal_code_form(ctx);
  EXPECT_NE(form.find("<form class=\"verify\" method=\"get\" action=\"\">"), std::string::npos);
  EXPECT_NE(form.find("name=\"postal_code\""), std::string::npos);
  EXPECT_NE(form.find("<input type=\"hidden\" name=\"lang\" value=\"fr\">"), std::string::npos);
  EXPECT_NE(form.find("<input type=\"hidden\" name=\"carrier\" value=\"mondialrelay\">"),
            std::string::npos);
  EXPECT_NE(form.find("Code postal"), std::string::npos);
  EXPECT_NE(parcelgate::web::track_page_csp().find("form-action 'self'"), std::string::npos);
  // Once given, the language link keeps it (encoded), so switching language shows the parcel.
  ctx.postal_code = "69 100&x";
  const auto page =
      parcelgate::web::render_track_page(make_tracking_view(shipment(), scans()), ctx);
  EXPECT_NE(page.find("href=\"?carrier=mondialrelay&amp;postal_code=69%20100%26x&amp;lang=en\""),
            std::string::npos)
      << page;
}

}  // namespace
