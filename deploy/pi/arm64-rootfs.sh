#!/usr/bin/env bash
# Builds (once) the arm64 Debian bookworm root file system that stands in for Raspberry Pi OS 64-bit in the hub's
# appliance test (system-tests PiApplianceIT), and prints its path. It is cached outside the clone under
# ${NARA_CACHE:-/var/cache/nara}/pi-rootfs/<key>, keyed by this script's package list and suite, so the ~7 minute
# mmdebstrap run happens once per machine. The Debian mirror is the machine's own (first "URIs:" line of
# /etc/apt/sources.list.d/debian.sources, or NARA_DEBIAN_MIRROR); it is never written into the repository.
# Needs root, mmdebstrap, qemu-user-static and binfmt-support.
set -euo pipefail

SUITE=bookworm
# What a fresh Raspberry Pi OS Lite has that the hub package needs, plus its Depends, so the test installs the .deb
# with dpkg and no network. One line each with the reason.
PACKAGES=(
	systemd systemd-sysv dbus # a booted system with its own systemd (PID 1 in the container)
	openjdk-17-jre-headless   # Depends of nara-hub
	bluez                     # Depends of nara-hub (BLE devices)
	adduser                   # the maintainer scripts create the nara-hub system user
	sqlite3                   # inspecting the hub's outbox in the test and on a real hub
	procps                    # ps, pgrep in the test and for support
	ca-certificates           # apt over https to the cloud's release repository
)

cache=${NARA_CACHE:-/var/cache/nara}/pi-rootfs
key=$( (echo "$SUITE arm64 minbase v1"; printf '%s\n' "${PACKAGES[@]}") | sha256sum | cut -c1-16)
target=$cache/$key
if [[ -f $target/.complete ]]; then
	echo "$target/rootfs"
	exit 0
fi

mirror=${NARA_DEBIAN_MIRROR:-$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1 | awk '{print $1}')}
[[ -n $mirror ]] || { echo "arm64-rootfs: no Debian mirror (set NARA_DEBIAN_MIRROR)" >&2; exit 1; }

# binfmt_misc lets the host run the arm64 binaries through qemu-user-static.
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
update-binfmts --enable >/dev/null 2>&1 || true
[[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] || { echo "arm64-rootfs: qemu-aarch64 is not registered with binfmt_misc" >&2; exit 1; }

mkdir -p "$cache"
# One build at a time: a second caller waits for the first instead of building the same tree twice.
exec 9>"$cache/.lock"
flock 9
if [[ ! -f $target/.complete ]]; then
	rm -rf "$target"
	mkdir -p "$target"
	include=$(IFS=,; echo "${PACKAGES[*]}")
	echo "arm64-rootfs: building $target (several minutes)" >&2
	mmdebstrap --arch=arm64 --variant=minbase --include="$include" "$SUITE" "$target/rootfs" \
		"deb $mirror $SUITE main" "deb $mirror $SUITE-updates main" >"$target/build.log" 2>&1 ||
		{ echo "arm64-rootfs: mmdebstrap failed, see $target/build.log" >&2; exit 1; }
	# The machine id is made at first boot of each copy; the container gets no apt sources pointing at this mirror.
	: >"$target/rootfs/etc/machine-id"
	rm -f "$target/rootfs/etc/apt/sources.list" "$target/rootfs/etc/apt/sources.list.d/"*
	touch "$target/.complete"
fi
echo "$target/rootfs"
