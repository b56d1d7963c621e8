#pragma once
// A throwaway PostgreSQL for tests: initdb into a temporary folder, a server listening only on a
// unix socket in that folder, one database. No system service, no TCP port. As root, the
// cluster runs as the `postgres` system user (PostgreSQL refuses to run as root).

#include <filesystem>
#include <string>

namespace pgtest {

class pg_cluster {
 public:
  // Starts the server; check ok() and error().
  pg_cluster();
  ~pg_cluster();  // stops the server (immediate) and removes the folder
  pg_cluster(const pg_cluster&) = delete;
  pg_cluster& operator=(const pg_cluster&) = delete;

  bool ok() const noexcept { return error_.empty(); }
  const std::string& error() const noexcept { return error_; }

  // libpq URI of a fresh database named `name` (created on first call).
  std::string create_database(const std::string& name);
  std::string uri(const std::string& database) const;
  const std::filesystem::path& socket_dir() const noexcept { return dir_; }

  // Runs SQL as the cluster's superuser through psql; returns its output (trimmed).
  std::string psql(const std::string& database, const std::string& sql) const;
  // pg_ctl restart -m fast (the server goes away, then comes back on the same socket).
  bool restart();

 private:
  std::string run_as_owner(const std::string& command) const;  // output, "" on failure sets nothing
  int run_status(const std::string& command) const;

  std::filesystem::path dir_;  // data in dir_/data, socket in dir_
  std::filesystem::path bindir_;
  std::string owner_;  // "postgres" when running as root, else empty (current user)
  std::string user_;   // database superuser name
  std::string error_;
  int port_ = 5432;  // only names the socket file
};

}  // namespace pgtest
