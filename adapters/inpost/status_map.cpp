// InPost code tables: every ShipX status of the /v1/statuses dictionary -> our tracking status
// (with an English description written from InPost's Polish one), and ShipX request paths named
// in validation errors -> OUR API's paths.
#include <algorithm>

#include "adapters/inpost/tracking.hpp"

namespace parcelgate::adapters::inpost {

namespace {

using s = tracking_status;

status_entry e(std::string_view name, tracking_status status, std::string_view title,
               bool at_target_point) {
  return status_entry{
      .name = name, .status = status, .title = title, .at_target_point = at_target_point};
}

const std::vector<status_entry> kStatuses = {
    e("created", s::label_created, "Shipment created", false),
    e("offers_prepared", s::label_created, "Offers prepared", false),
    e("offer_selected", s::label_created, "Offer selected", false),
    e("confirmed", s::label_created, "Prepared by the sender", false),
    e("dispatched_by_sender", s::dropped_off, "Posted in a parcel locker by the sender", false),
    e("dispatched_by_sender_to_pok", s::dropped_off, "Handed in at an InPost service point", false),
    e("collected_from_sender", s::picked_up, "Collected from the sender", false),
    e("taken_by_courier", s::picked_up, "Picked up by the courier", false),
    e("taken_by_courier_from_pok", s::picked_up, "Picked up by the courier from a service point",
      false),
    e("adopted_at_source_branch", s::in_transit, "Received at the origin branch", false),
    e("sent_from_source_branch", s::in_transit, "On its way between branches", false),
    e("adopted_at_sorting_center", s::in_transit, "Received at the sorting centre", false),
    e("sent_from_sorting_center", s::in_transit, "Sent from the sorting centre", false),
    e("adopted_at_target_branch", s::in_transit, "Received at the destination branch", false),
    e("out_for_delivery", s::out_for_delivery, "Out for delivery", false),
    e("out_for_delivery_to_address", s::out_for_delivery, "Out for delivery to the address", false),
    e("ready_to_pickup", s::available_for_pickup, "Ready to collect from the parcel locker", true),
    e("ready_to_pickup_from_pok", s::available_for_pickup, "Ready to collect at the service point",
      true),
    e("ready_to_pickup_from_pok_registered", s::available_for_pickup,
      "Ready to collect at the service point", true),
    e("ready_to_pickup_from_branch", s::available_for_pickup, "Ready to collect at the branch",
      false),
    e("pickup_reminder_sent", s::available_for_pickup, "Collection reminder sent", true),
    e("pickup_reminder_sent_address", s::delivery_failed,
      "Receiver not reached; another attempt on the next working day", false),
    e("stack_in_box_machine", s::available_for_pickup, "Stored in a temporary parcel locker",
      false),
    e("stack_in_customer_service_point", s::available_for_pickup,
      "Stored at a temporary collection point", false),
    e("unstack_from_box_machine", s::in_transit,
      "On its way from the temporary locker to the chosen one", false),
    e("unstack_from_customer_service_point", s::in_transit,
      "On its way from the temporary point to the chosen locker", false),
    e("stack_parcel_pickup_time_expired", s::in_transit,
      "Storage time at the temporary point passed; awaiting transfer", false),
    e("stack_parcel_in_box_machine_pickup_time_expired", s::in_transit,
      "Storage time in the temporary locker passed; awaiting transfer", false),
    e("courier_avizo_in_customer_service_point", s::available_for_pickup,
      "Awaiting collection at a service point", false),
    e("taken_by_courier_from_customer_service_point", s::returning_to_sender,
      "Not collected; taken back by the courier for return", false),
    e("oversized", s::exception, "Does not fit the parcel locker box", false),
    e("redirect_to_box", s::in_transit, "Redirected to a parcel locker", false),
    e("canceled_redirect_to_box", s::in_transit, "Redirection to a parcel locker not possible",
      false),
    e("readdressed", s::in_transit, "Redirected to another address", false),
    e("delay_in_delivery", s::in_transit, "Delivery delayed", false),
    e("delivered", s::delivered, "Delivered", true),
    e("pickup_time_expired", s::returning_to_sender, "Collection time expired; returning", true),
    e("avizo", s::returning_to_sender, "Receiver absent again; returning to the sender", false),
    e("rejected_by_receiver", s::returning_to_sender, "Refused by the receiver", false),
    e("undelivered", s::delivery_failed, "Not delivered", false),
    e("undelivered_wrong_address", s::delivery_failed, "Not delivered: wrong address", false),
    e("undelivered_incomplete_address", s::delivery_failed, "Not delivered: incomplete address",
      false),
    e("undelivered_unknown_receiver", s::delivery_failed, "Not delivered: unknown receiver", false),
    e("undelivered_cod_cash_receiver", s::delivery_failed,
      "Not delivered: receiver did not pay cash on delivery", false),
    e("undelivered_no_mailbox", s::delivery_failed, "Not delivered: no mailbox", false),
    e("undelivered_not_live_address", s::delivery_failed,
      "Not delivered: nobody lives at the address", false),
    e("undelivered_lack_of_access_letterbox", s::delivery_failed,
      "Not delivered: no access to the letterbox", false),
    e("returned_to_sender", s::returned_to_sender, "Returned to the sender", false),
    e("return_pickup_confirmation_to_sender", s::returned_to_sender,
      "Collected; return receipt sent to the sender", false),
    e("claimed", s::exception, "Complaint in progress", false),
    e("canceled", s::cancelled, "Cancelled", false),
    e("missing", s::exception, "Missing", false),
    e("other", s::unknown, "Other status", false),
};

struct path_rule {
  std::string_view shipx;  // a ShipX path after receiver. / sender.
  std::string_view ours;   // the field of our address
};
constexpr path_rule kAddressPaths[] = {
    {.shipx = "phone", .ours = "phone"},
    {.shipx = "email", .ours = "email"},
    {.shipx = "first_name", .ours = "name"},
    {.shipx = "last_name", .ours = "name"},
    {.shipx = "name", .ours = "name"},
    {.shipx = "company_name", .ours = "company"},
    {.shipx = "address", .ours = "line1"},
    {.shipx = "address.street", .ours = "line1"},
    {.shipx = "address.building_number", .ours = "line1"},
    {"address.line1", "line1"},
    {"address.line2", "line2"},
    {.shipx = "address.city", .ours = "city"},
    {.shipx = "address.post_code", .ours = "postal_code"},
    {.shipx = "address.country_code", .ours = "country"},
};

}  // namespace

const std::vector<status_entry>& published_statuses() {
  return kStatuses;
}

const status_entry* find_status(std::string_view name) noexcept {
  auto it = std::find_if(kStatuses.begin(), kStatuses.end(),
                         [name](const status_entry& e) { return e.name == name; });
  return it == kStatuses.end() ? nullptr : &*it;
}

tracking_status status_for(std::string_view name) noexcept {
  const auto* e = find_status(name);
  return e ? e->status : tracking_status::unknown;
}

std::string api_path(std::string_view p) {
  for (auto [prefix, side] : {std::pair{std::string_view("receiver"), std::string_view("to")},
                              std::pair{std::string_view("sender"), std::string_view("from")}}) {
    if (!p.starts_with(prefix)) continue;
    std::string_view rest = p.substr(prefix.size());
    if (rest.empty()) return std::string(side) + ".name";
    if (!rest.starts_with('.')) continue;
    rest.remove_prefix(1);
    for (const auto& rule : kAddressPaths)
      if (rest == rule.shipx) return std::string(side) + "." + std::string(rule.ours);
    return {};
  }
  if (p == "custom_attributes.target_point" || p == "target_point") return "pickup_point_id";
  if (p == "service") return "service";
  if (p == "reference" || p == "comments") return "reference";
  if (p == "parcels") return "parcels";
  if (p.starts_with("parcels[")) {
    auto close = p.find(']');
    if (close == std::string_view::npos) return "parcels";
    std::string parcel(p.substr(0, close + 1));
    std::string_view rest = p.substr(close + 1);
    if (rest.starts_with(".weight")) return parcel + ".weight_g";
    if (rest.starts_with(".dimensions") || rest.starts_with(".template"))
      return parcel + ".dimensions_mm";
    return parcel;
  }
  return {};
}

}  // namespace parcelgate::adapters::inpost
