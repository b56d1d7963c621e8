#include "pg_cluster.hpp"

#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <random>

namespace pgtest {

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string capture(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int rc = ::pclose(p);
  if (status) *status = rc;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

pg_cluster::pg_cluster() {
  bindir_ = capture("pg_config --bindir 2>/dev/null");
  if (bindir_.empty() || !std::filesystem::exists(bindir_ / "initdb")) {
    error_ =
        "PostgreSQL server binaries not found (pg_config --bindir); install postgresql and "
        "libpq-dev";
    return;
  }
  char tmpl[] = "/tmp/pgtest.XXXXXX";
  if (!::mkdtemp(tmpl)) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = tmpl;
  if (::geteuid() == 0) {
    owner_ = "postgres";
    const passwd* pw = ::getpwnam("postgres");
    if (!pw) {
      error_ = "running as root needs the postgres system user (package postgresql)";
      return;
    }
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      error_ = "chown of the cluster folder failed";
      return;
    }
    user_ = "postgres";
  } else {
    const passwd* pw = ::getpwuid(::geteuid());
    user_ = pw ? pw->pw_name : "postgres";
  }
  std::random_device rd;
  port_ = 20000 + static_cast<int>(rd() % 20000);
  const auto data = (dir_ / "data").string();
  if (run_status(shell_quote((bindir_ / "initdb").string()) + " -D " + shell_quote(data) +
                 " -A trust -E UTF8 --locale=C.UTF-8 -U " + shell_quote(user_) + " >" +
                 shell_quote((dir_ / "initdb.log").string()) + " 2>&1") != 0) {
    error_ = "initdb failed: see " + (dir_ / "initdb.log").string();
    return;
  }
  const std::string options = "-c listen_addresses='' -c unix_socket_directories=" + dir_.string() +
                              " -p " + std::to_string(port_) +
                              " -c fsync=on -c max_connections=200";
  if (run_status(shell_quote((bindir_ / "pg_ctl").string()) + " -D " + shell_quote(data) +
                 " -w -t 60 -l " + shell_quote((dir_ / "server.log").string()) + " -o " +
                 shell_quote(options) + " start >/dev/null 2>&1") != 0) {
    error_ = "pg_ctl start failed: see " + (dir_ / "server.log").string();
  }
}

pg_cluster::~pg_cluster() {
  if (dir_.empty()) return;
  if (std::filesystem::exists(dir_ / "data" / "postmaster.pid"))
    run_status(shell_quote((bindir_ / "pg_ctl").string()) + " -D " +
               shell_quote((dir_ / "data").string()) + " -m immediate -w stop >/dev/null 2>&1");
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

int pg_cluster::run_status(const std::string& command) const {
  const std::string full =
      owner_.empty() ? command : "runuser -u " + owner_ + " -- sh -c " + shell_quote(command);
  const int rc = std::system(full.c_str());
  return rc == -1 ? -1 : WEXITSTATUS(rc);
}

std::string pg_cluster::run_as_owner(const std::string& command) const {
  const std::string full =
      owner_.empty() ? command : "runuser -u " + owner_ + " -- sh -c " + shell_quote(command);
  return capture(full);
}

std::string pg_cluster::uri(const std::string& database) const {
  // Socket folder as host (percent-encoded slashes), port naming the socket file.
  std::string host;
  for (char c : dir_.string()) host += c == '/' ? std::string("%2F") : std::string(1, c);
  return "postgresql://" + user_ + "@" + host + ":" + std::to_string(port_) + "/" + database;
}

std::string pg_cluster::psql(const std::string& database, const std::string& sql) const {
  return capture(shell_quote((bindir_ / "psql").string()) + " -X -q -A -t -v ON_ERROR_STOP=1 -h " +
                 shell_quote(dir_.string()) + " -p " + std::to_string(port_) + " -U " +
                 shell_quote(user_) + " -d " + shell_quote(database) + " -c " + shell_quote(sql) +
                 " 2>&1");
}

std::string pg_cluster::create_database(const std::string& name) {
  psql("postgres", "CREATE DATABASE \"" + name + "\"");
  return uri(name);
}

bool pg_cluster::restart() {
  return run_status(shell_quote((bindir_ / "pg_ctl").string()) + " -D " +
                    shell_quote((dir_ / "data").string()) +
                    " -m fast -w -t 60 restart >/dev/null 2>&1") == 0;
}

}  // namespace pgtest
