// SQLite store: collection point scans (store.hpp, point_scan). The rows are written by the
// triggers of migration 8 with the scan's tracking event (record_tracking); these are reads on a
// reader connection, across tenants (a point serves every merchant's parcels).

#include <sqlite3.h>

#include <limits>
#include <string>

#include "gateway/store/sqlite/sqlite_store.hpp"

namespace parcelgate::store::sqlite {

namespace {

// The scan columns, then the shipment's as it is now.
constexpr std::string_view kScanColumns =
    "s.id, s.point_id, s.kind, s.shipment_id, s.tenant_id, s.scanned_at, s.recorded_at, "
    "sh.carrier, sh.tracking_number, sh.status";

point_scan scan_at(const statement& s) {
  return {.id = s.text(0),
          .point_id = s.text(1),
          .kind = s.text(2),
          .shipment_id = s.text(3),
          .tenant = s.text(4),
          .scanned_at = s.text(5),
          .recorded_at = s.text(6),
          .carrier = s.text(7),
          .tracking_number = s.text(8),
          .status = s.text(9)};
}

std::string_view listed_kind(point_parcel_state state) {
  return state == point_parcel_state::handed_over ? "handover" : "dropoff";
}

}  // namespace

result<std::optional<point_scan>> sqlite_store::find_point_scan(std::string_view point_id,
                                                                std::string_view shipment_id,
                                                                std::string_view kind) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  statement s(db, std::string("SELECT ") + std::string(kScanColumns) +
                      " FROM point_scans s JOIN shipments sh ON sh.id = s.shipment_id "
                      "WHERE s.point_id = ? AND s.shipment_id = ? AND s.kind = ?");
  s.bind(1, point_id).bind(2, shipment_id).bind(3, kind);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<point_scan>(scan_at(s));
  if (rc == SQLITE_DONE) return std::optional<point_scan>();
  return db_error(db.db, "find point scan");
}

result<point_scan_page> sqlite_store::list_point_scans(std::string_view point_id,
                                                       point_parcel_state state,
                                                       std::string_view starting_after, int limit) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  const auto kind = listed_kind(state);
  long long before = std::numeric_limits<long long>::max();
  if (!starting_after.empty()) {
    statement c(db, "SELECT seq FROM point_scans WHERE id = ? AND point_id = ? AND kind = ?");
    c.bind(1, starting_after).bind(2, point_id).bind(3, kind);
    const int rc = c.step();
    if (rc == SQLITE_DONE)
      return std::unexpected(
          error{.kind = error_kind::invalid_request,
                .message = "unknown cursor",
                .fields = {field_error{.field = "starting_after",
                                       .message = "no scan with this id in this list"}},
                .retry_after_s = 0});
    if (rc != SQLITE_ROW) return db_error(db.db, "point scan cursor");
    before = c.integer(0);
  }
  // Awaiting the carrier: dropped off here and not handed over from here.
  statement s(db, std::string("SELECT ") + std::string(kScanColumns) +
                      " FROM point_scans s JOIN shipments sh ON sh.id = s.shipment_id "
                      "WHERE s.point_id = ? AND s.kind = ? AND s.seq < ? AND (s.kind = 'handover' "
                      "OR NOT EXISTS (SELECT 1 FROM point_scans h WHERE h.point_id = s.point_id "
                      "AND h.shipment_id = s.shipment_id AND h.kind = 'handover')) "
                      "ORDER BY s.seq DESC LIMIT ?");
  s.bind(1, point_id).bind(2, kind).bind(3, before).bind(4, static_cast<long long>(limit) + 1);
  point_scan_page page;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) page.scans.push_back(scan_at(s));
  if (rc != SQLITE_DONE) return db_error(db.db, "list point scans");
  if (static_cast<int>(page.scans.size()) > limit) {
    page.scans.resize(static_cast<std::size_t>(limit));
    page.has_more = true;
    page.next_cursor = page.scans.back().id;
  }
  return page;
}

}  // namespace parcelgate::store::sqlite
