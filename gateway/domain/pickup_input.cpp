#include "gateway/domain/pickup_input.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

#include "gateway/domain/input_checker.hpp"

namespace parcelgate {

namespace json = boost::json;

namespace {

bool two_digits(std::string_view s, int& out) {
  if (s.size() != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return false;
  out = (s[0] - '0') * 10 + (s[1] - '0');
  return true;
}

}  // namespace

int clock_minutes(std::string_view hhmm) {
  int h = 0, m = 0;
  if (hhmm.size() != 5 || hhmm[2] != ':' || !two_digits(hhmm.substr(0, 2), h) ||
      !two_digits(hhmm.substr(3, 2), m) || h > 23 || m > 59)
    return -1;
  return h * 60 + m;
}

std::optional<std::chrono::sys_days> parse_iso_date(std::string_view s) {
  int y = 0, mo = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + 4, y);
  if (ec != std::errc() || p != s.data() + 4 || !two_digits(s.substr(5, 2), mo) ||
      !two_digits(s.substr(8, 2), d))
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                        std::chrono::day(unsigned(d))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

pickup_input parse_pickup_input(std::string_view body) {
  pickup_input in;
  const auto root = read_json_object(body, 8, in.malformed_detail);
  if (!root) {
    in.malformed = true;
    return in;
  }
  in.canonical_json = canonical_json(*root);
  const auto& o = root->as_object();
  input_checker c(in.errors);
  c.only_keys(
      o, "",
      {"carrier", "address", "date", "window", "shipment_ids", "parcel_count", "instructions"});
  in.carrier = c.str(o, "", "carrier", true, 40);
  if (const auto* a = c.object(o, "", "address", true)) in.at = read_address(c, *a, "address");
  in.date = c.str(o, "", "date", false, 10);  // none: the carrier's first possible date
  if (!in.date.empty() && !parse_iso_date(in.date))
    c.fail("date", "must be a date written YYYY-MM-DD, e.g. 2026-12-03");
  if (const auto* w = c.object(o, "", "window", false)) {
    c.only_keys(*w, "window", {"from", "to"});
    in.window_from = c.str(*w, "window", "from", true, 5);
    in.window_to = c.str(*w, "window", "to", true, 5);
    const int from = in.window_from.empty() ? -2 : clock_minutes(in.window_from);
    const int to = in.window_to.empty() ? -2 : clock_minutes(in.window_to);
    if (from == -1) c.fail("window.from", "must be a time written HH:MM (00:00 to 23:59)");
    if (to == -1) c.fail("window.to", "must be a time written HH:MM (00:00 to 23:59)");
    if (from >= 0 && to >= 0 && to <= from) c.fail("window.to", "must be after window.from");
  }
  const auto* ids = o.if_contains("shipment_ids");
  const auto* count = o.if_contains("parcel_count");
  const bool has_ids = ids && !ids->is_null();
  const bool has_count = count && !count->is_null();
  if (has_ids && has_count)
    c.fail("parcel_count", "give shipment_ids or parcel_count, not both");
  else if (!has_ids && !has_count)
    c.fail("shipment_ids",
           "is required: the shipments the driver takes (or parcel_count where the carrier "
           "takes a bare count)");
  if (has_ids) {
    if (!ids->is_array() || ids->as_array().empty() ||
        ids->as_array().size() > kMaxPickupShipments) {
      c.fail("shipment_ids", "must be an array of 1 to " + std::to_string(kMaxPickupShipments) +
                                 " shipment ids (shp_...)");
    } else {
      const auto& arr = ids->as_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const std::string field = "shipment_ids[" + std::to_string(i) + "]";
        if (!arr[i].is_string() || arr[i].as_string().size() > 40) {
          c.fail(field, "must be a shipment id (shp_...)");
          continue;
        }
        std::string id(arr[i].as_string());
        if (std::find(in.shipment_ids.begin(), in.shipment_ids.end(), id) != in.shipment_ids.end())
          c.fail(field, "is listed twice");
        in.shipment_ids.push_back(std::move(id));
      }
    }
  }
  if (has_count) in.parcel_count = c.integer(o, "", "parcel_count", true, 1, kMaxPickupParcelCount);
  in.instructions = c.str(o, "", "instructions", false, 250);
  return in;
}

}  // namespace parcelgate
