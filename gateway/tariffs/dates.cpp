#include "gateway/tariffs/tariff.hpp"

#include <chrono>
#include <cstdio>

namespace parcelgate::tariffs {

namespace {

bool digits(std::string_view s) noexcept {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int to_int(std::string_view s) noexcept {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<day> parse_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto ys = s.substr(0, 4), ms = s.substr(5, 2), ds = s.substr(8, 2);
  if (!digits(ys) || !digits(ms) || !digits(ds)) return std::nullopt;
  int y = to_int(ys);
  if (y < 1900) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y},
                                  std::chrono::month{static_cast<unsigned>(to_int(ms))},
                                  std::chrono::day{static_cast<unsigned>(to_int(ds))}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<day>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

std::string format_date(day d) {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{d}}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

day today_utc() noexcept {
  auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<day>(now.time_since_epoch().count());
}

}  // namespace parcelgate::tariffs
