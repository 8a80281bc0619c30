#!/usr/bin/env bash
# Installs the EU citizens' information kiosk from this unpacked release folder.
#
#   sudo ./install.sh [--destdir DIR] [--no-deps] [--no-start]
#
# Lays down (under DIR when --destdir or $DESTDIR is given, e.g. for packaging or a test):
#   /opt/eu-citizens-kiosk/                       the frozen app (replaced on upgrade)
#   /usr/local/bin/eu-citizens-kiosk              a link to the app's command
#   /etc/eu-citizens-kiosk/kiosk.toml             the config, only if there is none yet
#   /etc/eu-citizens-kiosk/kiosk.toml.default     this version's documented defaults
#   /etc/systemd/system/eu-citizens-kiosk.service the service (starts on boot, restarts)
#   /usr/lib/sysusers.d/eu-citizens-kiosk.conf    the eu-kiosk system user
#   /etc/X11/xorg.conf.d/50-eu-citizens-kiosk.conf  X: no VT switch (Ctrl+Alt+Fn), no zap, no zoom
#   /etc/sysctl.d/90-eu-citizens-kiosk.conf       the kernel: no magic SysRq keys
# Without a destination folder it also installs the OS packages the app needs (unless
# --no-deps), creates the user, turns magic SysRq off at once, runs the self-test, and
# enables and starts the service (unless --no-start). The data folder
# /var/lib/eu-citizens-kiosk is made by systemd.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DEST="${DESTDIR:-}"
DEPS=1
START=1
while [ $# -gt 0 ]; do
  case "$1" in
    --destdir) DEST="$2"; shift 2 ;;
    --no-deps) DEPS=0; shift ;;
    --no-start) START=0; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$DEST" ]; then
  DEST="$(realpath -m "$DEST")"
  DEPS=0
  START=0
elif [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo ./install.sh), or give --destdir DIR" >&2
  exit 1
fi
[ -x "$HERE/app/eu-citizens-kiosk" ] || { echo "install.sh: $HERE/app/eu-citizens-kiosk is missing; unpack the whole archive" >&2; exit 1; }

say() { printf '[install] %s\n' "$*"; }

# X server for the kiosk session, GL, touch input, clipboard, speech.
RUNTIME_PACKAGES=(xserver-xorg-core xserver-xorg-input-libinput xinit libgl1 libegl1 libgl1-mesa-dri libmtdev1 xsel espeak-ng)
if [ "$DEPS" -eq 1 ] && command -v apt-get >/dev/null; then
  say "installing OS packages: ${RUNTIME_PACKAGES[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${RUNTIME_PACKAGES[@]}" >/dev/null
fi

APP="$DEST/opt/eu-citizens-kiosk"
say "installing the app in $APP"
mkdir -p "$DEST/opt"
rm -rf "$APP.new"
cp -a "$HERE/app" "$APP.new"
cp "$HERE/README.md" "$HERE/VERSION" "$APP.new/"
chmod -R u=rwX,go=rX "$APP.new"
# Swap in the new version in one rename so a kiosk never starts from half a copy.
if [ -e "$APP" ]; then
  rm -rf "$APP.old"
  mv "$APP" "$APP.old"
fi
mv "$APP.new" "$APP"
rm -rf "$APP.old"

mkdir -p "$DEST/usr/local/bin"
ln -sfn /opt/eu-citizens-kiosk/eu-citizens-kiosk "$DEST/usr/local/bin/eu-citizens-kiosk"

CONF="$DEST/etc/eu-citizens-kiosk"
mkdir -p "$CONF"
install -m 0644 "$HERE/kiosk.toml" "$CONF/kiosk.toml.default"
if [ -e "$CONF/kiosk.toml" ]; then
  say "keeping the existing config $CONF/kiosk.toml (new defaults: kiosk.toml.default)"
else
  say "writing the default config $CONF/kiosk.toml"
  install -m 0644 "$HERE/kiosk.toml" "$CONF/kiosk.toml"
fi

install -D -m 0644 "$HERE/eu-citizens-kiosk.service" "$DEST/etc/systemd/system/eu-citizens-kiosk.service"
install -D -m 0644 "$HERE/eu-citizens-kiosk.sysusers" "$DEST/usr/lib/sysusers.d/eu-citizens-kiosk.conf"

# Keyboard lockdown outside the app (the app itself ignores every key but Esc): the X
# server cannot be switched away from or killed, and the kernel's SysRq keys are off.
XORG_SNIPPET="$DEST/etc/X11/xorg.conf.d/50-eu-citizens-kiosk.conf"
SYSCTL_SNIPPET="$DEST/etc/sysctl.d/90-eu-citizens-kiosk.conf"
say "locking the keyboard: $XORG_SNIPPET, $SYSCTL_SNIPPET"
install -D -m 0644 "$HERE/xorg-eu-citizens-kiosk.conf" "$XORG_SNIPPET"
install -D -m 0644 "$HERE/sysctl-eu-citizens-kiosk.conf" "$SYSCTL_SNIPPET"

if [ -n "$DEST" ]; then
  say "installed under $DEST (no user, no service started)"
  exit 0
fi

if command -v systemd-sysusers >/dev/null; then
  systemd-sysusers /usr/lib/sysusers.d/eu-citizens-kiosk.conf
else
  id eu-kiosk >/dev/null 2>&1 || useradd --system --home-dir /var/lib/eu-citizens-kiosk --shell /usr/sbin/nologin eu-kiosk
  for group in video input audio render; do
    getent group "$group" >/dev/null && usermod -aG "$group" eu-kiosk
  done
fi
# Magic SysRq off now, not only from the next boot (a container may refuse: then at boot).
if command -v sysctl >/dev/null; then
  sysctl -q -p "$SYSCTL_SNIPPET" || say "warning: could not set kernel.sysrq now; it is set at the next boot"
fi
# The admin PIN hash in the config is readable by the kiosk user only.
chgrp eu-kiosk "$CONF/kiosk.toml" && chmod 0640 "$CONF/kiosk.toml"

say "self-test (content, catalogs, keys)"
/opt/eu-citizens-kiosk/eu-citizens-kiosk status --json --config "$CONF/kiosk.toml" >/dev/null

systemctl daemon-reload
if [ "$START" -eq 1 ]; then
  systemctl enable eu-citizens-kiosk.service
  systemctl restart eu-citizens-kiosk.service
  say "started; see: systemctl status eu-citizens-kiosk; journalctl -u eu-citizens-kiosk"
else
  say "installed; start with: systemctl enable --now eu-citizens-kiosk"
fi
