#!/bin/sh
# Creates Temporal's two databases and brings their schemas to the newest version the admin-tools
# image knows. Safe to run on every start: an existing database is kept, and a schema that is already
# current is left alone (an older one is upgraded).
#
# Reads the server's own variables: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, POSTGRES_PWD, and
# DBNAME / VISIBILITY_DBNAME when the databases are not named temporal / temporal_visibility.
# SKIP_DB_CREATE=true skips creating the databases, for a database user without CREATEDB whose
# databases were created beforehand.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS must name the PostgreSQL host}"
: "${POSTGRES_USER:?POSTGRES_USER must be set}"
: "${POSTGRES_PWD:?POSTGRES_PWD must be set}"
port="${DB_PORT:-5432}"
schema_dir=/etc/temporal/schema/postgresql/v12

# The SQL tool reads the password from SQL_PASSWORD, which keeps it off the command line.
export SQL_PASSWORD="$POSTGRES_PWD"

echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${port}..."
tries=0
until nc -z -w 5 "$POSTGRES_SEEDS" "$port"; do
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then
    echo "PostgreSQL at ${POSTGRES_SEEDS}:${port} did not answer" >&2
    exit 1
  fi
  sleep 2
done

sql() {
  db="$1"
  shift
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" --db "$db" "$@"
}

setup() {
  db="$1"
  if [ "${SKIP_DB_CREATE:-false}" != "true" ]; then
    sql "$db" create
  fi
  sql "$db" setup-schema -v 0.0
  sql "$db" update-schema -d "$schema_dir/$2/versioned"
}

setup "${DBNAME:-temporal}" temporal
setup "${VISIBILITY_DBNAME:-temporal_visibility}" visibility
echo "Temporal schema is up to date"
