#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz in build-fuzz (clang++ 16, ASan + UBSan) and runs
# them (docs/fuzzing.md).
#   tools/fuzz.sh [SECONDS]        fuzz every target for SECONDS (default 30) on a copy of its
#                                  seed corpus; prints exec/s, cov and ft per target
#   tools/fuzz.sh --regress        run every target once over its seed corpus and
#                                  tests/fuzz/regressions/<target>/ (no fuzzing, a few seconds)
#   FUZZ_TARGETS="fuzz_tariff_yaml fuzz_compare_csv" tools/fuzz.sh 60    a subset
# Exits non-zero when a target crashes, leaks, hits a sanitizer report or breaks one of its
# invariants; the input is left in build-fuzz/crashes/ with the command that reproduces it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mode=fuzz
seconds=30
case "${1:-}" in
  --regress) mode=regress ;;
  "") ;;
  *[!0-9]*) echo "usage: tools/fuzz.sh [SECONDS | --regress]" >&2; exit 2 ;;
  *) seconds="$1" ;;
esac

build=build-fuzz
cxx="${PARCELGATE_FUZZ_CXX:-clang++-16}"
jobs="${PARCELGATE_JOBS:-2}"
all_targets=(fuzz_http_request fuzz_shipment_body fuzz_pickup_body fuzz_rates_body fuzz_colissimo_response
             fuzz_mondialrelay_response fuzz_tariff_yaml fuzz_compare_csv)
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"

# Largest input libFuzzer generates, per target: room above the seeds and the limits that matter
# (the server's 8 KiB header limit), small enough to keep executions fast.
max_len() {
  case "$1" in
    fuzz_http_request) echo 16384 ;;
    fuzz_colissimo_response | fuzz_mondialrelay_response | fuzz_tariff_yaml) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: $cxx not found (tools/install-deps.sh installs clang-16 and libclang-rt-16-dev)" >&2
  exit 1
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DPARCELGATE_FUZZ=ON -DPARCELGATE_WERROR=ON >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
symbolizer="$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer || true)"
[[ -n "$symbolizer" ]] && export ASAN_SYMBOLIZER_PATH="$symbolizer"

crashes="$build/crashes"
mkdir -p "$crashes" "$build/fuzz-logs"
failed=()

for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/$t"
  seeds="tests/fuzz/corpus/$t"
  regressions="tests/fuzz/regressions/$t"
  log="$build/fuzz-logs/$t.log"
  dict=()
  [[ -f "tests/fuzz/dict/$t.dict" ]] && dict=(-dict="tests/fuzz/dict/$t.dict")

  if [[ "$mode" == regress ]]; then
    mapfile -t inputs < <(find "$seeds" "$regressions" -type f 2>/dev/null | sort)
    if "$bin" -artifact_prefix="$crashes/$t-" "${inputs[@]}" >"$log" 2>&1; then
      printf '%-28s %4d inputs  ok\n' "$t" "${#inputs[@]}"
    else
      printf '%-28s %4d inputs  FAILED (log: %s)\n' "$t" "${#inputs[@]}" "$log"
      failed+=("$t")
    fi
    continue
  fi

  # Fuzz on a copy: what libFuzzer finds goes to build-fuzz/corpus, never to tests/fuzz/corpus.
  work="$build/corpus/$t"
  rm -rf "$work"
  mkdir -p "$work"
  cp "$seeds"/* "$work"/
  extra=()
  [[ -d "$regressions" ]] && extra=("$regressions")
  rc=0
  "$bin" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$crashes/$t-" "${dict[@]}" "$work" "${extra[@]}" \
    >"$log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  last="$(grep -E '^#[0-9]+.*cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)"
  cov="$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")"
  ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")"
  units="$(find "$work" -type f | wc -l)"
  if ((rc == 0)); then
    printf '%-28s %4ss  %8s exec/s  cov %6s  ft %6s  corpus %5s  ok\n' \
      "$t" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$units"
  else
    artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
    printf '%-28s %4ss  %8s exec/s  cov %6s  ft %6s  corpus %5s  FAILED (exit %d)\n' \
      "$t" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$units" "$rc"
    grep -E 'ERROR: |fuzz invariant broken|runtime error|SUMMARY' "$log" | head -5 | sed 's/^/    /'
    if [[ -n "$artifact" ]]; then
      echo "    input: $artifact"
      echo "    reproduce: $bin $artifact"
    fi
    echo "    log: $log"
    failed+=("$t")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  echo "fuzz: fix the parser, copy the input to tests/fuzz/regressions/<target>/ and add a unit test (docs/fuzzing.md)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s) passed ($mode)"
