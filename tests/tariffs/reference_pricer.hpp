#pragma once
// A deliberately plain second implementation of DESIGN §7, written from the text of the
// design and sharing no code with gateway/tariffs: names instead of indexes, maps instead of
// tables, dates compared as "YYYY-MM-DD" strings, percents in thousandths, rounding written
// out for non-negative numbers. The differential test checks the engine against it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parcelgate::tariffs::reference {

struct ref_zone {
  std::string name;
  std::vector<std::string> countries;
  std::vector<std::string> postal_codes;  // "75001" or "75*"
};

struct ref_band {
  int max_g = 0;
  std::map<std::string, long long> price;  // zone name -> price; absent = no price
};

struct ref_service {
  std::string name;  // "home", "pickup_point", ...
  int divisor = 0;   // 0 = none
  std::map<std::string, int> transit;
  std::vector<ref_band> bands;
};

struct ref_surcharge {
  std::string name;
  long long percent_thousandths = -1;  // -1 = amount surcharge
  long long amount = 0;
  std::vector<std::string> zones, services;
  long long weight_over = -1, side_over = -1;
};

struct ref_contract {
  std::string id, carrier, valid_from, valid_to;
  std::vector<std::string> tenants;
  std::vector<ref_zone> zones;
  std::vector<ref_service> services;
  std::vector<std::pair<std::string, long long>> discounts;  // name, thousandths of a percent
  std::vector<ref_surcharge> surcharges;
  long long returns_thousandths = -1;  // -1 = no returns
};

struct ref_parcel {
  int weight = 0, length = 0, width = 0, height = 0;
};

struct ref_request {
  bool is_return = false;
  std::string from_country, from_postal, to_country, to_postal;
  std::vector<ref_parcel> parcels;
  std::string service;
  std::string date;    // YYYY-MM-DD
  std::string tenant;  // empty = no restriction
};

struct ref_result {
  std::string refusal;  // empty when priced; else the reason code name used by the engine
  long long total = 0;
  int transit = -1;
};

ref_result price(const ref_contract& c, const ref_request& r);

// The contract as a YAML file in the documented format.
std::string to_yaml(const ref_contract& c);

}  // namespace parcelgate::tariffs::reference
