#!/bin/sh
# The hot standby's entrypoint (docker-compose.yml): copy the primary once, then run as a streaming standby.
set -eu
mkdir -p "$PGDATA"
chown postgres:postgres "$PGDATA"
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until gosu postgres pg_basebackup -h "$PRIMARY_HOST" -U "$REPLICATION_USER" -D "$PGDATA" -R -X stream \
            -C -S standby1; do
        echo "waiting for the primary"; sleep 2
        rm -rf "${PGDATA:?}"/*
    done
fi
exec gosu postgres postgres -c hot_standby=on
