#!/bin/bash
# The stored-ledger part of ops/bench log: the real `pardner serve` on a large ledger that
# log_bench built (1,000,000 entries by default, 10,000,000 with PARDNER_LOG_ENTRIES), under wrk:
#   proofs:    RFC 9162 inclusion proofs for random entries of the whole log, with the server's
#              own time per proof (the access log's duration_ms: request read to response made)
#   reads:     balances of random accounts
#   writes:    one transfer per request, durable and signed, on top of what is stored
# then the server's resident memory (VmRSS at start, VmHWM at the end, from /proc) and the
# database's bytes per entry (ledger.db and its WAL over the log size).
# Usage: stored_bench.sh PARDNER_BINARY REPO_ROOT DATA_DIR [--quick]
# Prints a table; one JSON object per figure goes to stderr (ops/bench appends it to
# build/bench/results.json). The ledger grows by the transfers written.
set -euo pipefail
pardner="$1"
root="$2"
data="$3"
quick="${4:-}"
if [ "$quick" = --quick ]; then seconds=3; else seconds=10; fi
lua="$root/tests/bench/wrk"
export PARDNER_WRK_LUA="$lua"
work="$(mktemp -d "${TMPDIR:-/tmp}/pardner-stored-bench.XXXXXX")"
server=""
cleanup() {
  [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
. "$root/ops/lib.sh"

ensure_tls_certificate "$data" 2>/dev/null
# PARDNER_STORED_SKIP_CHECK=1 starts the server without its start-up check, for a quick rerun.
"$pardner" serve --data "$data" --listen 127.0.0.1:0 --max-handshakes-per-address 64 \
  ${PARDNER_STORED_SKIP_CHECK:+--skip-startup-check} \
  >"$work/serve.out" 2>"$work/access.log" &
server=$!
# The start-up check reads the whole ledger first (api/serve_command.cc): on a large one that
# takes minutes, and is reported.
started=$(date +%s.%N)
while kill -0 "$server" 2>/dev/null && ! grep -q listening "$work/serve.out" 2>/dev/null; do
  sleep 0.2
done
start_seconds="$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')"
port="$(sed -n 's/.*"listening":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$work/serve.out")"
if [ -z "$port" ]; then
  echo "stored: the server did not start: $(tail -3 "$work/serve.out" "$work/access.log")"
  exit 1
fi
url="https://127.0.0.1:$port"
token="$(cat "$data/admin.token")"
status_kib() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$server/status"; }
start_kib="$(status_kib VmRSS)"
# The checkpoint's second line is the tree size.
size="$(curl -sSf --cacert "$data/tls.crt" "$url/v1/log/checkpoint" | sed -n 2p)"
echo "stored: the server on a ledger of $size entries, listening $start_seconds s after its start" \
  "($(sed -n 's/.*start-up check passed: //p' "$work/access.log"))"
echo "  wrk -t2 -c16 -d${seconds}s each"

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
# percentile P: of the numbers on stdin, sorted (nearest rank).
percentile() { sort -n | awk -v p="$1" '{v[NR]=$1} END {i=int(NR*p/100+0.999); if(i<1)i=1; print v[i]}'; }
run_wrk() {  # name, script, extra environment...
  local name="$1" script="$2"
  shift 2
  env PARDNER_TOKEN="$token" "$@" wrk -t2 -c16 -d"${seconds}s" --timeout 10s -s "$lua/$script" "$url" |
    grep '^RESULT' >"$work/$name.result"
  local line
  line="$(cat "$work/$name.result")"
  printf '%-30s %10s req/s  p50 %6s µs  p99 %7s µs  errors %s\n' "$name" "$(field rps <<<"$line")" \
    "$(field p50 <<<"$line")" "$(field p99 <<<"$line")" "$(field errors <<<"$line")"
  printf '{"bench":"stored","name":"%s","size":%s,"rps":%s,"p50_us":%s,"p99_us":%s,"errors":%s}\n' \
    "$name" "$size" "$(field rps <<<"$line")" "$(field p50 <<<"$line")" "$(field p99 <<<"$line")" \
    "$(field errors <<<"$line")" >&2
}

run_wrk proofs random_get.lua PARDNER_PATH_FORMAT="/v1/log/proof/inclusion?seq=%d&size=$size" \
  PARDNER_LOW=0 PARDNER_HIGH=$((size - 1))
# The server's own time per proof, from its access log (milliseconds, three decimals).
sed -n 's/.*"route":"\/v1\/log\/proof\/inclusion".*"status":200.*"duration_ms":\([0-9.]*\)}$/\1/p' \
  "$work/access.log" >"$work/proof.ms"
proofs="$(wc -l <"$work/proof.ms")"
p50="$(percentile 50 <"$work/proof.ms")" p99="$(percentile 99 <"$work/proof.ms")"
p999="$(percentile 99.9 <"$work/proof.ms")" max="$(percentile 100 <"$work/proof.ms")"
echo "  server time per proof ($proofs proofs): p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms, max $max ms"
printf '{"bench":"stored_proof_server_time","size":%s,"proofs":%s,"p50_ms":%s,"p99_ms":%s,"p999_ms":%s,"max_ms":%s}\n' \
  "$size" "$proofs" "$p50" "$p99" "$p999" "$max" >&2

# log_bench's ledger: assets:cash is account 1, its member accounts are 2..1001.
run_wrk reads random_get.lua PARDNER_PATH_FORMAT="/v1/accounts/%d" PARDNER_LOW=2 PARDNER_HIGH=1001
run_wrk writes transfer.lua PARDNER_DEBIT=1 PARDNER_CREDIT=2 PARDNER_RUN="stored-$(date +%s)"

peak_kib="$(status_kib VmHWM)"
end_size="$(curl -sSf --cacert "$data/tls.crt" "$url/v1/log/checkpoint" | sed -n 2p)"
kill -TERM "$server" && wait "$server" 2>/dev/null || true
server=""
db_bytes="$(stat -c %s "$data/ledger.db")"
wal_bytes="$(stat -c %s "$data/ledger.db-wal" 2>/dev/null || echo 0)"
per_entry="$(awk -v b="$((db_bytes + wal_bytes))" -v n="$end_size" 'BEGIN {printf "%.0f", b / n}')"
echo "  server memory: VmRSS $((start_kib / 1024)) MiB at start, peak (VmHWM) $((peak_kib / 1024)) MiB"
echo "  database: $((db_bytes / 1048576)) MiB + WAL $((wal_bytes / 1048576)) MiB for $end_size entries = $per_entry bytes per entry"
printf '{"bench":"stored_server","size":%s,"start_seconds":%s,"start_rss_kib":%s,"peak_rss_kib":%s,"db_bytes":%s,"wal_bytes":%s,"entries":%s,"bytes_per_entry":%s}\n' \
  "$size" "$start_seconds" "$start_kib" "$peak_kib" "$db_bytes" "$wal_bytes" "$end_size" \
  "$per_entry" >&2
