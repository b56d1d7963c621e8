// SQLite store: label-less returns (store.hpp, labelless_return; migration 10). Issuing one runs
// on the writer thread inside its group commit, as a purchase's claim does; reads on a reader.

#include <sqlite3.h>

#include <optional>
#include <string>
#include <utility>

#include "gateway/store/sqlite/sqlite_store.hpp"

namespace parcelgate::store::sqlite {

result<claim> sqlite_store::create_labelless(std::string_view request_hash,
                                             const shipment_row& shipment,
                                             std::string_view return_code,
                                             std::string_view request_json, int response_status,
                                             std::string_view response_body) {
  return batched<claim>(writer_, [&]() -> result<claim> {
    connection& w = writer_.in_batch();
    auto held = take_key(shipment.tenant, shipment.idempotency_key, request_hash, shipment.id,
                         shipment.created_at);
    if (!held) return std::unexpected(held.error());
    if (*held) return std::move(**held);
    if (auto inserted = insert_shipment(shipment); !inserted)
      return std::unexpected(inserted.error());
    statement r(w,
                "INSERT INTO labelless_returns (shipment_id, tenant_id, return_code, request, "
                "created_at) VALUES (?, ?, ?, ?, ?)");
    r.bind(1, shipment.id)
        .bind(2, shipment.tenant)
        .bind(3, return_code)
        .bind_borrowed(4, request_json)
        .bind(5, shipment.created_at);
    if (r.step() != SQLITE_DONE) {
      // An error rolls the whole issue back, its key included.
      if (sqlite3_errcode(w.db) == SQLITE_CONSTRAINT)
        return std::unexpected(error{.kind = error_kind::conflict,
                                     .message = "return code already issued",
                                     .carrier_code = "sqlite",
                                     .carrier_message = sqlite3_errmsg(w.db),
                                     .retry_after_s = 0});
      return db_error(w.db, "insert label-less return");
    }
    if (auto finished = finish_key(shipment, response_status, response_body); !finished)
      return std::unexpected(finished.error());
    return claim{};
  });
}

result<std::optional<labelless_return>> sqlite_store::find_labelless(std::string_view return_code) {
  labelless_return out;
  {
    auto reader = readers_.acquire();
    if (!reader) return std::unexpected(reader.error());
    connection& db = reader->get();
    statement s(db,
                "SELECT shipment_id, tenant_id, request FROM labelless_returns WHERE "
                "return_code = ?");
    s.bind(1, return_code);
    const int rc = s.step();
    if (rc == SQLITE_DONE) return std::optional<labelless_return>();
    if (rc != SQLITE_ROW) return db_error(db.db, "find label-less return");
    out.shipment.id = s.text(0);
    out.shipment.tenant = s.text(1);
    out.request_json = s.text(2);
  }
  // The reader goes back to the pool first: get_shipment takes one of its own.
  auto found = get_shipment(out.shipment.tenant, out.shipment.id);
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::optional<labelless_return>();
  out.shipment = std::move(**found);
  out.return_code = std::string(return_code);
  return std::optional<labelless_return>(std::move(out));
}

}  // namespace parcelgate::store::sqlite
