#!/usr/bin/env bash
# Remove the Crux kiosk service and application. Content and settings in /etc/crux-kiosk and the rep
# log are kept unless --purge is given; --purge also removes the metrics textfile, the kiosk user's
# ACL entries on node_exporter's directory, the Ansible playbook's staging copy in /var/tmp, the kiosk
# user and the crux-content group.
#   sudo ./deploy/uninstall.sh [--purge]
set -euo pipefail
# CRUX_ROOT: a directory installed under instead of / (the tests use it; never set on a kiosk)
ROOT=${CRUX_ROOT:-}
case ${1:-} in "" | --purge) ;; *) echo "uninstall: unknown option $1 - use --purge or nothing" >&2; exit 1 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "uninstall: run as root: sudo $0" >&2; exit 1; }
systemctl disable --now crux-kiosk.service 2>/dev/null || true
rm -f "$ROOT/etc/systemd/system/crux-kiosk.service"
systemctl daemon-reload
rm -rf "$ROOT/opt/crux-kiosk"
if [ "${1:-}" = "--purge" ]; then
  # the metrics textfile: node_exporter would go on serving its last values (camera_up 1) for ever
  PROM=("$ROOT/var/lib/prometheus/node-exporter/crux_kiosk.prom")
  if [ -f "$ROOT/etc/crux-kiosk/kiosk.toml" ]; then
    CONFIGURED=$(python3 -c 'import sys, tomllib
print(tomllib.load(open(sys.argv[1], "rb")).get("metrics", {}).get("textfile", ""))' \
      "$ROOT/etc/crux-kiosk/kiosk.toml" 2>/dev/null || true)
    [ -z "$CONFIGURED" ] || PROM+=("$ROOT$CONFIGURED")
  fi
  for f in "${PROM[@]}"; do
    rm -f "$f"
    # README's `setfacl -m u:crux-kiosk:rwx <textfile directory>`, before the user is gone
    if [ -d "$(dirname "$f")" ] && command -v setfacl >/dev/null && id crux-kiosk >/dev/null 2>&1; then
      setfacl -x u:crux-kiosk "$(dirname "$f")" 2>/dev/null || true
    fi
  done
  # ... and the Ansible content playbook's staging copy (deploy/ansible/content.yml, staging_dir)
  rm -rf "$ROOT/etc/crux-kiosk" "$ROOT/var/lib/crux-kiosk" "$ROOT/var/tmp/crux-kiosk-content-staging"
  userdel crux-kiosk 2>/dev/null || true
  groupdel crux-content 2>/dev/null || true
fi
echo "removed crux-kiosk${1:+ ($1)}"
