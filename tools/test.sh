#!/usr/bin/env bash
# Builds parcelgate and runs the whole test suite (unit, adapter, integration, fault), the
# integration suite once more with every gateway on PostgreSQL (PARCELGATE_TEST_STORE), then the
# whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (SQLite).
#   tools/test.sh              everything
#   PARCELGATE_SKIP_SANITIZE=1 tools/test.sh     only the Release run
#   tools/test.sh -R REGEX     only tests matching REGEX (both builds, no fuzzing)
#   PARCELGATE_SKIP_FUZZ=1 tools/test.sh          without the fuzzing stage (tools/fuzz.sh 30)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools/install-deps.sh
tools/check-tools.sh   # one line naming each missing program and its package, then stop
tools/format.sh --check  # every C++ file as .clang-format says (seconds; before any build)
certs/make-dev-certs.sh >/dev/null
jobs="${PARCELGATE_JOBS:-2}"

run_suite() {
  local dir="$1"; shift
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure --timeout 600 -j "$jobs" "$@"
}

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARCELGATE_WERROR=ON -DPARCELGATE_TESTS=ON >/dev/null
run_suite build "$@"
# The integration suite (auth matrix, idempotency races, crashes, carrier faults, tariffs API...)
# on the other store: a throwaway cluster per test process, a database per gateway.
PARCELGATE_TEST_STORE=postgresql ctest --test-dir build --output-on-failure --timeout 600 \
  -j "$jobs" -L '^integration$' "$@"
# libFuzzer targets, 30 s each, once per full run (docs/fuzzing.md); not for -R subsets.
if [[ -z "${PARCELGATE_SKIP_FUZZ:-}" && $# -eq 0 ]]; then tools/fuzz.sh 30; fi

if [[ -z "${PARCELGATE_SKIP_SANITIZE:-}" ]]; then
  # -Og -g1 (line tables: file:line in every report) compiles the Asio/Beast units in less than
  # half the time of -O1 -g (server.cpp: 56 s against 133 s); no benchmark programs.
  cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g1 -Og" \
    -DPARCELGATE_WERROR=ON -DPARCELGATE_TESTS=ON -DPARCELGATE_BENCH=OFF \
    -DPARCELGATE_SANITIZE="address;undefined" >/dev/null
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-sanitize "$@"
fi
