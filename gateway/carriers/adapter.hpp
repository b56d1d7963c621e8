#pragma once
// The contract between the core and one carrier or collection-point network.
//
// An adapter is pure translation: it turns normalized requests into carrier HTTP requests and
// carrier HTTP responses into normalized results. It never opens sockets, reads YAML or touches
// the store; the core's HTTP client (reached through `call`) owns timeouts, TLS, pooling and
// metrics. Adapters include only this header and gateway/domain/*.
//
// Thread-safety: after configure() an adapter is immutable and its operations may run
// concurrently from several I/O threads.

#include <boost/asio/awaitable.hpp>

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"
#include "gateway/domain/tracking.hpp"
#include "gateway/http/message.hpp"

namespace parcelgate::carriers {

template <class T>
using task = boost::asio::awaitable<T>;

using http_header = http::header;

struct outbound_response {
  int status = 0;
  std::vector<http_header> headers;
  std::string body;

  // Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const noexcept;
};

// How the core repeats an idempotent request that did not give the expected answer, so that
// adapters hold no timers and their tests never sleep. The core (carriers::carrier_call) makes
// at most `attempts` exchanges, waits delay_before(n) before exchange n, never starts a wait
// that would end past the operation's deadline, records each exchange as its own carrier call in
// metrics, and returns the last outcome, which the adapter interprets as usual. A request that is
// not idempotent is sent once whatever its policy says.
struct retry_policy {
  int attempts = 1;  // exchanges in all, the first included; 1 = never retried
  std::vector<std::chrono::milliseconds>
      backoff;  // waits before the 2nd, 3rd... exchange; the last repeats
  // What a final answer looks like: this status (0 = any status) and a body starting with this
  // prefix (empty = any body), e.g. 200 and "%PDF-" for a label download. Other answers retry.
  int expect_status = 200;
  std::string expect_body_prefix;
  // Transport failures (timeout, unavailable, bad_gateway) retry too; invalid_request (a URL the
  // client cannot use) never does, as it fails the same way every time.
  bool retry_transport_failures = true;

  // True when `outcome` is not final, so another exchange may follow (attempts and deadline
  // permitting). Pure: the core and test doubles of `call` share it.
  bool retries(const result<outbound_response>& outcome) const noexcept;
  // The wait before exchange `exchange` (2 for the first retry); zero without backoff.
  std::chrono::milliseconds delay_before(int exchange) const noexcept;
};

struct outbound_request {
  std::string method = "POST";
  std::string url;                   // absolute: scheme://host[:port]/path?query
  std::vector<http_header> headers;  // Host, Content-Length and User-Agent are added by the core
  std::string body;
  // True when repeating the request cannot buy anything twice (queries, label downloads).
  // Purchases leave it false: the core then never resends once a byte may have reached the carrier.
  bool idempotent = false;
  std::string operation;  // metrics label: "create_label", "fetch_label"...
  retry_policy retry;     // used only when idempotent (see retry_policy)

  // The number of exchanges the core may make for this request: retry.attempts (at least 1)
  // when idempotent, else 1.
  int max_exchanges() const noexcept;
};

// What the core lends an adapter for one operation.
class call {
 public:
  virtual ~call() = default;
  // Sends one request within the operation's deadline, repeating it as its retry_policy says
  // when it is idempotent (the result is that of the last exchange). Any HTTP status is a success
  // here (the adapter interprets it); transport failures come back as error_kind::timeout (deadline
  // passed) or error_kind::unavailable (refused, reset, TLS failure, circuit open). Failures that
  // happen before a byte of the request was sent (circuit open, no free connection, name
  // resolution, connect or TLS handshake failed) are marked sale_outcome::not_sold; any failure
  // after that keeps sale_outcome::unknown.
  virtual task<result<outbound_response>> send(outbound_request request) = 0;
};

// One configuration key an adapter reads from `carriers.<id>` in the config file.
struct setting_spec {
  std::string key;
  bool required = false;
  std::string default_value;
  bool secret = false;  // never logged, never shown by --check-config
  std::string description;
};

// Validated key -> value map for one carrier (defaults applied, ${VAR} already substituted).
using carrier_settings = std::map<std::string, std::string, std::less<>>;

struct capabilities {
  bool labels = true;
  // How a label is voided: "carrier" (an API call), "local" (the carrier bills only scanned
  // parcels, so voiding is recorded by the gateway alone) or "none".
  std::string cancel = "none";
  std::string cancel_note;
  bool pickups = false;
  // How a booked pickup is cancelled: "carrier" (an API call) or "none"; a note says why.
  std::string pickup_cancel = "none";
  // The shortest window the carrier accepts (minutes; 0 = it sets its own window) and how many
  // days ahead a pickup may be booked.
  int pickup_min_window_min = 0;
  int pickup_max_days_ahead = 0;
  bool tracking_poll = false;
  bool tracking_push = false;
  bool points = false;
  bool returns = false;
  bool labelless_returns = false;
  std::vector<service_level> services;
  std::vector<label_format> label_formats;
  std::vector<label_size> label_sizes;
  std::vector<std::string> destination_countries;  // empty = not restricted by the adapter
  // Parcels one shipment (one label purchase) may hold with the normalized services; a note
  // says when a forced carrier_service allows more.
  int max_parcels = 1;
  std::string max_parcels_note;
  // Polling (tracking_poll): tracking numbers per request and the carrier's published request
  // rate (0: none published); the core's scheduler keeps below both.
  int tracking_batch = 1;
  double tracking_requests_per_s = 0;
};

// One scan of a parcel, normalized (DESIGN §6). The carrier's own code and text are kept as
// published, so that a later, better status map can re-read them.
struct tracking_event {
  std::string tracking_number;
  tracking_status status = tracking_status::unknown;  // from the adapter's status_map
  std::string carrier_code;                           // "DIMOVL", "82", "adopted_at_sorting_center"
  std::string carrier_text{};                         // the carrier's label, its own language
  std::string occurred_at{};  // RFC 3339 UTC, converted from the carrier's local time
  std::string location{};     // site or city as the carrier names it
  std::string postal_code{};
  std::string country{};   // ISO 3166-1 alpha-2 when given
  std::string point_id{};  // "mondialrelay:FR:020230" when it happened at a collection point
};

// What one poll of up to caps().tracking_batch numbers gives. A number the carrier does not know
// (yet) is a miss with its reason, not a failure of the whole batch.
struct tracking_miss {
  std::string tracking_number;
  error why{};  // not_found: not known (yet); rate_limited, invalid_request...
};
struct tracking_batch {
  std::vector<tracking_event> events;  // oldest first per tracking number
  std::vector<tracking_miss> misses;
};

// A carrier's push (webhook) as it reached POST /v1/carriers/{carrier}/events, unchanged: the
// raw body and headers, so that a carrier's own signature can be checked over the exact bytes.
struct inbound_push {
  std::vector<http_header> headers;
  std::string body;
  std::string query;  // the request's query string without '?', possibly empty

  // Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const noexcept;
};

// How a push proved where it comes from.
enum class push_auth {
  no_scheme,  // the carrier publishes no scheme: the core requires the carrier's push_token
  verified,   // the carrier's own scheme (a signature over the body...) checked out
  refused,    // the carrier's own scheme is present and does not check out
};

// What one push says. A push may carry no scan at all (a confirmation of an asynchronous
// label, an endpoint check): then `events` is empty and the push is still acknowledged.
struct push_batch {
  std::vector<tracking_event> events;
  std::string kind{};  // the carrier's event name, for logs and metrics ("shipment_status_changed")
};

// Collection points (caps().points): relay shops, post offices and lockers where parcels are
// handed in and collected.
enum class point_type { shop, locker, post_office };
std::string_view to_string(point_type t) noexcept;  // "shop", "locker", "post_office"
std::optional<point_type> parse_point_type(std::string_view s) noexcept;

// Where to look. The core always sets `country` and either `postal_code` (with `city` when
// known) or latitude/longitude (or both); an adapter sends what its carrier takes.
struct point_query {
  std::string country;  // ISO 3166-1 alpha-2
  std::string postal_code{};
  std::string city{};
  std::optional<double> latitude{};  // WGS 84 degrees
  std::optional<double> longitude{};
  int radius_m = 10'000;        // the carrier's own search radius, where it takes one
  int limit = 20;               // points wanted at most (the carrier's own cap may be lower)
  int weight_g = 0;             // the points must accept a parcel this heavy; 0 = any
  std::string shipping_date{};  // YYYY-MM-DD, the carrier's local date, for carriers that ask
  std::string language = "FR";  // ISO 639-1, upper case
};

// One opening interval, local time of the point: "09:00" to "12:30". A point open all day has
// "00:00" to "24:00".
struct opening_interval {
  std::string opens;
  std::string closes;
  friend bool operator==(const opening_interval&, const opening_interval&) = default;
};

// One point, normalized. Strings are trimmed of the carrier's padding; coordinates use a dot.
struct collection_point {
  std::string id;         // "<carrier>:<country>:<carrier's own id>": "mondialrelay:FR:020230"
  std::string native_id;  // the carrier's own id, as it names it in shipments: "020230"
  std::string name;
  point_type type = point_type::shop;
  std::string line1{};
  std::string line2{};
  std::string postal_code{};
  std::string city{};
  std::string country{};
  double latitude = 0;
  double longitude = 0;
  // Metres from the place asked for, as the carrier computed it; -1 when it does not say.
  int distance_m = -1;
  std::array<std::vector<opening_interval>, 7> opening_hours{};  // Monday first; empty = closed
  int max_weight_g = 0;  // heaviest parcel accepted; 0 = not said
  bool wheelchair_access = false;
  std::string description{};  // where to find it ("in the shopping centre, level 0")
};

// Carrier pickups (caps().pickups): the carrier comes to the sender's address for parcels it
// sold. Dates and times are the carrier's local ones.
struct pickup_parcel {
  std::string tracking_number;      // the carrier's parcel number
  std::string carrier_reference{};  // label_result::carrier_reference (InPost's shipment id)
  int weight_g = 0;
};

struct pickup_request {
  std::string pickup_id;    // our id (pck_...), sent as a reference where the carrier takes one
  address at;               // where the driver comes; name and phone are the contact
  std::string date;         // YYYY-MM-DD
  std::string window_from;  // "09:00"; empty = the carrier's own slot for the date
  std::string window_to;    // "12:00"
  std::vector<pickup_parcel> parcels;  // the shipments to take; may be empty with parcel_count
  int parcel_count = 0;                // parcels when `parcels` is empty
  std::string instructions{};          // for the driver ("gate code 4711")
};

// One date (and window) the carrier can come, as it offers them.
struct pickup_slot {
  std::string date;           // YYYY-MM-DD
  std::string window_from{};  // "HH:MM", empty when the carrier gives no time
  std::string window_to{};
  std::string book_before{};  // RFC 3339 UTC: the latest instant to book this slot, if said
};

struct pickup_confirmation {
  std::string confirmation;  // the carrier's number for the pickup (for cancelling too)
  std::string date;          // as booked
  std::string window_from{};
  std::string window_to{};
  std::string carrier_status{};  // the carrier's own status word, when it gives one
};

// What an adapter needs to cancel a booked pickup.
struct pickup_ref {
  std::string pickup_id;
  std::string confirmation;
  std::string date;
  std::vector<pickup_parcel> parcels{};
};

class carrier_adapter {
 public:
  virtual ~carrier_adapter() = default;

  virtual std::string_view id() const noexcept = 0;            // "colissimo"
  virtual std::string_view display_name() const noexcept = 0;  // "Colissimo (La Poste)"
  virtual std::vector<setting_spec> settings_schema() const = 0;
  // Checks the values (formats, URLs) and keeps them; each problem names the key in `field`.
  virtual std::vector<field_error> configure(const carrier_settings& settings) = 0;
  virtual capabilities caps() const = 0;

  // Carrier-specific checks of an already generically valid request, before any network call:
  // service/product, label format and size, countries, weight and size limits, point id format.
  // Field paths are those of OUR API request ("parcels[0].weight_g", "label.format").
  virtual std::vector<field_error> validate(const shipment_request& request) const = 0;

  // Buys a label. A failure must say what it proves about the sale (error::sale): not_sold only
  // for the adapter's own refusals before sending, the carrier's own error format naming a
  // refusal, or a not_sold failure of call::send; everything else stays unknown, and the core
  // then keeps the Idempotency-Key and records the shipment as pending_confirmation.
  virtual task<result<label_result>> create_label(const shipment_request& request, call& c) = 0;

  // Voids a label. Adapters whose caps().cancel is "local" succeed without a network call.
  virtual task<result<void>> cancel_label(const shipment_ref& shipment, call& c) = 0;
  // Polls the events of up to caps().tracking_batch tracking numbers (idempotent queries, retried
  // by the core as their retry_policy says). A failure of the whole request (our credentials
  // refused, rate limited, carrier down, unreadable answer) is an error; a number the carrier
  // does not know (yet) is a miss. Adapters without caps().tracking_poll keep this default, which
  // answers `unsupported`.
  virtual task<result<tracking_batch>> track(const std::vector<std::string>& tracking_numbers,
                                             call& c);

  // Pushes (caps().tracking_push). The core receives the request, checks authentication, records
  // the raw push durably, answers the carrier, and only later parses and applies it, so both
  // functions are pure and cheap. verify_push checks the carrier's own published scheme; adapters
  // whose carrier publishes none keep the default (no_scheme) and declare a secret `push_token`
  // setting, which the core then requires (`?token=` or `Authorization: Bearer`, compared in
  // constant time). parse_push turns one recorded push into normalized events; a body it cannot
  // read is invalid_request with the offending field. The defaults answer `unsupported`.
  virtual push_auth verify_push(const inbound_push& push) const;
  virtual result<push_batch> parse_push(const inbound_push& push) const;

  // Pickups (caps().pickups). pickup_slots lists when the carrier can come to `at` (an
  // idempotent query; carriers without a dates service answer `unsupported` and the core checks
  // the request against the adapter's own rules in book_pickup). book_pickup books one pickup: a
  // failure says what it proves, as create_label's does (a booking may be billed). cancel_pickup
  // cancels it; carriers that cannot cancel answer `unsupported`. The defaults answer
  // `unsupported`.
  virtual task<result<std::vector<pickup_slot>>> pickup_slots(const address& at,
                                                              std::string_view from_date, call& c);
  virtual task<result<pickup_confirmation>> book_pickup(const pickup_request& request, call& c);
  virtual task<result<void>> cancel_pickup(const pickup_ref& pickup, call& c);

  // Points (caps().points), idempotent queries. find_points answers the carrier's points near
  // the place asked for (nearest first when the carrier sorts them); "no point there" is an empty
  // list, not an error. find_point answers one point by the carrier's own id in `country`, or
  // not_found. The defaults answer `unsupported`.
  virtual task<result<std::vector<collection_point>>> find_points(const point_query& query,
                                                                  call& c);
  virtual task<result<collection_point>> find_point(std::string_view country,
                                                    std::string_view native_id, call& c);
};

using adapter_factory = std::unique_ptr<carrier_adapter> (*)();

}  // namespace parcelgate::carriers
