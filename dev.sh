#!/usr/bin/env bash
# One entry point for developers and CI.
#   ./dev.sh run   set everything up, then start the kiosk windowed on the bundled content
#   ./dev.sh test  set everything up, then run the whole test suite under Xvfb in two test
#                  processes (KIOSK_TEST_WORKERS=N for N; -m "not slow": the everyday tier)
#   ./dev.sh bench set everything up (and Chromium), then run the benchmarks in bench/
# Set-up installs missing OS packages (apt-get, as root or through sudo), creates .venv
# and installs the package with its test extra. Each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")"

# venv; pycairo (for KivyMD) and PyICU (sorting country names per language) build from
# source; Kivy's window, GL and touch input;
# for the tests: a virtual screen, real clicks and screenshots, a web server and rclone
# for the content-sync tests; espeak-ng reads the screen aloud (also at run time).
OS_PACKAGES=(
  python3-venv python3-dev gcc g++ pkg-config libcairo2-dev libicu-dev
  libgl1 libegl1 libgles2 libgl1-mesa-dri libmtdev1
  xsel xvfb xauth xdotool imagemagick xinit
  nginx rclone espeak-ng
  chromium chromium-driver poppler-utils zbar-tools
)
PYTHON="${PYTHON:-python3}"

say() { printf '\033[1m[dev.sh]\033[0m %s\n' "$*"; }

install_os_packages() {
  command -v dpkg-query >/dev/null || { say "not a Debian/Ubuntu system: install ${OS_PACKAGES[*]} yourself"; return; }
  local missing=()
  for pkg in "${OS_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing OS packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_env() {
  if [ ! -x .venv/bin/python ]; then
    say "creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
  fi
  local stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
  if [ ! -f "$stamp" ]; then
    say "installing the kiosk and its test tools into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test]'
    rm -f .venv/.installed-* && touch "$stamp"
  fi
}

install_npm_tools() {
  # axe-core for the online edition's accessibility tests (tests/test_web_browser.py),
  # at the version package-lock.json pins
  [ -f node_modules/axe-core/axe.min.js ] && return
  if ! command -v npm >/dev/null; then  # (Node.js from elsewhere brings its own npm)
    OS_PACKAGES=(npm)
    install_os_packages
  fi
  say "installing axe-core from the npm registry"
  npm ci --no-audit --no-fund --silent
}

setup() {
  install_os_packages
  install_python_env
}

case "${1:-}" in
  run)
    shift
    setup
    say "starting the kiosk (windowed; close with the admin screen or Ctrl+C here)"
    exec .venv/bin/kiosk run --windowed --config config/demo.toml "$@"
    ;;
  test)
    shift
    setup
    install_npm_tools
    say "checking the bundled content"
    .venv/bin/kiosk-content check content
    say "running the tests under Xvfb"
    # Two test processes (pytest-xdist) by default, for the two cores of the reference
    # machine; each has its own Kivy window on the one Xvfb display. --dist loadgroup keeps
    # tests marked xdist_group together (the frozen release is built once).
    exec xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" .venv/bin/python -m pytest \
      -n "${KIOSK_TEST_WORKERS:-2}" --dist loadgroup "$@"
    ;;
  bench)
    shift
    OS_PACKAGES+=(chromium)
    setup
    say "running the benchmarks (each starts its own Xvfb)"
    exec .venv/bin/python bench/run.py "$@"
    ;;
  *)
    echo "usage: ./dev.sh run | ./dev.sh test [pytest options] | ./dev.sh bench [options]" >&2
    exit 2
    ;;
esac
