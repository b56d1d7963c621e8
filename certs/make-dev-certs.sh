#!/usr/bin/env bash
# Creates a development CA and a localhost server certificate signed by it, under certs/dev/.
# Private keys are generated locally and never committed (certs/dev/ is git-ignored).
#   certs/make-dev-certs.sh [--force]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/dev"
if [[ -f "$out/server.crt" && -f "$out/server.key" && -f "$out/ca.crt" && "${1:-}" != "--force" ]]; then
  # Keep existing certificates unless they expire within a week.
  if openssl x509 -checkend 604800 -noout -in "$out/server.crt" >/dev/null 2>&1; then
    exit 0
  fi
fi
command -v openssl >/dev/null || { echo "openssl is required" >&2; exit 1; }
mkdir -p "$out"
chmod 700 "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Development CA (EC P-256), valid 2 years.
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$out/ca.key" -out "$out/ca.crt" -days 730 -sha256 \
  -subj "/O=parcelgate development/CN=parcelgate dev CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# Server certificate for localhost and the loopback addresses, valid 365 days.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$out/server.key" -out "$tmp/server.csr" -subj "/O=parcelgate development/CN=localhost" 2>/dev/null
cat > "$tmp/server.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
EXT
openssl x509 -req -in "$tmp/server.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
  -out "$out/server.crt" -days 365 -sha256 -extfile "$tmp/server.ext" 2>/dev/null
chmod 600 "$out"/*.key
echo "dev certificates written to $out (trust $out/ca.crt)"
