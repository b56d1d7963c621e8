#pragma once
// Simulated scan timelines shared by the carrier simulators, and a generic pusher of JSON events.
//
// 1. Scenarios. Each carrier publishes a script per scenario: the scans a parcel shows, in
//    order, as that carrier writes them (its own event code and French text), where each scan
//    happens, and the normalized status the carrier's adapter maps it to (the unit tests check
//    every code against the adapters' real status maps). Scenarios: "delivered" (the default),
//    "absent_recipient", "refused", "held_at_point", "lost". A script has a home-delivery and a
//    pickup-point variant; a scenario without a variant for a parcel's delivery mode cannot be
//    scripted on that parcel (absent_recipient on a parcel sent to a pickup point).
//
// 2. The timeline book. One per simulator process, shared by every carrier sim. A carrier sim
//    opens a parcel's timeline when it sells the label; the book moves the parcel along its
//    scenario on a clock (one step every `step`; a step of 0 shows every step at once) or only
//    on demand (manual pace), and answers what the parcel has shown so far with the time of each
//    scan. A parcel found in the sales ledger but never opened (a sim built without a shared
//    book) is adopted on first look with the carrier's defaults. Control routes (the simulator's
//    main serves them through handle_control):
//      POST /_sim/advance   {"tracking_number", "steps": N | "to": "<code or status>"}
//      POST /_sim/timeline  {"tracking_number", "scenario", "step_seconds": S (0: manual only)}
//      GET  /_sim/timeline?tracking_number=...
//    Each answers the parcel's timeline as JSON (timeline_json), 404 for a number no carrier
//    sold, 400 for a body that is not JSON, 422 with field errors for bad input
//    (application/problem+json).
//    Defaults for new parcels come from the environment (defaults_from_environment):
//      CARRIER_SIM_SCENARIO, CARRIER_SIM_SCENARIO_<CARRIER>          scenario name
//      CARRIER_SIM_STEP_SECONDS, CARRIER_SIM_<CARRIER>_STEP_SECONDS  seconds per step, 0 = every
//                                                                    step at once, "manual"
//    (<CARRIER> upper case: COLISSIMO, MONDIALRELAY). Unset: "delivered", one step a minute.
//
// 3. The pusher (class event_pusher): POSTs JSON bodies to one configured URL, asynchronously,
//    retrying non-2xx answers and transport failures with a growing delay. For simulated carriers
//    that push tracking events to the gateway instead of being polled. See its comment.
//
// Thread-safe: the book and the pusher may be used from any thread.

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/message.hpp"
#include "tools/carrier-sim/sim.hpp"

namespace parcelgate::sim {

using sim_clock = std::chrono::system_clock;

// Where a scan happens; each carrier sim turns it into its own location fields.
enum class scan_place {
  origin,       // the sender's area (collection, first sorting)
  network,      // sorting hubs on the way
  destination,  // the recipient's area (delivery round)
  point,        // the pickup point or post office holding the parcel
  sender,       // back at the sender's address
};

struct scan_step {
  std::string_view code;    // the carrier's event code (Mondial Relay: the Libelle, its only code)
  std::string_view text;    // the carrier's own French text
  scan_place place;         //
  std::string_view status;  // the normalized status the carrier's adapter maps `code` to
};

enum class delivery_mode { home, point };
std::string_view to_string(delivery_mode m) noexcept;

inline constexpr std::string_view kDefaultScenario = "delivered";
// Every scenario name, in the order documented.
std::span<const std::string_view> scenario_names() noexcept;

// A carrier's scripts. `at_sale`: how many steps a parcel shows as soon as its label is sold
// (Colissimo: the declaration DR1; Mondial Relay: none).
struct carrier_scripts {
  std::string carrier;
  std::size_t at_sale = 0;
  struct script {
    std::string scenario;
    delivery_mode mode;
    std::vector<scan_step> steps;
  };
  std::vector<script> scripts;
  // The steps of `scenario` for `mode`; nullptr when the carrier has no such script.
  const std::vector<scan_step>* find(std::string_view scenario, delivery_mode mode) const;
};

// The built-in scripts of the simulated carriers ("colissimo": La Poste Suivi v2 event codes;
// "mondialrelay": WSI2_TracingColisDetaille libellés).
const carrier_scripts& colissimo_scripts();
const carrier_scripts& mondialrelay_scripts();

// What a carrier sim knows about a parcel when it sells it.
struct parcel_facts {
  delivery_mode mode = delivery_mode::home;
  std::string origin_city, destination_city;
  std::string point_id;       // the carrier's own point number ("020230"), pickup-point parcels
  std::string point_country;  // "FR"
};

// How a timeline moves by itself: one step every `step`, or only on demand when nullopt.
using pace = std::optional<std::chrono::milliseconds>;

struct timeline_defaults {
  std::string scenario = std::string(kDefaultScenario);
  pace step = std::chrono::minutes{1};
};

// A parcel's timeline at one moment.
struct timeline_view {
  std::string carrier, tracking_number, scenario;
  parcel_facts facts;
  pace step;
  std::vector<scan_step> steps;              // the whole script
  std::vector<sim_clock::time_point> times;  // when each step reached so far happened
  std::size_t reached() const noexcept { return times.size(); }
  bool at_end() const noexcept { return times.size() == steps.size(); }
  // The latest step shown, nullptr before the first one.
  const scan_step* current() const noexcept {
    return times.empty() ? nullptr : &steps[times.size() - 1];
  }
};

// The control routes' JSON: {"carrier", "tracking_number", "scenario", "delivery", "step_seconds"
// (null when manual), "reached", "total", "at_end", "current": step|null, "next": step|null,
// "steps": [{"index", "code", "text", "status", "place", "reached", "at"?}]} with "at" in UTC.
std::string timeline_json(const timeline_view& v);

// Reads the defaults of `carrier` from the environment (see the header comment); `fallback`
// where nothing is set. Problems (unknown scenario, bad number) are appended to `problems`.
timeline_defaults defaults_from_environment(std::string_view carrier, timeline_defaults fallback,
                                            std::vector<std::string>* problems = nullptr);

class timeline_book {
 public:
  explicit timeline_book(sales_ledger& ledger);

  // Registers a carrier's scripts and the defaults of its new parcels (replaces earlier ones).
  void add_carrier(carrier_scripts scripts, timeline_defaults defaults);
  void set_defaults(std::string_view carrier, timeline_defaults defaults);
  bool knows_carrier(std::string_view carrier) const;

  // A sale: the parcel starts its carrier's default scenario at `sold_at`.
  void open(std::string_view carrier, std::string_view tracking_number, parcel_facts facts,
            sim_clock::time_point sold_at);
  // The timeline at `now`, steps due by then included. A parcel the ledger says `carrier` sold
  // but that was never opened is adopted with `facts_if_new`. nullopt: never sold.
  std::optional<timeline_view> view(std::string_view carrier, std::string_view tracking_number,
                                    sim_clock::time_point now,
                                    const parcel_facts& facts_if_new = {});

  struct control_error {
    int status;  // 404, 409, 422
    std::string field, message;
  };
  template <class T>
  struct outcome {
    std::optional<T> value;
    std::optional<control_error> error;
  };
  // Moves the parcel `steps` steps forward (stops at the end), at `now`.
  outcome<timeline_view> advance(std::string_view tracking_number, std::size_t steps,
                                 sim_clock::time_point now);
  // Moves it forward to the next step whose code or status is `to` (case-insensitive); when the
  // latest step shown already matches, nothing moves. 422 when no step ahead matches.
  outcome<timeline_view> advance_to(std::string_view tracking_number, std::string_view to,
                                    sim_clock::time_point now);
  // Scripts `scenario` on the parcel from `now` with `step` (nullopt: manual only). The steps
  // already shown stay; they must be the first steps of the new scenario (409 otherwise).
  outcome<timeline_view> script(std::string_view tracking_number, std::string_view scenario,
                                pace step, sim_clock::time_point now);

  // Serves POST /_sim/advance, POST|GET /_sim/timeline; nullopt for any other path.
  std::optional<http::response> handle_control(const http::request& request);

  void reset();  // forgets every timeline (with /_sim/reset)

 private:
  struct parcel {
    std::string carrier, scenario;
    parcel_facts facts;
    pace step;
    const std::vector<scan_step>* steps = nullptr;
    std::vector<sim_clock::time_point> times;
    sim_clock::time_point anchor;  // the clock counts the next step from here
  };
  parcel* find_locked(std::string_view tracking_number, sim_clock::time_point now);
  parcel* adopt_locked(std::string_view carrier, std::string_view tracking_number,
                       sim_clock::time_point sold_at, parcel_facts facts);
  static void catch_up(parcel& p, sim_clock::time_point now);
  timeline_view view_of(const std::string& tracking_number, const parcel& p) const;
  const std::vector<scan_step>* script_for(std::string_view carrier, std::string_view scenario,
                                           delivery_mode mode) const;

  sales_ledger& ledger_;
  mutable std::mutex mutex_;
  std::map<std::string, carrier_scripts, std::less<>> carriers_;
  std::map<std::string, timeline_defaults, std::less<>> defaults_;
  std::map<std::string, parcel, std::less<>> parcels_;
};

// Carrier sims that open their parcels' timelines in a shared book (the server's). The factories
// of sim.hpp without a book keep one of their own, built from the environment's defaults.
std::unique_ptr<carrier_sim> make_colissimo_sim(sales_ledger& ledger, std::string public_base_url,
                                                timeline_book& book);
std::unique_ptr<carrier_sim> make_laposte_suivi_sim(sales_ledger& ledger, timeline_book& book);
std::unique_ptr<carrier_sim> make_mondialrelay_sim(sales_ledger& ledger,
                                                   std::string public_base_url,
                                                   timeline_book& book);

// ---- pushing -----------------------------------------------------------------------------------

// Where and how event_pusher delivers.
struct push_options {
  std::string url;       // "http://127.0.0.1:8080/v1/carriers/inpost/events" or https://...
  std::string token;     // sent as "Authorization: Bearer <token>" when not empty
  std::string ca_file;   // extra PEM trust anchor for https (the dev CA); system store always used
  int max_attempts = 6;  // first try included
  std::chrono::milliseconds first_delay{250};  // before the 2nd attempt, doubled each time
  std::chrono::milliseconds max_delay{8000};
  std::chrono::milliseconds attempt_timeout{5000};  // connect + TLS + write + read, per attempt

  // CARRIER_SIM_PUSH_URL, CARRIER_SIM_PUSH_TOKEN, CARRIER_SIM_PUSH_CA_FILE. url is empty when
  // CARRIER_SIM_PUSH_URL is unset (pushing disabled).
  static push_options from_environment();
};

struct push_result {
  bool delivered = false;  // a 2xx answer arrived
  int attempts = 0;
  int status = 0;     // the last HTTP status, 0 when no answer arrived
  std::string error;  // why the last attempt failed, empty when delivered
};

// Asynchronous POSTs of JSON bodies to push_options::url over http or https (certificate and host
// name verified), one connection per attempt. push() returns at once; the delivery runs on the
// executor given at construction: attempts until a 2xx answer or max_attempts, with
// first_delay, 2x, 4x... (capped at max_delay) between them. Each push is independent (no order
// between two pushes). `done` (optional) is called on the executor with the final result.
// Destroying the pusher does not cancel deliveries in flight; they end with their io_context.
//
//   sim::event_pusher pusher(io.get_executor(), sim::push_options::from_environment());
//   if (pusher.enabled()) pusher.push(R"({"event":"shipment_status_changed",...})");
class event_pusher {
 public:
  event_pusher(boost::asio::any_io_executor executor, push_options options);
  ~event_pusher();
  bool enabled() const noexcept;  // a URL is configured
  // Queues one POST of `json_body` with Content-Type application/json and the extra `headers`
  // (a carrier's signature header, say). Without a URL it calls `done` with an error at once.
  void push(std::string json_body, http::headers headers = {},
            std::function<void(const push_result&)> done = {});
  struct stats {
    std::uint64_t delivered = 0, failed = 0, attempts = 0, in_flight = 0;
  };
  stats counts() const;

  struct state;  // implementation (timeline.cpp)

 private:
  std::shared_ptr<state> state_;
};

}  // namespace parcelgate::sim
