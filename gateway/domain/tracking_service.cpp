#include "gateway/domain/tracking_service.hpp"

#include "gateway/carriers/adapter.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/shipment_cache.hpp"
#include "gateway/domain/shipment_json.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate {

namespace {

// Enough for any realistic burst of concurrent writers on one parcel; past it the caller
// retries later (the events are still with their source).
constexpr int kAttempts = 8;

timeline_event from_store(const store::stored_event& e) {
  return {.status = parse_tracking_status(e.status).value_or(tracking_status::unknown),
          .carrier_code = e.carrier_code,
          .carrier_text = e.carrier_text,
          .occurred_at = e.occurred_at,
          .location = e.location,
          .postal_code = e.postal_code,
          .country = e.country,
          .point_id = e.point_id,
          .source = e.source};
}

store::stored_event to_store(const timeline_event& e, const std::string& recorded_at) {
  // Stored in UTC, so that the same instant written with another offset is the same row.
  const auto instant = parse_rfc3339(e.occurred_at);
  return {.occurred_at = instant ? rfc3339(*instant) : e.occurred_at,
          .carrier_code = e.carrier_code,
          .status = std::string(to_string(e.status)),
          .carrier_text = e.carrier_text,
          .location = e.location,
          .postal_code = e.postal_code,
          .country = e.country,
          .point_id = e.point_id,
          .source = e.source,
          .recorded_at = recorded_at};
}

// A Prometheus label value: backslash, quote and newline escaped.
}  // namespace

timeline_event from_carrier_event(const carriers::tracking_event& e, std::string source) {
  return {.status = e.status,
          .carrier_code = e.carrier_code,
          .carrier_text = e.carrier_text,
          .occurred_at = e.occurred_at,
          .location = e.location,
          .postal_code = e.postal_code,
          .country = e.country,
          .point_id = e.point_id,
          .source = std::move(source)};
}

void tracking_service::note_unmapped(const std::string& carrier, const timeline_event& e) {
  metrics_.add(
      "parcelgate_tracking_unmapped_codes_total",
      telemetry::metric_labels({{"carrier", carrier}, {"code", e.carrier_code}}));
  bool first = false;
  {
    const std::lock_guard lock(logged_mutex_);
    first = logged_.insert(carrier + '\n' + e.carrier_code).second;
  }
  if (first)
    telemetry::log_warn(
        "tracking code without a status mapping (kept as unknown)",
        {{"carrier", carrier}, {"carrier_code", e.carrier_code}, {"carrier_text", e.carrier_text}});
}

boost::asio::awaitable<result<timeline_merge>> tracking_service::apply(
    std::string tenant, std::string shipment_id, std::vector<timeline_event> events) {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto found = co_await db_.get_shipment(tenant, shipment_id);
    if (!found) co_return std::unexpected(found.error());
    if (!*found) co_return make_error(error_kind::not_found, "no shipment " + shipment_id);
    auto row = std::move(**found);
    auto stored = co_await db_.list_tracking_events(row.tenant, row.id);
    if (!stored) co_return std::unexpected(stored.error());
    std::vector<timeline_event> known;
    known.reserve(stored->size());
    for (const auto& e : *stored) known.push_back(from_store(e));
    // A shipment whose status is not a tracking status yet (pending_confirmation) takes the
    // status of its first scan.
    const auto current = parse_tracking_status(row.status).value_or(tracking_status::unknown);
    auto merged = merge_into_timeline(known, current, events);
    if (merged.added.empty()) co_return merged;
    const std::string now = now_rfc3339();
    std::vector<store::stored_event> added;
    added.reserve(merged.added.size());
    for (const auto& e : merged.added) added.push_back(to_store(e, now));
    if (merged.status_changed) row.status = std::string(to_string(merged.status));
    row.body = restate_shipment(row.body, row.status, now);
    row.updated_at = now;
    auto written = co_await db_.record_tracking(row, added);
    if (!written) co_return std::unexpected(written.error());
    if (*written) {
      cache_.put(row.id, row.tenant, row.body);
      cache_.forget_view(row.tracking_number);
      for (const auto& e : merged.added)
        if (e.status == tracking_status::unknown) note_unmapped(row.carrier, e);
      co_return merged;
    }
    // Another write came first: read again and merge again.
  }
  co_return make_error(error_kind::unavailable,
                       "the shipment " + shipment_id + " is being updated by too many writers");
}

boost::asio::awaitable<result<std::vector<timeline_event>>> tracking_service::timeline(
    std::string tenant, std::string shipment_id) {
  auto stored = co_await db_.list_tracking_events(tenant, shipment_id);
  if (!stored) co_return std::unexpected(stored.error());
  std::vector<timeline_event> out;
  out.reserve(stored->size());
  for (const auto& e : *stored) out.push_back(from_store(e));
  co_return out;
}

}  // namespace parcelgate
