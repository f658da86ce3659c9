#!/usr/bin/env python3
"""Prints issue 7's targets, and issue 6's dividend target, as PASS/FAIL from one run's
build/bench/results.json.

Each target compares figures measured in the same run (ceilings by tests/bench/ceiling_bench,
the engine by engine_bench and dividend_bench, HTTPS by https_bench.sh); a target whose figures
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
    # Issue 6: a dividend over 10,000 members computed and paid within one second of engine time.
    dividend = next((r for r in rows if r.get("bench") == "dividend" and r.get("members") == 10000),
                    None)
    verdict("dividend over 10,000 members, engine time vs 1 s",
            dividend["median_ms"] if dividend else None, 1000.0, ratio_max=1.0, unit="ms")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/bench/results.json")
