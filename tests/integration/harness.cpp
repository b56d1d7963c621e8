#include "harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <fstream>
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
  if (pid > 0) ::kill(pid, sig);
}

int process::wait() {
  if (pid <= 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  pid = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

bool process::running() const {
  if (pid <= 0) return false;
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == 0;
}

std::unique_ptr<process> spawn(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto p = std::make_unique<process>();
  p->log = log;
  if (posix_spawn(&p->pid, args[0], &actions, nullptr, args.data(), environ) != 0)
    throw std::runtime_error("cannot start " + argv[0]);
  posix_spawn_file_actions_destroy(&actions);
  return p;
}

std::optional<std::string> wait_for_line(const process& p, std::string_view needle, std::chrono::milliseconds timeout) {
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

template <class Stream>
response exchange(Stream& stream, beast::tcp_stream& tcp, bhttp::request<bhttp::string_body>& req,
                  std::chrono::milliseconds timeout) {
  tcp.expires_after(timeout);
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::read(stream, buffer, parser);
  auto msg = parser.release();
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

response request(const std::string& base_url, const std::string& method, const std::string& target,
                 const std::string& body, const header_list& headers, const std::string& ca_file,
                 std::chrono::milliseconds timeout) {
  auto base = parse_base(base_url);
  try {
    net::io_context io;
    net::ip::tcp::resolver resolver(io);
    beast::tcp_stream tcp(io);
    tcp.expires_after(timeout);
    tcp.connect(resolver.resolve(base.host, base.port));
    bhttp::request<bhttp::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, base.host + ":" + base.port);
    for (const auto& [k, v] : headers) req.insert(k, v);
    req.body() = body;
    req.keep_alive(false);
    if (!body.empty() || method == "POST") req.prepare_payload();
    if (!base.tls) return exchange(tcp, tcp, req, timeout);
    net::ssl::context ctx(net::ssl::context::tls_client);
    if (!ca_file.empty()) ctx.load_verify_file(ca_file);
    net::ssl::stream<beast::tcp_stream&> tls(tcp, ctx);
    tls.set_verify_mode(net::ssl::verify_peer);
    tls.set_verify_callback(net::ssl::host_name_verification(base.host));
    SSL_set_tlsext_host_name(tls.native_handle(), base.host.c_str());
    tls.handshake(net::ssl::stream_base::client);
    return exchange(tls, tcp, req, timeout);
  } catch (const std::exception& e) {
    response r;
    r.body = e.what();
    return r;
  }
}

stack::stack(stack_options options) : options_(std::move(options)) {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() / ("pgtest-" + std::to_string(rd()) + std::to_string(::getpid()));
  std::filesystem::create_directories(dir_);
  std::vector<std::string> sim_argv{CARRIER_SIM_BIN, "--listen", "127.0.0.1:0"};
  if (options_.tls) {
    sim_argv.insert(sim_argv.end(), {"--cert", std::string(CERTS_DIR) + "/server.crt", "--key", std::string(CERTS_DIR) + "/server.key"});
  } else {
    sim_argv.push_back("--plain");
  }
  sim_argv.insert(sim_argv.end(), options_.sim_args.begin(), options_.sim_args.end());
  sim_ = spawn(sim_argv, dir_ / "carrier-sim.log");
  auto line = wait_for_line(*sim_, "carrier-sim listening");
  if (!line) throw std::runtime_error("carrier-sim did not start; log in " + (dir_ / "carrier-sim.log").string());
  sim_url_ = json_field(*line, "url");

  config_ = dir_ / "parcelgate.yaml";
  std::ofstream cfg(config_);
  cfg << "server:\n  listen: \"127.0.0.1:0\"\n";
  if (options_.tls)
    cfg << "  tls: {cert: \"" << CERTS_DIR << "/server.crt\", key: \"" << CERTS_DIR << "/server.key\"}\n";
  cfg << "  threads: 2\n  rate_limit: {requests_per_s: " << options_.rate_limit << ", burst: " << options_.rate_limit << "}\n";
  cfg << "log: {level: info}\n";
  cfg << "store: {kind: sqlite, path: parcelgate.db}\n";
  if (options_.tls) cfg << "outbound: {ca_file: \"" << CERTS_DIR << "/ca.crt\"}\n";
  cfg << "carriers:\n";
  cfg << "  colissimo: {base_url: \"" << sim_url_ << "/colissimo\", contract_number: \"123456\", password: sandbox, timeout_s: "
      << options_.carrier_timeout_s << "}\n";
  cfg << "  mondialrelay: {base_url: \"" << sim_url_ << "/mondialrelay\", enseigne: BDTEST13, private_key: PrivateK, timeout_s: "
      << options_.carrier_timeout_s << "}\n";
  cfg << options_.extra_config;
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
  gateway_ = spawn({PARCELGATE_BIN, "--config", config_.string()}, log);
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

void stack::kill_gateway(int sig) {
  gateway_->signal(sig);
  gateway_->wait();
}

std::string stack::gateway_log() const {
  std::ifstream in(dir_ / "parcelgate.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string stack::ca_file() const { return options_.tls ? std::string(CERTS_DIR) + "/ca.crt" : std::string(); }

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

std::string stack::create_key(const std::string& tenant, const std::string& role) {
  std::string out;
  if (parcelctl({"keys", "create", "--tenant", tenant, "--role", role, "--json"}, &out) != 0)
    throw std::runtime_error("parcelctl keys create failed: " + out);
  auto key = json_field(out, "key");
  if (key.empty()) throw std::runtime_error("no key in parcelctl output: " + out);
  return key;
}

response stack::call(const std::string& method, const std::string& target, const std::string& key,
                     const std::string& body, header_list headers) {
  if (!key.empty()) headers.emplace_back("Authorization", "Bearer " + key);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return request(gateway_url_, method, target, body, headers, ca_file());
}

response stack::sim(const std::string& method, const std::string& target, const std::string& body) {
  return request(sim_url_, method, target, body, {}, ca_file());
}

std::string shipment_body(const std::string& carrier, const std::string& reference) {
  std::string service = carrier == "mondialrelay" ? "pickup_point" : "home";
  std::string point = carrier == "mondialrelay" ? R"("pickup_point_id": "mondialrelay:FR:020230",)" : "";
  return R"({"reference": ")" + reference + R"(", "carrier": ")" + carrier + R"(", "service": ")" + service + R"(", )" +
         point + R"(
  "from": {"name": "Acme Returns", "line1": "10 rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR",
           "phone": "+33612345678", "email": "ops@acme.test"},
  "to": {"name": "Marie Curie", "line1": "31 cours Andre Philip", "city": "Villeurbanne", "postal_code": "69100",
         "country": "FR", "phone": "+33611223344", "email": "marie@example.test"},
  "parcels": [{"weight_g": 1200, "dimensions_mm": {"length": 300, "width": 200, "height": 100}}],
  "label": {"format": "pdf", "size": "a6"}})";
}

}  // namespace pgtest
