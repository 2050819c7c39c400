#!/usr/bin/env bash
# Install (or update) the Crux kiosk on Raspberry Pi OS Lite (Bookworm or Trixie, 64-bit).
# Run from a checkout of this repository:   sudo ./deploy/install.sh [--no-camera]
#   --no-camera  for a system without the Raspberry Pi apt archive (no python3-picamera2): the kiosk
#                runs with its camera resting and says why on the staff overlay
# Safe to run again: it updates the code and the unit, and never overwrites staff's content or settings.
# If a step fails, what this run created (user, groups, directories, venv, unit) is removed again.
set -euo pipefail

APP=crux-kiosk
# CRUX_ROOT: a directory to install under instead of / (the tests use it; never set on a kiosk)
ROOT=${CRUX_ROOT:-}
PREFIX=$ROOT/opt/crux-kiosk
ETC=$ROOT/etc/crux-kiosk
STATE=$ROOT/var/lib/crux-kiosk
UNIT=$ROOT/etc/systemd/system/crux-kiosk.service
SRC=$(cd "$(dirname "$0")/.." && pwd)
CAMERA=1

die() { echo "install: $*" >&2; exit 1; }

for arg in "$@"; do
  case $arg in
    --no-camera) CAMERA=0 ;;
    -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $arg - use --no-camera or nothing" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "run as root: sudo $0"
command -v apt-get >/dev/null || die "this installer is for Raspberry Pi OS / Debian (apt-get not found)"
[ -f "$SRC/pyproject.toml" ] || die "run it from a checkout of the kiosk repository ($SRC has no pyproject.toml)"

# -- before changing anything: can apt give us everything? --------------------------------------
apt-get update -qq
has_candidate() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [^(]'; }
if [ "$CAMERA" -eq 1 ] && ! has_candidate python3-picamera2; then
  die "apt has no python3-picamera2 (no Raspberry Pi archive: plain Debian?) - add it, or run again with --no-camera (the kiosk then runs with its camera resting); nothing was changed"
fi

# -- undo on failure: everything this run creates is listed here, newest last ----------------------
CREATED=()
STEP="starting"
FINISHED=0
TMP=$(mktemp -d)
undo() {
  local kind=${1%%:*} what=${1#*:}
  case $kind in
    path) rm -rf -- "$what" ;;
    user) userdel "$what" 2>/dev/null || true ;;
    group) groupdel "$what" 2>/dev/null || true ;;
    member) gpasswd -d "${what%%:*}" "${what#*:}" >/dev/null 2>&1 || true ;;
  esac
}
finish() {
  rm -rf "$TMP"
  [ "$FINISHED" -eq 1 ] && return
  echo "install: FAILED while $STEP - see the lines above" >&2
  local i
  for ((i = ${#CREATED[@]} - 1; i >= 0; i--)); do undo "${CREATED[i]}"; done
  if [ "${#CREATED[@]}" -gt 0 ]; then
    echo "install: removed what this run had created (${CREATED[*]}); apt packages stay" >&2
  fi
}
trap finish EXIT
mkdir_new() { # mkdir -p, remembering each directory this run creates
  local d=$1 missing=()
  while [ ! -e "$d" ]; do missing+=("$d"); d=$(dirname "$d"); done
  mkdir -p "$1"
  local i
  for ((i = ${#missing[@]} - 1; i >= 0; i--)); do CREATED+=("path:${missing[i]}"); done
}

STEP="installing system packages"
echo "== system packages (picamera2 and libcamera come from apt, never from pip)"
# acl: the staff group's read access to the rep log; rsync: the build copy; libgbm1 libegl1 libgles2
# libdrm2: what SDL's kmsdrm driver in pygame-ce's wheel loads from the system
# python3-setuptools python3-wheel: the wheel is built with apt's, offline (setuptools>=64)
PACKAGES=(python3 python3-venv python3-numpy python3-setuptools python3-wheel acl rsync
  libgbm1 libegl1 libgles2 libdrm2)
if [ "$CAMERA" -eq 1 ]; then
  PACKAGES+=(python3-picamera2 python3-libcamera)
else
  echo "   --no-camera: no python3-picamera2 / python3-libcamera; the camera rests and the staff overlay says why"
fi
# lgpio (the Pi 5's pin library) comes from the Raspberry Pi archive too
if has_candidate python3-lgpio; then PACKAGES+=(python3-lgpio); else
  echo "   apt has no python3-lgpio: the buttons and LED bar will say they cannot open"
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || die "Python >= 3.11 is needed (Raspberry Pi OS Bookworm or newer)"

# -- the risky part first: build the wheel and install it with its dependencies --------------------
STEP="building the kiosk's wheel (pip)"
echo "== application in $PREFIX (from a built wheel)"
rsync -a --exclude .git --exclude .venv --exclude 'bench/out' --exclude build --exclude '*.egg-info' \
  "$SRC/" "$TMP/src/"
# --system-site-packages: picamera2/libcamera/numpy from apt are visible in the venv
if [ ! -x "$PREFIX/venv/bin/python" ]; then
  mkdir_new "$PREFIX"
  [ -e "$PREFIX/venv" ] || CREATED+=("path:$PREFIX/venv")
  python3 -m venv --system-site-packages "$PREFIX/venv"
fi
"$PREFIX/venv/bin/pip" wheel --quiet --no-deps --no-build-isolation --wheel-dir "$TMP/dist" "$TMP/src"
WHEELS=("$TMP"/dist/crux_kiosk-*.whl)
WHEEL=${WHEELS[0]}
STEP="installing the kiosk and its dependencies (pip)"
# Pin numpy to apt's version so pip never installs a second numpy that apt's compiled modules
# (picamera2's simplejpeg, libcamera bindings) were not built against.
SYS_NUMPY=$(python3 -c 'import numpy; print(numpy.__version__)')
echo "numpy==$SYS_NUMPY" > "$TMP/constraints.txt"
"$PREFIX/venv/bin/pip" install --quiet --upgrade --constraint "$TMP/constraints.txt" "$WHEEL"
# the same version number as before still replaces the code
"$PREFIX/venv/bin/pip" install --quiet --force-reinstall --no-deps "$WHEEL"
"$PREFIX/venv/bin/kiosk" --version >/dev/null
rm -rf "$PREFIX/src" # the older installs' copy of the checkout
cp "$SRC/README.md" "$PREFIX/README.md"

STEP="creating the user and its groups"
echo "== user $APP (no login) and the groups its unit names"
if ! id "$APP" >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$APP"
  CREATED+=("user:$APP")
fi
# systemd refuses to start a unit whose SupplementaryGroups= names a missing group (status=216/GROUP):
# a plain Debian has no gpio group. An empty one is harmless; Raspberry Pi OS gives it the GPIO chips.
UNIT_GROUPS=$(sed -n 's/^SupplementaryGroups=//p' "$SRC/systemd/crux-kiosk.service")
for g in $UNIT_GROUPS; do
  if ! getent group "$g" >/dev/null; then
    groupadd --system "$g"
    CREATED+=("group:$g")
  fi
  usermod -a -G "$g" "$APP"
done
# Staff edit the content directory over SSH without sudo: members of group crux-content may write it
# (the user who ran this installer is added); the kiosk reads it through the same group.
if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ] && ! id -nG "$SUDO_USER" | grep -qw crux-content; then
  usermod -a -G crux-content "$SUDO_USER"
  CREATED+=("member:$SUDO_USER:crux-content")
fi

STEP="setting up content, settings and the rep log directory"
echo "== content and settings in $ETC (kept if present)"
mkdir_new "$ETC/content"
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
# The rep log: staff in crux-content read it (`kiosk stats`). An ACL, because the unit's UMask=0077
# makes reps.db 0600 and systemd gives StateDirectory= back to User:Group at every start (a setgid
# group directory would not last); a default ACL applies to new files whatever the umask.
mkdir_new "$STATE"
chown "$APP:$APP" "$STATE"
chmod 0750 "$STATE"
setfacl -R -m g:crux-content:rX "$STATE"
setfacl -d -m u::rwX,g::---,o::---,g:crux-content:rX "$STATE"

STEP="installing and starting the service"
echo "== service"
[ -e "$UNIT" ] || CREATED+=("path:$UNIT")
mkdir -p "$(dirname "$UNIT")"
install -m 0644 "$SRC/systemd/crux-kiosk.service" "$UNIT"
systemctl daemon-reload
systemctl enable crux-kiosk.service
# installed in full from here: a kiosk that will not start is a problem to read in its journal
FINISHED=1
systemctl restart crux-kiosk.service \
  || die "installed, but the service did not start - see: journalctl -u crux-kiosk -n 50"
echo "installed: systemctl status crux-kiosk   logs: journalctl -u crux-kiosk -f"
