#!/usr/bin/env bash
# Starts the real cloud for the portal's browser tests: a fresh SQLite file with the demo data,
# emails as .eml files in $GATEHOUSE_E2E_DIR/mail (the tests read the Review links there), and
# the stand-in access-control systems, where they listen in $GATEHOUSE_E2E_DIR/standins.json.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gatehouse/target}"
cloud="$target/debug/gatehouse-cloud"
standins="$target/debug/access-standins"
[ -x "$cloud" ] && [ -x "$standins" ] || {
  echo "build the cloud and the stand-ins first: cargo build -p gatehouse-cloud -p gatehouse-testsupport --bin access-standins" >&2
  exit 1
}
dir="$GATEHOUSE_E2E_DIR"
rm -rf "$dir" && mkdir -p "$dir"
export DATABASE_URL="sqlite:$dir/cloud.db" RUST_LOG=warn
"$cloud" demo --data ../assets/demo/demo.json --public-url "http://127.0.0.1:$GATEHOUSE_E2E_PORT"
"$standins" > "$dir/standins.json" &
pids=$!
"$cloud" serve --bind "127.0.0.1:$GATEHOUSE_E2E_PORT" --ui-dir dist --mail-dir "$dir/mail" &
pids="$pids $!"
trap 'kill $pids 2>/dev/null' EXIT INT TERM
wait -n
