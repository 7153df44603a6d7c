#!/usr/bin/env bash
# Installs the ingest's Debian package in a booted amd64 Debian (systemd-nspawn, a copy of the cached root file system
# of rootfs.sh), configures it with a settings file and secret files, starts the unit and waits until the node answers
# HEALTH_URL (the container shares the host's network); then checks a clean stop leaves the unit inactive, not
# failed. Prints the unit's journal on failure. Run as root.
#
# Usage: boot-test.sh DEB SETTINGS_FILE SECRETS_DIR HEALTH_URL
set -euo pipefail
(($# == 4)) || { sed -n '2,8p' "$0" >&2; exit 2; }
DEB=$1 SETTINGS=$2 SECRETS=$3 HEALTH=$4
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOTFS=$("$HERE/rootfs.sh")
MACHINE=nara-pkg-$$
COPY=$(mktemp -d /var/tmp/nara-pkg.XXXXXX)
NSPAWN=
log() { echo "boot-test: $*" >&2; }

cleanup() {
	if [[ -n $NSPAWN ]] && kill -0 "$NSPAWN" 2>/dev/null; then
		[[ -n ${PID1:-} ]] && nsenter -t "$PID1" -a systemctl poweroff >/dev/null 2>&1 || true
		for _ in $(seq 1 60); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.5; done
		kill "$NSPAWN" 2>/dev/null || true
	fi
	rm -rf "$COPY"
}
trap cleanup EXIT

cp -a "$ROOTFS/." "$COPY/"
install -m 0644 "$DEB" "$COPY/root/nara-cloud-ingest.deb"
setsid systemd-nspawn --register=no --keep-unit --console=passive -D "$COPY" -M "$MACHINE" -b \
	>"$COPY.console.log" 2>&1 </dev/null &
NSPAWN=$!
PID1=
for _ in $(seq 1 120); do
	PID1=$(pgrep -P "$NSPAWN" | head -n 1 || true)
	if [[ -n $PID1 ]] && nsenter -t "$PID1" -a systemctl is-system-running 2>/dev/null | grep -qE 'running|degraded'; then
		break
	fi
	sleep 0.5
done
[[ -n $PID1 ]] || { log "the container did not boot"; cat "$COPY.console.log" >&2; exit 1; }
ctr() { nsenter -t "$PID1" -a "$@"; }
log "booted (PID 1 = $PID1); installing the package"
ctr dpkg -i /root/nara-cloud-ingest.deb >&2
ctr id nara-ingest >&2
install -m 0640 "$SETTINGS" "$COPY/etc/nara/ingest.properties"
ctr chown root:nara-ingest /etc/nara/ingest.properties
cp -a "$SECRETS/." "$COPY/etc/nara/ingest/"
ctr sh -c 'chown nara-ingest:nara-ingest /etc/nara/ingest/* && chmod 0600 /etc/nara/ingest/*'
ctr systemctl enable --now nara-ingest.service >&2
deadline=$((SECONDS + 240))
until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$HEALTH" || true)" == 200 ]]; do
	if ((SECONDS >= deadline)) || ctr systemctl is-failed --quiet nara-ingest.service; then
		log "the node did not become healthy; its journal:"
		ctr journalctl -u nara-ingest.service --no-pager -n 60 >&2 || true
		exit 1
	fi
	sleep 1
done
echo "unit: $(ctr systemctl is-active nara-ingest.service)"
echo "user: $(ctr stat -c %U /proc/"$(ctr systemctl show -p MainPID --value nara-ingest.service)")"
ctr systemctl stop nara-ingest.service
echo "after stop: $(ctr systemctl is-active nara-ingest.service || true)"
echo "result: $(ctr systemctl show -p Result --value nara-ingest.service)"
