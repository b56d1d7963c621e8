#pragma once
// Civil time in a named time zone of the system's tz database (/usr/share/zoneinfo, TZif version
// 2 or later), daylight saving included. Carriers reason in their own local time: Colissimo
// refuses a deposit date before "today" in France, whatever the caller's clock says.
//
// A loaded time_zone is immutable and safe to share between threads.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"

namespace parcelgate {

class time_zone {
 public:
  // Reads `<zoneinfo_dir>/<name>` ("Europe/Paris"). Errors name the file and what is wrong with it.
  static result<time_zone> load(std::string_view name,
                                std::string_view zoneinfo_dir = "/usr/share/zoneinfo");
  // Parses TZif bytes (tests, or a zone shipped with the program).
  static result<time_zone> parse(std::string_view name, std::string_view tzif);

  const std::string& name() const noexcept { return name_; }
  // Offset from UTC in force at `t` (+3600 s for CET, +7200 s for CEST).
  std::chrono::seconds offset(std::chrono::sys_seconds t) const noexcept;
  // The civil date at `t` in this zone.
  std::chrono::year_month_day local_date(std::chrono::sys_seconds t) const noexcept;
  // The civil date at `t` as "YYYY-MM-DD".
  std::string local_iso_date(std::chrono::system_clock::time_point t) const;

  // The POSIX TZ rule used after the last listed transition ("CET-1CEST,M3.5.0,M10.5.0/3").
  struct posix_rule {
    struct change {     // when daylight saving starts or ends, in local (wall) time
      char form = 'M';  // 'M' month.week.weekday, 'J' Julian day 1-365 (no 29 Feb), 'D' day 0-365
      int month = 0, week = 0, weekday = 0, day = 0;
      std::int32_t at_s = 7200;  // seconds after local midnight (may be negative or over 24 h)
    };
    std::int32_t std_offset_s = 0;  // east of UTC, seconds
    bool has_dst = false;
    std::int32_t dst_offset_s = 0;
    change start, end;
  };

 private:
  std::int32_t offset_at(std::int64_t t) const noexcept;

  std::string name_;
  std::vector<std::int64_t> transitions_;   // UTC seconds, ascending
  std::vector<std::int32_t> offset_after_;  // offset in force from transitions_[i] on
  std::int32_t initial_offset_ = 0;         // before the first transition
  bool has_rule_ = false;
  posix_rule rule_;
};

// Parses a POSIX TZ string as found in a TZif footer; false when it is not one.
bool parse_posix_tz(std::string_view text, time_zone::posix_rule& out);

}  // namespace parcelgate
