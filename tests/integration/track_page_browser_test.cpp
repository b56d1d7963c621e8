// The public tracking page in a real browser on a phone-sized screen: headless Chromium (Debian's
// `chromium`) loads /track/{number} from a real gateway over TLS, takes a screenshot kept under
// build/test-artifacts/ and dumps the DOM it rendered. The timeline entries must be there, in
// order, and the browser must not have refused anything under the page's Content-Security-Policy
// (an inline style without its hash would be; so would a script).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "harness.hpp"
#include "test_support.hpp"
#include "tracking_seed.hpp"

namespace {

using parcelgate::tracking_status;
using pgtest::scan;
namespace fs = std::filesystem;

// Chromium with a fresh profile, nothing of the network but the gateway, the dev certificate
// accepted (the dev CA is not in the browser's store).
std::vector<std::string> chromium(const fs::path& profile, std::vector<std::string> extra) {
  std::vector<std::string> argv{"/usr/bin/chromium",
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--no-first-run",
                                "--disable-extensions",
                                "--hide-scrollbars",
                                "--ignore-certificate-errors",
                                "--enable-logging=stderr",
                                "--v=0",
                                "--window-size=390,844",
                                "--user-data-dir=" + profile.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

TEST(track_page_browser, a_phone_shows_the_timeline_without_csp_violations) {
  pgtest::stack env;
  const auto key = env.create_key("acme", "merchant");
  auto bought =
      env.call("POST", "/v1/shipments", key, pgtest::shipment_body("mondialrelay", "browser-1"),
               {{"Idempotency-Key", "browser-1"}});
  ASSERT_EQ(bought.status, 201) << pgtest::describe(bought);
  const auto shipment = pgtest::parse_object(bought.body);
  const std::string id = pgtest::string_at(shipment, "id");
  const std::string number = pgtest::string_at(shipment, "tracking_number");
  {
    pgtest::scan_writer writer(env.config_file());
    using ts = tracking_status;
    ASSERT_EQ(writer.apply("acme", id,
                           {scan(ts::dropped_off, "1", "2030-01-02T08:15:00Z",
                                 "Colis déposé en Point Relais", "Paris"),
                            scan(ts::in_transit, "10", "2030-01-02T21:40:00Z",
                                 "<b>Colis</b> en cours d'acheminement", "Lyon"),
                            scan(ts::available_for_pickup, "24", "2030-01-03T09:05:00Z",
                                 "Disponible au Point Relais", "Villeurbanne", "020230")}),
              "available_for_pickup");
  }

  const fs::path artifacts = TEST_ARTIFACTS_DIR;
  fs::create_directories(artifacts);
  const fs::path screenshot = artifacts / "track-page-phone.png";
  fs::remove(screenshot);
  // Mondial Relay's 8-digit numbers are shown with the destination postal code.
  const std::string url = env.gateway_url() + "/track/" + number + "?lang=fr&postal_code=69100";

  std::string shot_log;
  const int shot = pgtest::run_program(
      chromium(env.dir() / "profile-shot", {"--screenshot=" + screenshot.string(), url}),
      &shot_log);
  ASSERT_EQ(shot, 0) << shot_log.substr(0, 4000);
  ASSERT_TRUE(fs::exists(screenshot)) << shot_log.substr(0, 4000);
  EXPECT_GT(fs::file_size(screenshot), 20'000u) << "a blank or broken page";
  {
    std::ifstream png(screenshot, std::ios::binary);
    std::string head(24, '\0');
    png.read(head.data(), static_cast<std::streamsize>(head.size()));
    ASSERT_TRUE(head.starts_with("\x89PNG\r\n\x1a\n"));
    // IHDR: width and height, big-endian at bytes 16 and 20 (390 CSS px wide at scale 1).
    auto be32 = [&](int at) {
      return (static_cast<unsigned char>(head[at]) << 24) |
             (static_cast<unsigned char>(head[at + 1]) << 16) |
             (static_cast<unsigned char>(head[at + 2]) << 8) |
             static_cast<unsigned char>(head[at + 3]);
    };
    EXPECT_EQ(be32(16), 390);
    EXPECT_EQ(be32(20), 844);
  }

  std::string dom;
  const int dumped =
      pgtest::run_program(chromium(env.dir() / "profile-dom", {"--dump-dom", url}), &dom);
  ASSERT_EQ(dumped, 0) << dom.substr(0, 4000);
  std::ofstream(artifacts / "track-page-phone.html") << dom;
  // The timeline as rendered, newest first, in French.
  const std::vector<std::string> entries{"Disponible au point de retrait",
                                         "En cours d'acheminement", "Déposé",
                                         "Étiquette créée, en attente du colis"};
  std::size_t at = dom.find("id=\"timeline\"");
  ASSERT_NE(at, std::string::npos) << dom.substr(0, 4000);
  for (const auto& e : entries) {
    const auto found = dom.find("<p class=\"what\">" + e + "</p>", at);
    EXPECT_NE(found, std::string::npos) << e << " missing or out of order";
    if (found != std::string::npos) at = found;
  }
  EXPECT_NE(dom.find("<time datetime=\"2030-01-02T21:40:00Z\">2 janvier 2030, 22:40"),
            std::string::npos);
  EXPECT_NE(dom.find("data-point-id=\"020230\""), std::string::npos);
  // The carrier's markup stayed text: no <b> element was created from it.
  EXPECT_NE(dom.find("&lt;b&gt;Colis&lt;/b&gt; en cours d'acheminement"), std::string::npos);
  EXPECT_EQ(dom.find("<b>Colis"), std::string::npos);
  // Nothing refused by the Content-Security-Policy: the one stylesheet matched its hash.
  for (const auto* log : {&shot_log, &dom})
    EXPECT_EQ(log->find("Content Security Policy"), std::string::npos) << log->substr(0, 4000);

  // Without the postal code, the same phone gets the form asking for it, and no timeline.
  const fs::path form_shot = artifacts / "track-page-phone-postal-code.png";
  fs::remove(form_shot);
  const std::string form_url = env.gateway_url() + "/track/" + number + "?lang=en";
  std::string form_log;
  ASSERT_EQ(pgtest::run_program(chromium(env.dir() / "profile-form",
                                         {"--screenshot=" + form_shot.string(), form_url}),
                                &form_log),
            0)
      << form_log.substr(0, 4000);
  EXPECT_TRUE(fs::exists(form_shot));
  std::string form_dom;
  ASSERT_EQ(pgtest::run_program(chromium(env.dir() / "profile-form-dom", {"--dump-dom", form_url}),
                                &form_dom),
            0);
  EXPECT_NE(form_dom.find("name=\"postal_code\""), std::string::npos) << form_dom.substr(0, 4000);
  EXPECT_EQ(form_dom.find("id=\"timeline\""), std::string::npos);
  for (const auto* log : {&form_log, &form_dom})
    EXPECT_EQ(log->find("Content Security Policy"), std::string::npos) << log->substr(0, 4000);
}

}  // namespace
