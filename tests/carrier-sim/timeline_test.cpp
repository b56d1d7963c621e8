// The simulator's scan timelines (tools/carrier-sim/timeline.hpp): every scenario's steps in
// order, every scripted code mapped to a known status by the adapters' real status maps, the
// book's clock and manual pace, the control routes, defaults from the environment, and round
// trips through the simulated tracking services and the adapters' decoders.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "adapters/colissimo/tracking.hpp"
#include "adapters/mondialrelay/adapter.hpp"
#include "adapters/mondialrelay/wire.hpp"
#include "tests/adapters/mondialrelay/test_support.hpp"
#include "tools/carrier-sim/timeline.hpp"

using namespace parcelgate;
using namespace std::chrono_literals;
namespace json = boost::json;
using sim::delivery_mode;

namespace {

using codes = std::vector<std::string>;

std::vector<std::string> codes_of(const std::vector<sim::scan_step>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) out.emplace_back(s.code);
  return out;
}

// ---- scripts
// -------------------------------------------------------------------------------------

struct expected_script {
  std::string scenario;
  delivery_mode mode;
  codes steps;  // empty: the carrier has no such variant
};

TEST(Scenarios, ColissimoStepsInOrder) {
  const std::vector<expected_script> want = {
      {.scenario = "delivered",
       .mode = delivery_mode::home,
       .steps = {"DR1", "PC1", "ET1", "MD2", "DI1"}},
      {.scenario = "delivered",
       .mode = delivery_mode::point,
       .steps = {"DR1", "PC1", "ET1", "AG1", "DI1"}},
      {.scenario = "absent_recipient",
       .mode = delivery_mode::home,
       .steps = {"DR1", "PC1", "ET1", "MD2", "ND1", "AG1", "DI1"}},
      {.scenario = "absent_recipient", .mode = delivery_mode::point, .steps = {}},
      {.scenario = "refused",
       .mode = delivery_mode::home,
       .steps = {"DR1", "PC1", "ET1", "MD2", "ND1", "RE1", "DI2"}},
      {.scenario = "refused",
       .mode = delivery_mode::point,
       .steps = {"DR1", "PC1", "ET1", "AG1", "ND1", "RE1", "DI2"}},
      {.scenario = "held_at_point",
       .mode = delivery_mode::home,
       .steps = {"DR1", "PC1", "ET1", "MD2", "ND1", "AG1", "RE1", "DI2"}},
      {.scenario = "held_at_point",
       .mode = delivery_mode::point,
       .steps = {"DR1", "PC1", "ET1", "AG1", "RE1", "DI2"}},
      {.scenario = "lost", .mode = delivery_mode::home, .steps = {"DR1", "PC1", "ET1", "PB1"}},
      {.scenario = "lost", .mode = delivery_mode::point, .steps = {"DR1", "PC1", "ET1", "PB1"}},
  };
  const auto& scripts = sim::colissimo_scripts();
  EXPECT_EQ(scripts.at_sale, 1u);
  for (const auto& w : want) {
    const auto* steps = scripts.find(w.scenario, w.mode);
    if (w.steps.empty()) {
      EXPECT_EQ(steps, nullptr) << w.scenario;
      continue;
    }
    ASSERT_NE(steps, nullptr) << w.scenario << " " << sim::to_string(w.mode);
    EXPECT_EQ(codes_of(*steps), w.steps) << w.scenario << " " << sim::to_string(w.mode);
  }
}

TEST(Scenarios, MondialRelayStepsInOrder) {
  const std::string taken = "PRISE EN CHARGE EN AGENCE", transit = "COLIS EN COURS D'ACHEMINEMENT",
                    round = "EN COURS DE LIVRAISON", at_point = "DISPONIBLE AU POINT RELAIS",
                    delivered = "COLIS LIVRÉ", absent = "DESTINATAIRE ABSENT",
                    refused = "COLIS REFUSÉ PAR LE DESTINATAIRE",
                    returning = "RETOUR EXPÉDITEUR EN COURS",
                    expired = "DÉLAI DE RETRAIT DÉPASSÉ - RETOUR EXPÉDITEUR",
                    returned = "COLIS RETOURNÉ À L'EXPÉDITEUR",
                    lost = "ANOMALIE - COLIS EN RECHERCHE";
  const std::vector<expected_script> want = {
      {.scenario = "delivered",
       .mode = delivery_mode::home,
       .steps = {taken, transit, round, delivered}},
      {.scenario = "delivered",
       .mode = delivery_mode::point,
       .steps = {taken, transit, at_point, delivered}},
      {.scenario = "absent_recipient",
       .mode = delivery_mode::home,
       .steps = {taken, transit, round, absent, at_point, delivered}},
      {.scenario = "absent_recipient", .mode = delivery_mode::point, .steps = {}},
      {.scenario = "refused",
       .mode = delivery_mode::home,
       .steps = {taken, transit, round, refused, returning, returned}},
      {.scenario = "refused",
       .mode = delivery_mode::point,
       .steps = {taken, transit, at_point, refused, returning, returned}},
      {.scenario = "held_at_point",
       .mode = delivery_mode::home,
       .steps = {taken, transit, round, absent, at_point, expired, returned}},
      {.scenario = "held_at_point",
       .mode = delivery_mode::point,
       .steps = {taken, transit, at_point, expired, returned}},
      {.scenario = "lost", .mode = delivery_mode::home, .steps = {taken, transit, lost}},
      {.scenario = "lost", .mode = delivery_mode::point, .steps = {taken, transit, lost}},
  };
  const auto& scripts = sim::mondialrelay_scripts();
  EXPECT_EQ(scripts.at_sale, 0u);
  for (const auto& w : want) {
    const auto* steps = scripts.find(w.scenario, w.mode);
    if (w.steps.empty()) {
      EXPECT_EQ(steps, nullptr) << w.scenario;
      continue;
    }
    ASSERT_NE(steps, nullptr) << w.scenario << " " << sim::to_string(w.mode);
    EXPECT_EQ(codes_of(*steps), w.steps) << w.scenario << " " << sim::to_string(w.mode);
  }
}

// Every step of every script: the adapter's status map knows its code, and maps it to the
// status the script says (so the simulator's "to": "<status>" and the gateway agree).
TEST(Scenarios, EveryCodeMapsToAKnownStatusThroughTheAdaptersMaps) {
  int checked = 0;
  for (const auto* scripts : {&sim::colissimo_scripts(), &sim::mondialrelay_scripts()}) {
    for (const auto& script : scripts->scripts) {
      ASSERT_FALSE(script.steps.empty());
      for (const auto& step : script.steps) {
        const tracking_status mapped =
            scripts->carrier == "colissimo"
                ? adapters::colissimo::map_tracking_code(step.code)
                : adapters::mondialrelay::status_from_label(std::string(step.code));
        EXPECT_NE(mapped, tracking_status::unknown)
            << scripts->carrier << " " << script.scenario << ": " << step.code;
        auto declared = parse_tracking_status(step.status);
        ASSERT_TRUE(declared.has_value()) << step.status;
        EXPECT_EQ(mapped, *declared) << scripts->carrier << " " << script.scenario << ": "
                                     << step.code << " maps to " << to_string(mapped);
        EXPECT_FALSE(step.text.empty());
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 90);
}

// Each scenario ends where its name says.
TEST(Scenarios, EachScenarioEndsInItsOutcome) {
  const std::map<std::string, std::string> last = {{"delivered", "delivered"},
                                                   {"absent_recipient", "delivered"},
                                                   {"refused", "returned_to_sender"},
                                                   {"held_at_point", "returned_to_sender"},
                                                   {"lost", "exception"}};
  for (const auto* scripts : {&sim::colissimo_scripts(), &sim::mondialrelay_scripts()})
    for (const auto& script : scripts->scripts)
      EXPECT_EQ(script.steps.back().status, last.at(script.scenario))
          << scripts->carrier << " " << script.scenario;
  // Every scenario name has a script for home deliveries at least.
  for (auto name : sim::scenario_names()) {
    EXPECT_NE(sim::colissimo_scripts().find(name, delivery_mode::home), nullptr) << name;
    EXPECT_NE(sim::mondialrelay_scripts().find(name, delivery_mode::home), nullptr) << name;
  }
}

// ---- the book ----------------------------------------------------------------------------------

struct Book : ::testing::Test {
  sim::sales_ledger ledger;
  sim::timeline_book book{ledger};
  const sim::sim_clock::time_point t0 = sim::sim_clock::now() - 1h;

  void SetUp() override {
    book.add_carrier(sim::colissimo_scripts(),
                     sim::timeline_defaults{.scenario = "delivered", .step = 1min});
    book.add_carrier(sim::mondialrelay_scripts(),
                     sim::timeline_defaults{.scenario = "delivered", .step = std::nullopt});
  }
  static sim::parcel_facts facts(delivery_mode mode, std::string point = {}) {
    return sim::parcel_facts{.mode = mode,
                             .origin_city = "PARIS",
                             .destination_city = "LYON",
                             .point_id = std::move(point),
                             .point_country = "FR"};
  }
};

TEST_F(Book, ClockPaceShowsOneMoreStepEachInterval) {
  book.open("colissimo", "6A00000000011", facts(delivery_mode::home), t0);
  auto v = book.view("colissimo", "6A00000000011", t0);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->reached(), 1u);  // DR1 at the sale
  EXPECT_EQ(v->current()->code, "DR1");
  v = book.view("colissimo", "6A00000000011", t0 + 59s);
  EXPECT_EQ(v->reached(), 1u);
  v = book.view("colissimo", "6A00000000011", t0 + 2min + 1s);
  ASSERT_EQ(v->reached(), 3u);
  EXPECT_EQ(v->times[1], t0 + 1min);
  EXPECT_EQ(v->times[2], t0 + 2min);
  v = book.view("colissimo", "6A00000000011", t0 + 1h);
  EXPECT_TRUE(v->at_end());
  EXPECT_EQ(v->current()->code, "DI1");
  EXPECT_EQ(v->times.back(), t0 + 4min);
  EXPECT_FALSE(book.view("colissimo", "6A99999999990", t0));          // never sold
  EXPECT_FALSE(book.view("mondialrelay", "6A00000000011", t0 + 1h));  // another carrier's
}

TEST_F(Book, ManualPaceMovesOnlyOnDemandAndStaysAtTheEnd) {
  book.open("mondialrelay", "12345678", facts(delivery_mode::point, "020230"), t0);
  auto v = book.view("mondialrelay", "12345678", t0 + 24h);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->reached(), 0u);  // Mondial Relay shows nothing at the sale; manual pace
  const auto now = t0 + 10min;
  auto moved = book.advance("12345678", 1, now);
  ASSERT_TRUE(moved.value);
  EXPECT_EQ(moved.value->current()->code, "PRISE EN CHARGE EN AGENCE");
  EXPECT_EQ(moved.value->times[0], now);
  moved = book.advance("12345678", 2, now + 1s);
  EXPECT_EQ(moved.value->current()->code, "DISPONIBLE AU POINT RELAIS");
  moved = book.advance("12345678", 50, now + 2s);
  ASSERT_TRUE(moved.value);
  EXPECT_TRUE(moved.value->at_end());
  EXPECT_EQ(moved.value->reached(), 4u);
  const auto times = moved.value->times;
  moved = book.advance("12345678", 1, now + 3s);  // past the end: stays at the end
  ASSERT_TRUE(moved.value);
  EXPECT_EQ(moved.value->reached(), 4u);
  EXPECT_EQ(moved.value->times, times);
  EXPECT_EQ(moved.value->current()->code, "COLIS LIVRÉ");
  auto to = book.advance_to("12345678", "delivered", now + 4s);  // already there: no move
  ASSERT_TRUE(to.value);
  EXPECT_EQ(to.value->times, times);
  auto missing = book.advance("87654321", 1, now);
  ASSERT_TRUE(missing.error);
  EXPECT_EQ(missing.error->status, 404);
}

TEST_F(Book, AdvanceToACodeOrAStatus) {
  book.open("colissimo", "6A00000000022", facts(delivery_mode::home), t0);
  auto s = book.script("6A00000000022", "refused", std::nullopt, t0);
  ASSERT_TRUE(s.value) << s.error->message;
  auto v = book.advance_to("6A00000000022", "nd1", t0 + 1s);  // case-insensitive code
  ASSERT_TRUE(v.value);
  EXPECT_EQ(v.value->reached(), 5u);
  EXPECT_EQ(v.value->current()->text, "Votre colis a été refusé par le destinataire.");
  v = book.advance_to("6A00000000022", "returned_to_sender", t0 + 2s);  // a status
  ASSERT_TRUE(v.value);
  EXPECT_TRUE(v.value->at_end());
  EXPECT_EQ(v.value->current()->code, "DI2");
  auto behind = book.advance_to("6A00000000022", "PC1", t0 + 3s);  // nothing ahead matches
  ASSERT_TRUE(behind.error);
  EXPECT_EQ(behind.error->status, 422);
  EXPECT_EQ(behind.error->field, "to");
}

TEST_F(Book, ScriptingKeepsTheHistoryAndRefusesOneThatDoesNotFit) {
  book.open("colissimo", "6A00000000033", facts(delivery_mode::home), t0);
  ASSERT_TRUE(book.advance("6A00000000033", 3, t0 + 1s).value);  // DR1 PC1 ET1 MD2
  auto refused = book.script("6A00000000033", "refused", 5s, t0 + 2s);
  ASSERT_TRUE(refused.value);
  EXPECT_EQ(refused.value->reached(), 4u);
  EXPECT_EQ(refused.value->scenario, "refused");
  // The new pace counts from the scripting: ND1 5 s later, RE1 5 s after that.
  auto v = book.view("colissimo", "6A00000000033", t0 + 12s);
  ASSERT_EQ(v->reached(), 6u);
  EXPECT_EQ(v->times[4], t0 + 7s);
  EXPECT_EQ(v->current()->code, "RE1");
  // ND1 "refused" already shown: absent_recipient's ND1 says something else.
  auto conflict = book.script("6A00000000033", "absent_recipient", std::nullopt, t0 + 13s);
  ASSERT_TRUE(conflict.error);
  EXPECT_EQ(conflict.error->status, 409);
  // A pickup-point parcel has no absent_recipient scenario.
  book.open("colissimo", "6M00000000044", facts(delivery_mode::point, "987654"), t0);
  auto no_variant = book.script("6M00000000044", "absent_recipient", std::nullopt, t0);
  ASSERT_TRUE(no_variant.error);
  EXPECT_EQ(no_variant.error->status, 422);
  EXPECT_EQ(no_variant.error->field, "scenario");
  auto unknown = book.script("6M00000000044", "stolen", std::nullopt, t0);
  ASSERT_TRUE(unknown.error);
  EXPECT_EQ(unknown.error->status, 422);
}

TEST_F(Book, ParcelsSoldButNeverOpenedAreAdoptedFromTheLedger) {
  ledger.record("colissimo", "order-1", "6A00000000055");
  auto v = book.advance("6A00000000055", 1, sim::sim_clock::now());
  ASSERT_TRUE(v.value);
  EXPECT_EQ(v.value->carrier, "colissimo");
  EXPECT_EQ(v.value->reached(), 2u);
  book.reset();
  auto again = book.view("colissimo", "6A00000000055", sim::sim_clock::now());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->reached(), 1u);  // forgotten, adopted afresh
}

// ---- control routes ----------------------------------------------------------------------------

http::request post(std::string path, std::string body) {
  http::request r;
  r.method = "POST";
  r.target = r.path = std::move(path);
  r.body = std::move(body);
  return r;
}

json::object body_of(const http::response& r) {
  return json::parse(r.body).as_object();
}

TEST_F(Book, ControlRoutesAnswerJsonAndProblems) {
  book.open("colissimo", "6A00000000066", facts(delivery_mode::home), sim::sim_clock::now());
  EXPECT_FALSE(book.handle_control(post("/_sim/stats", "{}")));

  auto r = book.handle_control(
      post("/_sim/timeline",
           R"({"tracking_number": "6A00000000066", "scenario": "refused", "step_seconds": 0})"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto o = body_of(*r);
  EXPECT_EQ(o.at("scenario").as_string(), "refused");
  EXPECT_TRUE(o.at("step_seconds").is_null());
  EXPECT_EQ(o.at("total").as_int64(), 7);

  r = book.handle_control(post("/_sim/advance", R"({"tracking_number": "6A00000000066"})"));
  ASSERT_EQ(r->status, 200) << r->body;
  o = body_of(*r);
  EXPECT_EQ(o.at("current").at("code").as_string(), "PC1");
  EXPECT_EQ(o.at("next").at("code").as_string(), "ET1");
  EXPECT_EQ(o.at("reached").as_int64(), 2);
  EXPECT_TRUE(o.at("steps").as_array()[1].at("at").as_string().ends_with("Z"));

  r = book.handle_control(
      post("/_sim/advance", R"({"tracking_number": "6A00000000066", "to": "DI2"})"));
  ASSERT_EQ(r->status, 200);
  EXPECT_TRUE(body_of(*r).at("at_end").as_bool());
  EXPECT_TRUE(body_of(*r).at("next").is_null());

  http::request get;
  get.method = "GET";
  get.target = "/_sim/timeline?tracking_number=6A00000000066";
  get.path = "/_sim/timeline";
  get.query = "tracking_number=6A00000000066";
  r = book.handle_control(get);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(body_of(*r).at("current").at("status").as_string(), "returned_to_sender");

  struct bad {
    std::string path, body;
    int status;
    std::string field;
  };
  const std::vector<bad> cases = {
      {.path = "/_sim/advance", .body = "not json", .status = 400, .field = ""},
      {.path = "/_sim/advance",
       .body = R"({"tracking_number": "00000000"})",
       .status = 404,
       .field = ""},
      {.path = "/_sim/advance",
       .body = R"({"steps": 1})",
       .status = 422,
       .field = "tracking_number"},
      {.path = "/_sim/advance",
       .body = R"({"tracking_number": "6A00000000066", "steps": 0})",
       .status = 422,
       .field = "steps"},
      {.path = "/_sim/advance",
       .body = R"({"tracking_number": "6A00000000066", "steps": "2"})",
       .status = 422,
       .field = "steps"},
      {.path = "/_sim/advance",
       .body = R"({"tracking_number": "6A00000000066", "steps": 1, "to": "DI1"})",
       .status = 422,
       .field = "to"},
      {.path = "/_sim/advance",
       .body = R"({"tracking_number": "6A00000000066", "speed": 1})",
       .status = 422,
       .field = "speed"},
      {.path = "/_sim/timeline",
       .body = R"({"tracking_number": "6A00000000066", "scenario": "stolen"})",
       .status = 422,
       .field = "scenario"},
      {.path = "/_sim/timeline",
       .body = R"({"tracking_number": "6A00000000066", "scenario": "lost", "step_seconds": -1})",
       .status = 422,
       .field = "step_seconds"},
      {.path = "/_sim/timeline",
       .body = R"({"tracking_number": "6A00000000066", "scenario": "lost"})",
       .status = 409,
       .field = ""},
  };
  for (const auto& c : cases) {
    auto answer = book.handle_control(post(c.path, c.body));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, c.status) << c.body << " -> " << answer->body;
    EXPECT_EQ(answer->header("Content-Type"), "application/problem+json") << c.body;
    auto problem = body_of(*answer);
    EXPECT_EQ(problem.at("status").as_int64(), c.status);
    if (!c.field.empty()) {
      EXPECT_EQ(problem.at("errors").as_array()[0].at("field").as_string(), c.field) << c.body;
    }
  }
}

// ---- environment -------------------------------------------------------------------------------

struct scoped_env {
  std::string name;
  scoped_env(std::string n, const char* value) : name(std::move(n)) {
    ::setenv(name.c_str(), value, 1);
  }
  ~scoped_env() { ::unsetenv(name.c_str()); }
};

TEST(Environment, PerCarrierSettingsOverrideGlobalOnes) {
  scoped_env global("CARRIER_SIM_SCENARIO", "lost");
  scoped_env colissimo("CARRIER_SIM_SCENARIO_COLISSIMO", "refused");
  scoped_env step("CARRIER_SIM_STEP_SECONDS", "5");
  scoped_env manual("CARRIER_SIM_MONDIALRELAY_STEP_SECONDS", "manual");
  std::vector<std::string> problems;
  auto c = sim::defaults_from_environment("colissimo", {}, &problems);
  EXPECT_EQ(c.scenario, "refused");
  EXPECT_EQ(c.step, std::optional<std::chrono::milliseconds>(5s));
  auto m = sim::defaults_from_environment("mondialrelay", {}, &problems);
  EXPECT_EQ(m.scenario, "lost");
  EXPECT_FALSE(m.step.has_value());
  EXPECT_TRUE(problems.empty());
}

TEST(Environment, UnreadableSettingsAreReportedAndIgnored) {
  scoped_env scenario("CARRIER_SIM_SCENARIO_MONDIALRELAY", "stolen");
  scoped_env step("CARRIER_SIM_MONDIALRELAY_STEP_SECONDS", "soon");
  std::vector<std::string> problems;
  auto m = sim::defaults_from_environment("mondialrelay", {}, &problems);
  EXPECT_EQ(m.scenario, "delivered");
  EXPECT_EQ(m.step, std::optional<std::chrono::milliseconds>(1min));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("CARRIER_SIM_SCENARIO_MONDIALRELAY"), std::string::npos);
}

// ---- round trips through the simulated tracking services ---------------------------------------

TEST_F(Book, SuiviAnswersTheScriptedScenarioInItsOwnFormat) {
  auto suivi = sim::make_laposte_suivi_sim(ledger, book);
  book.open("colissimo", "6A00000000077", facts(delivery_mode::home), sim::sim_clock::now());
  ASSERT_TRUE(book.script("6A00000000077", "refused", std::nullopt, sim::sim_clock::now()).value);
  ASSERT_TRUE(book.advance("6A00000000077", 10, sim::sim_clock::now()).value);
  http::request req;
  req.method = "GET";
  req.target = req.path = "/laposte/suivi/v2/idships/6A00000000077";
  req.fields = {{"X-Okapi-Key", "sandbox-okapi"}};
  auto raw = suivi->handle(req);
  ASSERT_EQ(raw.status, 200) << raw.body;
  auto shipment = json::parse(raw.body).at("shipment").as_object();
  EXPECT_TRUE(shipment.at("isFinal").as_bool());
  const auto& events = shipment.at("event").as_array();
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(events[0].at("code").as_string(), "DI2");  // newest first
  const std::string date(events[0].at("date").as_string());
  EXPECT_TRUE(date.ends_with("+01:00") || date.ends_with("+02:00")) << date;

  carriers::outbound_response as_received{
      .status = raw.status, .headers = raw.fields, .body = raw.body};
  auto batch = adapters::colissimo::parse_suivi_response(as_received, {"6A00000000077"});
  ASSERT_TRUE(batch) << batch.error().message;
  std::vector<std::string> got;
  for (const auto& e : batch->events) got.push_back(e.carrier_code);
  EXPECT_EQ(got, (codes{"DR1", "PC1", "ET1", "MD2", "ND1", "RE1", "DI2"}));
  EXPECT_EQ(batch->events.back().status, tracking_status::returned_to_sender);
}

TEST(MondialRelayRoundTrip, HeldAtPointThroughTheAdapter) {
  sim::sales_ledger ledger;
  sim::timeline_book book(ledger);
  auto simulator = sim::make_mondialrelay_sim(ledger, "http://127.0.0.1:9443", book);
  testing_mr::simulator_call call(*simulator);
  auto adapter = adapters::make_mondialrelay_adapter();
  ASSERT_TRUE(adapter->configure(testing_mr::sandbox_settings()).empty());
  auto bought = testing_mr::run(adapter->create_label(testing_mr::pickup_point_request(), call));
  ASSERT_TRUE(bought) << bought.error().message;
  const std::string number = bought->tracking_number;
  ASSERT_TRUE(book.script(number, "held_at_point", std::nullopt, sim::sim_clock::now()).value);

  auto batch = testing_mr::run(adapter->track({number}, call));
  ASSERT_TRUE(batch);
  EXPECT_TRUE(batch->events.empty());  // manual: nothing yet
  ASSERT_TRUE(book.advance_to(number, "returned_to_sender", sim::sim_clock::now()).value);
  batch = testing_mr::run(adapter->track({number}, call));
  ASSERT_TRUE(batch) << batch.error().message;
  std::vector<tracking_status> statuses;
  for (const auto& e : batch->events) statuses.push_back(e.status);
  EXPECT_EQ(statuses,
            (std::vector<tracking_status>{tracking_status::picked_up, tracking_status::in_transit,
                                          tracking_status::available_for_pickup,
                                          tracking_status::returning_to_sender,
                                          tracking_status::returned_to_sender}));
  ASSERT_EQ(batch->events.size(), 5u);
  EXPECT_EQ(batch->events[2].point_id, "mondialrelay:FR:020230");
  EXPECT_EQ(batch->events[3].point_id, "mondialrelay:FR:020230");
  EXPECT_EQ(batch->events[4].point_id, "");
  EXPECT_EQ(batch->events[0].location, "SAINT-ETIENNE");

  // /_sim/reset forgets timelines and sales; the service still knows its expedition, which
  // starts its default timeline again from the sale (as before timelines could be scripted).
  book.reset();
  ledger.reset();
  batch = testing_mr::run(adapter->track({number}, call));
  ASSERT_TRUE(batch) << batch.error().message;
  EXPECT_TRUE(batch->misses.empty());
  EXPECT_TRUE(batch->events.empty());  // default pace: the first step a minute after the sale
}

}  // namespace
