#!/usr/bin/env bash
# Formats every C++ source of the repository with the repository's .clang-format, using
# clang-format 14 (Debian 12's; other versions format some constructs differently).
#   tools/format.sh            rewrite the files in place
#   tools/format.sh --check    change nothing; list the files that differ and fail if any does
# tools/test.sh runs the check first, so an unformatted change fails CI in seconds. Templates
# configured by CMake (*.cpp.in, with @PLACEHOLDERS@) are not C++ yet and are left alone.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
fmt="$(command -v clang-format-14 || true)"
[[ -n "$fmt" ]] || { echo "MISSING TOOL: clang-format-14 (package clang-format-14)" >&2; exit 1; }
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' | grep -v '^tests/fuzz/corpus/')
if [[ "${1:-}" == "--check" ]]; then
  bad=()
  for f in "${files[@]}"; do
    if ! "$fmt" --style=file "$f" | cmp -s - "$f"; then bad+=("$f"); fi
  done
  if ((${#bad[@]})); then
    echo "NOT FORMATTED (${#bad[@]} files; run tools/format.sh):" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files formatted as .clang-format says"
else
  for f in "${files[@]}"; do
    "$fmt" --style=file "$f" > "$f.fmt.tmp"
    # Only files that change are replaced: an untouched file keeps its time, so nothing rebuilds.
    if cmp -s "$f.fmt.tmp" "$f"; then rm -f "$f.fmt.tmp"; else mv "$f.fmt.tmp" "$f"; fi
  done
  echo "format: ${#files[@]} files"
fi
