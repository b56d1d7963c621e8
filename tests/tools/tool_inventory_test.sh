#!/usr/bin/env bash
# Every external program the tests, tools/test.sh or tools/run.sh call is listed in
# tools/check-tools.sh, and every package that list names is installed by tools/install-deps.sh.
# (A fresh machine once failed the suite because a program was installed by hand.)
set -euo pipefail
root="${1:?repository root}"
cd "$root"
fail=0
mapfile -t rows < <(tools/check-tools.sh --list)
declare -A listed=()
for row in "${rows[@]}"; do
  read -r program package _ <<<"$row"
  listed[$program]=1
  if ! grep -Eq "(^|[[:space:](])$package([[:space:])]|$)" tools/install-deps.sh; then
    echo "tools/check-tools.sh names package '$package' (for $program) but tools/install-deps.sh does not install it"
    fail=1
  fi
done
# Programs a test might call; any of them seen outside comments and #include lines must be listed.
candidates=(zbarimg dmtxread pdftoppm pdftotext pdfinfo pdfimages python3 openssl curl sqlite3
            nginx wrk faketime chromium chromedriver initdb pg_ctl psql convert tshark jq xmllint
            gs qpdf hyperfine valgrind)
for program in "${candidates[@]}"; do
  [[ -n "${listed[$program]:-}" ]] && continue
  # As a command: after a start, blank, quote, "(", ";" or "|", and before a blank, quote or end.
  hits=$(grep -rEn "(^|[[:space:]\"'(;|])$program([[:space:]\"']|$)" tests tools/test.sh tools/run.sh tools/pg-cluster.sh tools/lb-config.sh \
           --include='*.cpp' --include='*.hpp' --include='*.sh' --include='*.py' 2>/dev/null |
         grep -Ev '^[^:]+:[0-9]+:[[:space:]]*(#|//)' | grep -v '#include' |
         grep -v '^tests/tools/tool_inventory_test.sh' || true)
  if [[ -n "$hits" ]]; then
    echo "the tests call '$program', which tools/check-tools.sh does not list (so no fresh machine installs it):"
    echo "$hits" | head -3
    fail=1
  fi
done
if ((fail == 0)); then echo "1 passed, 0 failed"; fi
exit $fail
