#include "gateway/domain/shipping.hpp"

#include <algorithm>

#include "gateway/carriers/registry.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/return_code.hpp"
#include "gateway/domain/shipment_json.hpp"
#include "gateway/tariffs/contract_choice.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate {

namespace {

// Only a failure that proves the carrier sold nothing frees the key for a retry (DESIGN §2.2):
// everything else, whatever its kind, may have bought a label.
bool nothing_was_bought(const error& e) {
  return e.sale == sale_outcome::not_sold;
}

// Records how long one durable purchase write took, from its request to its commit
// (parcelgate_store_durable_write_seconds{operation}).
class write_timer {
 public:
  write_timer(telemetry::metrics& metrics, const char* operation)
      : metrics_(metrics), operation_(operation), started_(std::chrono::steady_clock::now()) {}
  ~write_timer() {
    metrics_.observe_durable_write(
        operation_,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  }
  write_timer(const write_timer&) = delete;
  write_timer& operator=(const write_timer&) = delete;

 private:
  telemetry::metrics& metrics_;
  const char* operation_;
  std::chrono::steady_clock::time_point started_;
};

// The section of a field path: "parcels" for "parcels[0].weight_g", "to" for "to.phone".
std::string_view section(std::string_view field) noexcept {
  return field.substr(0, field.find_first_of(".["));
}

bool offers(const carriers::capabilities& caps, service_level service) {
  return std::find(caps.services.begin(), caps.services.end(), service) != caps.services.end();
}

std::string service_list(const carriers::capabilities& caps) {
  std::string out;
  for (auto s : caps.services) out += (out.empty() ? "" : ", ") + std::string(to_string(s));
  return out;
}

}  // namespace

std::expected<purchase_command, std::vector<field_error>> shipping_service::prepare(
    purchase_order order, const tariffs::tariff_set* tariffs) const {
  auto& input = order.input;
  auto& errors = input.errors;
  const bool automatic = input.carrier == "auto";
  if (automatic && !tariffs)
    errors.push_back(
        {.field = "carrier",
         .message =
             "automatic carrier selection needs negotiated tariffs, which this gateway has not "
             "loaded; name a carrier"});
  const carriers::configured_carrier* carrier = automatic ? nullptr : carriers_.find(input.carrier);
  auto reported = [&](std::string_view field) {
    return std::any_of(errors.begin(), errors.end(),
                       [&](const field_error& e) { return section(e.field) == section(field); });
  };
  auto labelless_carriers = [&] {
    std::string list;
    for (const auto& c : carriers_.all())
      if (c.adapter->caps().labelless_returns)
        list += (list.empty() ? "" : ", ") + std::string(c.adapter->id());
    return list.empty() ? std::string("no configured carrier does") : "those that do: " + list;
  };
  if (carrier && !reported("service")) {
    const auto caps = carrier->adapter->caps();
    if (!offers(caps, input.request.service)) {
      errors.push_back({.field = "service",
                        .message = input.carrier + " does not offer " +
                                   std::string(to_string(input.request.service)) +
                                   " (offers: " + service_list(caps) + ")"});
    } else {
      // The carrier's own rules run even when generic checks failed, so every problem comes back
      // in one answer; a section (to, parcels, label...) that already failed a generic check is
      // left out, since carrier rules about half-read data would only echo that failure.
      const auto generic = errors.size();
      for (auto& fe : carrier->adapter->validate(input.request)) {
        const bool echo = std::any_of(
            errors.begin(), errors.begin() + static_cast<std::ptrdiff_t>(generic),
            [&](const field_error& e) { return section(e.field) == section(fe.field); });
        if (!echo) errors.push_back(std::move(fe));
      }
    }
    if (input.labelless && !caps.labelless_returns && !reported("label"))
      errors.push_back({.field = "label.mode",
                        .message = input.carrier + " does not take label-less returns (" +
                                   labelless_carriers() + ")"});
  } else if (!automatic && !carrier && !reported("carrier")) {
    errors.push_back({.field = "carrier", .message = "unknown carrier"});
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));

  // The contract that carries the shipment: the tariffs' best among the carriers that accept it
  // for carrier auto, the named carrier's cheapest otherwise (none when no contract prices it).
  std::optional<shipment_rate> rate;
  std::string no_rate = "no negotiated tariffs are loaded (the gateway has no tariffs: folder)";
  if (tariffs) {
    auto q = tariffs::quote_request_for(input.request);
    q.tenant = order.tenant;
    if (automatic) {
      for (const auto& c : carriers_.all())
        if (offers(c.adapter->caps(), input.request.service) &&
            (!input.labelless || c.adapter->caps().labelless_returns) &&
            c.adapter->validate(input.request).empty())
          q.carriers.emplace_back(c.adapter->id());
      if (q.carriers.empty())
        return std::unexpected(std::vector<field_error>{
            {.field = "carrier",
             .message = "no configured carrier offers " +
                        std::string(to_string(input.request.service)) + " for this shipment"}});
    } else {
      q.carriers.push_back(input.carrier);
    }
    const auto how = automatic && input.selection == "fastest" ? tariffs::selection::fastest
                                                               : tariffs::selection::cheapest;
    auto choice = tariffs::choose_contract(*tariffs, q, how,
                                           automatic ? "a configured carrier" : input.carrier);
    if (automatic) {
      if (!choice.best)
        return std::unexpected(
            std::vector<field_error>{{.field = "carrier", .message = choice.why_none}});
      input.carrier = choice.best->carrier;
      carrier = carriers_.find(input.carrier);
    }
    if (choice.best)
      rate = shipment_rate{.amount = choice.best->total,
                           .currency = choice.best->currency,
                           .contract = choice.best->contract};
    else
      no_rate = std::move(choice.why_none);
  }
  return purchase_command{.tenant = std::move(order.tenant),
                          .idempotency_key = std::move(order.idempotency_key),
                          .request_hash = std::move(order.request_hash),
                          .input = std::move(input),
                          .carrier = carrier,
                          .rate = rate,
                          .rate_unavailable_reason = rate ? std::string() : std::move(no_rate)};
}

task<purchase_outcome> shipping_service::purchase(purchase_command cmd, std::string request_id) {
  using kind = purchase_outcome::kind;
  const auto* carrier = cmd.carrier;
  auto& req = cmd.input.request;
  const auto now = std::chrono::system_clock::now();
  req.shipment_id = cmd.shipment_id.empty() ? new_id("shp") : cmd.shipment_id;

  store::shipment_row row{.id = req.shipment_id,
                          .tenant = cmd.tenant,
                          .status = "purchasing",
                          .carrier = cmd.input.carrier,
                          .service = std::string(to_string(req.service)),
                          .carrier_service = req.carrier_service,
                          .tracking_number = {},
                          .reference = req.reference,
                          .direction = std::string(to_string(req.dir)),
                          .idempotency_key = cmd.idempotency_key,
                          .body = {},
                          .created_at = cmd.created_at.empty() ? rfc3339(now) : cmd.created_at,
                          .updated_at = rfc3339(now)};
  shipment_view view{.id = row.id,
                     .tenant = row.tenant,
                     .status = row.status,
                     .carrier = row.carrier,
                     .carrier_service = req.carrier_service,
                     .tracking_number = {},
                     .tracking_url = {},
                     .pickup_point_id = cmd.input.pickup_point_id,
                     .carrier_reference = {},
                     .request = &req,
                     .has_label = false,
                     .created_at = row.created_at,
                     .updated_at = row.updated_at,
                     .rate = cmd.rate,
                     .rate_unavailable_reason = cmd.rate_unavailable_reason,
                     .return_code = cmd.return_code};
  row.body = render_shipment(view);

  result<store::claim> claimed = store::claim{};
  {
    const write_timer timer(metrics_, "claim");
    claimed = co_await db_.claim_purchase(cmd.request_hash, row, row.updated_at);
  }
  if (!claimed) {
    telemetry::log_error("idempotency claim failed",
                         {{"request_id", request_id}, {"cause", claimed.error().carrier_message}});
    co_return purchase_outcome{.what = kind::failed, .cause = std::move(claimed.error())};
  }
  switch (claimed->result) {
    case store::claim::outcome::replay:
      co_return purchase_outcome{
          .what = kind::replayed,
          .answer = {.status = claimed->status, .body = std::move(claimed->body)}};
    case store::claim::outcome::in_progress:
      co_return purchase_outcome{.what = kind::in_progress};
    case store::claim::outcome::mismatch:
      co_return purchase_outcome{.what = kind::key_reused};
    case store::claim::outcome::claimed:
      break;
  }

  // The key and the purchase in flight are on disk: the carrier may be called now.
  carriers::carrier_call call(client_, metrics_, carrier->adapter->id(),
                              std::chrono::steady_clock::now() + carrier->timeout);
  const auto started = std::chrono::steady_clock::now();
  auto bought = co_await carrier->adapter->create_label(req, call);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.observe_carrier_operation(carrier->adapter->id(), "purchase",
                                     bought ? "ok" : to_string(bought.error().kind), seconds);

  if (!bought) {
    error e = std::move(bought.error());
    if (e.carrier.empty()) e.carrier = std::string(carrier->adapter->id());
    if (nothing_was_bought(e)) {
      result<void> abandoned;
      {
        const write_timer timer(metrics_, "abandon");
        abandoned = co_await db_.abandon_purchase(row.tenant, row.idempotency_key, row.id);
      }
      if (!abandoned)
        telemetry::log_error(
            "abandon purchase failed",
            {{"shipment_id", row.id}, {"cause", abandoned.error().carrier_message}});
      telemetry::log_info("label purchase refused", {{"request_id", request_id},
                                                     {"carrier", e.carrier},
                                                     {"kind", to_string(e.kind)},
                                                     {"carrier_code", e.carrier_code}});
      co_return purchase_outcome{.what = kind::refused, .cause = std::move(e)};
    }
    co_return co_await finish_unknown(std::move(row), std::move(e), std::move(request_id));
  }

  auto& label = *bought;
  const auto done = std::chrono::system_clock::now();
  row.status = "label_created";
  row.tracking_number = label.tracking_number;
  row.carrier_service = label.carrier_service;
  if (label.size) req.size = *label.size;  // the shipment states the page that was printed
  row.updated_at = rfc3339(done);
  view.status = row.status;
  view.carrier_service = row.carrier_service;
  view.tracking_number = label.tracking_number;
  view.tracking_url = label.tracking_url;
  view.carrier_reference = label.carrier_reference;
  view.has_label = true;
  view.updated_at = row.updated_at;
  row.body = render_shipment(view);
  store::stored_label stored{.format = std::string(to_string(label.format)),
                             .content_type = std::string(content_type(label.format)),
                             .bytes = std::move(label.label),
                             .shipment_status = {}};
  const auto answer = answers_.created(row.body);
  result<void> saved;
  {
    const write_timer timer(metrics_, "complete");
    saved = co_await db_.complete_purchase(row, stored, answer.status, answer.body);
  }
  if (!saved) {
    // The carrier sold a label that could not be recorded yet. The purchase stays in flight
    // (its key answers 409) and the label is written again until the store takes it.
    telemetry::log_error("label bought but not stored yet; retrying",
                         {{"request_id", request_id},
                          {"shipment_id", row.id},
                          {"carrier", row.carrier},
                          {"tracking_number", row.tracking_number},
                          {"cause", saved.error().carrier_message}});
    keep_unrecorded(
        {.row = row, .label = std::move(stored), .status = answer.status, .body = answer.body});
    co_return purchase_outcome{.what = kind::failed, .cause = std::move(saved.error())};
  }
  cache_.put(row.id, row.tenant, row.body);
  cache_.forget_view(row.tracking_number);  // a number a former shipment used is shared now
  co_return purchase_outcome{
      .what = kind::created, .shipment_id = row.id, .body = std::move(row.body)};
}

task<purchase_outcome> shipping_service::issue_labelless(purchase_command cmd) {
  using kind = purchase_outcome::kind;
  auto& req = cmd.input.request;
  req.shipment_id = new_id("shp");
  const auto created = now_rfc3339();
  store::shipment_row row{.id = req.shipment_id,
                          .tenant = cmd.tenant,
                          .status = "awaiting_dropoff",
                          .carrier = cmd.input.carrier,
                          .service = std::string(to_string(req.service)),
                          .carrier_service = req.carrier_service,
                          .tracking_number = {},
                          .reference = req.reference,
                          .direction = std::string(to_string(req.dir)),
                          .idempotency_key = cmd.idempotency_key,
                          .body = {},
                          .created_at = created,
                          .updated_at = created};
  // 50 random bits: a code drawn twice is all but impossible; the store refuses it if it happens,
  // and another is drawn.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string code = new_return_code();
    const shipment_view view{.id = row.id,
                             .tenant = row.tenant,
                             .status = row.status,
                             .carrier = row.carrier,
                             .carrier_service = req.carrier_service,
                             .tracking_number = {},
                             .tracking_url = {},
                             .pickup_point_id = cmd.input.pickup_point_id,
                             .carrier_reference = {},
                             .request = &req,
                             .has_label = false,
                             .created_at = row.created_at,
                             .updated_at = row.updated_at,
                             .rate = cmd.rate,
                             .rate_unavailable_reason = cmd.rate_unavailable_reason,
                             .return_code = format_return_code(code)};
    row.body = render_shipment(view);
    const auto answer = answers_.created(row.body);
    result<store::claim> claimed = store::claim{};
    {
      const write_timer timer(metrics_, "issue");
      claimed = co_await db_.create_labelless(cmd.request_hash, row, code, cmd.input.canonical_json,
                                              answer.status, answer.body);
    }
    if (!claimed && claimed.error().kind == error_kind::conflict) continue;
    if (!claimed)
      co_return purchase_outcome{.what = kind::failed, .cause = std::move(claimed.error())};
    switch (claimed->result) {
      case store::claim::outcome::replay:
        co_return purchase_outcome{
            .what = kind::replayed,
            .answer = {.status = claimed->status, .body = std::move(claimed->body)}};
      case store::claim::outcome::in_progress:
        co_return purchase_outcome{.what = kind::in_progress};
      case store::claim::outcome::mismatch:
        co_return purchase_outcome{.what = kind::key_reused};
      case store::claim::outcome::claimed:
        break;
    }
    cache_.put(row.id, row.tenant, row.body);
    telemetry::log_info(
        "label-less return issued",
        {{"shipment_id", row.id}, {"carrier", row.carrier}, {"tenant", row.tenant}});
    co_return purchase_outcome{
        .what = kind::created, .shipment_id = row.id, .body = std::move(row.body)};
  }
  purchase_outcome none;  // named: g++ 12 misreads a braced outcome here as uninitialized
  none.what = kind::failed;
  none.cause = make_error(error_kind::internal, "no unused return code could be drawn").error();
  co_return none;
}

task<purchase_outcome> shipping_service::finish_unknown(store::shipment_row row, error cause,
                                                        std::string request_id) {
  row.status = "pending_confirmation";
  row.updated_at = now_rfc3339();
  row.body = restate_shipment(row.body, row.status, row.updated_at);
  auto answer = answers_.outcome_unknown(row.id, cause, request_id);
  result<void> saved;
  {
    const write_timer timer(metrics_, "pending");
    saved = co_await db_.mark_pending_confirmation(row, answer.status, answer.body);
  }
  telemetry::log_warn("label purchase outcome unknown", {{"request_id", request_id},
                                                         {"shipment_id", row.id},
                                                         {"carrier", row.carrier},
                                                         {"kind", to_string(cause.kind)},
                                                         {"detail", cause.carrier_message}});
  if (!saved) {
    telemetry::log_error("could not record pending confirmation yet; retrying",
                         {{"shipment_id", row.id}, {"cause", saved.error().carrier_message}});
    keep_unrecorded(
        {.row = row, .label = std::nullopt, .status = answer.status, .body = answer.body});
  } else {
    cache_.put(row.id, row.tenant, row.body);
  }
  co_return purchase_outcome{.what = purchase_outcome::kind::outcome_unknown,
                             .shipment_id = row.id,
                             .answer = std::move(answer),
                             .cause = std::move(cause)};
}

task<result<int>> shipping_service::recover_interrupted_purchases() {
  auto interrupted = co_await db_.interrupted_purchases();
  if (!interrupted) co_return std::unexpected(interrupted.error());
  int n = 0;
  for (auto& item : *interrupted) {
    auto row = std::move(item.shipment);
    row.status = "pending_confirmation";
    row.updated_at = now_rfc3339();
    row.body = restate_shipment(row.body, row.status, row.updated_at);
    const error cause{.kind = error_kind::timeout,
                      .message = "the gateway stopped while the purchase was in flight",
                      .carrier = row.carrier};
    // The original request's id was not kept; the stored answer gets the id of this recovery,
    // which the log line below ties to the shipment.
    const std::string recovery_id = new_trace_id("req");
    const auto answer = answers_.outcome_unknown(row.id, cause, recovery_id);
    auto marked = co_await db_.mark_pending_confirmation(row, answer.status, answer.body);
    if (!marked) co_return std::unexpected(marked.error());
    telemetry::log_warn(
        "interrupted purchase marked pending_confirmation",
        {{"request_id", recovery_id}, {"shipment_id", row.id}, {"carrier", row.carrier}});
    ++n;
  }
  co_return n;
}

void shipping_service::keep_unrecorded(unrecorded_outcome outcome) {
  const std::lock_guard lock(unrecorded_mutex_);
  unrecorded_.push_back(std::move(outcome));
}

std::size_t shipping_service::unrecorded_outcomes() const {
  const std::lock_guard lock(unrecorded_mutex_);
  return unrecorded_.size();
}

task<int> shipping_service::record_unrecorded_outcomes() {
  std::vector<unrecorded_outcome> todo;
  {
    const std::lock_guard lock(unrecorded_mutex_);
    todo.swap(unrecorded_);
  }
  int written = 0;
  std::vector<unrecorded_outcome> again;
  for (auto& o : todo) {
    result<void> saved;
    if (o.label)
      saved = co_await db_.complete_purchase(o.row, *o.label, o.status, o.body);
    else
      saved = co_await db_.mark_pending_confirmation(o.row, o.status, o.body);
    if (!saved) {
      again.push_back(std::move(o));
      continue;
    }
    cache_.put(o.row.id, o.row.tenant, o.row.body);
    cache_.forget_view(o.row.tracking_number);
    telemetry::log_notice(
        "purchase outcome stored late",
        {{"shipment_id", o.row.id}, {"carrier", o.row.carrier}, {"status", o.row.status}});
    ++written;
  }
  if (!again.empty()) {
    const std::lock_guard lock(unrecorded_mutex_);
    for (auto& o : again) unrecorded_.push_back(std::move(o));
  }
  co_return written;
}

task<result<std::string>> shipping_service::cancel(std::string tenant, std::string id,
                                                   std::string request_id) {
  auto found = co_await db_.get_shipment(tenant, id);
  if (!found) co_return std::unexpected(found.error());
  if (!*found) co_return make_error(error_kind::not_found, "no shipment " + id);
  auto row = std::move(**found);
  if (row.status == "cancelled") co_return row.body;        // cancelling twice is harmless
  const bool labelless = row.status == "awaiting_dropoff";  // nothing bought: void the code
  if (row.status != "label_created" && !labelless) {
    std::string why =
        row.status == "pending_confirmation"
            ? "its purchase is not confirmed yet"
            : "the carrier has already handled the parcel (status " + row.status + ")";
    co_return make_error(error_kind::conflict, "shipment " + id + " cannot be cancelled: " + why);
  }
  if (!labelless) {
    const auto* carrier = carriers_.find(row.carrier);
    if (!carrier)
      co_return make_error(error_kind::conflict,
                           "carrier " + row.carrier + " is not configured any more");
    carriers::carrier_call call(client_, metrics_, carrier->adapter->id(),
                                std::chrono::steady_clock::now() + carrier->timeout);
    // A named argument: g++ 12 destroys braced temporaries inside co_await expressions twice.
    const shipment_ref ref{.shipment_id = row.id,
                           .tracking_number = row.tracking_number,
                           .carrier_service = row.carrier_service,
                           .carrier_reference = carrier_reference_of(row.body)};
    auto voided = co_await carrier->adapter->cancel_label(ref, call);
    if (!voided) {
      auto e = std::move(voided.error());
      if (e.carrier.empty()) e.carrier = row.carrier;
      co_return std::unexpected(std::move(e));
    }
  }
  const std::string expected = row.status;  // named: no temporaries inside co_await (g++ 12)
  row.status = "cancelled";
  row.updated_at = now_rfc3339();
  row.body = restate_shipment(row.body, row.status, row.updated_at);
  result<bool> updated = false;
  {
    const write_timer timer(metrics_, "update");
    updated = co_await db_.update_shipment(row, expected);
  }
  if (!updated) co_return std::unexpected(updated.error());
  if (!*updated)
    co_return make_error(error_kind::conflict,
                         "shipment " + id + " changed while it was being cancelled");
  cache_.put(row.id, row.tenant, row.body);
  cache_.forget_view(row.tracking_number);
  telemetry::log_info("shipment cancelled",
                      {{"request_id", request_id}, {"shipment_id", id}, {"carrier", row.carrier}});
  co_return row.body;
}

}  // namespace parcelgate
