#!/usr/bin/env bash
# Tariff comparison benchmark: `parcelctl tariffs compare` over 1,000,000 generated shipments
# and 10 contracts (the 4 of config/tariffs plus 6 variants with other discounts), measured with
# /usr/bin/time -v; then the fast-path micro-benchmark (quote_bench).
#   tools/bench/tariffs.sh [BUILD_DIR]      (default build-bench-tariffs, configured Release)
# Environment: ROWS (1000000), SEED (42), FORMAT (json), TARGET (mondialrelay-2026),
# REPORT (a path to keep the report at; by default it is deleted with the temp folder).
# Targets: wall <= 5 s and peak RSS <= 200 MB for the comparison; >= 1,000,000 parcel-quotes/s
# per core for the fast path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
build="${1:-build-bench-tariffs}"
ROWS="${ROWS:-1000000}"; SEED="${SEED:-42}"; FORMAT="${FORMAT:-json}"; TARGET="${TARGET:-mondialrelay-2026}"

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j1 --target parcelctl quote_bench >/dev/null

work="$(mktemp -d /tmp/pgtariffs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/tariffs"
cp config/tariffs/*.yaml "$work/tariffs/"

# Six variants: same zones and bands, other ids and discounts.
variant() {  # source-file new-id old-discount-line new-discount-line
  sed -e "s/^contract: [a-z0-9.-]*/contract: $2/" -e "s/$3/$4/" "config/tariffs/$1" >"$work/tariffs/$2.yaml"
}
variant colissimo-2026.yaml colissimo-2026-v15 "{name: negotiated, percent: 12}" "{name: negotiated, percent: 15}"
variant colissimo-2026-h2.yaml colissimo-2026-h2-v9 "{name: negotiated, percent: 12}" "{name: negotiated, percent: 9}"
variant mondialrelay-2026.yaml mondialrelay-2026-v8 "{name: negotiated, percent: 5}" "{name: negotiated, percent: 8}"
variant mondialrelay-2026.yaml mondialrelay-2026-v2 "{name: negotiated, percent: 5}" "{name: negotiated, percent: 2}"
variant dhl-parcel-2026.yaml dhl-parcel-2026-v25 "{name: negotiated, percent: 18}" "{name: negotiated, percent: 25}"
variant dhl-parcel-2026.yaml dhl-parcel-2026-v10 "{name: negotiated, percent: 18}" "{name: negotiated, percent: 10}"
"$build/tools/parcelctl/parcelctl" tariffs check "$work/tariffs"

# Deterministic shipments (a 64-bit LCG, so the file is the same on every machine).
python3 - "$ROWS" "$SEED" >"$work/shipments.csv" <<'PY'
import sys
rows, seed = int(sys.argv[1]), int(sys.argv[2])
state = seed
def rnd(n):
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    return (state >> 33) % n
def pick(weighted):
    r = rnd(sum(w for _, w in weighted))
    for v, w in weighted:
        if r < w: return v
        r -= w
FR = ["75", "69", "13", "33", "31", "59", "67", "44", "35", "06", "34", "38", "76", "92", "93", "94"]
EU = [("BE", "1000"), ("DE", "10115"), ("NL", "1011"), ("LU", "1111"), ("ES", "28001"), ("IT", "00118"),
      ("AT", "1010"), ("PT", "1100"), ("PL", "00-001"), ("IE", "D01"), ("DK", "1050"), ("CH", "8001")]
weights = [((50, 250), 18), ((250, 500), 17), ((500, 1000), 20), ((1000, 2000), 17), ((2000, 5000), 15),
           ((5000, 10000), 7), ((10000, 20000), 4), ((20000, 30000), 1.5), ((30000, 40000), 0.5)]
weights = [(v, int(w * 10)) for v, w in weights]
services = [("home", 50), ("pickup_point", 32), ("home_signature", 8), ("express", 8), ("locker", 2)]
billed_by = ["colissimo-2026", "mondialrelay-2026", "dhl-parcel-2026"]
out = sys.stdout
out.write("date,direction,from_country,from_postal_code,to_country,to_postal_code,weight_g,"
          "length_mm,width_mm,height_mm,service,carrier,contract,billed_amount,currency\n")
for i in range(rows):
    kind = pick([("fr", 70), ("corse", 5), ("om", 2), ("eu", 23)])
    if kind == "fr": country, postal = "FR", FR[rnd(len(FR))] + "%03d" % rnd(1000)
    elif kind == "corse": country, postal = "FR", "20%03d" % rnd(300)
    elif kind == "om": country, postal = "FR", "97%d%02d" % (1 + rnd(4), rnd(100))
    else: country, postal = EU[rnd(len(EU))]
    lo, hi = pick(weights)
    w = lo + 1 + rnd(hi - lo)
    l, wd, h = 100 + rnd(600), 80 + rnd(400), 20 + rnd(300)
    month, dayn = 1 + rnd(12), 1 + rnd(28)
    ret = rnd(100) < 8
    frm, to = ("FR", "75011"), (country, postal)
    if ret: frm, to = to, frm
    contract = carrier = billed = currency = ""
    if rnd(100) < 10:
        contract = billed_by[rnd(3)]
        carrier = contract.split("-")[0].replace("parcel", "")
        billed = "%d.%02d" % (4 + rnd(30), rnd(100))
        currency = "EUR"
    out.write("2026-%02d-%02d,%s,%s,%s,%s,%s,%d,%d,%d,%d,%s,%s,%s,%s,%s\n" % (
        month, dayn, "return" if ret else "outbound", frm[0], frm[1], to[0], to[1], w, l, wd, h,
        pick(services), carrier, contract, billed, currency))
PY
size=$(stat -c %s "$work/shipments.csv")
echo "shipments: $ROWS rows, $((size / 1048576)) MB; contracts: $(ls "$work/tariffs" | wc -l); target: $TARGET"

/usr/bin/time -v "$build/tools/parcelctl/parcelctl" tariffs compare --tariffs "$work/tariffs" \
  --shipments "$work/shipments.csv" --format "$FORMAT" --output "$work/report.$FORMAT" \
  --target "$TARGET" --share 30 2>"$work/time.txt"
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
[ -n "${REPORT:-}" ] && cp "$work/report.$FORMAT" "$REPORT"
echo "compare: wall $wall, peak RSS $((rss / 1024)) MB (targets: <= 5 s, <= 200 MB)"
"$build/tools/bench/quote_bench" "$work/tariffs"
