// Label-less returns (docs/labelless-returns.md): a real gateway and carrier-sim; a merchant
// issues a return with a code and a QR code and no label, a collection point scans the code and
// gets the label bought then. The QR images are decoded with zbarimg (zbar-tools). Run on both
// stores (tools/test.sh runs the suite again with PARCELGATE_TEST_STORE=postgresql).

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <regex>

#include "harness.hpp"
#include "hook_sink.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using pgtest::describe;
using pgtest::error_fields;
using pgtest::expect_problem;
using pgtest::parse_object;
using pgtest::response;
using pgtest::stack;
using pgtest::string_at;
namespace json = boost::json;

const std::string kRelay = "mondialrelay:FR:020230";
const std::string kOtherRelay = "mondialrelay:FR:066974";
const std::string kPostOffice = "colissimo:FR:123456";

// A Mondial Relay return from a customer in Villeurbanne to the merchant's warehouse (delivered
// at home, LCC), without a label: `extra` ends the label object.
std::string return_body(const std::string& reference,
                        const std::string& label = R"("mode": "labelless")",
                        const std::string& carrier = "mondialrelay",
                        const std::string& direction = "return") {
  return R"({"reference": ")" + reference + R"(", "direction": ")" + direction +
         R"(", "carrier": ")" + carrier + R"(", "service": "home",
  "from": {"name": "Marie Curie", "line1": "31 cours Andre Philip", "city": "Villeurbanne", "postal_code": "69100",
           "country": "FR", "phone": "+33611223344", "email": "marie@example.test"},
  "to": {"name": "Acme Returns", "line1": "10 rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR",
         "phone": "+33612345678", "email": "returns@acme.test"},
  "parcels": [{"weight_g": 900}],
  "label": {)" +
         label + "}}";
}

std::string base64_decode(std::string_view in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const auto v = kAlphabet.find(c);
    if (v == std::string::npos) return "<not base64>";
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

// What zbarimg reads in `image` (PNG bytes).
std::string decode_qr(const std::string& image, const std::filesystem::path& dir) {
  const auto file = dir / "qr.png";
  std::ofstream(file, std::ios::binary) << image;
  std::string out;
  const int rc = pgtest::run_program({"/usr/bin/zbarimg", "--raw", "-q", file.string()}, &out);
  EXPECT_EQ(rc, 0) << out;
  // The output mixes stderr in (zbar's complaints about a missing D-Bus): the code is the last
  // line.
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out.substr(out.find_last_of('\n') == std::string::npos ? 0 : out.find_last_of('\n') + 1);
}

std::string canonical(std::string shown) {
  std::erase(shown, '-');
  return shown;
}

class labelless_returns : public ::testing::Test {
 protected:
  void SetUp() override {
    pgtest::stack_options o;
    o.extra_config =
        "webhooks: {allow_private_targets: true, retry_base_ms: 200, retry_max_ms: 400, poll_ms: "
        "50, timeout_ms: 3000}\n";
    o.env = {"CARRIER_SIM_STEP_SECONDS=manual"};
    env_ = std::make_unique<stack>(o);
    acme_ = env_->create_key("acme", "merchant");
    globex_ = env_->create_key("globex", "merchant");
    relay_ = env_->create_key("relais", "point", kRelay + "," + kPostOffice);
    other_relay_ = env_->create_key("relais", "point", kOtherRelay);
  }

  json::object issue(const std::string& reference) {
    auto r = env_->call("POST", "/v1/shipments", acme_, return_body(reference),
                        {{"Idempotency-Key", "rma-" + reference}});
    EXPECT_EQ(r.status, 201) << describe(r) << env_->gateway_log();
    return r.status == 201 ? parse_object(r.body) : json::object{};
  }
  response scan(const std::string& key, const std::string& point, const std::string& body) {
    return env_->call("POST", "/v1/points/" + point + "/dropoffs", key, body);
  }
  response scan_code(const std::string& key, const std::string& point, const std::string& code,
                     const std::string& more = {}) {
    return scan(key, point, R"({"return_code": ")" + code + "\"" + more + "}");
  }

  std::unique_ptr<stack> env_;
  std::string acme_, globex_, relay_, other_relay_;
};

TEST_F(labelless_returns, a_code_is_issued_scanned_at_a_point_and_its_label_printed_there) {
  pgtest::hook_sink hooks;
  auto hook = env_->call("POST", "/v1/webhooks", acme_,
                         R"({"url": ")" + hooks.url() +
                             R"(", "events": ["shipment.created", "shipment.status_changed"]})");
  ASSERT_EQ(hook.status, 201) << describe(hook);

  auto r = env_->call("POST", "/v1/shipments", acme_, return_body("rma-1"),
                      {{"Idempotency-Key", "rma-1"}});
  ASSERT_EQ(r.status, 201) << describe(r) << env_->gateway_log();
  const auto issued = parse_object(r.body);
  const auto id = string_at(issued, "id");
  const auto shown = string_at(issued, "return_code");
  EXPECT_EQ(string_at(issued, "status"), "awaiting_dropoff");
  EXPECT_TRUE(std::regex_match(shown, std::regex("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-"
                                                 "[0-9A-HJKMNP-TV-Z]{2}[0-9A-HJKMNP-TV-Z*~$=U]$")))
      << shown;
  EXPECT_EQ(string_at(issued, "qr_code_url"), "/v1/shipments/" + id + "/qr");
  EXPECT_TRUE(issued.at("label").is_null()) << r.body;
  EXPECT_TRUE(issued.at("tracking_number").is_null()) << r.body;
  EXPECT_EQ(r.header("location"), "/v1/shipments/" + id);
  EXPECT_EQ(pgtest::labels_sold(*env_), 0u) << "nothing is bought before the scan";

  // The same key replays; there is no label to download yet.
  auto again = env_->call("POST", "/v1/shipments", acme_, return_body("rma-1"),
                          {{"Idempotency-Key", "rma-1"}});
  EXPECT_EQ(again.status, 201) << describe(again);
  EXPECT_EQ(string_at(parse_object(again.body), "return_code"), shown);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  expect_problem(env_->call("GET", "/v1/shipments/" + id + "/label", acme_), 404);

  // The QR code encodes the canonical code, in PNG and SVG; another tenant does not see it.
  auto png = env_->call("GET", "/v1/shipments/" + id + "/qr", acme_);
  ASSERT_EQ(png.status, 200) << describe(png);
  EXPECT_EQ(png.header("content-type"), "image/png");
  EXPECT_EQ(decode_qr(png.body, env_->dir()), canonical(shown));
  auto svg = env_->call("GET", "/v1/shipments/" + id + "/qr?format=svg", acme_);
  ASSERT_EQ(svg.status, 200) << describe(svg);
  EXPECT_EQ(svg.header("content-type"), "image/svg+xml");
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  expect_problem(env_->call("GET", "/v1/shipments/" + id + "/qr", globex_), 404);
  expect_problem(env_->call("GET", "/v1/shipments/" + id + "/qr?format=gif", acme_), 422);

  // The relay scans it (typed sloppily: lower case, spaces) and prints the label bought now
  // (Mondial Relay's WSI prints PDF only: a ZPL printer is told so, and nothing is bought).
  auto zpl = scan_code(relay_, kRelay, shown, R"(, "label_format": "zpl")");
  EXPECT_EQ(error_fields(zpl), std::set<std::string>{"label_format"}) << describe(zpl);
  EXPECT_EQ(pgtest::labels_sold(*env_), 0u);
  std::string typed = shown;
  std::transform(typed.begin(), typed.end(), typed.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::replace(typed.begin(), typed.end(), '-', ' ');
  auto s = scan_code(relay_, kRelay, typed, R"(, "label_format": "pdf", "label_size": "a6")");
  ASSERT_EQ(s.status, 201) << describe(s) << env_->gateway_log();
  const auto first = parse_object(s.body);
  EXPECT_EQ(string_at(first, "shipment_id"), id);
  EXPECT_EQ(string_at(first, "status"), "dropped_off");
  EXPECT_EQ(string_at(first, "return_code"), shown);
  EXPECT_FALSE(first.at("already_recorded").as_bool());
  const auto number = string_at(first, "tracking_number");
  EXPECT_FALSE(number.empty());
  const auto& label = first.at("label").as_object();
  EXPECT_EQ(string_at(label, "format"), "pdf");
  EXPECT_EQ(string_at(label, "content_type"), "application/pdf");
  EXPECT_TRUE(base64_decode(string_at(label, "data_base64")).starts_with("%PDF-"));
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);

  // The merchant sees the bought return, dropped off at the relay, with its label.
  auto got = parse_object(env_->call("GET", "/v1/shipments/" + id, acme_).body);
  EXPECT_EQ(string_at(got, "status"), "dropped_off");
  EXPECT_EQ(string_at(got, "tracking_number"), number);
  EXPECT_EQ(string_at(got, "return_code"), shown);
  EXPECT_EQ(string_at(got.at("label").as_object(), "format"), "pdf");
  auto bytes = env_->call("GET", "/v1/shipments/" + id + "/label", acme_);
  EXPECT_EQ(bytes.status, 200);
  EXPECT_EQ(bytes.body, base64_decode(string_at(label, "data_base64")));
  auto timeline = parse_object(env_->call("GET", "/v1/shipments/" + id + "/events", acme_).body);
  bool dropped = false;
  for (const auto& e : timeline.at("events").as_array())
    dropped =
        dropped || (string_at(e.as_object(), "status") == "dropped_off" &&
                    string_at(e.as_object().at("location").as_object(), "point_id") == kRelay);
  EXPECT_TRUE(dropped) << pgtest::describe({200, {}, json::serialize(timeline)});

  // Scanning again at the relay prints the same label and buys nothing; another relay is refused.
  auto twice = scan_code(relay_, kRelay, shown);
  ASSERT_EQ(twice.status, 200) << describe(twice);
  const auto second = parse_object(twice.body);
  EXPECT_TRUE(second.at("already_recorded").as_bool());
  EXPECT_EQ(string_at(second, "tracking_number"), number);
  EXPECT_EQ(string_at(second.at("label").as_object(), "data_base64"),
            string_at(label, "data_base64"));
  auto elsewhere = scan_code(other_relay_, kOtherRelay, shown);
  expect_problem(elsewhere, 409, "return-code-used");
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);

  // Webhooks: issued (created, awaiting_dropoff), then bought and dropped off.
  auto statuses = [&](const std::string& type) {
    std::vector<std::string> out;
    for (const auto& e : hooks.events(type))
      if (string_at(e.at("data").as_object(), "id") == id)
        out.push_back(string_at(e.at("data").as_object(), "status"));
    return out;
  };
  EXPECT_TRUE(
      pgtest::eventually([&] { return statuses("shipment.status_changed").size() >= 2; }, 10s));
  EXPECT_EQ(statuses("shipment.created"), std::vector<std::string>{"awaiting_dropoff"});
  EXPECT_EQ(statuses("shipment.status_changed"),
            (std::vector<std::string>{"label_created", "dropped_off"}));
}

TEST_F(labelless_returns, two_scans_at_once_buy_one_label) {
  const auto a = issue("rma-race-1");
  const auto b = issue("rma-race-2");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  // The same code at two points at once: one point gets the label, the other a 409.
  {
    const auto code = string_at(a, "return_code");
    auto one = std::async(std::launch::async, [&] { return scan_code(relay_, kRelay, code); });
    auto two =
        std::async(std::launch::async, [&] { return scan_code(other_relay_, kOtherRelay, code); });
    const auto r1 = one.get(), r2 = two.get();
    EXPECT_EQ((r1.status == 201) + (r2.status == 201), 1) << describe(r1) << describe(r2);
    EXPECT_EQ((r1.status == 409) + (r2.status == 409), 1) << describe(r1) << describe(r2);
  }
  // The same code twice at one point at once: one label, both scans answered with it or told to
  // scan again.
  {
    const auto code = string_at(b, "return_code");
    auto one = std::async(std::launch::async, [&] { return scan_code(relay_, kRelay, code); });
    auto two = std::async(std::launch::async, [&] { return scan_code(relay_, kRelay, code); });
    const auto r1 = one.get(), r2 = two.get();
    EXPECT_EQ((r1.status == 201) + (r2.status == 201), 1) << describe(r1) << describe(r2);
    for (const auto* r : {&r1, &r2}) {
      if (r->status == 201) continue;
      EXPECT_TRUE(r->status == 200 || r->status == 409) << describe(*r);
      if (r->status == 409) {
        EXPECT_EQ(r->header("retry-after"), "1") << describe(*r);
      }
    }
  }
  const auto sales = pgtest::sim_sales(*env_);
  EXPECT_EQ(sales.at("mondialrelay").sold, 2u);
  EXPECT_EQ(sales.at("mondialrelay").duplicates, 0u);
}

TEST_F(labelless_returns, bad_codes_other_networks_and_cancelled_returns_are_refused) {
  const auto issued = issue("rma-bad");
  ASSERT_FALSE(issued.empty());
  const auto id = string_at(issued, "id");
  const auto shown = string_at(issued, "return_code");
  // A misread symbol fails the check before any lookup.
  std::string misread = canonical(shown);
  misread[3] = misread[3] == '7' ? '8' : '7';
  auto r = scan_code(relay_, kRelay, misread);
  expect_problem(r, 422);
  EXPECT_EQ(error_fields(r), std::set<std::string>{"return_code"});
  // A well-formed code no return has.
  expect_problem(scan_code(relay_, kRelay, "0000-0000-000"), 404);
  // A post office of another network.
  expect_problem(scan_code(relay_, kPostOffice, shown), 409, "wrong-network");
  // Both a barcode and a code; a printer format with a barcode; an unknown format.
  r = scan(relay_, kRelay, R"({"barcode": "12345678", "return_code": ")" + shown + R"("})");
  EXPECT_EQ(error_fields(r), std::set<std::string>{"return_code"}) << describe(r);
  r = scan(relay_, kRelay, R"({"barcode": "12345678", "label_format": "zpl"})");
  EXPECT_EQ(error_fields(r), std::set<std::string>{"label_format"}) << describe(r);
  r = scan_code(relay_, kRelay, shown, R"(, "label_format": "gif", "label_size": "a3")");
  EXPECT_EQ(error_fields(r), (std::set<std::string>{"label_format", "label_size"})) << describe(r);
  EXPECT_EQ(pgtest::labels_sold(*env_), 0u);

  // The merchant cancels the return: its code is void everywhere, nothing was ever bought.
  auto c = env_->call("POST", "/v1/shipments/" + id + "/cancel", acme_);
  ASSERT_EQ(c.status, 200) << describe(c);
  EXPECT_EQ(string_at(parse_object(c.body), "status"), "cancelled");
  expect_problem(env_->call("GET", "/v1/shipments/" + id + "/qr", acme_), 410);
  expect_problem(scan_code(relay_, kRelay, shown), 409, "shipment-cancelled");
  EXPECT_EQ(pgtest::labels_sold(*env_), 0u);
}

TEST_F(labelless_returns, only_returns_of_carriers_that_take_them_are_labelless) {
  // An outbound parcel needs its label.
  auto r = env_->call("POST", "/v1/shipments", acme_,
                      return_body("out-1", R"("mode": "labelless")", "mondialrelay", "outbound"),
                      {{"Idempotency-Key", "out-1"}});
  expect_problem(r, 422);
  EXPECT_TRUE(error_fields(r).contains("label.mode")) << describe(r);
  // An unknown mode.
  r = env_->call("POST", "/v1/shipments", acme_, return_body("rma-2", R"("mode": "qr")"),
                 {{"Idempotency-Key", "rma-2"}});
  EXPECT_EQ(error_fields(r), std::set<std::string>{"label.mode"}) << describe(r);
  // A printed return still buys its label at once.
  r = env_->call("POST", "/v1/shipments", acme_, return_body("rma-3", R"("mode": "print")"),
                 {{"Idempotency-Key", "rma-3"}});
  ASSERT_EQ(r.status, 201) << describe(r);
  const auto printed = parse_object(r.body);
  EXPECT_EQ(string_at(printed, "status"), "label_created");
  EXPECT_TRUE(printed.at("return_code").is_null());
  expect_problem(env_->call("GET", "/v1/shipments/" + string_at(printed, "id") + "/qr", acme_),
                 404);
}

TEST_F(labelless_returns, a_carrier_whose_answer_is_lost_leaves_the_return_pending_for_ever) {
  const auto issued = issue("rma-lost");
  ASSERT_FALSE(issued.empty());
  const auto id = string_at(issued, "id");
  const auto shown = string_at(issued, "return_code");
  // A proxy's 502 page after the carrier sold the label: the outcome is unknown.
  pgtest::set_sim_faults(*env_, R"({"proxy_error_after_sale_rate": 1.0})");
  auto r = scan_code(relay_, kRelay, shown);
  EXPECT_EQ(r.status, 502) << describe(r);
  EXPECT_EQ(string_at(parse_object(env_->call("GET", "/v1/shipments/" + id, acme_).body), "status"),
            "pending_confirmation");
  // The carrier is healthy again: the code never buys a second label.
  pgtest::set_sim_faults(*env_, R"({"proxy_error_after_sale_rate": 0})");
  auto again = scan_code(relay_, kRelay, shown);
  EXPECT_EQ(again.status, 502) << describe(again);
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
  EXPECT_EQ(pgtest::sim_sales(*env_).at("mondialrelay").duplicates, 0u);
}

TEST_F(labelless_returns, a_refusal_that_sold_nothing_keeps_the_code_valid) {
  const auto issued = issue("rma-busy");
  ASSERT_FALSE(issued.empty());
  const auto shown = string_at(issued, "return_code");
  pgtest::set_sim_faults(*env_, R"({"busy_rate": 1.0})");
  auto r = scan_code(relay_, kRelay, shown);
  EXPECT_EQ(r.status, 503) << describe(r);
  pgtest::set_sim_faults(*env_, R"({"busy_rate": 0})");
  auto s = scan_code(relay_, kRelay, shown);
  EXPECT_EQ(s.status, 201) << describe(s);
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
}

}  // namespace
