#!/usr/bin/env bash
# Runs Gatehouse: a local cloud on an SQLite file with demo data, and the kiosk window against it.
#   GATEHOUSE_PORT  the cloud's port on 127.0.0.1 (default 8080)
#   GATEHOUSE_DATA  where the cloud's database lives (default .gatehouse/ in the repository)
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

setup
build_ui
say "Building the cloud and the kiosk"
cargo build --quiet -p gatehouse-cloud -p gatehouse-kiosk-app

PORT="${GATEHOUSE_PORT:-8080}"
DATA="${GATEHOUSE_DATA:-$ROOT/.gatehouse}"
mkdir -p "$DATA"
CLOUD="$CARGO_TARGET_DIR/debug/gatehouse-cloud"
export DATABASE_URL="sqlite:$DATA/cloud.db"
export GATEHOUSE_MAIL_DIR="$DATA/mail"
export GATEHOUSE_PUBLIC_URL="http://127.0.0.1:$PORT"
export GATEHOUSE_UI_DIR="$ROOT/ui/dist"

CODES="$DATA/invitation-codes"
CAMERA="$DATA/camera"
KIOSK_DATA="$DATA/kiosk"
say "Seeding demo data into $DATA/cloud.db (invitation QR codes in $CODES)"
rm -rf "$CODES" "$KIOSK_DATA"
"$CLOUD" demo --data "$ROOT/assets/demo/demo.json" --codes "$CODES"
# The demo facility is new each run, so the kiosk enrolls afresh with a new code.
KIOSK_CODE="$("$CLOUD" admin kiosk-code --facility "Harbour Point" --name "Lobby kiosk")"
# No camera needed: the kiosk's camera is a folder. Copy a QR code in to hold it up; take it
# out again to lower it.
mkdir -p "$CAMERA"
find "$CAMERA" -name '*.png' ! -name 'empty-lobby.png' -delete
cp "$ROOT/assets/demo/camera-empty-lobby.png" "$CAMERA/empty-lobby.png"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

say "Starting the Gatehouse cloud on http://127.0.0.1:$PORT (emails go to $GATEHOUSE_MAIL_DIR)"
say "The review portal: http://127.0.0.1:$PORT/portal — sign in as fiona.brandt@harbourpoint.example (facility manager) or any demo person, password gatehouse-demo"
"$CLOUD" serve --bind "127.0.0.1:$PORT" &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || die "the cloud did not start (is port $PORT taken? set GATEHOUSE_PORT)"
  sleep 0.1
done

if [ -z "${DISPLAY:-}" ]; then
  # No screen attached: give the kiosk a virtual one, so it still runs (and can be screenshot).
  export DISPLAY=:99
  say "No DISPLAY: starting Xvfb on $DISPLAY (screenshot: DISPLAY=:99 import -window root shot.png)"
  Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp &
  pids+=($!)
  sleep 1
fi

say "Starting the kiosk (close the window or press Ctrl+C to stop)"
say "To scan an invitation: cp $CODES/sofia-rossi.png $CAMERA/   (remove it again afterwards)"
say "Badges go to the CUPS queue in GATEHOUSE_PRINTER; without one, to reception's Lobby page in the portal"
GATEHOUSE_CLOUD_URL="http://127.0.0.1:$PORT" \
GATEHOUSE_KIOSK_DATA="$KIOSK_DATA" \
GATEHOUSE_KIOSK_CODE="$KIOSK_CODE" \
GATEHOUSE_CAMERA="file:$CAMERA" \
GATEHOUSE_PHOTO_CAMERA="${GATEHOUSE_PHOTO_CAMERA:-file:$ROOT/assets/demo/visitor-photo.jpg}" \
  "$CARGO_TARGET_DIR/debug/gatehouse-kiosk"
