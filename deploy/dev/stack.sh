#!/usr/bin/env bash
# Local Nära server stack for development, tests and the demo: Mosquitto (mTLS +
# ACL), InfluxDB 1.x and PostgreSQL, on 127.0.0.1 only, with everything they
# write kept in one state folder. See deploy/README.md.
#
#   stack.sh up | down | status | env
#   stack.sh start SERVICE | stop SERVICE      SERVICE = broker | influx | postgres
#   stack.sh reload broker                      re-read the CRL (SIGHUP; the ingest runs this)
#
# State folder: $NARA_STATE, default <repo root>/.state.
set -euo pipefail

# Daemons and admin tools live in sbin, which a non-login PATH may lack.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
DEPLOY_DIR=$(dirname "$SCRIPT_DIR")
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd -P)

# Ports and the bind address must match the templates under deploy/.
HOST=127.0.0.1
# NARA_PORT_OFFSET moves all four, so a second stack (fault-injection tests, which stop and start servers) can run
# beside the first with its own NARA_STATE.
PORT_OFFSET=${NARA_PORT_OFFSET:-0}
[[ $PORT_OFFSET =~ ^[0-9]{1,4}$ ]] || { echo "stack: NARA_PORT_OFFSET must be a number below 10000" >&2; exit 2; }
MQTT_PORT=$((18883 + PORT_OFFSET))
INFLUX_PORT=$((18086 + PORT_OFFSET))
INFLUX_RPC_PORT=$((18088 + PORT_OFFSET))
PG_PORT=$((15432 + PORT_OFFSET))
INFLUX_USER=nara
INFLUX_DB=nara
PG_USER=nara
PG_DB=nara
SERVICES=(broker influx postgres)
START_TIMEOUT=${NARA_START_TIMEOUT:-90}
STOP_TIMEOUT=${NARA_STOP_TIMEOUT:-60}
# Unprivileged account for the servers when this script runs as root.
SVC_USER=nara-dev

log() { printf 'stack: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

usage() {
	cat >&2 <<EOF
usage: $0 up|down|status|env
       $0 start|stop|kill broker|influx|postgres
       $0 freeze|thaw broker|influx|postgres   SIGSTOP/SIGCONT: a server that hangs (fault tests)
       $0 reload broker
       $0 client NAME      a client certificate (hub id, nara-ingest-*) known to the broker
       $0 account grant|remove NAME   a client's account at the running broker (no certificate made)
EOF
	exit 2
}

is_root() { [[ $EUID -eq 0 ]]; }

# Run a command as the account that owns the servers' files.
as_svc() {
	if is_root; then
		runuser -u "$SVC_USER" -- "$@"
	else
		"$@"
	fi
}

svc_owner() {
	if is_root; then echo "$SVC_USER"; else id -un; fi
}

# ---------------------------------------------------------------- state folder

# STATE_HOME is the folder the caller asked for (stack.env is always written
# there); STATE is where the servers actually live, which differs only when
# the service user cannot reach STATE_HOME (see pick_state).
resolve_state_home() {
	local requested=${NARA_STATE:-$REPO_ROOT/.state}
	if [[ ! -d $requested ]]; then
		mkdir -p "$(dirname "$requested")"
		# 0755 so the service user can traverse it, whatever the umask.
		mkdir -m 0755 "$requested"
	fi
	STATE_HOME=$(cd "$requested" && pwd -P)
	# Paths go unquoted into stack.env and server configs: keep them plain.
	[[ $STATE_HOME =~ ^/[A-Za-z0-9._/-]+$ ]] ||
		die "state folder '$STATE_HOME' may only contain letters, digits and . _ - /"
	STATE=$STATE_HOME
}

# As root the servers run as $SVC_USER, which must be able to reach the state
# folder. If a parent folder is closed to it (e.g. a repo under /root), use a
# folder under /var/tmp instead and say so.
pick_state() {
	is_root || return 0
	id -u "$SVC_USER" >/dev/null 2>&1 || return 0
	if runuser -u "$SVC_USER" -- test -x "$STATE_HOME/."; then
		return 0
	fi
	local sum
	sum=$(printf '%s' "$STATE_HOME" | cksum | cut -d' ' -f1)
	STATE=/var/tmp/nara-dev-state-$sum
	if [[ ! -e $STATE ]]; then
		mkdir -m 0755 "$STATE"
	fi
	# /var/tmp is world-writable: refuse a folder someone else planted there.
	[[ -d $STATE && ! -L $STATE && -O $STATE ]] || die "$STATE exists but is not a folder owned by $(id -un)"
	if [[ ${1:-} == loud ]]; then
		log "note: user $SVC_USER cannot traverse $STATE_HOME; servers keep their state in $STATE" \
			"(stack.env is written to both)"
	fi
}

lock_state() {
	exec 9>"$STATE_HOME/.lock"
	flock -w 300 9 || die "another stack.sh is still running (lock $STATE_HOME/.lock)"
}

# ------------------------------------------------------------------ installing

pg_bindir() {
	local version_file=$STATE/postgres/data/PG_VERSION dir
	# A data folder must be served by the major version that created it.
	if [[ -r $version_file ]]; then
		dir=/usr/lib/postgresql/$(<"$version_file")/bin
		[[ -x $dir/postgres ]] && { echo "$dir"; return 0; }
	fi
	dir=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
	[[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]] || return 1
	echo "$dir"
}

# CI starts from a machine with only Java and Maven: install what is missing.
ensure_packages() {
	local missing=()
	command -v mosquitto >/dev/null || missing+=(mosquitto)
	command -v mosquitto_pub >/dev/null || missing+=(mosquitto-clients)
	command -v influxd >/dev/null || missing+=(influxdb)
	pg_bindir >/dev/null || missing+=(postgresql)
	command -v openssl >/dev/null || missing+=(openssl)
	command -v curl >/dev/null || missing+=(curl)
	[[ ${#missing[@]} -eq 0 ]] && return 0

	local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0)
	if ! is_root; then
		command -v sudo >/dev/null || die "missing packages (${missing[*]}) and no sudo to install them"
		apt=(sudo "${apt[@]}")
	fi
	local aptlog=$STATE_HOME/apt.log
	log "installing ${missing[*]} (log: $aptlog)"
	# Only refresh the package lists when the install fails (a fresh machine
	# may have none); an update costs time and network otherwise.
	if ! "${apt[@]}" install --no-install-recommends "${missing[@]}" >"$aptlog" 2>&1; then
		log "install failed, running apt-get update and retrying"
		if ! { "${apt[@]}" update && "${apt[@]}" install --no-install-recommends "${missing[@]}"; } >>"$aptlog" 2>&1; then
			tail -n 20 "$aptlog" >&2
			die "could not install ${missing[*]}"
		fi
	fi
	pg_bindir >/dev/null || die "PostgreSQL binaries not found under /usr/lib/postgresql after install"
}

ensure_user() {
	is_root || return 0
	id -u "$SVC_USER" >/dev/null 2>&1 && return 0
	log "creating system user $SVC_USER to run the servers"
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin "$SVC_USER"
}

# mkdir_svc DIR...: folders owned by the service user, private to it.
mkdir_svc() {
	local d owner
	owner=$(svc_owner)
	for d in "$@"; do
		if [[ ! -d $d ]]; then
			install -d -m 0700 -o "$owner" -g "$(id -gn "$owner")" "$d"
		fi
	done
}

# touch_svc FILE: make sure a log file exists and belongs to the service user.
touch_svc() {
	[[ -e $1 ]] || as_svc touch "$1"
}

# ------------------------------------------------------------ secrets and PKI

# secret NAME: a random password generated once and kept in the state folder.
# Hex only, so it needs no quoting in shell, properties, SQL or URLs.
secret() {
	local f=$STATE/secrets/$1.password
	if [[ ! -s $f ]]; then
		(umask 077 && openssl rand -hex 16 >"$f")
	fi
	cat "$f"
}

ensure_secrets() {
	[[ -d $STATE/secrets ]] || mkdir -m 0700 "$STATE/secrets"
	INFLUX_PASSWORD=$(secret influx)
	PG_PASSWORD=$(secret postgres)
	PG_ADMIN_PASSWORD=$(secret postgres-admin)
	# curl config so the password stays off command lines (also for manual use:
	# curl -K $STATE/secrets/influx.curlrc ...).
	if [[ ! -s $STATE/secrets/influx.curlrc || $STATE/secrets/influx.password -nt $STATE/secrets/influx.curlrc ]]; then
		(umask 077 && printf 'user = "%s:%s"\n' "$INFLUX_USER" "$INFLUX_PASSWORD" >"$STATE/secrets/influx.curlrc")
	fi
}

ensure_pki() {
	local pki=$STATE/pki
	"$DEPLOY_DIR/pki/dev-pki.sh" "$pki"
	# The broker (service user) reads its own key, nothing else that is secret.
	if is_root; then
		chgrp "$SVC_USER" "$pki/broker.key"
		chmod 0640 "$pki/broker.key"
	fi
}

# ------------------------------------------------------------ process helpers

# alive PID: the process exists and is not a zombie (PID 1 here may not reap).
alive() {
	local st
	[[ -r /proc/$1/stat ]] || return 1
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
	[[ -n $st && $st != Z ]]
}

# svc_pid SERVICE: print the server's pid if it is running.
svc_pid() {
	local pidfile comm pid
	case $1 in
	broker) pidfile=$STATE/mosquitto/mosquitto.pid comm=mosquitto ;;
	influx) pidfile=$STATE/influxdb/influxd.pid comm=influxd ;;
	postgres) pidfile=$STATE/postgres/data/postmaster.pid comm=postgres ;;
	*) return 1 ;;
	esac
	[[ -r $pidfile ]] || return 1
	pid=$(head -n 1 "$pidfile" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	# The name check guards against a stale pid file and a reused pid.
	[[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$comm" ]] || return 1
	alive "$pid" || return 1
	echo "$pid"
}

svc_port() {
	case $1 in
	broker) echo "$MQTT_PORT" ;;
	influx) echo "$INFLUX_PORT" ;;
	postgres) echo "$PG_PORT" ;;
	esac
}

# listening PORT [any]: a TCP socket listens on 127.0.0.1:PORT (or any address).
# Read from /proc so that probing does not open connections (and log noise).
listening() {
	local hex addr='0100007F'
	hex=$(printf '%04X' "$1")
	[[ ${2:-} == any ]] && addr='[0-9A-F]+'
	grep -qE "^ *[0-9]+: $addr:$hex [0-9A-F]+:0000 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

pg_socket_dir() {
	local dir=$STATE/postgres/run
	# Unix socket paths are limited to 107 bytes; fall back for deep folders.
	if ((${#dir} + 16 > 107)); then
		dir=/tmp/nara-dev-pg-$(printf '%s' "$STATE" | cksum | cut -d' ' -f1)
	fi
	echo "$dir"
}

ready() {
	case $1 in
	broker) listening "$MQTT_PORT" ;;
	influx) [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:$INFLUX_PORT/ping")" == 204 ]] ;;
	postgres) "$(pg_bindir)/pg_isready" -q -h "$HOST" -p "$PG_PORT" -t 2 ;;
	esac
}

svc_log() {
	case $1 in
	broker) echo "$STATE/mosquitto/mosquitto.log" ;;
	influx) echo "$STATE/influxdb/influxd.log" ;;
	postgres) echo "$STATE/postgres/postgres.log" ;;
	esac
}

# wait_ready SERVICE: poll until it answers; give up at the deadline, or early
# when the process is gone for good.
wait_ready() {
	local svc=$1 deadline=$((SECONDS + START_TIMEOUT)) grace=$((SECONDS + 5))
	until ready "$svc"; do
		if ((SECONDS >= deadline)) || { ((SECONDS >= grace)) && ! svc_pid "$svc" >/dev/null; }; then
			log "$svc did not become ready; last lines of $(svc_log "$svc"):"
			tail -n 20 "$(svc_log "$svc")" >&2 2>/dev/null || true
			die "$svc failed to start"
		fi
		sleep 0.1
	done
}

# ------------------------------------------------------------------- starting

start_broker() {
	local d=$STATE/mosquitto
	mkdir_svc "$d" "$d/data"
	# Regenerated on every start so template and access-control edits take
	# effect: every client certificate of the PKI gets its rights, and so does
	# every account granted live (hubs that enrolled: `account grant`).
	local names=() crt n
	for crt in "$STATE"/pki/*.crt; do
		n=$(basename "$crt" .crt)
		[[ $n == ca || $n == broker || $n == est || $n == web ]] || names+=("$n")
	done
	if [[ -s $d/granted ]]; then
		mapfile -t -O "${#names[@]}" names < <(sort -u "$d/granted")
	fi
	"$DEPLOY_DIR/mosquitto/dynsec.sh" config "${names[@]}" >"$d/dynamic-security.json.tmp"
	rm -f "$d/acl"
	chmod 0600 "$d/dynamic-security.json.tmp"
	is_root && chown "$SVC_USER" "$d/dynamic-security.json.tmp"
	mv -f "$d/dynamic-security.json.tmp" "$d/dynamic-security.json"
	broker_config_sum >"$d/config.sum"
	sed -e "s#@STATE@#$STATE#g" -e "s#@PKI@#$STATE/pki#g" -e "s#@MQTT_PORT@#$MQTT_PORT#g" \
		-e "s#@MULTIARCH@#$(multiarch)#g" \
		"$DEPLOY_DIR/mosquitto/mosquitto.conf.template" >"$d/mosquitto.conf.tmp"
	chmod 0644 "$d/mosquitto.conf.tmp"
	mv -f "$d/mosquitto.conf.tmp" "$d/mosquitto.conf"
	touch_svc "$d/mosquitto.log"
	# -d: mosquitto daemonizes itself and writes pid_file. One descriptor per connected hub: the soft limit (often
	# 1024) is raised to the hard one so a simulated fleet of 10 000 hubs can connect (deploy/dev/fleet.sh). Raised
	# in the service user's own shell: runuser's PAM session sets the limits anew.
	# shellcheck disable=SC2016 # expanded by the service user's shell
	as_svc sh -c 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec mosquitto -c "$1" -d' mosquitto "$d/mosquitto.conf"
}

broker_config_sum() {
	cat "$DEPLOY_DIR/mosquitto/mosquitto.conf.template" "$DEPLOY_DIR/mosquitto/dynsec.sh" | cksum
}

# The library folder of the broker's plugin (x86_64-linux-gnu, aarch64-linux-gnu).
multiarch() {
	dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null ||
		echo "$(uname -m)-linux-gnu"
}

# add_client NAME: a client certificate for NAME (made if missing) and, when
# the broker runs, its rights granted live through the dynamic-security
# plugin's $CONTROL topic (as nara-broker-admin). A broker that is down gets
# them from the PKI at its next start.
cmd_client() {
	local name=$1 pki=$STATE/pki
	"$DEPLOY_DIR/pki/dev-pki.sh" "$pki" "$name"
	svc_pid broker >/dev/null || return 0
	cmd_account grant "$name"
}

# A client's account at the running broker, without a certificate of the dev PKI: the ingest grants a hub that
# enrolled (EST) and removes a revoked or returned one (--broker-account-command "stack.sh account").
cmd_account() {
	local action=$1 name=$2 pki=$STATE/pki response request
	case $action in
	grant) request=$("$DEPLOY_DIR/mosquitto/dynsec.sh" add "$name") ;;
	remove) request=$("$DEPLOY_DIR/mosquitto/dynsec.sh" remove "$name") ;;
	*) usage ;;
	esac
	svc_pid broker >/dev/null || die "the broker is not running: cannot $action $name"
	response=$(mosquitto_rr -h "$HOST" -p "$MQTT_PORT" -V mqttv5 --cafile "$pki/ca.crt" \
		--cert "$pki/nara-broker-admin.crt" --key "$pki/nara-broker-admin.key" -i "nara-broker-admin" \
		-t '$CONTROL/dynamic-security/v1' -e '$CONTROL/dynamic-security/v1/response' -W 10 \
		-m "$request") || die "the broker did not answer ($action $name): $response"
	# Idempotent: granting twice ("already exists") and removing what is gone ("not found") are no errors.
	if grep -o '"error":"[^"]*"' <<<"$response" | grep -v -e 'already exists' -e 'not found' >&2; then
		die "the broker refused to $action $name: $response"
	fi
	# Remembered for the broker's next start, which writes its access control anew.
	local granted=$STATE/mosquitto/granted
	(
		flock 8
		{ [[ -s $granted ]] && grep -vx -- "$name" "$granted" || true; } >"$granted.tmp"
		[[ $action == grant ]] && echo "$name" >>"$granted.tmp"
		mv -f "$granted.tmp" "$granted"
	) 8>"$granted.lock"
}

start_influx() {
	local d=$STATE/influxdb
	mkdir_svc "$d" "$d/meta" "$d/data" "$d/wal"
	sed -e "s#@STATE@#$STATE#g" -e "s#@INFLUX_PORT@#$INFLUX_PORT#g" -e "s#@INFLUX_RPC_PORT@#$INFLUX_RPC_PORT#g" \
		"$DEPLOY_DIR/influxdb/influxdb.conf" >"$d/influxdb.conf.tmp"
	chmod 0644 "$d/influxdb.conf.tmp"
	mv -f "$d/influxdb.conf.tmp" "$d/influxdb.conf"
	touch_svc "$d/influxd.log"
	# influxd does not daemonize: setsid -f detaches it from this shell and
	# terminal; its output goes to the log file.
	as_svc setsid -f influxd run -config "$d/influxdb.conf" -pidfile "$d/influxd.pid" \
		>>"$d/influxd.log" 2>&1 </dev/null
}

start_postgres() {
	local d=$STATE/postgres bin sock owner
	bin=$(pg_bindir) || die "PostgreSQL is not installed"
	sock=$(pg_socket_dir)
	owner=$(svc_owner)
	mkdir_svc "$d" "$sock"
	[[ ! -L $sock ]] || die "$sock is a symlink; refusing to put the PostgreSQL socket there"
	if [[ ! -s $d/data/PG_VERSION ]]; then
		# A folder without PG_VERSION is a failed earlier initdb: start over.
		rm -rf "$d/data"
		log "initializing PostgreSQL cluster in $d/data"
		# The superuser is the service account (peer auth on the socket);
		# its password (for TCP) comes from a file readable only by it.
		install -m 0600 -o "$owner" /dev/null "$d/initdb.pw"
		printf '%s\n' "$PG_ADMIN_PASSWORD" >"$d/initdb.pw"
		if ! as_svc "$bin/initdb" -D "$d/data" -U "$owner" --pwfile="$d/initdb.pw" \
			--auth-local=peer --auth-host=scram-sha-256 \
			--encoding=UTF8 --locale=C.UTF-8 --data-checksums >"$d/initdb.log" 2>&1; then
			rm -f "$d/initdb.pw"
			tail -n 20 "$d/initdb.log" >&2
			die "initdb failed (log: $d/initdb.log)"
		fi
		rm -f "$d/initdb.pw"
		printf "\n# Nära dev stack settings (deploy/postgres/nara-dev.conf.template)\ninclude 'nara-dev.conf'\n" |
			as_svc tee -a "$d/data/postgresql.conf" >/dev/null
	fi
	sed -e "s#@SOCKET_DIR@#$sock#g" -e "s#@PG_PORT@#$PG_PORT#g" "$DEPLOY_DIR/postgres/nara-dev.conf.template" |
		as_svc tee "$d/data/nara-dev.conf" >/dev/null
	touch_svc "$d/postgres.log"
	# A server killed hard (fault tests) leaves its postmaster.pid and its socket's lock file behind. While the
	# killed process lingers as a zombie nobody has reaped yet (or its pid is another process's now), PostgreSQL
	# takes either for a live postmaster and refuses to start. start_svc found no live server of this stack: a lock
	# naming anything but a live postgres on this data folder is stale.
	local lock stale
	for lock in "$d/data/postmaster.pid" "$sock/.s.PGSQL.$PG_PORT.lock"; do
		stale=$(head -n 1 "$lock" 2>/dev/null || true)
		if [[ $stale =~ ^[0-9]+$ ]] &&
			! { alive "$stale" && tr '\0' ' ' <"/proc/$stale/cmdline" 2>/dev/null | grep -qF -- "$d/data"; }; then
			rm -f "$lock"
		fi
	done
	# -W: do not wait here; wait_ready polls pg_isready with our deadline.
	as_svc "$bin/pg_ctl" -D "$d/data" -l "$d/postgres.log" -W start >/dev/null
}

start_svc() {
	local svc=$1 port ports pid
	if pid=$(svc_pid "$svc"); then
		# A server a fault test froze and left so is running again after a start.
		kill -CONT "$pid" 2>/dev/null || true
		# A broker started from an older configuration (template or access
		# control changed since) is restarted once; sessions survive on disk.
		if [[ $svc == broker && "$(broker_config_sum)" != "$(cat "$STATE/mosquitto/config.sum" 2>/dev/null)" ]]; then
			log "broker configuration changed: restarting the broker"
			stop_many broker
		else
			return 0
		fi
	fi
	ports=("$(svc_port "$svc")")
	[[ $svc == influx ]] && ports+=("$INFLUX_RPC_PORT")
	for port in "${ports[@]}"; do
		if listening "$port" any; then
			die "port $port is taken by a process that is not this stack's $svc (state $STATE)"
		fi
	done
	log "starting $svc"
	# 9>&-: the servers must not inherit (and so hold) the state lock.
	"start_$svc" 9>&-
}

# ------------------------------------------------------------------ bootstrap

influx_query() { # influx_query OUTFILE QUERY: print the HTTP status
	curl -sS -o "$1" -w '%{http_code}' --max-time 10 -K "$STATE/secrets/influx.curlrc" \
		--data-urlencode "q=$2" "http://$HOST:$INFLUX_PORT/query"
}

bootstrap_influx() {
	local out=$STATE/influxdb/bootstrap.out code
	code=$(influx_query "$out" "CREATE DATABASE $INFLUX_DB")
	if [[ $code != 200 ]] && grep -q 'create admin user first' "$out"; then
		# 1.x accepts this one statement without credentials while no admin
		# exists. The query comes from stdin to keep the password off argv.
		log "creating InfluxDB admin user $INFLUX_USER"
		code=$(printf "CREATE USER %s WITH PASSWORD '%s' WITH ALL PRIVILEGES" "$INFLUX_USER" "$INFLUX_PASSWORD" |
			curl -sS -o "$out" -w '%{http_code}' --max-time 10 --data-urlencode "q@-" \
				"http://$HOST:$INFLUX_PORT/query")
		[[ $code == 200 ]] || die "creating the InfluxDB user failed: $(cat "$out")"
		code=$(influx_query "$out" "CREATE DATABASE $INFLUX_DB")
	fi
	if [[ $code != 200 ]] || grep -q '"error"' "$out"; then
		die "InfluxDB bootstrap failed (HTTP $code): $(cat "$out")"
	fi
}

bootstrap_postgres() {
	local bin sock
	bin=$(pg_bindir)
	sock=$(pg_socket_dir)
	# Over the socket as the superuser (peer). Idempotent: the role's password
	# is reset to the stored one each time, the database is created once.
	as_svc "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$PG_PORT" -d postgres >/dev/null <<SQL
\\set pw '$PG_PASSWORD'
SELECT format('CREATE ROLE %I LOGIN CREATEDB', '$PG_USER')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER') \\gexec
ALTER ROLE $PG_USER WITH LOGIN CREATEDB PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', '$PG_DB', '$PG_USER')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB') \\gexec
SQL
}

bootstrap() {
	case $1 in
	influx) bootstrap_influx ;;
	postgres) bootstrap_postgres ;;
	broker) : ;;
	esac
}

# ------------------------------------------------------------------- stopping

stop_signal() {
	case $1 in
	# mosquitto writes its persistence database on SIGTERM.
	broker) echo TERM ;;
	influx) echo TERM ;;
	# SIGINT is PostgreSQL's "fast" shutdown: clean, with a checkpoint.
	postgres) echo INT ;;
	esac
}

# kill_hard SERVICE: SIGKILL, as a crash or the OOM killer would (fault tests); the server's own children too, so
# the next start is not refused for a shared-memory block a dying backend still holds.
kill_hard() {
	local pid children
	pid=$(svc_pid "$1") || return 0
	children=$(cat /proc/"$pid"/task/*/children 2>/dev/null || true)
	log "killing $1 (pid $pid) with SIGKILL"
	kill -KILL "$pid" $children 2>/dev/null || true
	while alive "$pid"; do sleep 0.05; done
	for pid in $children; do
		while alive "$pid"; do sleep 0.05; done
	done
}

# stop_many SERVICE...: signal all first, then wait, so a full down is quick.
stop_many() {
	local svc pid pids=() names=() i deadline
	for svc in "$@"; do
		if pid=$(svc_pid "$svc"); then
			log "stopping $svc (pid $pid)"
			kill "-$(stop_signal "$svc")" "$pid" 2>/dev/null || true
			pids+=("$pid")
			names+=("$svc")
		fi
	done
	deadline=$((SECONDS + STOP_TIMEOUT))
	for i in "${!pids[@]}"; do
		while alive "${pids[$i]}"; do
			if ((SECONDS >= deadline)); then
				log "warning: ${names[$i]} did not stop in ${STOP_TIMEOUT}s, killing it"
				kill -KILL "${pids[$i]}" 2>/dev/null || true
				break
			fi
			sleep 0.1
		done
	done
}

# -------------------------------------------------------------------- stack.env

write_env() {
	local content dir
	content=$(
		cat <<EOF
NARA_STATE=$STATE
NARA_PKI_DIR=$STATE/pki
NARA_PKI_PASSWORD=$(cat "$STATE/pki/keystore.password")
NARA_CRL_FILE=$STATE/pki/crl.pem
NARA_MQTT_URL=ssl://$HOST:$MQTT_PORT
NARA_MQTT_HOST=$HOST
NARA_MQTT_PORT=$MQTT_PORT
NARA_INFLUX_URL=http://$HOST:$INFLUX_PORT
NARA_INFLUX_USER=$INFLUX_USER
NARA_INFLUX_PASSWORD=$INFLUX_PASSWORD
NARA_INFLUX_DB=$INFLUX_DB
NARA_INFLUX_RPC_PORT=$INFLUX_RPC_PORT
NARA_PG_URL=jdbc:postgresql://$HOST:$PG_PORT/$PG_DB
NARA_PG_HOST=$HOST
NARA_PG_PORT=$PG_PORT
NARA_PG_USER=$PG_USER
NARA_PG_PASSWORD=$PG_PASSWORD
NARA_PG_DB=$PG_DB
EOF
	)
	for dir in "$STATE" "$STATE_HOME"; do
		(umask 077 && printf '%s\n' "$content" >"$dir/stack.env.tmp")
		mv -f "$dir/stack.env.tmp" "$dir/stack.env"
	done
}

# ------------------------------------------------------------------- commands

# Everything a start needs: packages, user, state folder, PKI, passwords.
prepare() {
	ensure_packages
	ensure_user
	pick_state loud
	cd "$STATE"
	ensure_secrets
	ensure_pki
}

# start_and_wait SERVICE...: launch all, then wait for each and bootstrap it.
start_and_wait() {
	local svc
	for svc in "$@"; do start_svc "$svc"; done
	for svc in "$@"; do wait_ready "$svc"; done
	for svc in "$@"; do bootstrap "$svc"; done
	write_env
}

cmd_status() {
	local svc pid rc=0
	for svc in "${SERVICES[@]}"; do
		if pid=$(svc_pid "$svc"); then
			printf '%-8s running  pid %-7s %s:%s\n' "$svc" "$pid" "$HOST" "$(svc_port "$svc")"
		else
			printf '%-8s stopped\n' "$svc"
			rc=3
		fi
	done
	return "$rc"
}

valid_service() {
	local s
	for s in "${SERVICES[@]}"; do [[ $1 == "$s" ]] && return 0; done
	die "unknown service '$1' (broker, influx, postgres)"
}

main() {
	[[ $# -ge 1 ]] || usage
	local cmd=$1
	shift
	case $cmd in
	up | down | status | env) [[ $# -eq 0 ]] || usage ;;
	start | stop | kill | freeze | thaw)
		[[ $# -eq 1 ]] || usage
		valid_service "$1"
		;;
	client) [[ $# -eq 1 ]] || usage ;;
	account) [[ $# -eq 2 && ($1 == grant || $1 == remove) ]] || usage ;;
	reload) [[ $# -eq 1 && $1 == broker ]] || usage ;;
	*) usage ;;
	esac

	resolve_state_home
	case $cmd in
	up)
		lock_state
		prepare
		start_and_wait "${SERVICES[@]}"
		cmd_status || true
		log "ready; environment in $STATE_HOME/stack.env"
		;;
	start)
		lock_state
		prepare
		start_and_wait "$1"
		;;
	stop)
		lock_state
		pick_state
		stop_many "$1"
		;;
	kill)
		lock_state
		pick_state
		kill_hard "$1"
		;;
	freeze | thaw)
		# A frozen server keeps its sockets: connections are accepted and requests go unanswered, unlike a
		# crash's refused connections. Its children too (PostgreSQL's backends).
		pick_state
		local pid children
		pid=$(svc_pid "$1") || die "$1 is not running"
		children=$(cat /proc/"$pid"/task/*/children 2>/dev/null || true)
		kill "-$([[ $cmd == freeze ]] && echo STOP || echo CONT)" "$pid" $children
		log "$1 (pid $pid): $cmd"
		;;
	down)
		lock_state
		pick_state
		stop_many "${SERVICES[@]}"
		;;
	status)
		pick_state
		cmd_status
		;;
	client)
		lock_state
		pick_state
		cmd_client "$1"
		;;
	account)
		# No lock, like reload: the ingest runs it while tests may hold the lock.
		pick_state
		cmd_account "$1" "$2"
		;;
	reload)
		# No lock: the ingest runs this after writing the CRL, also while another command holds the lock.
		# Mosquitto 2.0 re-reads its configuration, the crlfile included, on SIGHUP.
		pick_state
		local pid
		pid=$(svc_pid broker) || die "the broker is not running"
		kill -HUP "$pid"
		log "broker (pid $pid) told to re-read its CRL"
		;;
	env)
		[[ -r $STATE_HOME/stack.env ]] || die "no $STATE_HOME/stack.env yet: run '$0 up' first"
		cat "$STATE_HOME/stack.env"
		;;
	esac
}

main "$@"
