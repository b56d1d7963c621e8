#!/usr/bin/env bash
# Builds parcelgate (Release), makes dev certificates, starts the carrier simulators and the
# gateway on its embedded SQLite store, creates a demo merchant key and prints how to call it.
# Stop with Ctrl-C (both processes stop).
#   PARCELGATE_LISTEN=127.0.0.1:8443 SIM_LISTEN=127.0.0.1:9443 tools/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools/install-deps.sh
tools/check-tools.sh --run
certs/make-dev-certs.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARCELGATE_TESTS=OFF >/dev/null
cmake --build build -j "${PARCELGATE_JOBS:-2}" --target parcelgate carrier-sim parcelctl

sim_listen="${SIM_LISTEN:-127.0.0.1:9443}"
export PARCELGATE_LISTEN="${PARCELGATE_LISTEN:-127.0.0.1:8443}"
export COLISSIMO_URL="${COLISSIMO_URL:-https://$sim_listen/colissimo}"
export MR_URL="${MR_URL:-https://$sim_listen/mondialrelay}"
mkdir -p var
build/gateway/parcelgate --check-config --config config/parcelgate.yaml

build/tools/carrier-sim/carrier-sim --listen "$sim_listen" > var/carrier-sim.log 2>&1 &
sim_pid=$!
build/gateway/parcelgate --config config/parcelgate.yaml > var/parcelgate.log 2>&1 &
gw_pid=$!
trap 'kill $gw_pid $sim_pid 2>/dev/null; wait $gw_pid $sim_pid 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 100); do
  curl -sf --cacert certs/dev/ca.crt "https://$PARCELGATE_LISTEN/readyz" >/dev/null 2>&1 && break
  kill -0 $gw_pid 2>/dev/null || { echo "parcelgate failed to start:"; cat var/parcelgate.log; exit 1; }
  sleep 0.1
done

key="$(build/tools/parcelctl/parcelctl --config config/parcelgate.yaml keys create --tenant demo --role merchant --name demo 2>/dev/null)"
cat <<MSG

parcelgate is running at https://$PARCELGATE_LISTEN (logs: var/parcelgate.log)
carrier simulators at https://$sim_listen (logs: var/carrier-sim.log, sales: GET /_sim/stats)
demo merchant key (shown once): $key

Buy a Colissimo home label:

curl --cacert certs/dev/ca.crt https://$PARCELGATE_LISTEN/v1/shipments \\
  -H "Authorization: Bearer $key" \\
  -H "Idempotency-Key: \$(cat /proc/sys/kernel/random/uuid)" \\
  -H "Content-Type: application/json" \\
  -d '{"reference": "order-1042", "carrier": "colissimo", "service": "home",
       "from": {"name": "Acme Returns", "line1": "10 rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR"},
       "to": {"name": "Marie Curie", "line1": "31 cours Andre Philip", "city": "Villeurbanne", "postal_code": "69100",
              "country": "FR", "phone": "+33611223344", "email": "marie@example.test"},
       "parcels": [{"weight_g": 1200}], "label": {"format": "pdf", "size": "a6"}}'

Then: GET /v1/shipments, GET /v1/shipments/<id>/label -o label.pdf, POST /v1/shipments/<id>/cancel.
Press Ctrl-C to stop.
MSG
wait $gw_pid
