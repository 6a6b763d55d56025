#!/usr/bin/env bash
# Load test of GET /v1/users/{id}/recommendations?count=10 with wrk on loopback.
#   scripts/wrk-serve.sh MODEL_DIR [CONNECTIONS] [SECONDS]
# Starts .build/release/autorec serve on MODEL_DIR (stderr, one line per request, to a file),
# warms up for 5 s, runs wrk -t2 with scripts/wrk-recommend.lua, prints the figures, stops the
# server. USERS (environment) is the highest user id drawn (default 6040, MovieLens 1M).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?usage: scripts/wrk-serve.sh MODEL_DIR [CONNECTIONS] [SECONDS]}
connections=${2:-8}
seconds=${3:-30}
port=${PORT:-18080}
bin=${AUTOREC:-.build/release/autorec}
log=$(mktemp)
"$bin" serve --model "$model" --port "$port" 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
    sleep 0.1
done
echo "load before: $(uptime)"
wrk -t2 -c"$connections" -d5s -s scripts/wrk-recommend.lua "http://127.0.0.1:$port" >/dev/null
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s scripts/wrk-recommend.lua "http://127.0.0.1:$port"
echo "log lines written: $(wc -l <"$log")"
