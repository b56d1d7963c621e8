// SQLite store: shipments found by their carrier tracking number (GET /v1/tracking/{number},
// the public tracking page). A read on a reader connection; the carriers are bound as an IN list
// so that the index shipments_by_tracking (carrier, tracking_number) serves the lookup.

#include <sqlite3.h>

#include <string>

#include "gateway/store/sqlite/sqlite_store.hpp"

namespace parcelgate::store::sqlite {

result<std::vector<shipment_row>> sqlite_store::find_shipments_by_tracking(
    std::string_view tenant, std::string_view tracking_number,
    const std::vector<std::string>& carriers, int limit) {
  std::vector<shipment_row> out;
  if (tracking_number.empty() || carriers.empty() || limit <= 0) return out;
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  std::string in = "?";
  for (std::size_t i = 1; i < carriers.size(); ++i) in += ",?";
  statement s(db,
              "SELECT id, tenant_id, status, carrier, service, carrier_service, tracking_number, "
              "reference, direction, idempotency_key, body, created_at, updated_at, version "
              "FROM shipments WHERE carrier IN (" +
                  in +
                  ") AND tracking_number = ? AND (? = '' OR tenant_id = ?) "
                  "ORDER BY seq DESC LIMIT ?");
  int at = 1;
  for (const auto& c : carriers) s.bind(at++, c);
  s.bind(at, tracking_number).bind(at + 1, tenant).bind(at + 2, tenant);
  s.bind(at + 3, static_cast<long long>(limit));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    out.push_back(shipment_row{.id = s.text(0),
                               .tenant = s.text(1),
                               .status = s.text(2),
                               .carrier = s.text(3),
                               .service = s.text(4),
                               .carrier_service = s.text(5),
                               .tracking_number = s.text(6),
                               .reference = s.text(7),
                               .direction = s.text(8),
                               .idempotency_key = s.text(9),
                               .body = s.text(10),
                               .created_at = s.text(11),
                               .updated_at = s.text(12),
                               .version = s.integer(13)});
  if (rc != SQLITE_DONE) return db_error(db.db, "find shipments by tracking number");
  return out;
}

}  // namespace parcelgate::store::sqlite
