#include "gateway/domain/shipping.hpp"

#include <boost/json.hpp>

#include "gateway/carriers/registry.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/shipment_json.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/store/blocking_pool.hpp"
#include "gateway/store/durable_write.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate {

namespace {

// Only a failure that proves the carrier sold nothing frees the key for a retry (DESIGN §2.2):
// everything else, whatever its kind, may have bought a label.
bool nothing_was_bought(const error& e) { return e.sale == sale_outcome::not_sold; }

// One purchase write, group-committed by the store's writer. Its result counts only once the
// transaction that carried it is durable. (A plain coroutine with a pointer parameter: see
// blocking_pool.cpp on capturing coroutine lambdas under g++ 12.)
template <class T>
task<result<T>> commit(store::store* db, const std::function<result<T>()>* op, telemetry::metrics* metrics,
                       const char* operation) {
  const auto queued = std::chrono::steady_clock::now();
  std::optional<result<T>> out;
  std::function<bool()> work = [&out, op] {
    out.emplace((*op)());
    return out->has_value();
  };
  const bool committed = co_await store::write_durably(*db, std::move(work));
  metrics->observe_durable_write(operation, std::chrono::duration<double>(std::chrono::steady_clock::now() - queued).count());
  if (!committed || !out) {
    error e{error_kind::internal, "storage failure", {}, {}, "sqlite", "the write transaction did not commit", 0};
    co_return std::unexpected(std::move(e));
  }
  co_return std::move(*out);
}

// The answer for a purchase whose outcome is unknown: 504 after a timeout, 502 otherwise.
int pending_status(const error& cause) { return http::status_for(cause.kind) == 504 ? 504 : 502; }

std::string pending_problem(const store::shipment_row& row, const error& cause, std::string_view request_id) {
  auto p = http::from_error(cause);
  p.status = pending_status(cause);
  p.type = "purchase-outcome-unknown";
  p.title = "The label purchase could not be confirmed";
  p.detail = "The carrier may have sold a label for this request (" + cause.message +
             "). The gateway will not buy again with this Idempotency-Key; shipment " + row.id +
             " is pending_confirmation until it is reconciled.";
  p.retry_after_s = 0;
  p.extensions.emplace_back("shipment_id", boost::json::serialize(boost::json::value(row.id)));
  return http::problem_body(p, request_id);
}

}  // namespace

task<purchase_reply> shipping_service::purchase(purchase_command cmd, std::string request_id) {
  const auto* carrier = carriers_.find(cmd.input.carrier);
  if (!carrier) {
    auto e = make_error(error_kind::invalid_request, "unknown carrier").error();
    auto p = http::from_error(e);
    co_return purchase_reply{p.status, http::problem_body(p, request_id), false, 0};
  }
  auto& req = cmd.input.request;
  const auto now = std::chrono::system_clock::now();
  req.shipment_id = new_id("shp");

  store::shipment_row row;
  row.id = req.shipment_id;
  row.tenant = cmd.tenant;
  row.status = "purchasing";
  row.carrier = cmd.input.carrier;
  row.service = std::string(to_string(req.service));
  row.carrier_service = req.carrier_service;
  row.reference = req.reference;
  row.direction = std::string(to_string(req.dir));
  row.idempotency_key = cmd.idempotency_key;
  row.created_at = rfc3339(now);
  row.updated_at = row.created_at;
  shipment_view view{.id = row.id,
                     .tenant = row.tenant,
                     .status = row.status,
                     .carrier = row.carrier,
                     .carrier_service = req.carrier_service,
                     .pickup_point_id = cmd.input.pickup_point_id,
                     .request = &req,
                     .created_at = row.created_at,
                     .updated_at = row.updated_at,
                     .rate = cmd.rate,
                     .rate_unavailable_reason = cmd.rate_unavailable_reason};
  row.body = render_shipment(view);

  const std::function<result<store::claim>()> claim_op = [&] { return db_.claim_purchase(cmd.request_hash, row, row.created_at); };
  auto claimed = co_await commit(&db_, &claim_op, &metrics_, "claim");
  if (!claimed) {
    telemetry::log_error("idempotency claim failed", {{"request_id", request_id}, {"cause", claimed.error().carrier_message}});
    co_return purchase_reply{500, http::problem_body(http::from_error(claimed.error()), request_id), false, 0};
  }
  switch (claimed->result) {
    case store::claim::outcome::replay:
      co_return purchase_reply{claimed->status, std::move(claimed->body), true, 0};
    case store::claim::outcome::in_progress: {
      auto p = http::simple_problem(409, "idempotency-key-in-use", "A request with this Idempotency-Key is in progress",
                                    "Another request with the same Idempotency-Key is being processed; retry later "
                                    "to get its result.");
      p.retry_after_s = 1;
      co_return purchase_reply{409, http::problem_body(p, request_id), false, 1};
    }
    case store::claim::outcome::mismatch: {
      auto p = http::simple_problem(422, "idempotency-key-reused",
                                    "This Idempotency-Key was used with a different request",
                                    "An Idempotency-Key identifies one request; use a new key for a different body.");
      co_return purchase_reply{422, http::problem_body(p, request_id), false, 0};
    }
    case store::claim::outcome::claimed:
      break;
  }

  // The key and the purchase in flight are on disk: the carrier may be called now.
  carriers::carrier_call call(client_, metrics_, carrier->adapter->id(),
                              std::chrono::steady_clock::now() + carrier->timeout);
  const auto started = std::chrono::steady_clock::now();
  auto bought = co_await carrier->adapter->create_label(req, call);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.observe_carrier_operation(carrier->adapter->id(), "purchase", bought ? "ok" : to_string(bought.error().kind), seconds);

  if (!bought) {
    error e = std::move(bought.error());
    if (e.carrier.empty()) e.carrier = std::string(carrier->adapter->id());
    if (nothing_was_bought(e)) {
      const std::function<result<void>()> abandon_op = [&] { return db_.abandon_purchase(row.tenant, row.idempotency_key, row.id); };
      if (auto r = co_await commit(&db_, &abandon_op, &metrics_, "abandon"); !r)
        telemetry::log_error("abandon purchase failed", {{"shipment_id", row.id}, {"cause", r.error().carrier_message}});
      telemetry::log_info("label purchase refused", {{"request_id", request_id}, {"carrier", e.carrier},
                                                      {"kind", to_string(e.kind)}, {"carrier_code", e.carrier_code}});
      auto p = http::from_error(e);
      co_return purchase_reply{p.status, http::problem_body(p, request_id), false, p.retry_after_s};
    }
    co_return co_await finish_unknown(std::move(row), e, std::move(request_id));
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
  view.has_label = true;
  view.updated_at = row.updated_at;
  row.body = render_shipment(view);
  store::stored_label stored{std::string(to_string(label.format)), std::string(content_type(label.format)),
                             std::move(label.label)};
  const std::function<result<void>()> complete_op = [&] { return db_.complete_purchase(row, stored, 201, row.body); };
  auto saved = co_await commit(&db_, &complete_op, &metrics_, "complete");
  if (!saved) {
    // The carrier sold a label that could not be recorded. Say so loudly: the purchase stays in
    // flight and becomes a pending_confirmation shipment at the next start.
    telemetry::log_error("label bought but not stored", {{"request_id", request_id}, {"shipment_id", row.id},
                                                          {"carrier", row.carrier}, {"tracking_number", row.tracking_number},
                                                          {"cause", saved.error().carrier_message}});
    co_return purchase_reply{500, http::problem_body(http::from_error(saved.error()), request_id), false, 0};
  }
  cache_.put(row.id, row.tenant, row.body);
  co_return purchase_reply{201, std::move(row.body), false, 0, row.id};
}

task<purchase_reply> shipping_service::finish_unknown(store::shipment_row row, const error& e, std::string request_id) {
  row.status = "pending_confirmation";
  row.updated_at = now_rfc3339();
  row.body = restate_shipment(row.body, row.status, row.updated_at);
  auto body = pending_problem(row, e, request_id);
  const int status = pending_status(e);
  const std::function<result<void>()> mark_op = [&] { return db_.mark_pending_confirmation(row, status, body); };
  auto saved = co_await commit(&db_, &mark_op, &metrics_, "pending");
  telemetry::log_warn("label purchase outcome unknown", {{"request_id", request_id}, {"shipment_id", row.id},
                                                         {"carrier", row.carrier}, {"kind", to_string(e.kind)},
                                                         {"detail", e.carrier_message}});
  if (!saved)
    telemetry::log_error("could not record pending confirmation", {{"shipment_id", row.id}, {"cause", saved.error().carrier_message}});
  else
    cache_.put(row.id, row.tenant, row.body);
  co_return purchase_reply{status, std::move(body), false, 0};
}

result<int> shipping_service::recover_interrupted_purchases() {
  auto interrupted = db_.interrupted_purchases();
  if (!interrupted) return std::unexpected(interrupted.error());
  int n = 0;
  for (auto& item : *interrupted) {
    auto row = std::move(item.shipment);
    row.status = "pending_confirmation";
    row.updated_at = now_rfc3339();
    row.body = restate_shipment(row.body, row.status, row.updated_at);
    error cause{error_kind::timeout, "the gateway stopped while the purchase was in flight", {}, row.carrier, {}, {}, 0};
    // The original request's id was not kept; the stored answer gets the id of this recovery,
    // which the log line below ties to the shipment.
    const std::string recovery_id = new_trace_id("req");
    if (auto r = db_.mark_pending_confirmation(row, 504, pending_problem(row, cause, recovery_id)); !r)
      return std::unexpected(r.error());
    telemetry::log_warn("interrupted purchase marked pending_confirmation",
                        {{"request_id", recovery_id}, {"shipment_id", row.id}, {"carrier", row.carrier}});
    ++n;
  }
  return n;
}

task<result<std::string>> shipping_service::cancel(std::string tenant, std::string id, std::string request_id) {
  result<std::optional<store::shipment_row>> found = std::optional<store::shipment_row>();
  co_await pool_.run([&] { found = db_.get_shipment(tenant, id); });
  if (!found) co_return std::unexpected(found.error());
  if (!*found) co_return make_error(error_kind::not_found, "no shipment " + id);
  auto row = std::move(**found);
  if (row.status == "cancelled") co_return row.body;  // cancelling twice is harmless
  if (row.status != "label_created") {
    std::string why = row.status == "pending_confirmation"
                          ? "its purchase is not confirmed yet"
                          : "the carrier has already handled the parcel (status " + row.status + ")";
    co_return make_error(error_kind::conflict, "shipment " + id + " cannot be cancelled: " + why);
  }
  const auto* carrier = carriers_.find(row.carrier);
  if (!carrier) co_return make_error(error_kind::conflict, "carrier " + row.carrier + " is not configured any more");
  carriers::carrier_call call(client_, metrics_, carrier->adapter->id(), std::chrono::steady_clock::now() + carrier->timeout);
  // A named argument: g++ 12 destroys braced temporaries inside co_await expressions twice.
  const shipment_ref ref{row.id, row.tracking_number, row.carrier_service};
  auto voided = co_await carrier->adapter->cancel_label(ref, call);
  if (!voided) {
    auto e = std::move(voided.error());
    if (e.carrier.empty()) e.carrier = row.carrier;
    co_return std::unexpected(std::move(e));
  }
  row.status = "cancelled";
  row.updated_at = now_rfc3339();
  row.body = restate_shipment(row.body, row.status, row.updated_at);
  const std::function<result<bool>()> update_op = [&] { return db_.update_shipment(row, "label_created"); };
  auto updated = co_await commit(&db_, &update_op, &metrics_, "update");
  if (!updated) co_return std::unexpected(updated.error());
  if (!*updated) co_return make_error(error_kind::conflict, "shipment " + id + " changed while it was being cancelled");
  cache_.put(row.id, row.tenant, row.body);
  telemetry::log_info("shipment cancelled", {{"request_id", request_id}, {"shipment_id", id}, {"carrier", row.carrier}});
  co_return row.body;
}

}  // namespace parcelgate
