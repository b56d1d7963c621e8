#pragma once
// Structured logs: one JSON object per line on stderr ({"ts","level","msg",...fields}).
// Thread-safe; a line is written with one call so lines never interleave. Secrets (API keys,
// carrier passwords) are never passed here.

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <variant>

namespace parcelgate::telemetry {

// `notice` is for lifecycle lines (listening, stopping, stopped) and passes every level filter.
enum class log_level { debug = 0, info = 1, warn = 2, error = 3, notice = 4 };

bool parse_log_level(std::string_view text, log_level& out) noexcept;
void set_log_level(log_level level) noexcept;
bool log_enabled(log_level level) noexcept;

using log_value = std::variant<std::string_view, std::int64_t, double, bool>;
using log_field = std::pair<std::string_view, log_value>;

void log(log_level level, std::string_view message, std::initializer_list<log_field> fields = {});

inline void log_info(std::string_view m, std::initializer_list<log_field> f = {}) {
  log(log_level::info, m, f);
}
inline void log_warn(std::string_view m, std::initializer_list<log_field> f = {}) {
  log(log_level::warn, m, f);
}
inline void log_notice(std::string_view m, std::initializer_list<log_field> f = {}) {
  log(log_level::notice, m, f);
}
inline void log_error(std::string_view m, std::initializer_list<log_field> f = {}) {
  log(log_level::error, m, f);
}

}  // namespace parcelgate::telemetry
