#include <gtest/gtest.h>

#include "gateway/carriers/circuit_breaker.hpp"

namespace parcelgate::carriers {
namespace {

using namespace std::chrono_literals;
using clock_type = circuit_breaker::clock;

TEST(circuit_breaker, opens_after_consecutive_failures_only) {
  circuit_breaker b({3, 10s});
  const auto t = clock_type::now();
  b.record(false, false, t);
  b.record(false, false, t);
  b.record(true, false, t);  // a success in between starts the count again
  b.record(false, false, t);
  b.record(false, false, t);
  EXPECT_EQ(b.current(), circuit_breaker::state::closed);
  EXPECT_TRUE(b.admit(t).allowed);
  b.record(false, false, t);
  EXPECT_EQ(b.current(), circuit_breaker::state::open);
  auto refused = b.admit(t + 4s);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 6s);
}

TEST(circuit_breaker, one_probe_after_the_pause_decides) {
  circuit_breaker b({1, 5s});
  const auto t = clock_type::now();
  b.record(false, false, t);
  ASSERT_EQ(b.current(), circuit_breaker::state::open);
  auto probe = b.admit(t + 5s);
  ASSERT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
  EXPECT_FALSE(b.admit(t + 5s).allowed) << "a second call while the probe is out";
  b.record(false, true, t + 6s);  // the probe failed: paused again from now
  EXPECT_EQ(b.current(), circuit_breaker::state::open);
  EXPECT_FALSE(b.admit(t + 10s).allowed);
  auto second = b.admit(t + 11s);
  ASSERT_TRUE(second.probe);
  b.record(true, true, t + 11s);
  EXPECT_EQ(b.current(), circuit_breaker::state::closed);
  EXPECT_TRUE(b.admit(t + 11s).allowed);
  EXPECT_FALSE(b.admit(t + 11s).probe);
}

TEST(circuit_breaker, zero_failures_disables_it) {
  circuit_breaker b({0, 5s});
  const auto t = clock_type::now();
  for (int i = 0; i < 100; ++i) b.record(false, false, t);
  EXPECT_TRUE(b.admit(t).allowed);
  EXPECT_EQ(b.current(), circuit_breaker::state::closed);
}

}  // namespace
}  // namespace parcelgate::carriers
