#!/bin/bash
# The HTTPS part of ops/bench: the real `pardner serve` under wrk, beside nginx serving a
# 200-byte static file over HTTPS with the same wrk, connections and threads on the same
# machine, in the same run (the ceiling). Every figure is the median of RUNS runs, with min and
# max. Durable and signed: each answered transfer was committed and fsynced.
#   single:  keep-alive clients each posting one transfer per request
#   batch:   1,000 transfers per request (POST /v1/transactions/batch)
#   reads:   members reading their balance while the single-transfer load runs
# Usage: https_bench.sh PARDNER_BINARY REPO_ROOT [--quick]
# Prints a table; one JSON object per figure goes to stderr (ops/bench appends it to
# build/bench/results.json).
set -euo pipefail
pardner="$1"
root="$2"
quick="${3:-}"
if [ "$quick" = --quick ]; then runs=1 seconds=3; else runs=3 seconds=10; fi
connections=64
threads=2
lua="$root/tests/bench/wrk"
export PARDNER_WRK_LUA="$lua"
work="$(mktemp -d "${TMPDIR:-/tmp}/pardner-https-bench.XXXXXX")"
server="" nginx_pid=""
cleanup() {
  [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill -TERM "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
. "$root/ops/lib.sh"

# --- the ledger: a cash account, a member with a savings account, their token --------------
"$pardner" init --data "$work/var" >/dev/null
ensure_tls_certificate "$work/var" 2>/dev/null
# wrk opens all its connections from one address at once: let all of them be in their
# handshakes together (the default bound, 16 per address, is for clients, not a load generator).
"$pardner" serve --data "$work/var" --listen 127.0.0.1:0 --max-handshakes-per-address "$connections" \
  >"$work/serve.out" 2>"$work/access.log" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port="$(sed -n 's/.*"listening":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$work/serve.out")"
url="https://127.0.0.1:$port"
admin="Authorization: Bearer $(cat "$work/var/admin.token")"
api() { curl -sSf --cacert "$work/var/tls.crt" -H "$admin" -H "Content-Type: application/json" "$@"; }
member="$(api -d '{}' "$url/v1/members" | jq .id)"
cash="$(api -d '{"code":"assets:cash","type":"asset"}' "$url/v1/accounts" | jq .id)"
savings="$(api -d '{"code":"liabilities:savings","type":"liability","member":'"$member"'}' \
  "$url/v1/accounts" | jq .id)"
member_token="$(api -d '{"role":"member","member":'"$member"'}' "$url/v1/tokens" | jq -r .token)"
export PARDNER_TOKEN PARDNER_DEBIT="$cash" PARDNER_CREDIT="$savings"

# --- nginx, the ceiling: a 200-byte file over HTTPS, keep-alive, same certificate -------------
nginx_port=""
if command -v nginx >/dev/null 2>&1; then
  mkdir -p "$work/nginx/html" "$work/nginx/logs"
  head -c 200 /dev/zero | tr '\0' 'x' >"$work/nginx/html/file"
  # Run as root, nginx's workers serve files as www-data: let them reach this one.
  chmod 755 "$work" "$work/nginx" "$work/nginx/html"
  chmod 644 "$work/nginx/html/file"
  nginx_port=$((port + 1))
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $work/var/tls.crt;
    ssl_certificate_key $work/var/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $work/nginx/html;
  }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>"$work/nginx/logs/start.log" &
  nginx_pid=$!
  for _ in $(seq 50); do
    curl -sf --cacert "$work/var/tls.crt" "https://127.0.0.1:$nginx_port/file" >/dev/null && break
    sleep 0.1
  done
  if ! curl -sf --cacert "$work/var/tls.crt" "https://127.0.0.1:$nginx_port/file" >/dev/null; then
    echo "nginx did not start: $(tail -3 "$work/nginx/logs/start.log" "$work/nginx/logs/error.log")"
    nginx_port=""
  fi
fi

# --- measuring ---------------------------------------------------------------------------
# wrk_once SCRIPT URL [extra env...]: one run's RESULT line.
wrk_once() {
  local script="$1" target="$2"
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s -s "$script" "$target" |
    grep '^RESULT'
}
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
# median_of LIST: the middle value of the numbers (one per line).
median_of() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# percentile P: of the numbers on stdin, sorted (nearest rank).
percentile() { sort -n | awk -v p="$1" '{v[NR]=$1} END {i=int(NR*p/100+0.999); if(i<1)i=1; print v[i]}'; }

report() {  # name, file of RESULT lines, ceiling rps ("" for none)
  local name="$1" file="$2" ceiling="$3"
  local rps p50 p99 p999 min max errors ratio
  rps="$(field rps <"$file" | median_of)"
  min="$(field rps <"$file" | sort -n | head -1)"
  max="$(field rps <"$file" | sort -n | tail -1)"
  p50="$(field p50 <"$file" | median_of)"
  p99="$(field p99 <"$file" | median_of)"
  p999="$(field p999 <"$file" | median_of)"
  errors="$(field errors <"$file" | awk '{s+=$1} END {print s+0}')"
  ratio="-"
  [ -n "$ceiling" ] && ratio="$(awk -v a="$rps" -v b="$ceiling" 'BEGIN {printf "%.2f", a/b}')"
  printf '%-34s %10s req/s  [%s..%s]  p50 %6s µs  p99 %7s µs  p99.9 %7s µs  errors %s  x ceiling %s\n' \
    "$name" "$rps" "$min" "$max" "$p50" "$p99" "$p999" "$errors" "$ratio"
  printf '{"bench":"https","name":"%s","rps_median":%s,"rps_min":%s,"rps_max":%s,"p50_us":%s,"p99_us":%s,"p999_us":%s,"errors":%s,"runs":%s,"connections":%s,"ceiling_rps":%s}\n' \
    "$name" "$rps" "$min" "$max" "$p50" "$p99" "$p999" "$errors" "$runs" "$connections" \
    "${ceiling:-null}" >&2
}

admin_token="$(cat "$work/var/admin.token")"
echo "HTTPS: wrk -t$threads -c$connections -d${seconds}s, median of $runs, same machine ($(nproc) cores)"

ceiling=""
if [ -n "$nginx_port" ]; then
  for run in $(seq "$runs"); do
    PARDNER_TOKEN=unused PARDNER_PATH=/file wrk_once "$lua/read.lua" "https://127.0.0.1:$nginx_port"
  done >"$work/nginx.results"
  ceiling="$(field rps <"$work/nginx.results" | median_of)"
  report "nginx, static 200 B (ceiling)" "$work/nginx.results" ""
else
  echo "no nginx: no ceiling measured"
fi

for run in $(seq "$runs"); do
  PARDNER_TOKEN="$admin_token" PARDNER_RUN="single$run" wrk_once "$lua/transfer.lua" "$url"
done >"$work/single.results"
report "pardner, one transfer per request" "$work/single.results" "$ceiling"
# wrk corrects its latencies for coordinated omission: a pause of the writer (its upkeep between
# batches) stands for every request a client at a steady rate would have sent meanwhile, so a
# few pauses set wrk's p99. The server's own time per transfer (the access log's duration_ms:
# request read to answer made, so the waits in the queue, the batch and its commit), said beside
# it, tells the pauses from the steady state.
sleep 0.5  # the access log is flushed every 100 ms
sed -n 's/.*"method":"POST","route":"\/v1\/transactions","status":201.*"duration_ms":\([0-9.]*\)}$/\1/p' \
  "$work/access.log" >"$work/single.ms"
if [ -s "$work/single.ms" ]; then
  p50="$(percentile 50 <"$work/single.ms")" p99="$(percentile 99 <"$work/single.ms")"
  p999="$(percentile 99.9 <"$work/single.ms")" max="$(percentile 100 <"$work/single.ms")"
  echo "  server time per transfer: p50 $p50 ms  p99 $p99 ms  p99.9 $p999 ms  max $max ms ($(wc -l <"$work/single.ms") transfers)"
  printf '{"bench":"https_server_time","name":"single","transfers":%s,"p50_ms":%s,"p99_ms":%s,"p999_ms":%s,"max_ms":%s}\n' \
    "$(wc -l <"$work/single.ms")" "$p50" "$p99" "$p999" "$max" >&2
fi

# Batches: fewer connections, so what is in flight (connections x 1,000) fits the writer's queue.
for run in $(seq "$runs"); do
  PARDNER_TOKEN="$admin_token" PARDNER_RUN="batch$run" PARDNER_BATCH=1000 \
    wrk -t"$threads" -c4 -d"${seconds}s" --timeout 30s -s "$lua/batch.lua" "$url" |
    grep '^RESULT'
done >"$work/batch.results"
report "pardner, batch of 1,000 (requests)" "$work/batch.results" ""
transfers="$(field rps <"$work/batch.results" | median_of)"
echo "  = $(awk -v r="$transfers" 'BEGIN {printf "%.0f", r * 1000}') transfers/s in batches of 1,000"

# Member balance reads while half the connections post transfers.
half=$((connections / 2))
for run in $(seq "$runs"); do
  PARDNER_TOKEN="$admin_token" PARDNER_RUN="mixed$run" \
    wrk -t1 -c"$half" -d"${seconds}s" -s "$lua/transfer.lua" "$url" >"$work/mixed-writes.$run" &
  writes=$!
  PARDNER_TOKEN="$member_token" PARDNER_PATH="/v1/accounts/$savings" \
    wrk -t1 -c"$half" -d"${seconds}s" -s "$lua/read.lua" "$url" | grep '^RESULT'
  wait "$writes"
  grep '^RESULT' "$work/mixed-writes.$run" >>"$work/mixed-writes.results"
done >"$work/reads.results"
report "pardner, member reads under writes" "$work/reads.results" "$ceiling"
report "pardner, the writes beside them" "$work/mixed-writes.results" "$ceiling"

balance="$(curl -sSf --cacert "$work/var/tls.crt" -H "Authorization: Bearer $member_token" \
  "$url/v1/accounts/$savings" | jq .balance)"
echo "member balance after the run: $balance (one minor unit per answered transfer)"

# wrk's errors are of any kind: a status, a socket error or its timeout. The server's side, said
# before the run's directory goes: every answer that was neither 200 nor 201, by status.
if grep -q 'errors=[1-9]' "$work"/*.results; then
  echo "wrk counted errors; answers other than 200 and 201 in the server's access log:"
  grep -o '"status":[0-9]*' "$work/access.log" | grep -v -e ':200$' -e ':201$' | sort |
    uniq -c || echo "  none (so the errors were wrk's: sockets or its timeout)"
fi
