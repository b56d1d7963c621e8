#pragma once
// The carrier simulator's extension point: one `carrier_sim` per carrier, each serving the
// carrier's real wire format under its own path prefix ("/colissimo", "/mondialrelay").
// Latency, errors, timeouts and malformed bodies are injected by the simulator core around
// handle(), so a carrier sim only speaks its carrier's protocol faithfully.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/message.hpp"

namespace parcelgate::sim {

// Ledger of what the simulated carriers sold: what tests read at GET /_sim/stats to prove that
// nothing was bought twice. Thread-safe.
class sales_ledger {
 public:
  // Records one sold label. `reference` is the shipper's own reference as it arrived on the wire
  // (Colissimo sender.senderParcelRef, Mondial Relay NDossier).
  void record(std::string_view carrier, std::string_view reference,
              std::string_view tracking_number);
  // Counts one request that reached the carrier's endpoints (sold or not, faults included).
  void note_request(std::string_view carrier);
  std::uint64_t count(std::string_view carrier) const;
  // When `tracking_number` was sold by `carrier` (the first sale), nullopt if never: what the
  // simulated tracking services answer from.
  std::optional<std::chrono::system_clock::time_point> sold_at(
      std::string_view carrier, std::string_view tracking_number) const;
  // JSON: {"<carrier>": {"labels_sold": N, "duplicate_references": D, "requests": R,
  //         "sales": [{"reference", "tracking_number"}...]}, ...}
  std::string to_json() const;
  void reset();

 private:
  struct sale {
    std::string reference, tracking_number;
    std::chrono::system_clock::time_point at;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<sale>, std::less<>> sales_;
  std::map<std::string, std::uint64_t, std::less<>> requests_;
};

class carrier_sim {
 public:
  virtual ~carrier_sim() = default;
  virtual std::string_view prefix() const noexcept = 0;  // "/colissimo"
  // Serves one request whose path starts with prefix(). Thread-safe; may be called concurrently.
  virtual http::response handle(const http::request& request) = 0;
  // The carrier's own answer to `request` when it is temporarily unavailable, in its own wire
  // format: a refusal that proves nothing was sold.
  virtual http::response busy_answer(const http::request& request) const = 0;
  // Called about four times a second: a carrier that pushes its scans sends what happened since
  // the last call (InPost's webhooks). Thread-safe.
  virtual void tick() {}
};

// `public_base_url` is how clients reach the simulator ("https://127.0.0.1:9443"), for carriers
// that return absolute URLs.
std::unique_ptr<carrier_sim> make_colissimo_sim(sales_ledger& ledger, std::string public_base_url);
std::unique_ptr<carrier_sim> make_mondialrelay_sim(sales_ledger& ledger,
                                                   std::string public_base_url);
// InPost ShipX (tools/carrier-sim/inpost/inpost_sim.cpp), prefix "/inpost": asynchronous
// shipments (created -> confirmed after CARRIER_SIM_INPOST_CONFIRM_MS), labels, voids and tracking.
// With `pusher` set (CARRIER_SIM_PUSH_URL), each status a shipment reaches is also pushed as
// InPost's webhook (`shipment_confirmed`, `shipment_status_changed`) from tick().
class event_pusher;
std::unique_ptr<carrier_sim> make_inpost_sim(sales_ledger& ledger, event_pusher* pusher = nullptr);
// La Poste Suivi v2 (tools/carrier-sim/colissimo/laposte_suivi_sim.cpp), prefix "/laposte":
// tracks the Colissimo parcels of `ledger`, one more event every `stage_interval` after the sale.
std::unique_ptr<carrier_sim> make_laposte_suivi_sim(
    sales_ledger& ledger, std::chrono::milliseconds stage_interval = std::chrono::minutes{1});

}  // namespace parcelgate::sim
