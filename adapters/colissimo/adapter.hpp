#pragma once
// Colissimo (La Poste) adapter: labels through the SLS REST web service (generateLabel).
//
// Products: DOM (home), DOS (home with signature), A2P (relay shop), BPR (post office),
// CORE (return inside France), CORI (return from another EU country). Destinations: France,
// Monaco and the EU member states; relay points in France and Monaco. Labels: PDF (10x15 or A4)
// and ZPL (10x15, 203 dpi); one parcel per label. Voiding is local: SLS has no void call and
// La Poste bills only the parcels it scans.
//
// Tracking polls La Poste Suivi v2 (tracking.hpp), up to 10 numbers per request. Collection
// points (relay shops, post offices, lockers) come from the point retrait SOAP service
// (points.hpp) with the label account.
//
// Settings (carriers.colissimo): base_url, contract_number, password (secret), commercial_name,
// tracking_url, points_url, okapi_key (secret; needed only for tracking).
// Thread-safety: immutable after configure(); operations may run concurrently.

#include <memory>

#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapters {

std::unique_ptr<carriers::carrier_adapter> make_colissimo_adapter();

}  // namespace parcelgate::adapters
