#include "gateway/telemetry/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace parcelgate::telemetry {

namespace {

std::atomic<int> g_level{static_cast<int>(log_level::info)};

void append_escaped(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

std::string_view level_name(log_level l) {
  switch (l) {
    case log_level::debug:
      return "debug";
    case log_level::info:
      return "info";
    case log_level::warn:
      return "warn";
    case log_level::error:
      return "error";
    case log_level::notice:
      return "notice";
  }
  return "info";
}

}  // namespace

bool parse_log_level(std::string_view text, log_level& out) noexcept {
  for (auto l : {log_level::debug, log_level::info, log_level::warn, log_level::error})
    if (level_name(l) == text) return out = l, true;
  return false;
}

void set_log_level(log_level level) noexcept {
  g_level.store(static_cast<int>(level));
}
bool log_enabled(log_level level) noexcept {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void log(log_level level, std::string_view message, std::initializer_list<log_field> fields) {
  if (!log_enabled(level)) return;
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  std::string line;
  line.reserve(160);
  line += "{\"ts\":\"";
  line += ts;
  line += "\",\"level\":\"";
  line += level_name(level);
  line += "\",\"msg\":";
  append_escaped(line, message);
  for (const auto& [key, value] : fields) {
    line.push_back(',');
    append_escaped(line, key);
    line.push_back(':');
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string_view>)
            append_escaped(line, v);
          else if constexpr (std::is_same_v<T, bool>)
            line += v ? "true" : "false";
          else
            line += std::to_string(v);
        },
        value);
  }
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace parcelgate::telemetry
