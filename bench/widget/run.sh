#!/bin/sh
# Runs the who's-online benchmarks recorded in BENCHMARKS.md. Starts its own
# redis-server on a Unix socket (never the machine's Redis on :6379), the
# endpoint and a do-nothing 204 handler, then loads each in turn.
set -eu
cd "$(dirname "$0")/../.."
DIR=$(mktemp -d /tmp/wb.XXXX)
SOCK=$DIR/r.sock
DUR=${DUR:-10s}
go build -o "$DIR/widgetbench" ./bench/widget
redis-server --port 0 --unixsocket "$SOCK" --unixsocketperm 700 --save "" --appendonly no --dir "$DIR" >"$DIR/redis.log" &
RPID=$!
trap 'kill $RPID $WPID $NPID 2>/dev/null; rm -rf "$DIR"' EXIT
for i in $(seq 50); do redis-cli -s "$SOCK" ping >/dev/null 2>&1 && break; sleep 0.1; done
"$DIR/widgetbench" serve -addr 127.0.0.1:8091 -redis "unix://$SOCK" & WPID=$!
"$DIR/widgetbench" noop -addr 127.0.0.1:8092 & NPID=$!
sleep 1
echo "== redis-benchmark, unpipelined ZADD"
redis-benchmark -s "$SOCK" -t zadd -n 200000 -c 50 -q
for c in 64 256; do
  echo "== c=$c"
  "$DIR/widgetbench" load -url http://127.0.0.1:8092/hit -c $c -d "$DUR" -readers 10000
  "$DIR/widgetbench" load -url http://127.0.0.1:8091/_online/hit -c $c -d "$DUR" -readers 10000 -redis "unix://$SOCK"
  "$DIR/widgetbench" load -method GET -url http://127.0.0.1:8091/_online/ -c $c -d "$DUR" -readers 10000 -redis "unix://$SOCK"
done
# The same hit rows with wrk, a load generator that needs far less CPU than
# the Go one above (both share the machine's cores with the servers).
if command -v wrk >/dev/null; then
  for c in 64 256; do
    echo "== wrk c=$c"
    for url in http://127.0.0.1:8092/hit http://127.0.0.1:8091/_online/hit; do
      echo "wrk POST $url c=$c readers=10000"
      READERS=10000 wrk -t2 -c$c -d"$DUR" --latency -s bench/widget/hit.lua "$url" | grep -E 'requests in|Requests/sec|^ +(50|99)%|Non-2xx|Socket errors'
    done
  done
else
  echo "== wrk not installed: skipping the wrk rows"
fi
echo "== memory"
"$DIR/widgetbench" memory -redis "unix://$SOCK" -n 100000
"$DIR/widgetbench" memory -redis "unix://$SOCK" -n 1000000
