// `parcelctl` run as a child process: quote JSON, the streaming comparison outputs, warnings,
// and `keys list` alignment (issue 7).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <boost/json.hpp>
#include <regex>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/tariffs/compare.hpp"
#include "gateway/tariffs/quote_json.hpp"
#include "gateway/tariffs/text_width.hpp"

namespace parcelgate::tariffs {
namespace {

namespace fs = std::filesystem;

struct run_result {
  int status = -1;
  std::string out, err;
};

// Runs `parcelctl ARGS` (a shell fragment) with `env` prepended; captures stdout and stderr.
run_result parcelctl(const std::string& args, const std::string& env = "") {
  static int counter = 0;
  const fs::path err_file = fs::temp_directory_path() / ("pgcli-err-" + std::to_string(getpid()) +
                                                         "-" + std::to_string(++counter));
  const std::string command = "cd '" + std::string(PG_SOURCE_DIR) + "' && " + env + " '" +
                              PARCELCTL + "' " + args + " 2>'" + err_file.string() + "'";
  run_result r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    r.out.append(buffer, n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_file);
  r.err.assign(std::istreambuf_iterator<char>(err), {});
  fs::remove(err_file);
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// Fields of one CSV line, separators inside quotes excluded.
std::size_t field_count(const std::string& line) {
  std::size_t n = 1;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) ++n;
  }
  return n;
}

class temp_dir {
 public:
  temp_dir() {
    path_ = fs::temp_directory_path() / ("pgcli-" + std::to_string(getpid()) + "-" +
                                         std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(path_);
  }
  ~temp_dir() { fs::remove_all(path_); }
  std::string file(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name, std::ios::binary) << content;
    return (path_ / name).string();
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

const std::string kHeader =
    "date,direction,from_country,from_postal_code,to_country,to_postal_code,weight_g,length_mm,"
    "width_mm,height_mm,service,carrier,contract,billed_amount\n";

// Issue 7: the CLI printed breakdown lines as {"label": "discount:negotiated"}, unlike the
// API's {"kind", "name"}. It now prints POST /v1/rates's document plus the date.
TEST(parcelctl_cli, quote_json_has_the_api_shape) {
  auto r = parcelctl(
      "tariffs quote --from FR:75001 --to FR:69001 --weight-g 1200 --date 2026-06-01 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  auto doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("date").as_string(), "2026-06-01");
  const auto& quotes = doc.at("quotes").as_array();
  ASSERT_FALSE(quotes.empty());
  bool saw_discount = false;
  for (const auto& q : quotes)
    for (const auto& l : q.at("breakdown").as_array()) {
      const auto& line = l.as_object();
      EXPECT_FALSE(line.contains("label"));
      EXPECT_TRUE(line.at("kind").is_string());
      EXPECT_TRUE(line.at("name").is_string());
      EXPECT_TRUE(line.at("amount").is_int64());
      if (line.at("kind") == "discount") {
        saw_discount = true;
        EXPECT_FALSE(line.at("name").as_string().empty());
      }
    }
  EXPECT_TRUE(saw_discount);
  // Exactly the API's rendering of the same request.
  auto set = load_dir(fs::path(PG_SOURCE_DIR) / "config/tariffs");
  ASSERT_TRUE(set);
  quote_request request;
  request.from_country = "FR";
  request.from_postal_code = "75001";
  request.to_country = "FR";
  request.to_postal_code = "69001";
  request.parcels = {priced_parcel{1200, 0, 0, 0}};
  request.date = parse_date("2026-06-01");
  doc.erase("date");
  EXPECT_EQ(boost::json::value(doc),
            boost::json::value(quotes_to_json((*set)->quote_all(request))));
}

TEST(parcelctl_cli, per_shipment_csv_has_one_line_per_shipment) {
  temp_dir dir;
  const auto shipments =
      dir.file("s.csv", kHeader + "2026-03-02,outbound,FR,75011,FR,69001,800,,,,home,,,\n" +
                            "2026-03-02,,FR,75011,BE,1000,800,,,,pickup_point,,,\n" +
                            "2026-03-02,outbound,FR,75011,FR,69001,huge,,,,home,,,\n" +
                            "2026-03-02,outbound,FR,75011,US,10001,800,,,,home,,,\n");
  const auto out = dir.path("per.csv");
  auto r = parcelctl("tariffs compare --shipments '" + shipments +
                     "' --format csv --per-shipment --output '" + out + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(out);
  auto lines = lines_of(std::string(std::istreambuf_iterator<char>(in), {}));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].rfind("line,error,date,direction,", 0), 0u);
  EXPECT_NE(lines[0].find(",price:colissimo-2026,reason:colissimo-2026,"), std::string::npos);
  EXPECT_EQ(lines[1].rfind("2,,2026-03-02,outbound,FR,75011,FR,69001,800,,,,home,", 0), 0u);
  EXPECT_EQ(lines[2].rfind("3,,2026-03-02,outbound,FR,75011,BE,1000,", 0), 0u);  // blank = out
  EXPECT_EQ(lines[3].rfind("4,\"weight_g: expected an integer 1..100000000, got 'huge'\",,", 0),
            0u);
  EXPECT_NE(lines[4].find("no_zone"), std::string::npos);  // nobody carries to the US
  // Every line has the header's number of fields.
  for (const auto& l : lines) EXPECT_EQ(field_count(l), field_count(lines[0])) << l;

  // --per-shipment only makes sense as CSV.
  auto wrong = parcelctl("tariffs compare --shipments '" + shipments + "' --per-shipment");
  EXPECT_EQ(wrong.status, 2);
  EXPECT_NE(wrong.err.find("--per-shipment writes CSV: add --format csv"), std::string::npos);
}

TEST(parcelctl_cli, audit_csv_lists_every_flagged_row_and_html_says_how_many_it_shows) {
  temp_dir dir;
  std::string csv = kHeader;
  for (int i = 0; i < 7; ++i)
    csv += "2026-03-02,outbound,FR,75011,FR,69001,800,,,,home,colissimo,colissimo-2026,99.00\n";
  const auto shipments = dir.file("s.csv", csv);
  auto audit = parcelctl("tariffs compare --shipments '" + shipments +
                         "' --format csv --audit --max-examples 2");
  ASSERT_EQ(audit.status, 0) << audit.err;
  auto lines = lines_of(audit.out);
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[0], "line,contract,carrier,zone,billed,priced,difference,detail");
  EXPECT_EQ(lines[7].rfind("8,colissimo-2026,colissimo,FR,99.00,", 0), 0u);
  EXPECT_NE(lines[7].find("billed above the contract price"), std::string::npos);

  auto html =
      parcelctl("tariffs compare --shipments '" + shipments + "' --format html --max-examples 2");
  ASSERT_EQ(html.status, 0) << html.err;
  EXPECT_NE(html.out.find("showing 2 of 7 flagged rows; run `parcelctl tariffs compare --format "
                          "csv --audit` (same options) for all of them"),
            std::string::npos);
}

TEST(parcelctl_cli, warns_on_stderr_when_billed_amounts_look_100x_off) {
  temp_dir dir;
  // Cents written in billed_amount, which is read in euros.
  std::string csv = kHeader;
  for (int i = 0; i < 3; ++i)
    csv += "2026-03-02,outbound,FR,75011,FR,69001,800,,,,home,colissimo,colissimo-2026,750\n";
  const auto shipments = dir.file("s.csv", csv);
  auto json = parcelctl("tariffs compare --shipments '" + shipments + "' --format json");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.err.find("warning: amounts look 100x off: is billed_amount in euros?"),
            std::string::npos)
      << json.err;
  auto doc = boost::json::parse(json.out).as_object();
  ASSERT_EQ(doc.at("warnings").as_array().size(), 1u);
  auto table = parcelctl("tariffs compare --shipments '" + shipments + "'");
  EXPECT_NE(table.out.find("WARNING: amounts look 100x off"), std::string::npos);
}

// Issue 7: `keys list` padded columns by bytes, so a name with accents or CJK characters (and
// the "…" of the hints) shifted the following columns.
TEST(parcelctl_cli, keys_list_aligns_columns_by_display_width) {
  temp_dir dir;
  const std::string env = "PARCELGATE_DB='" + dir.path("keys.db") + "'";
  for (const char* name : {"Café Zürich 東京", "plain", "日本語の名前"}) {
    auto created = parcelctl(
        std::string("keys create --tenant acme --role merchant --name '") + name + "'", env);
    ASSERT_EQ(created.status, 0) << created.err;
  }
  auto list = parcelctl("keys list", env);
  ASSERT_EQ(list.status, 0) << list.err;
  auto lines = lines_of(list.out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(list.out.find("Café Zürich 東京"), std::string::npos);
  // The HINT and CREATED columns start at the same display column on every line.
  for (const char* column : {"HINT", "CREATED"}) {
    const auto header_at = display_width(lines[0].substr(0, lines[0].find(column)));
    for (std::size_t i = 1; i < lines.size(); ++i) {
      // CREATED is the first RFC 3339 timestamp: ids and hints are random and may hold "20".
      static const std::regex timestamp(R"(\d{4}-\d{2}-\d{2}T)");
      std::smatch m;
      const auto at = std::string(column) == "HINT" ? lines[i].find("pg_merchant_")
                                                    : (std::regex_search(lines[i], m, timestamp)
                                                           ? static_cast<std::size_t>(m.position(0))
                                                           : std::string::npos);
      ASSERT_NE(at, std::string::npos) << lines[i];
      EXPECT_EQ(display_width(lines[i].substr(0, at)), header_at) << column << ": " << lines[i];
    }
  }
}

TEST(parcelctl_cli, display_width_counts_wide_and_combining_characters) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("Café"), 4u);
  EXPECT_EQ(display_width("Cafe\u0301"), 4u);  // e + combining acute
  EXPECT_EQ(display_width("東京"), 4u);
  EXPECT_EQ(display_width("\u20AC12"), 3u);
  EXPECT_EQ(display_width("pg_ops_G2GZ\u2026"), 12u);
  EXPECT_EQ(display_width("\xff"), 1u);  // a stray byte
}

}  // namespace
}  // namespace parcelgate::tariffs
