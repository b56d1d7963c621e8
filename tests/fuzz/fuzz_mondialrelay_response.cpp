// Mondial Relay WSI SOAP answers (adapters/mondialrelay/wire.cpp): WSI2_CreationEtiquette and
// WSI2_TracingColisDetaille results, SOAP faults, the STAT table and the label URL.
//
// Input: "<HTTP status>\n<XML body>"; a first line that is not a status reads as 200 (and
// stays part of the body).

#include <string>

#include "adapters/mondialrelay/wire.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace parcelgate;
namespace wire = parcelgate::adapters::mondialrelay;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  std::string_view in = fuzz::as_text(data, size);
  std::string_view rest = in;
  int status = fuzz::small_number(fuzz::take_line(rest), -1);
  std::string_view body = rest;
  if (status < 0) status = 200, body = in;

  if (auto created = wire::parse_creation_response(status, body)) {
    FUZZ_CHECK(status == 200);
    FUZZ_CHECK(created->stat >= 0 && created->stat <= 9999);
    if (wire::creation_succeeded(created->stat)) {
      FUZZ_CHECK(created->expedition_num.size() == 8);
      for (char c : created->expedition_num) FUZZ_CHECK(c >= '0' && c <= '9');
      FUZZ_CHECK(!created->url_etiquette.empty());
      const auto url =
          wire::label_url("https://www.mondialrelay.com", created->url_etiquette, "10x15");
      FUZZ_CHECK(url.find("format=10x15") != std::string::npos);
    } else {
      for (bool relay : {false, true}) {
        wire::delivery_plan plan;
        plan.mode_col = "CCC";
        plan.mode_liv = relay ? "24R" : "HOM";
        const error e = wire::creation_error(created->stat, plan);
        FUZZ_CHECK(!e.message.empty());
      }
    }
  } else {
    const auto& e = created.error();
    FUZZ_CHECK(!e.message.empty());
    FUZZ_CHECK(status == 200 || e.kind != error_kind::bad_gateway ||
               e.carrier_code.starts_with("HTTP"));
  }

  if (auto traced = wire::parse_tracing_response(status, body)) {
    FUZZ_CHECK(status == 200);
    FUZZ_CHECK(traced->stat >= 0 && traced->stat <= 9999);
    (void)wire::status_from_stat(traced->stat);
    for (const auto& s : traced->steps) {
      FUZZ_CHECK(!s.label.empty() || !s.date.empty());
      (void)wire::status_from_label(s.label);
    }
  } else {
    FUZZ_CHECK(!traced.error().message.empty());
  }
  return 0;
}
