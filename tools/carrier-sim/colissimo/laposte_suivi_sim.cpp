// La Poste Suivi v2 sandbox: GET {prefix}/suivi/v2/idships/{id1,id2,...}?lang=fr_FR, answering
// like the real tracking API for the Colissimo parcels the simulator sold:
//   - header X-Okapi-Key must be the sandbox key "sandbox-okapi": else 401 {code, message};
//   - 1 to 10 comma-separated ids (more: 400 {code, message});
//   - one id: HTTP 200 and one envelope; several: HTTP 207 and an array of envelopes, each with
//     its own returnCode: 200 and a shipment for a parcel in the sales ledger, 104 for a
//     well-formed number never sold, 400 for a malformed one;
//   - a sold parcel shows the steps its scenario reached so far (timeline.hpp): by default
//     DR1 (data received) at the sale, then PC1, ET1, MD2 and DI1 (delivered), one more every
//     step; parcels sent to a pickup point show AG1 instead of MD2 and carry
//     contextData.removalPoint. Events are listed newest first with their date in France's local
//     time and offset (+01:00 or +02:00); isFinal once delivered or back with the sender;
//   - busy (fault injection): 429 {code: TOO_MANY_REQUESTS, message} with Retry-After: 1.
// Labels are in French (the sandbox answers fr_FR whatever `lang` asks).

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "gateway/domain/time_zone.hpp"
#include "tools/carrier-sim/sim.hpp"
#include "tools/carrier-sim/timeline.hpp"

namespace parcelgate::sim {

namespace {

namespace json = boost::json;

constexpr std::string_view kServicePath = "/suivi/v2/idships/";
constexpr std::string_view kOkapiKey = "sandbox-okapi";
constexpr std::size_t kMaxIds = 10;

constexpr std::string_view kSteps[] = {"Déclaré", "Pris en charge", "En cours d'acheminement",
                                       "Prêt à être distribué", "Livré"};

// The Suivi v2 timeline step (1 to 5) an event code completes (carrier-wire-formats.md §6).
int timeline_step(std::string_view code) {
  if (code.starts_with("DR")) return 1;
  if (code.starts_with("PC")) return 2;
  if (code == "MD2" || code == "ND1" || code == "AG1" || code == "RE1") return 4;
  if (code.starts_with("DI")) return 5;
  return 3;  // ET*, EP1, DO*, PB*
}

// Colissimo's products whose parcels go to a pickup point, by parcel number prefix (A2P, BPR).
delivery_mode mode_of(std::string_view parcel_number) {
  return parcel_number.starts_with("6M") || parcel_number.starts_with("6H") ? delivery_mode::point
                                                                            : delivery_mode::home;
}

bool valid_id(std::string_view id) {
  return id.size() >= 11 && id.size() <= 15 && std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0;
         });
}

http::response error_body(int status, std::string_view code, std::string_view message) {
  return http::response::json(status,
                              json::serialize(json::object{{"code", code}, {"message", message}}));
}

class laposte_suivi_sim final : public carrier_sim {
 public:
  // A book of its own, the scenario from the environment and one step every `stage_interval`.
  laposte_suivi_sim(sales_ledger& ledger, std::chrono::milliseconds stage_interval)
      : own_(std::make_unique<timeline_book>(ledger)), book_(*own_) {
    timeline_defaults d = defaults_from_environment("colissimo", {});
    d.step = stage_interval;
    book_.add_carrier(colissimo_scripts(), d);
    load_zone();
  }
  // The server's shared book.
  explicit laposte_suivi_sim(timeline_book& book) : book_(book) {
    if (!book_.knows_carrier("colissimo"))
      book_.add_carrier(colissimo_scripts(), defaults_from_environment("colissimo", {}));
    load_zone();
  }

  std::string_view prefix() const noexcept override { return "/laposte"; }

  http::response handle(const http::request& request) override {
    std::string decoded;
    if (!http::percent_decode(request.path, decoded))
      return error_body(400, "BAD_REQUEST", "Malformed path");
    std::string_view path = decoded;
    path.remove_prefix(std::min(path.size(), prefix().size()));
    if (!path.starts_with(kServicePath))
      return error_body(404, "NOT_FOUND", "No resource at this path");
    if (request.method != "GET") {
      auto r = error_body(405, "METHOD_NOT_ALLOWED", "Only GET is allowed");
      r.set("Allow", "GET");
      return r;
    }
    if (request.header("X-Okapi-Key") != kOkapiKey)
      return error_body(401, "UNAUTHORIZED", "The request requires a valid X-Okapi-Key");

    std::vector<std::string> ids;
    std::string_view list = path.substr(kServicePath.size());
    while (true) {
      const auto comma = list.find(',');
      ids.emplace_back(list.substr(0, comma));
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    if (ids.size() > kMaxIds)
      return error_body(400, "BAD_REQUEST", "Between 1 and 10 idships are allowed per call");

    const auto now = std::chrono::system_clock::now();
    json::array envelopes;
    for (const auto& id : ids) envelopes.push_back(envelope(id, now));
    if (ids.size() == 1) {
      const int code = static_cast<int>(envelopes.front().as_object().at("returnCode").as_int64());
      // A single id answers with that id's own code as HTTP status (200, 404 or 400).
      const int status = code == 200 ? 200 : code == 400 ? 400 : 404;
      return http::response::json(status, json::serialize(envelopes.front()));
    }
    return http::response::json(207, json::serialize(envelopes));
  }

  http::response busy_answer(const http::request&) const override {
    auto r = error_body(429, "TOO_MANY_REQUESTS", "max quota reached (10 calls per 1s)");
    r.set("Retry-After", "1");
    return r;
  }

 private:
  void load_zone() {
    if (auto zone = time_zone::load("Europe/Paris")) france_ = std::move(*zone);
  }

  // "2026-03-29T03:05:00+02:00": France's local time with its offset.
  std::string local_date(std::chrono::system_clock::time_point t) const {
    using namespace std::chrono;
    const auto s = floor<seconds>(t);
    const seconds offset = france_.name().empty() ? seconds{0} : france_.offset(s);
    const auto local = s + offset;
    const auto day = floor<days>(local);
    const year_month_day ymd{day};
    const hh_mm_ss<seconds> hms{local - day};
    const long off_min = offset.count() / 60;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02ld:%02ld",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                  off_min < 0 ? '-' : '+', std::labs(off_min) / 60, std::labs(off_min) % 60);
    return buf;
  }

  json::value envelope(const std::string& id, std::chrono::system_clock::time_point now) const {
    json::object env{{"lang", "fr_FR"}, {"scope", "open"}};
    if (!valid_id(id)) {
      env["returnCode"] = 400;
      env["returnMessage"] = "Le numéro " + id + " n'a pas un format valide.";
      env["idShip"] = id;
      return env;
    }
    const auto timeline = book_.view("colissimo", id, now,
                                     parcel_facts{.mode = mode_of(id),
                                                  .origin_city = {},
                                                  .destination_city = {},
                                                  .point_id = {},
                                                  .point_country = {}});
    if (!timeline || timeline->reached() == 0) {
      env["returnCode"] = 104;
      env["returnMessage"] = "Votre numéro de suivi " + id +
                             " n'est pas encore disponible ou n'est pas reconnu. Veuillez "
                             "réessayer ultérieurement.";
      env["idShip"] = id;
      return env;
    }
    const auto& steps = timeline->steps;
    const std::size_t reached = timeline->reached();
    auto at = [&](std::size_t i) { return local_date(timeline->times[i]); };
    json::array events;
    for (std::size_t i = reached; i-- > 0;)  // newest first
      events.push_back(json::object{{"code", steps[i].code},
                                    {"label", steps[i].text},
                                    {"date", at(i)},
                                    {"order", static_cast<int>(i + 1)}});
    int last_step = 0;
    for (std::size_t i = 0; i < reached; ++i)
      last_step = std::max(last_step, timeline_step(steps[i].code));
    const std::string_view last_status = steps[reached - 1].status;
    const bool final_state = last_status == "delivered" || last_status == "returned_to_sender";
    const bool anomaly = last_status == "exception";
    json::array timeline_steps;
    for (int step = 1; step <= 5; ++step) {
      const bool done = step <= last_step;
      json::object s{{"id", step},
                     {"shortLabel", kSteps[step - 1]},
                     {"longLabel", ""},
                     {"status", done},
                     {"type", done ? (anomaly && step == last_step ? -1 : 1) : 0}};
      for (std::size_t i = 0; i < reached; ++i)
        if (timeline_step(steps[i].code) == step) s["date"] = at(i), s["country"] = "FR";
      timeline_steps.push_back(std::move(s));
    }
    json::object context{{"deliveryChoice", json::object{{"deliveryChoice", 1}}},
                         {"originCountry", "FR"},
                         {"arrivalCountry", "FR"}};
    if (timeline->facts.mode == delivery_mode::point)
      context["removalPoint"] = json::object{
          {"name", timeline->facts.point_id.empty() ? std::string("Point retrait")
                                                    : "Point retrait " + timeline->facts.point_id},
          {"type", id.starts_with("6H") ? "BPR" : "A2P"}};
    json::object shipment{{"idShip", id},
                          {"holder", 4},
                          {"product", "colissimo"},
                          {"isFinal", final_state},
                          {"timeline", std::move(timeline_steps)},
                          {"event", std::move(events)},
                          {"contextData", std::move(context)},
                          {"url", "https://www.laposte.fr/outils/suivre-vos-envois?code=" + id}};
    if (reached > 1) shipment["entryDate"] = at(1);
    if (final_state) shipment["deliveryDate"] = at(reached - 1);
    env["returnCode"] = 200;
    env["shipment"] = std::move(shipment);
    return env;
  }

  std::unique_ptr<timeline_book> own_;
  timeline_book& book_;
  time_zone france_;
};

}  // namespace

std::unique_ptr<carrier_sim> make_laposte_suivi_sim(sales_ledger& ledger,
                                                    std::chrono::milliseconds stage_interval) {
  return std::make_unique<laposte_suivi_sim>(ledger, stage_interval);
}

std::unique_ptr<carrier_sim> make_laposte_suivi_sim(sales_ledger&, timeline_book& book) {
  return std::make_unique<laposte_suivi_sim>(book);
}

}  // namespace parcelgate::sim
