#!/usr/bin/env bash
# Runs every check and test: formatting, lints, the UI's type check, lint and unit tests, Rust
# unit and integration tests (SQLite and PostgreSQL), the kiosk end to end under WebDriver, the
# cloud's OpenAPI document against the running cloud (Schemathesis), and the portal in Chromium.
#   GATEHOUSE_TEST_DATABASE_URL  PostgreSQL for tests (default postgres://postgres@127.0.0.1:5432/postgres)
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

setup
export GATEHOUSE_TEST_DATABASE_URL="${GATEHOUSE_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

ensure_postgres() {
  pg_isready -q -d "$GATEHOUSE_TEST_DATABASE_URL" && return
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    say "Starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 50); do pg_isready -q -d "$GATEHOUSE_TEST_DATABASE_URL" && return; sleep 0.2; done
  fi
  if [ "${CI:-}" = true ]; then
    die "PostgreSQL at $GATEHOUSE_TEST_DATABASE_URL is not reachable (required under CI=true)"
  fi
  say "PostgreSQL is not reachable: database tests run on SQLite only"
}

cd "$ROOT"
say "Checking formatting"
cargo fmt --all --check

say "Checking the UI (svelte-check, eslint, vitest)"
(cd ui && npm run --silent check && npm run --silent lint && npm run --silent test)
build_ui

say "Linting Rust (clippy)"
cargo clippy --quiet --workspace --all-targets -- -D warnings

say "Building the binaries the end-to-end tests start"
cargo build --quiet -p gatehouse-cloud -p gatehouse-kiosk-app
cargo build --quiet -p gatehouse-testsupport --bin access-standins

say "Checking that the portal's API types match the cloud's OpenAPI document"
"$CARGO_TARGET_DIR/debug/gatehouse-cloud" openapi > "$CARGO_TARGET_DIR/openapi.json"
(cd ui && npm run --silent api-types -- "$CARGO_TARGET_DIR/openapi.json" >/dev/null)
git diff --exit-code -- ui/src/portal/api-types.ts \
  || die "ui/src/portal/api-types.ts is out of date: commit the regenerated file"

ensure_postgres
say "Running the Rust tests"
cargo test --workspace

bash "$ROOT/scripts/api-conformance.sh"

say "Running the portal in Chromium (Playwright)"
(cd ui && npm run --silent e2e)
