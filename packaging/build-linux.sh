#!/usr/bin/env bash
# Builds the frozen one-folder kiosk and the Linux release archive.
#
#   packaging/build-linux.sh [--pin-keys FILE] [--out DIR] [--python PYTHON]
#
# --pin-keys FILE  public keys to ship inside the app (one ed25519:... per line); default:
#                  keys/pinned-public-keys.txt from the source tree
# --out DIR        where to put the results (default: dist/)
# --python PYTHON  a Python with the kiosk and PyInstaller installed (default: .venv/bin/python)
#
# Results: DIR/eu-citizens-kiosk-VERSION-linux-ARCH/ (app/, install.sh, uninstall.sh, the
# systemd unit, the default config, the Xorg and sysctl lockdown snippets, README.md) and
# the same as a .tar.gz next to it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/dist"
PYTHON="$ROOT/.venv/bin/python"
PIN_KEYS="$ROOT/keys/pinned-public-keys.txt"
while [ $# -gt 0 ]; do
  case "$1" in
    --pin-keys) PIN_KEYS="$(realpath "$2")"; shift 2 ;;
    --out) OUT="$(realpath -m "$2")"; shift 2 ;;
    --python) PYTHON="$2"; shift 2 ;;
    *) echo "build-linux.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -f "$PIN_KEYS" ] || { echo "build-linux.sh: no such keys file: $PIN_KEYS" >&2; exit 2; }
# Refuse a keys file with a bad line now rather than in the field.
"$PYTHON" -c 'import sys; from sync.keys import read_key_lines; print(f"pinning {len(read_key_lines(sys.argv[1]))} public key(s) from {sys.argv[1]}")' "$PIN_KEYS"

VERSION="$("$PYTHON" -c 'from importlib.metadata import version; print(version("eu-citizens-kiosk"))')"
NAME="eu-citizens-kiosk-$VERSION-linux-$(uname -m)"
WORK="$OUT/.build"
mkdir -p "$OUT"
rm -rf "$WORK" "$OUT/$NAME" "$OUT/$NAME.tar.gz"

# The app looks for keys/pinned-public-keys.txt, whatever the given file is called.
mkdir -p "$WORK/keys"
cp "$PIN_KEYS" "$WORK/keys/pinned-public-keys.txt"
KIOSK_PINNED_KEYS="$WORK/keys/pinned-public-keys.txt" "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$WORK/dist" --workpath "$WORK/work" "$ROOT/packaging/kiosk.spec"

mkdir -p "$OUT/$NAME"
mv "$WORK/dist/eu-citizens-kiosk" "$OUT/$NAME/app"
install -m 0755 "$ROOT/packaging/linux/install.sh" "$ROOT/packaging/linux/uninstall.sh" "$OUT/$NAME/"
install -m 0644 "$ROOT/packaging/linux/eu-citizens-kiosk.service" "$ROOT/packaging/linux/kiosk.toml" \
  "$ROOT/packaging/linux/eu-citizens-kiosk.sysusers" "$ROOT/packaging/linux/xorg-eu-citizens-kiosk.conf" \
  "$ROOT/packaging/linux/sysctl-eu-citizens-kiosk.conf" "$OUT/$NAME/"
install -m 0644 "$ROOT/packaging/README.md" "$OUT/$NAME/README.md"
echo "$VERSION" > "$OUT/$NAME/VERSION"
rm -rf "$WORK"
tar -C "$OUT" -czf "$OUT/$NAME.tar.gz" "$NAME"
echo "built $OUT/$NAME ($(du -sh "$OUT/$NAME/app" | cut -f1) app) and $OUT/$NAME.tar.gz ($(du -h "$OUT/$NAME.tar.gz" | cut -f1))"
