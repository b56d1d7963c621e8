#!/usr/bin/env bash
# Writes an nginx configuration from config/nginx/parcelgate-lb.conf.in: one TLS address in front
# of several gateways, round robin. Used by tools/run.sh and the load-balancer tests, so both run
# the configuration README.md documents.
#   tools/lb-config.sh OUT_FILE LISTEN TLS_CERT TLS_KEY GATEWAY_CA GATEWAY_NAME GATEWAY_ADDR...
#   e.g. tools/lb-config.sh var/nginx/nginx.conf 127.0.0.1:8443 certs/dev/server.crt \
#          certs/dev/server.key certs/dev/ca.crt localhost 127.0.0.1:8444 127.0.0.1:8445
# Then: nginx -p "$(dirname OUT_FILE)" -c OUT_FILE -g 'daemon off;'
set -euo pipefail
if (($# < 7)); then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1" listen="$2" cert="$3" key="$4" ca="$5" name="$6"
shift 6
servers=""
host_port='^[][A-Za-z0-9.:-]+:[0-9]+$'
for addr in "$@"; do
  [[ "$addr" =~ $host_port ]] || { echo "not HOST:PORT: $addr" >&2; exit 2; }
  servers+="    server $addr max_fails=1 fail_timeout=2s;"$'\n'
done
abs() { [[ "$1" == /* ]] && echo "$1" || echo "$PWD/$1"; }
for f in "$cert" "$key" "$ca"; do
  [[ -r "$f" ]] || { echo "cannot read $f" >&2; exit 2; }
done
mkdir -p "$(dirname "$out")/tmp"
# awk, not sed: the values are paths (slashes) and the server list spans lines.
awk -v listen="$listen" -v cert="$(abs "$cert")" -v key="$(abs "$key")" -v ca="$(abs "$ca")" \
    -v name="$name" -v servers="${servers%$'\n'}" '
  /^[[:space:]]*#/ { print; next }
  $0 == "@UPSTREAM_SERVERS@" { print servers; next }
  { gsub("@LISTEN@", listen); gsub("@TLS_CERT@", cert); gsub("@TLS_KEY@", key);
    gsub("@GATEWAY_CA@", ca); gsub("@GATEWAY_NAME@", name); print }
' "$root/config/nginx/parcelgate-lb.conf.in" >"$out"
if grep -v '^[[:space:]]*#' "$out" | grep -q '@[A-Z_]*@'; then
  echo "unfilled placeholder in $out" >&2
  exit 1
fi
