// JSON libraries on parcelgate's own payloads: Boost.JSON (what the code uses) against RapidJSON
// (what the product card names), doing the same work on both sides (docs/json.md).
//
//   json_bench [ROWS] [REPS]      (ROWS of the comparison body: 150000; REPS: 7)
//   json_bench --body ROWS        prints the comparison body (tools/bench/bench.sh json posts it)
//
// Payloads:
//   request   a POST /v1/shipments body, parsed and read into a struct (every field)
//   response  the shipment document of render_shipment() written to a string
//   colissimo the JSON part of SLS generateLabel answers (success, three ERROR messages): messages
//             and parcel numbers read out
//   compare   a POST /v1/tariffs/compare body of ROWS shipment rows, every field of every row
//             checked by tariffs::set_field() into a reused tariffs::shipment_row handed to a
//             consumer that keeps nothing (as comparison::add does)
// Each variant runs N iterations per repetition, REPS repetitions: min and median per operation.
// Memory: bytes allocated at the peak (malloc is counted: operator new and RapidJSON's allocator
// both end there); for the comparison body also the peak RSS growth, each variant in a child
// process. Output: one JSON line per variant on stdout, a table on stderr.

#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/tariffs/shipments_csv.hpp"

// ---- allocation counting (malloc interposition) ------------------------------------------------

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace {
std::size_t g_live = 0, g_peak = 0;
inline void count_add(void* p) {
  if (!p) return;
  g_live += malloc_usable_size(p);
  if (g_live > g_peak) g_peak = g_live;
}
inline void count_sub(void* p) {
  if (p) g_live -= malloc_usable_size(p);
}
}  // namespace

extern "C" {
void* malloc(std::size_t n) {
  void* p = __libc_malloc(n);
  count_add(p);
  return p;
}
void* calloc(std::size_t n, std::size_t m) {
  void* p = __libc_calloc(n, m);
  count_add(p);
  return p;
}
void* realloc(void* old, std::size_t n) {
  const std::size_t before = old ? malloc_usable_size(old) : 0;
  void* p = __libc_realloc(old, n);
  if (p || n == 0) g_live -= before;
  count_add(p);
  return p;
}
void free(void* p) {
  count_sub(p);
  __libc_free(p);
}
void* aligned_alloc(std::size_t a, std::size_t n) {
  void* p = __libc_memalign(a, n);
  count_add(p);
  return p;
}
int posix_memalign(void** out, std::size_t a, std::size_t n) {
  void* p = __libc_memalign(a, n);
  if (!p) return ENOMEM;
  count_add(p);
  *out = p;
  return 0;
}
void* memalign(std::size_t a, std::size_t n) {
  void* p = __libc_memalign(a, n);
  count_add(p);
  return p;
}
}

namespace {

namespace json = boost::json;
namespace rj = rapidjson;
using clock_type = std::chrono::steady_clock;

// ---- measurement -------------------------------------------------------------------------------

struct figure {
  std::string payload, variant;
  std::size_t bytes = 0, iterations = 0;
  double min_us = 0, median_us = 0;
  std::size_t peak_alloc = 0;     // bytes allocated at the peak of one operation
  std::int64_t peak_rss_kb = -1;  // comparison body only: RSS growth, child process
  std::string check;              // what the variant read (the same for every variant)
};

std::vector<figure> g_figures;
int g_reps = 7;
volatile std::size_t g_sink = 0;

// fn() does one operation and returns a short text of what it read, compared across variants.
void measure(const std::string& payload, const std::string& variant, std::size_t bytes,
             std::size_t iterations, const std::function<std::string()>& fn) {
  figure f{.payload = payload,
           .variant = variant,
           .bytes = bytes,
           .iterations = iterations,
           .min_us = 0,
           .median_us = 0,
           .peak_alloc = 0,
           .peak_rss_kb = -1,
           .check = {}};
  const std::size_t live = g_live;
  g_peak = live;
  f.check = fn();  // warm-up, and the allocation peak of one operation
  f.peak_alloc = g_peak - live;
  std::vector<double> per_op;
  for (int r = 0; r < g_reps; ++r) {
    const auto t0 = clock_type::now();
    for (std::size_t i = 0; i < iterations; ++i) g_sink = g_sink + fn().size();
    const std::chrono::duration<double, std::micro> d = clock_type::now() - t0;
    per_op.push_back(d.count() / static_cast<double>(iterations));
  }
  std::sort(per_op.begin(), per_op.end());
  f.min_us = per_op.front();
  f.median_us = per_op[per_op.size() / 2];
  g_figures.push_back(std::move(f));
}

std::int64_t status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.starts_with(prefix)) return std::strtoll(line.c_str() + prefix.size(), nullptr, 10);
  return -1;
}

// Runs variant `index` of the comparison body in a fresh process (json_bench --rss INDEX ROWS):
// the growth of RSS at its peak over the RSS once the body is in memory, in kB. A fresh process,
// so that no heap memory freed by an earlier variant is reused without growing the RSS.
std::int64_t fresh_process_peak_rss_kb(std::size_t index, std::size_t rows) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDOUT_FILENO);
    const std::string i = std::to_string(index), n = std::to_string(rows);
    execl("/proc/self/exe", "json_bench", "--rss", i.c_str(), n.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  char buf[64] = {};
  const auto got = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return got > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? std::strtoll(buf, nullptr, 10)
                                                                  : -1;
}

// ---- payload 1: POST /v1/shipments body --------------------------------------------------------

const std::string kShipmentRequest = R"({
  "reference": "order-2026-000417",
  "carrier": "colissimo",
  "service": "home_signature",
  "direction": "outbound",
  "from": {"name": "Acme Returns", "company": "Acme SAS", "line1": "10 rue de Rivoli",
           "line2": "Bâtiment B, 3e étage", "city": "Paris", "postal_code": "75001",
           "country": "FR", "phone": "+33140000000", "email": "expedition@acme.example"},
  "to": {"name": "Marie Curie", "line1": "31 cours André Philip", "city": "Villeurbanne",
         "postal_code": "69100", "country": "FR", "phone": "+33611223344",
         "email": "marie.curie@example.org"},
  "parcels": [
    {"weight_g": 1200, "dimensions_mm": {"length": 300, "width": 200, "height": 100},
     "reference": "box-1"},
    {"weight_g": 850, "reference": "box-2 \"fragile\""}
  ],
  "label": {"format": "pdf", "size": "a6"}
})";

struct address_in {
  std::string name, company, line1, line2, city, postal_code, country, phone, email;
};
struct parcel_in {
  std::int64_t weight_g = 0, length = 0, width = 0, height = 0;
  bool has_dims = false;
  std::string reference;
};
struct shipment_in {
  std::string reference, carrier, service, direction, carrier_service, pickup_point_id, selection;
  std::string label_format, label_size;
  address_in from, to;
  std::vector<parcel_in> parcels;
  std::string summary() const {
    std::string s = reference + "|" + carrier + "|" + service + "|" + direction + "|" + from.name +
                    "|" + from.line2 + "|" + from.email + "|" + to.name + "|" + to.line1 + "|" +
                    to.phone + "|" + label_format + "|" + label_size;
    for (const auto& p : parcels)
      s += "|" + std::to_string(p.weight_g) + "," + std::to_string(p.length) + "x" +
           std::to_string(p.width) + "x" + std::to_string(p.height) + "," + p.reference;
    return s;
  }
};

std::string* address_field(address_in& a, std::string_view k) {
  if (k == "name") return &a.name;
  if (k == "company") return &a.company;
  if (k == "line1") return &a.line1;
  if (k == "line2") return &a.line2;
  if (k == "city") return &a.city;
  if (k == "postal_code") return &a.postal_code;
  if (k == "country") return &a.country;
  if (k == "phone") return &a.phone;
  if (k == "email") return &a.email;
  return nullptr;
}
std::string* root_field(shipment_in& s, std::string_view k) {
  if (k == "reference") return &s.reference;
  if (k == "carrier") return &s.carrier;
  if (k == "service") return &s.service;
  if (k == "direction") return &s.direction;
  if (k == "carrier_service") return &s.carrier_service;
  if (k == "pickup_point_id") return &s.pickup_point_id;
  if (k == "selection") return &s.selection;
  return nullptr;
}
std::int64_t* dims_field(parcel_in& p, std::string_view k) {
  if (k == "length") return &p.length;
  if (k == "width") return &p.width;
  if (k == "height") return &p.height;
  return nullptr;
}

// Boost.JSON DOM, as the gateway reads it (parse_shipment_input: max_depth 16, then lookups).
std::string request_boost_dom(std::string_view body) {
  json::parse_options opts;
  opts.max_depth = 16;
  boost::system::error_code ec;
  auto root = json::parse(body, ec, {}, opts);
  if (ec || !root.is_object()) return "malformed";
  shipment_in s;
  for (const auto& kv : root.get_object()) {
    const auto k = std::string_view(kv.key());
    if (auto* f = root_field(s, k); f && kv.value().is_string()) {
      *f = kv.value().get_string();
    } else if ((k == "from" || k == "to") && kv.value().is_object()) {
      auto& a = k == "from" ? s.from : s.to;
      for (const auto& av : kv.value().get_object())
        if (auto* af = address_field(a, av.key()); af && av.value().is_string())
          *af = av.value().get_string();
    } else if (k == "parcels" && kv.value().is_array()) {
      for (const auto& pv : kv.value().get_array()) {
        if (!pv.is_object()) continue;
        auto& p = s.parcels.emplace_back();
        for (const auto& f2 : pv.get_object()) {
          if (f2.key() == "weight_g" && f2.value().is_int64()) p.weight_g = f2.value().get_int64();
          if (f2.key() == "reference" && f2.value().is_string())
            p.reference = f2.value().get_string();
          if (f2.key() == "dimensions_mm" && f2.value().is_object()) {
            p.has_dims = true;
            for (const auto& d : f2.value().get_object())
              if (auto* df = dims_field(p, d.key()); df && d.value().is_int64())
                *df = d.value().get_int64();
          }
        }
      }
    } else if (k == "label" && kv.value().is_object()) {
      for (const auto& lv : kv.value().get_object()) {
        if (lv.key() == "format" && lv.value().is_string())
          s.label_format = lv.value().get_string();
        if (lv.key() == "size" && lv.value().is_string()) s.label_size = lv.value().get_string();
      }
    }
  }
  return s.summary();
}

// RapidJSON DOM (Parse, or ParseInsitu on a mutable copy), the same reading.
template <typename Value>
std::string request_from_rapidjson(const Value& root) {
  shipment_in s;
  for (auto kv = root.MemberBegin(); kv != root.MemberEnd(); ++kv) {
    const std::string_view k(kv->name.GetString(), kv->name.GetStringLength());
    const auto& v = kv->value;
    if (auto* f = root_field(s, k); f && v.IsString()) {
      f->assign(v.GetString(), v.GetStringLength());
    } else if ((k == "from" || k == "to") && v.IsObject()) {
      auto& a = k == "from" ? s.from : s.to;
      for (auto av = v.MemberBegin(); av != v.MemberEnd(); ++av)
        if (auto* af = address_field(
                a, std::string_view(av->name.GetString(), av->name.GetStringLength()));
            af && av->value.IsString())
          af->assign(av->value.GetString(), av->value.GetStringLength());
    } else if (k == "parcels" && v.IsArray()) {
      for (const auto& pv : v.GetArray()) {
        if (!pv.IsObject()) continue;
        auto& p = s.parcels.emplace_back();
        for (auto f2 = pv.MemberBegin(); f2 != pv.MemberEnd(); ++f2) {
          const std::string_view fk(f2->name.GetString(), f2->name.GetStringLength());
          if (fk == "weight_g" && f2->value.IsInt64()) p.weight_g = f2->value.GetInt64();
          if (fk == "reference" && f2->value.IsString())
            p.reference.assign(f2->value.GetString(), f2->value.GetStringLength());
          if (fk == "dimensions_mm" && f2->value.IsObject()) {
            p.has_dims = true;
            for (auto d = f2->value.MemberBegin(); d != f2->value.MemberEnd(); ++d)
              if (auto* df = dims_field(
                      p, std::string_view(d->name.GetString(), d->name.GetStringLength()));
                  df && d->value.IsInt64())
                *df = d->value.GetInt64();
          }
        }
      }
    } else if (k == "label" && v.IsObject()) {
      for (auto lv = v.MemberBegin(); lv != v.MemberEnd(); ++lv) {
        const std::string_view lk(lv->name.GetString(), lv->name.GetStringLength());
        if (lk == "format" && lv->value.IsString())
          s.label_format.assign(lv->value.GetString(), lv->value.GetStringLength());
        if (lk == "size" && lv->value.IsString())
          s.label_size.assign(lv->value.GetString(), lv->value.GetStringLength());
      }
    }
  }
  return s.summary();
}

std::string request_rapidjson_dom(std::string_view body) {
  rj::Document d;
  d.Parse<rj::kParseDefaultFlags>(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject()) return "malformed";
  return request_from_rapidjson(d);
}

std::string request_rapidjson_insitu(std::string_view body, std::string& scratch) {
  scratch.assign(body);  // in-situ parsing writes into its input: a fresh copy every time
  rj::Document d;
  d.ParseInsitu(scratch.data());
  if (d.HasParseError() || !d.IsObject()) return "malformed";
  return request_from_rapidjson(d);
}

// Streaming reader of a shipment request, fed by either library's SAX events.
class request_events {
 public:
  void key(std::string_view k) { key_.assign(k); }
  void begin_object() {
    const frame top = stack_.empty() ? frame::none : stack_.back();
    frame next = frame::skip;
    if (top == frame::none)
      next = frame::root;
    else if (top == frame::root && (key_ == "from" || key_ == "to")) {
      next = frame::address;
      address_ = key_ == "from" ? &s_.from : &s_.to;
    } else if (top == frame::root && key_ == "label")
      next = frame::label;
    else if (top == frame::parcels) {
      next = frame::parcel;
      s_.parcels.emplace_back();
    } else if (top == frame::parcel && key_ == "dimensions_mm") {
      next = frame::dims;
      s_.parcels.back().has_dims = true;
    }
    stack_.push_back(next);
  }
  void begin_array() {
    const bool parcels = !stack_.empty() && stack_.back() == frame::root && key_ == "parcels";
    stack_.push_back(parcels ? frame::parcels : frame::skip);
  }
  void end() { stack_.pop_back(); }
  void string(std::string_view v) {
    switch (stack_.empty() ? frame::none : stack_.back()) {
      case frame::root:
        if (auto* f = root_field(s_, key_)) f->assign(v);
        break;
      case frame::address:
        if (auto* f = address_field(*address_, key_)) f->assign(v);
        break;
      case frame::parcel:
        if (key_ == "reference") s_.parcels.back().reference.assign(v);
        break;
      case frame::label:
        if (key_ == "format") s_.label_format.assign(v);
        if (key_ == "size") s_.label_size.assign(v);
        break;
      default:
        break;
    }
  }
  void integer(std::int64_t v) {
    const frame top = stack_.empty() ? frame::none : stack_.back();
    if (top == frame::parcel && key_ == "weight_g") s_.parcels.back().weight_g = v;
    if (top == frame::dims)
      if (auto* f = dims_field(s_.parcels.back(), key_)) *f = v;
  }
  const shipment_in& result() const { return s_; }

 private:
  enum class frame : std::uint8_t { none, root, address, parcels, parcel, dims, label, skip };
  std::vector<frame> stack_;
  std::string key_;
  address_in* address_ = nullptr;
  shipment_in s_;
};

// Boost.JSON basic_parser handler forwarding to an events object. Keys and strings may come in
// parts (a string split across buffers, or long); they are put together first.
template <typename Events>
struct boost_sax {
  constexpr static std::size_t max_object_size = std::size_t(-1);
  constexpr static std::size_t max_array_size = std::size_t(-1);
  constexpr static std::size_t max_key_size = std::size_t(-1);
  constexpr static std::size_t max_string_size = std::size_t(-1);
  Events events;
  std::string part;
  using ec_t = boost::system::error_code;
  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_object_begin(ec_t&) {
    events.begin_object();
    return true;
  }
  bool on_object_end(std::size_t, ec_t&) {
    events.end();
    return true;
  }
  bool on_array_begin(ec_t&) {
    events.begin_array();
    return true;
  }
  bool on_array_end(std::size_t, ec_t&) {
    events.end();
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, ec_t&) {
    part.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, ec_t&) {
    events.key(whole(s));
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, ec_t&) {
    part.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, ec_t&) {
    events.string(whole(s));
    return true;
  }
  bool on_number_part(json::string_view, ec_t&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, ec_t&) {
    events.integer(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, ec_t&) {
    events.integer(static_cast<std::int64_t>(u));
    return true;
  }
  bool on_double(double d, json::string_view, ec_t&) {
    events.number(d);
    return true;
  }
  bool on_bool(bool b, ec_t&) {
    events.boolean(b);
    return true;
  }
  bool on_null(ec_t&) {
    events.null();
    return true;
  }
  bool on_comment_part(json::string_view, ec_t&) { return true; }
  bool on_comment(json::string_view, ec_t&) { return true; }

 private:
  std::string_view whole(json::string_view s) {
    if (part.empty()) return {s.data(), s.size()};
    part.append(s.data(), s.size());
    last_.swap(part);
    part.clear();
    return last_;
  }
  std::string last_;
};

// RapidJSON Reader handler forwarding to the same events object.
template <typename Events>
struct rapidjson_sax {
  Events events;
  bool Null() {
    events.null();
    return true;
  }
  bool Bool(bool b) {
    events.boolean(b);
    return true;
  }
  bool Int(int i) {
    events.integer(i);
    return true;
  }
  bool Uint(unsigned u) {
    events.integer(u);
    return true;
  }
  bool Int64(std::int64_t i) {
    events.integer(i);
    return true;
  }
  bool Uint64(std::uint64_t u) {
    events.integer(static_cast<std::int64_t>(u));
    return true;
  }
  bool Double(double d) {
    events.number(d);
    return true;
  }
  bool RawNumber(const char*, rj::SizeType, bool) { return true; }
  bool String(const char* s, rj::SizeType n, bool) {
    events.string({s, n});
    return true;
  }
  bool StartObject() {
    events.begin_object();
    return true;
  }
  bool Key(const char* s, rj::SizeType n, bool) {
    events.key({s, n});
    return true;
  }
  bool EndObject(rj::SizeType) {
    events.end();
    return true;
  }
  bool StartArray() {
    events.begin_array();
    return true;
  }
  bool EndArray(rj::SizeType) {
    events.end();
    return true;
  }
};

struct request_events_all : request_events {
  void number(double) {}
  void boolean(bool) {}
  void null() {}
};

std::string request_boost_sax(std::string_view body) {
  json::parse_options opts;
  opts.max_depth = 16;
  json::basic_parser<boost_sax<request_events_all>> p(opts);
  boost::system::error_code ec;
  p.write_some(false, body.data(), body.size(), ec);
  if (ec) return "malformed";
  return p.handler().events.result().summary();
}

template <unsigned Flags, typename Stream>
std::string request_rapidjson_reader(Stream& in) {
  rapidjson_sax<request_events_all> h;
  rj::Reader reader;
  if (reader.Parse<Flags>(in, h).IsError()) return "malformed";
  return h.events.result().summary();
}

// ---- payload 2: the shipment document (render_shipment) ----------------------------------------

struct address_out {
  std::string name, company, line1, line2, city, postal_code, country, phone, email;
};
struct shipment_out {
  std::string id = "shp_8k2m4q7r9t1v3x5z", tenant = "acme", status = "label_ready",
              carrier = "colissimo", service = "home_signature", carrier_service = "DOS",
              pickup_point_id, tracking_number = "6A15984040331",
              tracking_url = "https://www.laposte.fr/outils/suivre-vos-envois?code=6A15984040331";
  bool has_label = true;
  std::string format = "pdf", size = "a6";
  std::int64_t rate_amount = 712;
  std::string rate_currency = "EUR", rate_contract = "colissimo-2026", rate_unavailable_reason;
  std::string reference = "order-2026-000417", direction = "outbound";
  address_out from{.name = "Acme Returns",
                   .company = "Acme SAS",
                   .line1 = "10 rue de Rivoli",
                   .line2 = "Bâtiment B, 3e étage",
                   .city = "Paris",
                   .postal_code = "75001",
                   .country = "FR",
                   .phone = "+33140000000",
                   .email = "expedition@acme.example"};
  address_out to{.name = "Marie Curie",
                 .company = "",
                 .line1 = "31 cours André Philip",
                 .line2 = "",
                 .city = "Villeurbanne",
                 .postal_code = "69100",
                 .country = "FR",
                 .phone = "+33611223344",
                 .email = "marie.curie@example.org"};
  struct parcel {
    std::int64_t weight_g, length, width, height;
    bool dims;
    std::string reference;
  };
  std::vector<parcel> parcels{parcel{.weight_g = 1200,
                                     .length = 300,
                                     .width = 200,
                                     .height = 100,
                                     .dims = true,
                                     .reference = "box-1"},
                              parcel{.weight_g = 850,
                                     .length = 0,
                                     .width = 0,
                                     .height = 0,
                                     .dims = false,
                                     .reference = "box-2 \"fragile\""}};
  std::string created_at = "2026-06-01T09:14:07.412Z", updated_at = "2026-06-01T09:14:08.036Z";
};

json::value text_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}
json::object boost_address(const address_out& a) {
  return {{"name", a.name},
          {"company", text_or_null(a.company)},
          {"line1", a.line1},
          {"line2", text_or_null(a.line2)},
          {"city", a.city},
          {"postal_code", a.postal_code},
          {"country", a.country},
          {"phone", text_or_null(a.phone)},
          {"email", text_or_null(a.email)}};
}
// The object render_shipment() builds, field for field.
json::object boost_shipment_object(const shipment_out& v) {
  json::object o;
  o["id"] = v.id;
  o["object"] = "shipment";
  o["tenant"] = v.tenant;
  o["status"] = v.status;
  o["carrier"] = v.carrier;
  o["service"] = v.service;
  o["carrier_service"] = text_or_null(v.carrier_service);
  o["pickup_point_id"] = text_or_null(v.pickup_point_id);
  o["tracking_number"] = text_or_null(v.tracking_number);
  o["tracking_url"] = text_or_null(v.tracking_url);
  if (v.has_label)
    o["label"] = json::object{
        {"format", v.format}, {"size", v.size}, {"url", "/v1/shipments/" + v.id + "/label"}};
  else
    o["label"] = nullptr;
  o["rate"] = json::object{
      {"amount", v.rate_amount}, {"currency", v.rate_currency}, {"contract", v.rate_contract}};
  o["rate_unavailable_reason"] = nullptr;
  o["reference"] = text_or_null(v.reference);
  o["direction"] = v.direction;
  o["from"] = boost_address(v.from);
  o["to"] = boost_address(v.to);
  json::array parcels;
  for (const auto& p : v.parcels) {
    json::object po{{"weight_g", p.weight_g}};
    if (p.dims)
      po["dimensions_mm"] =
          json::object{{"length", p.length}, {"width", p.width}, {"height", p.height}};
    else
      po["dimensions_mm"] = nullptr;
    po["reference"] = text_or_null(p.reference);
    parcels.push_back(std::move(po));
  }
  o["parcels"] = std::move(parcels);
  o["created_at"] = v.created_at;
  o["updated_at"] = v.updated_at;
  return o;
}

template <typename W>
void rj_text(W& w, const std::string& s) {
  w.String(s.data(), static_cast<rj::SizeType>(s.size()));
}
template <typename W>
void rj_text_or_null(W& w, const std::string& s) {
  if (s.empty())
    w.Null();
  else
    rj_text(w, s);
}
template <typename W>
void rj_address(W& w, const address_out& a) {
  w.StartObject();
  w.Key("name"), rj_text(w, a.name);
  w.Key("company"), rj_text_or_null(w, a.company);
  w.Key("line1"), rj_text(w, a.line1);
  w.Key("line2"), rj_text_or_null(w, a.line2);
  w.Key("city"), rj_text(w, a.city);
  w.Key("postal_code"), rj_text(w, a.postal_code);
  w.Key("country"), rj_text(w, a.country);
  w.Key("phone"), rj_text_or_null(w, a.phone);
  w.Key("email"), rj_text_or_null(w, a.email);
  w.EndObject();
}
std::string rapidjson_shipment(const shipment_out& v) {
  rj::StringBuffer buf;
  rj::Writer<rj::StringBuffer> w(buf);
  w.StartObject();
  w.Key("id"), rj_text(w, v.id);
  w.Key("object"), w.String("shipment");
  w.Key("tenant"), rj_text(w, v.tenant);
  w.Key("status"), rj_text(w, v.status);
  w.Key("carrier"), rj_text(w, v.carrier);
  w.Key("service"), rj_text(w, v.service);
  w.Key("carrier_service"), rj_text_or_null(w, v.carrier_service);
  w.Key("pickup_point_id"), rj_text_or_null(w, v.pickup_point_id);
  w.Key("tracking_number"), rj_text_or_null(w, v.tracking_number);
  w.Key("tracking_url"), rj_text_or_null(w, v.tracking_url);
  w.Key("label");
  if (v.has_label) {
    w.StartObject();
    w.Key("format"), rj_text(w, v.format);
    w.Key("size"), rj_text(w, v.size);
    w.Key("url"), rj_text(w, "/v1/shipments/" + v.id + "/label");
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("rate"), w.StartObject();
  w.Key("amount"), w.Int64(v.rate_amount);
  w.Key("currency"), rj_text(w, v.rate_currency);
  w.Key("contract"), rj_text(w, v.rate_contract);
  w.EndObject();
  w.Key("rate_unavailable_reason"), w.Null();
  w.Key("reference"), rj_text_or_null(w, v.reference);
  w.Key("direction"), rj_text(w, v.direction);
  w.Key("from"), rj_address(w, v.from);
  w.Key("to"), rj_address(w, v.to);
  w.Key("parcels"), w.StartArray();
  for (const auto& p : v.parcels) {
    w.StartObject();
    w.Key("weight_g"), w.Int64(p.weight_g);
    w.Key("dimensions_mm");
    if (p.dims) {
      w.StartObject();
      w.Key("length"), w.Int64(p.length);
      w.Key("width"), w.Int64(p.width);
      w.Key("height"), w.Int64(p.height);
      w.EndObject();
    } else {
      w.Null();
    }
    w.Key("reference"), rj_text_or_null(w, p.reference);
    w.EndObject();
  }
  w.EndArray();
  w.Key("created_at"), rj_text(w, v.created_at);
  w.Key("updated_at"), rj_text(w, v.updated_at);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// ---- payload 3: Colissimo SLS answers ----------------------------------------------------------

struct sls_answer {
  struct message {
    std::string id, type, content;
    std::vector<std::string> replacement_values;
  };
  std::vector<message> messages;
  std::string parcel_number, parcel_number_partner;
  std::string summary() const {
    std::string s = parcel_number + "|" + parcel_number_partner;
    for (const auto& m : messages) s += "|" + m.id + "," + m.type + "," + m.content;
    return s;
  }
};

std::string boost_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_null()) return {};
  return json::serialize(v);
}
std::string boost_member_text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? boost_text(*v) : std::string{};
}

// As adapters/colissimo/wire.cpp reads it.
std::string colissimo_boost_dom(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return "malformed";
  sls_answer answer;
  const json::object& root = doc.get_object();
  const json::value* messages = root.if_contains("messages");
  const json::value* label = root.if_contains("labelV2Response");
  if (messages && messages->is_array())
    for (const auto& item : messages->get_array()) {
      if (!item.is_object()) continue;
      const auto& m = item.get_object();
      sls_answer::message msg{.id = boost_member_text(m, "id"),
                              .type = boost_member_text(m, "type"),
                              .content = boost_member_text(m, "messageContent"),
                              .replacement_values = {}};
      if (const auto* values = m.if_contains("replacementValues"); values && values->is_array())
        for (const auto& v : values->get_array()) msg.replacement_values.push_back(boost_text(v));
      answer.messages.push_back(std::move(msg));
    }
  if (label && label->is_object()) {
    answer.parcel_number = boost_member_text(label->get_object(), "parcelNumber");
    answer.parcel_number_partner = boost_member_text(label->get_object(), "parcelNumberPartner");
  }
  return answer.summary();
}

template <typename Value>
std::string rj_text_of(const Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsNull()) return {};
  rj::StringBuffer b;
  rj::Writer<rj::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}
template <typename Value>
std::string rj_member_text(const Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it == o.MemberEnd() ? std::string{} : rj_text_of(it->value);
}
template <typename Value>
std::string colissimo_from_rapidjson(const Value& root) {
  sls_answer answer;
  auto messages = root.FindMember("messages");
  auto label = root.FindMember("labelV2Response");
  if (messages != root.MemberEnd() && messages->value.IsArray())
    for (const auto& m : messages->value.GetArray()) {
      if (!m.IsObject()) continue;
      sls_answer::message msg{.id = rj_member_text(m, "id"),
                              .type = rj_member_text(m, "type"),
                              .content = rj_member_text(m, "messageContent"),
                              .replacement_values = {}};
      if (auto values = m.FindMember("replacementValues");
          values != m.MemberEnd() && values->value.IsArray())
        for (const auto& v : values->value.GetArray())
          msg.replacement_values.push_back(rj_text_of(v));
      answer.messages.push_back(std::move(msg));
    }
  if (label != root.MemberEnd() && label->value.IsObject()) {
    answer.parcel_number = rj_member_text(label->value, "parcelNumber");
    answer.parcel_number_partner = rj_member_text(label->value, "parcelNumberPartner");
  }
  return answer.summary();
}
std::string colissimo_rapidjson_dom(std::string_view text) {
  rj::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) return "malformed";
  return colissimo_from_rapidjson(d);
}
std::string colissimo_rapidjson_insitu(std::string_view text, std::string& scratch) {
  scratch.assign(text);
  rj::Document d;
  d.ParseInsitu(scratch.data());
  if (d.HasParseError() || !d.IsObject()) return "malformed";
  return colissimo_from_rapidjson(d);
}

// The <jsonInfos> part of a multipart fixture.
std::string json_part_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto at = text.find("Content-ID: <jsonInfos>");
  if (at == std::string::npos) return {};
  auto begin = text.find('{', at);
  auto end = text.find("\n--", begin);
  return text.substr(begin, end - begin);
}

// ---- payload 4: the comparison body ------------------------------------------------------------

std::string make_compare_body(std::size_t rows) {
  static const char* const kPostal[] = {"75001", "69001", "13001", "33000", "59000", "67000",
                                        "06000", "44000", "31000", "35000", "20000", "97400"};
  static const char* const kServices[] = {"home", "home_signature", "pickup_point", "locker",
                                          "express"};
  static const char* const kCountries[] = {"FR", "FR", "FR", "FR", "BE", "DE", "ES", "IT"};
  std::uint64_t seed = 0x9E3779B97F4A7C15ull;
  auto next = [&](std::uint64_t n) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (seed >> 33) % n;
  };
  std::string out =
      R"({"date": "2026-06-01", "target": "colissimo-2026", "share": "50", "shipments": [)";
  out.reserve(rows * 260);
  for (std::size_t i = 0; i < rows; ++i) {
    if (i) out += ",\n";
    out += R"({"from_country": "FR", "from_postal_code": ")";
    out += kPostal[next(4)];
    out += R"(", "to_country": ")";
    out += kCountries[next(8)];
    out += R"(", "to_postal_code": ")";
    out += kPostal[next(12)];
    out += R"(", "weight_g": )";
    out += std::to_string(50 + next(29'950));
    if (next(3) == 0) {
      out += R"(, "length_mm": )" + std::to_string(100 + next(500)) + R"(, "width_mm": )" +
             std::to_string(100 + next(300)) + R"(, "height_mm": )" +
             std::to_string(20 + next(200));
    }
    out += R"(, "service": ")";
    out += kServices[next(5)];
    out += '"';
    if (next(2) == 0) {
      out += next(2) ? R"(, "contract": "colissimo-2026", "billed_amount": ")"
                     : R"(, "contract": "mondialrelay-2026", "billed_amount": ")";
      const auto cents = 300 + next(4'000);
      out += std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
             std::to_string(cents % 100) + R"(", "currency": "EUR")";
    }
    out += '}';
  }
  out += "]}";
  return out;
}

namespace tariffs = parcelgate::tariffs;

// What comparison::add would receive; keeps a checksum, nothing else.
struct row_consumer {
  std::uint64_t rows = 0, bad = 0, weight = 0, billed = 0;
  void add(const tariffs::shipment_row& r) {
    ++rows;
    weight += static_cast<std::uint64_t>(r.parcel.weight_g);
    billed += static_cast<std::uint64_t>(r.billed_amount.value_or(0));
  }
  void add_bad(std::string) {
    ++rows;
    ++bad;
  }
  std::string summary() const {
    return std::to_string(rows) + " rows, " + std::to_string(bad) + " bad, weight " +
           std::to_string(weight) + ", billed " + std::to_string(billed);
  }
};

// One row object's fields in their text form, as the gateway's text_of gives them to set_field.
struct row_reader {
  tariffs::shipment_row row;
  bool seen[tariffs::kShipmentColumnCount] = {};
  std::string problem;
  void begin() {
    row.clear();
    std::fill(std::begin(seen), std::end(seen), false);
    problem.clear();
  }
  void field(std::string_view key, std::string_view text) {
    if (!problem.empty()) return;
    auto column = tariffs::parse_column_name(key);
    if (!column) {
      problem = "unknown field " + std::string(key);
      return;
    }
    seen[static_cast<std::size_t>(*column)] = true;
    if (auto ok = tariffs::set_field(row, *column, text); !ok) problem = ok.error();
  }
  void end(row_consumer& out) {
    for (auto required :
         {tariffs::shipment_column::from_country, tariffs::shipment_column::from_postal_code,
          tariffs::shipment_column::to_country, tariffs::shipment_column::to_postal_code,
          tariffs::shipment_column::weight_g, tariffs::shipment_column::service})
      if (problem.empty() && !seen[static_cast<std::size_t>(required)])
        problem = std::string(tariffs::column_name(required)) + " is required";
    if (problem.empty())
      out.add(row);
    else
      out.add_bad(std::move(problem));
  }
};

// Boost.JSON DOM, as the compare handler reads the body today.
std::string compare_boost_dom(std::string_view body) {
  json::parse_options opts;
  opts.max_depth = 8;
  boost::system::error_code ec;
  auto root = json::parse(body, ec, {}, opts);
  if (ec || !root.is_object()) return "malformed";
  auto* rows = root.get_object().if_contains("shipments");
  if (!rows || !rows->is_array()) return "no rows";
  row_consumer out;
  row_reader r;
  std::string text;
  for (const auto& item : rows->get_array()) {
    if (!item.is_object()) {
      out.add_bad("not an object");
      continue;
    }
    r.begin();
    for (const auto& kv : item.get_object()) {
      const auto& v = kv.value();
      if (v.is_string())
        r.field(kv.key(), v.get_string());
      else if (v.is_null())
        r.field(kv.key(), "");
      else
        r.field(kv.key(), json::serialize(v));
    }
    r.end(out);
  }
  return out.summary();
}

std::string compare_rapidjson_dom(std::string_view body) {
  rj::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject()) return "malformed";
  auto rows = d.FindMember("shipments");
  if (rows == d.MemberEnd() || !rows->value.IsArray()) return "no rows";
  row_consumer out;
  row_reader r;
  for (const auto& item : rows->value.GetArray()) {
    if (!item.IsObject()) {
      out.add_bad("not an object");
      continue;
    }
    r.begin();
    for (auto kv = item.MemberBegin(); kv != item.MemberEnd(); ++kv) {
      const std::string_view k(kv->name.GetString(), kv->name.GetStringLength());
      if (kv->value.IsString())
        r.field(k, {kv->value.GetString(), kv->value.GetStringLength()});
      else if (kv->value.IsNull())
        r.field(k, "");
      else
        r.field(k, rj_text_of(kv->value));
    }
    r.end(out);
  }
  return out.summary();
}

// Streaming: each row is read from the events and handed over at its closing brace; only the
// current row is in memory. Scalars of a row are passed as text (numbers in their JSON form).
struct compare_events {
  row_consumer out;
  row_reader r;
  std::string key_;
  int depth = 0;
  bool in_shipments = false;
  std::string number_text;
  void begin_object() {
    ++depth;
    if (depth == 3 && in_shipments) r.begin();
  }
  void begin_array() {
    ++depth;
    if (depth == 2 && key_ == "shipments") in_shipments = true;
  }
  void end() {
    if (depth == 3 && in_shipments) r.end(out);
    if (depth == 2) in_shipments = false;
    --depth;
  }
  void key(std::string_view k) { key_.assign(k); }
  void scalar(std::string_view text) {
    if (depth == 3 && in_shipments) r.field(key_, text);
  }
  void string(std::string_view s) { scalar(s); }
  void integer(std::int64_t i) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, i);
    scalar({buf, static_cast<std::size_t>(end - buf)});
  }
  void number(double d) {
    number_text = json::serialize(json::value(d));
    scalar(number_text);
  }
  void boolean(bool b) { scalar(b ? "true" : "false"); }
  void null() { scalar(""); }
};

std::string compare_boost_sax(std::string_view body) {
  json::parse_options opts;
  opts.max_depth = 8;
  json::basic_parser<boost_sax<compare_events>> p(opts);
  boost::system::error_code ec;
  p.write_some(false, body.data(), body.size(), ec);
  if (ec) return "malformed";
  return p.handler().events.out.summary();
}

std::string compare_rapidjson_insitu_sax(char* body) {
  rapidjson_sax<compare_events> h;
  rj::Reader reader;
  rj::InsituStringStream in(body);
  if (reader.Parse<rj::kParseInsituFlag>(in, h).IsError()) return "malformed";
  return h.events.out.summary();
}

std::string compare_rapidjson_sax(std::string_view body) {
  rapidjson_sax<compare_events> h;
  rj::Reader reader;
  rj::MemoryStream in(body.data(), body.size());
  if (reader.Parse(in, h).IsError()) return "malformed";
  return h.events.out.summary();
}

// ---- output ------------------------------------------------------------------------------------

std::string json_escape(const std::string& s) {
  return json::serialize(json::value(s));
}

struct compare_variant {
  const char* name;
  std::function<std::string()> fn;
};
// in_place: the in-situ variant parses `body` itself (it is destroyed), as the gateway can do with
// a request body it owns; otherwise it parses a fresh copy each time (the copy is timed too).
std::vector<compare_variant> compare_variants(std::string& body, std::string& scratch,
                                              bool in_place) {
  return {{.name = "boost.json dom (as today)", .fn = [&] { return compare_boost_dom(body); }},
          {.name = "boost.json sax (basic_parser)", .fn = [&] { return compare_boost_sax(body); }},
          {.name = "rapidjson dom (Parse)", .fn = [&] { return compare_rapidjson_dom(body); }},
          {.name = "rapidjson sax (Reader)", .fn = [&] { return compare_rapidjson_sax(body); }},
          {.name = "rapidjson sax in-situ (Reader; timed with a copy)",
           .fn = [&body, &scratch, in_place] {
             if (in_place) return compare_rapidjson_insitu_sax(body.data());
             scratch.assign(body);
             return compare_rapidjson_insitu_sax(scratch.data());
           }}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string_view(argv[1]) == "--body") {  // the comparison body, for curl
    const std::string body = make_compare_body(std::strtoull(argv[2], nullptr, 10));
    std::fwrite(body.data(), 1, body.size(), stdout);
    return 0;
  }
  if (argc == 4 && std::string_view(argv[1]) == "--rss") {
    std::string body = make_compare_body(std::strtoull(argv[3], nullptr, 10));
    std::string scratch;
    const auto variants = compare_variants(body, scratch, true);
    { std::ofstream("/proc/self/clear_refs") << "5"; }  // VmHWM := VmRSS
    const std::int64_t before = status_kb("VmRSS");
    g_sink = g_sink + variants.at(std::strtoull(argv[2], nullptr, 10)).fn().size();
    std::printf("%lld\n", static_cast<long long>(status_kb("VmHWM") - before));
    return 0;
  }
  const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 150'000;
  g_reps = argc > 2 ? std::atoi(argv[2]) : 7;
  const std::string fixtures = std::string(SOURCE_DIR) + "/tests/fixtures/colissimo/";

  // 1. shipment request
  {
    const std::string& body = kShipmentRequest;
    const std::size_t n = 20'000;
    std::string scratch;
    measure("shipment request parse", "boost.json dom (as today)", body.size(), n,
            [&] { return request_boost_dom(body); });
    measure("shipment request parse", "boost.json sax (basic_parser)", body.size(), n,
            [&] { return request_boost_sax(body); });
    measure("shipment request parse", "rapidjson dom (Parse)", body.size(), n,
            [&] { return request_rapidjson_dom(body); });
    measure("shipment request parse", "rapidjson dom in-situ (ParseInsitu; timed with a copy)",
            body.size(), n, [&] { return request_rapidjson_insitu(body, scratch); });
    measure("shipment request parse", "rapidjson sax (Reader)", body.size(), n, [&] {
      rj::MemoryStream in(body.data(), body.size());
      return request_rapidjson_reader<rj::kParseDefaultFlags>(in);
    });
    measure("shipment request parse", "rapidjson sax in-situ (Reader; timed with a copy)",
            body.size(), n, [&] {
              scratch.assign(body);
              rj::InsituStringStream in(scratch.data());
              return request_rapidjson_reader<rj::kParseInsituFlag>(in);
            });
  }
  // 2. shipment response
  {
    const shipment_out v;
    const auto built = boost_shipment_object(v);
    const std::string expected = json::serialize(built);
    if (rapidjson_shipment(v) != expected) {
      std::fprintf(stderr, "the two writers disagree:\n%s\n%s\n", expected.c_str(),
                   rapidjson_shipment(v).c_str());
      return 1;
    }
    const std::size_t n = 50'000;
    measure("shipment response write", "boost.json build object + serialize (as today)",
            expected.size(), n, [&] { return json::serialize(boost_shipment_object(v)); });
    measure("shipment response write", "boost.json serialize of a built object", expected.size(), n,
            [&] { return json::serialize(built); });
    measure("shipment response write", "rapidjson Writer<StringBuffer>", expected.size(), n,
            [&] { return rapidjson_shipment(v); });
  }
  // 3. Colissimo answers
  for (const char* name : {"generate_label_success", "generate_label_validation_errors"}) {
    const std::string text = json_part_of(fixtures + name + ".multipart");
    if (text.empty()) {
      std::fprintf(stderr, "no JSON part in %s\n", name);
      return 1;
    }
    const std::string payload = std::string("colissimo answer parse (") + name + ")";
    const std::size_t n = 50'000;
    std::string scratch;
    measure(payload, "boost.json dom (as today)", text.size(), n,
            [&] { return colissimo_boost_dom(text); });
    measure(payload, "rapidjson dom (Parse)", text.size(), n,
            [&] { return colissimo_rapidjson_dom(text); });
    measure(payload, "rapidjson dom in-situ (ParseInsitu; timed with a copy)", text.size(), n,
            [&] { return colissimo_rapidjson_insitu(text, scratch); });
  }
  // 4. comparison body
  {
    std::string body = make_compare_body(rows);
    const std::string payload = "comparison body parse (" + std::to_string(rows) + " rows)";
    const int reps = g_reps;
    g_reps = std::max(3, reps / 2);
    std::string scratch;
    const auto variants = compare_variants(body, scratch, false);
    for (std::size_t i = 0; i < variants.size(); ++i) {
      measure(payload, variants[i].name, body.size(), 1, variants[i].fn);
      scratch.clear();
      scratch.shrink_to_fit();
      g_figures.back().peak_rss_kb = fresh_process_peak_rss_kb(i, rows);
    }
    g_reps = reps;
  }

  // Every variant of a payload must have read the same thing.
  int status = 0;
  for (const auto& f : g_figures)
    for (const auto& g : g_figures)
      if (f.payload == g.payload && f.check != g.check) {
        std::fprintf(stderr, "%s: '%s' read '%s' but '%s' read '%s'\n", f.payload.c_str(),
                     f.variant.c_str(), f.check.c_str(), g.variant.c_str(), g.check.c_str());
        status = 1;
      }
  std::fprintf(stderr, "%-44s %-52s %9s %11s %11s %12s %10s\n", "payload", "variant", "bytes",
               "min us/op", "median", "peak alloc", "peak RSS");
  for (const auto& f : g_figures) {
    std::fprintf(stderr, "%-44s %-52s %9zu %11.3f %11.3f %12zu %10s\n", f.payload.c_str(),
                 f.variant.c_str(), f.bytes, f.min_us, f.median_us, f.peak_alloc,
                 f.peak_rss_kb < 0 ? "-" : (std::to_string(f.peak_rss_kb / 1024) + " MB").c_str());
    std::printf(
        "{\"bench\":\"json\",\"payload\":%s,\"variant\":%s,\"bytes\":%zu,\"iterations\":%zu,"
        "\"repetitions\":%d,\"min_us\":%.3f,\"median_us\":%.3f,\"peak_alloc_bytes\":%zu,"
        "\"peak_rss_kb\":%s,\"read\":%s}\n",
        json_escape(f.payload).c_str(), json_escape(f.variant).c_str(), f.bytes, f.iterations,
        f.iterations == 1 ? std::max(3, g_reps / 2) : g_reps, f.min_us, f.median_us, f.peak_alloc,
        f.peak_rss_kb < 0 ? "null" : std::to_string(f.peak_rss_kb).c_str(),
        json_escape(f.check.substr(0, 120)).c_str());
  }
  return status;
}
