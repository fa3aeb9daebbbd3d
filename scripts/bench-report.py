#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the CSV of scripts/bench.sh into Markdown tables and plots.

Usage: bench-report.py BENCH.CSV OUTDIR

For every (case, layout, size, side) the value reported is the median over
boots of each boot's median; the spread is the smallest and largest
per-boot median.  Ratios compare dma_vec with the scatterlist side of the
same case, layout and size.  Plots (SVG, gnuplot) go to OUTDIR.
"""
import csv
import os
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict


def human(n):
    n = int(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or n % 1024:
            return f"{n} {unit}"
        n //= 1024
    return f"{n} TiB"


def fmt_time(ps, unit):
    if unit == "bytes":
        return f"{int(ps)} B"
    ns = ps / 1000.0
    suffix = unit[3:] if unit.startswith("ps/") else ""
    if ns >= 1e6:
        val = f"{ns / 1e6:.2f} ms"
    elif ns >= 1e3:
        val = f"{ns / 1e3:.2f} us"
    else:
        val = f"{ns:.2f} ns"
    return val + (f"/{suffix}" if suffix else "")


# Cases whose size is the bytes written by one timed run: also as a rate.
RATE_CASES = ("prp-build", "sgl-build")


def fmt_value(case, size, ps, unit):
    val = fmt_time(ps, unit)
    if case in RATE_CASES and unit == "ps" and ps:
        # bytes / (ps * 1e-12 s) in GB/s (1e9 bytes per second)
        val += f" ({size * 1000 / ps:.2f} GB/s)"
    return val


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = defaultdict(list)
    units = {}
    with open(sys.argv[1], newline="") as f:
        for r in csv.DictReader(f):
            key = (r["case"], r["layout"], int(r["bytes"]), r["side"])
            rows[key].append(int(r["median"]))
            units[key] = r["unit"]
    if not rows:
        print("no measurements")
        return 1

    agg = {k: (statistics.median(v), min(v), max(v), len(v))
           for k, v in rows.items()}
    # The scatterlist side each dma_vec measurement is compared with.
    ref_side = {"memory": "sg", "bulk": "sg", "iter": "sg", "per-io": "sg-6.12",
                "prp-build": "memset", "sgl-build": "memset",
                "provider-repr": None,
                # scripts/qemu/bench-p2p.sh
                "per-io-p2p": "sg-6.12", "per-io-host": "sg-6.12"}

    print("| case | layout | size | side | median | spread | other side | its median | side / other |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (case, layout, size, side), (med, lo, hi, n) in sorted(agg.items()):
        if side not in ("dma_vec", "dma_vec-io"):
            continue
        unit = units[(case, layout, size, side)]
        others = [s for (c, l, b, s) in agg
                  if (c, l, b) == (case, layout, size) and
                  s not in ("dma_vec", "dma_vec-io")]
        if side != "dma_vec":
            # A second dma_vec side: against the scatterlist only.
            others = [s for s in others if s == ref_side.get(case)]
        if not others:
            others = [None]
        for other in sorted(others, key=lambda s: (s != ref_side.get(case), s or "")):
            if other is None:
                print(f"| {case} | {layout} | {human(size)} | {side} | {fmt_time(med, unit)} | "
                      f"{fmt_time(lo, unit)} .. {fmt_time(hi, unit)} ({n} boots) | - | - | - |")
                continue
            omed = agg[(case, layout, size, other)][0]
            ratio = med / omed if omed else float("inf")
            print(f"| {case} | {layout} | {human(size)} | {side} | {fmt_value(case, size, med, unit)} | "
                  f"{fmt_time(lo, unit)} .. {fmt_time(hi, unit)} ({n} boots) | "
                  f"{other} | {fmt_value(case, size, omed, units[(case, layout, size, other)])} | "
                  f"{ratio:.3g}x |")

    plot(agg, sys.argv[2])
    return 0


def plot(agg, outdir):
    """Per-I/O cost against size, both sides; a log-log SVG."""
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        print("\n(gnuplot not found: no plot)")
        return
    sides = sorted({s for (c, _, _, s) in agg if c == "per-io"})
    if not sides:
        return
    data = os.path.join(outdir, "per-io.dat")
    with open(data, "w") as f:
        for side in sides:
            f.write(f'"{side}"\n')
            for (c, _, size, s), (med, lo, hi, _) in sorted(agg.items()):
                if c == "per-io" and s == side:
                    f.write(f"{size} {med / 1000:.3f} {lo / 1000:.3f} {hi / 1000:.3f}\n")
            f.write("\n\n")
    svg = os.path.join(outdir, "per-io.svg")
    script = f"""
set terminal svg size 720,440 dynamic background rgb 'white'
set output '{svg}'
set title 'NVMe data pointer per I/O: dma_vec vs scatterlist (UML, 4 KiB pages)'
set xlabel 'I/O size (bytes)'
set ylabel 'ns per I/O (median over boots; bars: spread)'
set logscale xy
set key top left
set grid
plot for [i=0:{len(sides) - 1}] '{data}' index i using 1:2:3:4 with yerrorlines title columnheader(1)
"""
    subprocess.run([gnuplot], input=script, text=True, check=True)
    print(f"\nplot: {svg}")


if __name__ == "__main__":
    sys.exit(main())
