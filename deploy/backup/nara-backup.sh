#!/usr/bin/env bash
# Backs up a Nära deployment's two stores into one folder:
#   postgres.dump  pg_dump custom format of the ingest's database (patients, plans, alerts and trails, access log...)
#   influx/        influxd backup -portable of the readings' database, through InfluxDB's RPC port (bind-address)
#   MANIFEST       when, from where, tool versions, and a sha256 of every file (checked by nara-restore.sh)
# Consistency: PostgreSQL's dump is one snapshot; InfluxDB's is taken after it, so it may hold readings newer than
# the dump's alerts, never older ones (a hub's alert always has its readings). See deploy/PRODUCTION.md.
#
# Usage: nara-backup.sh --pg-host H --pg-port P --pg-db DB --pg-user U --pg-password-file F \
#                       --influx-rpc HOST:PORT --influx-db DB OUT_DIR
# OUT_DIR must not exist yet (a backup never overwrites another). Exit 0 only when both stores are in it.
set -euo pipefail

die() { echo "nara-backup: $*" >&2; exit 1; }
usage() { sed -n '2,11p' "$0" >&2; exit 2; }

PG_HOST=127.0.0.1 PG_PORT=5432 PG_DB=nara PG_USER=nara PG_PASSWORD_FILE= INFLUX_RPC=127.0.0.1:8088 INFLUX_DB=nara
while (($#)); do
	case $1 in
	--pg-host) PG_HOST=$2; shift 2 ;;
	--pg-port) PG_PORT=$2; shift 2 ;;
	--pg-db) PG_DB=$2; shift 2 ;;
	--pg-user) PG_USER=$2; shift 2 ;;
	--pg-password-file) PG_PASSWORD_FILE=$2; shift 2 ;;
	--influx-rpc) INFLUX_RPC=$2; shift 2 ;;
	--influx-db) INFLUX_DB=$2; shift 2 ;;
	-h | --help) usage ;;
	--*) die "unknown option $1" ;;
	*) break ;;
	esac
done
(($# == 1)) || usage
OUT=$1
[[ ! -e $OUT ]] || die "$OUT exists already; a backup goes into a new folder"
[[ -n $PG_PASSWORD_FILE ]] || die "--pg-password-file is required"
[[ -r $PG_PASSWORD_FILE ]] || die "--pg-password-file: $PG_PASSWORD_FILE cannot be read"
command -v pg_dump >/dev/null || die "pg_dump is not installed (apt-get install postgresql-client)"
command -v influxd >/dev/null || die "influxd is not installed (apt-get install influxdb)"

# Half-written backups are removed, so a folder that exists is a complete one.
PARTIAL=$OUT.partial
rm -rf "$PARTIAL"
trap 'rm -rf "$PARTIAL"' EXIT
(umask 077 && mkdir -p "$PARTIAL")

PGPASSWORD=$(head -n 1 "$PG_PASSWORD_FILE")
export PGPASSWORD
pg_dump --host "$PG_HOST" --port "$PG_PORT" --username "$PG_USER" --no-password --format=custom \
	--file "$PARTIAL/postgres.dump" "$PG_DB" || die "pg_dump of $PG_DB on $PG_HOST:$PG_PORT failed"
influxd backup -portable -host "$INFLUX_RPC" -database "$INFLUX_DB" "$PARTIAL/influx" >"$PARTIAL/influx-backup.log" 2>&1 ||
	die "influxd backup of $INFLUX_DB through $INFLUX_RPC failed: $(tail -n 3 "$PARTIAL/influx-backup.log")"
ls "$PARTIAL/influx/"*.manifest >/dev/null 2>&1 || die "influxd backup wrote no manifest into $PARTIAL/influx"

{
	echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "postgres=$PG_HOST:$PG_PORT/$PG_DB"
	echo "influx_db=$INFLUX_DB"
	echo "pg_dump=$(pg_dump --version)"
	echo "influxd=$(influxd version 2>&1 | head -n 1)"
	echo "# sha256"
	(cd "$PARTIAL" && find . -type f ! -name MANIFEST ! -name influx-backup.log -print0 | sort -z | xargs -0 sha256sum)
} >"$PARTIAL/MANIFEST"
mv "$PARTIAL" "$OUT"
trap - EXIT
echo "nara-backup: $OUT complete ($(du -sh "$OUT" | cut -f1))"
