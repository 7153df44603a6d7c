#!/usr/bin/env bash
# Build gate for the hub's systemd unit, run by Maven (gateway, verify phase) on the built package:
#   systemd-analyze verify                      the unit as installed (its ExecStart must exist in the package)
#   systemd-analyze security --offline=true     overall exposure at most MAX_EXPOSURE (2.5)
# Where systemd-analyze is missing (not a Debian build machine) it says so and passes, except in CI (CI=true).
set -euo pipefail
deb=$1
MAX_EXPOSURE=${MAX_EXPOSURE:-2.5}
UNIT=nara-hub.service

if ! command -v systemd-analyze >/dev/null || ! command -v dpkg-deb >/dev/null; then
	[[ ${CI:-} == true ]] && { echo "check-unit: systemd-analyze and dpkg-deb are required (apt-get install systemd dpkg)" >&2; exit 1; }
	echo "check-unit: systemd-analyze or dpkg-deb missing; unit not checked" >&2
	exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
# The targets and services the unit orders itself after, from the build machine, so verify sees a whole system.
for unit in /lib/systemd/system/*.target /lib/systemd/system/*.slice /lib/systemd/system/*.socket \
	/lib/systemd/system/bluetooth.service /lib/systemd/system/dbus.service; do
	[[ -e $unit && ! -e $root$unit ]] && cp "$unit" "$root/lib/systemd/system/"
done

systemd-analyze verify --root="$root" "$UNIT" || { echo "check-unit: systemd-analyze verify failed for $UNIT" >&2; exit 1; }

report=$(systemd-analyze security --offline=true --root="$root" "$UNIT" 2>&1) ||
	{ echo "$report" >&2; echo "check-unit: systemd-analyze security failed" >&2; exit 1; }
exposure=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$report")
[[ -n $exposure ]] || { echo "$report" >&2; echo "check-unit: no exposure level in the report" >&2; exit 1; }
if awk -v e="$exposure" -v max="$MAX_EXPOSURE" 'BEGIN { exit !(e > max) }'; then
	grep '✗' <<<"$report" >&2 || true
	echo "check-unit: $UNIT exposure $exposure is above $MAX_EXPOSURE" >&2
	exit 1
fi
echo "check-unit: $UNIT verified; exposure $exposure (at most $MAX_EXPOSURE)"
