// The QR code of a label-less return (docs/labelless-returns.md):
//   GET /v1/shipments/{id}/qr?format=png|svg
// The symbol encodes the return code alone (11 symbols, canonical form): a collection point's
// scanner reads it and sends it as the return_code of a drop-off, which buys the label there.

#include <boost/json.hpp>

#include <string>

#include "gateway/api/gateway_api.hpp"
#include "gateway/api/route_support.hpp"
#include "gateway/domain/return_code.hpp"
#include "gateway/domain/shipment_cache.hpp"
#include "gateway/labels/qr_code.hpp"
#include "gateway/store/async_store.hpp"

namespace parcelgate::api {

namespace {

using task_response = boost::asio::awaitable<http::response>;

// The members of a stored shipment body the QR code depends on.
struct code_and_status {
  std::string code, status;
};

code_and_status code_and_status_of(std::string_view body) {
  code_and_status out;
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return out;
  const auto& o = v.as_object();
  if (const auto* c = o.if_contains("return_code"); c && c->is_string())
    out.code = std::string(c->as_string());
  if (const auto* s = o.if_contains("status"); s && s->is_string())
    out.status = std::string(s->as_string());
  return out;
}

task_response get_qr(context& ctx, api_deps& deps) {
  const auto id = ctx.param("id");
  auto not_found = [&](std::string detail) {
    return problem(ctx, 404, "not-found", "Not found", std::move(detail));
  };
  std::vector<field_error> errors;
  static constexpr std::string_view kAllowed[] = {"format"};
  reject_unknown_query(ctx.request, kAllowed, errors);
  bool given = false;
  std::string format = ctx.request.query_param("format", &given);
  if (!given) format = "png";
  if (format != "png" && format != "svg") errors.push_back({"format", "must be png or svg"});
  if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));
  if (!valid_prefixed_id(id, "shp_")) co_return not_found("no shipment " + std::string(id));

  const std::string scope = ctx.tenant_scope();
  std::string body;
  if (auto hit = deps.cache.get(id); hit && (scope.empty() || hit->tenant == scope)) {
    body = *hit->body;
  } else {
    const std::string wanted(id);
    auto found = co_await deps.db.get_shipment(scope, wanted);
    if (!found) co_return error_response(found.error(), ctx.request_id);
    if (!*found) co_return not_found("no shipment " + std::string(id));
    body = std::move((*found)->body);
  }
  const auto held = code_and_status_of(body);
  const auto code = normalize_return_code(held.code);
  if (!code)
    co_return not_found("shipment " + std::string(id) +
                        " is not a label-less return: it has a label, no return code");
  if (held.status == "cancelled")
    co_return problem(
        ctx, 410, "return-code-voided", "The return code was voided",
        "shipment " + std::string(id) + " is cancelled: its return code must not be shown or used");
  auto image = format == "svg" ? labels::qr_svg(*code) : labels::qr_png(*code);
  if (!image) co_return error_response(image.error(), ctx.request_id);
  auto res =
      http::response::text(200, std::move(*image), format == "svg" ? "image/svg+xml" : "image/png");
  res.fields.push_back(
      {"Content-Disposition", "inline; filename=\"" + std::string(id) + "-qr." + format + "\""});
  res.fields.push_back({"Cache-Control", "private, max-age=86400"});
  co_return res;
}

route_doc qr_doc() {
  route_doc d;
  d.operation_id = "getShipmentQrCode";
  d.tag = "Shipments";
  d.description =
      "The QR code of a label-less return (label.mode labelless): it encodes the return code, "
      "which a collection point of the return's network scans to have the label bought and "
      "printed there. PNG (1-bit, 8 px per module) or SVG, with the 4-module quiet zone.";
  d.params = {
      {"id", "path", true, R"({"$ref": "#/components/schemas/ShipmentId"})", "The shipment id"},
      query_param("format", R"({"type": "string", "enum": ["png", "svg"], "default": "png"})",
                  "Image format")};
  const char* binary = R"({"type": "string", "format": "binary"})";
  d.responses = {
      answer(200, "The QR code", {media("image/png", binary), media("image/svg+xml", binary)},
             {"Content-Disposition", "Cache-Control"}),
      answer(404, "No such shipment for this key's tenant, or a shipment with a printed label"),
      answer(410, "The return was cancelled: its code is void"),
      answer(422, "Invalid or unknown query parameters")};
  return d;
}

}  // namespace

void add_labelless_routes(router& r, api_deps& deps) {
  auto* d = &deps;
  r.add(
      "GET", "/v1/shipments/{id}/qr", merchant | ops,
      "The QR code of a label-less return (PNG or SVG)", [d](context& c) { return get_qr(c, *d); },
      qr_doc());
}

}  // namespace parcelgate::api
