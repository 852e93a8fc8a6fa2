#!/usr/bin/env bash
# Starts the servers the PostgreSQL and Redis tests need, installing them from Debian's archive
# when missing: a PostgreSQL cluster and a Redis server of the test suite's own, on loopback
# ports of their own (55432 and 56379 unless TEST_PG_PORT / TEST_REDIS_PORT say otherwise), with
# their data under .cache/test-services. Idempotent: servers already answering are reused.
# Writes the URLs the tests use to .cache/test-services/env.
#   test/setup/services.sh         install if needed, start
#   test/setup/services.sh stop    stop both
#   test/setup/services.sh bench   a durable PostgreSQL only (fsync and synchronous commit on, as
#                                  a real deployment runs), port 55433, for npm run bench:api;
#                                  its URL goes to .cache/bench-services/env (stop: bench-stop)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode="${1:-start}"
if [ "$mode" = "bench" ] || [ "$mode" = "bench-stop" ]; then
  state="$root/.cache/bench-services"
  pg_port="${BENCH_PG_PORT:-55433}"
  pg_options=""
  with_redis=0
else
  state="$root/.cache/test-services"
  pg_port="${TEST_PG_PORT:-55432}"
  # Test data is disposable: no fsync, so the suite is not bound by disk flushes.
  pg_options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  with_redis=1
fi
redis_port="${TEST_REDIS_PORT:-56379}"
mkdir -p "$state"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "services.sh: '$*' needs root; run the tests as root or install it yourself" >&2
    return 1
  fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# The cluster belongs to the postgres user when we are root (PostgreSQL refuses to run as root).
as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "$mode" = "stop" ] || [ "$mode" = "bench-stop" ]; then
  [ -n "$(pg_bin)" ] && [ -f "$state/postgres/postmaster.pid" ] && as_pg_owner "$(pg_bin)/pg_ctl" -D "$state/postgres" -m fast stop || true
  [ "$with_redis" = 1 ] && command -v redis-cli >/dev/null && redis-cli -p "$redis_port" shutdown nosave 2>/dev/null || true
  exit 0
fi

missing=()
[ -n "$(pg_bin)" ] || missing+=(postgresql)
[ "$with_redis" = 0 ] || command -v redis-server >/dev/null || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  if ! apt-cache policy "${missing[0]}" 2>/dev/null | grep -q 'Candidate: [0-9]'; then as_root apt-get update -qq; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "services.sh: installed ${missing[*]}"
fi

bin="$(pg_bin)"
if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; then
  data="$state/postgres"
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$data"
    # C collation: text sorts by bytes, as SQLite's does.
    as_pg_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --locale=C --encoding=UTF8 >/dev/null
  fi
  as_pg_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $pg_port -k $data -c listen_addresses=127.0.0.1 $pg_options -c max_connections=400" \
    start >/dev/null
  echo "services.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
fi

if [ "$with_redis" = 0 ]; then
  echo "TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$pg_port/postgres" >"$state/env"
  exit 0
fi

if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --dir "$state" --pidfile "$state/redis.pid" --logfile "$state/redis.log"
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "services.sh: Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$redis_port"
fi

cat >"$state/env" <<ENV
TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$pg_port/postgres
TEST_REDIS_URL=redis://127.0.0.1:$redis_port
ENV
