#!/usr/bin/env python3
"""Prints issue 7's targets, and issue 6's dividend target, as PASS/FAIL from one run's
build/bench/results.json.

Each target compares figures measured in the same run (ceilings by tests/bench/ceiling_bench,
the engine by engine_bench and dividend_bench, HTTPS by https_bench.sh, the signed log and
ledger-cli by log_bench); a target whose figures
the run did not measure is said to be skipped. Medians throughout. Never fails the bench: it reports."""
import json
import sys


def load(path):
    rows = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if line.startswith("{"):
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    return rows


def main(path):
    rows = load(path)
    ceiling = {r["name"]: r["median"] for r in rows if r.get("bench") == "ceiling"}
    engine = {(r["ledger"], r["keys"], r["batch"]): r["median"]
              for r in rows if r.get("bench") == "engine_transfers"}
    https = {r["name"]: r for r in rows if r.get("bench") == "https"}
    nginx = https.get("nginx, static 200 B (ceiling)")
    signed = ceiling.get("signed_batch1000")

    def verdict(name, value, bound, ratio_min=None, ratio_max=None, unit="/s"):
        if value is None or bound is None or bound == 0:
            print(f"target  {name:<58} skipped (not measured in this run)")
            return
        ratio = value / bound
        ok = (ratio_min is None or ratio >= ratio_min) and (ratio_max is None or ratio <= ratio_max)
        want = f">= {ratio_min}x" if ratio_min is not None else f"<= {ratio_max}x"
        print(f"target  {name:<58} {value:>10.0f}{unit} vs {bound:>10.0f}{unit} = {ratio:5.2f}x "
              f"(want {want})  {'PASS' if ok else 'FAIL'}")

    if signed:
        fresh = engine.get(("fresh", "ordered", 1000))
        if fresh:
            print(f"info    engine batch 1000, fresh: {fresh:.0f}/s = {fresh / signed:.2f}x the "
                  f"signed-write ceiling ({signed:.0f}/s)")
    for keys in ("ordered", "uuidv4"):
        loaded = [v for (ledger, k, batch), v in engine.items()
                  if ledger.startswith("+") and k == keys and batch == 1000]
        verdict(f"engine batch 1000 with entries stored vs fresh ({keys} keys)",
                loaded[0] if loaded else None, engine.get(("fresh", keys, 1000)), ratio_min=0.8)
    single = https.get("pardner, one transfer per request")
    lower = None
    if signed and nginx:
        lower = min(signed, nginx["rps_median"])
    verdict("HTTPS single transfers vs min(signed ceiling, nginx)",
            single["rps_median"] if single else None, lower, ratio_min=0.25)
    batch = https.get("pardner, batch of 1,000 (requests)")
    verdict("HTTPS batch transfers vs signed ceiling",
            batch["rps_median"] * 1000 if batch else None, signed, ratio_min=0.6)
    reads = https.get("pardner, member reads under writes")
    verdict("HTTPS member reads under writes vs nginx",
            reads["rps_median"] if reads else None, nginx["rps_median"] if nginx else None,
            ratio_min=0.5)
    verdict("HTTPS member read p99 under writes vs nginx p99",
            reads["p99_us"] if reads else None, nginx["p99_us"] if nginx else None,
            ratio_max=2.0, unit="us")
    # The signed log (tests/bench/log_bench.cc): verify against one core's Ed25519 rate and
    # against ledger-cli's `bal` on the same export, and proof latency.
    # Each target is judged for both replays: the full one (the default, through the engine's
    # projection) and --replay balances (the money rules alone, in memory).
    verify = {(r["signatures"], r["threads"], r.get("replay", "full")): r
              for r in rows if r.get("bench") == "verify"}
    every = verify.get(("all", 0, "full"))
    unsigned = verify.get(("none", 0, "full"))
    bal = next((r for r in rows if r.get("bench") == "ledger_cli_bal"), None)
    per_core = next((r["median"] for r in rows if r.get("bench") == "log_ceiling"),
                    ceiling.get("ed25519_verify"))
    for replay in ("full", "balances"):
        all_signatures = verify.get(("all", 0, replay))
        no_signatures = verify.get(("none", 0, replay))
        verdict(f"verify --replay {replay}, every signature, vs one core's Ed25519 verifies/s",
                all_signatures["median_entries_per_s"] if all_signatures else None, per_core,
                ratio_min=1.6)
        verdict(f"verify --replay {replay}, no signatures, vs ledger-cli bal (same export)",
                no_signatures["median_entries_per_s"] if no_signatures else None,
                bal["median_entries_per_s"] if bal else None, ratio_min=5.0)
    peak = max((r["peak_rss_kib"] for r in verify.values()), default=None)
    verdict("verify peak RSS (any mode) vs ledger-cli bal's",
            peak, bal["peak_rss_kib"] if bal else None, ratio_max=0.1, unit="KiB")
    # CPU time per entry does not depend on what else the machine runs; wall-time ratios do.
    if every and unsigned and bal and "cpu_us_per_entry" in every:
        print(f"info    CPU per entry: verify all {every['cpu_us_per_entry']:.1f} us, none "
              f"{unsigned['cpu_us_per_entry']:.1f} us, ledger-cli bal {bal['cpu_us_per_entry']:.1f} us;"
              f" Ed25519 alone {1e6 / per_core:.1f} us")
    proofs = next((r for r in rows if r.get("bench") == "proofs"), None)
    if proofs:
        print(f"info    inclusion proofs at size {proofs['size']}: median "
              f"{proofs['inclusion_us']:.0f} us, p99 {proofs.get('inclusion_p99_us', 0):.0f} us, "
              f"max {proofs.get('inclusion_max_us', 0):.0f} us; CPU median "
              f"{proofs.get('inclusion_cpu_us', 0):.0f} us, p99 "
              f"{proofs.get('inclusion_cpu_p99_us', 0):.0f} us")
    # "A proof for any entry in under 1 ms of server time": the p99 of the server's own time
    # (its access log) over proofs for random entries asked over HTTPS (tests/bench/
    # stored_bench.sh); without a served run, the p99 of log_bench's in-process proofs. The issue
    # asks it at 10,000,000 entries (PARDNER_LOG_ENTRIES=10000000); smaller logs are reported
    # against the same bound.
    served = next((r for r in rows if r.get("bench") == "stored_proof_server_time"), None)
    if served:
        print(f"info    inclusion proofs served at size {served['size']}: server time p50 "
              f"{served['p50_ms']} ms, p99.9 {served['p999_ms']} ms, max {served['max_ms']} ms "
              f"over {served['proofs']} proofs")
        verdict(f"inclusion proof p99 server time at size {served['size']} vs 1 ms",
                served["p99_ms"] * 1000, 1000.0, ratio_max=1.0, unit="us")
    else:
        verdict(f"inclusion proof p99 at size {proofs['size'] if proofs else '?'} vs 1 ms",
                proofs.get("inclusion_p99_us", proofs["inclusion_us"]) if proofs else None,
                1000.0, ratio_max=1.0, unit="us")
    server = next((r for r in rows if r.get("bench") == "stored_server"), None)
    if server:
        print(f"info    server on {server['size']} stored entries: peak RSS "
              f"{server['peak_rss_kib'] / 1024:.0f} MiB (at start {server['start_rss_kib'] / 1024:.0f}"
              f" MiB); database {server['bytes_per_entry']} bytes per entry")
    # Issue 6: a dividend over 10,000 members computed and paid within one second of engine time.
    dividend = next((r for r in rows if r.get("bench") == "dividend" and r.get("members") == 10000),
                    None)
    verdict("dividend over 10,000 members, engine time vs 1 s",
            dividend["median_ms"] if dividend else None, 1000.0, ratio_max=1.0, unit="ms")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/bench/results.json")
