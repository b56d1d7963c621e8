// Contract files (gateway/tariffs: yaml_reader, tariff_loader, tariff_compile): the input is one
// YAML document loaded as a contract file. A contract that loads is then priced for a parcel to
// every zone it defines, with the pricing invariants checked.

#include <string>
#include <utility>
#include <vector>

#include "gateway/tariffs/tariff.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/pricing_checks.hpp"

using namespace parcelgate;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::vector<std::pair<std::string, std::string>> docs = {
      {"fuzz.yaml", std::string(fuzz::as_text(data, size))}};
  const auto loaded = tariffs::load_documents(docs);
  if (!loaded) {
    FUZZ_CHECK(!loaded.error().empty());
    for (const auto& p : loaded.error()) {
      FUZZ_CHECK(p.file == "fuzz.yaml");
      FUZZ_CHECK(!p.message.empty());
      FUZZ_CHECK(p.line >= 0);
    }
    return 0;
  }
  const auto& set = **loaded;
  FUZZ_CHECK(!set.contracts().empty());
  for (std::size_t i = 0; i < set.contracts().size(); ++i) {
    const auto& c = set.contracts()[i];
    FUZZ_CHECK(set.find(c.id) == i);
    FUZZ_CHECK(c.valid_from <= c.valid_to);
    FUZZ_CHECK(c.currency.size() == 3);
    for (char ch : c.currency) FUZZ_CHECK(ch >= 'A' && ch <= 'Z');
    FUZZ_CHECK(!c.zones.empty() && c.zones.size() <= tariffs::kMaxZones);
    FUZZ_CHECK(!c.services.empty());
    for (const auto& z : c.zones) {
      FUZZ_CHECK(!z.countries.empty());
      // A parcel into the zone: its first country, and a postal code its first pattern accepts.
      std::string postal = "1";
      if (!z.postal_codes.empty()) {
        postal = z.postal_codes.front();
        if (postal.ends_with('*')) postal.back() = '1';
      }
      const auto zone = set.zone_of(i, z.countries.front(), postal);
      FUZZ_CHECK(zone.has_value());  // first match: this zone or one before it
      FUZZ_CHECK(&c.zones[*zone] <= &z);
      for (int weight : {1, 1500, 40'000}) {
        tariffs::quote_request r;
        r.from_country = "FR";
        r.from_postal_code = "75001";
        r.to_country = z.countries.front();
        r.to_postal_code = postal;
        r.parcels = {{weight, 300, 200, 100}};
        r.date = c.valid_from;
        fuzz::check_quotes(set, r);
        r.dir = direction::return_;
        std::swap(r.from_country, r.to_country);
        std::swap(r.from_postal_code, r.to_postal_code);
        fuzz::check_quotes(set, r);
      }
    }
  }
  return 0;
}
