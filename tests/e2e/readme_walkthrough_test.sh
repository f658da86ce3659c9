#!/bin/bash
# Runs the README's walk-through as written, so it stays true: every ```sh block after a
# `<!-- walkthrough -->` marker, in order, in one bash with -e -u -o pipefail, against a real
# `pardner serve` set up the way ./ops/run sets up ./var (init, then a self-signed certificate
# from ops/lib.sh), on a free port instead of 8443. Then checks what a reader is told to expect.
# Usage: readme_walkthrough_test.sh PARDNER_BINARY REPOSITORY_ROOT
set -eu
pardner="$1"
root="$2"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "readme walk-through: $*" >&2
  for f in walkthrough.sh walkthrough.out serve.err; do
    [ -f "$work/$f" ] && { echo "--- $f" >&2; cat "$work/$f" >&2; }
  done
  exit 1
}

. "$root/ops/lib.sh"
cd "$work"
"$pardner" init --data var >/dev/null
ensure_tls_certificate var 2>/dev/null

"$pardner" serve --data var --listen 127.0.0.1:0 >serve.out 2>serve.err &
server=$!
for _ in $(seq 100); do
  grep -q listening serve.out && break
  sleep 0.1
done
port="$(sed -n 's/.*"listening":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' serve.out)"
[ -n "$port" ] || fail "the server did not start"

awk '/^<!-- walkthrough -->$/ { marked = 1; next }
     marked && /^```sh$/ { inside = 1; next }
     inside && /^```$/ { inside = 0; marked = 0; next }
     inside { print }' "$root/README.md" >walkthrough.sh
[ "$(grep -c . walkthrough.sh)" -gt 10 ] || fail "found no walk-through blocks in README.md"
sed -i "s#https://127\.0\.0\.1:8443#https://127.0.0.1:$port#g; s#build/api/pardner#$pardner#g" \
  walkthrough.sh

bash -eu -o pipefail walkthrough.sh >walkthrough.out 2>&1 || fail "a command failed"

# What the README says the reader will see.
grep -q '"balance": 2500' walkthrough.out || fail "the member's balance is not 2500"
grep -qx '404' walkthrough.out || fail "another account did not answer 404"
grep -q '"memo": "First deposit"' walkthrough.out || fail "the statement lacks the deposit"
[ -s audit/entries.jsonl ] && [ -s audit/checkpoint ] || fail "the export is missing files"

kill -TERM "$server"
wait "$server" || fail "the server did not stop cleanly"
server=""
echo "readme walk-through: passed ($(grep -c . walkthrough.sh) lines run)"
