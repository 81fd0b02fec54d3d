#!/usr/bin/env bash
# Removes the mediaferry service and program. Keeps the data (journal, logs, configuration)
# unless --purge is given; the media and trash folders are never removed.
#
#   sudo scripts/uninstall.sh [--prefix /opt/mediaferry] [--purge]
#   DESTDIR=/tmp/pkg scripts/uninstall.sh ...   # the same inside a staged folder
set -euo pipefail
prefix=/opt/mediaferry
purge=false
user=mediaferry
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --purge) purge=true; shift ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "uninstall.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
dest="${DESTDIR:-}"
unit="$dest/etc/systemd/system/mediaferry.service"

if [ -z "$dest" ] && [ -d /run/systemd/system ]; then
  systemctl disable --now mediaferry 2>/dev/null || true
fi
rm -f "$unit"
rm -rf "$dest$prefix"
if [ -z "$dest" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi
if $purge; then
  # the journal is the only record of what was offloaded and deleted: gone with --purge.
  # Only what install.sh made for itself goes; media and trash folders stay, wherever they are.
  rm -rf "$dest/etc/mediaferry" "$dest/var/lib/mediaferry/state" "$dest/var/lib/mediaferry/.ssh" \
    "$dest/var/log/mediaferry"
  rmdir --ignore-fail-on-non-empty "$dest/var/lib/mediaferry" 2>/dev/null || true
  # the service account only: never root (an install run with --user root shares it)
  if [ -z "$dest" ] && id -u "$user" >/dev/null 2>&1 && [ "$(id -u "$user")" != 0 ]; then
    userdel "$user" || true
  fi
  echo "removed mediaferry with its configuration, journal and logs (media and trash folders were not touched)"
else
  echo "removed the mediaferry program and unit; kept /etc/mediaferry, /var/lib/mediaferry (journal)," \
    "/var/log/mediaferry; scripts/uninstall.sh --purge removes them"
fi
