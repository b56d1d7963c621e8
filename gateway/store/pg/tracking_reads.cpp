// PostgreSQL store: shipments found by their carrier tracking number (GET /v1/tracking/{number},
// the public tracking page). One prepared statement ("find_by_tracking", listed in pg_store.cpp);
// the carriers go as a text[] so that the index shipments_by_tracking (carrier, tracking_number)
// serves the lookup.

#include <string>

#include "gateway/store/pg/pg_store.hpp"
#include "gateway/store/pg/statements.hpp"

namespace parcelgate::store::pg {

task<result<std::vector<shipment_row>>> pg_store::find_shipments_by_tracking(
    const std::string& tenant, const std::string& tracking_number,
    const std::vector<std::string>& carriers, int limit) {
  std::vector<shipment_row> out;
  if (tracking_number.empty() || carriers.empty() || limit <= 0) co_return out;
  const std::vector<statement> q{
      statement{.sql_or_name = "find_by_tracking",
                .params = {tracking_number, text_array(carriers), tenant, std::to_string(limit)},
                .prepared = true}};
  auto r = co_await run(q, "find shipments by tracking number");
  if (!r) co_return fail(std::move(r.error()));
  const auto& rs = (*r)[0];
  for (int i = 0; i < rs.size(); ++i) {
    auto t = [&](int c) { return std::string(rs.text(i, c)); };
    out.push_back(shipment_row{.id = t(0),
                               .tenant = t(1),
                               .status = t(2),
                               .carrier = t(3),
                               .service = t(4),
                               .carrier_service = t(5),
                               .tracking_number = t(6),
                               .reference = t(7),
                               .direction = t(8),
                               .idempotency_key = t(9),
                               .body = t(10),
                               .created_at = t(11),
                               .updated_at = t(12),
                               .version = rs.integer(i, 13)});
  }
  co_return out;
}

}  // namespace parcelgate::store::pg
