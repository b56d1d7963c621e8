// La Poste Suivi v2 sandbox: GET {prefix}/suivi/v2/idships/{id1,id2,...}?lang=fr_FR, answering
// like the real tracking API for the Colissimo parcels the simulator sold:
//   - header X-Okapi-Key must be the sandbox key "sandbox-okapi": else 401 {code, message};
//   - 1 to 10 comma-separated ids (more: 400 {code, message});
//   - one id: HTTP 200 and one envelope; several: HTTP 207 and an array of envelopes, each with
//     its own returnCode: 200 and a shipment for a parcel in the sales ledger, 104 for a
//     well-formed number never sold, 400 for a malformed one;
//   - a sold parcel shows one more event every stage_interval after its sale: DR1 (data
//     received) at the sale, then PC1, ET1, MD2 and DI1 (delivered). Events are listed newest
//     first with their date in France's local time and offset (+01:00 or +02:00);
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

namespace parcelgate::sim {

namespace {

namespace json = boost::json;

constexpr std::string_view kServicePath = "/suivi/v2/idships/";
constexpr std::string_view kOkapiKey = "sandbox-okapi";
constexpr std::size_t kMaxIds = 10;

struct stage {
  std::string_view code;
  std::string_view label;
  int step;  // timeline step the event completes (1 to 5)
};

// A home delivery inside France, in the order it happens. Texts written for the sandbox.
constexpr stage kStages[] = {
    {.code = "DR1",
     .label =
         "Votre colis est prêt à être expédié. Il n'est pas encore pris en charge par La Poste.",
     .step = 1},
    {.code = "PC1", .label = "Votre colis a été pris en charge par La Poste.", .step = 2},
    {.code = "ET1",
     .label = "Votre colis est en cours d'acheminement dans notre réseau.",
     .step = 3},
    {.code = "MD2", .label = "Votre colis est en cours de livraison.", .step = 4},
    {.code = "DI1", .label = "Votre colis a été livré.", .step = 5},
};

constexpr std::string_view kSteps[] = {"Déclaré", "Pris en charge", "En cours d'acheminement",
                                       "Prêt à être distribué", "Livré"};

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
  laposte_suivi_sim(sales_ledger& ledger, std::chrono::milliseconds stage_interval)
      : ledger_(ledger), interval_(stage_interval) {
    if (auto zone = time_zone::load("Europe/Paris")) france_ = std::move(*zone);
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
    const auto sold = ledger_.sold_at("colissimo", id);
    if (!sold) {
      env["returnCode"] = 104;
      env["returnMessage"] = "Votre numéro de suivi " + id +
                             " n'est pas encore disponible ou n'est pas reconnu. Veuillez "
                             "réessayer ultérieurement.";
      env["idShip"] = id;
      return env;
    }
    // Stages reached: the sale's, then one per elapsed interval.
    std::size_t reached = 1;
    while (reached < std::size(kStages) && *sold + interval_ * static_cast<int>(reached) <= now)
      ++reached;
    auto at = [&](std::size_t i) { return local_date(*sold + interval_ * static_cast<int>(i)); };
    json::array events;
    for (std::size_t i = reached; i-- > 0;)  // newest first
      events.push_back(json::object{{"code", kStages[i].code},
                                    {"label", kStages[i].label},
                                    {"date", at(i)},
                                    {"order", static_cast<int>(i + 1)}});
    const int last_step = kStages[reached - 1].step;
    json::array timeline;
    for (int step = 1; step <= 5; ++step) {
      json::object s{{"id", step},
                     {"shortLabel", kSteps[step - 1]},
                     {"longLabel", ""},
                     {"status", step <= last_step},
                     {"type", step <= last_step ? 1 : 0}};
      for (std::size_t i = 0; i < reached; ++i)
        if (kStages[i].step == step) s["date"] = at(i), s["country"] = "FR";
      timeline.push_back(std::move(s));
    }
    const bool delivered = reached == std::size(kStages);
    json::object shipment{
        {"idShip", id},
        {"holder", 4},
        {"product", "colissimo"},
        {"isFinal", delivered},
        {"timeline", std::move(timeline)},
        {"event", std::move(events)},
        {"contextData", json::object{{"deliveryChoice", json::object{{"deliveryChoice", 1}}},
                                     {"originCountry", "FR"},
                                     {"arrivalCountry", "FR"}}},
        {"url", "https://www.laposte.fr/outils/suivre-vos-envois?code=" + id}};
    if (reached > 1) shipment["entryDate"] = at(1);
    if (delivered) shipment["deliveryDate"] = at(std::size(kStages) - 1);
    env["returnCode"] = 200;
    env["shipment"] = std::move(shipment);
    return env;
  }

  sales_ledger& ledger_;
  std::chrono::milliseconds interval_;
  time_zone france_;
};

}  // namespace

std::unique_ptr<carrier_sim> make_laposte_suivi_sim(sales_ledger& ledger,
                                                    std::chrono::milliseconds stage_interval) {
  return std::make_unique<laposte_suivi_sim>(ledger, stage_interval);
}

}  // namespace parcelgate::sim
