#!/usr/bin/env bash
# The fleet measurement: starts the local stack, builds Nära, runs ingest nodes in the shared subscription, optionally
# the Node-RED peer beside them, and the fleet simulator (load-tools) against the real broker; prints what each
# delivered. Bounded: the simulator stops after its --duration, and every process started here is stopped on exit.
#
#   deploy/dev/fleet.sh [--no-build] [--nodes N] [--peer] [--restart influx|broker --restart-after SECONDS] [--] [simulator options]
#   deploy/dev/fleet.sh --plain [--no-build] [--] [simulator options]
#
# --plain measures the broker's own ceiling: no ingest node, the hubs take the broker's PUBACK as their ack
# (--broker-acks), and a plain subscriber (mosquitto_sub, QoS 1, a peer's certificate) counts what the broker delivers.
#
# Simulator options: java -jar load-tools/target/nara-fleet-sim.jar --help (e.g. --hubs 1000 --duration PT5M).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"

NODES=1
BUILD=true
PEER=false
PLAIN=false
RESTART=""
RESTART_AFTER=30
while (($#)); do
	case $1 in
	--nodes) NODES=$2; shift 2 ;;
	--no-build) BUILD=false; shift ;;
	--peer) PEER=true; shift ;;
	--plain) PLAIN=true; NODES=0; shift ;;
	--restart) RESTART=$2; shift 2 ;;
	--restart-after) RESTART_AFTER=$2; shift 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
[[ $NODES =~ ^[1-8]$ ]] || $PLAIN || { echo "fleet: --nodes must be 1..8" >&2; exit 2; }
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
# The stack stack.sh just started: its own state folder when NARA_STATE names one (a second stack beside the first).
set -a && . "${NARA_STATE:-.state}/stack.env" && set +a
RUN=$NARA_STATE/fleet
mkdir -p "$RUN"
[[ -s $RUN/api-key ]] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN/api-key")
WEB_BASE=$((8700 + ${NARA_PORT_OFFSET:-0}))

PIDS=()
# Stops what this run started: SIGTERM, then SIGKILL for whatever is left after 20 s (a node out of heap may never
# finish its shutdown), so the run ends by itself and the next run finds its ports free.
cleanup() {
	local end=$((SECONDS + 20)) pid
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do
		while kill -0 "$pid" 2>/dev/null && ((SECONDS < end)); do sleep 0.2; done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
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

# CPU seconds used so far by every process of the stack's servers, one "name seconds" line each (postgres summed over
# its backends), so a run can say where the machine's CPU went.
server_cpu() {
	ps -eo comm=,times= | awk '$1 == "influxd" || $1 == "postgres" || $1 == "mosquitto" {s[$1] += $2} END {for (n in s) print n, s[n]}'
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

# The simulated hubs' broker accounts (sim-hub-0 .. sim-hub-<N-1>, load-tools Home.hubId) go into the dev broker's list
# of accounts granted live, and the broker is restarted once to load them when some were new. A restarted broker then
# keeps them, as a production broker's plugin keeps its file; and 10 000 accounts load at a start in seconds, where
# granting them live takes half an hour (Mosquitto 2.0's plugin rewrites its whole file after every command).
hubs=100
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	case ${args[i]} in
	--hubs) hubs=${args[i + 1]:-} ;;
	--hubs=*) hubs=${args[i]#--hubs=} ;;
	esac
done
[[ $hubs =~ ^[0-9]+$ ]] || die "--hubs must be a number"
granted=$NARA_STATE/mosquitto/granted
new_accounts=$({
	flock 8 # stack.sh's own lock on the list (`account grant`)
	seq -f 'sim-hub-%.0f' 0 $((hubs - 1)) | sort -u >"$RUN/hub-accounts"
	touch "$granted"
	comm -13 <(sort -u "$granted") "$RUN/hub-accounts" >"$RUN/hub-accounts.new"
	sort -u -o "$granted" "$granted" "$RUN/hub-accounts.new"
	wc -l <"$RUN/hub-accounts.new"
} 8>"$granted.lock")
if ((new_accounts > 0)); then
	say "$new_accounts simulated hubs' broker accounts added; restarting the broker to load them"
	deploy/dev/stack.sh stop broker && deploy/dev/stack.sh start broker
fi

INGEST_PIDS=()
for ((n = 1; n <= NODES; n++)); do
	# One certificate per node: the broker binds a client id to its certificate.
	deploy/dev/stack.sh client "nara-ingest-fleet-$n" >/dev/null
	# And one for its alert connection, so alerts never wait behind the backlog's batches.
	deploy/dev/stack.sh client "nara-ingest-fleet-$n-alerts" >/dev/null
	# Every hub message is authorised as a real hub's: the simulator enrols its homes through node 1's REST API.
	# shellcheck disable=SC2086 # FLEET_INGEST_JAVA_OPTS holds several flags, e.g. a flight recording
	java -Xmx512m -XX:+UseBiasedLocking ${FLEET_INGEST_JAVA_OPTS:-} -jar cloud-node/target/nara-cloud-ingest.jar \
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

if $PLAIN; then
	# A peer's account (reads the hubs' batches and nothing else, deploy/mosquitto/dynsec.sh) of its own, so it
	# never takes over Node-RED's session when both run.
	deploy/dev/stack.sh client nara-peer-plain >/dev/null
	# One line per batch delivered: its payload's length.
	mosquitto_sub -h 127.0.0.1 -p "$NARA_MQTT_PORT" --cafile "$NARA_PKI_DIR/ca.crt" \
		--cert "$NARA_PKI_DIR/nara-peer-plain.crt" --key "$NARA_PKI_DIR/nara-peer-plain.key" -i nara-peer-plain -q 1 \
		-t 'nara/v1/hub/+/obs' -F '%l' >"$RUN/plain-subscriber.out" 2>"$RUN/plain-subscriber.log" &
	PIDS+=($!)
	set -- --broker-acks --no-enrol "$@"
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
server_cpu >"$RUN/server-cpu-before"
run_started=$SECONDS
# The simulator enrols its homes through node 1 (patients, households, device bindings; cached in $RUN/enrolled-hubs).
java -Xmx2g -jar load-tools/target/nara-fleet-sim.jar --cloud "http://127.0.0.1:$((WEB_BASE + 1))" \
	--api-key-file "$RUN/api-key" "$@" | tee "$RUN/simulator.log"
run_seconds=$((SECONDS - run_started))
server_cpu >"$RUN/server-cpu-after"
say "servers' CPU during the run ($run_seconds s on $(nproc) cores, the simulator's enrolment and handshakes included): $(
	awk 'NR == FNR {b[$1] = $2; next} {d = $2 - b[$1]; printf "%s%s %s", sep, $1, d < 0 ? "restarted" : d " s"; sep = ", "}' \
		"$RUN/server-cpu-before" "$RUN/server-cpu-after")"

for ((n = 1; n <= NODES; n++)); do
	pid=${INGEST_PIDS[$((n - 1))]}
	say "ingest node $n: $(($(cpu_seconds "$pid") - ${cpu_before[$((n - 1))]})) s CPU during the run, peak RSS $(($(cat "$RUN/rss-ingest-$n" 2>/dev/null || echo 0) / 1024)) MB"
done
if $PLAIN; then
	say "plain subscriber: $(awk '{n++; b += $1} END {printf "%d batches, %.1f MB", n, b / 1e6}' "$RUN/plain-subscriber.out") delivered by the broker in the run"
fi
if [[ $RESTART != broker ]]; then
	say "broker: $((broker_rss_before / 1024)) MB resident before the hubs connected, peak $(($(cat "$RUN/rss-broker" 2>/dev/null || echo 0) / 1024)) MB"
fi
ingest_points=$(curl -sf -K "$NARA_STATE/secrets/influx.curlrc" "$NARA_INFLUX_URL/query" --data-urlencode "db=$NARA_INFLUX_DB" \
	--data-urlencode "q=SELECT count(value) FROM observation, \"raw_samples\".observation WHERE hub =~ /^sim-hub-/" | grep -o '"values":\[\[[^]]*' | awk -F, '{print $2}')
say "ingest: ${ingest_points:-0} simulated points stored in InfluxDB (all runs so far)"
if $PEER; then
	say "node-red: $(($(cpu_seconds "$NODE_RED_PID") - peer_cpu_before)) s CPU during the run, peak RSS $(($(cat "$RUN/rss-node-red" 2>/dev/null || echo 0) / 1024)) MB"
	peer_points=$(curl -sf -K "$NARA_STATE/secrets/influx.curlrc" "$NARA_INFLUX_URL/query" --data-urlencode "db=$PEER_DB" \
		--data-urlencode "q=SELECT count(value) FROM observation" | grep -o '"values":\[\[[^]]*' | awk -F, '{print $2}')
	say "node-red: ${peer_points:-0} points stored in InfluxDB database $PEER_DB (this run)"
fi
