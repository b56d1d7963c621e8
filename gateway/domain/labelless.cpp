#include "gateway/domain/labelless.hpp"

#include <utility>

#include "gateway/carriers/registry.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/shipment_input.hpp"
#include "gateway/domain/shipment_json.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/telemetry/log.hpp"

namespace parcelgate {

namespace {

using kind = redeem_outcome::kind;

std::string_view network_of(std::string_view point_id) {
  return point_id.substr(0, point_id.find(':'));
}

// The request a point's purchase is made for: the return and the point. The same point scanning
// again makes the same request (a replay); another point makes another (the key refuses it).
std::string redeem_hash(std::string_view shipment_id, std::string_view point_id) {
  return sha256_hex("labelless scan\n" + std::string(shipment_id) + "\n" + std::string(point_id));
}

redeem_outcome failure(error cause) {
  return redeem_outcome{.what = kind::failed, .cause = std::move(cause)};
}

// The field paths of a purchase's problems as the scan names them.
std::vector<field_error> as_scan_fields(std::vector<field_error> errors) {
  for (auto& e : errors) {
    if (e.field == "label.format") {
      e.field = "label_format";
    } else if (e.field == "label.size") {
      e.field = "label_size";
    } else {
      e.message = "the return cannot be bought any more (" + e.field + ": " + e.message + ")";
      e.field = "return_code";
    }
  }
  return errors;
}

// The shipment as bought, with its label.
boost::asio::awaitable<redeem_outcome> bought(store::async_store& db, std::string tenant,
                                              std::string id, bool now) {
  auto row = co_await db.get_shipment(tenant, id);
  if (!row) co_return failure(std::move(row.error()));
  auto label = co_await db.get_label(tenant, id);
  if (!label) co_return failure(std::move(label.error()));
  if (!*row || !*label)
    co_return failure(
        make_error(error_kind::internal, "the label of " + id + " is not stored").error());
  co_return redeem_outcome{.what = kind::label,
                           .bought_now = now,
                           .shipment = std::move(**row),
                           .label = std::move(**label)};
}

}  // namespace

std::string labelless_purchase_key(std::string_view shipment_id) {
  return "labelless return " + std::string(shipment_id);
}

boost::asio::awaitable<redeem_outcome> redeem_return_code(store::async_store& db,
                                                          shipping_service& shipping,
                                                          const carriers::registry& carriers,
                                                          const tariffs::tariff_set* tariffs,
                                                          redeem_request r) {
  auto found = co_await db.find_labelless(r.return_code);
  if (!found) co_return failure(std::move(found.error()));
  if (!*found) co_return redeem_outcome{.what = kind::not_found};
  auto ret = std::move(**found);
  auto& row = ret.shipment;
  // A network's point hands parcels to its own carrier; the gateway's `local` network's labels
  // are printed by any point.
  if (row.carrier != network_of(r.point_id) && row.carrier != "local")
    co_return redeem_outcome{.what = kind::wrong_network, .shipment = std::move(row)};
  if (row.status == "cancelled")
    co_return redeem_outcome{.what = kind::cancelled, .shipment = std::move(row)};
  const std::string key = labelless_purchase_key(row.id);
  const std::string hash = redeem_hash(row.id, r.point_id);

  if (row.status != "awaiting_dropoff") {
    // Bought already, or its purchase is in flight or of unknown outcome: only this point's own
    // purchase is answered, from its key.
    auto held = co_await db.find_key(row.tenant, key, hash);
    if (!held) co_return failure(std::move(held.error()));
    if (!*held) {
      // The key was purged (days later): the point that redeemed the code holds its drop-off.
      const std::string dropoff = "dropoff";
      auto scan = co_await db.find_point_scan(r.point_id, row.id, dropoff);
      if (!scan) co_return failure(std::move(scan.error()));
      if (!*scan || row.tracking_number.empty())
        co_return redeem_outcome{.what = kind::other_point, .shipment = std::move(row)};
      co_return co_await bought(db, row.tenant, row.id, false);
    }
    switch ((*held)->result) {
      case store::claim::outcome::mismatch:
        co_return redeem_outcome{.what = kind::other_point, .shipment = std::move(row)};
      case store::claim::outcome::claimed:
      case store::claim::outcome::in_progress:
        co_return redeem_outcome{.what = kind::in_progress, .shipment = std::move(row)};
      case store::claim::outcome::replay:
        break;
    }
    if ((*held)->status != 201)
      co_return redeem_outcome{
          .what = kind::answered,
          .answer = {.status = (*held)->status, .body = std::move((*held)->body)}};
    co_return co_await bought(db, row.tenant, row.id, false);
  }

  // Awaiting its drop-off: buy the label now, as the return was issued, for this point.
  auto input = parse_shipment_input(ret.request_json, carriers.ids());
  if (input.malformed)
    co_return failure(
        make_error(error_kind::internal, "the stored request of " + row.id + " is unreadable")
            .error());
  input.carrier = row.carrier;  // chosen when issued (carrier auto chose then)
  if (r.format) input.request.format = *r.format;
  if (r.size) input.request.size = *r.size;
  auto command = shipping.prepare(purchase_order{.tenant = row.tenant,
                                                 .idempotency_key = key,
                                                 .request_hash = hash,
                                                 .input = std::move(input)},
                                  tariffs);
  if (!command)
    co_return redeem_outcome{.what = kind::invalid,
                             .shipment = std::move(row),
                             .fields = as_scan_fields(std::move(command.error()))};
  command->shipment_id = row.id;
  command->created_at = row.created_at;
  command->return_code = return_code_of(row.body);
  auto out = co_await shipping.purchase(std::move(*command), r.request_id);
  switch (out.what) {
    case purchase_outcome::kind::created:
      telemetry::log_info(
          "label-less return bought at a point",
          {{"request_id", r.request_id}, {"shipment_id", row.id}, {"point_id", r.point_id}});
      co_return co_await bought(db, row.tenant, row.id, true);
    case purchase_outcome::kind::replayed:
      if (out.answer.status != 201)
        co_return redeem_outcome{.what = kind::answered, .answer = std::move(out.answer)};
      co_return co_await bought(db, row.tenant, row.id, false);
    case purchase_outcome::kind::in_progress:
      co_return redeem_outcome{.what = kind::in_progress, .shipment = std::move(row)};
    case purchase_outcome::kind::key_reused:
      co_return redeem_outcome{.what = kind::other_point, .shipment = std::move(row)};
    case purchase_outcome::kind::refused:
      co_return redeem_outcome{
          .what = kind::refused, .shipment = std::move(row), .cause = std::move(out.cause)};
    case purchase_outcome::kind::outcome_unknown:
      co_return redeem_outcome{.what = kind::answered, .answer = std::move(out.answer)};
    case purchase_outcome::kind::failed:
      break;
  }
  co_return failure(std::move(out.cause));
}

}  // namespace parcelgate
