#!/usr/bin/env bash
# Remove the Crux kiosk service and application. Content and settings in /etc/crux-kiosk are kept
# unless --purge is given.   sudo ./deploy/uninstall.sh [--purge]
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "uninstall: run as root: sudo $0" >&2; exit 1; }
systemctl disable --now crux-kiosk.service 2>/dev/null || true
rm -f /etc/systemd/system/crux-kiosk.service
systemctl daemon-reload
rm -rf /opt/crux-kiosk
if [ "${1:-}" = "--purge" ]; then
  rm -rf /etc/crux-kiosk /var/lib/crux-kiosk
  userdel crux-kiosk 2>/dev/null || true
fi
echo "removed crux-kiosk${1:+ ($1)}"
