#!/usr/bin/env bash
# Gateway benchmarks, each with its baseline measured in the same run on this machine.
#   tools/bench/bench.sh read       GET /v1/shipments/{id} (1 I/O thread) vs nginx static JSON (1 worker), wrk;
#                                   READ_PATH=tracking: GET /v1/tracking/{number} instead;
#                                   READ_PATH=points: GET /v1/points (two networks merged, from the cache)
#   tools/bench/bench.sh purchase   fixed-rate label purchases through the gateway vs straight to the simulator
#   tools/bench/bench.sh scale      10,000 purchases in flight at once (simulator latency 1 s), gateway peak RSS
#   tools/bench/bench.sh fsync      the disk under the store: one in-place write + fdatasync, and two of
#                                   them back to back (a purchase's two durable commits), at 1000/s
#   tools/bench/bench.sh json       Boost.JSON vs RapidJSON on our payloads (json_bench), and the gateway's
#                                   peak RSS for a POST /v1/tariffs/compare of JSON_ROWS rows (docs/json.md)
#   tools/bench/bench.sh stores     read and purchase on SQLite, then on PostgreSQL, in one run
#   tools/bench/bench.sh scale2     10,000 purchases in flight over two gateways on one PostgreSQL
#                                   (simulator latency 1 s): errors, labels sold, peak RSS per gateway
#   tools/bench/bench.sh polls      POLL_SHIPMENTS (100,000) active shipments polled on schedule against the
#                                   simulator for POLL_SECONDS (60): each carrier's request rate per second
#                                   (peak and mean, against its published or default rate), parcels polled
#                                   per second, the gateway's CPU and peak RSS
#   tools/bench/bench.sh pushes     InPost webhooks at PUSH_RATE/s (20000) for PUSH_SECONDS (10) to
#                                   POST /v1/carriers/inpost/events, each durably recorded before its 202
#                                   (PUSH_SHIPMENTS (50000) seeded parcels addressed in turn): recorded/s,
#                                   latency, then how fast the backlog is applied to the timelines
#   tools/bench/bench.sh webhooks   signed webhook deliveries to a local receiver: the delay from the change (the
#                                   event's commit) to its arrival, p50/p99, at RATE purchases/s; and events/s
#                                   delivered when BURST purchases land at once (SQLite store)
#   tools/bench/bench.sh dropoffs   collection point drop-off scans at DROP_RATE/s (5000) for DROP_SECONDS (10) to
#                                   POST /v1/points/{id}/dropoffs with a point key, each a new parcel among
#                                   DROP_RATE x DROP_SECONDS seeded Mondial Relay parcels: scans/s answered 201,
#                                   latency p50/p99, and the scans found durably recorded in the store afterwards
#   tools/bench/bench.sh all
# Environment: RATE (500), DURATION (20 s per side and round), ROUNDS (3), WRK_DURATION (10 s),
# IN_FLIGHT (10000), GW_THREADS (gateway I/O threads for the purchase run, 1), STORE (sqlite or
# postgresql: the store of read, purchase and scale; PostgreSQL is a throwaway cluster in the
# run's folder, tools/pg-cluster.sh), PG_POOL (16), PG_ACQUIRE_MS (2000).
# Results: printed, and appended as JSON lines to tools/bench/results/<date>.jsonl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
what="${1:-all}"
RATE="${RATE:-500}"; DURATION="${DURATION:-20}"; ROUNDS="${ROUNDS:-3}"; WRK_DURATION="${WRK_DURATION:-10}"; IN_FLIGHT="${IN_FLIGHT:-10000}"

tools/install-deps.sh --bench
tools/check-tools.sh --bench
certs/make-dev-certs.sh >/dev/null
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2 --target parcelgate carrier-sim parcelctl loadgen fsync_bench >/dev/null

work="$(mktemp -d /tmp/pgbench.XXXXXX)"
chmod 755 "$work"  # the PostgreSQL cluster's owner (postgres, when run as root) must reach it
results="$root/tools/bench/results"; mkdir -p "$results"
out="$results/$(date -u +%Y%m%dT%H%M%SZ).jsonl"
pids=()
pg_url=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [[ -n "$pg_url" ]]; then tools/pg-cluster.sh stop "$work/pg" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

wait_log() {  # file needle
  for _ in $(seq 1 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "timeout waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1
}
url_from_log() { grep "$2" "$1" | head -1 | sed -E 's/.*"url":"([^"]+)".*/\1/'; }
record() { echo "$1" | tee -a "$out"; }
# A figure is printed only when every request of the run got the expected status: a baseline or
# a subject that failed measures something else (refusals cost far less than sales).
require_all() {  # loadgen-json expected-status what
  python3 - "$1" "$2" "$3" <<'PY' || exit 1
import json, sys
r, want, what = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
ok = r["statuses"].get(want, 0)
if ok != r["requests"] or r["errors"]:
    sys.exit(f"{what}: {ok} of {r['requests']} requests answered {want} (statuses {r['statuses']}, "
             f"errors {r['errors']}); no figure printed")
PY
}
wrk_checked() {  # wrk arguments...: prints requests/s, fails on any non-2xx answer or socket error
  local text; text="$(wrk "$@")"
  if grep -qE "Non-2xx or 3xx responses|Socket errors" <<<"$text"; then
    echo "wrk $*: some requests failed; no figure printed" >&2; echo "$text" >&2; exit 1
  fi
  awk '/Requests\/sec/ {print $2}' <<<"$text"
}
# Mean of a Prometheus histogram (sum / count) in ms, from /metrics text on stdin: name labels-regex
metric_mean_ms() {
  awk -v n="$1" -v l="$2" '$1 ~ "^"n"_sum\\{" && $1 ~ l {s=$2} $1 ~ "^"n"_count\\{" && $1 ~ l {c=$2}
                           END { if (c > 0) printf "%.3f", s * 1000 / c; else printf "null" }'
}
# A percentile field of a loadgen result (JSON text): field json
json_ms() { echo "$2" | sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }
overhead_ms() { awk -v a="$(json_ms "$1" "$2")" -v b="$(json_ms "$1" "$3")" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
cpu_us_per_request() {  # ticks_before ticks_after requests
  awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) * 1e6 / hz / n }'
}

# The store line of the gateway's configuration, for STORE (sqlite or postgresql); call
# ensure_store first, outside a command substitution, so that the cluster is started once.
ensure_store() {
  if [[ "${STORE:-sqlite}" == postgresql && -z "$pg_url" ]]; then
    pg_url="$(tools/pg-cluster.sh start "$work/pg")"
    [[ -n "$pg_url" ]] || { echo "the PostgreSQL cluster did not start" >&2; exit 1; }
  fi
}
store_yaml() {
  if [[ "${STORE:-sqlite}" == postgresql ]]; then
    echo "store: {kind: postgresql, url: \"$pg_url\", pool: ${PG_POOL:-16}, acquire_timeout_ms: ${PG_ACQUIRE_MS:-2000}}"
  else
    echo "store: {kind: sqlite, path: \"$work/gw.db\"}"
  fi
}

start_stack() {  # threads sim_args...
  local threads="$1"; shift
  ensure_store
  : > "$work/sim.log"; : > "$work/gw.log"
  build/tools/carrier-sim/carrier-sim --listen 127.0.0.1:0 --plain --threads "${SIM_THREADS:-1}" "$@" > "$work/sim.log" 2>&1 &
  pids+=($!); sim_pid=$!
  wait_log "$work/sim.log" "carrier-sim listening"
  sim_url="$(url_from_log "$work/sim.log" "carrier-sim listening")"
  cat > "$work/gw.yaml" <<YAML
server: {listen: "127.0.0.1:0", threads: $threads, access_log: false, rate_limit: {requests_per_s: 0},
         limits: {max_connections: 15000}}
log: {level: warn}
$(store_yaml)
carriers:
  colissimo: {base_url: "$sim_url/colissimo", contract_number: "123456", password: sandbox, timeout_s: 30,
              tracking_url: "$sim_url/laposte/suivi/v2", okapi_key: sandbox-okapi,
              points_url: "$sim_url/colissimo/pointretrait-ws-cxf/PointRetraitServiceWS/2.0"}
  mondialrelay: {base_url: "$sim_url/mondialrelay", enseigne: BDTEST13, private_key: PrivateK, timeout_s: 30}
${GW_EXTRA_YAML:-}
YAML
  ${GW_ENV:-} build/gateway/parcelgate --config "$work/gw.yaml" > "$work/gw.log" 2>&1 &
  pids+=($!); gw_pid=$!
  wait_log "$work/gw.log" "parcelgate listening"
  gw_url="$(url_from_log "$work/gw.log" "parcelgate listening")"
  key="$(build/tools/parcelctl/parcelctl --config "$work/gw.yaml" keys create --tenant bench --role merchant 2>/dev/null)"
}
stop_stack() { kill "$gw_pid" "$sim_pid" 2>/dev/null || true; wait "$gw_pid" "$sim_pid" 2>/dev/null || true; }

shipment_json='{"reference":"bench-{{n}}","carrier":"colissimo","service":"home",
 "from":{"name":"Acme Returns","line1":"10 rue de Rivoli","city":"Paris","postal_code":"75001","country":"FR"},
 "to":{"name":"Marie Curie","line1":"31 cours Andre Philip","city":"Villeurbanne","postal_code":"69100","country":"FR",
       "phone":"+33611223344"},
 "parcels":[{"weight_g":1200}],"label":{"format":"pdf","size":"a6"}}'

# READ_PATH=shipment (GET /v1/shipments/{id}), tracking (GET /v1/tracking/{number}) or points
# (GET /v1/points near Villeurbanne: Mondial Relay and Colissimo merged, served from the cache
# after the first request; nginx serves the same answer).
bench_read() {
  local read_path="${READ_PATH:-shipment}"
  start_stack 1
  body="$(echo "$shipment_json" | sed 's/{{n}}/read/')"
  created="$(curl -s "$gw_url/v1/shipments" -H "Authorization: Bearer $key" -H "Idempotency-Key: read-1" \
             -H 'Content-Type: application/json' -d "$body")"
  id="$(echo "$created" | sed -E 's/.*"id":"(shp_[0-9a-z]+)".*/\1/')"
  target="/v1/shipments/$id"
  if [[ "$read_path" == tracking ]]; then
    number="$(echo "$created" | sed -E 's/.*"tracking_number":"([0-9A-Z]+)".*/\1/')"
    target="/v1/tracking/$number"
    created="$(curl -s "$gw_url$target" -H "Authorization: Bearer $key")"
  elif [[ "$read_path" == points ]]; then
    target="/v1/points?country=FR&postal_code=69100&city=Villeurbanne"
    created="$(curl -s "$gw_url$target" -H "Authorization: Bearer $key")"
    [[ "$created" == *'"warnings":[]'* ]] || { echo "points: a network failed: $created" >&2; exit 1; }
  fi
  # nginx, 1 worker, returning the same JSON body from memory.
  mkdir -p "$work/nginx"; printf '%s' "$created" > "$work/nginx/body.json"
  nginx_port=$((20000 + RANDOM % 20000))
  # Small bodies are returned from memory; a points answer (tens of kB, past nginx's limit for an
  # inline string) is served as a static file with its descriptor cached.
  local location="default_type application/json; return 200 '$(cat "$work/nginx/body.json")';"
  if [[ "$read_path" == points ]]; then
    location="default_type application/json; root $work/nginx; try_files /body.json =404;"
  fi
  cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 1; daemon off; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000; open_file_cache max=16 inactive=60s; open_file_cache_valid 60s;
  server { listen 127.0.0.1:$nginx_port; location / { $location } } }
NGINX
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" & pids+=($!); nginx_pid=$!
  sleep 0.3
  gw_rps=(); ng_rps=()
  for round in 1 2; do
    ng=$(wrk_checked -t1 -c64 -d"${WRK_DURATION}s" "http://127.0.0.1:$nginx_port/")
    gw=$(wrk_checked -t1 -c64 -d"${WRK_DURATION}s" -H "Authorization: Bearer $key" "$gw_url$target")
    ng_rps+=("$ng"); gw_rps+=("$gw")
  done
  kill "$nginx_pid" 2>/dev/null || true
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$gw_url$target")
  [[ "$code" == 200 ]] || { echo "read path: GET $target answered $code; no figure printed" >&2; exit 1; }
  ratio=$(python3 -c "print(round(max(${gw_rps[0]},${gw_rps[1]})/max(${ng_rps[0]},${ng_rps[1]}),3))" 2>/dev/null || \
          awk "BEGIN{a=${gw_rps[0]};b=${gw_rps[1]};c=${ng_rps[0]};d=${ng_rps[1]}; print (a>b?a:b)/(c>d?c:d)}")
  record "{\"bench\":\"read_path\",\"path\":\"$read_path\",\"store\":\"${STORE:-sqlite}\",\"client\":\"wrk -t1 -c64 -d${WRK_DURATION}s\",\"gateway_rps\":[${gw_rps[0]},${gw_rps[1]}],\"nginx_rps\":[${ng_rps[0]},${ng_rps[1]}],\"best_ratio\":$ratio,\"check_status\":$code}"
  stop_stack
}

bench_purchase() {
  start_stack "${GW_THREADS:-1}"
  printf '%s' "$shipment_json" > "$work/shipment.json"
  # The same Colissimo generateLabel request the adapter sends, straight to the simulator. Its
  # deposit date is today in France, as the adapter sends it (rewritten each round).
  cat > "$work/direct.template.json" <<'JSON'
{"contractNumber":"123456","password":"sandbox","outputFormat":{"x":0,"y":0,"outputPrintingType":"PDF_10x15_300dpi"},
 "letter":{"service":{"productCode":"DOM","depositDate":"DEPOSIT_DATE","orderNumber":"bench-{{n}}","commercialName":"parcelgate"},
  "parcel":{"weight":1.2},
  "sender":{"senderParcelRef":"{{n}}","address":{"companyName":"Acme Returns","lastName":"Acme Returns","line2":"10 rue de Rivoli","countryCode":"FR","city":"Paris","zipCode":"75001"}},
  "addressee":{"address":{"lastName":"Marie Curie","line2":"31 cours Andre Philip","countryCode":"FR","city":"Villeurbanne","zipCode":"69100","mobileNumber":"0611223344"}}}}
JSON
  # Rounds alternate the baseline and the gateway, so that a noisy moment on the machine hits
  # both sides alike; the summary takes the median overhead of the rounds.
  local overheads_p50=() overheads_p99=() overheads_p999=()
  for round in $(seq 1 "$ROUNDS"); do
    sed "s/DEPOSIT_DATE/$(TZ=Europe/Paris date +%F)/" "$work/direct.template.json" > "$work/direct.json"
    sim_before=$(cpu_ticks "$sim_pid")
    direct=$(build/tools/bench/loadgen --label direct_to_simulator --url "$sim_url/colissimo/sls-ws/SlsServiceWSRest/2.0/generateLabel" \
      --method POST --body-file "$work/direct.json" --header "Content-Type: application/json" --rate "$RATE" --duration "$DURATION")
    require_all "$direct" 200 "baseline (straight to the simulator), round $round"
    sim_cpu=$(cpu_us_per_request "$sim_before" "$(cpu_ticks "$sim_pid")" $((RATE * DURATION)))
    record "{\"bench\":\"purchase_path\",\"round\":$round,\"rate\":$RATE,\"duration_s\":$DURATION,\"simulator_cpu_us_per_request\":$sim_cpu,\"result\":$direct}"
    sim_before=$(cpu_ticks "$sim_pid"); gw_before=$(cpu_ticks "$gw_pid")
    via=$(build/tools/bench/loadgen --label through_gateway --url "$gw_url/v1/shipments" --method POST \
      --body-file "$work/shipment.json" --header "Content-Type: application/json" --header "Authorization: Bearer $key" \
      --header "Idempotency-Key: bench-$round-{{n}}" --rate "$RATE" --duration "$DURATION")
    require_all "$via" 201 "through the gateway, round $round"
    sim_cpu=$(cpu_us_per_request "$sim_before" "$(cpu_ticks "$sim_pid")" $((RATE * DURATION)))
    gw_cpu=$(cpu_us_per_request "$gw_before" "$(cpu_ticks "$gw_pid")" $((RATE * DURATION)))
    record "{\"bench\":\"purchase_path\",\"round\":$round,\"rate\":$RATE,\"duration_s\":$DURATION,\"simulator_cpu_us_per_request\":$sim_cpu,\"gateway_cpu_us_per_request\":$gw_cpu,\"result\":$via}"
    overheads_p50+=("$(overhead_ms p50_ms "$direct" "$via")")
    overheads_p99+=("$(overhead_ms p99_ms "$direct" "$via")")
    overheads_p999+=("$(overhead_ms p999_ms "$direct" "$via")")
  done
  # Where the time goes inside the gateway (means over all rounds): route, carrier exchange,
  # durable writes.
  curl -s "$gw_url/metrics" > "$work/metrics.txt"
  route=$(metric_mean_ms parcelgate_http_request_duration_seconds 'method="POST",route="/v1/shipments"[}]' < "$work/metrics.txt")
  carrier=$(metric_mean_ms parcelgate_carrier_operation_duration_seconds 'operation="purchase",outcome="ok"' < "$work/metrics.txt")
  claim=$(metric_mean_ms parcelgate_store_durable_write_seconds 'operation="claim"' < "$work/metrics.txt")
  complete=$(metric_mean_ms parcelgate_store_durable_write_seconds 'operation="complete"' < "$work/metrics.txt")
  record "{\"bench\":\"purchase_overhead\",\"store\":\"${STORE:-sqlite}\",\"rate\":$RATE,\"rounds\":$ROUNDS,\"gateway_threads\":${GW_THREADS:-1},\"overhead_ms\":{\"p50\":[$(IFS=,; echo "${overheads_p50[*]}")],\"p99\":[$(IFS=,; echo "${overheads_p99[*]}")],\"p999\":[$(IFS=,; echo "${overheads_p999[*]}")]},\"median_overhead_ms\":{\"p50\":$(median "${overheads_p50[@]}"),\"p99\":$(median "${overheads_p99[@]}"),\"p999\":$(median "${overheads_p999[@]}")},\"gateway_mean_ms\":{\"route\":$route,\"carrier_exchange\":$carrier,\"durable_claim\":$claim,\"durable_complete\":$complete}}"
  stop_stack
}

bench_scale() {
  start_stack 2 --latency-ms 1000
  printf '%s' "$shipment_json" > "$work/shipment.json"
  rss_before=$(awk '/VmRSS/ {print $2}' /proc/$gw_pid/status)
  res=$(build/tools/bench/loadgen --label in_flight --url "$gw_url/v1/shipments" --method POST \
    --body-file "$work/shipment.json" --header "Content-Type: application/json" --header "Authorization: Bearer $key" \
    --header "Idempotency-Key: scale-{{n}}" --at-once "$IN_FLIGHT" --timeout-s 120)
  hwm=$(awk '/VmHWM/ {print $2}' /proc/$gw_pid/status)
  require_all "$res" 201 "scale ($IN_FLIGHT purchases at once)"
  sold=$(curl -s "$sim_url/_sim/stats" | sed -E 's/.*"colissimo":\{"labels_sold":([0-9]+).*/\1/')
  record "{\"bench\":\"scale\",\"store\":\"${STORE:-sqlite}\",\"in_flight\":$IN_FLIGHT,\"simulator_latency_ms\":1000,\"gateway_rss_kb_before\":$rss_before,\"gateway_peak_rss_kb\":$hwm,\"labels_sold\":$sold,\"result\":$res}"
  stop_stack
}

bench_fsync() {
  # Same directory as the benchmarks' database.
  res=$(build/tools/bench/fsync_bench "$work" 1000 10 8)
  record "{\"bench\":\"fsync\",\"dir\":\"$(dirname "$work")\",\"result\":$res}"
}

bench_json() {
  # JSON_ROWS (150000) rows in the comparison body, JSON_REPS (7) repetitions; JSON_GATEWAYS: the
  # gateway binaries whose peak RSS is measured on that body (default: this build's).
  local rows="${JSON_ROWS:-150000}"
  cmake --build build -j2 --target json_bench >/dev/null
  build/tools/bench/json_bench "$rows" "${JSON_REPS:-7}" > "$work/json.jsonl"
  while read -r line; do record "$line"; done < "$work/json.jsonl"
  build/tools/bench/json_bench --body "$rows" > "$work/compare.json"
  start_stack 1
  kill "$gw_pid"; wait "$gw_pid" 2>/dev/null || true
  key="$(build/tools/parcelctl/parcelctl --config "$work/gw.yaml" keys create --tenant bench --role ops 2>/dev/null)"
  sed -i 's/limits: {max_connections: 15000}/limits: {max_connections: 15000, max_body_bytes: 67108864}/' "$work/gw.yaml"
  echo "tariffs: \"$root/config/tariffs\"" >> "$work/gw.yaml"
  for bin in ${JSON_GATEWAYS:-build/gateway/parcelgate}; do
    : > "$work/gw.log"
    "$bin" --config "$work/gw.yaml" > "$work/gw.log" 2>&1 & pids+=($!); gw_pid=$!
    wait_log "$work/gw.log" "parcelgate listening"
    gw_url="$(url_from_log "$work/gw.log" "parcelgate listening")"
    rss_before=$(awk '/VmRSS/ {print $2}' /proc/$gw_pid/status)
    res=$(curl -s -o "$work/compare.out" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $key" \
          -H 'Content-Type: application/json' --data-binary @"$work/compare.json" "$gw_url/v1/tariffs/compare")
    hwm=$(awk '/VmHWM/ {print $2}' /proc/$gw_pid/status)
    [[ "${res%% *}" == 200 ]] || { echo "compare answered ${res%% *}; no figure printed" >&2; head -c 500 "$work/compare.out" >&2; exit 1; }
    priced=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"]["total"])' "$work/compare.out")
    record "{\"bench\":\"json_gateway_compare\",\"gateway\":\"$bin\",\"rows\":$priced,\"body_bytes\":$(stat -c %s "$work/compare.json"),\"gateway_rss_kb_before\":$rss_before,\"gateway_peak_rss_kb\":$hwm,\"seconds\":${res##* }}"
    kill "$gw_pid"; wait "$gw_pid" 2>/dev/null || true
  done
  stop_stack
}

# Two gateways on one PostgreSQL database, one simulator (latency 1 s), IN_FLIGHT purchases at
# once: half sent to each gateway by two load generators running together.
bench_scale2() {
  STORE=postgresql start_stack 2 --latency-ms 1000
  : > "$work/gw2.log"
  ${GW_ENV:-} build/gateway/parcelgate --config "$work/gw.yaml" > "$work/gw2.log" 2>&1 &
  pids+=($!); gw2_pid=$!
  wait_log "$work/gw2.log" "parcelgate listening"
  gw2_url="$(url_from_log "$work/gw2.log" "parcelgate listening")"
  printf '%s' "$shipment_json" > "$work/shipment.json"
  local half=$((IN_FLIGHT / 2)) loaders=()
  for side in 1 2; do
    url="$gw_url"; [[ $side == 2 ]] && url="$gw2_url"
    build/tools/bench/loadgen --label "gateway_$side" --url "$url/v1/shipments" --method POST \
      --body-file "$work/shipment.json" --header "Content-Type: application/json" --header "Authorization: Bearer $key" \
      --header "Idempotency-Key: scale2-$side-{{n}}" --at-once "$half" --timeout-s 120 > "$work/scale2-$side.json" &
    loaders+=($!)
  done
  wait "${loaders[@]}"
  hwm1=$(awk '/VmHWM/ {print $2}' /proc/$gw_pid/status)
  hwm2=$(awk '/VmHWM/ {print $2}' /proc/$gw2_pid/status)
  res1="$(cat "$work/scale2-1.json")"; res2="$(cat "$work/scale2-2.json")"
  require_all "$res1" 201 "scale2, gateway 1 ($half purchases at once)"
  require_all "$res2" 201 "scale2, gateway 2 ($half purchases at once)"
  sold=$(curl -s "$sim_url/_sim/stats" | sed -E 's/.*"colissimo":\{"labels_sold":([0-9]+).*/\1/')
  record "{\"bench\":\"scale_two_gateways\",\"store\":\"postgresql\",\"pool\":${PG_POOL:-16},\"in_flight\":$IN_FLIGHT,\"simulator_latency_ms\":1000,\"gateway_peak_rss_kb\":[$hwm1,$hwm2],\"labels_sold\":$sold,\"results\":[$res1,$res2]}"
  kill "$gw2_pid" 2>/dev/null || true; wait "$gw2_pid" 2>/dev/null || true
  stop_stack
}

# Seeds $1 shipments of tenant "bench" in transit (one in ten Mondial Relay, the rest Colissimo),
# which the store's trigger schedules for polling at once. Their numbers are well-formed but not
# sold by the simulator, which answers them as not known yet: the requests and their pacing are
# the same as for known parcels.
seed_active_shipments() {
  local n="$1" now; now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  # The last k digits of '000...0' || i: substr(x, -k) on SQLite, right(x, k) on PostgreSQL.
  local d8 d11
  if [[ "${STORE:-sqlite}" == postgresql ]]; then
    d8="right('00000000' || i, 8)"; d11="right('00000000000' || i, 11)"
  else
    d8="substr('00000000' || i, -8)"; d11="substr('00000000000' || i, -11)"
  fi
  local select="SELECT 'shp_bench' || $d8, 'bench', 'in_transit',
      CASE WHEN i % 10 = 0 THEN 'mondialrelay' ELSE 'colissimo' END, 'home', '',
      CASE WHEN i % 10 = 0 THEN $d8 ELSE '6A' || $d11 END,
      'seed-' || i, 'outbound', 'seed-' || i, '{}', '$now', '$now'"
  local insert="INSERT INTO shipments (id, tenant_id, status, carrier, service, carrier_service,
      tracking_number, reference, direction, idempotency_key, body, created_at, updated_at)"
  if [[ "${STORE:-sqlite}" == postgresql ]]; then
    psql -q -v ON_ERROR_STOP=1 "$pg_url" -c "$insert $select FROM generate_series(1, $n) AS g(i)" >/dev/null
  else
    sqlite3 "$work/gw.db" "PRAGMA busy_timeout = 10000; WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL
      SELECT i + 1 FROM g WHERE i < $n) $insert $select FROM g" >/dev/null
  fi
}

bench_polls() {
  local n="${POLL_SHIPMENTS:-100000}" secs="${POLL_SECONDS:-60}"
  GW_EXTRA_YAML="tracking: {first_poll_after_s: 0, poll_interval_s: 1800}" start_stack 2
  seed_active_shipments "$n"
  sleep 2  # the first round after the seed
  local hz; hz="$(getconf CLK_TCK)"
  local t0 c0; t0=$(date +%s.%N); c0=$(cpu_ticks "$gw_pid")
  : > "$work/polls.samples"
  for _ in $(seq 1 "$secs"); do
    curl -s "$sim_url/_sim/stats" | python3 -c '
import json, sys, time
s = json.load(sys.stdin)
print(time.monotonic(), s.get("laposte", {}).get("requests", 0), s.get("mondialrelay", {}).get("requests", 0))' >> "$work/polls.samples"
    sleep 1
  done
  local t1 c1; t1=$(date +%s.%N); c1=$(cpu_ticks "$gw_pid")
  [[ -n "${POLL_DEBUG:-}" ]] && { cat "$work/polls.samples" >&2; curl -s "$sim_url/_sim/stats" | head -c 600 >&2; }
  local metrics; metrics="$(curl -s "$gw_url/metrics")"
  local polled; polled=$(echo "$metrics" | awk '$1 ~ /^parcelgate_tracking_polls_total\{/ {s += $2} END {print s + 0}')
  local failed; failed=$(echo "$metrics" | awk '$1 ~ /^parcelgate_tracking_poll_requests_total\{.*outcome="failed"/ {s += $2} END {print s + 0}')
  local hwm; hwm=$(awk '/VmHWM/ {print $2}' "/proc/$gw_pid/status")
  local rss; rss=$(awk '/VmRSS/ {print $2}' "/proc/$gw_pid/status")
  local rates; rates=$(python3 - "$work/polls.samples" "$t0" "$t1" "$c0" "$c1" "$hz" <<'PY'
import json, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
t0, t1, c0, c1, hz = map(float, sys.argv[2:7])
# Requests per second between samples (about a second apart, each interval timed).
def per_second(col):
    d = [(rows[i + 1][col] - rows[i][col]) / (rows[i + 1][0] - rows[i][0]) for i in range(len(rows) - 1)]
    return {"peak": round(max(d), 2), "mean": round(sum(d) / len(d), 2)} if d else {}
print(json.dumps({"colissimo_suivi_rps": per_second(1), "mondialrelay_rps": per_second(2),
                  "gateway_cpu_percent": round((c1 - c0) / hz / (t1 - t0) * 100, 1)}))
PY
)
  record "{\"bench\":\"tracking_polls\",\"store\":\"${STORE:-sqlite}\",\"active_shipments\":$n,\"seconds\":$secs,\"published_rps\":{\"colissimo_suivi\":10,\"mondialrelay\":\"none (5 by default)\"},\"measured\":$rates,\"parcels_polled\":$polled,\"failed_requests\":$failed,\"gateway_rss_kb\":$rss,\"gateway_peak_rss_kb\":$hwm}"
  stop_stack
}

bench_pushes() {
  local rate="${PUSH_RATE:-20000}" secs="${PUSH_SECONDS:-10}" k="${PUSH_SHIPMENTS:-50000}"
  # InPost is only pushed to here: its first poll is a week away.
  GW_EXTRA_YAML='  inpost: {base_url: "http://127.0.0.1:9/inpost", token: t, organization_id: "6183", push_token: bench-push}
tracking: {first_poll_after_s: 604800}' start_stack 2
  local now; now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  local insert="INSERT INTO shipments (id, tenant_id, status, carrier, service, carrier_service,
      tracking_number, reference, direction, idempotency_key, body, created_at, updated_at)"
  local select="SELECT 'shp_push' || i, 'bench', 'label_created', 'inpost', 'locker', '', '68' || i,
      'push-' || i, 'outbound', 'push-' || i, '{}', '$now', '$now'"
  if [[ "${STORE:-sqlite}" == postgresql ]]; then
    psql -q -v ON_ERROR_STOP=1 "$pg_url" -c "$insert $select FROM generate_series(0, $k - 1) AS g(i)" >/dev/null
  else
    sqlite3 "$work/gw.db" "PRAGMA busy_timeout = 10000; WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL
      SELECT i + 1 FROM g WHERE i < $k - 1) $insert $select FROM g" >/dev/null
  fi
  printf '%s' '{"event_ts":"2026-12-01T10:00:00.000+01:00","event":"shipment_status_changed","organization_id":6183,"payload":{"shipment_id":1600000001,"tracking_number":"68{{i}}","status":"adopted_at_sorting_center","return_tracking_number":"{{n}}"}}' > "$work/push.json"
  local c0; c0=$(cpu_ticks "$gw_pid")
  local res; res=$(build/tools/bench/loadgen --label carrier_pushes --url "$gw_url/v1/carriers/inpost/events?token=bench-push" \
    --method POST --body-file "$work/push.json" --header "Content-Type: application/json" \
    --rate "$rate" --duration "$secs" --connections 256 --cycle "$k")
  local c1; c1=$(cpu_ticks "$gw_pid")
  require_all "$res" 202 "carrier pushes"
  local sent; sent=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["requests"])' "$res")
  # The backlog: applied while recording went on, and after.
  local t0 processed=0; t0=$(date +%s.%N)
  for _ in $(seq 1 600); do
    processed=$(curl -s "$gw_url/metrics" | awk '$1 ~ /^parcelgate_carrier_pushes_processed_total\{/ {s += $2} END {print s + 0}')
    (( processed >= sent )) && break
    sleep 0.5
  done
  local drain; drain=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  local events; events=$(curl -s "$gw_url/metrics" | awk '$1 ~ /^parcelgate_tracking_events|^parcelgate_carrier_pushes_total/ {print}' | tr '\n' ' ')
  record "{\"bench\":\"carrier_pushes\",\"store\":\"${STORE:-sqlite}\",\"rate\":$rate,\"seconds\":$secs,\"parcels\":$k,\"recorded\":$sent,\"processed\":$processed,\"drain_after_load_s\":$drain,\"gateway_cpu_us_per_push\":$(cpu_us_per_request "$c0" "$c1" "$sent"),\"loadgen\":$res}"
  stop_stack
}

bench_dropoffs() {
  local rate="${DROP_RATE:-5000}" secs="${DROP_SECONDS:-10}"
  local k=$(( rate * secs + rate ))  # one parcel per scan, and some to spare: every scan is new
  local point="mondialrelay:FR:020230"
  # Nothing polled during the run: the scans alone write.
  GW_EXTRA_YAML='tracking: {first_poll_after_s: 604800}' start_stack "${GW_THREADS:-2}"
  local point_key; point_key="$(build/tools/parcelctl/parcelctl --config "$work/gw.yaml" keys create --tenant relais \
    --role point --points "$point" 2>/dev/null)"
  local now; now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  local insert="INSERT INTO shipments (id, tenant_id, status, carrier, service, carrier_service,
      tracking_number, reference, direction, idempotency_key, body, created_at, updated_at)"
  local select="SELECT 'shp_drop' || i, 'bench', 'label_created', 'mondialrelay', 'pickup_point', '', '7' || i,
      'drop-' || i, 'outbound', 'drop-' || i, '{\"status\":\"label_created\"}', '$now', '$now'"
  if [[ "${STORE:-sqlite}" == postgresql ]]; then
    psql -q -v ON_ERROR_STOP=1 "$pg_url" -c "$insert $select FROM generate_series(0, $k - 1) AS g(i)" >/dev/null
  else
    sqlite3 "$work/gw.db" "PRAGMA busy_timeout = 10000; WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL
      SELECT i + 1 FROM g WHERE i < $k - 1) $insert $select FROM g" >/dev/null
  fi
  printf '%s' '{"barcode":"7{{i}}"}' > "$work/dropoff.json"
  local c0; c0=$(cpu_ticks "$gw_pid")
  local res; res=$(build/tools/bench/loadgen --label point_dropoffs --url "$gw_url/v1/points/$point/dropoffs" \
    --method POST --body-file "$work/dropoff.json" --header "Content-Type: application/json" \
    --header "Authorization: Bearer $point_key" --rate "$rate" --duration "$secs" --connections 256 --cycle "$k")
  local c1; c1=$(cpu_ticks "$gw_pid")
  require_all "$res" 201 "point drop-offs"
  local sent; sent=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["requests"])' "$res")
  # Every 201 was answered after its commit: the store holds exactly that many scans and events.
  local count_sql="SELECT (SELECT count(*) FROM point_scans), (SELECT count(*) FROM tracking_events WHERE source = 'point_scan')"
  local stored
  if [[ "${STORE:-sqlite}" == postgresql ]]; then
    stored=$(psql -qtA -F ' ' "$pg_url" -c "$count_sql")
  else
    stored=$(sqlite3 -separator ' ' "$work/gw.db" "PRAGMA busy_timeout = 10000; $count_sql" | tail -1)
  fi
  local scans events; read -r scans events <<<"$stored"
  local per_s; per_s=$(python3 -c 'import json,sys; r = json.loads(sys.argv[1]); print(round(r["statuses"].get("201", 0) / r["wall_s"], 1) if r.get("wall_s") else "null")' "$res")
  record "{\"bench\":\"point_dropoffs\",\"store\":\"${STORE:-sqlite}\",\"gateway_threads\":${GW_THREADS:-2},\"rate\":$rate,\"seconds\":$secs,\"parcels\":$k,\"answered_201\":$sent,\"scans_per_s\":$per_s,\"stored_scans\":$scans,\"stored_scan_events\":$events,\"gateway_cpu_us_per_scan\":$(cpu_us_per_request "$c0" "$c1" "$sent"),\"loadgen\":$res}"
  stop_stack
}

# A receiver that answers 204 to every POST and writes "<webhook-id> <arrival unix ms>" per request.
webhook_receiver() {  # port-file log-file
  python3 - "$1" "$2" <<'PY' &
import http.server, socketserver, sys, time
port_file, log_file = sys.argv[1], sys.argv[2]
log = open(log_file, "a", buffering=1)
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        log.write(f"{self.headers.get('webhook-id')} {int(time.time() * 1000)}\n")
        self.send_response(204); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 1024
s = Server(("127.0.0.1", 0), Handler)
open(port_file, "w").write(str(s.server_address[1]))
s.serve_forever()
PY
  pids+=($!)
  for _ in $(seq 1 100); do [[ -s "$1" ]] && return 0; sleep 0.05; done
  echo "the webhook receiver did not start" >&2; exit 1
}

# Waits until the receiver logged `n` distinct events (60 s at most).
wait_deliveries() {  # log-file n
  for _ in $(seq 1 1200); do
    (( $(cut -d' ' -f1 "$1" | sort -u | wc -l) >= $2 )) && return 0; sleep 0.05
  done
  echo "only $(cut -d' ' -f1 "$1" | sort -u | wc -l) of $2 webhook events arrived" >&2; exit 1
}

bench_webhooks() {
  local poll="${WEBHOOK_POLL_MS:-250}" burst="${BURST:-2000}" rate="${WEBHOOK_RATE:-100}" duration="${WEBHOOK_DURATION:-10}"
  GW_EXTRA_YAML="webhooks: {allow_private_targets: true, poll_ms: $poll, concurrency_per_endpoint: 4}" STORE=sqlite start_stack 2
  webhook_receiver "$work/hook.port" "$work/hook.log"
  hook_url="http://127.0.0.1:$(cat "$work/hook.port")/hook"
  curl -sf "$gw_url/v1/webhooks" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"url\": \"$hook_url\", \"events\": [\"shipment.created\"]}" > /dev/null
  printf '%s' "$shipment_json" > "$work/shipment.json"
  steady=$(build/tools/bench/loadgen --label webhook_steady --url "$gw_url/v1/shipments" --method POST \
    --body-file "$work/shipment.json" --header "Content-Type: application/json" --header "Authorization: Bearer $key" \
    --header "Idempotency-Key: hook-{{n}}" --rate "$rate" --duration "$duration")
  require_all "$steady" 201 "purchases at $rate/s"
  wait_deliveries "$work/hook.log" $((rate * duration))
  cp "$work/hook.log" "$work/hook.steady"
  burst_res=$(build/tools/bench/loadgen --label webhook_burst --url "$gw_url/v1/shipments" --method POST \
    --body-file "$work/shipment.json" --header "Content-Type: application/json" --header "Authorization: Bearer $key" \
    --header "Idempotency-Key: burst-{{n}}" --at-once "$burst" --timeout-s 120)
  require_all "$burst_res" 201 "$burst purchases at once"
  wait_deliveries "$work/hook.log" $((rate * duration + burst))
  figures=$(python3 - "$work/gw.db" "$work/hook.steady" "$work/hook.log" <<'PY'
import json, sqlite3, sys
db, steady_log, all_log = sys.argv[1:]
created = dict(sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("SELECT id, created_ms FROM webhook_events"))
def first_arrivals(path):
    out = {}
    for line in open(path):
        evt, ms = line.split()
        out.setdefault(evt, int(ms))
    return out
steady, every = first_arrivals(steady_log), first_arrivals(all_log)
def pct(v, q):
    v = sorted(v); return v[min(len(v) - 1, int(q * len(v)))]
delays = [steady[e] - created[e] for e in steady]
burst = {e: every[e] for e in every if e not in steady}
span_ms = max(burst.values()) - min(created[e] for e in burst)
duplicates = sum(1 for _ in open(all_log)) - len(every)
print(json.dumps({"steady_events": len(delays), "delay_ms": {"p50": pct(delays, .5), "p99": pct(delays, .99), "max": max(delays)},
                  "burst_events": len(burst), "burst_span_ms": span_ms,
                  "burst_events_per_s": round(len(burst) * 1000 / span_ms, 1), "duplicates": duplicates}))
PY
)
  record "{\"bench\":\"webhooks\",\"store\":\"sqlite\",\"rate\":$rate,\"duration_s\":$duration,\"burst\":$burst,\"poll_ms\":$poll,\"concurrency_per_endpoint\":4,\"result\":$figures}"
  stop_stack
}

case "$what" in
  pushes) bench_pushes ;;
  polls) bench_polls ;;
  fsync) bench_fsync ;;
  read) bench_read ;;
  purchase) bench_purchase ;;
  scale) bench_scale ;;
  scale2) bench_scale2 ;;
  stores) for STORE in sqlite postgresql; do export STORE; bench_read; bench_purchase; done ;;
  json) bench_json ;;
  webhooks) bench_webhooks ;;
  dropoffs) bench_dropoffs ;;
  all) bench_read; bench_fsync; bench_purchase; bench_scale ;;
  *) echo "usage: $0 read|purchase|scale|scale2|stores|polls|pushes|fsync|json|webhooks|dropoffs|all" >&2; exit 2 ;;
esac
echo "results appended to $out"
