#!/usr/bin/env bash
# Restores a nara-backup.sh folder into an EMPTY stack: a PostgreSQL database with no tables and an InfluxDB that does
# not have the target database yet. Anything else is refused before a single row is written, so a restore can never
# mix a backup with live data. Stop the ingest nodes first; start them after it (Flyway finds the schema up to date).
#
# Usage: nara-restore.sh --pg-host H --pg-port P --pg-db DB --pg-user U --pg-password-file F \
#                        --influx-rpc HOST:PORT --influx-url URL --influx-user U --influx-password-file F \
#                        --influx-db DB BACKUP_DIR
# --influx-db is the database to create (the backup's own name is in its MANIFEST).
set -euo pipefail

die() { echo "nara-restore: $*" >&2; exit 1; }
usage() { sed -n '2,10p' "$0" >&2; exit 2; }

PG_HOST=127.0.0.1 PG_PORT=5432 PG_DB=nara PG_USER=nara PG_PASSWORD_FILE= INFLUX_RPC=127.0.0.1:8088
INFLUX_URL=http://127.0.0.1:8086 INFLUX_USER=nara INFLUX_PASSWORD_FILE= INFLUX_DB=nara
while (($#)); do
	case $1 in
	--pg-host) PG_HOST=$2; shift 2 ;;
	--pg-port) PG_PORT=$2; shift 2 ;;
	--pg-db) PG_DB=$2; shift 2 ;;
	--pg-user) PG_USER=$2; shift 2 ;;
	--pg-password-file) PG_PASSWORD_FILE=$2; shift 2 ;;
	--influx-rpc) INFLUX_RPC=$2; shift 2 ;;
	--influx-url) INFLUX_URL=$2; shift 2 ;;
	--influx-user) INFLUX_USER=$2; shift 2 ;;
	--influx-password-file) INFLUX_PASSWORD_FILE=$2; shift 2 ;;
	--influx-db) INFLUX_DB=$2; shift 2 ;;
	-h | --help) usage ;;
	--*) die "unknown option $1" ;;
	*) break ;;
	esac
done
(($# == 1)) || usage
BACKUP=$1
[[ -f $BACKUP/MANIFEST && -f $BACKUP/postgres.dump && -d $BACKUP/influx ]] ||
	die "$BACKUP is not a complete nara-backup.sh folder (MANIFEST, postgres.dump, influx/)"
[[ -r $PG_PASSWORD_FILE ]] || die "--pg-password-file: '$PG_PASSWORD_FILE' cannot be read"
[[ -r $INFLUX_PASSWORD_FILE ]] || die "--influx-password-file: '$INFLUX_PASSWORD_FILE' cannot be read"

# 1. The backup is whole: every file's checksum as written.
(cd "$BACKUP" && sed -n '/^# sha256$/,$p' MANIFEST | tail -n +2 | sha256sum --quiet --check -) ||
	die "$BACKUP does not match its MANIFEST checksums; not restoring a damaged backup"
SOURCE_DB=$(sed -n 's/^influx_db=//p' "$BACKUP/MANIFEST")

# 2. The target is empty, both stores, before anything is written.
PGPASSWORD=$(head -n 1 "$PG_PASSWORD_FILE")
export PGPASSWORD
psql_target() { psql --host "$PG_HOST" --port "$PG_PORT" --username "$PG_USER" --no-password -X -q -t -A \
	-v ON_ERROR_STOP=1 --dbname "$PG_DB" "$@"; }
tables=$(psql_target -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')") ||
	die "cannot connect to PostgreSQL database $PG_DB on $PG_HOST:$PG_PORT as $PG_USER"
((tables == 0)) || die "refusing: PostgreSQL database $PG_DB on $PG_HOST:$PG_PORT is not empty ($tables tables); restore only into an empty database"
INFLUX_AUTH="$INFLUX_USER:$(head -n 1 "$INFLUX_PASSWORD_FILE")"
databases=$(curl -sS --fail --max-time 10 -K - --data-urlencode "q=SHOW DATABASES" "$INFLUX_URL/query" \
	<<<"user = \"$INFLUX_AUTH\"") || die "cannot query InfluxDB at $INFLUX_URL as $INFLUX_USER"
if grep -q "\[\"$INFLUX_DB\"\]" <<<"$databases"; then
	die "refusing: InfluxDB at $INFLUX_URL already has database $INFLUX_DB; restore only into a new database"
fi

# 3. PostgreSQL in one transaction (all or nothing), then InfluxDB.
pg_restore --host "$PG_HOST" --port "$PG_PORT" --username "$PG_USER" --no-password --dbname "$PG_DB" \
	--no-owner --no-privileges --single-transaction --exit-on-error "$BACKUP/postgres.dump" ||
	die "pg_restore into $PG_DB failed; the database was left as it was (one transaction)"
influxd restore -portable -host "$INFLUX_RPC" -db "$SOURCE_DB" -newdb "$INFLUX_DB" "$BACKUP/influx" \
	>"${TMPDIR:-/tmp}/nara-restore-influx.$$.log" 2>&1 ||
	die "influxd restore into $INFLUX_DB failed (PostgreSQL is restored): $(tail -n 3 "${TMPDIR:-/tmp}/nara-restore-influx.$$.log")"
rm -f "${TMPDIR:-/tmp}/nara-restore-influx.$$.log"
echo "nara-restore: $BACKUP restored into PostgreSQL $PG_DB and InfluxDB $INFLUX_DB"
