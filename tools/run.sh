#!/usr/bin/env bash
# Builds parcelgate (Release), makes dev certificates, starts the carrier simulators and the
# gateway on its embedded SQLite store, creates a demo merchant key and prints how to call it.
# Stop with Ctrl-C (every process it started stops).
#   PARCELGATE_LISTEN=127.0.0.1:8443 SIM_LISTEN=127.0.0.1:9443 tools/run.sh
#
# PARCELGATE_STORE=postgresql tools/run.sh runs the scale-out shape instead: a throwaway
# PostgreSQL cluster in var/postgresql (owned by an unprivileged user, listening only on a unix
# socket there), two gateways on it (GATEWAY_LISTENS, default 127.0.0.1:8444 127.0.0.1:8445) and
# nginx in front of them as a round-robin load balancer on PARCELGATE_LISTEN
# (config/nginx/parcelgate-lb.conf.in), so the printed key and curl are the same as with SQLite.
# The cluster's data is kept between runs; delete var/postgresql to start afresh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
store="${PARCELGATE_STORE:-sqlite}"
case "$store" in
  sqlite | postgresql) ;;
  *) echo "PARCELGATE_STORE must be sqlite or postgresql, not '$store'" >&2; exit 2 ;;
esac
tools/install-deps.sh
tools/check-tools.sh "$([[ $store == postgresql ]] && echo --run-postgresql || echo --run)"
certs/make-dev-certs.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARCELGATE_TESTS=OFF >/dev/null
cmake --build build -j "${PARCELGATE_JOBS:-2}" --target parcelgate carrier-sim parcelctl

sim_listen="${SIM_LISTEN:-127.0.0.1:9443}"
listen="${PARCELGATE_LISTEN:-127.0.0.1:8443}"
export COLISSIMO_URL="${COLISSIMO_URL:-https://$sim_listen/colissimo}"
export MR_URL="${MR_URL:-https://$sim_listen/mondialrelay}"
export LAPOSTE_SUIVI_URL="${LAPOSTE_SUIVI_URL:-https://$sim_listen/laposte/suivi/v2}"
# The demo polls bought parcels within seconds (the shipped defaults are 10 and 30 minutes).
export TRACKING_FIRST_POLL_S="${TRACKING_FIRST_POLL_S:-5}"
export TRACKING_POLL_INTERVAL_S="${TRACKING_POLL_INTERVAL_S:-10}"
# ...and the simulators scan each parcel every 20 s (tools/carrier-sim/README.md).
export CARRIER_SIM_STEP_SECONDS="${CARRIER_SIM_STEP_SECONDS:-20}"
export INPOST_URL="${INPOST_URL:-https://$sim_listen/inpost}"
# InPost pushes its scans to the gateway (its webhook), authenticated by the push token.
export INPOST_PUSH_TOKEN="${INPOST_PUSH_TOKEN:-demo-push-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}"
export CARRIER_SIM_INPOST_STAGE_SECONDS="${CARRIER_SIM_INPOST_STAGE_SECONDS:-20}"
export CARRIER_SIM_PUSH_URL="${CARRIER_SIM_PUSH_URL:-https://$listen/v1/carriers/inpost/events?token=$INPOST_PUSH_TOKEN}"
export CARRIER_SIM_PUSH_CA_FILE="${CARRIER_SIM_PUSH_CA_FILE:-certs/dev/ca.crt}"
mkdir -p var

pids=()         # started in the background, stopped in reverse order
pg_dir=""       # set once the cluster is started
stopped=0
stop_all() {
  ((stopped)) && return 0
  stopped=1
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do wait "${pids[i]}" 2>/dev/null || true; done
  if [[ -n "$pg_dir" ]]; then tools/pg-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# Waits until https://$1/readyz answers 200; $2 is the pid to watch, $3 its log.
wait_ready() {
  for _ in $(seq 1 150); do
    curl -sf --cacert certs/dev/ca.crt "https://$1/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "$3 shows why it stopped:"; tail -20 "$3"; exit 1; }
    sleep 0.1
  done
  echo "https://$1/readyz did not answer 200 within 15 s; see $3"
  exit 1
}

if [[ "$store" == postgresql ]]; then
  pg_dir="$root/var/postgresql"  # the socket lives here too
  url="$(tools/pg-cluster.sh start "$pg_dir")"
  export PARCELGATE_STORE=postgresql
  export PARCELGATE_DB_URL="$url"
fi

build/gateway/parcelgate --check-config --config config/parcelgate.yaml
build/tools/carrier-sim/carrier-sim --listen "$sim_listen" >var/carrier-sim.log 2>&1 &
pids+=($!)

if [[ "$store" == postgresql ]]; then
  read -r -a gateways <<<"${GATEWAY_LISTENS:-127.0.0.1:8444 127.0.0.1:8445}"
  logs=()
  for i in "${!gateways[@]}"; do
    log="var/parcelgate-$((i + 1)).log"
    PARCELGATE_LISTEN="${gateways[i]}" build/gateway/parcelgate --config config/parcelgate.yaml \
      >"$log" 2>&1 &
    pids+=($!)
    logs+=("$log")
    # One after the other: the first one migrates the database.
    wait_ready "${gateways[i]}" "$!" "$log"
  done
  tools/lb-config.sh var/nginx/nginx.conf "$listen" certs/dev/server.crt certs/dev/server.key \
    certs/dev/ca.crt localhost "${gateways[@]}"
  nginx -p "$root/var/nginx" -c "$root/var/nginx/nginx.conf" -g 'daemon off;' \
    >var/nginx/nginx.out 2>&1 &
  pids+=($!)
  wait_ready "$listen" "$!" var/nginx/nginx-error.log
  where="nginx at https://$listen, round robin over gateways at ${gateways[*]}
(logs: ${logs[*]}, var/nginx/nginx-error.log; PostgreSQL: var/postgresql, socket and server.log there)"
else
  PARCELGATE_LISTEN="$listen" build/gateway/parcelgate --config config/parcelgate.yaml \
    >var/parcelgate.log 2>&1 &
  pids+=($!)
  wait_ready "$listen" "$!" var/parcelgate.log
  where="parcelgate is running at https://$listen (logs: var/parcelgate.log)"
fi

key="$(build/tools/parcelctl/parcelctl --config config/parcelgate.yaml keys create --tenant demo --role merchant --name demo 2>/dev/null)"
point_key="$(build/tools/parcelctl/parcelctl --config config/parcelgate.yaml keys create --tenant relais --role point \
  --points mondialrelay:FR:020230 --name "demo relay" 2>/dev/null)"
shipment='{"reference": "order-1042", "carrier": "colissimo", "service": "home",
       "from": {"name": "Acme Returns", "line1": "10 rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR"},
       "to": {"name": "Marie Curie", "line1": "31 cours Andre Philip", "city": "Villeurbanne", "postal_code": "69100",
              "country": "FR", "phone": "+33611223344", "email": "marie@example.test"},
       "parcels": [{"weight_g": 1200}], "label": {"format": "pdf", "size": "a6"}}'
# A demo parcel, so that its scans show up while you read this.
demo="$(curl -s --cacert certs/dev/ca.crt "https://$listen/v1/shipments" -H "Authorization: Bearer $key" \
          -H "Idempotency-Key: demo-$(date +%s%N)" -H "Content-Type: application/json" -d "$shipment")"
demo_id="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$demo" 2>/dev/null || true)"
demo_number="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["tracking_number"])' <<<"$demo" 2>/dev/null || true)"
if [[ -z "$demo_id" ]]; then
  echo "the demo purchase failed: $demo"
  exit 1
fi
cat <<MSG

$where
carrier simulators at https://$sim_listen (logs: var/carrier-sim.log, sales: GET /_sim/stats)
demo merchant key (shown once): $key

Buy a Colissimo home label:

curl --cacert certs/dev/ca.crt https://$listen/v1/shipments \\
  -H "Authorization: Bearer $key" \\
  -H "Idempotency-Key: \$(cat /proc/sys/kernel/random/uuid)" \\
  -H "Content-Type: application/json" \\
  -d '$shipment'

Then: GET /v1/shipments, GET /v1/shipments/<id>/label -o label.pdf, POST /v1/shipments/<id>/cancel.

A demo parcel was bought: $demo_id, tracking number $demo_number. The simulator scans it every
20 s and the gateway polls it every 10 s. Follow it:

curl --cacert certs/dev/ca.crt https://$listen/v1/tracking/$demo_number -H "Authorization: Bearer $key"
curl --cacert certs/dev/ca.crt https://$listen/v1/shipments/$demo_id/events -H "Authorization: Bearer $key"
the public tracking page: https://$listen/track/$demo_number  (the dev CA: certs/dev/ca.crt)
move it on at once: curl --cacert certs/dev/ca.crt https://$sim_listen/_sim/advance -d '{"tracking_number": "$demo_number"}'

Collection points of every network near a customer, nearest first (docs/points.md):

curl --cacert certs/dev/ca.crt "https://$listen/v1/points?country=FR&postal_code=69100&city=Villeurbanne" -H "Authorization: Bearer $key"
curl --cacert certs/dev/ca.crt "https://$listen/v1/points?country=FR&lat=48.859&lon=2.38&radius_km=2&type=locker" -H "Authorization: Bearer $key"

Book the postman to take a parcel from a mailbox on the first date Colissimo offers
(docs/pickups.md): buy a label as above, then, before its first scan (the simulator moves parcels
on every 20 s), name it in shipment_ids:

curl --cacert certs/dev/ca.crt https://$listen/v1/pickups \\
  -H "Authorization: Bearer $key" \\
  -H "Idempotency-Key: \$(cat /proc/sys/kernel/random/uuid)" \\
  -H "Content-Type: application/json" \\
  -d '{"carrier": "colissimo", "shipment_ids": ["<the id of the label you bought>"],
       "address": {"name": "Claire Martin", "line1": "10 rue de Rivoli", "city": "Paris",
                   "postal_code": "75001", "country": "FR", "email": "ops@acme.test"}}'

A label-less return (docs/labelless-returns.md): a code and a QR code for the customer, no label
yet; the relay shop's key (shown once: $point_key) scans the code and gets the label bought then:

curl --cacert certs/dev/ca.crt https://$listen/v1/shipments \\
  -H "Authorization: Bearer $key" \\
  -H "Idempotency-Key: \$(cat /proc/sys/kernel/random/uuid)" \\
  -H "Content-Type: application/json" \\
  -d '{"reference": "rma-1042", "direction": "return", "carrier": "mondialrelay", "service": "home",
       "from": {"name": "Marie Curie", "line1": "31 cours Andre Philip", "city": "Villeurbanne",
                "postal_code": "69100", "country": "FR", "phone": "+33611223344"},
       "to": {"name": "Acme Returns", "line1": "10 rue de Rivoli", "city": "Paris",
              "postal_code": "75001", "country": "FR", "phone": "+33140000000"},
       "parcels": [{"weight_g": 900}], "label": {"mode": "labelless"}}'
curl --cacert certs/dev/ca.crt https://$listen/v1/shipments/<its id>/qr -o return-qr.png -H "Authorization: Bearer $key"
curl --cacert certs/dev/ca.crt https://$listen/v1/points/mondialrelay:FR:020230/dropoffs \\
  -H "Authorization: Bearer $point_key" -H "Content-Type: application/json" \\
  -d '{"return_code": "<its return_code>", "label_format": "pdf"}'

Press Ctrl-C to stop.
MSG
# Until Ctrl-C, or until any process stops on its own.
wait -n "${pids[@]}" || true
