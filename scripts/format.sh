#!/usr/bin/env bash
# Lays out every C++ source of the project with clang-format 14 and the repository's
# .clang-format. `scripts/format.sh --check` changes nothing and fails, listing the files,
# when any file is not laid out that way (CI runs it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

format=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$format" ]; then
  echo "format.sh: clang-format 14 not found (scripts/install-deps.sh installs it)" >&2
  exit 1
fi

mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
if [ "${1:-}" = "--check" ]; then
  unformatted=()
  for file in "${files[@]}"; do
    if ! "$format" --dry-run -Werror "$file" >/dev/null 2>&1; then unformatted+=("$file"); fi
  done
  if [ ${#unformatted[@]} -ne 0 ]; then
    echo "format.sh: not laid out by .clang-format (run scripts/format.sh): ${unformatted[*]}" >&2
    exit 1
  fi
  echo "format.sh: ${#files[@]} files laid out by .clang-format"
else
  "$format" -i "${files[@]}"
fi
