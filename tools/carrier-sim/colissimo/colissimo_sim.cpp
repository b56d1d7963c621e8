// Colissimo SLS sandbox: POST {prefix}/sls-ws/SlsServiceWSRest/2.0/generateLabel and
// checkGenerateLabel, answering like the real label web service: credentials inside the JSON
// body, validation errors as HTTP 400 with SLS message ids in a multipart <jsonInfos> part, and on
// success a multipart/mixed body (boundary "uuid:<uuid>") with <jsonInfos> and the raw <label>.
// checkGenerateLabel validates only and answers plain JSON. Sandbox account: contract 123456,
// password "sandbox". The point retrait SOAP service is served under
// {prefix}/pointretrait-ws-cxf/PointRetraitServiceWS/2.0 (point_retrait_sim.hpp).

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <random>

#include "gateway/labels/label.hpp"
#include "tools/carrier-sim/colissimo/point_retrait_sim.hpp"
#include "tools/carrier-sim/colissimo/sls_validation.hpp"
#include "tools/carrier-sim/sim.hpp"
#include "tools/carrier-sim/timeline.hpp"

namespace parcelgate::sim {

namespace {

namespace json = boost::json;
using namespace colissimo;

constexpr std::string_view kServicePath = "/sls-ws/SlsServiceWSRest/2.0/";
constexpr std::string_view kContract = "123456";
constexpr std::string_view kPassword = "sandbox";

std::string random_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buf;
}

// Control key of a 10-digit serial: weights 3 and 1 from the right, mod 10. It matches every
// published Colissimo number we found (adapters/colissimo/README.md).
char control_key(std::string_view serial) {
  int sum = 0, w = 3;
  for (auto it = serial.rbegin(); it != serial.rend(); ++it, w = 4 - w) sum += (*it - '0') * w;
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string jsoninfos(const std::vector<sls_error>& errors, json::value label_response) {
  auto message = [](std::string id, std::string_view type, std::string_view content) {
    return json::object{{"id", std::move(id)},
                        {"type", type},
                        {"messageContent", content},
                        {"replacementValues", json::array{}}};
  };
  json::array messages;
  for (const auto& e : errors)
    messages.push_back(message(std::to_string(e.id), "ERROR", e.content));
  if (errors.empty()) messages.push_back(message("0", "INFOS", "Requête traitée avec succès."));
  return json::serialize(json::object{{"messages", std::move(messages)},
                                      {"labelXmlV2Reponse", nullptr},
                                      {"labelV2Response", std::move(label_response)}});
}

http::response multipart(int status, const std::string& infos, const std::string* label) {
  const std::string boundary = "uuid:" + random_uuid();
  std::string body;
  body.reserve(infos.size() + (label ? label->size() : 0) + 512);
  body += "--" + boundary + "\r\nContent-Type: application/json;charset=UTF-8\r\n" +
          "Content-Transfer-Encoding: binary\r\nContent-ID: <jsonInfos>\r\n\r\n" + infos + "\r\n";
  if (label)
    body += "--" + boundary + "\r\nContent-Type: application/octet-stream\r\n" +
            "Content-Transfer-Encoding: binary\r\nContent-ID: <label>\r\n\r\n" + *label + "\r\n";
  body += "--" + boundary + "--\r\n";
  return http::response::text(
      status, std::move(body),
      "multipart/mixed; boundary=\"" + boundary + "\"; start=\"<jsonInfos>\"");
}

http::response errors_answer(bool check_only, const std::vector<sls_error>& errors) {
  std::string infos = jsoninfos(errors, nullptr);
  return check_only ? http::response::json(400, std::move(infos)) : multipart(400, infos, nullptr);
}

bool same_text(std::string_view a, std::string_view b) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  a = trim(a);
  b = trim(b);
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

// The address block as the label prints it: company, person (first and last name), street,
// complement, postcode and city, country. A person's name equal to the company name (senders
// without a company repeat their name in companyName, which SLS requires) is printed once.
std::vector<std::string> address_lines(const json::object* a) {
  std::vector<std::string> lines;
  const std::string company = text(a, "companyName");
  std::string person = text(a, "firstName");
  if (auto last = text(a, "lastName"); !last.empty()) person += (person.empty() ? "" : " ") + last;
  if (!company.empty()) lines.push_back(company);
  if (!person.empty() && !same_text(person, company)) lines.push_back(std::move(person));
  for (const char* key : {"line2", "line3"})
    if (auto v = text(a, key); !v.empty()) lines.push_back(std::move(v));
  lines.push_back(text(a, "zipCode") + " " + text(a, "city"));
  lines.push_back(text(a, "countryCode"));
  return lines;
}

class colissimo_sim final : public carrier_sim {
 public:
  // `book`: where sold parcels open their tracking timeline (nullptr: the Suivi sim adopts them
  // from the ledger).
  colissimo_sim(sales_ledger& ledger, timeline_book* book)
      : ledger_(ledger),
        book_(book),
        serial_(std::random_device{}() % 8000000000ull + 1000000000ull) {}

  std::string_view prefix() const noexcept override { return "/colissimo"; }

  http::response handle(const http::request& request) override {
    std::string_view path = request.path;
    path.remove_prefix(std::min(path.size(), prefix().size()));
    if (path == kPointRetraitPath) return serve_point_retrait(request);
    if (!path.starts_with(kServicePath)) return http::response::text(404, "Not Found");
    const std::string_view op = path.substr(kServicePath.size());
    if (op != "generateLabel" && op != "checkGenerateLabel")
      return http::response::text(404, "Not Found");
    if (request.method != "POST") {
      auto r = http::response::text(405, "Method Not Allowed");
      r.set("Allow", "POST");
      return r;
    }
    const bool check_only = op == "checkGenerateLabel";
    boost::system::error_code ec;
    json::value doc = json::parse(request.body, ec);
    if (ec || !doc.is_object())
      return errors_answer(check_only,
                           {{40017, "Données reçues illisibles : aucune étiquette produite."}});
    const json::object& root = doc.get_object();
    if (text(&root, "contractNumber") != kContract || text(&root, "password") != kPassword)
      return errors_answer(check_only, {{30000, "Identifiant ou mot de passe invalide."}});

    std::vector<sls_error> errors;
    const product* p = validate_generate_label(root, errors);
    if (!errors.empty()) return errors_answer(check_only, errors);
    if (check_only) return http::response::json(200, jsoninfos({}, nullptr));
    return sell(root, *p);
  }

  http::response busy_answer(const http::request& request) const override {
    std::string_view path = request.path;
    path.remove_prefix(std::min(path.size(), prefix().size()));
    if (path == kPointRetraitPath) return point_retrait_busy(request);
    return multipart(500, jsoninfos({{40015, "Service momentanément indisponible."}}, nullptr),
                     nullptr);
  }

 private:
  http::response sell(const json::object& root, const product& p) {
    const json::object* letter = child(&root, "letter");
    const json::object* to = child(child(letter, "addressee"), "address");
    const json::object* parcel = child(letter, "parcel");

    char serial[16];
    std::snprintf(serial, sizeof serial, "%010llu",
                  static_cast<unsigned long long>(serial_.fetch_add(1) % 10000000000ull));
    const std::string parcel_number = std::string(p.prefix) + serial + control_key(serial);
    // parcelNumberPartner: synthesized in the 28-character shape of a recorded answer.
    const double kg = number(parcel, "weight").value_or(0);
    std::string zip = text(to, "zipCode");
    zip.resize(5, '0');
    char grams[8];
    std::snprintf(grams, sizeof grams, "%05d", static_cast<int>(kg * 1000 + 0.5) % 100000);
    const std::string partner = "00" + zip + "11" + parcel_number.substr(0, 12) + "8" + grams + "L";

    labels::label_content content;
    content.carrier_name = "Colissimo";
    content.product = std::string(p.code);
    content.tracking_number = parcel_number;
    content.sender_lines = address_lines(child(child(letter, "sender"), "address"));
    content.recipient_lines = address_lines(to);
    if (p.kind == product_kind::relay)
      content.recipient_lines.push_back("Point retrait " + text(parcel, "pickupLocationId"));
    char weight[24];
    std::snprintf(weight, sizeof weight, "%.2f kg", kg);
    content.weight = weight;
    content.reference = text(child(letter, "service"), "orderNumber");
    content.routing = text(to, "zipCode") + " " + text(to, "city");
    content.matrix_code = partner;
    content.footer = "SANDBOX - NOT VALID FOR SHIPPING";
    const auto print = printing_of(text(child(&root, "outputFormat"), "outputPrintingType"));
    auto label = labels::render(content, print->format, print->size);
    if (!label && label.error().kind == error_kind::invalid_request)
      return multipart(
          400, jsoninfos({{30026, "Type d'impression impossible pour cette étiquette."}}, nullptr),
          nullptr);
    if (!label)
      return multipart(500, jsoninfos({{40015, "Service momentanément indisponible."}}, nullptr),
                       nullptr);

    if (book_) {
      const json::object* from = child(child(letter, "sender"), "address");
      const bool to_point = p.kind == product_kind::relay;
      book_->open("colissimo", parcel_number,
                  parcel_facts{.mode = to_point ? delivery_mode::point : delivery_mode::home,
                               .origin_city = text(from, "city"),
                               .destination_city = text(to, "city"),
                               .point_id = to_point ? text(parcel, "pickupLocationId") : "",
                               .point_country = to_point ? text(to, "countryCode") : ""},
                  std::chrono::system_clock::now());
    }
    ledger_.record("colissimo", text(child(letter, "sender"), "senderParcelRef"), parcel_number);
    json::object label_response{{"parcelNumber", parcel_number},
                                {"parcelNumberPartner", partner},
                                {"pdfUrl", nullptr},
                                {"fields", nullptr}};
    return multipart(200, jsoninfos({}, std::move(label_response)), &*label);
  }

  sales_ledger& ledger_;
  timeline_book* book_;
  std::atomic<std::uint64_t> serial_;
};

}  // namespace

std::unique_ptr<carrier_sim> make_colissimo_sim(sales_ledger& ledger, std::string) {
  // Colissimo returns labels inline (pdfUrl is null): the public base URL is not needed.
  return std::make_unique<colissimo_sim>(ledger, nullptr);
}

std::unique_ptr<carrier_sim> make_colissimo_sim(sales_ledger& ledger, std::string,
                                                timeline_book& book) {
  if (!book.knows_carrier("colissimo"))
    book.add_carrier(colissimo_scripts(), defaults_from_environment("colissimo", {}));
  return std::make_unique<colissimo_sim>(ledger, &book);
}

}  // namespace parcelgate::sim
