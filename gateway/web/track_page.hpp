#pragma once
// The public tracking page, GET /track/{tracking_number} (DESIGN §4): one parcel's timeline for
// the person waiting for it, in French or English, on a phone first. Pure rendering: the route
// (gateway/api/tracking_routes.cpp) finds the shipment and hands over its tracking_view, which
// holds no personal data by construction (no names, phone numbers, e-mail or street addresses).
//
// Every text that comes from outside (carrier texts, cities, point ids, the number itself) is
// HTML-escaped. The page has no script; its one stylesheet is inline and allowed by its SHA-256
// in the Content-Security-Policy (track_page_csp), so no other style or script can run.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/tracking_view.hpp"
#include "gateway/domain/html.hpp"

namespace parcelgate {
class time_zone;
}

namespace parcelgate::web {

enum class page_language { en, fr };

// Numbers shorter than this (Mondial Relay's 8 digits) are too easy to guess to be the only key
// to a parcel's page: the page also asks for the destination postal code (docs/tracking.md).
inline constexpr std::size_t kShortTrackingNumber = 11;

// `?lang=` (en or fr) wins; otherwise the Accept-Language entry of highest q (RFC 9110 §12.5.4,
// q=0 refuses, equal q keep their order) among en and fr; English when neither is acceptable.
page_language choose_language(std::string_view accept_language, std::string_view lang_param);
std::string_view language_tag(page_language lang) noexcept;  // "en", "fr"

// Human words for a status ("In transit", "En cours d'acheminement").
std::string_view status_words(std::string_view status, page_language lang) noexcept;

// "1 December 2026, 14:05 (Paris time, UTC+1)" / "1 décembre 2026, 14:05 (heure de Paris,
// UTC+1)"; with `paris` null (no tz database), the same in UTC.
std::string format_instant(std::chrono::sys_seconds t, page_language lang, const time_zone* paris);

// Everything the page shows besides the timeline.
struct page_context {
  page_language lang = page_language::en;
  std::string carrier_name;  // "Colissimo (La Poste)"; the carrier id when not configured
  std::string carrier;       // the ?carrier= the page was asked with (kept by the links)
  std::string postal_code;   // the ?postal_code= it was asked with (kept by the links)
  const time_zone* paris = nullptr;
};

// 200: the parcel's status and its timeline, newest first.
std::string render_track_page(const api::tracking_view& view, const page_context& ctx);
// 404: the same page for a number that is unknown, malformed or anything else not shown.
std::string render_track_not_found(const page_context& ctx);
// 200: one number used by shipments of several carriers: a link per carrier (?carrier=).
std::string render_track_choice(std::string_view tracking_number,
                                const std::vector<std::pair<std::string, std::string>>& carriers,
                                const page_context& ctx);
// 200: a short tracking number (kShortTrackingNumber) is shown only with the postal code the
// parcel is sent to: the form that asks for it, the same whatever the number.
std::string render_track_postal_code_form(const page_context& ctx);
// 503: the store could not be read.
std::string render_track_unavailable(const page_context& ctx);

// The page's stylesheet and the Content-Security-Policy that allows exactly it.
std::string_view track_page_stylesheet() noexcept;
const std::string& track_page_csp();

using parcelgate::html_escape;  // gateway/domain/html.hpp

}  // namespace parcelgate::web
