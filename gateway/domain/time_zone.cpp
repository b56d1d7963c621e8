#include "gateway/domain/time_zone.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

namespace parcelgate {

namespace {

using namespace std::chrono;

// The layout of RFC 8536 (TZif): a 44-byte header, then the data block it counts.
constexpr std::size_t kHeaderSize = 44;

struct tzif_counts {
  std::uint32_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
};

std::uint32_t be32(std::string_view s, std::size_t at) {
  const auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i]));
  };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

std::int64_t be64(std::string_view s, std::size_t at) {
  const auto hi = static_cast<std::uint64_t>(be32(s, at)),
             lo = static_cast<std::uint64_t>(be32(s, at + 4));
  return static_cast<std::int64_t>(hi << 32 | lo);
}

bool read_header(std::string_view data, std::size_t at, tzif_counts& c, char& version) {
  if (data.size() < at + kHeaderSize || data.substr(at, 4) != "TZif") return false;
  version = data[at + 4];
  c = {be32(data, at + 20), be32(data, at + 24), be32(data, at + 28),
       be32(data, at + 32), be32(data, at + 36), be32(data, at + 40)};
  // RFC 8536 §3.1: isut and isstd are 0 or typecnt; at least one type.
  return c.type >= 1 && (c.isut == 0 || c.isut == c.type) && (c.isstd == 0 || c.isstd == c.type) &&
         c.time < (1u << 20) && c.type <= 256 && c.leap < (1u << 20);
}

std::uint64_t block_size(const tzif_counts& c, std::uint64_t time_size) {
  return std::uint64_t{c.time} * time_size + c.time + std::uint64_t{c.type} * 6 + c.chars +
         std::uint64_t{c.leap} * (time_size + 4) + c.isstd + c.isut;
}

// --- POSIX TZ strings ----------------------------------------------------------------------

struct cursor {
  std::string_view s;
  std::size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
};

bool read_name(cursor& c) {
  if (c.peek() == '<') {
    const auto close = c.s.find('>', c.i);
    if (close == std::string_view::npos || close == c.i + 1) return false;
    c.i = close + 1;
    return true;
  }
  const std::size_t start = c.i;
  while (!c.done() &&
         ((c.peek() >= 'A' && c.peek() <= 'Z') || (c.peek() >= 'a' && c.peek() <= 'z')))
    ++c.i;
  return c.i - start >= 3;
}

bool read_number(cursor& c, int max, int& out) {
  const std::size_t start = c.i;
  out = 0;
  while (!c.done() && c.peek() >= '0' && c.peek() <= '9') {
    out = out * 10 + (c.peek() - '0');
    if (out > max) return false;
    ++c.i;
  }
  return c.i > start;
}

// [+-]hh[:mm[:ss]] in seconds; `max_hours` 24 for offsets, 167 for rule times (RFC 8536 §3.3.1).
bool read_hms(cursor& c, int max_hours, std::int32_t& out) {
  int sign = 1;
  if (c.peek() == '+' || c.peek() == '-') sign = c.s[c.i++] == '-' ? -1 : 1;
  int h = 0, m = 0, sec = 0;
  if (!read_number(c, max_hours, h)) return false;
  if (c.peek() == ':') {
    ++c.i;
    if (!read_number(c, 59, m)) return false;
    if (c.peek() == ':') {
      ++c.i;
      if (!read_number(c, 59, sec)) return false;
    }
  }
  out = sign * (h * 3600 + m * 60 + sec);
  return true;
}

bool read_change(cursor& c, time_zone::posix_rule::change& out) {
  if (c.peek() == 'M') {
    ++c.i;
    out.form = 'M';
    if (!read_number(c, 12, out.month) || out.month < 1 || c.peek() != '.') return false;
    ++c.i;
    if (!read_number(c, 5, out.week) || out.week < 1 || c.peek() != '.') return false;
    ++c.i;
    if (!read_number(c, 6, out.weekday)) return false;
  } else if (c.peek() == 'J') {
    ++c.i;
    out.form = 'J';
    if (!read_number(c, 365, out.day) || out.day < 1) return false;
  } else {
    out.form = 'D';
    if (!read_number(c, 365, out.day)) return false;
  }
  out.at_s = 7200;
  if (c.peek() == '/') {
    ++c.i;
    if (!read_hms(c, 167, out.at_s)) return false;
  }
  return true;
}

// The local midnight (as days since the epoch) of a rule's change date in `y`.
sys_days change_day(const time_zone::posix_rule::change& ch, year y) {
  if (ch.form == 'J') {  // 1..365, 29 February never counted
    int n = ch.day - 1;
    if (y.is_leap() && ch.day >= 60) ++n;
    return sys_days{y / January / 1} + days{n};
  }
  if (ch.form == 'D') return sys_days{y / January / 1} + days{ch.day};
  const auto first = sys_days{y / month(static_cast<unsigned>(ch.month)) / 1};
  const unsigned first_wd = weekday{first}.c_encoding();
  const int to_weekday = (ch.weekday - static_cast<int>(first_wd) + 7) % 7;
  sys_days d = first + days{to_weekday + (ch.week - 1) * 7};
  const auto last = sys_days{y / month(static_cast<unsigned>(ch.month)) / std::chrono::last};
  while (d > last) d -= days{7};  // week 5 means the last such weekday of the month
  return d;
}

std::int32_t rule_offset(const time_zone::posix_rule& r, std::int64_t t) {
  if (!r.has_dst) return r.std_offset_s;
  const auto local_std = sys_seconds{seconds{t + r.std_offset_s}};
  const year y = year_month_day{floor<days>(local_std)}.year();
  const std::int64_t start =
      duration_cast<seconds>(change_day(r.start, y).time_since_epoch()).count() + r.start.at_s -
      r.std_offset_s;
  const std::int64_t end = duration_cast<seconds>(change_day(r.end, y).time_since_epoch()).count() +
                           r.end.at_s - r.dst_offset_s;
  const bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? r.dst_offset_s : r.std_offset_s;
}

}  // namespace

bool parse_posix_tz(std::string_view text, time_zone::posix_rule& out) {
  cursor c{text};
  time_zone::posix_rule r;
  std::int32_t west = 0;
  if (!read_name(c) || !read_hms(c, 24, west)) return false;
  r.std_offset_s = -west;
  if (c.done()) {
    out = r;
    return true;
  }
  if (!read_name(c)) return false;
  r.has_dst = true;
  r.dst_offset_s = r.std_offset_s + 3600;
  if (c.peek() != ',' && !c.done()) {
    if (!read_hms(c, 24, west)) return false;
    r.dst_offset_s = -west;
  }
  if (c.done()) {  // POSIX leaves the default rule to the implementation; glibc uses the US one
    r.start = {'M', 3, 2, 0, 0, 7200};
    r.end = {'M', 11, 1, 0, 0, 7200};
  } else {
    if (c.peek() != ',') return false;
    ++c.i;
    if (!read_change(c, r.start) || c.peek() != ',') return false;
    ++c.i;
    if (!read_change(c, r.end) || !c.done()) return false;
  }
  out = r;
  return true;
}

result<time_zone> time_zone::load(std::string_view name, std::string_view zoneinfo_dir) {
  const bool safe =
      !name.empty() && name.find("..") == std::string_view::npos && name.front() != '/';
  if (!safe)
    return make_error(error_kind::invalid_request,
                      "not a time zone name: '" + std::string(name) + "'");
  const std::string path = std::string(zoneinfo_dir) + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(error_kind::internal, "cannot read the time zone " + std::string(name) +
                                                " (" + path + "; Debian package tzdata)");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto zone = parse(name, bytes);
  if (!zone) zone.error().message = path + ": " + zone.error().message;
  return zone;
}

result<time_zone> time_zone::parse(std::string_view name, std::string_view data) {
  auto bad = [](std::string why) {
    return make_error(error_kind::internal, "not a valid TZif file: " + why);
  };
  tzif_counts c;
  char version = 0;
  if (!read_header(data, 0, c, version)) return bad("bad header");
  std::size_t at = kHeaderSize;
  std::uint64_t time_size = 4;
  if (version >= '2') {  // skip the 32-bit block; the 64-bit one and the footer follow
    const std::uint64_t v1 = block_size(c, 4);
    if (v1 > data.size() - at) return bad("truncated version 1 block");
    at += static_cast<std::size_t>(v1);
    if (!read_header(data, at, c, version)) return bad("bad second header");
    at += kHeaderSize;
    time_size = 8;
  }
  if (block_size(c, time_size) > data.size() - at) return bad("truncated data block");

  time_zone z;
  z.name_ = std::string(name);
  const std::size_t times_at = at, indexes_at = times_at + c.time * time_size,
                    types_at = indexes_at + c.time;
  std::vector<std::int32_t> type_offsets(c.type);
  for (std::uint32_t i = 0; i < c.type; ++i) {
    const auto off = static_cast<std::int32_t>(be32(data, types_at + i * 6));
    if (off < -25 * 3600 || off > 26 * 3600) return bad("offset out of range");
    type_offsets[i] = off;
  }
  z.initial_offset_ = type_offsets[0];
  z.transitions_.reserve(c.time);
  z.offset_after_.reserve(c.time);
  for (std::uint32_t i = 0; i < c.time; ++i) {
    const std::int64_t t = time_size == 8 ? be64(data, times_at + i * 8)
                                          : static_cast<std::int32_t>(be32(data, times_at + i * 4));
    const auto type = static_cast<unsigned char>(data[indexes_at + i]);
    if (type >= c.type) return bad("transition names an unknown type");
    if (!z.transitions_.empty() && t <= z.transitions_.back())
      return bad("transitions out of order");
    z.transitions_.push_back(t);
    z.offset_after_.push_back(type_offsets[type]);
  }
  if (version >= '2') {
    std::size_t footer = at + static_cast<std::size_t>(block_size(c, time_size));
    if (footer < data.size()) {
      if (data[footer] != '\n') return bad("footer does not start with a newline");
      const auto end = data.find('\n', footer + 1);
      if (end == std::string_view::npos) return bad("unterminated footer");
      const std::string_view tz = data.substr(footer + 1, end - footer - 1);
      if (!tz.empty()) {
        if (!parse_posix_tz(tz, z.rule_))
          return bad("unreadable footer rule '" + std::string(tz) + "'");
        z.has_rule_ = true;
      }
    }
  }
  return z;
}

std::int32_t time_zone::offset_at(std::int64_t t) const noexcept {
  if (transitions_.empty()) return has_rule_ ? rule_offset(rule_, t) : initial_offset_;
  if (t < transitions_.front()) return initial_offset_;
  if (t >= transitions_.back() && has_rule_) return rule_offset(rule_, t);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return offset_after_[static_cast<std::size_t>(it - transitions_.begin()) - 1];
}

std::chrono::seconds time_zone::offset(sys_seconds t) const noexcept {
  return seconds{offset_at(t.time_since_epoch().count())};
}

year_month_day time_zone::local_date(sys_seconds t) const noexcept {
  return year_month_day{floor<days>(t + offset(t))};
}

std::string time_zone::local_iso_date(system_clock::time_point t) const {
  const auto ymd = local_date(floor<seconds>(t));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace parcelgate
