// Scenario scripts, the timeline book and its control routes, and the event pusher
// (timeline.hpp).
#include "tools/carrier-sim/timeline.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <openssl/ssl.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace parcelgate::sim {

namespace {

namespace json = boost::json;
using sp = scan_place;

constexpr std::array<std::string_view, 5> kScenarioNames = {"delivered", "absent_recipient",
                                                            "refused", "held_at_point", "lost"};

// ---- Colissimo: La Poste Suivi v2 (Okapi) event codes
// -------------------------------------------- Codes from carrier-wire-formats.md §6 (the ones
// adapters/colissimo/tracking.cpp maps); texts written in the style of the Suivi v2 labels, in
// French as the sandbox answers fr_FR.

constexpr scan_step kColDeclared{
    .code = "DR1",
    .text = "Votre colis est prêt à être expédié. Il n'est pas encore pris en charge par La Poste.",
    .place = sp::origin,
    .status = "label_created"};
constexpr scan_step kColTaken{.code = "PC1",
                              .text = "Votre colis a été pris en charge par La Poste.",
                              .place = sp::origin,
                              .status = "picked_up"};
constexpr scan_step kColTransit{
    .code = "ET1",
    .text = "Votre colis est en cours d'acheminement dans notre réseau.",
    .place = sp::network,
    .status = "in_transit"};
constexpr scan_step kColRound{.code = "MD2",
                              .text = "Votre colis est en cours de livraison.",
                              .place = sp::destination,
                              .status = "out_for_delivery"};
constexpr scan_step kColDelivered{.code = "DI1",
                                  .text = "Votre colis a été livré.",
                                  .place = sp::destination,
                                  .status = "delivered"};
constexpr scan_step kColAtPoint{.code = "AG1",
                                .text = "Votre colis est disponible dans votre point de retrait.",
                                .place = sp::point,
                                .status = "available_for_pickup"};
constexpr scan_step kColAtPostOffice{
    .code = "AG1",
    .text = "Votre colis est disponible dans votre bureau de poste.",
    .place = sp::point,
    .status = "available_for_pickup"};
constexpr scan_step kColCollected{
    .code = "DI1",
    .text = "Votre colis a été remis au destinataire dans votre point de retrait.",
    .place = sp::point,
    .status = "delivered"};
constexpr scan_step kColCollectedPostOffice{
    .code = "DI1",
    .text = "Votre colis a été remis au destinataire dans votre bureau de poste.",
    .place = sp::point,
    .status = "delivered"};
constexpr scan_step kColAbsent{
    .code = "ND1",
    .text =
        "Votre colis n'a pas pu être livré : le destinataire était absent. Un avis de passage a "
        "été déposé dans sa boîte aux lettres.",
    .place = sp::destination,
    .status = "exception"};
constexpr scan_step kColRefused{.code = "ND1",
                                .text = "Votre colis a été refusé par le destinataire.",
                                .place = sp::destination,
                                .status = "exception"};
constexpr scan_step kColRefusedAtPoint{.code = "ND1",
                                       .text = "Votre colis a été refusé par le destinataire.",
                                       .place = sp::point,
                                       .status = "exception"};
constexpr scan_step kColReturning{.code = "RE1",
                                  .text = "Votre colis est retourné à l'expéditeur.",
                                  .place = sp::network,
                                  .status = "returning_to_sender"};
constexpr scan_step kColHoldExpired{
    .code = "RE1",
    .text =
        "Le délai de mise à disposition de votre colis est dépassé. Il est retourné à "
        "l'expéditeur.",
    .place = sp::point,
    .status = "returning_to_sender"};
constexpr scan_step kColReturned{.code = "DI2",
                                 .text = "Votre colis a été livré à l'expéditeur.",
                                 .place = sp::sender,
                                 .status = "returned_to_sender"};
constexpr scan_step kColIncident{
    .code = "PB1",
    .text =
        "Votre colis a subi un incident au cours de son acheminement. Nos services effectuent "
        "des recherches.",
    .place = sp::network,
    .status = "exception"};

// ---- Mondial Relay: WSI2_TracingColisDetaille libellés
// --------------------------------------------- The service has no event codes: the Libelle is what
// clients (and adapters/mondialrelay's status_from_label) read. Upper case, as the service writes
// them.

constexpr scan_step kMrTaken{.code = "PRISE EN CHARGE EN AGENCE",
                             .text = "PRISE EN CHARGE EN AGENCE",
                             .place = sp::origin,
                             .status = "picked_up"};
constexpr scan_step kMrTransit{.code = "COLIS EN COURS D'ACHEMINEMENT",
                               .text = "COLIS EN COURS D'ACHEMINEMENT",
                               .place = sp::origin,
                               .status = "in_transit"};
constexpr scan_step kMrRound{.code = "EN COURS DE LIVRAISON",
                             .text = "EN COURS DE LIVRAISON",
                             .place = sp::destination,
                             .status = "out_for_delivery"};
constexpr scan_step kMrAtPoint{.code = "DISPONIBLE AU POINT RELAIS",
                               .text = "DISPONIBLE AU POINT RELAIS",
                               .place = sp::point,
                               .status = "available_for_pickup"};
constexpr scan_step kMrDelivered{
    .code = "COLIS LIVRÉ", .text = "COLIS LIVRÉ", .place = sp::destination, .status = "delivered"};
constexpr scan_step kMrCollected{
    .code = "COLIS LIVRÉ", .text = "COLIS LIVRÉ", .place = sp::point, .status = "delivered"};
constexpr scan_step kMrAbsent{.code = "DESTINATAIRE ABSENT",
                              .text = "DESTINATAIRE ABSENT",
                              .place = sp::destination,
                              .status = "delivery_failed"};
constexpr scan_step kMrRefused{.code = "COLIS REFUSÉ PAR LE DESTINATAIRE",
                               .text = "COLIS REFUSÉ PAR LE DESTINATAIRE",
                               .place = sp::destination,
                               .status = "exception"};
constexpr scan_step kMrRefusedAtPoint{.code = "COLIS REFUSÉ PAR LE DESTINATAIRE",
                                      .text = "COLIS REFUSÉ PAR LE DESTINATAIRE",
                                      .place = sp::point,
                                      .status = "exception"};
constexpr scan_step kMrReturning{.code = "RETOUR EXPÉDITEUR EN COURS",
                                 .text = "RETOUR EXPÉDITEUR EN COURS",
                                 .place = sp::network,
                                 .status = "returning_to_sender"};
constexpr scan_step kMrHoldExpired{.code = "DÉLAI DE RETRAIT DÉPASSÉ - RETOUR EXPÉDITEUR",
                                   .text = "DÉLAI DE RETRAIT DÉPASSÉ - RETOUR EXPÉDITEUR",
                                   .place = sp::point,
                                   .status = "returning_to_sender"};
constexpr scan_step kMrReturned{.code = "COLIS RETOURNÉ À L'EXPÉDITEUR",
                                .text = "COLIS RETOURNÉ À L'EXPÉDITEUR",
                                .place = sp::sender,
                                .status = "returned_to_sender"};
constexpr scan_step kMrLost{.code = "ANOMALIE - COLIS EN RECHERCHE",
                            .text = "ANOMALIE - COLIS EN RECHERCHE",
                            .place = sp::network,
                            .status = "exception"};

using script = carrier_scripts::script;
constexpr auto home = delivery_mode::home;
constexpr auto point = delivery_mode::point;

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string carrier_env_name(std::string_view carrier) {
  std::string out;
  for (char c : carrier)
    if (std::isalnum(static_cast<unsigned char>(c)))
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

const char* env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v && *v ? v : nullptr;
}

bool known_scenario(std::string_view name) {
  return std::find(kScenarioNames.begin(), kScenarioNames.end(), name) != kScenarioNames.end();
}

std::optional<pace> parse_pace(std::string_view text) {
  if (text == "manual") return pace{};
  long seconds = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || ptr != text.data() + text.size() || seconds < 0 ||
      seconds > 86'400 * 365)
    return std::nullopt;
  return pace{std::chrono::seconds{seconds}};
}

std::string utc(sim_clock::time_point t) {
  using namespace std::chrono;
  const auto s = floor<seconds>(t);
  const auto day = floor<days>(s);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{s - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string_view place_name(scan_place p) {
  switch (p) {
    case sp::origin:
      return "origin";
    case sp::network:
      return "network";
    case sp::destination:
      return "destination";
    case sp::point:
      return "point";
    case sp::sender:
      return "sender";
  }
  return "network";
}

json::value step_json(const scan_step& s, std::size_t index) {
  return json::object{{"index", index},
                      {"code", s.code},
                      {"text", s.text},
                      {"status", s.status},
                      {"place", place_name(s.place)}};
}

http::response problem(int status, std::string_view type, std::string_view title,
                       std::string detail, std::string_view field = {},
                       std::string_view message = {}) {
  json::object body{{"type", "/problems/" + std::string(type)},
                    {"title", title},
                    {"status", status},
                    {"detail", detail}};
  if (!field.empty() || !message.empty())
    body["errors"] = json::array{json::object{{"field", field}, {"message", message}}};
  auto r = http::response::text(status, json::serialize(body), "application/problem+json");
  return r;
}

http::response validation(std::string_view field, std::string_view message) {
  return problem(422, "validation-error", "The request is not valid", "1 field(s) need attention",
                 field, message);
}

http::response answer(const timeline_book::outcome<timeline_view>& out) {
  if (out.value) return http::response::json(200, timeline_json(*out.value));
  const auto& e = *out.error;
  if (e.status == 404) return problem(404, "not-found", "No such parcel", e.message);
  if (e.status == 409)
    return problem(409, "conflict", "The parcel's history does not fit", e.message);
  return validation(e.field, e.message);
}

}  // namespace

std::string_view to_string(delivery_mode m) noexcept {
  return m == delivery_mode::point ? "point" : "home";
}

std::span<const std::string_view> scenario_names() noexcept {
  return kScenarioNames;
}

const std::vector<scan_step>* carrier_scripts::find(std::string_view scenario,
                                                    delivery_mode mode) const {
  for (const auto& s : scripts)
    if (s.scenario == scenario && s.mode == mode) return &s.steps;
  return nullptr;
}

const carrier_scripts& colissimo_scripts() {
  static const carrier_scripts scripts{
      .carrier = "colissimo",
      .at_sale = 1,
      .scripts = {
          script{.scenario = "delivered",
                 .mode = home,
                 .steps = {kColDeclared, kColTaken, kColTransit, kColRound, kColDelivered}},
          script{.scenario = "delivered",
                 .mode = point,
                 .steps = {kColDeclared, kColTaken, kColTransit, kColAtPoint, kColCollected}},
          script{.scenario = "absent_recipient",
                 .mode = home,
                 .steps = {kColDeclared, kColTaken, kColTransit, kColRound, kColAbsent,
                           kColAtPostOffice, kColCollectedPostOffice}},
          script{.scenario = "refused",
                 .mode = home,
                 .steps = {kColDeclared, kColTaken, kColTransit, kColRound, kColRefused,
                           kColReturning, kColReturned}},
          script{.scenario = "refused",
                 .mode = point,
                 .steps = {kColDeclared, kColTaken, kColTransit, kColAtPoint, kColRefusedAtPoint,
                           kColReturning, kColReturned}},
          script{.scenario = "held_at_point",
                 .mode = home,
                 .steps = {kColDeclared, kColTaken, kColTransit, kColRound, kColAbsent,
                           kColAtPostOffice, kColHoldExpired, kColReturned}},
          script{.scenario = "held_at_point",
                 .mode = point,
                 .steps = {kColDeclared, kColTaken, kColTransit, kColAtPoint, kColHoldExpired,
                           kColReturned}},
          script{.scenario = "lost",
                 .mode = home,
                 .steps = {kColDeclared, kColTaken, kColTransit, kColIncident}},
          script{.scenario = "lost",
                 .mode = point,
                 .steps = {kColDeclared, kColTaken, kColTransit, kColIncident}},
      }};
  return scripts;
}

const carrier_scripts& mondialrelay_scripts() {
  static const carrier_scripts scripts{
      .carrier = "mondialrelay",
      .at_sale = 0,
      .scripts = {
          script{.scenario = "delivered",
                 .mode = home,
                 .steps = {kMrTaken, kMrTransit, kMrRound, kMrDelivered}},
          script{.scenario = "delivered",
                 .mode = point,
                 .steps = {kMrTaken, kMrTransit, kMrAtPoint, kMrCollected}},
          script{.scenario = "absent_recipient",
                 .mode = home,
                 .steps = {kMrTaken, kMrTransit, kMrRound, kMrAbsent, kMrAtPoint, kMrCollected}},
          script{.scenario = "refused",
                 .mode = home,
                 .steps = {kMrTaken, kMrTransit, kMrRound, kMrRefused, kMrReturning, kMrReturned}},
          script{.scenario = "refused",
                 .mode = point,
                 .steps = {kMrTaken, kMrTransit, kMrAtPoint, kMrRefusedAtPoint, kMrReturning,
                           kMrReturned}},
          script{.scenario = "held_at_point",
                 .mode = home,
                 .steps = {kMrTaken, kMrTransit, kMrRound, kMrAbsent, kMrAtPoint, kMrHoldExpired,
                           kMrReturned}},
          script{.scenario = "held_at_point",
                 .mode = point,
                 .steps = {kMrTaken, kMrTransit, kMrAtPoint, kMrHoldExpired, kMrReturned}},
          script{.scenario = "lost", .mode = home, .steps = {kMrTaken, kMrTransit, kMrLost}},
          script{.scenario = "lost", .mode = point, .steps = {kMrTaken, kMrTransit, kMrLost}},
      }};
  return scripts;
}

std::string timeline_json(const timeline_view& v) {
  json::array steps;
  for (std::size_t i = 0; i < v.steps.size(); ++i) {
    json::value s = step_json(v.steps[i], i);
    s.as_object()["reached"] = i < v.times.size();
    if (i < v.times.size()) s.as_object()["at"] = utc(v.times[i]);
    steps.push_back(std::move(s));
  }
  json::value step_seconds = nullptr;
  if (v.step) {
    const auto ms = v.step->count();
    if (ms % 1000 == 0)
      step_seconds = ms / 1000;
    else
      step_seconds = static_cast<double>(ms) / 1000.0;
  }
  json::value current = nullptr, next = nullptr;
  if (!v.times.empty()) {
    current = steps[v.times.size() - 1];
  }
  if (!v.at_end()) next = step_json(v.steps[v.times.size()], v.times.size());
  json::object out{{"carrier", v.carrier},
                   {"tracking_number", v.tracking_number},
                   {"scenario", v.scenario},
                   {"delivery", to_string(v.facts.mode)},
                   {"step_seconds", std::move(step_seconds)},
                   {"reached", v.times.size()},
                   {"total", v.steps.size()},
                   {"at_end", v.at_end()},
                   {"current", std::move(current)},
                   {"next", std::move(next)},
                   {"steps", std::move(steps)}};
  if (!v.facts.point_id.empty()) out["point_id"] = v.facts.point_id;
  return json::serialize(out);
}

timeline_defaults defaults_from_environment(std::string_view carrier, timeline_defaults fallback,
                                            std::vector<std::string>* problems) {
  timeline_defaults out = std::move(fallback);
  const std::string name = carrier_env_name(carrier);
  for (const std::string& var :
       {std::string("CARRIER_SIM_SCENARIO"), "CARRIER_SIM_SCENARIO_" + name}) {
    const char* v = env(var);
    if (!v) continue;
    if (known_scenario(v))
      out.scenario = v;
    else if (problems)
      problems->push_back(var + ": unknown scenario \"" + v + "\"");
  }
  for (const std::string& var :
       {std::string("CARRIER_SIM_STEP_SECONDS"), "CARRIER_SIM_" + name + "_STEP_SECONDS"}) {
    const char* v = env(var);
    if (!v) continue;
    if (auto p = parse_pace(v))
      out.step = *p;
    else if (problems)
      problems->push_back(var + ": expected whole seconds (0: every step at once) or \"manual\"");
  }
  return out;
}

// ---- timeline_book -----------------------------------------------------------------------------

timeline_book::timeline_book(sales_ledger& ledger) : ledger_(ledger) {}

void timeline_book::add_carrier(carrier_scripts scripts, timeline_defaults defaults) {
  std::lock_guard lock(mutex_);
  const std::string name = scripts.carrier;
  defaults_[name] = std::move(defaults);
  // Parcels keep pointers to their steps: a carrier's scripts are replaced only while none of its
  // parcels exist (the sims register theirs at construction).
  std::erase_if(parcels_, [&](const auto& kv) { return kv.second.carrier == name; });
  carriers_.insert_or_assign(name, std::move(scripts));
}

void timeline_book::set_defaults(std::string_view carrier, timeline_defaults defaults) {
  std::lock_guard lock(mutex_);
  defaults_.insert_or_assign(std::string(carrier), std::move(defaults));
}

bool timeline_book::knows_carrier(std::string_view carrier) const {
  std::lock_guard lock(mutex_);
  return carriers_.contains(carrier);
}

const std::vector<scan_step>* timeline_book::script_for(std::string_view carrier,
                                                        std::string_view scenario,
                                                        delivery_mode mode) const {
  auto it = carriers_.find(carrier);
  return it == carriers_.end() ? nullptr : it->second.find(scenario, mode);
}

timeline_book::parcel* timeline_book::adopt_locked(std::string_view carrier,
                                                   std::string_view tracking_number,
                                                   sim_clock::time_point sold_at,
                                                   parcel_facts facts) {
  auto c = carriers_.find(carrier);
  if (c == carriers_.end()) return nullptr;
  timeline_defaults d;
  if (auto it = defaults_.find(carrier); it != defaults_.end()) d = it->second;
  const auto* steps = c->second.find(d.scenario, facts.mode);
  if (!steps) {  // the default scenario has no variant for this delivery mode
    d.scenario = std::string(kDefaultScenario);
    steps = c->second.find(d.scenario, facts.mode);
  }
  if (!steps) steps = c->second.find(d.scenario, delivery_mode::home);
  if (!steps) return nullptr;
  parcel p{.carrier = std::string(carrier),
           .scenario = d.scenario,
           .facts = std::move(facts),
           .step = d.step,
           .steps = steps,
           .times = {},
           .anchor = sold_at};
  const std::size_t at_sale = std::min(c->second.at_sale, steps->size());
  p.times.assign(at_sale, sold_at);
  auto [it, inserted] = parcels_.insert_or_assign(std::string(tracking_number), std::move(p));
  (void)inserted;
  return &it->second;
}

void timeline_book::open(std::string_view carrier, std::string_view tracking_number,
                         parcel_facts facts, sim_clock::time_point sold_at) {
  std::lock_guard lock(mutex_);
  adopt_locked(carrier, tracking_number, sold_at, std::move(facts));
}

void timeline_book::catch_up(parcel& p, sim_clock::time_point now) {
  if (!p.step) return;
  while (p.times.size() < p.steps->size() && p.anchor + *p.step <= now) {
    p.anchor += *p.step;
    p.times.push_back(p.anchor);
  }
}

timeline_view timeline_book::view_of(const std::string& tracking_number, const parcel& p) const {
  return timeline_view{.carrier = p.carrier,
                       .tracking_number = tracking_number,
                       .scenario = p.scenario,
                       .facts = p.facts,
                       .step = p.step,
                       .steps = *p.steps,
                       .times = p.times};
}

std::optional<timeline_view> timeline_book::view(std::string_view carrier,
                                                 std::string_view tracking_number,
                                                 sim_clock::time_point now,
                                                 const parcel_facts& facts_if_new) {
  std::lock_guard lock(mutex_);
  auto it = parcels_.find(tracking_number);
  parcel* p = nullptr;
  if (it != parcels_.end() && it->second.carrier == carrier) {
    p = &it->second;
  } else {
    auto sold = ledger_.sold_at(carrier, tracking_number);
    if (!sold) return std::nullopt;
    p = adopt_locked(carrier, tracking_number, *sold, facts_if_new);
    if (!p) return std::nullopt;
    it = parcels_.find(tracking_number);
  }
  catch_up(*p, now);
  return view_of(it->first, *p);
}

timeline_book::parcel* timeline_book::find_locked(std::string_view tracking_number,
                                                  sim_clock::time_point now) {
  parcel* p = nullptr;
  if (auto it = parcels_.find(tracking_number); it != parcels_.end()) {
    p = &it->second;
  } else {
    for (const auto& [carrier, scripts] : carriers_) {
      if (auto sold = ledger_.sold_at(carrier, tracking_number)) {
        p = adopt_locked(carrier, tracking_number, *sold, {});
        break;
      }
    }
  }
  if (p) catch_up(*p, now);
  return p;
}

namespace {
timeline_book::control_error not_sold(std::string_view tracking_number) {
  return {.status = 404,
          .field = "tracking_number",
          .message = "no simulated carrier sold " + std::string(tracking_number)};
}
}  // namespace

timeline_book::outcome<timeline_view> timeline_book::advance(std::string_view tracking_number,
                                                             std::size_t steps,
                                                             sim_clock::time_point now) {
  std::lock_guard lock(mutex_);
  parcel* p = find_locked(tracking_number, now);
  if (!p) return {.value = std::nullopt, .error = not_sold(tracking_number)};
  for (std::size_t i = 0; i < steps && p->times.size() < p->steps->size(); ++i)
    p->times.push_back(p->times.empty() ? now : std::max(now, p->times.back()));
  p->anchor = std::max(p->anchor, now);
  return {.value = view_of(std::string(tracking_number), *p), .error = std::nullopt};
}

timeline_book::outcome<timeline_view> timeline_book::advance_to(std::string_view tracking_number,
                                                                std::string_view to,
                                                                sim_clock::time_point now) {
  std::lock_guard lock(mutex_);
  parcel* p = find_locked(tracking_number, now);
  if (!p) return {.value = std::nullopt, .error = not_sold(tracking_number)};
  const std::string wanted = upper_ascii(to);
  auto matches = [&](const scan_step& s) {
    return upper_ascii(s.code) == wanted || upper_ascii(s.status) == wanted;
  };
  const auto& steps = *p->steps;
  const std::size_t reached = p->times.size();
  if (reached > 0 && matches(steps[reached - 1]))
    return {.value = view_of(std::string(tracking_number), *p), .error = std::nullopt};
  for (std::size_t i = reached; i < steps.size(); ++i) {
    if (!matches(steps[i])) continue;
    while (p->times.size() <= i)
      p->times.push_back(p->times.empty() ? now : std::max(now, p->times.back()));
    p->anchor = std::max(p->anchor, now);
    return {.value = view_of(std::string(tracking_number), *p), .error = std::nullopt};
  }
  return {.value = std::nullopt,
          .error = control_error{.status = 422,
                                 .field = "to",
                                 .message = "no step ahead in the " + p->scenario +
                                            " scenario has the code or status \"" +
                                            std::string(to) + "\""}};
}

timeline_book::outcome<timeline_view> timeline_book::script(std::string_view tracking_number,
                                                            std::string_view scenario, pace step,
                                                            sim_clock::time_point now) {
  std::lock_guard lock(mutex_);
  parcel* p = find_locked(tracking_number, now);
  if (!p) return {.value = std::nullopt, .error = not_sold(tracking_number)};
  const auto* steps = script_for(p->carrier, scenario, p->facts.mode);
  if (!steps) {
    std::string why =
        known_scenario(scenario)
            ? p->carrier + " parcels sent to a " +
                  std::string(p->facts.mode == delivery_mode::point ? "pickup point"
                                                                    : "home address") +
                  " have no " + std::string(scenario) + " scenario"
            : "unknown scenario; one of delivered, absent_recipient, refused, "
              "held_at_point, lost";
    return {.value = std::nullopt,
            .error = control_error{.status = 422, .field = "scenario", .message = std::move(why)}};
  }
  if (p->times.size() > steps->size())
    return {.value = std::nullopt,
            .error = control_error{.status = 409,
                                   .field = "scenario",
                                   .message = "the parcel already shows more steps than the " +
                                              std::string(scenario) + " scenario has"}};
  for (std::size_t i = 0; i < p->times.size(); ++i)
    if ((*steps)[i].code != (*p->steps)[i].code || (*steps)[i].text != (*p->steps)[i].text)
      return {.value = std::nullopt,
              .error = control_error{.status = 409,
                                     .field = "scenario",
                                     .message = "the parcel already showed " +
                                                std::string((*p->steps)[i].code) + " as step " +
                                                std::to_string(i + 1) + ", which the " +
                                                std::string(scenario) + " scenario does not"}};
  p->steps = steps;
  p->scenario = std::string(scenario);
  p->step = step;
  p->anchor = now;
  return {.value = view_of(std::string(tracking_number), *p), .error = std::nullopt};
}

void timeline_book::reset() {
  std::lock_guard lock(mutex_);
  parcels_.clear();
}

std::optional<http::response> timeline_book::handle_control(const http::request& request) {
  const bool advance_route = request.path == "/_sim/advance";
  const bool timeline_route = request.path == "/_sim/timeline";
  if (!advance_route && !timeline_route) return std::nullopt;
  const auto now = sim_clock::now();
  if (timeline_route && request.method == "GET") {
    bool found = false;
    std::string number = request.query_param("tracking_number", &found);
    if (!found || number.empty())
      return validation("tracking_number", "is required (query parameter)");
    std::lock_guard lock(mutex_);
    parcel* p = find_locked(number, now);
    if (!p) return problem(404, "not-found", "No such parcel", not_sold(number).message);
    return http::response::json(200, timeline_json(view_of(number, *p)));
  }
  if (request.method != "POST") {
    auto r =
        problem(405, "method-not-allowed", "Method not allowed",
                std::string(request.path) + " answers POST" + (timeline_route ? " and GET" : ""));
    r.set("Allow", timeline_route ? "GET, POST" : "POST");
    return r;
  }
  boost::system::error_code ec;
  json::value doc = json::parse(request.body, ec);
  if (ec || !doc.is_object())
    return problem(400, "malformed-json", "The body is not a JSON object",
                   "send a JSON object, e.g. {\"tracking_number\": \"...\"}");
  const json::object& o = doc.get_object();
  std::string_view allowed[3] = {"tracking_number", "steps", "to"};
  if (timeline_route) allowed[1] = "scenario", allowed[2] = "step_seconds";
  for (const auto& kv : o)
    if (std::find(std::begin(allowed), std::end(allowed), kv.key()) == std::end(allowed))
      return validation(kv.key(), "unknown field");
  const json::value* number = o.if_contains("tracking_number");
  if (!number || !number->is_string() || number->get_string().empty())
    return validation("tracking_number", "is required: a non-empty string");
  const std::string tracking_number(number->get_string());

  if (advance_route) {
    const json::value* steps = o.if_contains("steps");
    const json::value* to = o.if_contains("to");
    if (steps && to) return validation("to", "give either steps or to, not both");
    if (to) {
      if (!to->is_string() || to->get_string().empty())
        return validation("to", "must be a non-empty string: an event code or a status");
      return answer(advance_to(tracking_number, to->get_string(), now));
    }
    std::int64_t n = 1;
    if (steps) {
      if (!steps->is_int64() || steps->get_int64() < 1 || steps->get_int64() > 1000)
        return validation("steps", "must be an integer between 1 and 1000");
      n = steps->get_int64();
    }
    return answer(advance(tracking_number, static_cast<std::size_t>(n), now));
  }

  const json::value* scenario = o.if_contains("scenario");
  if (!scenario || !scenario->is_string() || !known_scenario(scenario->get_string()))
    return validation("scenario",
                      "is required: one of delivered, absent_recipient, refused, held_at_point, "
                      "lost");
  pace step;
  const json::value* seconds = o.if_contains("step_seconds");
  if (seconds) {
    if (!seconds->is_int64() || seconds->get_int64() < 0 || seconds->get_int64() > 86'400)
      return validation("step_seconds",
                        "must be an integer between 0 (manual: moves only with /_sim/advance) "
                        "and 86400");
    if (seconds->get_int64() > 0) step = std::chrono::seconds{seconds->get_int64()};
  } else {
    std::lock_guard lock(mutex_);  // keep the parcel's pace
    if (parcel* p = find_locked(tracking_number, now)) step = p->step;
  }
  return answer(script(tracking_number, scenario->get_string(), step, now));
}

// ---- event_pusher ------------------------------------------------------------------------------

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

struct push_target {
  bool tls = false;
  std::string host, port, target, host_header;
};

// scheme://host[:port][/path][?query]; host may be an IPv6 literal in brackets.
std::optional<push_target> parse_push_url(std::string_view url) {
  push_target t;
  if (url.starts_with("https://")) {
    t.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const auto slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  t.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (t.target.front() == '?') t.target.insert(t.target.begin(), '/');
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  t.host_header = std::string(authority);
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    t.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    t.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (t.host.empty()) return std::nullopt;
  if (port.empty()) {
    t.port = t.tls ? "443" : "80";
  } else {
    int n = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc{} || ptr != port.data() + port.size() || n < 1 || n > 65535)
      return std::nullopt;
    t.port = std::string(port);
  }
  return t;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  (void)net::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

push_options push_options::from_environment() {
  push_options o;
  if (const char* v = env("CARRIER_SIM_PUSH_URL")) o.url = v;
  if (const char* v = env("CARRIER_SIM_PUSH_TOKEN")) o.token = v;
  if (const char* v = env("CARRIER_SIM_PUSH_CA_FILE")) o.ca_file = v;
  return o;
}

struct event_pusher::state {
  net::any_io_executor executor;
  push_options options;
  std::optional<push_target> target;
  std::string setup_error;  // why pushing cannot work (bad URL, unreadable CA file)
  std::unique_ptr<ssl::context> tls;
  mutable std::mutex mutex;
  stats counts;

  // One POST on a fresh connection; returns the HTTP status (0 and `error` on failure).
  net::awaitable<int> exchange(const std::string& body, const http::headers& extra,
                               std::string& error) {
    const push_target& t = *target;
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, t.target, 11};
    req.set(bhttp::field::host, t.host_header);
    req.set(bhttp::field::user_agent, "carrier-sim");
    req.set(bhttp::field::content_type, "application/json");
    req.set(bhttp::field::connection, "close");
    if (!options.token.empty()) req.set(bhttp::field::authorization, "Bearer " + options.token);
    for (const auto& h : extra) req.set(h.name, h.value);
    req.body() = body;
    req.prepare_payload();
    try {
      tcp::resolver resolver(executor);
      auto endpoints = co_await resolver.async_resolve(t.host, t.port, net::use_awaitable);
      beast::flat_buffer buffer;
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(1024 * 1024);
      if (!t.tls) {
        beast::tcp_stream stream(executor);
        stream.expires_after(options.attempt_timeout);
        co_await stream.async_connect(endpoints, net::use_awaitable);
        co_await bhttp::async_write(stream, req, net::use_awaitable);
        co_await bhttp::async_read(stream, buffer, parser, net::use_awaitable);
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      } else {
        beast::ssl_stream<beast::tcp_stream> stream(executor, *tls);
        if (!is_ip_literal(t.host) &&
            !SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str())) {
          error = "cannot set the TLS server name";
          co_return 0;
        }
        stream.set_verify_callback(ssl::host_name_verification(t.host));
        beast::get_lowest_layer(stream).expires_after(options.attempt_timeout);
        co_await beast::get_lowest_layer(stream).async_connect(endpoints, net::use_awaitable);
        co_await stream.async_handshake(ssl::stream_base::client, net::use_awaitable);
        co_await bhttp::async_write(stream, req, net::use_awaitable);
        co_await bhttp::async_read(stream, buffer, parser, net::use_awaitable);
        beast::get_lowest_layer(stream).close();
      }
      co_return static_cast<int>(parser.get().result_int());
    } catch (const boost::system::system_error& e) {
      error = e.code() == beast::error::timeout ? "no answer within the attempt timeout"
                                                : e.code().message();
    }
    co_return 0;
  }
};

namespace {

net::awaitable<void> deliver(std::shared_ptr<event_pusher::state> s, std::string body,
                             http::headers extra, std::function<void(const push_result&)> done) {
  push_result r;
  auto delay = s->options.first_delay;
  const int attempts = std::max(1, s->options.max_attempts);
  net::steady_timer timer(s->executor);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    r.attempts = attempt;
    {
      std::lock_guard lock(s->mutex);
      ++s->counts.attempts;
    }
    std::string error;
    r.status = co_await s->exchange(body, extra, error);
    if (r.status >= 200 && r.status < 300) {
      r.delivered = true;
      r.error.clear();
      break;
    }
    r.error = r.status != 0 ? "HTTP " + std::to_string(r.status) : std::move(error);
    if (attempt == attempts) break;
    timer.expires_after(delay);
    co_await timer.async_wait(net::use_awaitable);
    delay = std::min(delay * 2, s->options.max_delay);
  }
  {
    std::lock_guard lock(s->mutex);
    --s->counts.in_flight;
    ++(r.delivered ? s->counts.delivered : s->counts.failed);
  }
  if (done) done(r);
}

}  // namespace

event_pusher::event_pusher(boost::asio::any_io_executor executor, push_options options)
    : state_(std::make_shared<state>()) {
  state_->executor = std::move(executor);
  state_->options = std::move(options);
  if (state_->options.url.empty()) {
    state_->setup_error = "no push URL configured (CARRIER_SIM_PUSH_URL)";
    return;
  }
  state_->target = parse_push_url(state_->options.url);
  if (!state_->target) {
    state_->setup_error =
        "the push URL is not an absolute http or https URL: " + state_->options.url;
    return;
  }
  if (state_->target->tls) {
    state_->tls = std::make_unique<ssl::context>(ssl::context::tls_client);
    boost::system::error_code ec;
    state_->tls->set_default_verify_paths(ec);
    if (!state_->options.ca_file.empty()) {
      state_->tls->load_verify_file(state_->options.ca_file, ec);
      if (ec) {
        state_->setup_error =
            "cannot read the push CA file " + state_->options.ca_file + ": " + ec.message();
        state_->target.reset();
        return;
      }
    }
    state_->tls->set_verify_mode(ssl::verify_peer);
  }
}

event_pusher::~event_pusher() = default;

bool event_pusher::enabled() const noexcept {
  return state_->target.has_value();
}

void event_pusher::push(std::string json_body, http::headers headers,
                        std::function<void(const push_result&)> done) {
  if (!state_->target) {
    {
      std::lock_guard lock(state_->mutex);
      ++state_->counts.failed;
    }
    if (done)
      net::post(state_->executor, [done = std::move(done), why = state_->setup_error] {
        done(push_result{.delivered = false, .attempts = 0, .status = 0, .error = why});
      });
    return;
  }
  {
    std::lock_guard lock(state_->mutex);
    ++state_->counts.in_flight;
  }
  net::co_spawn(state_->executor,
                deliver(state_, std::move(json_body), std::move(headers), std::move(done)),
                net::detached);
}

event_pusher::stats event_pusher::counts() const {
  std::lock_guard lock(state_->mutex);
  return state_->counts;
}

}  // namespace parcelgate::sim
