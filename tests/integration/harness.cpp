#include "harness.hpp"

#include "pg_cluster.hpp"

#include "gateway/domain/time_zone.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace pgtest {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

process::~process() {
  if (pid > 0 && running()) {
    ::kill(pid, SIGKILL);
    wait();
  }
}

void process::signal(int sig) const {
  if (pid > 0 && !raw_status_) ::kill(pid, sig);  // never signal a reaped (maybe reused) pid
}

namespace {
int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

int process::wait() {
  if (pid <= 0) return -1;
  int status = 0;
  if (raw_status_) {
    status = *raw_status_;
  } else {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid = -1;
  raw_status_.reset();
  return decode_status(status);
}

std::optional<int> process::wait_for(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return wait();
}

bool process::running() const {
  if (pid <= 0 || raw_status_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid, &status, WNOHANG);
  if (r == pid) raw_status_ = status;
  return r == 0;
}

namespace {

std::unique_ptr<process> spawn_with_env(const std::vector<std::string>& argv,
                                        const std::filesystem::path& log,
                                        const std::vector<std::string>& extra_env) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // The environment: ours, with `extra_env` entries replacing same-named ones.
  std::vector<std::string> env_store;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    bool replaced = false;
    for (const auto& x : extra_env)
      replaced = replaced || entry.substr(0, entry.find('=') + 1) ==
                                 std::string_view(x).substr(0, x.find('=') + 1);
    if (!replaced) env_store.emplace_back(entry);
  }
  env_store.insert(env_store.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);
  auto p = std::make_unique<process>();
  p->log = log;
  const std::string log_path = log.string();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("cannot start " + argv[0]);
  if (pid == 0) {
    // The child dies with the test process, even when that one crashes or is killed by a
    // timeout: a leaked gateway would keep its port, its files and whatever it inherited.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0 || ::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0) ::_exit(127);
    // Descriptors the test runner inherited (a build lock, for one) are not the child's business.
    for (int other = 3; other < 1024; ++other)
      if (other != fd) ::close(other);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  p->pid = pid;
  return p;
}

}  // namespace

std::unique_ptr<process> spawn(const std::vector<std::string>& argv,
                               const std::filesystem::path& log) {
  return spawn_with_env(argv, log, {});
}

std::optional<std::string> wait_for_line(const process& p, std::string_view needle,
                                         std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(p.log);
    std::string line;
    while (std::getline(in, line))
      if (line.find(needle) != std::string::npos) return line;
    if (!p.running()) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

std::string json_field(const std::string& line, std::string_view field) {
  std::string key = "\"" + std::string(field) + "\":\"";
  auto at = line.find(key);
  if (at == std::string::npos) return {};
  auto start = at + key.size();
  return line.substr(start, line.find('"', start) - start);
}

namespace {

struct parsed {
  bool tls;
  std::string host, port;
};

parsed parse_base(const std::string& url) {
  parsed p;
  p.tls = url.starts_with("https://");
  auto rest = url.substr(p.tls ? 8 : 7);
  auto colon = rest.rfind(':');
  p.host = rest.substr(0, colon);
  p.port = rest.substr(colon + 1);
  return p;
}

bhttp::request<bhttp::string_body> make_request(const parsed& base, const std::string& method,
                                                const std::string& target, const std::string& body,
                                                const header_list& headers, bool keep_alive) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, base.host + ":" + base.port);
  for (const auto& [k, v] : headers) req.insert(k, v);
  req.body() = body;
  req.keep_alive(keep_alive);
  if (!body.empty() || method == "POST") req.prepare_payload();
  return req;
}

response to_response(bhttp::response<bhttp::string_body>&& msg) {
  response out;
  out.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = std::move(msg.body());
  return out;
}

}  // namespace

// Every operation is asynchronous with the tcp_stream's expiry as its deadline, run to completion
// on a private io_context: Beast applies timeouts to asynchronous operations only.
struct connection::impl {
  net::io_context io;
  beast::tcp_stream tcp{io};
  std::optional<net::ssl::context> ctx;
  std::optional<net::ssl::stream<beast::tcp_stream&>> tls;
  beast::flat_buffer buffer;
  parsed base;
  std::string error;
  bool open = false;

  // Starts one asynchronous operation through `start(handler)` and runs it to completion.
  template <class Start>
  beast::error_code run(Start&& start) {
    beast::error_code result = net::error::operation_aborted;
    io.restart();
    start([&result](beast::error_code ec, std::size_t = 0) { result = ec; });
    io.run();
    return result;
  }

  bool fail(const char* stage, const beast::error_code& ec) {
    error = std::string(stage) + ": " + ec.message();
    open = false;
    beast::error_code ignored;
    tcp.socket().close(ignored);
    return false;
  }

  template <class Op>
  beast::error_code on_stream(Op&& op) {
    if (tls) return op(*tls);
    return op(tcp);
  }
};

connection::connection(const std::string& base_url, const std::string& ca_file, bool tls_handshake,
                       std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>()) {
  auto& im = *impl_;
  im.base = parse_base(base_url);
  net::ip::tcp::resolver resolver(im.io);
  beast::error_code ec;
  auto endpoints = resolver.resolve(im.base.host, im.base.port, ec);
  if (ec) {
    im.fail("resolve", ec);
    return;
  }
  im.tcp.expires_after(timeout);
  ec = im.run([&](auto handler) {
    im.tcp.async_connect(
        endpoints,
        [handler](beast::error_code e, const net::ip::tcp::endpoint&) mutable { handler(e); });
  });
  if (ec) {
    im.fail("connect", ec);
    return;
  }
  if (im.base.tls && tls_handshake) {
    im.ctx.emplace(net::ssl::context::tls_client);
    if (!ca_file.empty()) im.ctx->load_verify_file(ca_file, ec);
    if (ec) {
      im.fail("load CA", ec);
      return;
    }
    im.tls.emplace(im.tcp, *im.ctx);
    im.tls->set_verify_mode(net::ssl::verify_peer);
    im.tls->set_verify_callback(net::ssl::host_name_verification(im.base.host));
    SSL_set_tlsext_host_name(im.tls->native_handle(), im.base.host.c_str());
    ec = im.run(
        [&](auto handler) { im.tls->async_handshake(net::ssl::stream_base::client, handler); });
    if (ec) {
      im.fail("TLS handshake", ec);
      return;
    }
  }
  im.open = true;
}

connection::~connection() = default;

bool connection::is_open() const {
  return impl_->open;
}
const std::string& connection::error() const {
  return impl_->error;
}

bool connection::write_request(const std::string& method, const std::string& target,
                               const std::string& body, const header_list& headers, bool keep_alive,
                               std::chrono::milliseconds timeout) {
  auto& im = *impl_;
  if (!im.open) return false;
  auto req = make_request(im.base, method, target, body, headers, keep_alive);
  im.tcp.expires_after(timeout);
  auto ec = im.on_stream([&](auto& stream) {
    return im.run([&](auto handler) { bhttp::async_write(stream, req, handler); });
  });
  if (ec) return im.fail("write", ec);
  return true;
}

response connection::read_response(std::chrono::milliseconds timeout) {
  auto& im = *impl_;
  response out;
  if (!im.open) {
    out.body = im.error.empty() ? "connection closed" : im.error;
    return out;
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  im.tcp.expires_after(timeout);
  auto ec = im.on_stream([&](auto& stream) {
    return im.run([&](auto handler) { bhttp::async_read(stream, im.buffer, parser, handler); });
  });
  if (ec) {
    im.fail("read", ec);
    out.body = im.error;
    return out;
  }
  return to_response(parser.release());
}

response connection::send(const std::string& method, const std::string& target,
                          const std::string& body, const header_list& headers, bool keep_alive,
                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (!write_request(method, target, body, headers, keep_alive, timeout)) {
    response out;
    out.body = impl_->error;
    return out;
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return read_response(std::max(left, std::chrono::milliseconds(1)));
}

bool connection::write_raw(std::string_view bytes, std::chrono::milliseconds timeout) {
  auto& im = *impl_;
  if (!im.open) return false;
  im.tcp.expires_after(timeout);
  auto ec = im.on_stream([&](auto& stream) {
    return im.run([&](auto handler) {
      net::async_write(stream, net::buffer(bytes.data(), bytes.size()), handler);
    });
  });
  if (ec) return im.fail("write", ec);
  return true;
}

std::string connection::read_until_close(std::chrono::milliseconds timeout, bool* closed) {
  auto& im = *impl_;
  std::string out(static_cast<const char*>(im.buffer.data().data()), im.buffer.size());
  im.buffer.consume(im.buffer.size());
  if (closed) *closed = !im.open;
  if (!im.open) return out;
  im.tcp.expires_after(timeout);
  for (;;) {
    char chunk[4096];
    std::size_t got = 0;
    auto ec = im.on_stream([&](auto& stream) {
      return im.run([&](auto handler) {
        stream.async_read_some(net::buffer(chunk),
                               [handler, &got](beast::error_code e, std::size_t n) mutable {
                                 got = n;
                                 handler(e);
                               });
      });
    });
    out.append(chunk, got);
    if (ec) {
      if (closed) *closed = ec != beast::error::timeout;
      im.fail("read", ec);
      return out;
    }
  }
}

std::string connection::trickle(std::string_view bytes, std::chrono::milliseconds interval,
                                std::chrono::milliseconds timeout, bool* closed) {
  auto& im = *impl_;
  std::string received;
  if (closed) *closed = !im.open;
  if (!im.open) return received;
  // One read and one write outstanding at once (full duplex), with our own timers: the stream's
  // expiry would close the socket on the first idle interval.
  im.tcp.expires_never();
  net::steady_timer deadline(im.io), tick(im.io);
  bool peer_closed = false, timed_out = false;
  std::size_t sent = 0;
  char chunk[4096];
  std::function<void()> read_more, write_next;
  read_more = [&] {
    auto on_read = [&](beast::error_code ec, std::size_t n) {
      received.append(chunk, n);
      if (ec) {
        peer_closed = !timed_out;
        deadline.cancel();
        tick.cancel();
        return;
      }
      read_more();
    };
    if (im.tls)
      im.tls->async_read_some(net::buffer(chunk), on_read);
    else
      im.tcp.async_read_some(net::buffer(chunk), on_read);
  };
  write_next = [&] {
    if (peer_closed || timed_out || sent >= bytes.size()) return;
    tick.expires_after(interval);
    tick.async_wait([&](beast::error_code ec) {
      if (ec || peer_closed || timed_out) return;
      auto on_write = [&](beast::error_code wec, std::size_t) {
        if (wec) return;  // the read side reports the close
        ++sent;
        write_next();
      };
      if (im.tls)
        net::async_write(*im.tls, net::buffer(bytes.data() + sent, 1), on_write);
      else
        net::async_write(im.tcp, net::buffer(bytes.data() + sent, 1), on_write);
    });
  };
  deadline.expires_after(timeout);
  deadline.async_wait([&](beast::error_code ec) {
    if (ec) return;
    timed_out = true;
    tick.cancel();
    beast::error_code ignored;
    im.tcp.socket().close(ignored);
  });
  im.io.restart();
  read_more();
  write_next();
  im.io.run();
  im.open = false;
  im.error = peer_closed ? "closed by the peer" : "timed out";
  if (closed) *closed = peer_closed;
  return received;
}

response request(const std::string& base_url, const std::string& method, const std::string& target,
                 const std::string& body, const header_list& headers, const std::string& ca_file,
                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  connection c(base_url, ca_file, true, timeout);
  if (!c.is_open()) {
    response r;
    r.body = c.error();
    return r;
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return c.send(method, target, body, headers, false, std::max(left, std::chrono::milliseconds(1)));
}

namespace {

std::string yaml_quoted(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::string default_store_yaml() {
  if (test_store() != "postgresql") return "store: {kind: sqlite, path: parcelgate.db}\n";
  // One cluster per test process (ctest runs each test in its own), a database per stack.
  static pg_cluster cluster;
  static int stacks = 0;
  if (!cluster.ok())
    throw std::runtime_error("PARCELGATE_TEST_STORE=postgresql: no PostgreSQL cluster: " +
                             cluster.error());
  const auto url = cluster.create_database("stack_" + std::to_string(++stacks));
  // A short instance lease: a gateway killed by a test has its purchases recovered within ~3 s.
  return "store: {kind: postgresql, url: \"" + url + "\", pool: 8, lease_s: 2}\n";
}

stack::stack(stack_options options) : options_(std::move(options)) {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("pgtest-" + std::to_string(rd()) + std::to_string(::getpid()));
  std::filesystem::create_directories(dir_);
  std::vector<std::string> sim_argv{CARRIER_SIM_BIN, "--listen", "127.0.0.1:0"};
  if (options_.tls) {
    sim_argv.insert(sim_argv.end(), {"--cert", std::string(CERTS_DIR) + "/server.crt", "--key",
                                     std::string(CERTS_DIR) + "/server.key"});
  } else {
    sim_argv.push_back("--plain");
  }
  sim_argv.insert(sim_argv.end(), options_.sim_args.begin(), options_.sim_args.end());
  sim_ = spawn_with_env(sim_argv, dir_ / "carrier-sim.log", options_.env);
  auto line = wait_for_line(*sim_, "carrier-sim listening");
  if (!line)
    throw std::runtime_error("carrier-sim did not start; log in " +
                             (dir_ / "carrier-sim.log").string());
  sim_url_ = json_field(*line, "url");

  config_ = dir_ / "parcelgate.yaml";
  std::ofstream cfg(config_);
  cfg << "server:\n  listen: \"127.0.0.1:0\"\n";
  if (options_.tls)
    cfg << "  tls: {cert: \"" << CERTS_DIR << "/server.crt\", key: \"" << CERTS_DIR
        << "/server.key\"}\n";
  cfg << "  threads: " << options_.threads
      << "\n  rate_limit: {requests_per_s: " << options_.rate_limit
      << ", burst: " << options_.rate_limit << "}\n";
  {
    std::string limits;
    auto add = [&limits](const char* name, long long v) {
      if (v > 0)
        limits += std::string(limits.empty() ? "" : ", ") + name + ": " + std::to_string(v);
    };
    add("max_body_bytes", options_.max_body_bytes);
    add("max_header_bytes", options_.max_header_bytes);
    add("header_timeout_s", options_.header_timeout_s);
    add("body_timeout_s", options_.body_timeout_s);
    add("idle_timeout_s", options_.idle_timeout_s);
    add("max_connections", options_.max_connections);
    if (!limits.empty()) cfg << "  limits: {" << limits << "}\n";
  }
  cfg << "log: {level: info}\n";
  cfg << (options_.store_yaml.empty() ? default_store_yaml() : options_.store_yaml);
  {
    std::string outbound;
    if (options_.tls) outbound = "ca_file: \"" + std::string(CERTS_DIR) + "/ca.crt\"";
    if (!options_.circuit_breaker.empty())
      outbound += (outbound.empty() ? "" : ", ") + std::string("circuit_breaker: ") +
                  options_.circuit_breaker;
    if (!outbound.empty()) cfg << "outbound: {" << outbound << "}\n";
  }
  cfg << "carriers:\n";
  cfg << "  colissimo: {base_url: \"" << sim_url_
      << "/colissimo\", contract_number: " << yaml_quoted(options_.colissimo_contract)
      << ", password: " << yaml_quoted(options_.colissimo_password) << ", tracking_url: \""
      << sim_url_ << "/laposte/suivi/v2\", okapi_key: sandbox-okapi"
      << ", points_url: \""
      << (options_.colissimo_points_url.empty()
              ? sim_url_ + "/colissimo/pointretrait-ws-cxf/PointRetraitServiceWS/2.0"
              : options_.colissimo_points_url)
      << "\""
      << ", timeout_s: " << options_.carrier_timeout_s << "}\n";
  cfg << "  mondialrelay: {base_url: \"" << sim_url_
      << "/mondialrelay\", enseigne: " << yaml_quoted(options_.mondialrelay_enseigne)
      << ", private_key: " << yaml_quoted(options_.mondialrelay_private_key)
      << ", timeout_s: " << options_.carrier_timeout_s << "}\n";
  {
    // "{sim_url}" in extra_config: the simulator's URL, known only now (carriers configured by a
    // test of their own, e.g. InPost).
    std::string extra = options_.extra_config;
    for (auto at = extra.find("{sim_url}"); at != std::string::npos; at = extra.find("{sim_url}"))
      extra.replace(at, 9, sim_url_);
    cfg << extra;
  }
  cfg.close();
  start_gateway();
}

stack::~stack() {
  gateway_.reset();
  sim_.reset();
  if (!std::getenv("PGTEST_KEEP")) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

void stack::start_gateway() {
  auto log = dir_ / "parcelgate.log";
  std::ofstream(log, std::ios::app) << "--- start\n";
  auto offset = std::filesystem::file_size(log);
  gateway_ = spawn_with_env({PARCELGATE_BIN, "--config", config_.string()}, log, options_.env);
  // Read the URL from the lines written by this start only.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(log);
    in.seekg(static_cast<std::streamoff>(offset));
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("parcelgate listening") != std::string::npos) {
        gateway_url_ = json_field(line, "url");
        return;
      }
    }
    if (!gateway_->running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("parcelgate did not start; log:\n" + gateway_log());
}

int stack::kill_gateway(int sig) {
  gateway_->signal(sig);
  return gateway_->wait();
}

void stack::kill_sim(int sig) {
  sim_->signal(sig);
  sim_->wait();
}

std::string stack::gateway_log() const {
  std::ifstream in(dir_ / "parcelgate.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string stack::ca_file() const {
  return options_.tls ? std::string(CERTS_DIR) + "/ca.crt" : std::string();
}

int stack::parcelctl(const std::vector<std::string>& args, std::string* out) {
  auto log = dir_ / "parcelctl.out";
  std::filesystem::remove(log);
  std::vector<std::string> argv{PARCELCTL_BIN, "--config", config_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto p = spawn(argv, log);
  int rc = p->wait();
  if (out) {
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    *out = ss.str();
  }
  return rc;
}

namespace {

// `parcelctl keys create` arguments; a point key needs its points (stack::kDefaultPoint unless
// given).
std::vector<std::string> key_args(const std::string& tenant, const std::string& role,
                                  const std::string& points) {
  std::vector<std::string> args{"keys", "create", "--tenant", tenant, "--role", role, "--json"};
  if (role == "point") {
    args.emplace_back("--points");
    args.push_back(points.empty() ? std::string(stack::kDefaultPoint) : points);
  }
  return args;
}

}  // namespace

std::string stack::create_key(const std::string& tenant, const std::string& role,
                              const std::string& points) {
  std::string out;
  if (parcelctl(key_args(tenant, role, points), &out) != 0)
    throw std::runtime_error("parcelctl keys create failed: " + out);
  auto key = json_field(out, "key");
  if (key.empty()) throw std::runtime_error("no key in parcelctl output: " + out);
  return key;
}

response stack::call(const std::string& method, const std::string& target, const std::string& key,
                     const std::string& body, header_list headers) {
  if (!key.empty()) headers.emplace_back("Authorization", "Bearer " + key);
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    has_type = has_type || lower == "content-type";
  }
  if (!body.empty() && !has_type) headers.emplace_back("Content-Type", "application/json");
  return request(gateway_url_, method, target, body, headers, ca_file(), options_.client_timeout);
}

response stack::sim(const std::string& method, const std::string& target, const std::string& body) {
  return request(sim_url_, method, target, body, {}, ca_file(), options_.client_timeout);
}

stack::key_info stack::create_key_info(const std::string& tenant, const std::string& role,
                                       const std::string& points) {
  std::string out;
  if (parcelctl(key_args(tenant, role, points), &out) != 0)
    throw std::runtime_error("parcelctl keys create failed: " + out);
  key_info info{json_field(out, "id"), json_field(out, "key")};
  if (info.key.empty() || info.id.empty())
    throw std::runtime_error("no key in parcelctl output: " + out);
  return info;
}

int run_program(const std::vector<std::string>& argv, std::string* output,
                const std::vector<std::string>& extra_env) {
  temp_dir dir;
  auto log = dir.path() / "output.log";
  auto p = spawn_with_env(argv, log, extra_env);
  int rc = p->wait();
  if (output) {
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    *output = ss.str();
  }
  return rc;
}

temp_dir::temp_dir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("pgtest-" + std::to_string(rd()) + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(path_);
}

temp_dir::~temp_dir() {
  if (!std::getenv("PGTEST_KEEP")) {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
}

const char* const kInpostCarrierConfig =
    "  inpost: {base_url: \"{sim_url}/inpost\", token: \"sandbox-inpost-token\", "
    "organization_id: \"6183\", push_token: \"push-secret\", confirm_timeout_s: 2, timeout_s: "
    "15}\n";

std::string local_date(const std::string& zone, int days) {
  auto tz = parcelgate::time_zone::load(zone);
  if (!tz) throw std::runtime_error("time zone " + zone + ": " + tz.error().message);
  return tz->local_iso_date(std::chrono::system_clock::now() + std::chrono::hours(24 * days));
}

std::string pickup_body(const std::string& carrier, const std::string& date,
                        const std::vector<std::string>& shipment_ids, const std::string& extra,
                        const std::string& address) {
  const std::string at =
      !address.empty() ? address
      : carrier == "inpost"
          ? R"({"name": "Piotr Zielinski", "company": "Sklep Krakowski", "line1": "ul. Florianska 12",
               "city": "Krakow", "postal_code": "31-021", "country": "PL", "phone": "+48 600 100 200",
               "email": "wysylki@sklep.example.pl"})"
          : R"({"name": "Claire Martin", "company": "Acme", "line1": "10 rue de Rivoli", "city": "Paris",
               "postal_code": "75001", "country": "FR", "phone": "+33612345678", "email": "ops@acme.test"})";
  std::string list;
  for (const auto& id : shipment_ids) list += (list.empty() ? "\"" : ", \"") + id + "\"";
  return R"({"carrier": ")" + carrier + R"(", "address": )" + at + R"(, "date": ")" + date +
         R"(", "shipment_ids": [)" + list + "]" + extra + "}";
}

std::string shipment_body(const std::string& carrier, const std::string& reference) {
  if (carrier == "inpost")
    return R"({"reference": ")" + reference + R"(", "carrier": "inpost", "service": "home",
  "from": {"name": "Piotr Zielinski", "company": "Sklep Krakowski", "line1": "ul. Florianska 12", "city": "Krakow",
           "postal_code": "31-021", "country": "PL", "phone": "+48123456789", "email": "wysylki@sklep.example.pl"},
  "to": {"name": "Anna Nowak", "line1": "ul. Dluga 5", "city": "Warszawa", "postal_code": "00-238", "country": "PL",
         "phone": "+48600123456", "email": "anna.nowak@example.pl"},
  "parcels": [{"weight_g": 2400, "dimensions_mm": {"length": 300, "width": 150, "height": 120}}],
  "label": {"format": "pdf", "size": "a6"}})";
  std::string service = carrier == "mondialrelay" ? "pickup_point" : "home";
  std::string point =
      carrier == "mondialrelay" ? R"("pickup_point_id": "mondialrelay:FR:020230",)" : "";
  return R"({"reference": ")" + reference + R"(", "carrier": ")" + carrier + R"(", "service": ")" +
         service + R"(", )" + point + R"(
  "from": {"name": "Acme Returns", "line1": "10 rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR",
           "phone": "+33612345678", "email": "ops@acme.test"},
  "to": {"name": "Marie Curie", "line1": "31 cours Andre Philip", "city": "Villeurbanne", "postal_code": "69100",
         "country": "FR", "phone": "+33611223344", "email": "marie@example.test"},
  "parcels": [{"weight_g": 1200, "dimensions_mm": {"length": 300, "width": 200, "height": 100}}],
  "label": {"format": "pdf", "size": "a6"}})";
}

}  // namespace pgtest
