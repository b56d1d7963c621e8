// Every example of README.md, run as written against a real parcelgate + carrier-sim pair.
//
// The test reads README.md when it runs, so an edited example is tested without touching this
// file. The rules that decide what is run:
//
// 1. Fenced blocks. ```sh blocks hold commands; ```json blocks hold JSON documents; blocks of any
//    other language (or none: the layout tree) hold no examples, and a `curl` command in one of
//    them fails the test (requests belong in ```sh blocks, where they are run).
// 2. Commands in ```sh blocks: a line ending in `\` continues on the next line, and so does a
//    line whose quotes are still open (multi-line `-d '...'` bodies). `#` starts a comment outside
//    quotes; `;` separates commands. Each command is one of:
//    - `NAME=value` assignments: `GW` is replaced by the gateway's URL, `KEY` by a real merchant
//      key, `POINT_KEY` by a point key of mondialrelay:FR:020230, `TN` by the tracking number and
//      `RC` by the return code of the README's last POST /v1/shipments that had one, other values
//      are kept as written (`CA="--cacert certs/dev/ca.crt"`);
//    - `curl ...`: a request, run against the gateway. Options understood: -H/--header,
//      -d/--data/--data-raw/--data-binary, -X/--request, --cacert FILE (the file must exist in
//      the repository), -o/--output FILE (not written), -s/-S/-i/-f; anything else fails the test.
//      `shp_...` in the URL (or in the body) is the shipment created by the README's last
//      POST /v1/shipments,
//      `whk_...` the webhook endpoint created by its last POST /v1/webhooks, `pck_...` the
//      pickup booked by its last POST /v1/pickups.
//      The answer must be 2xx, or the status of a `# -> NNN` comment on the command's line or on
//      the line right after it;
//    - `parcelctl ...`: run with the test's configuration (`--config` is the test's). Optional
//      `[...]` groups of a synopsis are dropped (the minimal form runs); `key_...` is a key created
//      for the purpose; a path that exists in the repository is taken from it; the merchant's own
//      `--shipments` file is a small CSV with the README's columns. It must exit 0;
//    - `tools/run.sh`, `tools/test.sh`: the build-and-run scripts, not examples (tools/test.sh is
//      what runs this test). They are recognised and not run.
//    Any other command fails the test: a new kind of example needs a rule here.
//    A `# -> NNN {...}` comment also states values of the answer: each `"name": "value"` pair in
//    it whose value is not elided (no "...") must appear in the response body.
// 3. ```json blocks must parse. A problem sample (an object with `type` and `status`) must be a
//    well-formed RFC 9457 body; any other JSON block is a POST /v1/shipments body and must give
//    201.
// 4. Documents: every `*.md` file the README names (`adapters/<carrier>/README.md` for each carrier
//    of its carrier table; a bare name in the layout's docs/ line is in docs/) is in the
//    repository, and the README names no document that is not shipped (the DESIGN blueprint).

#include <gtest/gtest.h>

#include <algorithm>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

struct fenced_block {
  std::string lang;
  int first_line = 0;  // README line of the block's first content line
  std::vector<std::string> lines;
};

std::vector<fenced_block> read_blocks(const fs::path& file) {
  std::ifstream in(file);
  std::vector<fenced_block> out;
  std::string line;
  int number = 0;
  std::optional<fenced_block> open;
  while (std::getline(in, line)) {
    ++number;
    if (line.starts_with("```")) {
      if (open) {
        out.push_back(std::move(*open));
        open.reset();
      } else {
        open = fenced_block{line.substr(3), number + 1, {}};
      }
      continue;
    }
    if (open) open->lines.push_back(line);
  }
  if (open)
    ADD_FAILURE() << "README.md: the block opened at line " << open->first_line - 1
                  << " is never closed";
  return out;
}

struct shell_command {
  int line = 0;
  std::string text;
  std::optional<int> expected_status;  // from a "# -> NNN" comment
  std::string status_comment;          // that comment
};

std::optional<int> status_comment(std::string_view comment) {
  static const std::regex re(R"(^#\s*->\s*(\d{3})\b)");
  std::cmatch m;
  std::string c(comment);
  if (std::regex_search(c.c_str(), m, re)) return std::stoi(m[1].str());
  return std::nullopt;
}

// Splits a ```sh block into commands (continuations joined, comments removed, `;` split).
std::vector<shell_command> commands_of(const fenced_block& b) {
  std::vector<shell_command> out;
  std::string text;
  int start = 0;
  char quote = 0;
  bool previous_was_command = false;
  for (std::size_t i = 0; i < b.lines.size(); ++i) {
    const int number = b.first_line + static_cast<int>(i);
    std::string line = b.lines[i];
    if (quote == 0 && text.empty()) {
      std::string trimmed = line.substr(std::min(line.size(), line.find_first_not_of(" \t")));
      if (trimmed.empty()) {
        previous_was_command = false;
        continue;
      }
      if (trimmed.starts_with("#")) {
        if (auto s = status_comment(trimmed); s && previous_was_command && !out.empty()) {
          out.back().expected_status = s;
          out.back().status_comment = trimmed;
        }
        continue;
      }
      start = number;
    }
    // Scan the line: quotes, comment start, command separators.
    std::string kept;
    std::string comment;
    for (std::size_t k = 0; k < line.size(); ++k) {
      char c = line[k];
      if (quote) {
        if (c == quote) quote = 0;
        kept.push_back(c);
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
        kept.push_back(c);
      } else if (c == '#' && (k == 0 || line[k - 1] == ' ' || line[k - 1] == '\t')) {
        comment = line.substr(k);
        break;
      } else {
        kept.push_back(c);
      }
    }
    const bool continued = quote != 0 || (comment.empty() && !kept.empty() && kept.back() == '\\');
    if (!continued || quote != 0) {
      text += kept;
    } else {
      text += kept.substr(0, kept.size() - 1);
    }
    if (continued) {
      text += quote ? "\n" : " ";
      continue;
    }
    // Split on ';' outside quotes.
    std::vector<std::string> parts(1);
    char q = 0;
    for (char c : text) {
      if (q) {
        if (c == q) q = 0;
      } else if (c == '\'' || c == '"') {
        q = c;
      } else if (c == ';') {
        parts.emplace_back();
        continue;
      }
      parts.back().push_back(c);
    }
    for (auto& p : parts) {
      if (p.find_first_not_of(" \t") == std::string::npos) continue;
      auto s = status_comment(comment);
      out.push_back({start, p, s, s ? comment : std::string()});
    }
    previous_was_command = true;
    text.clear();
  }
  if (quote || !text.empty())
    ADD_FAILURE() << "README.md line " << start << ": unterminated command: " << text;
  return out;
}

// Shell words of `text` with $VAR / ${VAR} expansion: unquoted expansions are split into words,
// quoted ones are not; single quotes are literal. nullopt when a quote is left open.
std::optional<std::vector<std::string>> shell_words(const std::string& text,
                                                    const std::map<std::string, std::string>& vars,
                                                    std::string* unknown_var) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  auto expand = [&](std::size_t& i) -> std::optional<std::string> {
    std::size_t j = i + 1;
    std::string name;
    if (j < text.size() && text[j] == '{') {
      auto close = text.find('}', j);
      if (close == std::string::npos) return std::nullopt;
      name = text.substr(j + 1, close - j - 1);
      i = close;
    } else {
      while (j < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_'))
        name += text[j++];
      if (name.empty()) return std::nullopt;
      i = j - 1;
    }
    auto it = vars.find(name);
    if (it == vars.end()) {
      if (unknown_var) *unknown_var = name;
      return std::string();
    }
    return it->second;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        word.push_back(c);
      continue;
    }
    if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '$') {
        if (auto v = expand(i))
          word += *v;
        else
          word.push_back(c);
      } else if (c == '\\' && i + 1 < text.size() &&
                 (text[i + 1] == '"' || text[i + 1] == '\\' || text[i + 1] == '$')) {
        word.push_back(text[++i]);
      } else {
        word.push_back(c);
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '$') {
      auto v = expand(i);
      if (!v) {
        word.push_back(c);
        in_word = true;
        continue;
      }
      // Unquoted: split on blanks.
      std::istringstream split(*v);
      std::string piece;
      bool first = true;
      while (split >> piece) {
        if (!first) {
          words.push_back(std::move(word));
          word.clear();
        }
        word += piece;
        in_word = true;
        first = false;
      }
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (quote) return std::nullopt;
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

// Drops `[...]` groups outside quotes (optional parts of a synopsis).
std::string without_optional_groups(const std::string& text) {
  std::string out;
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
      if (depth == 0) out.push_back(c);
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    if (c == '[') {
      ++depth;
      continue;
    }
    if (c == ']' && depth > 0) {
      --depth;
      continue;
    }
    if (depth == 0) out.push_back(c);
  }
  return out;
}

class readme_examples : public ::testing::Test {
 protected:
  void SetUp() override {
    readme_ = fs::path(SOURCE_DIR) / "README.md";
    ASSERT_TRUE(fs::exists(readme_)) << readme_;
    // InPost with a push token, for the README's example of a carrier push.
    pgtest::stack_options options;
    options.extra_config =
        "  inpost: {base_url: \"{sim_url}/inpost\", token: sandbox-inpost-token, "
        "organization_id: \"6183\", push_token: push-secret}\n";
    env_ = std::make_unique<pgtest::stack>(options);
    merchant_key_ = env_->create_key("acme", "merchant");
    point_key_ = env_->create_key("relais", "point", "mondialrelay:FR:020230");
  }

  std::string where(int line) const { return "README.md line " + std::to_string(line); }

  // Placeholders of the README replaced by values of this run.
  std::string substitute(std::string word) const {
    if (!last_shipment_.empty()) word = replace_all(word, "shp_...", last_shipment_);
    if (!last_webhook_.empty()) word = replace_all(word, "whk_...", last_webhook_);
    if (!last_pickup_.empty()) word = replace_all(word, "pck_...", last_pickup_);
    return word;
  }

  void run_curl(const shell_command& cmd, const std::vector<std::string>& words) {
    SCOPED_TRACE(where(cmd.line) + ": " + cmd.text);
    std::string method, url, body;
    bool has_body = false;
    pgtest::header_list headers;
    for (std::size_t i = 1; i < words.size(); ++i) {
      const std::string& w = words[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= words.size()) {
          ADD_FAILURE() << w << " without a value";
          return {};
        }
        return words[++i];
      };
      if (w == "-H" || w == "--header") {
        std::string h = value();
        auto colon = h.find(':');
        ASSERT_NE(colon, std::string::npos) << "header without a colon: " << h;
        std::string v = h.substr(colon + 1);
        v.erase(0, v.find_first_not_of(' '));
        headers.emplace_back(h.substr(0, colon), v);
      } else if (w == "-d" || w == "--data" || w == "--data-raw" || w == "--data-binary") {
        body = value();
        has_body = true;
      } else if (w == "-X" || w == "--request") {
        method = value();
      } else if (w == "--cacert") {
        std::string file = value();
        EXPECT_TRUE(fs::exists(fs::path(SOURCE_DIR) / file) || fs::exists(file))
            << "--cacert " << file << " does not exist";
      } else if (w == "-o" || w == "--output") {
        value();
      } else if (w == "-s" || w == "-S" || w == "-sS" || w == "-i" || w == "-f" ||
                 w == "--silent" || w == "--fail") {
      } else if (w.starts_with("-")) {
        FAIL() << "curl option " << w << " is not understood by this test: add it to the rules";
      } else {
        ASSERT_TRUE(url.empty()) << "two URLs: " << url << " and " << w;
        url = w;
      }
    }
    if (method.empty()) method = has_body ? "POST" : "GET";
    ASSERT_TRUE(url.starts_with(env_->gateway_url() + "/")) << "not a gateway URL: " << url;
    std::string target = substitute(url.substr(env_->gateway_url().size()));
    ASSERT_EQ(target.find("..."), std::string::npos)
        << "a placeholder this test cannot fill: " << target;
    for (auto& [name, v] : headers) {
      v = substitute(v);
      EXPECT_EQ(v.find("..."), std::string::npos)
          << "a placeholder this test cannot fill in " << name << ": " << v;
    }
    // An id placeholder in a body ("shipment_ids": ["shp_..."]) is filled like one in the URL.
    for (const auto* id : {"shp_...", "whk_...", "pck_..."})
      if (body.find(id) != std::string::npos) {
        body = substitute(body);
        EXPECT_EQ(body.find(id), std::string::npos)
            << "a placeholder this test cannot fill: " << id;
      }
    auto r = pgtest::request(env_->gateway_url(), method, target, body, headers, env_->ca_file());
    if (cmd.expected_status) {
      EXPECT_EQ(r.status, *cmd.expected_status) << r.body.substr(0, 1000);
    } else {
      EXPECT_TRUE(r.status >= 200 && r.status < 300)
          << "HTTP " << r.status << " " << r.body.substr(0, 1000);
    }
    // Values the comment says the answer holds.
    static const std::regex pair(R"re("([A-Za-z_]+)":\s*"([^"]*)")re");
    for (std::sregex_iterator it(cmd.status_comment.begin(), cmd.status_comment.end(), pair), end;
         it != end; ++it) {
      const std::string name = (*it)[1].str(), value = (*it)[2].str();
      if (value.find("...") != std::string::npos) continue;
      EXPECT_NE(r.body.find("\"" + name + "\":\"" + value + "\""), std::string::npos)
          << "the README says the answer has \"" << name << "\": \"" << value << "\"; it is "
          << r.body.substr(0, 1000);
    }
    if (method == "POST" && target == "/v1/shipments" && r.status == 201) {
      boost::system::error_code ec;
      auto v = json::parse(r.body, ec);
      ASSERT_FALSE(ec) << r.body;
      last_shipment_ = std::string(v.as_object().at("id").as_string());
      if (const auto* n = v.as_object().if_contains("tracking_number"); n && n->is_string())
        last_tracking_number_ = std::string(n->as_string());
      if (const auto* c = v.as_object().if_contains("return_code"); c && c->is_string())
        last_return_code_ = std::string(c->as_string());
    }
    if (method == "POST" && target == "/v1/webhooks" && r.status == 201) {
      boost::system::error_code ec;
      auto v = json::parse(r.body, ec);
      ASSERT_FALSE(ec) << r.body;
      last_webhook_ = std::string(v.as_object().at("id").as_string());
    }
    if (method == "POST" && target == "/v1/pickups" && r.status == 201) {
      boost::system::error_code ec;
      auto v = json::parse(r.body, ec);
      ASSERT_FALSE(ec) << r.body;
      last_pickup_ = std::string(v.as_object().at("id").as_string());
    }
    ++requests_run_;
  }

  void run_parcelctl(const shell_command& cmd) {
    SCOPED_TRACE(where(cmd.line) + ": " + cmd.text);
    std::string unknown;
    auto words = shell_words(without_optional_groups(cmd.text), vars_, &unknown);
    ASSERT_TRUE(words) << "unbalanced quotes";
    ASSERT_TRUE(unknown.empty()) << "undefined variable $" << unknown;
    std::vector<std::string> args;
    for (std::size_t i = 1; i < words->size(); ++i) {
      std::string w = (*words)[i];
      if (w == "--config") {  // the test's own configuration is used
        ++i;
        continue;
      }
      if (w == "key_...") {
        w = env_->create_key_info("readme", "merchant").id;
      } else if (w == "--shipments" && i + 1 < words->size() &&
                 !fs::exists(fs::path(SOURCE_DIR) / (*words)[i + 1])) {
        args.push_back(w);
        w = shipments_csv();
        ++i;
      } else if (w == "--output" && i + 1 < words->size()) {
        // Outputs go to the test's folder, not the working directory.
        args.push_back(w);
        w = (env_->dir() / fs::path((*words)[i + 1]).filename()).string();
        ++i;
      } else if (!w.starts_with("-") && w.find('/') != std::string::npos &&
                 fs::exists(fs::path(SOURCE_DIR) / w)) {
        w = (fs::path(SOURCE_DIR) / w).string();
      }
      EXPECT_EQ(w.find("..."), std::string::npos) << "a placeholder this test cannot fill: " << w;
      args.push_back(w);
    }
    // The README's commands run from the repository's root, where the tariffs folder defaults to
    // config/tariffs: say so explicitly, since this test runs elsewhere.
    if (args.size() >= 2 && args[0] == "tariffs" && args[1] != "check" &&
        std::find(args.begin(), args.end(), "--tariffs") == args.end()) {
      args.push_back("--tariffs");
      args.push_back((fs::path(SOURCE_DIR) / "config/tariffs").string());
    }
    std::string out;
    EXPECT_EQ(env_->parcelctl(args, &out), 0) << out;
    ++cli_run_;
  }

  std::string shipments_csv() {
    auto path = env_->dir() / "readme-shipments.csv";
    std::ofstream f(path);
    f << "date,direction,from_country,from_postal_code,to_country,to_postal_code,weight_g,length_"
         "mm,width_mm,"
         "height_mm,service\n"
         "2026-06-01,outbound,FR,75001,FR,69001,1200,300,200,100,home\n"
         "2026-06-02,outbound,FR,75001,FR,13001,800,250,150,100,pickup_point\n";
    return path.string();
  }

  void run_sh_block(const fenced_block& b) {
    for (const auto& cmd : commands_of(b)) {
      std::string trimmed = cmd.text.substr(cmd.text.find_first_not_of(" \t"));
      static const std::regex assignment(R"(^([A-Za-z_][A-Za-z0-9_]*)=)");
      std::smatch m;
      if (std::regex_search(trimmed, m, assignment)) {
        std::string unknown;
        auto words = shell_words(trimmed.substr(m.length(0)), vars_, &unknown);
        ASSERT_TRUE(words && words->size() <= 1)
            << where(cmd.line) << ": cannot read the assignment " << trimmed;
        const std::string name = m[1].str();
        std::string value = words->empty() ? std::string() : words->front();
        if (name == "GW") value = env_->gateway_url();
        if (name == "KEY") value = merchant_key_;
        if (name == "TN") value = last_tracking_number_;
        if (name == "RC") value = last_return_code_;
        if (name == "POINT_KEY") value = point_key_;
        vars_[name] = value;
        continue;
      }
      if (trimmed.starts_with("curl ")) {
        std::string unknown;
        auto words = shell_words(trimmed, vars_, &unknown);
        ASSERT_TRUE(words) << where(cmd.line) << ": unbalanced quotes in " << trimmed;
        ASSERT_TRUE(unknown.empty()) << where(cmd.line) << ": undefined variable $" << unknown;
        run_curl(cmd, *words);
        continue;
      }
      if (trimmed.starts_with("parcelctl ")) {
        run_parcelctl(cmd);
        continue;
      }
      if (trimmed.starts_with("tools/run.sh") || trimmed.starts_with("tools/test.sh")) {
        ++excluded_;
        continue;
      }
      ADD_FAILURE() << where(cmd.line)
                    << ": an example this test does not know how to run: " << trimmed
                    << "\n(add a rule at the top of tests/integration/readme_examples_test.cpp)";
    }
  }

  void check_json_block(const fenced_block& b) {
    std::string text;
    for (const auto& l : b.lines) text += l + "\n";
    SCOPED_TRACE(where(b.first_line));
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    ASSERT_FALSE(ec) << "a ```json block that is not JSON: " << ec.message() << "\n" << text;
    ASSERT_TRUE(v.is_object()) << text;
    const auto& o = v.as_object();
    if (o.contains("type") && o.contains("status")) {  // a problem sample
      ASSERT_TRUE(o.at("type").is_string() && o.at("status").is_int64()) << text;
      EXPECT_TRUE(o.at("type").as_string().starts_with("/problems/")) << text;
      const auto status = o.at("status").as_int64();
      EXPECT_TRUE(status >= 400 && status < 600) << text;
      for (const char* member : {"title", "detail", "request_id"})
        EXPECT_TRUE(o.contains(member) && o.at(member).is_string())
            << member << " missing in " << text;
      if (auto* errors = o.if_contains("errors")) {
        ASSERT_TRUE(errors->is_array());
        for (const auto& e : errors->as_array())
          EXPECT_TRUE(e.is_object() && e.as_object().contains("field") &&
                      e.as_object().contains("message"))
              << text;
      }
      ++samples_checked_;
      return;
    }
    auto r = env_->call("POST", "/v1/shipments", merchant_key_, text,
                        {{"Idempotency-Key", "readme-json-" + std::to_string(b.first_line)}});
    EXPECT_EQ(r.status, 201) << r.body.substr(0, 1000);
    ++requests_run_;
  }

  fs::path readme_;
  std::unique_ptr<pgtest::stack> env_;
  std::string merchant_key_, point_key_;
  std::map<std::string, std::string> vars_;
  std::string last_shipment_;
  std::string last_tracking_number_;
  std::string last_return_code_;
  std::string last_webhook_;
  std::string last_pickup_;
  int requests_run_ = 0, cli_run_ = 0, excluded_ = 0, samples_checked_ = 0;
};

TEST_F(readme_examples, every_example_runs_as_written) {
  const auto blocks = read_blocks(readme_);
  ASSERT_FALSE(blocks.empty());
  int curl_commands_seen = 0;
  for (const auto& b : blocks) {
    for (std::size_t i = 0; i < b.lines.size(); ++i) {
      const auto& l = b.lines[i];
      const auto first = l.find_first_not_of(" \t");
      if (first != std::string::npos && l.compare(first, 5, "curl ") == 0) {
        ++curl_commands_seen;
        EXPECT_EQ(b.lang, "sh") << where(b.first_line + static_cast<int>(i))
                                << ": a curl example outside a ```sh block is never run";
      }
    }
    if (b.lang == "sh")
      run_sh_block(b);
    else if (b.lang == "json")
      check_json_block(b);
  }
  // Every request the README shows ran; the counts are printed for whoever edits the README.
  EXPECT_GT(curl_commands_seen, 0);
  EXPECT_GE(requests_run_, curl_commands_seen);
  std::printf(
      "README.md: %d requests, %d parcelctl commands run; %d problem samples checked; %d scripts "
      "excluded\n",
      requests_run_, cli_run_, samples_checked_, excluded_);
}

TEST(readme_documents, every_document_named_is_in_the_repository) {
  const fs::path root(SOURCE_DIR);
  std::ifstream in(root / "README.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  // Carrier ids from the first column of the carrier table ("| carrier | ..." then "| `colissimo`
  // ...").
  std::vector<std::string> carriers;
  {
    std::istringstream lines(text.substr(std::min(text.size(), text.find("| carrier |"))));
    std::string line;
    static const std::regex row(R"(^\| `([a-z0-9_]+)`)");
    while (std::getline(lines, line) && line.starts_with("|")) {
      std::smatch m;
      if (std::regex_search(line, m, row)) carriers.push_back(m[1].str());
    }
  }
  ASSERT_FALSE(carriers.empty());
  static const std::regex doc(R"(([A-Za-z0-9_.<>/-]+\.md)\b)");
  int checked = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), doc), end; it != end; ++it) {
    std::string name = (*it)[1].str();
    std::vector<std::string> paths;
    if (auto at = name.find("<carrier>"); at != std::string::npos) {
      for (const auto& c : carriers) paths.push_back(std::string(name).replace(at, 9, c));
    } else {
      paths.push_back(name);
    }
    for (const auto& p : paths) {
      const bool found = fs::exists(root / p) ||
                         (p.find('/') == std::string::npos && fs::exists(root / "docs" / p));
      EXPECT_TRUE(found) << "README.md names " << p << ", which is not in the repository";
      ++checked;
    }
  }
  EXPECT_GT(checked, 3);
  EXPECT_EQ(text.find("DESIGN"), std::string::npos)
      << "README.md refers to the DESIGN blueprint, which is not shipped";
}

// The rules themselves, on examples written here: a README example that cannot be read fails.
TEST(readme_example_rules, multi_line_bodies_continuations_comments_and_status_comments) {
  fenced_block b{"sh",
                 10,
                 {"X=1; Y=\"a b\"", "", "# a comment", "curl $GW/v1/x -H \"A: $Y\" \\", "  -d '{",
                  "  \"k\": 1}'", "# -> 201 {\"id\": ...}", "curl $GW/v1/y   # read"}};
  auto cmds = commands_of(b);
  ASSERT_EQ(cmds.size(), 4u);
  EXPECT_EQ(cmds[0].text, "X=1");
  EXPECT_EQ(cmds[1].text, " Y=\"a b\"");
  EXPECT_EQ(cmds[2].line, 13);
  ASSERT_TRUE(cmds[2].expected_status);
  EXPECT_EQ(*cmds[2].expected_status, 201);
  EXPECT_FALSE(cmds[3].expected_status);
  std::map<std::string, std::string> vars{
      {"GW", "https://h:1"}, {"Y", "a b"}, {"CA", "--cacert c.crt"}};
  auto words = shell_words(cmds[2].text + " $CA", vars, nullptr);
  ASSERT_TRUE(words);
  std::vector<std::string> expected{"curl", "https://h:1/v1/x", "-H",       "A: a b",
                                    "-d",   "{\n  \"k\": 1}",   "--cacert", "c.crt"};
  EXPECT_EQ(*words, expected);
  EXPECT_EQ(without_optional_groups("parcelctl [--config f] keys list [--json]"),
            "parcelctl  keys list ");
  EXPECT_FALSE(shell_words("curl '{", vars, nullptr));
}

}  // namespace
