#pragma once
// The simulated ShipX dispatch orders (courier pickups), over the simulator's shipments:
//   POST   /v1/organizations/{org}/dispatch_orders   201 order in status `new`
//   GET    /v1/dispatch_orders/{id}                  the order; `new` turns `sent` after
//                                                    `send_after` or at its first read
//   DELETE /v1/dispatch_orders/{id}                  204 while new or sent (then `canceled`),
//                                                    else 400 invalid_action; 404 when unknown
// A booking names shipments that must exist, be of a courier service (inpost_courier_*), be
// confirmed (a label exists) and not be in another order that is not canceled; needs name,
// phone (9 digits) and an address {street, building_number, city, post_code NN-NNN,
// country_code PL} unless it names a dispatch_point_id; office_hours, when given, is
// "HH:MM-HH:MM". Refusals are ShipX's 400 validation_failed with details mirroring the request
// ({"shipments": [{"0": ["already_dispatched"]}]}).
// The caller (inpost_sim.cpp) has checked the token and the organization. Thread-safe.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/message.hpp"

namespace parcelgate::sim::inpost_dispatch {

using sys_clock = std::chrono::system_clock;

// What the dispatch orders need to know of one simulated shipment.
struct shipment_view {
  std::string service;          // "inpost_courier_standard"
  std::string status;           // its timeline status now ("created", "confirmed"...)
  std::string tracking_number;  // empty until confirmed
};

struct environment {
  // The shipment with this ShipX id, or nullopt. Called with the book's lock held, so it must not
  // call back into the book.
  std::function<std::optional<shipment_view>(std::string_view id)> find_shipment;
  // A time as ShipX writes it ("2026-12-02T10:28:00.000+01:00").
  std::function<std::string(sys_clock::time_point)> shipx_time;
  std::string api_host;  // for href: "https://api-shipx-pl.easypack24.net"
  std::chrono::milliseconds send_after{2000};
};

class dispatch_book {
 public:
  explicit dispatch_book(environment env);

  http::response create(std::string_view body);
  http::response read(std::string_view id);
  http::response cancel(std::string_view id);

 private:
  struct order {
    std::string id;
    std::string status;  // new, sent, canceled
    sys_clock::time_point created, updated;
    std::vector<std::string> shipments;
    std::string name, phone, email, office_hours, comment;
    std::string street, building_number, city, post_code, country_code, dispatch_point_id;
  };
  void advance(order& o, sys_clock::time_point now) const;
  std::string render(const order& o) const;

  environment env_;
  std::mutex mutex_;
  std::uint64_t next_id_;
  std::map<std::string, order, std::less<>> orders_;
};

}  // namespace parcelgate::sim::inpost_dispatch
