#!/usr/bin/env bash
# The peer that many teams would reach for, for a side-by-side measurement: Node-RED 4 (from npm) with a flow that
# subscribes to the hubs' batches with its own client certificate, checks the systolic threshold, and writes one
# InfluxDB point per observation with node-red-contrib-influxdb's batch node. It keeps no promise: no acks, no
# deduplication, nothing stored elsewhere while InfluxDB is down.
#
#   load-tools/node-red/peer.sh start RUN_DIR INFLUX_DB     (the dev stack must be up; writes RUN_DIR/pid)
#
# Node-RED is installed once into /var/cache/nara (outside the clone), keyed by the versions below.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
NODE_RED_VERSION=4.1.8
INFLUX_NODE_VERSION=0.7.0
CACHE=${NARA_CACHE:-/var/cache/nara}/node-red-$NODE_RED_VERSION-influxdb-$INFLUX_NODE_VERSION

say() { printf 'peer: %s\n' "$*"; }
die() { printf 'peer: error: %s\n' "$*" >&2; exit 1; }

[[ ${1:-} == start && $# -eq 3 ]] || die "usage: $0 start RUN_DIR INFLUX_DB"
RUN=$2
DB=$3
[[ $DB =~ ^[a-z_]+$ ]] || die "database name '$DB' must be lower-case letters and _"
command -v node >/dev/null && command -v npm >/dev/null || {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null || die "node and npm are needed"
}
if [[ ! -x $CACHE/node_modules/.bin/node-red ]]; then
	say "installing node-red@$NODE_RED_VERSION and node-red-contrib-influxdb@$INFLUX_NODE_VERSION into $CACHE"
	mkdir -p "$CACHE"
	npm install --silent --no-audit --no-fund --prefix "$CACHE" "node-red@$NODE_RED_VERSION" \
		"node-red-contrib-influxdb@$INFLUX_NODE_VERSION" >"$CACHE.log" 2>&1 || die "npm install failed; see $CACHE.log"
fi

# shellcheck disable=SC1091
set -a && . "$ROOT/.state/stack.env" && set +a
# Its own certificate and account (role "peer" in deploy/mosquitto/dynsec.sh: reads the hubs' batches, nothing else).
"$ROOT/deploy/dev/stack.sh" client nara-peer >/dev/null
curl -sf -K "$NARA_STATE/secrets/influx.curlrc" "$NARA_INFLUX_URL/query" --data-urlencode "q=DROP DATABASE $DB" >/dev/null
curl -sf -K "$NARA_STATE/secrets/influx.curlrc" "$NARA_INFLUX_URL/query" --data-urlencode "q=CREATE DATABASE $DB" >/dev/null

mkdir -p "$RUN"
INFLUX_PORT=${NARA_INFLUX_URL##*:}
UI_PORT=$((1880 + ${NARA_PORT_OFFSET:-0}))
sed -e "s|@PKI@|$NARA_PKI_DIR|g" -e "s|@MQTT_PORT@|$NARA_MQTT_PORT|g" -e "s|@INFLUX_PORT@|$INFLUX_PORT|g" \
	-e "s|@INFLUX_DB@|$DB|g" "$HERE/flow.template.json" >"$RUN/flows.json"
(umask 077 && printf '{"influx-peer":{"username":"%s","password":"%s"}}\n' "$NARA_INFLUX_USER" \
	"$NARA_INFLUX_PASSWORD" >"$RUN/flows_cred.json")
sed -e "s|@UI_PORT@|$UI_PORT|g" "$HERE/settings.template.js" >"$RUN/settings.js"

node "$CACHE/node_modules/node-red/red.js" --userDir "$RUN" --settings "$RUN/settings.js" >"$RUN/node-red.log" 2>&1 &
echo $! >"$RUN/pid"
end=$((SECONDS + 60))
until grep -q "Connected to broker" "$RUN/node-red.log" 2>/dev/null; do
	((SECONDS < end)) || die "Node-RED did not connect to the broker within 60 s; see $RUN/node-red.log"
	kill -0 "$(cat "$RUN/pid")" 2>/dev/null || die "Node-RED exited; see $RUN/node-red.log"
	sleep 0.5
done
say "Node-RED $NODE_RED_VERSION connected (pid $(cat "$RUN/pid"), editor on 127.0.0.1:$UI_PORT)"
