#!/usr/bin/env bash
# Development PKI for the local stack: a CA, the broker's server certificate and
# client certificates whose CN is the MQTT username (mosquitto's
# use_identity_as_username), the web app's HTTPS certificate (web.p12, for
# localhost and 127.0.0.1), plus PKCS12 keystores for the Java services.
# The same CA is the development hub CA: the ingest signs hubs' certificate
# requests with ca.key (EST, --hub-ca-key), serves EST with est.crt/est.key and
# keeps crl.pem (mosquitto's crlfile) up to date; this script only writes a
# first, empty CRL so the broker can start before the ingest. Production keeps
# the hub CA's key off the ingest's disk (see cloud-ingest/README.md).
#
#   dev-pki.sh OUT_DIR            create everything that is missing
#   dev-pki.sh OUT_DIR hub-xyz    create just one more client (a hub) if missing
#
# Idempotent: a file is (re)made only when it is missing, no longer chains to
# the current CA, or expires within 30 days. Never for production use.
set -euo pipefail

usage() {
	echo "usage: $0 OUT_DIR [CLIENT_NAME]" >&2
	exit 2
}
[[ $# -eq 1 || $# -eq 2 ]] || usage

OUT=$1
ONLY=${2:-}
DEFAULT_CLIENTS=(hub-dev-1 hub-dev-2 hub-dev-3 nara-ingest nara-broker-admin)
CA_DAYS=3650
LEAF_DAYS=1825
# Re-issue anything that expires within this many seconds (30 days).
RENEW_MARGIN=2592000

command -v openssl >/dev/null || { echo "dev-pki: openssl is not installed" >&2; exit 1; }
command -v keytool >/dev/null || { echo "dev-pki: keytool (Java 17) is not on PATH" >&2; exit 1; }

# The CN becomes an MQTT username and a topic level (ACL pattern %u), so
# MQTT wildcards, '/' and anything odd are refused here.
valid_name() { [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]]; }
if [[ -n $ONLY ]] && ! valid_name "$ONLY"; then
	echo "dev-pki: invalid client name '$ONLY' (allowed: letters, digits, . _ -)" >&2
	exit 2
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd -P)
# Keys are private to the owner; certificates are made world-readable below.
umask 077
# The broker (another user when run as root) must be able to enter the folder.
chmod 0755 "$OUT"

PASSFILE=$OUT/keystore.password
if [[ ! -s $PASSFILE ]]; then
	# Hex only: safe in shell, Java properties and URLs without quoting.
	openssl rand -hex 16 >"$PASSFILE"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# cert_ok NAME: the certificate exists, chains to the current CA, has its key
# and is not about to expire.
cert_ok() {
	local crt=$OUT/$1.crt key=$OUT/$1.key
	[[ -s $crt && -s $key ]] || return 1
	openssl verify -CAfile "$OUT/ca.crt" "$crt" >/dev/null 2>&1 || return 1
	openssl x509 -in "$crt" -noout -checkend "$RENEW_MARGIN" >/dev/null || return 1
	# The key must match the certificate (a half-finished earlier run).
	[[ "$(openssl x509 -in "$crt" -noout -pubkey)" == "$(openssl pkey -in "$key" -pubout)" ]]
}

ensure_ca() {
	if [[ -s $OUT/ca.crt && -s $OUT/ca.key ]] &&
		openssl x509 -in "$OUT/ca.crt" -noout -checkend "$RENEW_MARGIN" >/dev/null; then
		return 0
	fi
	echo "dev-pki: creating development CA in $OUT" >&2
	CA_NEW=1
	new_key "$OUT/ca.key"
	openssl req -x509 -new -key "$OUT/ca.key" -out "$OUT/ca.crt" -days "$CA_DAYS" \
		-subj "/O=Nara Dev/CN=Nara Development CA" \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	chmod 0644 "$OUT/ca.crt"
}

# sign FILE_NAME CN EXTENSIONS: new key + certificate signed by the CA.
sign() {
	local name=$1 cn=$2 ext=$3
	new_key "$OUT/$name.key"
	openssl req -new -key "$OUT/$name.key" -subj "/O=Nara Dev/CN=$cn" -out "$TMP/$name.csr"
	printf '%s\n' "[ext]" "$ext" >"$TMP/$name.ext"
	openssl x509 -req -in "$TMP/$name.csr" -CA "$OUT/ca.crt" -CAkey "$OUT/ca.key" \
		-set_serial "0x$(openssl rand -hex 16)" -days "$LEAF_DAYS" -sha256 \
		-extfile "$TMP/$name.ext" -extensions ext -out "$OUT/$name.crt" 2>/dev/null
	chmod 0644 "$OUT/$name.crt"
}

ensure_broker() {
	cert_ok broker && return 0
	echo "dev-pki: creating broker certificate (CN=localhost)" >&2
	sign broker localhost "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"
}

ensure_est() {
	cert_ok est && return 0
	echo "dev-pki: creating EST (hub enrolment) server certificate (CN=localhost)" >&2
	sign est localhost "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"
}

# crl_ok: crl.pem exists, is signed by the current CA and has not passed its
# next update (OpenSSL, and so the broker, refuses every client then).
crl_ok() {
	local next
	[[ -s $OUT/crl.pem ]] || return 1
	openssl crl -in "$OUT/crl.pem" -CAfile "$OUT/ca.crt" -noout 2>&1 | grep -q 'verify OK' || return 1
	next=$(openssl crl -in "$OUT/crl.pem" -noout -nextupdate | cut -d= -f2)
	[[ -n $next ]] && (($(date -d "$next" +%s) > $(date +%s) + 86400))
}

# A first CRL with nothing revoked; the ingest rewrites it from its register.
ensure_crl() {
	crl_ok && return 0
	echo "dev-pki: writing an empty CRL (crl.pem)" >&2
	: >"$TMP/index.txt"
	echo 01 >"$TMP/crlnumber"
	printf '%s\n' "[ca]" "default_ca = dev" "[dev]" "database = $TMP/index.txt" \
		"crlnumber = $TMP/crlnumber" "default_md = sha256" "default_crl_days = 30" >"$TMP/ca.cnf"
	openssl ca -gencrl -keyfile "$OUT/ca.key" -cert "$OUT/ca.crt" -config "$TMP/ca.cnf" \
		-out "$TMP/crl.pem" 2>"$TMP/crl.log" || { cat "$TMP/crl.log" >&2; exit 1; }
	chmod 0644 "$TMP/crl.pem"
	mv -f "$TMP/crl.pem" "$OUT/crl.pem"
}

# The web app's HTTPS certificate (the organisation's certificate in production), as a PKCS12 for Vert.x.
ensure_web() {
	if ! cert_ok web; then
		echo "dev-pki: creating the web server certificate (CN=localhost)" >&2
		sign web localhost "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"
	fi
	if [[ ! -s $OUT/web.p12 || $OUT/web.crt -nt $OUT/web.p12 || $PASSFILE -nt $OUT/web.p12 ]]; then
		openssl pkcs12 -export -name web -inkey "$OUT/web.key" -in "$OUT/web.crt" \
			-certfile "$OUT/ca.crt" -passout "file:$PASSFILE" -out "$TMP/web.p12"
		mv -f "$TMP/web.p12" "$OUT/web.p12"
	fi
}

ensure_client() {
	local name=$1
	if ! cert_ok "$name"; then
		echo "dev-pki: creating client certificate CN=$name" >&2
		sign "$name" "$name" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
	fi
	# PKCS12 with key + chain (leaf, CA) for Java's KeyStore.getInstance("PKCS12").
	if [[ ! -s $OUT/$name.p12 || $OUT/$name.crt -nt $OUT/$name.p12 || $PASSFILE -nt $OUT/$name.p12 ]]; then
		openssl pkcs12 -export -name "$name" -inkey "$OUT/$name.key" -in "$OUT/$name.crt" \
			-certfile "$OUT/ca.crt" -passout "file:$PASSFILE" -out "$TMP/$name.p12"
		mv -f "$TMP/$name.p12" "$OUT/$name.p12"
	fi
}

ensure_truststore() {
	local ts=$OUT/truststore.p12
	if [[ -s $ts && ! $OUT/ca.crt -nt $ts && ! $PASSFILE -nt $ts ]]; then
		return 0
	fi
	# keytool (not openssl) so the CA is a trustedCertEntry that Java trusts.
	rm -f "$TMP/truststore.p12"
	keytool -importcert -noprompt -alias nara-dev-ca -file "$OUT/ca.crt" \
		-storetype PKCS12 -keystore "$TMP/truststore.p12" -storepass:file "$PASSFILE" \
		>"$TMP/keytool.log" 2>&1 || { cat "$TMP/keytool.log" >&2; exit 1; }
	mv -f "$TMP/truststore.p12" "$ts"
}

CA_NEW=0
ensure_ca
ensure_truststore
# A new CA makes the old CRL unverifiable: crl_ok sees that.
ensure_crl
# A new CA invalidates every certificate, so then renew them all.
if [[ -n $ONLY && $CA_NEW -eq 0 ]]; then
	ensure_client "$ONLY"
else
	ensure_broker
	ensure_est
	ensure_web
	for c in "${DEFAULT_CLIENTS[@]}" ${ONLY:+"$ONLY"}; do
		ensure_client "$c"
	done
fi
