#pragma once
// What a person would read off a label PDF, with poppler-utils: its text (pdftotext -layout) and
// the size of its first page in points (pdfinfo). A missing tool fails the test with the package
// name, never skips it.

#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

namespace pgtest_pdf {

inline std::string run(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    if (::pclose(pipe) != 0)
      ADD_FAILURE() << "failed: " << command << " (poppler-utils installed?)";
  } else {
    ADD_FAILURE() << "cannot run: " << command;
  }
  return out;
}

// Writes the PDF to a temporary file, runs `tool file`, removes the file.
inline std::string with_pdf_file(const std::string& pdf, const std::string& tool) {
  static int counter = 0;
  const auto path =
      std::filesystem::temp_directory_path() /
      ("pg-label-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".pdf");
  {
    std::ofstream out(path, std::ios::binary);
    out << pdf;
  }
  std::string text = run(tool + " '" + path.string() + "' " +
                         (tool.starts_with("pdftotext") ? "- " : "") + "2>&1");
  std::filesystem::remove(path);
  return text;
}

inline std::string pdf_text(const std::string& pdf) {
  return with_pdf_file(pdf, "pdftotext -layout");
}

// Width and height of page 1 in PostScript points, as pdfinfo prints them ("Page size: 288 x 432
// pts").
inline std::optional<std::pair<double, double>> page_size_pt(const std::string& pdf) {
  const std::string info = with_pdf_file(pdf, "pdfinfo");
  const auto at = info.find("Page size:");
  if (at == std::string::npos) {
    ADD_FAILURE() << "pdfinfo printed no page size: " << info;
    return std::nullopt;
  }
  double w = 0, h = 0;
  if (std::sscanf(info.c_str() + at, "Page size: %lf x %lf", &w, &h) != 2) return std::nullopt;
  return std::make_pair(w, h);
}

// Non-overlapping occurrences of `needle` in `haystack`.
inline int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos;
       p = haystack.find(needle, p + needle.size()))
    ++n;
  return n;
}

inline constexpr double kPointsPerMm = 72.0 / 25.4;

}  // namespace pgtest_pdf
