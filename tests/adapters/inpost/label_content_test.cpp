// What the InPost sandbox prints, read back as a scanner and a person would: the Code128 of the
// tracking number (pdftoppm + zbarimg), the target locker and the merchant's reference.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "adapters/inpost/adapter.hpp"
#include "tests/adapters/inpost/test_support.hpp"
#include "tests/adapters/pdf_tools.hpp"

using namespace parcelgate;

namespace {

label_result buy(const shipment_request& request) {
  sim::sales_ledger ledger;
  ::setenv("CARRIER_SIM_INPOST_CONFIRM_MS", "0", 1);
  auto simulator = sim::make_inpost_sim(ledger);
  ::unsetenv("CARRIER_SIM_INPOST_CONFIRM_MS");
  auto a = adapters::make_inpost_adapter();
  EXPECT_TRUE(a->configure(inpost_test::sandbox_settings()).empty());
  inpost_test::simulator_call call(*simulator);
  auto out = inpost_test::run(a->create_label(request, call));
  if (!out) {
    ADD_FAILURE() << out.error().message;
    return {};
  }
  return std::move(*out);
}

TEST(InpostLabelContent, the_pdf_barcode_scans_as_the_tracking_number) {
  const auto label = buy(inpost_test::locker_request());
  ASSERT_TRUE(label.label.starts_with("%PDF-"));
  const auto dir =
      std::filesystem::temp_directory_path() / ("pg-inpost-label-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "label.pdf", std::ios::binary);
    out << label.label;
  }
  pgtest_pdf::run("pdftoppm -r 300 -png -singlefile '" + (dir / "label.pdf").string() + "' '" +
                  (dir / "page").string() + "'");
  const std::string scanned =
      pgtest_pdf::run("zbarimg -q '" + (dir / "page.png").string() + "' 2>/dev/null");
  std::filesystem::remove_all(dir);
  EXPECT_NE(scanned.find("CODE-128:" + label.tracking_number), std::string::npos) << scanned;

  const std::string text = pgtest_pdf::pdf_text(label.label);
  EXPECT_NE(text.find("KRA012"), std::string::npos) << text;
  EXPECT_NE(text.find("order-2231"), std::string::npos) << text;
}

}  // namespace
