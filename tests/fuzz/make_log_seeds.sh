#!/bin/bash
# Writes the signed-log seeds of tests/fuzz/corpus/ from a real ledger: starts `pardner serve` on
# a fresh ledger, makes a few entries over HTTPS (a member, two accounts, a transfer, a pending
# transaction posted for less, a reversal), then takes what an auditor or member is handed:
#   signed_note/     the verifier key line + "\n" + a checkpoint, a receipt, or a tlog proof
#   canonical_json/  the entries' leaf bytes, as signed
#   request_body/    nothing: make_seeds.py writes those by hand
# Usage: make_log_seeds.sh PARDNER_BINARY CORPUS_DIR   (needs curl, jq, openssl)
set -eu -o pipefail
pardner="$(realpath "$1")"
corpus="$(realpath "$2")"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
. "$root/ops/lib.sh"
cd "$work"
"$pardner" init --data var --name fuzz-example-ledger >/dev/null
ensure_tls_certificate var 2>/dev/null
"$pardner" serve --data var --listen 127.0.0.1:0 >serve.out 2>serve.err &
server=$!
for _ in $(seq 100); do
  grep -q listening serve.out && break
  sleep 0.1
done
port="$(sed -n 's/.*"listening":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' serve.out)"
[ -n "$port" ] || { cat serve.err >&2; exit 1; }
url="https://127.0.0.1:$port"
export CURL_CA_BUNDLE=var/tls.crt
admin="Authorization: Bearer $(cat var/admin.token)"
json="Content-Type: application/json"
post() { curl -sS --fail-with-body -H "$admin" -H "$json" "$@"; }

ada=$(post -d '{"display_name":"Ada"}' "$url/v1/members" | jq .id)
savings=$(post -d '{"code":"liabilities:members:ada:savings","type":"liability","member":'"$ada"',"floor":0}' \
  "$url/v1/accounts" | jq .id)
cash=$(post -d '{"code":"assets:cash","type":"asset"}' "$url/v1/accounts" | jq .id)
post -H "Idempotency-Key: deposit-1" "$url/v1/transactions" \
  -d '{"debit_account":'"$cash"',"credit_account":'"$savings"',"amount":2500,"memo":"First deposit"}' >/dev/null
pending=$(post -H "Idempotency-Key: pending-1" "$url/v1/transactions" \
  -d '{"postings":[{"account":'"$cash"',"amount":700},{"account":'"$savings"',"amount":-700}],"memo":"held","metadata":{"ref":"€ 42"},"pending":true,"timeout_seconds":3600}' |
  jq .id)
post -H "Idempotency-Key: post-1" "$url/v1/transactions/$pending/post" -d '{"amount":500}' >/dev/null
deposit2=$(post -H "Idempotency-Key: deposit-2" "$url/v1/transactions" \
  -d '{"debit_account":'"$cash"',"credit_account":'"$savings"',"amount":100,"memo":"caf\u00e9 \"quoted\" \\ 😀"}' |
  jq .id)
post -H "Idempotency-Key: reverse-1" "$url/v1/transactions/$deposit2/reverse" -d '{"memo":"twice"}' >/dev/null

key_line="$(cat var/verifier.key)"
mkdir -p "$corpus/signed_note" "$corpus/canonical_json"
note() { printf '%s\n' "$key_line" >"$corpus/signed_note/$1"; cat >>"$corpus/signed_note/$1"; }
curl -sSf -H "$admin" "$url/v1/log/checkpoint" | note checkpoint_latest
size=$(curl -sSf -H "$admin" "$url/v1/log/checkpoint" | sed -n 2p)
for seq in 0 3 $((size - 1)); do
  "$pardner" receipt --data var --seq "$seq" >"receipt.$seq"
  note "receipt_seq_$seq" <"receipt.$seq"
  jq -r .proof "receipt.$seq" | note "tlog_proof_seq_$seq"
done
# The same checkpoint under a key line of another name, and a bare key line.
printf 'other.example/log+01234567+AXu9PfCU7vDyGn1ZA0dGV5CyBEcDBKB6aC6DfpkWGWzF\n' >"$corpus/signed_note/unknown_key"
curl -sSf -H "$admin" "$url/v1/log/checkpoint" >>"$corpus/signed_note/unknown_key"
printf '%s\n' "$key_line" >"$corpus/signed_note/key_line_only"
curl -sSf -H "$admin" "$url/v1/log/entries?start=0&limit=100" | jq -r '.entries[] | "\(.seq) \(.leaf)"' |
  while read -r seq leaf; do
    printf '%s' "$leaf" | openssl base64 -d -A >"$corpus/canonical_json/leaf_seq_$seq"
  done
kill -TERM "$server"
wait "$server"
server=""
echo "make_log_seeds: $(ls "$corpus/signed_note" | wc -l) signed_note, $(ls "$corpus/canonical_json" | grep -c leaf_) leaf seeds"
