// `parcelctl tariffs compare`: the batch comparison (gateway/tariffs/compare.hpp) from a CSV file.
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <string_view>

#include "gateway/tariffs/compare.hpp"
#include "tools/parcelctl/tariffs_cmd.hpp"

namespace parcelgate::parcelctl {

namespace {

using namespace parcelgate::tariffs;

int fail(const std::string& message) {
  std::fprintf(stderr, "parcelctl tariffs compare: %s\n", message.c_str());
  return 2;
}

// "1.25" -> 12'500 ten-thousandths of a percent; at most 4 decimals, 0..1000.
std::optional<std::int64_t> parse_percent(std::string_view s) {
  auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() || frac.size() > 4 || (dot != std::string_view::npos && frac.empty()))
    return std::nullopt;
  std::int64_t w = 0, f = 0;
  auto r1 = std::from_chars(whole.data(), whole.data() + whole.size(), w);
  if (r1.ec != std::errc{} || r1.ptr != whole.data() + whole.size() || w < 0 || w > 1000)
    return std::nullopt;
  if (!frac.empty()) {
    auto r2 = std::from_chars(frac.data(), frac.data() + frac.size(), f);
    if (r2.ec != std::errc{} || r2.ptr != frac.data() + frac.size()) return std::nullopt;
    for (std::size_t i = frac.size(); i < 4; ++i) f *= 10;
  }
  return w * kPercentScale + f;
}

std::optional<std::int64_t> parse_count(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// A one-line bar redrawn in place on stderr.
class progress_bar {
 public:
  explicit progress_bar(std::uint64_t total) : total_(total) {}
  void update(std::uint64_t done) {
    int percent = total_ > 0 ? static_cast<int>(done * 100 / total_) : 0;
    if (percent > 100) percent = 100;
    if (percent == last_) return;
    last_ = percent;
    std::string bar(static_cast<std::size_t>(percent / 4), '#');
    bar.resize(25, '.');
    std::fprintf(stderr, "\rreading shipments [%s] %3d %%  %llu / %llu MB", bar.c_str(), percent,
                 static_cast<unsigned long long>(done >> 20),
                 static_cast<unsigned long long>(total_ >> 20));
    std::fflush(stderr);
  }
  void finish() {
    if (last_ >= 0) std::fprintf(stderr, "\n");
  }

 private:
  std::uint64_t total_;
  int last_ = -1;
};

}  // namespace

int compare_command(const std::vector<std::string>& args) {
  std::string dir = "config/tariffs", shipments, format = "table", output;
  compare_options options;
  bool progress = false, per_shipment = false, audit = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--progress") {
      progress = true;
      continue;
    }
    if (a == "--per-shipment") {
      per_shipment = true;
      continue;
    }
    if (a == "--audit") {
      audit = true;
      continue;
    }
    if (i + 1 >= args.size()) return fail("unknown option or missing value: " + a);
    const std::string& v = args[++i];
    if (a == "--tariffs") {
      dir = v;
    } else if (a == "--shipments") {
      shipments = v;
    } else if (a == "--format") {
      if (v != "table" && v != "csv" && v != "json" && v != "html")
        return fail("--format: table, csv, json or html");
      format = v;
    } else if (a == "--output") {
      output = v;
    } else if (a == "--target") {
      options.target = v;
    } else if (a == "--share") {
      options.target_share = parse_percent(v);
      if (!options.target_share || *options.target_share > kHundredPercent)
        return fail("--share: a percent 0..100, e.g. 50 or 33.5");
    } else if (a == "--date-override") {
      options.date_override = parse_date(v);
      if (!options.date_override) return fail("--date-override: expected YYYY-MM-DD");
    } else if (a == "--tolerance-pct") {
      auto p = parse_percent(v);
      if (!p) return fail("--tolerance-pct: a percent such as 1 or 0.5");
      options.tolerance_percent = *p;
    } else if (a == "--tolerance-cents") {
      auto c = parse_count(v);
      if (!c) return fail("--tolerance-cents: a non-negative number of minor units");
      options.tolerance_minor = *c;
    } else if (a == "--max-examples") {
      auto c = parse_count(v);
      if (!c) return fail("--max-examples: a non-negative count");
      options.max_examples = static_cast<std::size_t>(*c);
    } else if (a == "--contracts") {
      std::string_view rest = v;
      while (!rest.empty()) {
        auto comma = rest.find(',');
        options.contracts.emplace_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    } else {
      return fail("unknown option " + a);
    }
  }
  if (shipments.empty()) return fail("--shipments FILE.csv is required");
  if (options.target_share && !options.target) return fail("--share needs --target");
  if (per_shipment && audit) return fail("--per-shipment and --audit are two different CSV files");
  if ((per_shipment || audit) && format != "csv")
    return fail(std::string(per_shipment ? "--per-shipment" : "--audit") +
                " writes CSV: add --format csv");

  auto set = load_dir(dir);
  if (!set) {
    for (const auto& p : set.error()) std::fprintf(stderr, "%s\n", p.to_string().c_str());
    return fail(std::to_string(set.error().size()) + " problem(s) in " + dir);
  }
  std::ifstream file(shipments, std::ios::binary);
  if (!file) return fail("cannot open " + shipments);
  std::error_code size_error;
  const auto size = std::filesystem::file_size(shipments, size_error);
  const bool show = progress || (isatty(STDERR_FILENO) && !size_error && size > (16u << 20));
  progress_bar bar(size_error ? 0 : size);
  std::function<void(std::uint64_t)> on_progress;
  if (show) on_progress = [&](std::uint64_t done) { bar.update(done); };

  // The output is opened first: the streaming CSVs are written while the rows are read.
  std::ofstream out_file;
  if (!output.empty()) {
    out_file.open(output, std::ios::binary | std::ios::trunc);
    if (!out_file) return fail("cannot write " + output);
  }
  auto write = [&](std::string_view text) {
    if (output.empty())
      std::fwrite(text.data(), 1, text.size(), stdout);
    else
      out_file.write(text.data(), static_cast<std::streamsize>(text.size()));
  };
  std::string buffer;  // flushed every 64 KiB: memory does not grow with the rows
  bool header_written = false;
  auto flush_buffer = [&](bool force) {
    if (force || buffer.size() >= (64u << 10)) {
      write(buffer);
      buffer.clear();
    }
  };
  if (per_shipment)
    options.on_row = [&](const row_prices& p) {
      if (!header_written) buffer += per_shipment_csv_header(p.contracts);
      header_written = true;
      append_per_shipment_csv(buffer, p);
      flush_buffer(false);
    };
  if (audit) {
    buffer = audit_csv_header();
    header_written = true;
    options.on_audit_line = [&](const audit_line& l) {
      append_audit_csv(buffer, l);
      flush_buffer(false);
    };
  }

  auto report = compare_csv(file, *set, std::move(options), on_progress);
  if (show) bar.finish();
  if (!report) {
    if (!output.empty()) {
      out_file.close();
      std::filesystem::remove(output, size_error);
    }
    const bool about_file =
        report.error().starts_with("header") || report.error().starts_with("empty file");
    return fail(about_file ? shipments + ": " + report.error() : report.error());
  }
  if (format != "table" || !output.empty())
    for (const auto& w : report->warnings)
      std::fprintf(stderr, "parcelctl tariffs compare: warning: %s\n", w.c_str());

  if (per_shipment || audit) {
    if (!header_written) buffer += per_shipment_csv_header(report->contracts);
  } else {
    buffer = format == "json"   ? to_json(*report) + "\n"
             : format == "csv"  ? to_csv(*report)
             : format == "html" ? to_html(*report)
                                : to_table(*report);
  }
  flush_buffer(true);
  if (output.empty()) return std::fflush(stdout) == 0 ? 0 : fail("cannot write the output");
  out_file.close();
  if (!out_file) return fail("cannot write " + output);
  return 0;
}

}  // namespace parcelgate::parcelctl
