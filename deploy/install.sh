#!/usr/bin/env bash
# Install (or update) the Crux kiosk on Raspberry Pi OS Lite (Bookworm or Trixie, 64-bit).
# Run from a checkout of this repository:   sudo ./deploy/install.sh
# Safe to run again: it updates the code and the unit, and never overwrites staff's content or settings.
set -euo pipefail

APP=crux-kiosk
PREFIX=/opt/crux-kiosk
ETC=/etc/crux-kiosk
UNIT=/etc/systemd/system/crux-kiosk.service
SRC=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "install: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root: sudo $0"
command -v apt-get >/dev/null || die "this installer is for Raspberry Pi OS / Debian (apt-get not found)"
[ -f "$SRC/pyproject.toml" ] || die "run it from a checkout of the kiosk repository ($SRC has no pyproject.toml)"

echo "== system packages (picamera2 and libcamera come from apt, never from pip)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  python3 python3-venv python3-pip python3-numpy python3-picamera2 python3-libcamera python3-lgpio
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || die "Python >= 3.11 is needed (Raspberry Pi OS Bookworm or newer)"

echo "== user $APP (no login) in the hardware groups"
if ! id "$APP" >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$APP"
fi
for g in video render input gpio; do
  if getent group "$g" >/dev/null; then usermod -a -G "$g" "$APP"; fi
done

echo "== application in $PREFIX"
mkdir -p "$PREFIX"
rsync -a --delete --exclude .git --exclude .venv --exclude bench/out "$SRC/" "$PREFIX/src/" 2>/dev/null \
  || { rm -rf "$PREFIX/src"; cp -a "$SRC" "$PREFIX/src"; rm -rf "$PREFIX/src/.git" "$PREFIX/src/.venv"; }
cp "$SRC/README.md" "$PREFIX/README.md"
# --system-site-packages: picamera2/libcamera/numpy from apt are visible in the venv
[ -x "$PREFIX/venv/bin/python" ] || python3 -m venv --system-site-packages "$PREFIX/venv"
# Pin numpy to apt's version so pip never installs a second numpy that apt's compiled modules
# (picamera2's simplejpeg, libcamera bindings) were not built against.
SYS_NUMPY=$(python3 -c 'import numpy; print(numpy.__version__)')
CONSTRAINTS=$(mktemp)
trap 'rm -f "$CONSTRAINTS"' EXIT
echo "numpy==$SYS_NUMPY" > "$CONSTRAINTS"
"$PREFIX/venv/bin/pip" install --quiet --upgrade --constraint "$CONSTRAINTS" "$PREFIX/src"

echo "== content and settings in $ETC (kept if present)"
# Staff edit the content directory over SSH without sudo: members of group crux-content may write it
# (the user who ran this installer is added); the kiosk reads it through the same group.
getent group crux-content >/dev/null || groupadd --system crux-content
usermod -a -G crux-content "$APP"
if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then usermod -a -G crux-content "$SUDO_USER"; fi
mkdir -p "$ETC/content"
# the layout before the content directory: one file in $ETC
if [ -f "$ETC/content.toml" ] && [ ! -f "$ETC/content/content.toml" ]; then
  mv "$ETC/content.toml" "$ETC/content/content.toml"
fi
[ -f "$ETC/content/content.toml" ] || cp "$SRC/assets/content.toml" "$ETC/content/content.toml"
chgrp -R crux-content "$ETC/content"
chmod 2775 "$ETC/content"
chmod -R g+rw "$ETC/content"
[ -f "$ETC/kiosk.toml" ] || "$PREFIX/venv/bin/kiosk" config > "$ETC/kiosk.toml"
"$PREFIX/venv/bin/kiosk" config check "$ETC/kiosk.toml"
"$PREFIX/venv/bin/kiosk" content check "$ETC/content" \
  || echo "install: the content above has problems; the kiosk shows the built-in content until they are fixed"

echo "== service"
install -m 0644 "$SRC/systemd/crux-kiosk.service" "$UNIT"
systemctl daemon-reload
systemctl enable crux-kiosk.service
systemctl restart crux-kiosk.service
echo "installed: systemctl status crux-kiosk   logs: journalctl -u crux-kiosk -f"
