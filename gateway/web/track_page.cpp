#include "gateway/web/track_page.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "gateway/domain/ids.hpp"
#include "gateway/domain/time_zone.hpp"

namespace parcelgate::web {

namespace {

constexpr std::string_view kStylesheet =
    ":root{color-scheme:light dark;--fg:#1d232b;--muted:#5b6675;--line:#d5dbe3;--accent:#0b5cad;"
    "--bg:#fff;--card:#f4f6f9}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e8ecf1;--muted:#a4afbd;--line:#3a4350;"
    "--accent:#6fb1ff;--bg:#12161b;--card:#1c222a}}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.45 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'DejaVu Sans',sans-serif}"
    "main{max-width:40rem;margin:0 auto;padding:1rem}"
    ".summary{background:var(--card);border-radius:.75rem;padding:1rem "
    "1.1rem;margin-bottom:1.25rem}"
    ".carrier{margin:0;color:var(--muted);font-size:.9rem}"
    "h1{font-size:1.15rem;margin:.2rem 0 .6rem;font-weight:600;overflow-wrap:anywhere}"
    ".number{font-family:ui-monospace,'DejaVu Sans Mono',monospace;letter-spacing:.03em}"
    ".status{margin:0;font-size:1.5rem;font-weight:700;color:var(--accent)}"
    ".status.final{color:#1f8a4c}.status.problem{color:#c0392b}"
    ".detail{margin:.35rem 0 0;color:var(--muted)}"
    "h2{font-size:1rem;margin:0 0 .5rem;color:var(--muted);font-weight:600}"
    ".timeline{list-style:none;margin:0;padding:0}"
    ".event{position:relative;padding:0 0 1rem 1.4rem;border-left:2px solid var(--line);"
    "margin-left:.4rem}"
    ".event:last-child{border-left-color:transparent}"
    ".event::before{content:'';position:absolute;left:-.45rem;top:.3rem;width:.8rem;height:.8rem;"
    "border-radius:50%;background:var(--bg);border:2px solid var(--accent)}"
    ".event:first-child::before{background:var(--accent)}"
    ".event p{margin:0}.what{font-weight:600}.text{overflow-wrap:anywhere}"
    ".where,.when{color:var(--muted);font-size:.9rem}"
    ".point{margin:.35rem 0;padding:.5rem .7rem;border:1px solid var(--line);border-radius:.5rem;"
    "font-size:.9rem}"
    "footer{margin-top:1.5rem;color:var(--muted);font-size:.85rem}"
    "footer a{color:var(--accent)}"
    ".empty{color:var(--muted)}"
    ".verify label{display:block;font-weight:600;margin:.8rem 0 .3rem}"
    ".verify input{font:inherit;padding:.55rem .7rem;border:1px solid var(--line);"
    "border-radius:.5rem;width:100%;max-width:14rem;background:var(--bg);color:var(--fg)}"
    ".verify button{font:inherit;margin-top:.7rem;padding:.55rem 1.1rem;border:0;"
    "border-radius:.5rem;background:var(--accent);color:#fff}";

std::string base64(const unsigned char* data, int size) {
  std::string out(static_cast<std::size_t>(4 * ((size + 2) / 3)), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, size);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string sha256_base64(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  return base64(digest, static_cast<int>(size));
}

struct words {
  std::string_view status;
  std::string_view en, fr;
};

constexpr std::array<words, 14> kStatusWords{{
    {"label_created", "Label created, waiting for the parcel",
     "Étiquette créée, en attente du colis"},
    {"dropped_off", "Dropped off", "Déposé"},
    {"picked_up", "Picked up by the carrier", "Pris en charge par le transporteur"},
    {"in_transit", "In transit", "En cours d'acheminement"},
    {"out_for_delivery", "Out for delivery", "En cours de livraison"},
    {"available_for_pickup", "Ready for pickup", "Disponible au point de retrait"},
    {"delivered", "Delivered", "Livré"},
    {"delivery_failed", "Delivery attempt failed", "Échec de la tentative de livraison"},
    {"exception", "Delivery problem", "Incident de livraison"},
    {"returning_to_sender", "Returning to the sender", "En retour vers l'expéditeur"},
    {"returned_to_sender", "Returned to the sender", "Retourné à l'expéditeur"},
    {"cancelled", "Cancelled", "Annulé"},
    {"unknown", "Update from the carrier", "Information du transporteur"},
    {"pending_confirmation", "Being confirmed", "En cours de confirmation"},
}};

constexpr std::array<std::string_view, 12> kMonthsEn{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 12> kMonthsFr{
    "janvier", "février", "mars",      "avril",   "mai",      "juin",
    "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};

// The page's texts in both languages.
struct texts {
  std::string_view title, parcel, history, no_events, at_point, point_later, not_found_title,
      not_found_body, choice_title, choice_body, unavailable_title, unavailable_body, note, other,
      verify_body, postal_code, show;
};

constexpr texts kEn{
    "Parcel tracking",
    "Parcel",
    "History, newest first",
    "No scan yet.",
    "Collection point",
    "Its name and opening hours will be shown here.",
    "Tracking number not found",
    "We do not know this tracking number. Check it on your shipping confirmation; a parcel "
    "appears here once its label is printed.",
    "Choose the carrier",
    "This tracking number is used by several carriers. Which one carries your parcel?",
    "Temporarily unavailable",
    "Tracking cannot be read right now. Please try again in a minute.",
    "Times are shown in Paris time. This page shows the carrier's scans; it holds no personal "
    "data.",
    "Français",
    "To see this parcel, enter the postal code it is sent to.",
    "Postal code",
    "Show"};

constexpr texts kFr{
    "Suivi de colis",
    "Colis",
    "Historique, du plus récent au plus ancien",
    "Aucun événement pour l'instant.",
    "Point de retrait",
    "Son nom et ses horaires d'ouverture s'afficheront ici.",
    "Numéro de suivi introuvable",
    "Nous ne connaissons pas ce numéro de suivi. Vérifiez-le sur votre confirmation d'envoi ; un "
    "colis apparaît ici dès que son étiquette est imprimée.",
    "Choisissez le transporteur",
    "Ce numéro de suivi est utilisé par plusieurs transporteurs. Lequel transporte votre colis ?",
    "Momentanément indisponible",
    "Le suivi ne peut pas être lu pour le moment. Réessayez dans une minute.",
    "Les heures sont celles de Paris. Cette page montre les événements du transporteur ; elle ne "
    "contient aucune donnée personnelle.",
    "English",
    "Pour voir ce colis, saisissez le code postal de destination.",
    "Code postal",
    "Afficher"};

const texts& text_for(page_language lang) {
  return lang == page_language::fr ? kFr : kEn;
}

std::string_view lower_trim(std::string_view s, std::string& buffer) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  buffer.assign(s);
  for (auto& c : buffer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return buffer;
}

// q-value of one Accept-Language parameter list ("q=0.8"); 1 when absent, -1 when invalid.
double q_value(std::string_view params) {
  double q = 1.0;
  while (!params.empty()) {
    const auto semi = params.find(';');
    std::string buffer;
    auto p = lower_trim(params.substr(0, semi), buffer);
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (!p.starts_with("q=")) continue;
    p.remove_prefix(2);
    double v = 0;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (ec != std::errc() || end != p.data() + p.size() || v < 0 || v > 1) return -1;
    q = v;
  }
  return q;
}

std::string page_head(page_language lang, std::string_view title) {
  std::string out;
  out.reserve(4096);
  out += "<!doctype html>\n<html lang=\"";
  out += language_tag(lang);
  out +=
      "\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>";
  out += html_escape(title);
  out += "</title>\n<style>";
  out += kStylesheet;
  out += "</style>\n</head>\n<body>\n<main>\n";
  return out;
}

// A query parameter's value, percent-encoded but for unreserved characters.
std::string query_value(std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The footer: a link to the other language (keeping ?carrier=), and the note on times.
std::string page_foot(const page_context& ctx) {
  const auto& t = text_for(ctx.lang);
  const page_language other = ctx.lang == page_language::fr ? page_language::en : page_language::fr;
  // A relative reference: the same path, so the page never writes the number it was asked for.
  std::string href = "?";
  if (!ctx.carrier.empty()) href += "carrier=" + ctx.carrier + "&";
  if (!ctx.postal_code.empty()) href += "postal_code=" + query_value(ctx.postal_code) + "&";
  href += "lang=" + std::string(language_tag(other));
  return "<footer>\n<nav class=\"languages\"><a href=\"" + html_escape(href) + "\" hreflang=\"" +
         std::string(language_tag(other)) + "\" lang=\"" + std::string(language_tag(other)) +
         "\">" + std::string(t.other) + "</a></nav>\n<p class=\"note\">" + std::string(t.note) +
         "</p>\n</footer>\n</main>\n</body>\n</html>\n";
}

std::string status_class(std::string_view status) {
  if (status == "delivered" || status == "returned_to_sender") return "status final";
  if (status == "exception" || status == "delivery_failed" || status == "cancelled")
    return "status problem";
  return "status";
}

std::string event_item(const api::tracking_entry& e, const page_context& ctx) {
  const auto& t = text_for(ctx.lang);
  std::string out = "<li class=\"event\" data-status=\"" + html_escape(e.status) +
                    "\" data-event-id=\"" + html_escape(e.id) + "\">\n<p class=\"what\">" +
                    html_escape(status_words(e.status, ctx.lang)) + "</p>\n";
  if (!e.description.empty()) out += "<p class=\"text\">" + html_escape(e.description) + "</p>\n";
  std::string where = e.location.city;
  if (!e.location.country.empty()) where += (where.empty() ? "" : ", ") + e.location.country;
  if (!where.empty()) out += "<p class=\"where\">" + html_escape(where) + "</p>\n";
  if (!e.location.point_id.empty())
    // Collection points are not stored yet: the point's name and opening hours will fill this.
    out += "<div class=\"point\" data-point-id=\"" + html_escape(e.location.point_id) + "\"><p>" +
           std::string(t.at_point) + " <span class=\"point-id\">" +
           html_escape(e.location.point_id) + "</span></p></div>\n";
  if (const auto at = parse_rfc3339(e.occurred_at))
    out += "<p class=\"when\"><time datetime=\"" + html_escape(rfc3339(*at)) + "\">" +
           html_escape(format_instant(*at, ctx.lang, ctx.paris)) + "</time></p>\n";
  out += "</li>\n";
  return out;
}

}  // namespace

std::string_view language_tag(page_language lang) noexcept {
  return lang == page_language::fr ? "fr" : "en";
}

page_language choose_language(std::string_view accept_language, std::string_view lang_param) {
  if (lang_param == "fr") return page_language::fr;
  if (lang_param == "en") return page_language::en;
  double best_q = 0;
  page_language best = page_language::en;
  std::string_view list = accept_language;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    const auto semi = item.find(';');
    std::string buffer;
    const auto range = lower_trim(item.substr(0, semi), buffer);
    const double q = semi == std::string_view::npos ? 1.0 : q_value(item.substr(semi + 1));
    if (q <= best_q) continue;  // refused (0), invalid (-1), or not better than an earlier one
    const auto primary = range.substr(0, range.find('-'));
    if (primary == "fr") {
      best = page_language::fr;
      best_q = q;
    } else if (primary == "en" || primary == "*") {
      best = page_language::en;
      best_q = q;
    }
  }
  return best;
}

std::string_view status_words(std::string_view status, page_language lang) noexcept {
  for (const auto& w : kStatusWords)
    if (w.status == status) return lang == page_language::fr ? w.fr : w.en;
  return lang == page_language::fr ? kStatusWords[12].fr : kStatusWords[12].en;
}

std::string format_instant(std::chrono::sys_seconds t, page_language lang, const time_zone* paris) {
  using namespace std::chrono;
  const seconds offset = paris ? paris->offset(t) : seconds(0);
  const auto local = t + offset;
  const auto day = floor<days>(local);
  const year_month_day ymd(day);
  const hh_mm_ss hms(local - day);
  const unsigned month = static_cast<unsigned>(ymd.month());
  char clock[8];
  std::snprintf(clock, sizeof clock, "%02d:%02d", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
  std::string zone = "UTC";
  if (offset.count() != 0) {
    const long long total = offset.count();
    const long long h = std::llabs(total) / 3600, m = (std::llabs(total) % 3600) / 60;
    zone += (total < 0 ? "-" : "+") + std::to_string(h);
    if (m) zone += ":" + std::string(m < 10 ? "0" : "") + std::to_string(m);
  }
  std::string out =
      std::to_string(static_cast<unsigned>(ymd.day())) + " " +
      std::string(lang == page_language::fr ? kMonthsFr[month - 1] : kMonthsEn[month - 1]) + " " +
      std::to_string(static_cast<int>(ymd.year())) + ", " + clock + " (";
  if (paris) out += lang == page_language::fr ? "heure de Paris, " : "Paris time, ";
  out += zone + ")";
  return out;
}

std::string render_track_page(const api::tracking_view& view, const page_context& ctx) {
  const auto& t = text_for(ctx.lang);
  std::string out = page_head(ctx.lang, std::string(t.title) + " " + view.tracking_number + " – " +
                                            std::string(status_words(view.status, ctx.lang)));
  out += "<header class=\"summary\">\n<p class=\"carrier\">" + html_escape(ctx.carrier_name) +
         "</p>\n<h1>" + std::string(t.parcel) + " <span class=\"number\">" +
         html_escape(view.tracking_number) + "</span></h1>\n<p class=\"" +
         status_class(view.status) + "\" id=\"status\" data-status=\"" + html_escape(view.status) +
         "\">" + html_escape(status_words(view.status, ctx.lang)) + "</p>\n";
  if (!view.status_detail.empty())
    out += "<p class=\"detail\">" + html_escape(view.status_detail) + "</p>\n";
  out += "</header>\n<section aria-labelledby=\"history\">\n<h2 id=\"history\">" +
         std::string(t.history) + "</h2>\n";
  if (view.events.empty()) {
    out += "<p class=\"empty\">" + std::string(t.no_events) + "</p>\n";
  } else {
    out += "<ol class=\"timeline\" id=\"timeline\">\n";
    for (auto it = view.events.rbegin(); it != view.events.rend(); ++it)
      out += event_item(*it, ctx);
    out += "</ol>\n";
  }
  out += "</section>\n";
  out += page_foot(ctx);
  return out;
}

std::string render_track_not_found(const page_context& ctx) {
  const auto& t = text_for(ctx.lang);
  std::string out = page_head(ctx.lang, std::string(t.not_found_title));
  out += "<header class=\"summary\">\n<h1>" + std::string(t.not_found_title) +
         "</h1>\n<p class=\"detail\">" + std::string(t.not_found_body) + "</p>\n</header>\n";
  out += page_foot(ctx);
  return out;
}

std::string render_track_choice(std::string_view tracking_number,
                                const std::vector<std::pair<std::string, std::string>>& carriers,
                                const page_context& ctx) {
  const auto& t = text_for(ctx.lang);
  std::string out = page_head(ctx.lang, std::string(t.choice_title));
  out += "<header class=\"summary\">\n<h1>" + std::string(t.parcel) + " <span class=\"number\">" +
         html_escape(tracking_number) + "</span></h1>\n<p class=\"detail\">" +
         std::string(t.choice_body) + "</p>\n</header>\n<ul class=\"carriers\">\n";
  for (const auto& [id, name] : carriers)
    out += "<li><a href=\"" +
           html_escape("?carrier=" + id +
                       (ctx.postal_code.empty() ? std::string()
                                                : "&postal_code=" + query_value(ctx.postal_code)) +
                       "&lang=" + std::string(language_tag(ctx.lang))) +
           "\">" + html_escape(name) + "</a></li>\n";
  out += "</ul>\n";
  out += page_foot(ctx);
  return out;
}

std::string render_track_postal_code_form(const page_context& ctx) {
  const auto& t = text_for(ctx.lang);
  std::string out = page_head(ctx.lang, std::string(t.title));
  out += "<header class=\"summary\">\n<h1>" + std::string(t.title) + "</h1>\n<p class=\"detail\">" +
         std::string(t.verify_body) +
         "</p>\n<form class=\"verify\" method=\"get\" action=\"\">\n"
         "<label for=\"postal_code\">" +
         std::string(t.postal_code) +
         "</label>\n<input id=\"postal_code\" name=\"postal_code\" autocomplete=\"postal-code\" "
         "maxlength=\"12\" required>\n<input type=\"hidden\" name=\"lang\" value=\"" +
         std::string(language_tag(ctx.lang)) + "\">\n";
  if (!ctx.carrier.empty())
    out += "<input type=\"hidden\" name=\"carrier\" value=\"" + html_escape(ctx.carrier) + "\">\n";
  out += "<button type=\"submit\">" + std::string(t.show) + "</button>\n</form>\n</header>\n";
  out += page_foot(ctx);
  return out;
}

std::string render_track_unavailable(const page_context& ctx) {
  const auto& t = text_for(ctx.lang);
  std::string out = page_head(ctx.lang, std::string(t.unavailable_title));
  out += "<header class=\"summary\">\n<h1>" + std::string(t.unavailable_title) +
         "</h1>\n<p class=\"detail\">" + std::string(t.unavailable_body) + "</p>\n</header>\n";
  out += page_foot(ctx);
  return out;
}

std::string_view track_page_stylesheet() noexcept {
  return kStylesheet;
}

const std::string& track_page_csp() {
  static const std::string csp =
      "default-src 'none'; style-src 'sha256-" + sha256_base64(kStylesheet) +
      "'; img-src 'none'; script-src 'none'; base-uri 'none'; form-action 'self'; "
      "frame-ancestors 'none'";
  return csp;
}

}  // namespace parcelgate::web
