#!/usr/bin/env bash
# The fleet measurement: starts the local stack, builds Nära, runs ingest nodes in the shared subscription, optionally
# the Node-RED peer beside them, and the fleet simulator (load-tools) against the real broker; prints what each
# delivered. Bounded: the simulator stops after its --duration, and every process started here is stopped on exit.
#
#   deploy/dev/fleet.sh [--no-build] [--nodes N] [--peer] [--restart influx|broker --restart-after SECONDS] [--] [simulator options]
#
# Simulator options: java -jar load-tools/target/nara-fleet-sim.jar --help (e.g. --hubs 1000 --duration PT5M).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"

NODES=1
BUILD=true
PEER=false
RESTART=""
RESTART_AFTER=30
while (($#)); do
	case $1 in
	--nodes) NODES=$2; shift 2 ;;
	--no-build) BUILD=false; shift ;;
	--peer) PEER=true; shift ;;
	--restart) RESTART=$2; shift 2 ;;
	--restart-after) RESTART_AFTER=$2; shift 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
[[ $NODES =~ ^[1-8]$ ]] || { echo "fleet: --nodes must be 1..8" >&2; exit 2; }
[[ -z $RESTART || $RESTART == influx || $RESTART == broker ]] || { echo "fleet: --restart influx|broker" >&2; exit 2; }

say() { printf 'fleet: %s\n' "$*"; }
die() { printf 'fleet: error: %s\n' "$*" >&2; exit 1; }

deploy/dev/stack.sh up
if $BUILD || [[ ! -s cloud-node/target/nara-cloud-ingest.jar || ! -s load-tools/target/nara-fleet-sim.jar ]]; then
	say "building (mvn package, tests skipped)"
	mvn -B -q -ntp -DskipTests -Dnara.fuzz.skip=true package -pl cloud-node,load-tools -am
fi
# Thousands of TLS connections: one descriptor each in the simulator (the broker's own limit is set by stack.sh).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# shellcheck disable=SC1091
set -a && . .state/stack.env && set +a
RUN=$NARA_STATE/fleet
mkdir -p "$RUN"
[[ -s $RUN/api-key ]] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN/api-key")
WEB_BASE=$((8700 + ${NARA_PORT_OFFSET:-0}))

PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

wait_for() {
	local what=$1 deadline=$2; shift 2
	local end=$((SECONDS + deadline))
	until "$@" >/dev/null 2>&1; do
		((SECONDS < end)) || die "$what did not happen within ${deadline}s; see $RUN/*.log"
		sleep 0.5
	done
}

# Seconds of CPU a process has used so far (user + system), from /proc.
cpu_seconds() {
	local ticks
	ticks=$(awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0)
	echo $((ticks / $(getconf CLK_TCK)))
}

# The largest resident size of each process, sampled every second into $RUN/rss-<name>.
sample_rss() {
	local name=$1 pid=$2
	(
		max=0
		while kill -0 "$pid" 2>/dev/null; do
			rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
			((rss > max)) && max=$rss && echo "$max" >"$RUN/rss-$name"
			sleep 1
		done
	) &
	PIDS+=($!)
}

INGEST_PIDS=()
for ((n = 1; n <= NODES; n++)); do
	# One certificate per node: the broker binds a client id to its certificate.
	deploy/dev/stack.sh client "nara-ingest-fleet-$n" >/dev/null
	# And one for its alert connection, so alerts never wait behind the backlog's batches.
	deploy/dev/stack.sh client "nara-ingest-fleet-$n-alerts" >/dev/null
	# Every hub message is authorised as a real hub's: the simulator enrols its homes through node 1's REST API.
	java -Xmx512m -jar cloud-node/target/nara-cloud-ingest.jar \
		--node-id "fleet-ingest-$n" --mqtt-url "$NARA_MQTT_URL" \
		--keystore "$NARA_PKI_DIR/nara-ingest-fleet-$n.p12" --truststore "$NARA_PKI_DIR/truststore.p12" \
		--alert-keystore "$NARA_PKI_DIR/nara-ingest-fleet-$n-alerts.p12" \
		--password-file "$NARA_PKI_DIR/keystore.password" \
		--influx-url "$NARA_INFLUX_URL" --influx-user "$NARA_INFLUX_USER" \
		--influx-password-file "$NARA_STATE/secrets/influx.password" --influx-db "$NARA_INFLUX_DB" \
		--pg-url "$NARA_PG_URL" --pg-user "$NARA_PG_USER" --pg-password-file "$NARA_STATE/secrets/postgres.password" \
		--http-port $((WEB_BASE + n)) --api-key-file "$RUN/api-key" --insecure-cookies >"$RUN/ingest-$n.log" 2>&1 &
	INGEST_PIDS+=($!)
	PIDS+=($!)
done
for ((n = 1; n <= NODES; n++)); do
	wait_for "ingest node $n's /health" 120 curl -sf "http://127.0.0.1:$((WEB_BASE + n))/health"
	sample_rss "ingest-$n" "${INGEST_PIDS[$((n - 1))]}"
done
say "$NODES ingest node(s) ready"

PEER_DB=nara_peer
if $PEER; then
	load-tools/node-red/peer.sh start "$RUN/node-red" "$PEER_DB"
	NODE_RED_PID=$(cat "$RUN/node-red/pid")
	PIDS+=("$NODE_RED_PID")
	sample_rss node-red "$NODE_RED_PID"
fi

if [[ -n $RESTART ]]; then
	(
		sleep "$RESTART_AFTER"
		say "restarting $RESTART"
		deploy/dev/stack.sh stop "$RESTART" && deploy/dev/stack.sh start "$RESTART"
		say "$RESTART is back"
	) &
	PIDS+=($!)
fi

# The broker's resident size before the hubs connect and at its peak: its memory per connection.
BROKER_PID=$(cat "$NARA_STATE/mosquitto/mosquitto.pid")
broker_rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$BROKER_PID/status" 2>/dev/null || echo 0)
[[ $RESTART == broker ]] || sample_rss broker "$BROKER_PID"

cpu_before=()
for pid in "${INGEST_PIDS[@]}"; do cpu_before+=("$(cpu_seconds "$pid")"); done
$PEER && peer_cpu_before=$(cpu_seconds "$NODE_RED_PID")
# The simulator enrols its homes through node 1 (patients, households, device bindings; cached in $RUN/enrolled-hubs).
java -Xmx2g -jar load-tools/target/nara-fleet-sim.jar --cloud "http://127.0.0.1:$((WEB_BASE + 1))" \
	--api-key-file "$RUN/api-key" "$@" | tee "$RUN/simulator.log"

for ((n = 1; n <= NODES; n++)); do
	pid=${INGEST_PIDS[$((n - 1))]}
	say "ingest node $n: $(($(cpu_seconds "$pid") - ${cpu_before[$((n - 1))]})) s CPU during the run, peak RSS $(($(cat "$RUN/rss-ingest-$n" 2>/dev/null || echo 0) / 1024)) MB"
done
if [[ $RESTART != broker ]]; then
	say "broker: $((broker_rss_before / 1024)) MB resident before the hubs connected, peak $(($(cat "$RUN/rss-broker" 2>/dev/null || echo 0) / 1024)) MB"
fi
ingest_points=$(curl -sf -K "$NARA_STATE/secrets/influx.curlrc" "$NARA_INFLUX_URL/query" --data-urlencode "db=$NARA_INFLUX_DB" \
	--data-urlencode "q=SELECT count(value) FROM observation, \"raw_samples\".observation WHERE hub =~ /^sim-hub-/" | grep -o '"values":\[\[[^]]*' | awk -F, '{print $2}')
say "ingest: ${ingest_points:-0} simulated points stored in InfluxDB (all runs so far)"
if $PEER; then
	say "node-red: $(($(cpu_seconds "$NODE_RED_PID") - peer_cpu_before)) s CPU during the run, peak RSS $(($(cat "$RUN/rss-node-red" 2>/dev/null || echo 0) / 1024)) MB"
	peer_points=$(curl -sf -K "$NARA_STATE/secrets/influx.curlrc" "$NARA_INFLUX_URL/query" --data-urlencode "db=$PEER_DB" \
		--data-urlencode "q=SELECT count(value) FROM observation, \"raw_samples\".observation" | grep -o '"values":\[\[[^]]*' | awk -F, '{print $2}')
	say "node-red: ${peer_points:-0} points stored in InfluxDB database $PEER_DB (this run)"
fi
