#!/usr/bin/env bash
# The whole test suite from a clean clone: installs the Debian packages the tests drive, starts the servers
# (deploy/dev/stack.sh up installs and starts Mosquitto, InfluxDB and PostgreSQL on 127.0.0.1), then runs every unit
# and integration test with Maven. Extra arguments go to Maven.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"

# Packages the tests use as real peers or tools, one line each with the reason.
TEST_PACKAGES=(
	mosquitto-clients # mosquitto_pub/sub in the broker security tests
	libcoap3-bin      # coap-client-openssl: the IP device in the hub's CoAP/DTLS tests
	socat             # a pseudo-terminal pair: the serial line to the simulated ASTM analyzer
	python3           # runs the simulated analyzers (gateway test resources analyzer-sim/)
	dbus              # dbus-daemon: the private bus of the fake BlueZ (BLE tests)
	python3-dbusmock  # the fake BlueZ (bluez5 template) on that bus
	libglib2.0-0      # GLib/GDBus, which tinyb's native library links (tinyb BLE tests)
	chromium # the inbox page in headless Chromium (issue 7)
	chromium-driver # Selenium drives it through /usr/bin/chromedriver
	prometheus # scrapes an ingest node in MetricsIT; promtool checks deploy/prometheus rules
	mmdebstrap        # the cached Debian root file systems of the package tests: arm64 (PiApplianceIT), amd64 (CloudPackageIT)
	arch-test         # mmdebstrap's check that the foreign architecture runs
	qemu-user-static  # runs that arm64 system on this machine
	binfmt-support    # registers qemu with the kernel for arm64 binaries
	systemd-container # systemd-nspawn boots them with their own systemd
	reprepro          # the signed apt repository of hub releases
	gpg               # signs it with the (dev) release key
	podman            # loads and runs the ingest's OCI image (OciImageIT)
	runc              # Podman's runtime here (crun cannot set rlimits in this sandbox)
	espeak-ng         # the hub's Swedish voice, rendered to WAV in SpeakerTest
	sox               # checks that WAV is speech of a plausible length (sox file -n stat)
)

command -v java >/dev/null || { echo "test: Java 17 is required (apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
command -v mvn >/dev/null || { echo "test: Maven is required (apt-get install maven)" >&2; exit 1; }

missing=()
for package in "${TEST_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
	sudo=""
	[[ $EUID -eq 0 ]] || sudo=sudo
	echo "test: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" ||
		{ $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"; }
fi

deploy/dev/stack.sh up
# The OCI image's base (Debian with Java 17, cached under /var/cache/nara): Jib builds the ingest's image on it to a
# tar in cloud-node's package phase, for OciImageIT.
OCI_BASE=$(deploy/cloud-ingest/oci-base.sh)
# PIT's history outside the clone: a clean clone's mutation testing re-analyses only the classes and tests that
# changed since the last run on this machine (PIT hashes both; a changed class or test is analysed afresh).
PIT_HISTORY=${NARA_PIT_HISTORY:-/var/cache/nara/pit}
mkdir -p "$PIT_HISTORY"
# -ntp: no download progress in CI logs.
mvn -B -ntp verify -Dnara.oci.base="$OCI_BASE" -Dnara.pit.historyDir="$PIT_HISTORY" "$@"
echo "test: all tests passed; the stack is still running (deploy/dev/stack.sh down stops it)"
