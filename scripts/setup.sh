# Sourced by run.sh and test.sh: installs whatever is missing, idempotently, on Debian 12.
# Nothing here downloads a binary from outside the package registries (apt, npm, crates.io).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Builds share one target folder outside the clone, so a fresh clone on a warm machine is fast.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gatehouse/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

APT_PACKAGES=(
  # Building the kiosk (Tauri 2 on WebKitGTK) and its device crates.
  build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev libxdo-dev libclang-dev libv4l-dev
  # Running it without a monitor, and driving it under WebDriver.
  xvfb xauth webkit2gtk-driver
  # Looking at what it makes: screenshots, PDFs, QR codes; the UI in a real browser.
  imagemagick poppler-utils zbar-tools chromium
  # Printing badges: a CUPS server with a PDF queue for tests, and its client tools.
  cups-daemon cups-client cups-bsd printer-driver-cups-pdf
  # Load for the cloud's benchmark.
  wrk
  # Talking to PostgreSQL in tests.
  postgresql-client curl ca-certificates
  # The kiosk's session on an installed tablet (its package depends on it), for the package test.
  cage
)
TAURI_DRIVER_VERSION=2.1.0
CARGO_DEB_VERSION=3.8.0

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
  local missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=900 "${missing[@]}"
}

check_toolchains() {
  command -v cargo >/dev/null || die "Rust is missing: install Rust 1.90 or newer with rustup"
  cargo fmt --version >/dev/null 2>&1 || die "rustfmt is missing: rustup component add rustfmt"
  cargo clippy --version >/dev/null 2>&1 || die "clippy is missing: rustup component add clippy"
  command -v node >/dev/null || die "Node.js is missing: install Node.js 20.19 or newer"
  local node_version
  node_version="$(node -p 'process.versions.node')"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "Node.js $node_version is too old for the UI's build: 20.19 or newer is needed"
}

install_ui_packages() {
  # npm ci wipes node_modules; only run it when the lock file changed since the last install.
  local stamp="$ROOT/ui/node_modules/.gatehouse-lock-sha"
  local want
  want="$(sha256sum "$ROOT/ui/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing the UI's npm packages (npm ci)"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
}

install_cargo_deb() {
  if ! cargo deb --version 2>/dev/null | grep -q "$CARGO_DEB_VERSION"; then
    say "Installing cargo-deb $CARGO_DEB_VERSION (cargo install)"
    cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked --quiet
  fi
}

install_tauri_driver() {
  if ! tauri-driver --help >/dev/null 2>&1; then
    say "Installing tauri-driver $TAURI_DRIVER_VERSION (cargo install)"
    cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --quiet
  fi
}

build_ui() {
  say "Building the UI"
  (cd "$ROOT/ui" && npm run --silent build -- --logLevel warn)
}

setup() {
  install_debian_packages
  check_toolchains
  install_ui_packages
  install_tauri_driver
  install_cargo_deb
}
