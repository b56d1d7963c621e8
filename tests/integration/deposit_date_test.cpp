// Colissimo's deposit date is "today" in France (Europe/Paris), which runs ahead of UTC from
// 23:00 UTC in winter and 22:00 UTC in summer; SLS refuses a date before France's current date
// (30002). Both processes run under libfaketime at 23:30 UTC, when France is already on the next
// day, so a gateway that sent the UTC date would be refused.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono;
using pgtest::describe;

constexpr const char* kFaketimeLibrary = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

std::string format_date(sys_days d) {
  const year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// The next 23:30 UTC still ahead of the real clock (a faked clock in the past would predate the
// dev certificates).
sys_days next_late_evening_day() {
  const auto now = system_clock::now();
  const auto today = floor<days>(now);
  return now < today + hours{23} + minutes{30} ? today : today + days{1};
}

pgtest::stack_options late_evening_options(sys_days utc_day) {
  pgtest::stack_options o;
  o.env = {std::string("LD_PRELOAD=") + kFaketimeLibrary,
           "FAKETIME=@" + format_date(utc_day) + " 23:30:00", "FAKETIME_DONT_FAKE_MONOTONIC=1"};
  // Under AddressSanitizer the preloaded clock library comes before the ASan runtime, which
  // ASan refuses unless told that the order is intended.
  const char* asan = std::getenv("ASAN_OPTIONS");
  o.env.push_back(std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : std::string()) +
                  "verify_asan_link_order=0");
  return o;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(deposit_date, colissimo_purchase_at_23_30_utc_uses_frances_date_and_is_accepted) {
  ASSERT_TRUE(std::filesystem::exists(kFaketimeLibrary)) << "install the Debian package faketime";
  const sys_days utc_day = next_late_evening_day();
  pgtest::stack env(late_evening_options(utc_day));
  const std::string key = env.create_key("acme", "merchant");
  auto r = env.call("POST", "/v1/shipments", key, pgtest::shipment_body("colissimo", "order-late"),
                    {{"Idempotency-Key", "late-evening-1"}});
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(pgtest::labels_sold(env), 1u);
}

TEST(deposit_date, simulator_refuses_the_utc_date_once_it_is_tomorrow_in_france) {
  ASSERT_TRUE(std::filesystem::exists(kFaketimeLibrary)) << "install the Debian package faketime";
  const sys_days utc_day = next_late_evening_day();
  pgtest::stack env(late_evening_options(utc_day));
  std::string body = read_file(std::filesystem::path(SOURCE_DIR) /
                               "tests/fixtures/colissimo/generate_label_request_dom.json");
  const std::string fixture_date = "\"depositDate\": \"2099-06-15\"";
  const auto at = body.find(fixture_date);
  ASSERT_NE(at, std::string::npos);

  body.replace(at, fixture_date.size(), "\"depositDate\": \"" + format_date(utc_day) + "\"");
  auto refused = env.sim("POST", "/colissimo/sls-ws/SlsServiceWSRest/2.0/generateLabel", body);
  EXPECT_NE(refused.body.find("30002"), std::string::npos) << describe(refused);

  const std::string utc_date = format_date(utc_day);
  body.replace(body.find(utc_date), utc_date.size(), format_date(utc_day + days{1}));
  auto accepted = env.sim("POST", "/colissimo/sls-ws/SlsServiceWSRest/2.0/generateLabel", body);
  EXPECT_EQ(accepted.status, 200) << describe(accepted);
  EXPECT_EQ(accepted.body.find("30002"), std::string::npos) << describe(accepted);
}

}  // namespace
