#!/usr/bin/env bash
# The hub's release repository: an apt repository signed with the release key, built with reprepro, which the cloud
# ingest serves under /apt (--release-repo DIR) and hubs update from (nara-hub-update).
#
#   release-repo.sh key                         make the DEVELOPMENT release key if there is none; print its public key path
#   release-repo.sh publish [--downgrade] DEB...
#                                               add packages to the repository: a newer version replaces the older;
#                                               an older one is refused unless --downgrade (it then replaces the newer:
#                                               the way back from a bad release for the whole fleet)
#   release-repo.sh pin HUB VERSION [downgrade] the version HUB runs (what the cloud's rollout decides, by hand)
#
# Everything lives in ${NARA_RELEASE_DIR:-<state>/release}: gnupg/ (the dev key: private, never committed, never
# copied to a hub), repo/ (what is served), release-key.gpg (the public key a hub trusts). The production release
# key is kept offline as deploy/pi/README.md says; only its public half goes to hubs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
DIR=${NARA_RELEASE_DIR:-${NARA_STATE:-$ROOT/.state}/release}
export GNUPGHOME=$DIR/gnupg
REPO=$DIR/repo
UID_NAME="Nara hub releases (DEVELOPMENT key)"

die() { echo "release-repo: $*" >&2; exit 1; }

key() {
	mkdir -p "$GNUPGHOME"
	chmod 700 "$GNUPGHOME"
	if ! gpg --batch --list-secret-keys "$UID_NAME" >/dev/null 2>&1; then
		gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
			--quick-generate-key "$UID_NAME" ed25519 sign 2y >/dev/null 2>&1 || die "gpg could not make the key"
	fi
	gpg --batch --export "$UID_NAME" >"$DIR/release-key.gpg"
	echo "$DIR/release-key.gpg"
}

fingerprint() {
	gpg --batch --with-colons --list-secret-keys "$UID_NAME" | awk -F: '$1 == "fpr" { print $10; exit }'
}

publish() {
	local downgrade=""
	if [[ ${1:-} == --downgrade ]]; then
		downgrade=yes
		shift
	fi
	(($#)) || die "publish: which .deb files?"
	key >/dev/null
	mkdir -p "$REPO/conf" "$REPO/pin"
	# reprepro 5.3 (Debian 12) keeps one version per package: a hub keeps the package it runs for going back
	# (nara-hub-update), so the repository need not.
	cat >"$REPO/conf/distributions" <<CONF
Origin: Nara
Label: Nara hub
Codename: stable
Architectures: arm64 armhf amd64
Components: main
Description: Nara hub releases
SignWith: $(fingerprint)
CONF
	local deb package version arch current
	for deb in "$@"; do
		[[ -f $deb ]] || die "no such package: $deb"
		package=$(dpkg-deb -f "$deb" Package) || die "$deb is not a Debian package"
		version=$(dpkg-deb -f "$deb" Version)
		arch=$(dpkg-deb -f "$deb" Architecture)
		# reprepro skips an older version than the one it holds with only a warning and exits 0: decide here.
		current=$(published "$package" "$arch")
		if [[ -n $current ]] && dpkg --compare-versions "$version" lt "$current"; then
			[[ -n $downgrade ]] || die "$deb: $package $version is older than the published $current; to go back," \
				"publish it with 'publish --downgrade' and roll it out with \"downgrade\": true (deploy/pi/README.md, Updates)"
			reprepro --basedir "$REPO" --silent $(only "$arch") remove stable "$package" || die "reprepro could not remove $package $current"
		fi
		reprepro --basedir "$REPO" --silent includedeb stable "$deb" || die "reprepro refused $deb"
		[[ $(published "$package" "$arch") == "$version" ]] || die "reprepro did not publish $package $version ($arch)"
	done
	reprepro --basedir "$REPO" list stable
}

# The version of PACKAGE for ARCH in the repository, or nothing. A package for "all" (the hub's) is listed under
# every architecture of the distribution, never under "all".
published() {
	[[ -d $REPO/db ]] || return 0
	reprepro --basedir "$REPO" $(only "$2") list stable "$1" | awk '{ print $3; exit }'
}

# reprepro's option that limits a command to ARCH: none for "all", which spans every architecture.
only() {
	[[ $1 == all ]] || echo "-A $1"
}

pin() {
	local hub=${1:-} version=${2:-} flag=${3:-}
	[[ $hub =~ ^[A-Za-z0-9_-]+$ ]] || die "pin: hub id '$hub' is not valid"
	[[ $version =~ ^[A-Za-z0-9.+~:-]+$ ]] || die "pin: '$version' is not a Debian version"
	[[ -z $flag || $flag == downgrade ]] || die "pin: the third word can only be 'downgrade'"
	reprepro --basedir "$REPO" list stable nara-hub | grep -qF " $version" || die "pin: $version is not published"
	mkdir -p "$REPO/pin"
	echo "$version${flag:+ $flag}" >"$REPO/pin/$hub.new"
	mv "$REPO/pin/$hub.new" "$REPO/pin/$hub"
}

case ${1:-} in
key) key ;;
publish) shift; publish "$@" ;;
pin) shift; pin "$@" ;;
*) die "usage: release-repo.sh key | publish [--downgrade] DEB... | pin HUB VERSION [downgrade]" ;;
esac
