#pragma once
// The Colissimo sandbox's mailbox pickups, served by the Colissimo sim beside generateLabel:
//   POST {prefix}/sls-ws/SlsServiceWSRest/2.0/getListMailBoxPickingDates
//     -> {messages, mailBoxPickingDateMaxHour "08:00", validityTime, mailBoxPickingDates}: the
//        next kOfferedDays working days after today in France (Monday to Saturday, the postman's
//        round days, without French public holidays), each as epoch milliseconds of its local
//        midnight in Europe/Paris;
//   POST {prefix}/sls-ws/SlsServiceWSRest/2.0/planPickup
//     -> {messages}: plans the pickup of one parcel the sandbox sold (the sales ledger) on an
//        offered date; a second plan of the same parcel is refused.
// The caller (colissimo_sim.cpp) checks the credentials first, as for generateLabel (30000).
// Refusals are HTTP 400 with plain SLS JSON {"messages":[{id, type "ERROR", messageContent,
// replacementValues}]}. Ids: the sender checks reuse generateLabel's sender ids (30100 street,
// 30104 city, 30106/30107 postal code, 30109 country not served, 30043/30065 first/last name,
// 30045 email), 30327 parcel number missing, 30321 parcel number unknown to the sandbox; Colissimo
// publishes none for the two pickup refusals, so the sandbox uses its own: 30330 date not offered,
// 30331 parcel already planned.
// Thread-safe.

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/time_zone.hpp"
#include "gateway/http/message.hpp"
#include "tools/carrier-sim/sim.hpp"

namespace parcelgate::sim::colissimo {

inline constexpr std::string_view kPickingDatesOperation = "getListMailBoxPickingDates";
inline constexpr std::string_view kPlanPickupOperation = "planPickup";
inline constexpr int kOfferedDays = 5;
inline constexpr std::string_view kMaxPickingHour = "08:00";
inline constexpr int kDateNotOffered = 30330;
inline constexpr int kAlreadyPlanned = 30331;

// True for the French public holidays (jours fériés) of metropolitan France: 1 January, Easter
// Monday, 1 May, 8 May, Ascension, Whit Monday, 14 July, 15 August, 1 November, 11 November,
// 25 December.
bool french_public_holiday(std::chrono::year_month_day day) noexcept;
// The `count` working days (Monday to Saturday, not a public holiday) after `today`.
std::vector<std::chrono::year_month_day> next_pickup_days(std::chrono::year_month_day today,
                                                          int count);

class mailbox_pickups {
 public:
  explicit mailbox_pickups(sales_ledger& ledger);

  // Both take a body whose credentials were accepted, and the current instant.
  http::response picking_dates(const boost::json::object& root,
                               std::chrono::system_clock::time_point now) const;
  http::response plan(const boost::json::object& root, std::chrono::system_clock::time_point now);

 private:
  // The offered days as epoch milliseconds of their midnight in France.
  std::vector<std::int64_t> offered_ms(std::chrono::system_clock::time_point now) const;
  std::chrono::year_month_day today(std::chrono::system_clock::time_point now) const;
  std::int64_t midnight_ms(std::chrono::year_month_day day) const;

  sales_ledger& ledger_;
  std::optional<time_zone> paris_;  // UTC when the zone database is missing
  mutable std::mutex mutex_;
  std::map<std::string, std::string, std::less<>> planned_;  // parcel number -> date
};

}  // namespace parcelgate::sim::colissimo
