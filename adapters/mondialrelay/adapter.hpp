#pragma once
// Mondial Relay adapter: labels through the WSI SOAP service (WSI2_CreationEtiquette), then the
// PDF from the relative URL_Etiquette it returns; tracking by polling WSI2_TracingColisDetaille
// (tracking.hpp). Settings (carriers.mondialrelay):
//   base_url        SOAP host, e.g. "https://api.mondialrelay.com"; endpoint = base_url +
//   "/Web_Services.asmx" label_base_url  host URL_Etiquette is relative to (real service:
//   "https://www.mondialrelay.com");
//                   defaults to base_url
//   enseigne        brand code, 8 characters (^[0-9A-Z]{2}[0-9A-Z]{6}$)
//   private_key     secret of the Security hash
//   collection_mode "CCC" (Mondial Relay collects at the merchant, default) or "REL" (the merchant
//                   drops outbound parcels at any relay)
// Behaviour, mode choices and known gaps: adapters/mondialrelay/README.md.

#include <memory>

#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapters {

std::unique_ptr<carriers::carrier_adapter> make_mondialrelay_adapter();

}  // namespace parcelgate::adapters
