#!/usr/bin/env bash
# Prints the path of a cached amd64 Debian bookworm root file system with systemd and Java 17, made once with
# mmdebstrap and kept under /var/cache/nara/ (outside the clone), keyed by its package list: a changed list makes a
# new one. The mirror is the first URIs: line of /etc/apt/sources.list.d/debian.sources (never written into the repo).
set -euo pipefail
PACKAGES=openjdk-17-jre-headless,systemd,systemd-sysv,dbus,procps,adduser,curl,ca-certificates
KEY=$(printf 'bookworm amd64 minbase %s' "$PACKAGES" | sha256sum | cut -c1-16)
CACHE=${NARA_ROOTFS_CACHE:-/var/cache/nara}
ROOTFS=$CACHE/rootfs-amd64-$KEY
if [[ ! -f $ROOTFS/.complete ]]; then
	command -v mmdebstrap >/dev/null || { echo "rootfs: mmdebstrap is not installed" >&2; exit 1; }
	MIRROR=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources | head -n 1 | cut -d' ' -f1)
	[[ -n $MIRROR ]] || { echo "rootfs: no URIs: line in /etc/apt/sources.list.d/debian.sources" >&2; exit 1; }
	mkdir -p "$CACHE"
	exec 9>"$CACHE/.rootfs.lock"
	flock 9
	if [[ ! -f $ROOTFS/.complete ]]; then
		rm -rf "$ROOTFS.partial"
		mmdebstrap --arch=amd64 --variant=minbase --include="$PACKAGES" bookworm "$ROOTFS.partial" \
			"deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" >&2
		touch "$ROOTFS.partial/.complete"
		rm -rf "$ROOTFS"
		mv "$ROOTFS.partial" "$ROOTFS"
	fi
fi
echo "$ROOTFS"
