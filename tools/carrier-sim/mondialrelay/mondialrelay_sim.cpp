// Simulated Mondial Relay: the WSI SOAP service (POST {prefix}/Web_Services.asmx, SOAP 1.1,
// dispatched on SOAPAction) with WSI2_CreationEtiquette, WSI2_TracingColisDetaille and
// WSI4_PointRelais_Recherche (points_search.hpp, points of points_data.cpp), and the label
// server (GET {prefix}/ww2/PDF/StickerMaker2.aspx) that URL_Etiquette points to.
// Sandbox account: enseigne BDTEST13, private key "PrivateK", brand code 11.
// Tracing shows the steps the parcel's scenario reached so far (timeline.hpp): by default
// PRISE EN CHARGE EN AGENCE, COLIS EN COURS D'ACHEMINEMENT, then DISPONIBLE AU POINT RELAIS
// (relay parcels) or EN COURS DE LIVRAISON (home), then COLIS LIVRÉ, one step a minute
// (CARRIER_SIM_MONDIALRELAY_STEP_SECONDS; 0: every step at once).
#include <openssl/evp.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <random>

#include <pugixml.hpp>

#include "gateway/domain/html.hpp"
#include "gateway/domain/time_zone.hpp"
#include "gateway/labels/label.hpp"
#include "tools/carrier-sim/mondialrelay/creation_rules.hpp"
#include "tools/carrier-sim/mondialrelay/points_search.hpp"
#include "tools/carrier-sim/sim.hpp"
#include "tools/carrier-sim/timeline.hpp"

namespace parcelgate::sim {

namespace {

namespace mrs = mondialrelay;

constexpr std::string_view kNamespace = "http://www.mondialrelay.fr/webservice/";
constexpr std::string_view kStickerPath = "/ww2/PDF/StickerMaker2.aspx";
constexpr std::string_view kBrandCode = "11";
constexpr std::size_t kTracingSlots = 10;  // the service pads the Tracing list with empty entries

struct sim_account {
  std::string_view enseigne, private_key;
};
constexpr sim_account kAccounts[] = {{"BDTEST13", "PrivateK"}};

struct expedition_record {
  std::string ens, crc, mode_liv, liv_rel, liv_rel_pays, expe_ville, dest_ville;
  labels::label_content content;
  std::chrono::system_clock::time_point sold_at;
  parcel_facts facts() const {
    return parcel_facts{.mode = liv_rel.empty() ? delivery_mode::home : delivery_mode::point,
                        .origin_city = expe_ville,
                        .destination_city = dest_ville,
                        .point_id = liv_rel,
                        .point_country = liv_rel_pays};
  }
};

std::string padded(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string envelope(std::string_view body) {
  return std::string(
             "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope "
             "xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
             "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>") +
         std::string(body) + "</soap:Body></soap:Envelope>";
}

http::response xml_response(int status, std::string body) {
  auto r = http::response::text(status, std::move(body), "text/xml; charset=utf-8");
  r.set("Cache-Control", "private, max-age=0");
  r.set("X-AspNet-Version", "4.0.30319");
  return r;
}

// ASP.NET answers protocol-level problems with HTTP 500 and a SOAP fault.
http::response fault(std::string_view code, std::string_view text) {
  return xml_response(500, envelope("<soap:Fault><faultcode>soap:" + std::string(code) +
                                    "</faultcode><faultstring>" + parcelgate::xml_escape(text) +
                                    "</faultstring><detail /></soap:Fault>"));
}

http::response operation_result(std::string_view operation, std::string_view fields) {
  return xml_response(
      200, envelope("<" + std::string(operation) + "Response xmlns=\"" + std::string(kNamespace) +
                    "\"><" + std::string(operation) + "Result>" + std::string(fields) + "</" +
                    std::string(operation) + "Result></" + std::string(operation) + "Response>"));
}

std::string md5_hex(std::string_view s) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(s.data(), s.size(), digest, &length, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0F]);
  }
  return out;
}

const sim_account* find_account(std::string_view enseigne) {
  for (const auto& a : kAccounts)
    if (a.enseigne == enseigne) return &a;
  return nullptr;
}

std::string get(const mrs::wsi_params& p, std::string_view name) {
  auto it = p.find(name);
  return it == p.end() ? std::string{} : it->second;
}

// The service writes tracing dates in French wall-clock time (Europe/Paris, daylight saving
// included), never in UTC.
const time_zone& france() {
  static const time_zone zone = [] {
    auto loaded = time_zone::load("Europe/Paris");
    if (!loaded) {
      std::fprintf(stderr, "carrier-sim: %s\n", loaded.error().message.c_str());
      std::exit(1);
    }
    return std::move(*loaded);
  }();
  return zone;
}

std::string format_time(std::chrono::system_clock::time_point t, const char* fmt) {
  auto s = std::chrono::floor<std::chrono::seconds>(t);
  std::time_t tt = std::chrono::system_clock::to_time_t(s + france().offset(s));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}

class mondialrelay_sim final : public carrier_sim {
 public:
  // `book`: the server's shared timeline book; nullptr: a book of its own, with the defaults of
  // the environment.
  mondialrelay_sim(sales_ledger& ledger, timeline_book* book)
      : ledger_(ledger),
        own_(book ? nullptr : std::make_unique<timeline_book>(ledger)),
        book_(book ? *book : *own_) {
    if (!book_.knows_carrier("mondialrelay"))
      book_.add_carrier(mondialrelay_scripts(), defaults_from_environment("mondialrelay", {}));
    (void)france();  // fail at start, not at the first tracing request
    std::random_device rd;
    next_expedition_ = 10'000'000 + std::uniform_int_distribution<std::uint64_t>(0, 79'000'000)(rd);
  }

  std::string_view prefix() const noexcept override { return "/mondialrelay"; }

  http::response handle(const http::request& request) override {
    std::string_view path = request.path;
    if (path.starts_with(prefix())) path.remove_prefix(prefix().size());
    if (http::iequals(path, "/Web_Services.asmx")) {
      if (request.method != "POST") return http::response::text(405, "Method Not Allowed");
      return soap(request);
    }
    if (http::iequals(path, kStickerPath) && request.method == "GET") return sticker(request);
    return http::response::text(404, "Not Found");
  }

  // STAT 99, "generic technical error of the service", for the operation named by SOAPAction;
  // label downloads get the web server's own 503.
  http::response busy_answer(const http::request& request) const override {
    std::string action(request.header("SOAPAction"));
    if (action.size() >= 2 && action.front() == '"' && action.back() == '"')
      action = action.substr(1, action.size() - 2);
    if (request.method != "POST" || !action.starts_with(kNamespace))
      return http::response::text(503, "Service Unavailable");
    return operation_result(action.substr(kNamespace.size()), "<STAT>99</STAT>");
  }

 private:
  http::response soap(const http::request& request) {
    std::string action(request.header("SOAPAction"));
    if (action.size() >= 2 && action.front() == '"' && action.back() == '"')
      action = action.substr(1, action.size() - 2);
    if (!action.starts_with(kNamespace))
      return fault("Client",
                   "Server did not recognize the value of HTTP Header SOAPAction: " + action + ".");
    std::string operation = action.substr(kNamespace.size());
    pugi::xml_document doc;
    if (!doc.load_buffer(request.body.data(), request.body.size()))
      return fault(
          "Client",
          "Server was unable to read request. ---> There is an error in XML document (1, 1).");
    auto body = doc.document_element().find_child([](pugi::xml_node n) {
      std::string_view name = n.name();
      return name == "Body" || name.ends_with(":Body");
    });
    pugi::xml_node call = body.first_child();
    std::string_view call_name = call.name();
    if (auto colon = call_name.find(':'); colon != std::string_view::npos)
      call_name.remove_prefix(colon + 1);
    if (!body || call_name != operation)
      return fault("Client",
                   "Server did not recognize the value of HTTP Header SOAPAction: " + action + ".");
    mrs::wsi_params params;
    for (auto child : call.children()) {
      std::string_view name = child.name();
      if (auto colon = name.find(':'); colon != std::string_view::npos)
        name.remove_prefix(colon + 1);
      params.emplace(std::string(name), child.child_value());
    }
    if (operation == "WSI2_CreationEtiquette") return creation(params);
    if (operation == "WSI2_TracingColisDetaille") return tracing(params);
    if (operation == "WSI4_PointRelais_Recherche") return point_search(params);
    return fault("Client",
                 "Server did not recognize the value of HTTP Header SOAPAction: " + action + ".");
  }

  // STAT 1/2/97 checks shared by every operation; nullptr when they pass.
  const sim_account* authenticate(const mrs::wsi_params& p, std::span<const std::string_view> order,
                                  int& stat) {
    std::string enseigne = get(p, "Enseigne");
    const sim_account* acct = find_account(enseigne);
    stat = enseigne.size() != 8 ? 1 : acct == nullptr ? 2 : 0;
    if (stat == 0 && get(p, "Security") != mrs::expected_security(p, order, acct->private_key))
      stat = 97;
    return stat == 0 ? acct : nullptr;
  }

  http::response creation(const mrs::wsi_params& p) {
    constexpr std::string_view op = "WSI2_CreationEtiquette";
    int stat = 0;
    const sim_account* acct = authenticate(p, mrs::kCreationOrder, stat);
    if (!acct) return operation_result(op, "<STAT>" + std::to_string(stat) + "</STAT>");
    stat = mrs::check_creation(p);
    if (stat != 0 && stat != 60)
      return operation_result(op, "<STAT>" + std::to_string(stat) + "</STAT>");

    std::string expedition = std::to_string(next_expedition_.fetch_add(1));
    expedition_record rec;
    rec.ens = std::string(acct->enseigne) + std::string(kBrandCode);
    rec.crc = md5_hex(rec.ens + expedition + std::string(acct->private_key));
    rec.mode_liv = get(p, "ModeLiv");
    rec.liv_rel = get(p, "LIV_Rel");
    rec.liv_rel_pays = get(p, "LIV_Rel_Pays");
    rec.expe_ville = get(p, "Expe_Ville");
    rec.dest_ville = get(p, "Dest_Ville");
    auto& c = rec.content;
    c.carrier_name = "Mondial Relay";
    c.product = rec.mode_liv;
    c.tracking_number = expedition;
    for (auto side : {"Expe_", "Dest_"}) {
      auto& lines = std::string_view(side) == "Expe_" ? c.sender_lines : c.recipient_lines;
      for (auto field : {"Ad1", "Ad2", "Ad3", "Ad4"})
        if (auto v = get(p, std::string(side) + field); !v.empty()) lines.push_back(v);
      lines.push_back(get(p, std::string(side) + "CP") + " " + get(p, std::string(side) + "Ville"));
      lines.push_back(get(p, std::string(side) + "Pays"));
    }
    int grams = std::stoi(get(p, "Poids"));
    c.weight = std::to_string(grams / 1000) + "." + (grams % 1000 < 100 ? "0" : "") +
               std::to_string((grams % 1000) / 10) + " kg";
    // The sender's references as the label prints them: NClient (the merchant's own reference,
    // the order number) in the reference box; NDossier (the sender's file number) only when no
    // NClient was given.
    c.reference = get(p, "NClient");
    if (c.reference.empty()) c.reference = get(p, "NDossier");
    c.routing = rec.liv_rel.empty() ? get(p, "Dest_CP") + " " + rec.dest_ville
                                    : rec.mode_liv + " " + rec.liv_rel_pays + "-" + rec.liv_rel;
    c.footer = "SANDBOX " + std::string(acct->enseigne) + " - NOT FOR SHIPPING";
    std::string crc = rec.crc, ens = rec.ens;
    rec.sold_at = std::chrono::system_clock::now();
    book_.open("mondialrelay", expedition, rec.facts(), rec.sold_at);
    {
      std::lock_guard lock(mutex_);
      expeditions_.emplace(expedition, std::move(rec));
    }
    ledger_.record("mondialrelay", get(p, "NDossier"), expedition);
    std::string url = std::string(kStickerPath) + "?ens=" + ens + "&expedition=" + expedition +
                      "&lg=FR&format=A4&crc=" + crc;
    return operation_result(op, "<STAT>" + std::to_string(stat) + "</STAT><ExpeditionNum>" +
                                    expedition + "</ExpeditionNum><URL_Etiquette>" +
                                    parcelgate::xml_escape(url) + "</URL_Etiquette>");
  }

  http::response tracing(const mrs::wsi_params& p) {
    constexpr std::string_view op = "WSI2_TracingColisDetaille";
    int stat = 0;
    if (!authenticate(p, mrs::kTracingOrder, stat))
      return operation_result(op, "<STAT>" + std::to_string(stat) + "</STAT>");
    std::string expedition = get(p, "Expedition"), language = get(p, "Langue");
    if (language.size() != 2 || !std::isupper(static_cast<unsigned char>(language[0])) ||
        !std::isupper(static_cast<unsigned char>(language[1])))
      return operation_result(op, "<STAT>74</STAT>");
    // Numbers this simulator did not sell, malformed or not, get STAT 24 (invalid expedition
    // number), as the real service answers for a number it has no parcel for.
    expedition_record rec;
    {
      std::lock_guard lock(mutex_);
      auto it = expeditions_.find(expedition);
      if (it == expeditions_.end()) return operation_result(op, "<STAT>24</STAT>");
      rec = it->second;
    }
    const auto now = std::chrono::system_clock::now();
    auto timeline = book_.view("mondialrelay", expedition, now, rec.facts());
    if (!timeline) {  // timelines forgotten (/_sim/reset): the parcel starts again from its sale
      book_.open("mondialrelay", expedition, rec.facts(), rec.sold_at);
      timeline = book_.view("mondialrelay", expedition, now, rec.facts());
    }
    if (!timeline) return operation_result(op, "<STAT>24</STAT>");
    const bool relay = !rec.liv_rel.empty();
    std::string steps;
    for (std::size_t i = 0; i < timeline->reached(); ++i) {
      const scan_step& s = timeline->steps[i];
      const auto when = timeline->times[i];
      // The point's number shows on the steps that happen there (the recipient's chosen relay).
      const bool at_point = s.place == scan_place::point && !timeline->facts.point_id.empty();
      // The sender's city until the parcel reaches the recipient's area, and again on its way
      // back; the recipient's city there (the point's city for a relay).
      const bool recipient_side =
          s.place == scan_place::destination || s.place == scan_place::point;
      const std::string& place = recipient_side ? rec.dest_ville : rec.expe_ville;
      steps += "<ret_WSI2_sub_TracingColisDetaille><Libelle>" + parcelgate::xml_escape(s.text) +
               "</Libelle><Date>" + format_time(when, "%d/%m/%y") + "</Date><Heure>" +
               format_time(when, "%H:%M") + "</Heure><Emplacement>" +
               parcelgate::xml_escape(padded(place, 26)) + "</Emplacement><Relais_Num>" +
               (at_point ? timeline->facts.point_id : "") + "</Relais_Num><Relais_Pays>" +
               (at_point ? timeline->facts.point_country : "") +
               "</Relais_Pays></ret_WSI2_sub_TracingColisDetaille>";
    }
    for (auto i = timeline->reached(); i < kTracingSlots; ++i)
      steps +=
          "<ret_WSI2_sub_TracingColisDetaille><Libelle /><Date /><Heure /><Emplacement "
          "/><Relais_Num />"
          "<Relais_Pays /></ret_WSI2_sub_TracingColisDetaille>";
    // 80 registered, 82 delivered, 83 anomaly (the latest step is one), 81 otherwise.
    const scan_step* current = timeline->current();
    const std::string_view status = current ? current->status : std::string_view{};
    const int overall = !current                ? 80
                        : status == "delivered" ? 82
                        : status == "exception" ? 83
                                                : 81;
    const std::string summary = overall == 80   ? "COLIS ENREGISTRE"
                                : overall == 82 ? "COLIS LIVRÉ"
                                : overall == 83 ? std::string(current->text)
                                                : "COLIS EN COURS DE TRAITEMENT";
    return operation_result(op, "<STAT>" + std::to_string(overall) + "</STAT><Libelle01>" +
                                    parcelgate::xml_escape(summary) +
                                    "</Libelle01><Relais_Libelle>" +
                                    (relay ? padded("POINT RELAIS " + rec.liv_rel, 32) : "") +
                                    "</Relais_Libelle><Relais_Num>" + rec.liv_rel +
                                    "</Relais_Num><Libelle02 /><Tracing>" + steps + "</Tracing>");
  }

  // Points near a place, or one point by NumPointRelais. Their numbers are valid LIV_Rel values
  // for WSI2_CreationEtiquette (24R to the point).
  http::response point_search(const mrs::wsi_params& p) {
    constexpr std::string_view op = "WSI4_PointRelais_Recherche";
    int stat = 0;
    const sim_account* acct = authenticate(p, mrs::kPointsOrder, stat);
    if (!acct) return operation_result(op, "<STAT>" + std::to_string(stat) + "</STAT>");
    auto out = mrs::search_points(p, std::string(acct->enseigne) + std::string(kBrandCode));
    if (!out.fault.empty()) return fault("Client", out.fault);
    return operation_result(op, out.result_xml);
  }

  http::response sticker(const http::request& request) {
    std::string expedition = request.query_param("expedition"), crc = request.query_param("crc");
    std::string ens = request.query_param("ens"), format = request.query_param("format");
    labels::label_content content;
    {
      std::lock_guard lock(mutex_);
      auto it = expeditions_.find(expedition);
      if (it == expeditions_.end() || !http::iequals(it->second.crc, crc) || it->second.ens != ens)
        return http::response::text(404, "Not Found");
      content = it->second.content;
    }
    // 10x15 cm stickers are 4x6 inch stock; A5 (never asked for by the adapter) has no page of
    // its own here and is printed on A4 like the default.
    label_size size = format == "10x15" ? label_size::in4x6 : label_size::a4;
    auto pdf = labels::render(content, label_format::pdf, size);
    if (!pdf) return http::response::text(500, "label rendering failed: " + pdf.error().message);
    auto r = http::response::text(200, std::move(*pdf), "application/pdf");
    r.set("Content-Disposition", "inline; filename=\"" + expedition + ".pdf\"");
    return r;
  }

  sales_ledger& ledger_;
  std::unique_ptr<timeline_book> own_;
  timeline_book& book_;
  std::atomic<std::uint64_t> next_expedition_;
  std::mutex mutex_;
  std::map<std::string, expedition_record, std::less<>> expeditions_;
};

}  // namespace

std::unique_ptr<carrier_sim> make_mondialrelay_sim(sales_ledger& ledger,
                                                   std::string /*public_base_url*/) {
  // URL_Etiquette is relative, so the public base URL is not needed by this carrier.
  return std::make_unique<mondialrelay_sim>(ledger, nullptr);
}

std::unique_ptr<carrier_sim> make_mondialrelay_sim(sales_ledger& ledger, std::string,
                                                   timeline_book& book) {
  return std::make_unique<mondialrelay_sim>(ledger, &book);
}

}  // namespace parcelgate::sim
