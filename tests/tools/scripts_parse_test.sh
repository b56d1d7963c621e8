#!/usr/bin/env bash
# Every shell script of the repository parses (bash -n): a script broken by an edit fails here,
# not on the first machine that runs it.
set -uo pipefail
root="${1:?usage: scripts_parse_test.sh REPO_ROOT}"
failed=0
checked=0
while IFS= read -r -d '' script; do
  checked=$((checked + 1))
  if ! out="$(bash -n "$script" 2>&1)"; then
    echo "does not parse: ${script#"$root"/}"
    echo "$out"
    failed=1
  fi
done < <(find "$root/tools" "$root/certs" "$root/tests" "$root/.ci" -name '*.sh' -print0 2>/dev/null;
         [[ -f "$root/.ci/run" ]] && printf '%s\0' "$root/.ci/run")
if ((checked < 10)); then
  echo "only $checked scripts found under $root: wrong root?"
  exit 1
fi
echo "$checked scripts parse"
exit "$failed"
