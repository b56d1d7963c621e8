// PostgreSQL store: carrier pickups (store.hpp, pickup_row; migration 9). Each write is one
// prepared statement (listed in pg_store.cpp) whose data-modifying CTEs make it all-or-nothing,
// like a purchase's; a claim reuses idempotency_keys (its shipment_id column holds the pickup id),
// whose primary key serializes two claims of one key. A shipment already in an active pickup is a
// conflict; two concurrent claims of one shipment meet on the unique index
// pickup_shipments_active, and the loser is told the same conflict with nothing written.

#include <string>
#include <utility>
#include <vector>

#include "gateway/store/pg/pg_store.hpp"
#include "gateway/store/pg/statements.hpp"

namespace parcelgate::store::pg {

namespace {

error shipment_taken(const pickup_row& pending, std::size_t index, const std::string& other) {
  return error{
      .kind = error_kind::conflict,
      .message = "shipment " + pending.shipment_ids[index] + " is already in pickup " + other,
      .fields = {field_error{.field = "shipment_ids[" + std::to_string(index) + "]",
                             .message = "already in pickup " + other}}};
}

bool active_shipment_clash(const db_error& e) {
  return e.what == failure::unique_violation &&
         e.message.find("pickup_shipments_active") != std::string::npos;
}

// Pickups from rows of (id, tenant_id, carrier, status, date, idempotency_key, body, created_at,
// updated_at, shipment_id), one row per shipment in order, a NULL shipment for a pickup without.
std::vector<pickup_row> pickups_at(const rows& r) {
  std::vector<pickup_row> out;
  for (int i = 0; i < r.size(); ++i) {
    auto t = [&](int c) { return std::string(r.text(i, c)); };
    if (out.empty() || out.back().id != r.text(i, 0))
      out.push_back({.id = t(0),
                     .tenant = t(1),
                     .carrier = t(2),
                     .status = t(3),
                     .date = t(4),
                     .idempotency_key = t(5),
                     .body = t(6),
                     .shipment_ids = {},
                     .created_at = t(7),
                     .updated_at = t(8)});
    if (!r.is_null(i, 9)) out.back().shipment_ids.push_back(t(9));
  }
  return out;
}

}  // namespace

task<result<claim>> pg_store::claim_pickup(const std::string& request_hash,
                                           const pickup_row& pending, const std::string& now) {
  const std::string ids = text_array(pending.shipment_ids);
  const std::vector<statement> q{
      call_prepared("claim_pickup",
                    {pending.tenant, pending.idempotency_key, request_hash, pending.id, now,
                     pending.carrier, pending.date, options_.instance, pending.body,
                     pending.created_at, pending.updated_at, ids}),
      call_prepared("read_key", {pending.tenant, pending.idempotency_key}),
      call_prepared("pickup_taken", {ids, pending.id})};
  const std::vector<statement> taken{call_prepared("pickup_taken", {ids, pending.id})};
  // A second attempt only when what stopped the first was gone by the time it was looked at (a
  // clashing claim rolled back, a pickup cancelled meanwhile).
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto r = co_await pool_.run(q, until());
    if (!r) {
      if (!active_shipment_clash(r.error()))
        co_return fail(storage_error(r.error(), "claim pickup"));
      // Another claim took one of the shipments between our check and our insert: its commit
      // made ours fail whole. Say which, as the check would have.
      auto t = co_await pool_.run(taken, until());
      if (!t) co_return fail(storage_error(t.error(), "claim pickup"));
      if ((*t)[0].size() == 1)
        co_return fail(shipment_taken(pending, static_cast<std::size_t>((*t)[0].integer(0, 0)),
                                      std::string((*t)[0].text(0, 1))));
      continue;
    }
    if ((*r)[0].integer(0, 0) == 1) co_return claim{};
    const auto& k = (*r)[1];
    if (k.size() == 1) co_return claim_of(k, 0, request_hash);
    const auto& s = (*r)[2];
    if (s.size() == 1)
      co_return fail(shipment_taken(pending, static_cast<std::size_t>(s.integer(0, 0)),
                                    std::string(s.text(0, 1))));
  }
  co_return fail(storage_error(
      {.what = failure::other, .sqlstate = {}, .message = "the claim kept changing under us"},
      "claim pickup"));
}

task<result<void>> pg_store::finish_pickup(const pickup_row& pickup, int response_status,
                                           const std::string& response_body) {
  // Nothing moved: recovery, or an earlier attempt of this write, got there first.
  const std::vector<statement> q{call_prepared(
      "finish_pickup", {pickup.id, pickup.tenant, pickup.status, pickup.body, pickup.updated_at,
                        std::to_string(response_status), response_body, pickup.idempotency_key})};
  auto r = co_await run(q, "finish pickup");
  if (!r) co_return fail(std::move(r.error()));
  co_return result<void>{};
}

task<result<void>> pg_store::abandon_pickup(const std::string& tenant, const std::string& key,
                                            const std::string& pickup_id) {
  const std::vector<statement> q{call_prepared("abandon_pickup", {tenant, key, pickup_id})};
  auto r = co_await run(q, "abandon pickup");
  if (!r) co_return fail(std::move(r.error()));
  co_return result<void>{};
}

task<result<std::vector<pickup_row>>> pg_store::interrupted_pickups() {
  const std::vector<statement> q{
      call_prepared("interrupted_pickups", {options_.instance, instance_lease("")})};
  auto r = co_await run(q, "list interrupted pickups");
  if (!r) co_return fail(std::move(r.error()));
  co_return pickups_at((*r)[0]);
}

task<result<std::optional<pickup_row>>> pg_store::get_pickup(const std::string& tenant,
                                                             const std::string& id) {
  const std::vector<statement> q{call_prepared("get_pickup", {id, tenant})};
  auto r = co_await run(q, "get pickup");
  if (!r) co_return fail(std::move(r.error()));
  auto found = pickups_at((*r)[0]);
  if (found.empty()) co_return std::optional<pickup_row>();
  co_return std::optional<pickup_row>(std::move(found.front()));
}

task<result<bool>> pg_store::update_pickup(const pickup_row& pickup,
                                           const std::string& expected_status) {
  const std::vector<statement> q{call_prepared(
      "update_pickup",
      {pickup.status, pickup.body, pickup.updated_at, pickup.id, pickup.tenant, expected_status})};
  auto r = co_await run(q, "update pickup");
  if (!r) co_return fail(std::move(r.error()));
  co_return (*r)[0].integer(0, 0) == 1;
}

}  // namespace parcelgate::store::pg
