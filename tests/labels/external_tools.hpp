#pragma once
// Helpers for label tests that check output with the tools a person would use: poppler's
// pdftotext/pdftoppm and zbar's zbarimg. A missing tool is a test failure with a message that
// names the package to install, never a skip.

#include <filesystem>
#include <string>
#include <string_view>

namespace parcelgate::labels::testing {

// Output and exit status of a shell command (stdout only; stderr goes to the test log).
struct command_result {
  int exit_code = -1;
  std::string output;
};

command_result run_command(const std::string& command);

// Empty when `tool` is on PATH, otherwise a message naming the Debian package that has it.
std::string missing_tool(std::string_view tool, std::string_view package);

// Quotes a path for /bin/sh.
std::string shell_quote(const std::filesystem::path& path);

// A fresh directory under the system temp directory, removed with everything in it on scope exit.
class temp_dir {
 public:
  temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir();

  const std::filesystem::path& path() const noexcept { return path_; }
  // Writes `bytes` to a file named `name` in the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& bytes) const;

 private:
  std::filesystem::path path_;
};

}  // namespace parcelgate::labels::testing
