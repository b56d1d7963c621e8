#include "adapters/colissimo/wire.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

#include "gateway/http/message.hpp"

namespace parcelgate::adapters::colissimo {

namespace json = boost::json;

namespace {

constexpr std::string_view kTrackingPage = "https://www.laposte.fr/outils/suivre-vos-envois?code=";

bool is_relay_product(std::string_view code) noexcept {
  return code == "A2P" || code == "BPR";
}

// The first `max_chars` UTF-8 characters of `s` (never cuts a multi-byte sequence).
std::string utf8_prefix(std::string_view s, std::size_t max_chars) {
  std::size_t chars = 0, i = 0;
  while (i < s.size()) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) break;
      ++chars;
    }
    ++i;
  }
  return std::string(s.substr(0, i));
}

std::string_view trim(std::string_view s) noexcept {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

void put_if(json::object& o, std::string_view key, std::string_view value) {
  if (!value.empty()) o[key] = value;
}

json::object wire_address(const address& a, bool company_required) {
  json::object out;
  if (!a.company.empty())
    out["companyName"] = a.company;
  else if (company_required)
    out["companyName"] = a.name;
  put_if(out, "lastName", a.name);
  put_if(out, "line2", a.line1);  // SLS line2 is the street line (mandatory); line3 the complement
  put_if(out, "line3", a.line2);
  out["countryCode"] = a.country;
  out["city"] = a.city;
  out["zipCode"] = a.postal_code;
  put_if(out, "email", a.email);
  return out;
}

// Hundredths of a kilogram, rounded up, at least 1.
int hundredths_kg(int weight_g) noexcept {
  return weight_g <= 0 ? 1 : (weight_g + 9) / 10;
}

// Two decimals, locale-independent: the SLS examples write kilograms as plain decimals.
std::string kg_text(int weight_g) {
  const int hundredths = hundredths_kg(weight_g);
  std::string frac = std::to_string(hundredths % 100);
  if (frac.size() < 2) frac.insert(0, "0");
  return std::to_string(hundredths / 100) + "." + frac;
}

std::string json_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_null()) return {};
  return json::serialize(v);
}

std::string member_text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? json_text(*v) : std::string{};
}

int retry_after_seconds(std::string_view value) noexcept {
  value = trim(value);
  int seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || ptr != value.data() + value.size() || seconds < 0) return 0;
  return seconds;
}

error carrier_error(error_kind kind, std::string message, std::string code, std::string text) {
  return error{
      kind, std::move(message), {}, std::string(kCarrierId), std::move(code), std::move(text), 0};
}

// Header lines of one MIME part -> content id and type.
void read_part_headers(std::string_view headers, mime_part& part) {
  while (!headers.empty()) {
    auto eol = headers.find('\n');
    std::string_view line = trim(headers.substr(0, eol));
    headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 1);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (http::iequals(name, "Content-ID")) {
      if (value.size() >= 2 && value.front() == '<' && value.back() == '>')
        value = value.substr(1, value.size() - 2);
      part.content_id = std::string(value);
    } else if (http::iequals(name, "Content-Type")) {
      part.content_type = std::string(value);
    }
  }
}

// Position of `delim` at the start of a line, at or after `from`.
std::size_t find_delimiter(std::string_view body, std::string_view delim, std::size_t from) {
  for (auto p = body.find(delim, from); p != std::string_view::npos; p = body.find(delim, p + 1))
    if (p == 0 || body[p - 1] == '\n') return p;
  return std::string_view::npos;
}

}  // namespace

std::string_view output_printing_type(label_format format, label_size size) noexcept {
  if (format == label_format::pdf)
    return size == label_size::a4 ? "PDF_A4_300dpi" : "PDF_10x15_300dpi";
  if (format == label_format::zpl && size != label_size::a4) return "ZPL_10x15_203dpi";
  return "";  // PNG, or ZPL on A4: Colissimo has no such printing type
}

std::optional<label_size> printed_size(std::string_view output_printing_type) noexcept {
  if (output_printing_type == "PDF_A4_300dpi") return label_size::a4;
  if (output_printing_type.find("_10x15_") != std::string_view::npos) return label_size::in4x6;
  return std::nullopt;
}

double weight_kg(int weight_g) noexcept {
  return hundredths_kg(weight_g) / 100.0;
}

std::string sender_parcel_ref(std::string_view shipment_id) {
  if (shipment_id.size() > kMaxSenderParcelRef && shipment_id.starts_with("shp_"))
    shipment_id.remove_prefix(4);
  if (shipment_id.size() > kMaxSenderParcelRef)
    shipment_id.remove_prefix(shipment_id.size() - kMaxSenderParcelRef);
  return std::string(shipment_id);
}

std::string compact_phone(std::string_view phone) {
  std::string out;
  for (char c : phone)
    if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')' && c != '\t') out.push_back(c);
  if (out.starts_with("00")) out.replace(0, 2, "+");  // SLS phone fields hold 12 characters at most
  return out;
}

std::string build_generate_label_request(const shipment_request& request, const account& acct,
                                         const label_order& order) {
  const bool relay = is_relay_product(order.product_code);
  const bool is_return = request.dir == direction::return_;

  json::object service;
  service["productCode"] = order.product_code;
  service["depositDate"] = order.deposit_date;
  if (!request.reference.empty())
    service["orderNumber"] = utf8_prefix(request.reference, kMaxOrderNumber);
  service["commercialName"] = utf8_prefix(acct.commercial_name, kMaxCommercialName);
  // Outside France the parcel needs an instruction for non-delivery: 2 = back to the sender.
  if (!is_return && request.to.country != "FR" && request.to.country != "MC")
    service["returnTypeChoice"] = 2;

  const int weight_g = request.parcels.empty() ? 0 : request.parcels.front().weight_g;
  json::object parcel;
  parcel["weight"] = weight_kg(weight_g);
  if (relay) parcel["pickupLocationId"] = request.pickup_point_id;

  json::object sender_address = wire_address(request.from, !is_return);
  if (!request.from.phone.empty())
    sender_address["phoneNumber"] = compact_phone(request.from.phone);
  json::object sender{{"senderParcelRef", sender_parcel_ref(request.shipment_id)},
                      {"address", std::move(sender_address)}};

  json::object addressee_address = wire_address(request.to, is_return);
  // Relay products notify the recipient by SMS, so the number goes to mobileNumber.
  if (!request.to.phone.empty())
    addressee_address[relay ? "mobileNumber" : "phoneNumber"] = compact_phone(request.to.phone);
  json::object addressee{{"address", std::move(addressee_address)}};

  json::object root{
      {"contractNumber", acct.contract_number},
      {"password", acct.password},
      {"outputFormat", {{"x", 0}, {"y", 0}, {"outputPrintingType", order.output_printing_type}}},
      {"letter",
       {{"service", std::move(service)},
        {"parcel", std::move(parcel)},
        {"sender", std::move(sender)},
        {"addressee", std::move(addressee)}}}};

  // Boost.JSON prints doubles in exponent form ("1.25E0"); write the weight as "1.25" instead.
  std::string text = json::serialize(root);
  const std::string printed = "\"weight\":" + json::serialize(json::value(weight_kg(weight_g)));
  if (auto at = text.find(printed); at != std::string::npos)
    text.replace(at, printed.size(), "\"weight\":" + kg_text(weight_g));
  return text;
}

std::string multipart_boundary(std::string_view content_type) {
  std::string_view rest = content_type;
  while (!rest.empty()) {
    auto semi = rest.find(';');
    std::string_view param = trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    auto eq = param.find('=');
    if (eq == std::string_view::npos || !http::iequals(trim(param.substr(0, eq)), "boundary"))
      continue;
    std::string_view value = trim(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return {};
}

result<std::vector<mime_part>> split_multipart(std::string_view body, std::string boundary) {
  if (boundary.empty()) {
    std::string_view head = body.substr(0, body.find('\n'));
    head = trim(head);
    if (head.size() < 3 || head.substr(0, 2) != "--")
      return make_error(error_kind::bad_gateway,
                        "Colissimo answered a multipart body without a boundary");
    boundary = std::string(head.substr(2));
  }
  const std::string delim = "--" + boundary;
  std::vector<mime_part> parts;
  std::size_t pos = find_delimiter(body, delim, 0);
  bool closed = false;
  while (pos != std::string_view::npos) {
    const std::size_t after = pos + delim.size();
    if (body.substr(after, 2) == "--") {  // closing delimiter
      closed = true;
      break;
    }
    const std::size_t eol = body.find('\n', after);
    if (eol == std::string_view::npos) break;
    const std::size_t start = eol + 1;
    const std::size_t next = find_delimiter(body, delim, start);
    // A part without a following delimiter means the body was cut: its bytes (a label,
    // perhaps) are incomplete and must not be taken for a whole answer.
    if (next == std::string_view::npos) break;
    std::size_t end = next;
    // The line break before a delimiter belongs to the delimiter, not to the part's bytes.
    if (next != std::string_view::npos && end > start && body[end - 1] == '\n') {
      --end;
      if (end > start && body[end - 1] == '\r') --end;
    }
    std::string_view raw = body.substr(start, end - start);
    std::size_t blank = std::string_view::npos, skip = 0;
    if (auto crlf = raw.find("\r\n\r\n"); crlf != std::string_view::npos) blank = crlf, skip = 4;
    if (auto lf = raw.find("\n\n"); lf != std::string_view::npos && lf < blank)
      blank = lf, skip = 2;
    if (raw.starts_with("\r\n"))
      blank = 0, skip = 2;
    else if (raw.starts_with("\n"))
      blank = 0, skip = 1;
    if (blank == std::string_view::npos)
      return make_error(error_kind::bad_gateway,
                        "Colissimo answered a multipart part without headers");
    mime_part part;
    read_part_headers(raw.substr(0, blank), part);
    part.body = std::string(raw.substr(blank + skip));
    parts.push_back(std::move(part));
    pos = next;
  }
  if (!closed)
    return make_error(error_kind::bad_gateway,
                      "Colissimo's multipart answer is truncated (no closing delimiter)");
  if (parts.empty())
    return make_error(error_kind::bad_gateway, "Colissimo answered a multipart body without parts");
  // Tolerate parts without Content-ID: the JSON part is jsonInfos, the first other one the label.
  bool have_label = std::any_of(parts.begin(), parts.end(),
                                [](const mime_part& p) { return p.content_id == "label"; });
  for (auto& p : parts) {
    if (!p.content_id.empty()) continue;
    if (p.content_type.find("json") != std::string::npos) {
      p.content_id = "jsonInfos";
    } else if (!have_label) {
      p.content_id = "label";
      have_label = true;
    }
  }
  return parts;
}

result<sls_answer> read_answer(std::string_view content_type, std::string_view body) {
  sls_answer answer;
  std::string json_text_part;
  const std::string_view trimmed = trim(body);
  const bool multipart =
      content_type.find("multipart/") != std::string_view::npos || trimmed.starts_with("--");
  if (multipart) {
    auto parts = split_multipart(body, multipart_boundary(content_type));
    // A Content-Type boundary that the body does not use: fall back to the body's own delimiter.
    if (!parts && trimmed.starts_with("--")) parts = split_multipart(trimmed, {});
    if (!parts) return std::unexpected(parts.error());
    bool found = false;
    for (auto& p : *parts) {
      if (p.content_id == "jsonInfos")
        json_text_part = std::move(p.body), found = true;
      else if (p.content_id == "label")
        answer.label = std::move(p.body);
      else if (p.content_id == "cn23")
        answer.cn23 = std::move(p.body);
    }
    if (!found)
      return make_error(error_kind::bad_gateway, "Colissimo answered without a <jsonInfos> part");
  } else if (trimmed.starts_with("{")) {
    json_text_part = std::string(trimmed);
  } else {
    return make_error(error_kind::bad_gateway,
                      "Colissimo answered a body that is neither multipart nor JSON");
  }

  boost::system::error_code ec;
  json::value doc = json::parse(json_text_part, ec);
  if (ec || !doc.is_object())
    return make_error(error_kind::bad_gateway, "Colissimo answered JSON that cannot be parsed");
  const json::object& root = doc.get_object();
  const json::value* messages = root.if_contains("messages");
  const json::value* label = root.if_contains("labelV2Response");
  if (!messages && !label)
    return make_error(error_kind::bad_gateway, "Colissimo answered JSON without messages");
  if (messages && messages->is_array()) {
    for (const auto& item : messages->get_array()) {
      if (!item.is_object()) continue;
      const auto& m = item.get_object();
      sls_message msg{
          member_text(m, "id"), member_text(m, "type"), member_text(m, "messageContent"), {}};
      if (const auto* values = m.if_contains("replacementValues"); values && values->is_array())
        for (const auto& v : values->get_array()) msg.replacement_values.push_back(json_text(v));
      answer.messages.push_back(std::move(msg));
    }
  }
  if (label && label->is_object()) {
    answer.parcel_number = member_text(label->get_object(), "parcelNumber");
    answer.parcel_number_partner = member_text(label->get_object(), "parcelNumberPartner");
  }
  return answer;
}

result<label_result> parse_generate_label_response(const carriers::outbound_response& response,
                                                   const label_order& order, label_format format) {
  const int status = response.status;
  const std::string http_code = "HTTP " + std::to_string(status);
  const std::string_view content_type = http::find_header(response.headers, "Content-Type");
  const int retry_after = retry_after_seconds(http::find_header(response.headers, "Retry-After"));

  // Which failures free the Idempotency-Key: only answers that prove nothing was sold. A 429 is
  // a refusal by definition (RFC 6585); an SLS answer carrying ERROR messages is Colissimo's own
  // refusal. A 5xx or an error status without SLS's JSON (an HTML page from a load balancer or
  // proxy, an empty body) may arrive after the back end printed the label: outcome unknown.
  if (status == 429) {
    error e = carrier_error(error_kind::rate_limited, "Colissimo is throttling the gateway",
                            http_code, response.body.substr(0, 200));
    e.retry_after_s = retry_after;
    return fail(not_sold(std::move(e)));
  }
  auto answer = read_answer(content_type, response.body);
  const bool refused_by_sls =
      answer && std::any_of(answer->messages.begin(), answer->messages.end(),
                            [](const sls_message& m) { return m.type == "ERROR"; });
  if (status >= 500) {
    std::string text = answer && !answer->messages.empty() ? answer->messages.front().content
                                                           : response.body.substr(0, 200);
    error e = carrier_error(error_kind::unavailable, "Colissimo is unavailable", http_code,
                            std::move(text));
    e.retry_after_s = retry_after;
    return fail(refused_by_sls ? not_sold(std::move(e)) : std::move(e));
  }
  if (!answer) {
    const bool denied = status == 401 || status == 403;
    return fail(
        carrier_error(denied ? error_kind::auth_failed : error_kind::bad_gateway,
                      denied ? "Colissimo refused the gateway's account" : answer.error().message,
                      http_code, response.body.substr(0, 200)));
  }
  if (refused_by_sls) return fail(not_sold(map_messages(answer->messages)));
  if (status != 200)
    return fail(carrier_error(error_kind::bad_gateway,
                              "Colissimo answered an error status without a message", http_code,
                              {}));
  if (answer->parcel_number.empty() || answer->label.empty())
    return fail(carrier_error(error_kind::bad_gateway,
                              "Colissimo answered without a parcel number or label", http_code,
                              {}));

  label_result out;
  out.tracking_number = answer->parcel_number;
  out.carrier_service = order.product_code;
  out.label = std::move(answer->label);
  out.format = format;
  out.size = printed_size(order.output_printing_type);
  out.tracking_url = tracking_url(out.tracking_number);
  out.carrier_reference = answer->parcel_number_partner;
  return out;
}

std::string tracking_url(std::string_view parcel_number) {
  return std::string(kTrackingPage) + std::string(parcel_number);
}

int parcel_number_key(std::string_view serial) noexcept {
  if (serial.size() != 10) return -1;
  int sum = 0, weight = 3;
  for (auto it = serial.rbegin(); it != serial.rend(); ++it) {
    if (*it < '0' || *it > '9') return -1;
    sum += (*it - '0') * weight;
    weight = weight == 3 ? 1 : 3;
  }
  return (10 - sum % 10) % 10;
}

bool valid_parcel_number(std::string_view n) noexcept {
  if (n.size() != 13) return false;
  auto alnum = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); };
  if (!alnum(n[0]) || !alnum(n[1])) return false;
  const int key = parcel_number_key(n.substr(2, 10));
  return key >= 0 && n[12] == static_cast<char>('0' + key);
}

}  // namespace parcelgate::adapters::colissimo
