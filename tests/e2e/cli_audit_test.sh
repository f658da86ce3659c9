#!/bin/sh
# The auditor's commands through the real binary: init, key show, export, verify with a pinned
# key (and refused with another), receipt. Usage: cli_audit_test.sh PATH_TO_PARDNER
# Every run's exit code is checked, never hidden in a pipeline or taken as "any failure": in a
# sanitizer build a report ends the binary with exit 66 (cmake/sanitizer_options.cc).
set -eu
pardner="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Runs the rest of the arguments and fails unless they exit with code $1.
expect_exit() {
  want="$1"; shift
  status=0
  "$@" || status=$?
  if [ "$status" != "$want" ]; then echo "exit $status, want $want: $*"; exit 1; fi
}

"$pardner" init --data "$work/ledger" --name e2e-test --currency EUR >"$work/init.out"
grep -q "log origin: pardner.local/e2e-test" "$work/init.out"
key="$("$pardner" key show --data "$work/ledger")"
case "$key" in pardner.local/e2e-test+????????+*) ;; *) echo "bad key line: $key"; exit 1 ;; esac
test "$(stat -c %a "$work/ledger/signing.key")" = 600
test "$(stat -c %a "$work/ledger/admin.token")" = 600
grep -q "$(cat "$work/ledger/admin.token")" "$work/init.out"   # printed once, at init

# A second init over the same directory is refused and changes nothing.
expect_exit 1 "$pardner" init --data "$work/ledger" 2>"$work/again.err"
grep -q already_exists "$work/again.err"

"$pardner" export --data "$work/ledger" --out "$work/export" >/dev/null
test -s "$work/export/checkpoint"
"$pardner" verify "$work/export" --key "$key" --quiet >"$work/verified.out"
grep -q "^OK: 0 entries" "$work/verified.out"
"$pardner" verify "$work/export" --key "$key" --quiet --replay balances >"$work/balances.out"
grep -q "^OK: 0 entries" "$work/balances.out"
grep -q "^balances-only replay" "$work/balances.out"
expect_exit 1 "$pardner" verify "$work/export" --key "$key" --replay fast 2>"$work/replay.err"
grep -q -- "--replay takes full or balances" "$work/replay.err"
# The empty log's checkpoint carries SHA-256 of the empty string, not 32 zero bytes.
sed -n 3p "$work/export/checkpoint" | grep -qx "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

# Another ledger's key must not verify this export.
"$pardner" init --data "$work/other" --name e2e-test >/dev/null
other_key="$("$pardner" key show --data "$work/other")"
expect_exit 1 "$pardner" verify "$work/export" --key "$other_key" --quiet >"$work/verify.out"
grep -q "FAILED: checkpoint" "$work/verify.out"

"$pardner" rebuild --data "$work/ledger" >"$work/rebuild.out"
grep -q "stored state matches the log" "$work/rebuild.out"
echo "cli audit test passed"
