// What the disk under the store costs a purchase: the latency of one durable write (overwrite
// PAGES pages of a file in place, then fdatasync, as a WAL commit does once the log has
// restarted), at a fixed rate, and of two of them back to back (a purchase commits twice: the
// claim before the carrier call, the label before the 201).
// Usage: fsync_bench DIR [RATE_PER_S] [SECONDS] [PAGES]   (defaults 1000, 10, 8)
// Prints one JSON line: percentiles in ms for one commit and for a pair.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fsync_bench DIR [RATE_PER_S] [SECONDS] [PAGES]\n");
    return 2;
  }
  const std::string path = std::string(argv[1]) + "/fsync_bench.tmp";
  const double rate = argc > 2 ? std::atof(argv[2]) : 1000;
  const double seconds = argc > 3 ? std::atof(argv[3]) : 10;
  const int pages = argc > 4 ? std::atoi(argv[4]) : 8;
  if (rate <= 0 || seconds <= 0 || pages <= 0) {
    std::fprintf(stderr, "rate, seconds and pages must be positive\n");
    return 2;
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    std::perror("open");
    return 1;
  }
  constexpr std::size_t kPage = 4096;
  constexpr std::size_t kSlots = 1024;  // a 4 MiB region rewritten in a cycle, like a restarted WAL
  std::vector<char> buffer(kPage * static_cast<std::size_t>(pages), 'w');
  const std::size_t region = kSlots * kPage;
  for (std::size_t off = 0; off < region + buffer.size(); off += buffer.size())
    if (::pwrite(fd, buffer.data(), buffer.size(), static_cast<off_t>(off)) < 0) {
      std::perror("pwrite");
      return 1;
    }
  ::fsync(fd);

  const auto n = static_cast<std::size_t>(rate * seconds);
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  std::vector<double> one;
  one.reserve(n);
  const auto start = clock_type::now();
  std::size_t offset = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<clock_type::duration>(
                                              interval * static_cast<double>(i)));
    const auto t0 = clock_type::now();
    if (::pwrite(fd, buffer.data(), buffer.size(), static_cast<off_t>(offset)) < 0 ||
        ::fdatasync(fd) != 0) {
      std::perror("write");
      return 1;
    }
    one.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
    offset = (offset + buffer.size()) % region;
  }
  ::close(fd);
  ::unlink(path.c_str());
  std::vector<double> pair;
  for (std::size_t i = 0; i + 1 < one.size(); i += 2) pair.push_back(one[i] + one[i + 1]);
  std::printf(
      "{\"pages_per_commit\":%d,\"rate\":%.0f,\"commits\":%zu,"
      "\"one_commit_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f},"
      "\"two_commits_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f}}\n",
      pages, rate, one.size(), percentile(one, 0.5), percentile(one, 0.99), percentile(one, 0.999),
      percentile(one, 1.0), percentile(pair, 0.5), percentile(pair, 0.99), percentile(pair, 0.999));
  return 0;
}
