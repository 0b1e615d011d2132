#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build, test and document ticketflow that are
# not installed yet. Runs `apt-get update` once and only when something is missing; uses
# sudo only when not running as root. Safe to run repeatedly and non-interactively.
set -euo pipefail

# The one list of packages. A component that needs another package adds it here.
PACKAGES=(
  cmake g++ make                  # toolchain
  pkg-config                      # the package.pkg-config test (ticketflow.pc)
  libboost-dev                    # Boost headers (MSM), part of the public interface
  nlohmann-json3-dev              # JSON (calendar files, store encoding)
  catch2                          # tests
  libsqlite3-dev sqlite3          # sqlite component
  libpq-dev                       # postgres component (libpq)
  postgresql-15                   # the throwaway server the postgres tests run against
  libbenchmark-dev                # benchmarks
  libcli11-dev                    # example command-line tools
  doxygen                         # API documentation (the docs.build test)
  tzdata                          # time zones for business calendars
  clang libfuzzer-14-dev          # the loader fuzzers (scripts/fuzz.sh)
  clang-format-14                 # the layout check (scripts/format.sh --check)
  chromium fonts-wqy-microhei     # the browser test of the HTML report, with a Chinese font
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: not a Debian system; make sure these are installed: ${PACKAGES[*]}" >&2
  exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: missing packages (${missing[*]}) and not root, and sudo is not available" >&2
    exit 1
  fi
  sudo=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}"
