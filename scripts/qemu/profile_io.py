# SPDX-License-Identifier: GPL-2.0
"""Where the guest instructions of one I/O go, function by function.

Inside gdb (attached to a QEMU guest started with -s -S that runs
benchmarks/dma_vec_p2p_bench.c in short mode):

    gdb -q -batch -x scripts/qemu/profile_io.py vmlinux

single-steps one I/O of each side (the fourth of its case, so that no
first-use path is counted) of requests of PROFILE_PAGES pages
(comma-separated page counts, default "4,32") and writes, per case, page
count and side, the instructions executed in each function to PROFILE_OUT
(JSON); with PROFILE_PCS=1 also how often each instruction address ran
("pcs"), to read a function's disassembly against its counts.  The
benchmark's dpb_case() and dpb_io() are its breakpoints.  Functions are
the symbols of vmlinux (nm): what the compiler inlined is counted in its
caller.  QEMU's gdbstub steps with interrupts and timers
off, so the count is the I/O's own.

As a script:

    python3 scripts/qemu/profile_io.py PROFILE.json

prints the tables (markdown): per case and size, each function's
instructions on each side, largest first, and the totals.
"""

import bisect
import json
import os
import subprocess
import sys

SIDES = ["dma_vec", "dma_vec-phys", "sg-6.12", "sg-fastpath", "floor"]


def symbols(vmlinux):
    """Sorted (address, name) of the text symbols of vmlinux."""
    out = subprocess.run(["nm", "-n", vmlinux], capture_output=True,
                         text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwW":
            syms.append((int(f[0], 16), f[2]))
    return syms


def trace():
    import gdb  # pylint: disable=import-error,import-outside-toplevel

    out = os.environ.get("PROFILE_OUT", "profile.json")
    pages = [int(p) for p in os.environ.get("PROFILE_PAGES", "4,32").split(",")]
    which = int(os.environ.get("PROFILE_NTH", "4"))
    per_pc = os.environ.get("PROFILE_PCS") == "1"
    syms = symbols(gdb.current_progspace().filename)
    addrs = [a for a, _ in syms]

    def name(pc):
        i = bisect.bisect_right(addrs, pc) - 1
        return syms[i][1] if i >= 0 else hex(pc)

    def reg(r):
        return int(gdb.parse_and_eval("$" + r)) & 0xffffffffffffffff

    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    gdb.execute("target remote :1234")
    gdb.execute("break dpb_case")
    gdb.execute("break dpb_io")
    case = "?"
    seen = {}
    results = []
    while True:
        try:
            gdb.execute("continue", to_string=True)
        except gdb.error:
            break		# the guest is gone: the benchmark finished
        if not gdb.selected_inferior().pid:
            break
        pc = reg("pc")
        if name(pc) == "dpb_case":
            case = gdb.parse_and_eval("(char *)$rsi").string()
            continue
        side, n = reg("rsi") & 0xffffffff, reg("rdx") & 0xffffffff
        if n not in pages or side >= len(SIDES):
            continue
        key = (case, n, side)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] != which:
            continue
        sp, ret = reg("rsp"), int(gdb.parse_and_eval("*(unsigned long *)$rsp"))
        counts = {}
        pcs = {}
        steps = 0
        while steps < 1000000:
            gdb.execute("stepi", to_string=True)
            steps += 1
            pc = reg("pc")
            if pc == ret and reg("rsp") > sp:
                break
            f = name(pc)
            counts[f] = counts.get(f, 0) + 1
            if per_pc:
                pcs[hex(pc)] = pcs.get(hex(pc), 0) + 1
        results.append({"case": case, "pages": n, "side": SIDES[side],
                        "total": steps, "counts": counts})
        if per_pc:
            results[-1]["pcs"] = pcs
        with open(out, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
    try:
        gdb.execute("kill")
    except gdb.error:
        pass
    if not results:
        print("profile_io: no I/O was traced", file=sys.stderr)
        gdb.execute("quit 1")


def report(path):
    with open(path, encoding="utf-8") as f:
        results = json.load(f)
    groups = {}
    for r in results:
        groups.setdefault((r["case"], r["pages"]), {})[r["side"]] = r
    for (case, n), by_side in sorted(groups.items()):
        sides = [s for s in SIDES if s in by_side]
        funcs = {}
        for s in sides:
            for fn, c in by_side[s]["counts"].items():
                funcs.setdefault(fn, {})[s] = c
        print("%s, %d KiB (%d pages), guest instructions of one I/O:" %
              (case, n * 4, n))
        print()
        print("| function | " + " | ".join(sides) + " |")
        print("|---|" + "---|" * len(sides))
        for fn, c in sorted(funcs.items(),
                            key=lambda kv: (-max(kv[1].values()), kv[0])):
            print("| `%s` | " % fn +
                  " | ".join(str(c.get(s, "")) for s in sides) + " |")
        print("| **total** | " +
              " | ".join("**%d**" % by_side[s]["total"] for s in sides) +
              " |")
        print()


if __name__ == "__main__":
    if "gdb" in sys.modules:
        trace()
    elif len(sys.argv) == 2:
        report(sys.argv[1])
    else:
        sys.exit("usage: python3 profile_io.py PROFILE.json "
                 "(or gdb -x profile_io.py vmlinux)")
