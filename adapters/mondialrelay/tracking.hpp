#pragma once
// Mondial Relay tracking by polling WSI2_TracingColisDetaille (same WSI SOAP endpoint as labels):
// the outbound request for one expedition, the conversion of the service's French local times to
// UTC, and the mapping of a tracing answer to the adapter contract's tracking_batch.
//
// Pure functions of their arguments (the time zone is passed in): no I/O, thread-safe.
// Wire parsing itself (SOAP faults, STAT, the Tracing list without its empty placeholder entries)
// is parse_tracing_response in wire.hpp.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/mondialrelay/wire.hpp"
#include "gateway/carriers/adapter.hpp"
#include "gateway/domain/time_zone.hpp"

namespace parcelgate::adapters::mondialrelay {

// The zone the service writes Date/Heure in.
inline constexpr std::string_view kServiceTimeZone = "Europe/Paris";
// Langue of tracing requests: the status map reads the French labels.
inline constexpr std::string_view kTracingLanguage = "FR";
// Expeditions per WSI2_TracingColisDetaille call (the operation takes one Expedition).
inline constexpr int kTracingBatch = 1;

// A tracing query is read-only: three exchanges, 200 ms then 1 s apart, until an HTTP 200.
carriers::retry_policy tracing_retry_policy();

// POST {base_url}/Web_Services.asmx with the WSI2_TracingColisDetaille envelope (Enseigne,
// Expedition, Langue, Security), idempotent, operation "track".
carriers::outbound_request build_tracing_request(std::string_view base_url, const account& acct,
                                                 std::string_view expedition);

// True for what the service accepts as Expedition: 8 digits.
bool valid_expedition(std::string_view expedition) noexcept;

// The instant a wall-clock time in `zone` names. In the hour repeated when daylight saving ends,
// the first occurrence (summer time) is taken; a time skipped when it starts is read with the
// offset in force before the change (02:30 on that day is 01:30 UTC, i.e. 03:30 summer time).
std::chrono::sys_seconds local_to_utc(std::chrono::local_seconds local, const time_zone& zone);

// Date ("dd/mm/yy" or "dd/mm/yyyy") and Heure ("HH:MM", "H:MM") of a tracing step, French local
// time, as RFC 3339 UTC ("2026-10-05T07:12:00Z"); nullopt when either cannot be read.
std::optional<std::string> tracing_time_utc(std::string_view date, std::string_view time,
                                            const time_zone& zone);

// True for the STATs of a known parcel (80 registered, 81 in process, 82 delivered, 83 anomaly,
// 84-89 reserved tracking codes).
bool tracing_known(int stat) noexcept;

// The error for a STAT outside 80-89: 24/94 not_found (the caller turns it into a miss),
// 1/2/3/8/95/96/97 auth_failed, 99 unavailable, 98 and undocumented codes bad_gateway, 40/74
// internal (our own request is wrong).
error tracing_error(int stat);

// One expedition's answer as a batch: its steps as events (oldest first), or a miss when the
// service does not know the number. Fails on an error STAT that is not about the number (our
// credentials, the service itself) and on a step whose date cannot be read (bad_gateway).
result<carriers::tracking_batch> to_tracking_batch(std::string_view expedition,
                                                   const tracing_response& answer,
                                                   const time_zone& zone);

// parse_tracing_response + to_tracking_batch.
result<carriers::tracking_batch> decode_tracking(std::string_view expedition, int http_status,
                                                 std::string_view body, const time_zone& zone);

}  // namespace parcelgate::adapters::mondialrelay
