#!/usr/bin/env bash
# The demo: a simulated home raises a nurse's alert. Starts the local stack, builds Nära, runs one cloud ingest node
# and a hub with a simulated scale and cuff, sends a systolic of 85 mmHg as raw GATT bytes and a weight gain of 4.6 kg (the care plan's weight rule), and prints the page where
# the nurse sees the alert. Where the tools are installed it also drives the hub's real device transports (a CoAP/DTLS
# scale, an ASTM analyzer on a pseudo-terminal, a Bluetooth cuff behind a fake BlueZ) and says which ones it used. Runs until Ctrl-C (--once: stop as soon as the alert is on the page).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"

ONCE=false
[[ ${1:-} == --once ]] && ONCE=true
WEB_PORT=${NARA_DEMO_WEB_PORT:-8080}
HUB_PORT=${NARA_DEMO_HUB_PORT:-8081}
# Hub enrolment (EST over HTTPS); the fleet page registers hubs and shows their one-time codes.
EST_PORT=${NARA_DEMO_EST_PORT:-8443}
DEADLINE=${NARA_DEMO_TIMEOUT:-180}

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }

for port in "$WEB_PORT" "$HUB_PORT" "$EST_PORT"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		die "port $port is in use (set NARA_DEMO_WEB_PORT / NARA_DEMO_HUB_PORT / NARA_DEMO_EST_PORT)"
	fi
done

deploy/dev/stack.sh up
say "building (mvn package, tests skipped; the test command runs them)"
mvn -B -q -ntp -DskipTests package -pl gateway,cloud-node -am

# shellcheck disable=SC1091
# The stack stack.sh just started: its own state folder when NARA_STATE names one (a second stack beside the first).
set -a && . "${NARA_STATE:-.state}/stack.env" && set +a
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

# The simulated home drives the hub's real device transports (issue 4) wherever their tools are installed (the test
# command installs them): a CoAP/DTLS scale (libcoap's coap-client), an ASTM analyzer on a pseudo-terminal (socat and
# the simulated analyzer), a Bluetooth cuff behind a fake BlueZ on a private D-Bus (dbus-daemon, python3-dbusmock).
# Without them the home is what it always was: raw GATT bytes through the pipeline.
SIM=$ROOT/gateway/src/test/resources
PY=python3
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3
HUB_ARGS=()
REAL=()
MISSING=()
COAP_PORT=${NARA_DEMO_COAP_PORT:-15684}
COAP_KEY=demo-scale-key-0123
COAP_CLIENT=$(command -v coap-client-openssl || command -v coap-client-gnutls || true)
if [[ -n $COAP_CLIENT ]]; then
	(umask 077 && printf '# device=key\nip-scale-demo-1=%s\n' "$COAP_KEY" >"$DEMO/coap-psk")
	HUB_ARGS+=(--coap-psk-file "$DEMO/coap-psk" --coap-host 127.0.0.1 --coap-port "$COAP_PORT")
	REAL+=(coap)
else
	MISSING+=("CoAP/DTLS (libcoap3-bin)")
fi
if command -v socat >/dev/null && command -v "$PY" >/dev/null; then
	rm -f "$DEMO/hub-tty" "$DEMO/analyzer-tty"
	socat pty,raw,echo=0,link="$DEMO/hub-tty" pty,raw,echo=0,link="$DEMO/analyzer-tty" >"$DEMO/socat.log" 2>&1 &
	PIDS+=($!)
	wait_for "socat's pseudo-terminal pair" test -e "$DEMO/analyzer-tty" -a -e "$DEMO/hub-tty"
	HUB_ARGS+=(--analyzer "astm-serial:astm-demo-1:$DEMO/hub-tty:9600")
	REAL+=(astm)
else
	MISSING+=("ASTM on a pseudo-terminal (socat, python3)")
fi
if command -v dbus-daemon >/dev/null && "$PY" -c 'import dbusmock' 2>/dev/null; then
	rm -f "$DEMO/dbus.address" "$DEMO/fake-bluez.log" # a previous run's files must not pass the waits below
	dbus-daemon --config-file="$SIM/ble/bus.conf" --nofork --print-address=1 >"$DEMO/dbus.address" 2>"$DEMO/dbus.log" &
	PIDS+=($!)
	wait_for "the private D-Bus" grep -q '^unix:.*guid=' "$DEMO/dbus.address"
	BLE_BUS=$(head -1 "$DEMO/dbus.address")
	# A paired A&D cuff holding one stored reading (120/80, pulse 70): the hub sets its clock and fetches it by RACP.
	DBUS_SYSTEM_BUS_ADDRESS=$BLE_BUS "$PY" -u -m dbusmock --system -t "$SIM/ble/fake_bluez.py" -p '{"devices":[
		{"address":"AA:00:00:00:00:01","name":"A&D UA-651BLE","kind":"bp","uuids":["1810"],"paired":true,
		 "behaviour":"normal","battery":90,"stored":["06780050005d00ea070b170801004600"]}]}' >"$DEMO/fake-bluez.log" 2>&1 &
	PIDS+=($!)
	wait_for "the fake BlueZ" grep -q READY "$DEMO/fake-bluez.log"
	HUB_ARGS+=(--ble --ble-bus "$BLE_BUS")
	REAL+=(ble)
else
	MISSING+=("BLE through a fake BlueZ (dbus, python3-dbusmock)")
fi

# A second certificate for the node's alert connection: alerts never wait behind observation batches.
deploy/dev/stack.sh client nara-ingest-alerts >/dev/null
# Biased locking as in production: Paho copies each MQTT packet byte by byte through a synchronized stream (decision 0055).
java -XX:+UseBiasedLocking -jar cloud-node/target/nara-cloud-ingest.jar \
	--node-id demo-ingest --mqtt-url "$NARA_MQTT_URL" \
	--keystore "$NARA_PKI_DIR/nara-ingest.p12" --truststore "$NARA_PKI_DIR/truststore.p12" \
	--alert-keystore "$NARA_PKI_DIR/nara-ingest-alerts.p12" \
	--password-file "$NARA_PKI_DIR/keystore.password" \
	--influx-url "$NARA_INFLUX_URL" --influx-user "$NARA_INFLUX_USER" \
	--influx-password-file "$ROOT/.state/secrets/influx.password" --influx-db "$NARA_INFLUX_DB" \
	--pg-url "$NARA_PG_URL" --pg-user "$NARA_PG_USER" --pg-password-file "$ROOT/.state/secrets/postgres.password" \
	--http-port "$WEB_PORT" --api-key-file "$DEMO/api-key" \
	--https-keystore "$NARA_PKI_DIR/web.p12" --https-password-file "$NARA_PKI_DIR/keystore.password" \
	--hub-ca-cert "$NARA_PKI_DIR/ca.crt" --hub-ca-key "$NARA_PKI_DIR/ca.key" \
	--est-cert "$NARA_PKI_DIR/est.crt" --est-key "$NARA_PKI_DIR/est.key" --est-port "$EST_PORT" \
	--crl-file "$NARA_PKI_DIR/crl.pem" --crl-reload-command "$ROOT/deploy/dev/stack.sh reload broker" \
	--broker-account-command "$ROOT/deploy/dev/stack.sh account" \
	>"$DEMO/ingest.log" 2>&1 &
PIDS+=($!)

# HTTPS with the dev PKI's web certificate (Secure cookies, HSTS); curl trusts the dev CA, a browser is told below.
WEB=https://127.0.0.1:$WEB_PORT
export CURL_CA_BUNDLE=$NARA_PKI_DIR/ca.crt
HUB=http://127.0.0.1:$HUB_PORT
wait_for "the ingest becoming healthy" curl -fsS "$WEB/health"
# The dev organisation: a nurse on duty around the clock for patient-demo-1 (development passwords, printed below).
NURSE_USER=sjukskoterska NURSE_PASSWORD=nara-demo-sjukskoterska
curl -fsS -X POST -H "Authorization: Bearer $API_KEY" -H 'content-type: application/json' \
	--data-binary @deploy/dev/dev-organisation.json "$WEB/api/admin/organisation" >/dev/null \
	|| die "loading deploy/dev/dev-organisation.json failed; see $DEMO/ingest.log"
# A personal operator account (the shared key is for programs only, never in a browser); kept across demo runs.
OPERATOR_USER=systemdrift
OPERATOR_PASSWORD=nara-dev-lösenord-1
printf '%s\n' "$OPERATOR_PASSWORD" >"$DEMO/operator-password"
java -cp cloud-node/target/nara-cloud-ingest.jar io.nara.ingest.auth.OperatorCommand add \
	--pg-url "$NARA_PG_URL" --pg-user "$NARA_PG_USER" --pg-password-file "$ROOT/.state/secrets/postgres.password" \
	--id drift-demo --name "Olle Driftsson" --username "$OPERATOR_USER" --password-file "$DEMO/operator-password" \
	>"$DEMO/operator.log" 2>&1 || grep -q "is taken" "$DEMO/operator.log" \
	|| die "the demo's operator account could not be made; see $DEMO/operator.log"
# The hub, as an installer sets it up: its file holds only its identity (hub id, the one-time enrolment code from the
# fleet page) and the cloud's address. It makes its own key pair, enrols over EST (the ingest signs its certificate
# with the dev hub CA and grants it its account at the broker) and then connects with that certificate. A hub that
# enrolled in an earlier demo run keeps its identity in its data folder and needs no code.
if [[ ! -s $DEMO/hub/identity/hub.p12 ]]; then
	status=$(curl -sS -o "$DEMO/last-answer.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $API_KEY" \
		-H 'content-type: application/json' -d '{"hubId":"hub-dev-1","organisationId":"demo-kommun"}' "$WEB/api/fleet/hubs")
	[[ $status == 201 ]] || status=$(curl -sS -o "$DEMO/last-answer.json" -w '%{http_code}' -X POST \
		-H "Authorization: Bearer $API_KEY" "$WEB/api/fleet/hubs/hub-dev-1/code")
	[[ $status == 200 || $status == 201 ]] || die "registering hub-dev-1 answered $status: $(cat "$DEMO/last-answer.json")"
	(umask 077 && grep -o '"code":"[^"]*"' "$DEMO/last-answer.json" | cut -d'"' -f4 >"$DEMO/enrolment-code")
	say "hub-dev-1 registered in stock on the fleet page; its one-time enrolment code is in $DEMO/enrolment-code"
fi
# A hub that kept its outbox from an earlier run recognises the cuff's stored record and does not store it twice.
HUB_HAD_DATA=false
[[ -d $DEMO/hub ]] && HUB_HAD_DATA=true
java -jar gateway/target/nara-gateway.jar \
	--hub-id hub-dev-1 --mqtt-url "$NARA_MQTT_URL" \
	--enrol-url "https://127.0.0.1:$EST_PORT" --enrolment-code-file "$DEMO/enrolment-code" \
	--truststore "$NARA_PKI_DIR/ca.crt" \
	--data-dir "$DEMO/hub" --http-port "$HUB_PORT" \
	--simulate --simulate-every 30 --clock assume ${HUB_ARGS[@]+"${HUB_ARGS[@]}"} >"$DEMO/hub.log" 2>&1 &
PIDS+=($!)
hub_connected() { curl -fsS "$HUB/api/status" | grep -q '"connectedToCloud":true'; }
wait_for "the hub connecting to the cloud" hub_connected

# Enrolment, as the nurse does it on the enrolment page (the same API calls): the hub's file holds only its identity
# and the cloud's address; the patient, her household, her first care plan (the heart-failure template) and her
# devices come from the cloud, which from then on accepts from hub-dev-1 only what it reports for her and her devices.
NURSE_COOKIES=$DEMO/nurse.cookies
signin=$(curl -fsS -c "$NURSE_COOKIES" -H 'content-type: application/json' \
	-d "{\"username\":\"$NURSE_USER\",\"password\":\"$NURSE_PASSWORD\"}" "$WEB/api/signin") \
	|| die "the dev nurse could not sign in; see $DEMO/ingest.log"
CSRF=$(printf '%s' "$signin" | grep -o '"csrfToken":"[^"]*"' | cut -d'"' -f4)
as_nurse() { # METHOD PATH [JSON]: prints the HTTP status, the body goes to $DEMO/last-answer.json
	curl -sS -o "$DEMO/last-answer.json" -w '%{http_code}' -b "$NURSE_COOKIES" -X "$1" -H "X-CSRF-Token: $CSRF" \
		-H 'content-type: application/json' ${3:+--data-binary "$3"} "$WEB$2"
}
status=$(as_nurse POST /api/enrolment/patients '{"patientId":"patient-demo-1","name":"Demo Patient",
	"nationalId":"19121212-1212","teams":["demo-hemsjukvard","demo-jourlakare"],"respondsFirst":"demo-hemsjukvard",
	"hubId":"hub-dev-1","householdLabel":"Hemma hos Demo Patient",
	"phone":"070-174 06 05","address":"Storgatan 1, 123 45 Norrby",
	"careContactName":"Sara Lind","careContactRole":"Distriktssköterska","careContactPhone":"070-174 06 06"}')
case $status in
201) say "enrolled patient-demo-1 (19121212-1212) on hub-dev-1 with the heart-failure care plan" ;;
409) say "patient-demo-1 is already enrolled on hub-dev-1 (an earlier demo run)" ;;
*) die "enrolling the demo patient answered $status: $(cat "$DEMO/last-answer.json")" ;;
esac
for device in sim-cuff-1:sim-cuff sim-scale-1:sim-scale AA:00:00:00:00:01:and-ua-651ble \
	ip-scale-demo-1:generic-weight-scale astm-demo-1:roche-cobas-h-232; do
	id=${device%:*} model=${device##*:}
	status=$(as_nurse POST /api/enrolment/hubs/hub-dev-1/devices \
		"{\"deviceId\":\"$id\",\"model\":\"$model\",\"patientId\":\"patient-demo-1\"}")
	[[ $status == 200 ]] || die "binding $id answered $status: $(cat "$DEMO/last-answer.json")"
done
config_applied() { [[ $(as_nurse GET /api/enrolment/hubs/hub-dev-1) == 200 ]] \
	&& grep -q '"state":"APPLIED"' "$DEMO/last-answer.json"; }
wait_for "the hub applying the configuration from the cloud" config_applied
say "devices bound from the cloud; the hub reports the configuration applied"
# The patient page as the nurse opens it: the hub, the devices bound from the cloud and the plan's measurements.
patient_page() { [[ $(as_nurse GET /api/patients/patient-demo-1/overview) == 200 ]] \
	&& grep -q '"hub":{[^}]*"hubId":"hub-dev-1"' "$DEMO/last-answer.json" \
	&& grep -q '"deviceId":"sim-cuff-1"' "$DEMO/last-answer.json" \
	&& grep -q '"carePlanVersion":[0-9]' "$DEMO/last-answer.json" \
	&& grep -q '"adherence":\[{' "$DEMO/last-answer.json"; }
wait_for "the patient page showing her hub, devices and care plan" patient_page
say "patient page:       hub-dev-1, $(grep -o '"deviceId":"[^"]*"' "$DEMO/last-answer.json" | sort -u | wc -l) devices and the plan's expected measurements shown"

# Changing anything on the hub (the simulated home, pairing) takes the installer token the hub keeps in its data folder.
INSTALLER=(-H "Authorization: Bearer $(cat "$DEMO/hub/installer-token")")

# A normal reading first: the care plan raises one alert per episode, so an episode a previous demo run left open
# (the hub's data directory is kept) must be resolved before the low reading opens a new one.
curl -fsS -X POST "${INSTALLER[@]}" "$HUB/api/simulate/cuff?systolic=122&diastolic=78&pulse=70" >/dev/null
say "the simulated cuff sends systolic 85 mmHg (raw GATT bytes, 0x2A35)"
stored=$(curl -fsS -X POST "${INSTALLER[@]}" "$HUB/api/simulate/cuff?systolic=85&diastolic=55&pulse=92")
seq=$(printf '%s' "$stored" | grep -o '"ruleId":"systolic-low"[^}]*' | head -1 | grep -o '"seq":[0-9]*' | cut -d: -f2 || true)
[[ -z $seq ]] && seq=$(printf '%s' "$stored" | grep -o '{"seq":[0-9]*,"patientId":"[^"]*","ruleId":"systolic-low"' | grep -o '[0-9]\+' | head -1 || true)
[[ -n $seq ]] || die "the hub raised no alert: $stored"
alert_on_page() { curl -fsS -H "Authorization: Bearer $API_KEY" "$WEB/api/alerts" | grep -q "\"hubId\":\"hub-dev-1\",\"seq\":$seq,"; }
wait_for "the alert reaching the nurse's page" alert_on_page
nurse_sees_alert() { curl -fsS -b "$DEMO/nurse.cookies" "$WEB/api/inbox" | grep -q "\"hubId\":\"hub-dev-1\",\"seq\":$seq,"; }
wait_for "the alert reaching the signed-in nurse's inbox" nurse_sees_alert

say "alert raised on the hub (seq $seq), stored in the cloud and shown to the nurse"
# The care plan's weight rule (the heart-failure template's "gain over 2 kg in 3 days", in the plan the cloud sent
# the hub at enrolment): a weight at the usual level first (it closes an episode a previous demo run left open), then
# 4.6 kg more. The rule holds on the hub, and its alert reaches the cloud like the cuff's.
curl -fsS -X POST "${INSTALLER[@]}" "$HUB/api/simulate/scale?kg=81.5" >/dev/null
stored=$(curl -fsS -X POST "${INSTALLER[@]}" "$HUB/api/simulate/scale?kg=86.1")
wseq=$(printf '%s' "$stored" | grep -o '"ruleId":"weight-gain[^}]*' | head -1 | grep -o '"seq":[0-9]*' | cut -d: -f2 || true)
[[ -z $wseq ]] && wseq=$(printf '%s' "$stored" | grep -o '{"seq":[0-9]*,"patientId":"[^"]*","ruleId":"weight-gain' | grep -o '[0-9]\+' | head -1 || true)
[[ -n $wseq ]] || die "the weight gain raised no alert on the hub: $stored"
weight_alert_stored() { curl -fsS -H "Authorization: Bearer $API_KEY" "$WEB/api/alerts" | grep -q "\"hubId\":\"hub-dev-1\",\"seq\":$wseq,"; }
wait_for "the weight alert reaching the cloud" weight_alert_stored
say "weight alert:       81.5 -> 86.1 kg raised the care plan's weight rule on the hub (seq $wseq), stored in the cloud"
# The patient's doctor (the region's on-call team, in deploy/dev/dev-organisation.json) may change her care plan.
DOCTOR_COOKIES=$DEMO/doctor.cookies
curl -fsS -c "$DOCTOR_COOKIES" -H 'content-type: application/json' \
	-d '{"username":"lakare","password":"nara-demo-lakare"}' "$WEB/api/signin" >/dev/null \
	|| die "the dev doctor could not sign in; see $DEMO/ingest.log"
curl -fsS -b "$DOCTOR_COOKIES" "$WEB/api/patients/patient-demo-1/overview" | grep -q '"mayEditCarePlan":true' \
	|| die "the dev doctor may not change patient-demo-1's care plan"
# The real device transports: each sends one reading and the demo waits until the hub has stored it.
has_reading() { curl -fsS "$HUB/api/status" | grep -q "\"deviceId\":\"$1\",\"model\":\"[^\"]*\",\"patientId\":\"[^\"]*\",\"lastReading\":\""; }
for t in ${REAL[@]+"${REAL[@]}"}; do
	case $t in
	coap)
		# 2.04 comes back only once the outbox holds the weight; a failure makes coap-client exit non-zero
		if "$COAP_CLIENT" -m post -t 110 -B 10 -u ip-scale-demo-1 -k "$COAP_KEY" \
			-e '[{"bn":"urn:dev:ip-scale-demo-1:","n":"weight","u":"kg","v":81.6}]' \
			"coaps://127.0.0.1:$COAP_PORT/senml" >"$DEMO/coap-client.log" 2>&1 && has_reading ip-scale-demo-1; then
			say "real transport:     CoAP over DTLS (PSK) from $(basename "$COAP_CLIENT"): weight 81.6 kg stored"
		else
			say "real transport:     CoAP over DTLS FAILED; see $DEMO/coap-client.log and $DEMO/hub.log"
		fi
		;;
	astm)
		if timeout "$DEADLINE" "$PY" "$SIM/analyzer-sim/astm_analyzer.py" --serial "$DEMO/analyzer-tty" \
			--patient 19121212-1212 >"$DEMO/analyzer.log" 2>&1; then
			say "real transport:     ASTM E1381 over a socat pseudo-terminal: potassium and creatinine stored"
		else
			say "real transport:     ASTM over the pseudo-terminal FAILED; see $DEMO/analyzer.log and $DEMO/hub.log"
		fi
		;;
	ble)
		# the hub connects to the bound cuff, sets its clock, fetches the stored reading by RACP and deletes it on
		# the cuff only once the outbox holds it; on a rerun the hub already holds that record (same bytes, same
		# device time) and keeps one copy
		ble_done() {
			grep -q "^DELETED AA:00:00:00:00:01" "$DEMO/fake-bluez.log" && { $HUB_HAD_DATA || has_reading AA:00:00:00:00:01; }
		}
		if (end=$((SECONDS + DEADLINE)); until ble_done; do ((SECONDS < end)) || exit 1; sleep 0.2; done); then
			say "real transport:     BLE through BlueZ's D-Bus API (fake BlueZ, private bus): cuff clock set, 120/80 fetched by RACP$($HUB_HAD_DATA && echo ' (already in the outbox from an earlier run)')"
		else
			say "real transport:     BLE through the fake BlueZ FAILED; see $DEMO/fake-bluez.log and $DEMO/hub.log"
		fi
		;;
	esac
done
transports=$(curl -fsS "$HUB/api/devices" 2>/dev/null | grep -o '"transports":\[[^]]*\]' || true)
say "device transports:  ${transports:-none}; the alert above came from the simulated cuff's GATT bytes"
((${#MISSING[@]} == 0)) || say "simulated only:     ${MISSING[*]} not installed (deploy/dev/test.sh installs them)"
say "HTTPS:              the dev CA is $NARA_PKI_DIR/ca.crt (import it into the browser, or accept the warning)"
say "nurse's page:       $WEB/  logga in / sign in: $NURSE_USER / $NURSE_PASSWORD (dev only)"
say "enrolment page:     $WEB/enrolment.html?hub=hub-dev-1  (the home, its devices, the config applied)"
say "patient page:       $WEB/patient.html?id=patient-demo-1  (also the worklist and evaluation in the menu)"
say "doctor's care plan: $WEB/patient.html?id=patient-demo-1#careplan  logga in / sign in: lakare / nara-demo-lakare (dev only)"
say "relative's view:    $WEB/  logga in / sign in: anhorig / nara-demo-anhorig (VIEW and ALARM consent: 'Jag är orolig för …'; dev only)"
say "home-care staff:    $WEB/homecare.html  logga in / sign in: hemtjanst / nara-demo-hemtjanst (HOME_CARE_STAFF; dev only)"
say "operator's view:    $WEB/  logga in / sign in: $OPERATOR_USER / $OPERATOR_PASSWORD (dev only)"
say "fleet page:         $WEB/fleet  logga in / sign in: drift / nara-demo-drift (OPERATOR; dev only)"
say "hub enrolment (EST): https://127.0.0.1:$EST_PORT/.well-known/est/ (gateway --enrol-url)"
say "hub status page:    $HUB/  (the patient's tablet: 'Ny parkopplingskod' with the installer token below)"
say "patient's tablet:   $HUB/tablet/  (today's measurements and the daily symptom questions; pair with the code)"
say "another low reading: curl -X POST -H 'Authorization: Bearer $(cat "$DEMO/hub/installer-token")' '$HUB/api/simulate/cuff?systolic=82'"
say "logs:               $DEMO/ingest.log $DEMO/hub.log"
if $ONCE; then
	exit 0
fi
say "running; Ctrl-C stops the ingest and the hub (deploy/dev/stack.sh down stops the servers)"
wait "${PIDS[@]}"
