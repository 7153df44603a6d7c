#!/usr/bin/env bash
# The demo: a simulated home raises a nurse's alert. Starts the local stack, builds Nära, runs one cloud ingest node
# and a hub with a simulated scale and cuff, sends a systolic of 85 mmHg as raw GATT bytes and prints the page where
# the nurse sees the alert. Runs until Ctrl-C (--once: stop as soon as the alert is on the page).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"

ONCE=false
[[ ${1:-} == --once ]] && ONCE=true
WEB_PORT=${NARA_DEMO_WEB_PORT:-8080}
HUB_PORT=${NARA_DEMO_HUB_PORT:-8081}
DEADLINE=${NARA_DEMO_TIMEOUT:-60}

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }

for port in "$WEB_PORT" "$HUB_PORT"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		die "port $port is in use (set NARA_DEMO_WEB_PORT / NARA_DEMO_HUB_PORT)"
	fi
done

deploy/dev/stack.sh up
say "building (mvn package, tests skipped; the test command runs them)"
mvn -B -q -ntp -DskipTests package -pl gateway,cloud-ingest -am

# shellcheck disable=SC1091
set -a && . .state/stack.env && set +a
DEMO=$NARA_STATE/demo
mkdir -p "$DEMO"
[[ -s $DEMO/api-key ]] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DEMO/api-key")
API_KEY=$(cat "$DEMO/api-key")

PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

java -jar cloud-ingest/target/nara-cloud-ingest.jar \
	--node-id demo-ingest --mqtt-url "$NARA_MQTT_URL" \
	--keystore "$NARA_PKI_DIR/nara-ingest.p12" --truststore "$NARA_PKI_DIR/truststore.p12" \
	--password-file "$NARA_PKI_DIR/keystore.password" \
	--influx-url "$NARA_INFLUX_URL" --influx-user "$NARA_INFLUX_USER" \
	--influx-password-file "$ROOT/.state/secrets/influx.password" --influx-db "$NARA_INFLUX_DB" \
	--pg-url "$NARA_PG_URL" --pg-user "$NARA_PG_USER" --pg-password-file "$ROOT/.state/secrets/postgres.password" \
	--http-port "$WEB_PORT" --api-key-file "$DEMO/api-key" >"$DEMO/ingest.log" 2>&1 &
PIDS+=($!)

java -jar gateway/target/nara-gateway.jar \
	--hub-id hub-dev-1 --mqtt-url "$NARA_MQTT_URL" \
	--keystore "$NARA_PKI_DIR/hub-dev-1.p12" --truststore "$NARA_PKI_DIR/truststore.p12" \
	--password-file "$NARA_PKI_DIR/keystore.password" \
	--data-dir "$DEMO/hub" --config deploy/dev/hub-config.json --http-port "$HUB_PORT" \
	--simulate --simulate-every 30 >"$DEMO/hub.log" 2>&1 &
PIDS+=($!)

# Wait for a condition with a deadline, never a fixed sleep.
wait_for() {
	local what=$1; shift
	local end=$((SECONDS + DEADLINE))
	until "$@" >/dev/null 2>&1; do
		((SECONDS < end)) || die "$what did not happen within ${DEADLINE}s; see $DEMO/ingest.log and $DEMO/hub.log"
		for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || die "a service exited; see $DEMO/*.log"; done
		sleep 0.2
	done
}
WEB=http://127.0.0.1:$WEB_PORT
HUB=http://127.0.0.1:$HUB_PORT
wait_for "the ingest becoming healthy" curl -fsS "$WEB/health"
hub_connected() { curl -fsS "$HUB/api/status" | grep -q '"connectedToCloud":true'; }
wait_for "the hub connecting to the cloud" hub_connected

say "the simulated cuff sends systolic 85 mmHg (raw GATT bytes, 0x2A35)"
stored=$(curl -fsS -X POST "$HUB/api/simulate/cuff?systolic=85&diastolic=55&pulse=92")
seq=$(printf '%s' "$stored" | grep -o '"ruleId":"systolic-low"[^}]*' | head -1 | grep -o '"seq":[0-9]*' | cut -d: -f2 || true)
[[ -z $seq ]] && seq=$(printf '%s' "$stored" | grep -o '{"seq":[0-9]*,"patientId":"[^"]*","ruleId":"systolic-low"' | grep -o '[0-9]\+' | head -1)
[[ -n $seq ]] || die "the hub raised no alert: $stored"
alert_on_page() { curl -fsS -H "Authorization: Bearer $API_KEY" "$WEB/api/alerts" | grep -q "\"hubId\":\"hub-dev-1\",\"seq\":$seq,"; }
wait_for "the alert reaching the nurse's page" alert_on_page

say "alert raised on the hub (seq $seq), stored in the cloud and shown to the nurse"
say "nurse's page:       $WEB/?key=$API_KEY"
say "hub status page:    $HUB/"
say "another low reading: curl -X POST '$HUB/api/simulate/cuff?systolic=82'"
say "logs:               $DEMO/ingest.log $DEMO/hub.log"
if $ONCE; then
	exit 0
fi
say "running; Ctrl-C stops the ingest and the hub (deploy/dev/stack.sh down stops the servers)"
wait "${PIDS[@]}"
