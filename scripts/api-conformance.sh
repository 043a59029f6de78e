#!/usr/bin/env bash
# The cloud's OpenAPI document is true: Schemathesis sends what the document allows (and what it
# does not) to the real cloud with the demo data, and every answer must be one the document
# describes. Needs the debug cloud built; installs Schemathesis (PyPI) into a venv of its own.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
SCHEMATHESIS_VERSION=4.32.5

venv="${XDG_CACHE_HOME:-$HOME/.cache}/gatehouse/schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -x "$venv/bin/schemathesis" ]; then
  say "Installing Schemathesis $SCHEMATHESIS_VERSION (pip, into $venv)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

cloud="$CARGO_TARGET_DIR/debug/gatehouse-cloud"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
export DATABASE_URL="sqlite:$work/cloud.db" RUST_LOG=warn
"$cloud" demo --data "$ROOT/assets/demo/demo.json" --public-url "$base" >/dev/null
"$cloud" serve --bind "127.0.0.1:$port" --mail-dir "$work/mail" --ui-dir "$ROOT/ui/dist" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done

json() { python3 -c "import sys, json; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
GATEHOUSE_MANAGER_TOKEN="$(curl -sf "$base/api/v1/sessions" -H 'content-type: application/json' \
  -d '{"email": "fiona.brandt@harbourpoint.example", "password": "gatehouse-demo"}' | json token)"
code="$("$cloud" admin kiosk-code --facility "Harbour Point" --name "Lobby")"
GATEHOUSE_DEVICE_TOKEN="$(curl -sf "$base/api/v1/kiosks/enroll" -H 'content-type: application/json' \
  -d "{\"code\": \"$code\"}" | json token)"
export GATEHOUSE_MANAGER_TOKEN GATEHOUSE_DEVICE_TOKEN

say "Checking the OpenAPI document against the running cloud (Schemathesis, every check)"
"$venv/bin/schemathesis" --config-file "$ROOT/tests/schemathesis.toml" \
  run "$base/api/v1/openapi.json" --checks all --url "$base"
