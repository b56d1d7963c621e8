// Two gateways on one PostgreSQL database behind nginx, configured by the shipped
// config/nginx/parcelgate-lb.conf.in (rendered by tools/lb-config.sh, as tools/run.sh does):
// 50 concurrent purchases with one Idempotency-Key spread over both buy one label; a gateway
// killed with kill -9 during a purchase stream leaves the other serving, and after its restart
// nothing acknowledged is lost, every label sold is stored and no key bought twice.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <barrier>
#include <csignal>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "pg_cluster.hpp"
#include "pg_support.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using pgtest::describe;
using pgtest::purchase_attempt;
using pgtest::response;
using pgtest::stack;
using pgtest::stack_options;

std::string address_of(const std::string& url) {  // "https://127.0.0.1:1234" -> "127.0.0.1:1234"
  return url.substr(url.find("://") + 3);
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

std::string program_path(const std::string& name) {
  std::string out;
  if (FILE* p = ::popen(("command -v " + name + " 2>/dev/null").c_str(), "r")) {
    std::array<char, 512> buf{};
    while (std::fgets(buf.data(), static_cast<int>(buf.size()), p)) out += buf.data();
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

int count_in_file(const std::filesystem::path& file, const std::string& needle) {
  std::ifstream in(file);
  int n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) ++n;
  return n;
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    // pid (comm) state ppid ...: comm may hold blanks, so read after its closing parenthesis.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    std::string state;
    pid_t ppid = 0;
    if (rest >> state >> ppid && ppid == parent) out.push_back(std::stoi(name));
  }
  return out;
}

// Gateway A is the stack's; gateway B is a second process with the same configuration (same
// database, same simulator, its own port); nginx balances over both.
class two_gateways {
 public:
  explicit two_gateways(const std::string& store_extra = {}, stack_options options = {}) {
    if (!cluster_.ok()) throw std::runtime_error(cluster_.error());
    const auto url = cluster_.create_database("gateway");
    options.store_yaml = pgtest::pg_store_yaml(url, 8, store_extra);
    options.client_timeout = 30s;
    env_ = std::make_unique<stack>(options);
    start_b();
    start_nginx();
  }

  // nginx's workers do not die with their master: stop the master the graceful way (it stops
  // its workers), and make sure of the workers it had.
  ~two_gateways() { stop_nginx(); }
  two_gateways(const two_gateways&) = delete;
  two_gateways& operator=(const two_gateways&) = delete;

  stack& env() { return *env_; }
  pgtest::pg_cluster& cluster() { return cluster_; }
  const std::string& lb_url() const { return lb_url_; }
  const std::string& b_url() const { return b_url_; }
  std::filesystem::path b_log() const { return env_->dir() / "parcelgate-b.log"; }
  pgtest::process& b() { return *b_; }

  response via_lb(const std::string& method, const std::string& target, const std::string& body,
                  const pgtest::header_list& headers) const {
    return pgtest::request(lb_url_, method, target, body, headers, env_->ca_file(), 30s);
  }

  // Starts gateway B (again); its URL changes (port 0), so nginx is configured again and reloaded.
  void start_b() {
    std::ofstream(b_log(), std::ios::app) << "--- start\n";
    const auto offset = std::filesystem::file_size(b_log());
    b_ = pgtest::spawn({PARCELGATE_BIN, "--config", env_->config_file().string()}, b_log());
    for (const auto until = std::chrono::steady_clock::now() + 20s;
         std::chrono::steady_clock::now() < until && b_url_for(offset).empty();)
      std::this_thread::sleep_for(20ms);
    b_url_ = b_url_for(offset);
    if (b_url_.empty())
      throw std::runtime_error("gateway B did not start; see " + b_log().string());
    if (nginx_) reload_nginx();
  }

 private:
  std::string b_url_for(std::uintmax_t offset) const {
    std::ifstream in(b_log());
    in.seekg(static_cast<std::streamoff>(offset));
    for (std::string line; std::getline(in, line);)
      if (line.find("parcelgate listening") != std::string::npos)
        return pgtest::json_field(line, "url");
    return {};
  }

  void render() {
    const std::string certs = CERTS_DIR;
    std::string out;
    const int rc = pgtest::run_program(
        {"/bin/bash", std::string(SOURCE_DIR) + "/tools/lb-config.sh", conf_.string(), listen_,
         certs + "/server.crt", certs + "/server.key", certs + "/ca.crt", "localhost",
         address_of(env_->gateway_url()), address_of(b_url_)},
        &out);
    if (rc != 0) throw std::runtime_error("tools/lb-config.sh failed: " + out);
  }

  void start_nginx() {
    const auto dir = env_->dir() / "nginx";
    std::filesystem::create_directories(dir);
    conf_ = dir / "nginx.conf";
    listen_ = "127.0.0.1:" + std::to_string(free_port());
    render();
    const auto nginx = program_path("nginx");
    if (nginx.empty()) throw std::runtime_error("nginx not found (package nginx-light)");
    nginx_ = pgtest::spawn({nginx, "-p", dir.string(), "-c", conf_.string(), "-g", "daemon off;"},
                           dir / "nginx.out");
    lb_url_ = "https://" + listen_;
    const bool up = pgtest::eventually(
        [&] {
          return pgtest::request(lb_url_, "GET", "/readyz", {}, {}, env_->ca_file(), 2s).status ==
                 200;
        },
        10s);
    if (!up) {
      stop_nginx();
      throw std::runtime_error("nginx did not start; see " + dir.string());
    }
  }

  void stop_nginx() {
    if (!nginx_) return;
    const auto workers = children_of(nginx_->pid);
    nginx_->signal(SIGTERM);
    if (!nginx_->wait_for(10s)) nginx_->signal(SIGKILL);
    nginx_.reset();
    for (const pid_t w : workers) ::kill(w, SIGKILL);  // gone already, normally
  }

  void reload_nginx() {
    render();
    const int before = count_in_file(b_log(), R"("path":"/readyz")");
    nginx_->signal(SIGHUP);
    // The new configuration is in force once a request through nginx reaches the new B (the old
    // workers finish what they had).
    const bool reloaded = pgtest::eventually(
        [&] {
          pgtest::request(lb_url_, "GET", "/readyz", {}, {}, env_->ca_file(), 2s);
          return count_in_file(b_log(), R"("path":"/readyz")") > before;
        },
        10s);
    if (!reloaded) throw std::runtime_error("nginx did not send requests to the restarted gateway");
  }

  pgtest::pg_cluster cluster_;
  std::unique_ptr<stack> env_;
  std::unique_ptr<pgtest::process> b_, nginx_;
  std::string b_url_, lb_url_, listen_;
  std::filesystem::path conf_;
};

TEST(pg_load_balancer, fifty_same_key_purchases_over_two_gateways_buy_one_label) {
  two_gateways g;
  auto& env = g.env();
  const auto key = env.create_key("acme", "merchant");
  // The first purchase is still at the carrier while the others arrive.
  pgtest::set_sim_faults(env, R"({"latency_ms": 500})");
  const auto body = pgtest::shipment_body("colissimo", "order-race");
  const pgtest::header_list headers{{"Authorization", "Bearer " + key},
                                    {"Content-Type", "application/json"},
                                    {"Idempotency-Key", "race-over-two"}};
  const int posts_a_before = count_in_file(env.dir() / "parcelgate.log", R"("method":"POST")");
  const int posts_b_before = count_in_file(g.b_log(), R"("method":"POST")");

  constexpr int kClients = 50;
  std::vector<response> answers(kClients);
  {
    std::barrier start(kClients);
    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i)
      clients.emplace_back([&, i] {
        start.arrive_and_wait();
        answers[i] = g.via_lb("POST", "/v1/shipments", body, headers);
      });
    for (auto& c : clients) c.join();
  }

  std::string created_body;
  int created = 0, in_progress = 0;
  for (const auto& r : answers) {
    SCOPED_TRACE(describe(r));
    if (r.status == 201) {
      ++created;
      if (created_body.empty()) created_body = r.body;
      EXPECT_EQ(r.body, created_body) << "two different shipments for one key";
    } else {
      pgtest::expect_problem(r, 409, "idempotency-key-in-use");
      ++in_progress;
    }
  }
  EXPECT_GE(created, 1);
  EXPECT_EQ(created + in_progress, kClients);
  EXPECT_EQ(pgtest::labels_sold(env), 1u) << "one key bought more than one label";
  // Both gateways took part.
  const int posts_a =
      count_in_file(env.dir() / "parcelgate.log", R"("method":"POST")") - posts_a_before;
  const int posts_b = count_in_file(g.b_log(), R"("method":"POST")") - posts_b_before;
  EXPECT_GE(posts_a, 10) << "nginx sent gateway A " << posts_a << " of the purchases";
  EXPECT_GE(posts_b, 10) << "nginx sent gateway B " << posts_b << " of the purchases";
  std::cout << "[ figures  ] " << created << " x 201, " << in_progress << " x 409; gateway A "
            << posts_a << " requests, gateway B " << posts_b << "\n";

  // Settled: the key replays the one shipment, from either gateway.
  for (int i = 0; i < 4; ++i) {
    auto again = g.via_lb("POST", "/v1/shipments", body, headers);
    EXPECT_EQ(again.status, 201) << describe(again);
    EXPECT_EQ(again.body, created_body);
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
  }
  EXPECT_EQ(g.cluster().psql("gateway", "SELECT count(*) FROM shipments"), "1");
  EXPECT_EQ(pgtest::labels_sold(env), 1u);
}

TEST(pg_load_balancer, kill_9_of_one_gateway_leaves_the_other_serving_and_loses_nothing) {
  // A short lease: the killed gateway's purchases in flight are recovered 2 s after it died.
  two_gateways g(", lease_s: 2");
  auto& env = g.env();
  const auto key = env.create_key("acme", "merchant");
  pgtest::set_sim_faults(env, R"({"latency_ms": 250, "jitter_ms": 100})");

  std::mutex mutex;
  std::vector<purchase_attempt> attempts;
  std::atomic<int> acknowledged{0};
  std::atomic<bool> killed{false}, stop{false};
  std::atomic<int> acknowledged_after_kill{0};
  std::vector<std::thread> clients;
  constexpr int kClients = 6;
  for (int t = 0; t < kClients; ++t)
    clients.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        purchase_attempt a;
        a.idempotency_key = "lb-kill-" + std::to_string(t) + "-" + std::to_string(i);
        a.body = pgtest::shipment_body((t + i) % 2 ? "mondialrelay" : "colissimo",
                                       "order-" + a.idempotency_key);
        const bool after_kill = killed.load();
        a.answer = g.via_lb("POST", "/v1/shipments", a.body,
                            {{"Authorization", "Bearer " + key},
                             {"Content-Type", "application/json"},
                             {"Idempotency-Key", a.idempotency_key}});
        if (a.answer.status == 201) {
          acknowledged.fetch_add(1);
          if (after_kill) acknowledged_after_kill.fetch_add(1);
        }
        std::lock_guard lock(mutex);
        attempts.push_back(std::move(a));
      }
    });
  const bool flowing = pgtest::eventually([&] { return acknowledged.load() >= 20; }, 60s);
  if (flowing) {
    g.b().signal(SIGKILL);
    g.b().wait();
    killed = true;
  }
  // The other gateway keeps serving: 20 more purchases started after the kill are acknowledged.
  const bool served =
      flowing && pgtest::eventually([&] { return acknowledged_after_kill.load() >= 20; }, 60s);
  stop = true;
  for (auto& c : clients) c.join();
  ASSERT_TRUE(flowing) << "purchases did not get through before the kill";
  EXPECT_TRUE(served) << "gateway A did not keep serving after gateway B was killed";

  // Answers: 201, or nginx's 502 problem for a purchase that was inside gateway B when it died.
  int lost_connection = 0;
  for (const auto& a : attempts) {
    SCOPED_TRACE(a.idempotency_key);
    if (a.answer.status == 201) continue;
    pgtest::expect_problem(a.answer, 502, "gateway-unreachable");
    EXPECT_EQ(a.answer.header("retry-after"), "1");
    ++lost_connection;
  }
  EXPECT_GE(lost_connection, 1) << "no purchase was inside gateway B when it died";
  EXPECT_LE(lost_connection, kClients) << "more failures than purchases in flight at the kill";

  // B restarted; the purchases it had in flight were recovered by A once its lease expired.
  g.start_b();
  const auto pending = pgtest::expect_nothing_lost_nothing_bought_twice(
      attempts, env, g.cluster(), "gateway", key,
      [&](const std::string& method, const std::string& target, const std::string& body,
          const pgtest::header_list& headers) { return g.via_lb(method, target, body, headers); });
  std::cout << "[ figures  ] " << attempts.size() << " purchases, " << lost_connection
            << " cut by the kill, " << pending << " pending_confirmation afterwards\n";
  // Both gateways serve again.
  EXPECT_EQ(pgtest::request(g.b_url(), "GET", "/readyz", {}, {}, env.ca_file(), 5s).status, 200);
  EXPECT_EQ(pgtest::request(env.gateway_url(), "GET", "/readyz", {}, {}, env.ca_file(), 5s).status,
            200);
}

// Reads of one shipment agree across gateways: a shipment cancelled through gateway A reads
// cancelled through gateway B too, though B had read (and kept in memory) its earlier state.
TEST(pg_load_balancer, a_shipment_changed_through_one_gateway_reads_changed_through_the_other) {
  two_gateways g;
  auto& env = g.env();
  const auto key = env.create_key("acme", "merchant");
  const pgtest::header_list auth{{"Authorization", "Bearer " + key}};
  const auto on = [&](const std::string& base, const std::string& method,
                      const std::string& target) {
    return pgtest::request(base, method, target, {}, auth, env.ca_file(), 30s);
  };
  auto bought = env.call("POST", "/v1/shipments", key, pgtest::shipment_body("colissimo"),
                         {{"Idempotency-Key", "cache-1"}});
  ASSERT_EQ(bought.status, 201) << describe(bought);
  const auto id = pgtest::string_at(pgtest::parse_object(bought.body), "id");
  auto first = on(g.b_url(), "GET", "/v1/shipments/" + id);
  ASSERT_EQ(first.status, 200) << describe(first);
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(first.body), "status"), "label_created");

  auto cancelled = on(env.gateway_url(), "POST", "/v1/shipments/" + id + "/cancel");
  ASSERT_EQ(cancelled.status, 200) << describe(cancelled);
  ASSERT_EQ(pgtest::string_at(pgtest::parse_object(cancelled.body), "status"), "cancelled");

  std::string seen;
  const bool agrees = pgtest::eventually(
      [&] {
        seen = pgtest::string_at(
            pgtest::parse_object(on(g.b_url(), "GET", "/v1/shipments/" + id).body), "status");
        return seen == "cancelled";
      },
      10s);
  EXPECT_TRUE(agrees) << "gateway B still answers status " << seen
                      << " 10 s after the shipment was cancelled through gateway A";
  EXPECT_EQ(
      pgtest::string_at(pgtest::parse_object(on(g.lb_url(), "GET", "/v1/shipments?limit=1").body)
                            .at("data")
                            .as_array()
                            .front()
                            .as_object(),
                        "status"),
      "cancelled")
      << "the list (never cached) disagrees";
}

TEST(pg_load_balancer, two_gateways_poll_each_parcel_once_per_interval_and_survive_kill_9) {
  // Parcels that never reach a final scan within the test, polled every 2 s by whichever gateway
  // holds the polling duty; leases of 2 s, so the other takes over quickly after a kill -9.
  stack_options options;
  options.env = {"CARRIER_SIM_MONDIALRELAY_STEP_SECONDS=3600"};
  options.extra_config = "tracking: {first_poll_after_s: 0, poll_interval_s: 2}\n";
  options.carrier_timeout_s = 2;  // parcels claimed by the killed gateway are due again ~10 s on
  two_gateways gw(", lease_s: 2", options);
  auto& env = gw.env();
  const auto key = env.create_key("acme", "merchant");
  constexpr int kParcels = 6;
  for (int i = 0; i < kParcels; ++i) {
    const std::string idem = "poll-" + std::to_string(i);
    auto r = gw.via_lb("POST", "/v1/shipments", pgtest::shipment_body("mondialrelay", idem),
                       {{"Authorization", "Bearer " + key},
                        {"Content-Type", "application/json"},
                        {"Idempotency-Key", idem}});
    ASSERT_EQ(r.status, 201) << describe(r);
  }
  const auto count = [&] { return pgtest::sim_sales(env)["mondialrelay"].requests; };
  std::this_thread::sleep_for(3s);
  auto c0 = count();
  auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(10s);
  auto polls = count() - c0;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Once per parcel per interval (±10% jitter): about kParcels * seconds / 2. Polled from both
  // gateways it would be twice that.
  const double expected = kParcels * seconds / 2;
  EXPECT_GE(static_cast<double>(polls), expected * 0.6) << polls << " polls in " << seconds << " s";
  EXPECT_LE(static_cast<double>(polls), expected * 1.3 + kParcels)
      << polls << " polls in " << seconds << " s";
  // Gateway A dies: polling goes on from B once A's lease has expired, and the parcels A had
  // claimed are due again once their claim ends.
  env.kill_gateway(SIGKILL);
  std::this_thread::sleep_for(12s);
  c0 = count();
  t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(6s);
  polls = count() - c0;
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(static_cast<double>(polls), kParcels * seconds / 2 * 0.6)
      << "polling did not move to the surviving gateway: " << polls << " polls in " << seconds
      << " s";
  EXPECT_LE(static_cast<double>(polls), kParcels * seconds / 2 * 1.3 + kParcels);
}

}  // namespace
