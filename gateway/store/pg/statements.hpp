#pragma once
// Helpers shared by the parts of the PostgreSQL store (pg_store.cpp, pickups.cpp,
// point_scans.cpp, tracking_reads.cpp): statements by name, array parameters, errors.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/store/pg/connection.hpp"
#include "gateway/store/store.hpp"

namespace parcelgate::store::pg {

// One run of the prepared statement `name` (registered in pg_store.cpp) with its parameters.
statement call_prepared(std::string_view name, std::vector<std::optional<std::string>> params = {});

// A PostgreSQL text[] literal: every element quoted, backslashes and quotes escaped.
std::string text_array(const std::vector<std::string>& items);

// The claim a row of the prepared statement "read_key" (request_hash, state, response_status,
// response_body) stands for, for a request of `request_hash`.
claim claim_of(const rows& key_rows, int i, std::string_view request_hash);

// The API's error for a failed database operation `what`: unavailable (503 with Retry-After)
// when the failure is transient (pool exhausted, database away, lost connection, timeouts,
// serialization), internal otherwise.
error storage_error(const db_error& e, const char* what);

}  // namespace parcelgate::store::pg
