// PostgreSQL store: collection point scans (store.hpp, point_scan). The rows are written by the
// trigger of migration 8 with the scan's tracking event (record_tracking); these are reads, across
// tenants (a point serves every merchant's parcels). Prepared statements listed in pg_store.cpp.

#include <limits>
#include <string>

#include "gateway/store/pg/pg_store.hpp"
#include "gateway/store/pg/statements.hpp"

namespace parcelgate::store::pg {

namespace {

point_scan scan_at(const rows& r, int i) {
  auto t = [&](int c) { return std::string(r.text(i, c)); };
  return {.id = t(0),
          .point_id = t(1),
          .kind = t(2),
          .shipment_id = t(3),
          .tenant = t(4),
          .scanned_at = t(5),
          .recorded_at = t(6),
          .carrier = t(7),
          .tracking_number = t(8),
          .status = t(9)};
}

std::string listed_kind(point_parcel_state state) {
  return state == point_parcel_state::handed_over ? "handover" : "dropoff";
}

}  // namespace

task<result<std::optional<point_scan>>> pg_store::find_point_scan(const std::string& point_id,
                                                                  const std::string& shipment_id,
                                                                  const std::string& kind) {
  const std::vector<statement> q{call_prepared("find_point_scan", {point_id, shipment_id, kind})};
  auto r = co_await run(q, "find point scan");
  if (!r) co_return fail(std::move(r.error()));
  if ((*r)[0].size() == 0) co_return std::optional<point_scan>();
  co_return std::optional<point_scan>(scan_at((*r)[0], 0));
}

task<result<point_scan_page>> pg_store::list_point_scans(const std::string& point_id,
                                                         point_parcel_state state,
                                                         const std::string& starting_after,
                                                         int limit) {
  const std::string kind = listed_kind(state);
  std::int64_t before = std::numeric_limits<std::int64_t>::max();
  if (!starting_after.empty()) {
    const std::vector<statement> c{
        call_prepared("point_scan_cursor", {starting_after, point_id, kind})};
    auto r = co_await run(c, "point scan cursor");
    if (!r) co_return fail(std::move(r.error()));
    if ((*r)[0].size() == 0)
      co_return fail(error{.kind = error_kind::invalid_request,
                           .message = "unknown cursor",
                           .fields = {field_error{.field = "starting_after",
                                                  .message = "no scan with this id in this list"}},
                           .retry_after_s = 0});
    before = (*r)[0].integer(0, 0);
  }
  const std::vector<statement> q{call_prepared(
      "list_point_scans",
      {point_id, kind, std::to_string(before), std::to_string(static_cast<long long>(limit) + 1)})};
  auto r = co_await run(q, "list point scans");
  if (!r) co_return fail(std::move(r.error()));
  point_scan_page page;
  const auto& rs = (*r)[0];
  for (int i = 0; i < rs.size(); ++i) page.scans.push_back(scan_at(rs, i));
  if (static_cast<int>(page.scans.size()) > limit) {
    page.scans.resize(static_cast<std::size_t>(limit));
    page.has_more = true;
    page.next_cursor = page.scans.back().id;
  }
  co_return page;
}

}  // namespace parcelgate::store::pg
