#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-size table of the P2P per-I/O benchmark (scripts/qemu/bench-p2p.sh).

Usage: bench_p2p_report.py [--insn] BENCH.CSV

--insn: the CSV of a boot under -icount shift=0, where a guest nanosecond
is one guest instruction: values are shown as instructions per I/O.

Reads the CSV of bench-p2p.sh (the columns of scripts/bench.sh; times in
picoseconds per I/O) and prints, for each case and I/O size, every side's
median (the median over boots of each boot's median over repetitions), its
spread (the smallest and largest repetition of any boot) and its ratio to
sg-6.12: the median over boots of the ratio of the two sides' medians
within each boot (the sides are measured interleaved, so a boot slowed
down by the host slows both), with the smallest and largest per-boot
ratio, and the goal of issue 11 for P2P memory (dma_vec at least 2x
faster: a ratio of at most 0.5).
"""
import csv
import statistics
import sys
from collections import defaultdict

SIDES = ("dma_vec", "dma_vec-phys", "sg-6.12", "sg-fastpath", "floor")


def ns(ps):
    return f"{ps / 1000:.0f}"


def main():
    args = sys.argv[1:]
    insn = args[:1] == ["--insn"]
    if insn:
        args = args[1:]
    if len(args) != 1:
        sys.exit(__doc__)
    unit = "instructions" if insn else "ns"
    med = defaultdict(list)
    per_boot = {}
    lo = {}
    hi = {}
    with open(args[0], newline="") as f:
        for r in csv.DictReader(f):
            key = (r["case"], int(r["bytes"]), r["side"])
            med[key].append(int(r["median"]))
            per_boot[(r["boot"],) + key] = int(r["median"])
            lo[key] = min(lo.get(key, int(r["min"])), int(r["min"]))
            hi[key] = max(hi.get(key, int(r["max"])), int(r["max"]))
    if not med:
        print("no measurements")
        return 1
    boots = max(len(v) for v in med.values())
    agg = {k: statistics.median(v) for k, v in med.items()}

    print(f"{unit} per I/O: median over {boots} boot(s) of the per-boot median; "
          "spread: smallest .. largest repetition")
    print()
    print(f"| case | size | side | median {unit} | spread | / sg-6.12 | per-boot ratios | 2x goal |")
    print("|---|---|---|---|---|---|---|---|")
    for case in sorted({k[0] for k in agg}):
        for size in sorted({k[1] for k in agg if k[0] == case}):
            for side in SIDES:
                key = (case, size, side)
                if key not in agg:
                    continue
                ratio = spread = goal = "-"
                ratios = [v / per_boot[(b, case, size, "sg-6.12")]
                          for (b, c, z, s), v in per_boot.items()
                          if (c, z, s) == (case, size, side) and
                          per_boot.get((b, case, size, "sg-6.12"))]
                if ratios and side != "sg-6.12":
                    r = statistics.median(ratios)
                    ratio = f"{r:.2f}x"
                    spread = f"{min(ratios):.2f} .. {max(ratios):.2f}"
                    if case.endswith("p2p") and side.startswith("dma_vec"):
                        goal = "met" if r <= 0.5 else "not met"
                print(f"| {case} | {size // 1024} KiB | {side} | {ns(agg[key])} | "
                      f"{ns(lo[key])} .. {ns(hi[key])} | {ratio} | {spread} | {goal} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
