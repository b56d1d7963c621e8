#include "tools/carrier-sim/colissimo/mailbox_pickup_sim.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>

#include "tools/carrier-sim/colissimo/sls_validation.hpp"

namespace parcelgate::sim::colissimo {

namespace {

namespace json = boost::json;
using namespace std::chrono;

// Easter Sunday of the Gregorian calendar (the anonymous Gregorian computus).
year_month_day easter(int y) {
  const int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25,
            g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4,
            l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451,
            month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return year_month_day{year{y}, std::chrono::month{static_cast<unsigned>(month)},
                        std::chrono::day{static_cast<unsigned>(day)}};
}

json::object message(int id, std::string_view type, std::string_view content) {
  return json::object{{"id", std::to_string(id)},
                      {"type", type},
                      {"messageContent", content},
                      {"replacementValues", json::array{}}};
}

http::response refusal(int id, std::string_view content) {
  json::array messages;
  messages.push_back(message(id, "ERROR", content));
  return http::response::json(400,
                              json::serialize(json::object{{"messages", std::move(messages)}}));
}

json::array ok_messages() {
  json::array messages;
  messages.push_back(message(0, "INFOS", "La requête a été traitée avec succès"));
  return messages;
}

bool digits(std::string_view s, std::size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The address checks both operations make; nullopt when the sender is fine.
std::optional<http::response> check_sender(const json::object* sender) {
  if (text(sender, "line2").empty())
    return refusal(30100, "La ligne 2 de l'adresse de l'expéditeur est obligatoire");
  if (text(sender, "countryCode") != "FR")
    return refusal(30109, "L'enlèvement en boîte aux lettres n'est possible qu'en France");
  const std::string zip = text(sender, "zipCode");
  if (zip.empty()) return refusal(30106, "Le code postal de l'expéditeur est obligatoire");
  if (!digits(zip, 5)) return refusal(30107, "Le code postal de l'expéditeur est invalide");
  if (text(sender, "city").empty())
    return refusal(30104, "La ville de l'expéditeur est obligatoire");
  return std::nullopt;
}

std::string iso(year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

}  // namespace

bool french_public_holiday(year_month_day day) noexcept {
  const unsigned m = static_cast<unsigned>(day.month()), d = static_cast<unsigned>(day.day());
  static constexpr std::pair<unsigned, unsigned> kFixed[] = {{1, 1},  {5, 1},  {5, 8},   {7, 14},
                                                             {8, 15}, {11, 1}, {11, 11}, {12, 25}};
  for (auto [fm, fd] : kFixed)
    if (m == fm && d == fd) return true;
  const sys_days e{easter(static_cast<int>(day.year()))};
  const sys_days s{day};
  return s == e + days{1} || s == e + days{39} || s == e + days{50};
}

std::vector<year_month_day> next_pickup_days(year_month_day today, int count) {
  std::vector<year_month_day> out;
  sys_days d{today};
  while (static_cast<int>(out.size()) < count) {
    d += days{1};
    const year_month_day ymd{d};
    if (weekday{d} == Sunday || french_public_holiday(ymd)) continue;
    out.push_back(ymd);
  }
  return out;
}

mailbox_pickups::mailbox_pickups(sales_ledger& ledger) : ledger_(ledger) {
  if (auto zone = time_zone::load("Europe/Paris")) paris_ = std::move(*zone);
}

year_month_day mailbox_pickups::today(system_clock::time_point now) const {
  const auto t = floor<seconds>(now);
  return paris_ ? paris_->local_date(t) : year_month_day{floor<days>(t)};
}

std::int64_t mailbox_pickups::midnight_ms(year_month_day day) const {
  const sys_seconds wall{sys_days{day}.time_since_epoch()};
  sys_seconds utc = wall;
  if (paris_) utc = wall - paris_->offset(wall - paris_->offset(wall));
  return duration_cast<milliseconds>(utc.time_since_epoch()).count();
}

std::vector<std::int64_t> mailbox_pickups::offered_ms(system_clock::time_point now) const {
  std::vector<std::int64_t> out;
  for (auto d : next_pickup_days(today(now), kOfferedDays)) out.push_back(midnight_ms(d));
  return out;
}

http::response mailbox_pickups::picking_dates(const json::object& root,
                                              system_clock::time_point now) const {
  if (auto refused = check_sender(child(&root, "sender"))) return *refused;
  json::array dates;
  for (auto ms : offered_ms(now)) dates.push_back(ms);
  return http::response::json(
      200, json::serialize(json::object{{"messages", ok_messages()},
                                        {"mailBoxPickingDateMaxHour", kMaxPickingHour},
                                        {"validityTime", "12:00"},
                                        {"mailBoxPickingDates", std::move(dates)}}));
}

http::response mailbox_pickups::plan(const json::object& root, system_clock::time_point now) {
  const json::object* sender = child(&root, "sender");
  if (auto refused = check_sender(sender)) return *refused;
  if (text(sender, "lastName").empty())
    return refusal(30065, "Le nom de l'expéditeur est obligatoire");
  if (text(sender, "firstName").empty())
    return refusal(30043, "Le prénom de l'expéditeur est obligatoire");
  if (text(sender, "email").empty())
    return refusal(30045, "L'email de l'expéditeur est obligatoire");
  const std::string parcel = text(&root, "parcelNumber");
  if (parcel.empty()) return refusal(30327, "Le numéro de colis est obligatoire");
  if (!ledger_.sold_at("colissimo", parcel))
    return refusal(30321, "Le numéro de colis " + parcel + " est inconnu");
  const std::string date = text(&root, "mailBoxPickingDate");
  std::vector<std::string> offered;
  for (auto d : next_pickup_days(today(now), kOfferedDays)) offered.push_back(iso(d));
  if (std::find(offered.begin(), offered.end(), date) == offered.end())
    return refusal(kDateNotOffered,
                   "La date d'enlèvement " + date + " n'est pas proposée pour cette adresse");
  {
    std::lock_guard lock(mutex_);
    if (auto it = planned_.find(parcel); it != planned_.end())
      return refusal(kAlreadyPlanned, "Un enlèvement est déjà programmé le " + it->second +
                                          " pour le colis " + parcel);
    planned_.emplace(parcel, date);
  }
  return http::response::json(200, json::serialize(json::object{{"messages", ok_messages()}}));
}

}  // namespace parcelgate::sim::colissimo
