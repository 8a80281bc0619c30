#!/usr/bin/env bash
# Removes the EU citizens' information kiosk.
#
#   sudo ./uninstall.sh [--purge] [--destdir DIR]
#
# Stops and disables the service and removes the app, its command link, the unit, the
# sysusers entry and the keyboard lockdown snippets (Xorg: VT switch and zap; sysctl: magic
# SysRq, set back at once to what the system's other sysctl files say). The config
# (/etc/eu-citizens-kiosk) and the data (/var/lib/eu-citizens-kiosk: content, usage counters,
# logs) stay, unless --purge is given; --purge also removes the eu-kiosk user.
set -euo pipefail
DEST="${DESTDIR:-}"
PURGE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --destdir) DEST="$2"; shift 2 ;;
    --purge) PURGE=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "uninstall.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$DEST" ]; then
  DEST="$(realpath -m "$DEST")"
elif [ "$(id -u)" -ne 0 ]; then
  echo "uninstall.sh: run as root (sudo ./uninstall.sh), or give --destdir DIR" >&2
  exit 1
fi
say() { printf '[uninstall] %s\n' "$*"; }

if [ -z "$DEST" ] && command -v systemctl >/dev/null; then
  systemctl disable --now eu-citizens-kiosk.service 2>/dev/null || true
fi
rm -rf "$DEST/opt/eu-citizens-kiosk"
rm -f "$DEST/usr/local/bin/eu-citizens-kiosk" \
  "$DEST/etc/systemd/system/eu-citizens-kiosk.service" \
  "$DEST/usr/lib/sysusers.d/eu-citizens-kiosk.conf" \
  "$DEST/etc/X11/xorg.conf.d/50-eu-citizens-kiosk.conf" \
  "$DEST/etc/sysctl.d/90-eu-citizens-kiosk.conf"
[ -z "$DEST" ] && command -v systemctl >/dev/null && systemctl daemon-reload
# kernel.sysrq back to what the remaining sysctl files say; if none names it, it stays off
# until the next boot, which brings back the kernel's built-in default.
if [ -z "$DEST" ] && command -v sysctl >/dev/null; then
  sysctl -q --system >/dev/null || true
fi
if [ "$PURGE" -eq 1 ]; then
  rm -rf "$DEST/etc/eu-citizens-kiosk" "$DEST/var/lib/eu-citizens-kiosk"
  if [ -z "$DEST" ] && id eu-kiosk >/dev/null 2>&1; then
    userdel eu-kiosk || true
  fi
  say "removed the app, its config and its data"
else
  say "removed the app; kept $DEST/etc/eu-citizens-kiosk and $DEST/var/lib/eu-citizens-kiosk (use --purge to remove them)"
fi
