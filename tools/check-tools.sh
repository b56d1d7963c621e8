#!/usr/bin/env bash
# Checks that every external program the test suite (or, with --run, tools/run.sh) calls is
# installed, and names the Debian package for each one that is not. tools/test.sh runs it right
# after tools/install-deps.sh, so a missing install step fails the suite at its start, in one
# line, instead of as scattered test failures.
#   tools/check-tools.sh [--run | --run-postgresql | --bench]
# The table below is the single list of such programs; tests/tools/tool_inventory_test.sh checks that
# every package named here is installed by tools/install-deps.sh and that the tests call no
# listed-elsewhere program missing from it.
set -euo pipefail

# program          Debian package        needed by
suite_tools=(
  "zbarimg         zbar-tools            label tests decode Code 128"
  "dmtxread        dmtx-utils            label tests decode DataMatrix"
  "pdftoppm        poppler-utils         label tests rasterize PDF labels"
  "pdftotext       poppler-utils         label tests read PDF label text"
  "pdfinfo         poppler-utils         label tests read PDF page sizes"
  "openssl         openssl               dev certificates"
  "curl            curl                  tools/run.sh readiness and examples"
  "python3         python3               OpenAPI contract validation"
  "faketime        faketime              tests at a chosen wall-clock time (libfaketime)"
  "clang-format-14 clang-format-14       formatting check (tools/format.sh --check)"
  "pg_config       libpq-dev             PostgreSQL tests find the server binaries"
  "initdb          postgresql            PostgreSQL tests create a throwaway cluster"
  "pg_ctl          postgresql            PostgreSQL tests start, restart and stop it"
  "psql            postgresql-client-15  PostgreSQL tests run SQL as the superuser"
  "nginx           nginx-light           load-balancer tests and PARCELGATE_STORE=postgresql tools/run.sh"
  "chromium        chromium              public tracking page in a headless browser (track_page_browser_test)"
)
bench_tools=(
  "wrk             wrk                   read-path benchmark"
  "python3         python3               benchmark arithmetic"
)

list=("${suite_tools[@]}")
case "${1:-}" in
  --bench) list+=("${bench_tools[@]}") ;;
  --run) list=("${suite_tools[5]}" "${suite_tools[6]}") ;;  # openssl, curl
  # and pg_config, initdb, pg_ctl, psql, nginx
  --run-postgresql) list=("${suite_tools[@]:5:2}" "${suite_tools[@]:10:5}") ;;
esac
if [[ "${1:-}" == "--list" ]]; then
  printf '%s\n' "${suite_tools[@]}" "${bench_tools[@]}"
  exit 0
fi

missing=()
for row in "${list[@]}"; do
  read -r program package _ <<<"$row"
  # PostgreSQL's server programs live in its versioned bin folder, not on PATH.
  command -v "$program" >/dev/null 2>&1 ||
    [[ -x "$(pg_config --bindir 2>/dev/null)/$program" ]] || missing+=("$program (package $package)")
done
if [[ -z "${1:-}" ]] && command -v python3 >/dev/null 2>&1 &&
   ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
  missing+=("python3 module jsonschema (package python3-jsonschema)")
fi
if ((${#missing[@]})); then
  printf 'MISSING TEST TOOLS: %s — run tools/install-deps.sh or apt-get install the packages named\n' \
    "$(IFS=', '; echo "${missing[*]}")" >&2
  exit 1
fi
