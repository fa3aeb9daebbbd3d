#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The per-I/O benchmark on P2P memory (benchmarks/dma_vec_p2p_bench.c),
# in the QEMU tier's x86_64 guest:
#
#   scripts/qemu/bench-p2p.sh [--short] [--boots N] [--reps N] [--out DIR]
#
# --short   one boot, every case and side once with ten I/Os (what CI
#           would run to prove the benchmark works; no timing is judged)
# --boots   separate boots of the guest (default 5); the report gives the
#           median over boots of each boot's median; then one more boot
#           with -icount shift=0 counts guest instructions per I/O
# --reps    repetitions per measurement inside one boot (default 15)
# --out     where bench.csv, icount.csv, bench.md, summary.md,
#           profile.md and the boot logs go (default
#           .cache/qemu-bench-results)
#
# Builds the bench kernel (build-kernel.sh bench: the patched kernel of the
# tier plus the benchmark, built in; cached by a stamp of the series, the
# benchmark and the config fragments), checks the benchmark's object with
# W=1 and sparse, builds a busybox initramfs with bench-init as /init, and
# boots the guest (TCG, q35, -smp 1) with the tier's switch topology:
# controller A (64 MiB CMB, published as p2pmem) and controller B below one
# PCIe switch, so B reaches A's CMB at its bus address.  The guest times,
# per NVMe I/O of 4 KiB pages, the dma_vec request path against 6.12's
# scatterlist path on A's CMB and on host memory, for B.
# A last boot, short, runs under gdb (scripts/qemu/profile_io.py): one I/O
# of each side at 16 KiB and 128 KiB is single-stepped and its
# instructions are counted per function, side by side, in profile.md.
# Every measurement line becomes a CSV row (the columns of scripts/bench.sh;
# the boot column names the boot, "icount" for the instruction count);
# scripts/bench-report.py and bench_p2p_report.py make the tables.
# The last line is
#   qemu bench: N passed, N failed
# counting the build, the W=1 check, the profile, and per boot every case
# and size the guest ran (its "done passed=N failed=N"); a boot that does not finish
# counts as one failure.  Exits non-zero on any failure.
# Environment: DMA_VEC_CACHE (see scripts/kernel/common.sh),
# DMA_VEC_QEMU_BENCH_TIMEOUT (seconds per boot; default 120 with --short,
# 900 otherwise), DMA_VEC_QEMU_BENCH_APPEND (more guest kernel parameters,
# e.g. "mitigations=off" or "dma_vec_p2p_bench.target_ms=50"),
# DMA_VEC_QEMU_BENCH_QEMU (more QEMU options for the timed boots),
# DMA_VEC_QEMU_PROFILE_PAGES (the page counts of the gdb profile,
# comma-separated; default "4,32").
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/kernel/common.sh
. "$here/../kernel/common.sh"

short=0
boots=5
reps=15
out=$CACHE/qemu-bench-results
bench_args "$@"
if [ "$short" = 1 ]; then
	qemu_timeout=${DMA_VEC_QEMU_BENCH_TIMEOUT:-120}
else
	qemu_timeout=${DMA_VEC_QEMU_BENCH_TIMEOUT:-900}
fi
# Single-stepping under gdb takes 50 s to 100 s here, whatever the mode:
# its own bound, so that a slow host does not fail the short run.
profile_timeout=${DMA_VEC_QEMU_PROFILE_TIMEOUT:-600}

QCACHE=$CACHE/qemu-bench
passed=0
failed=0
start=$SECONDS

finish() {
	tier_finish "qemu bench"
}

printf '\n==== %s\n' "packages"
need_pkgs qemu-system-x86 busybox-static cpio build-essential libc6-dev \
	gdb python3 bc bison flex libelf-dev patch rsync sparse xz-utils
ensure_pristine
mkdir -p "$QCACHE" "$out"

printf '\n==== %s\n' "bench kernel"
t=$SECONDS
if image=$("$here/build-kernel.sh" bench); then
	echo "PASS build bench kernel ($((SECONDS - t)) s)"
	passed=$((passed + 1))
else
	fail "build bench kernel"
	finish
fi

# The benchmark's object alone, rebuilt with W=1 and sparse: no finding.
obj=$CACHE/qemu-kbuild-bench
bobj=drivers/nvme/host/dma_vec_p2p_bench.o
w1_sparse "$CACHE/linux-qemu-bench" "$obj" "$obj/.qemu-bench-w1.log" "$bobj"

printf '\n==== %s\n' "initramfs"
initrd=$QCACHE/initramfs.cpio
stamp=$(cat "$here/bench-init" "$PRISTINE/usr/gen_init_cpio.c" /bin/busybox |
	sha256sum | cut -d' ' -f1)
make_initrd "$QCACHE" "$initrd" "$stamp" <<-LIST
	file /init $here/bench-init 0755 0 0
	LIST

# guest LOG REPS SHORT [QEMU-OPTION...]: run the guest once, its console
# in LOG.
guest() {
	local log=$1 nreps=$2 gshort=$3
	shift 3
	truncate -s 16M "$QCACHE/B.img"
	# QEMU option lists are comma-separated words.
	# shellcheck disable=SC2054,SC2086
	timeout "$qemu_timeout" qemu-system-x86_64 -M q35 -m 512M -smp 1 \
		-cpu qemu64 "$@" -nographic -no-reboot -nic none \
		-kernel "$image" -initrd "$initrd" \
		-append "console=ttyS0 loglevel=4 panic=-1 dma_vec_p2p_bench.reps=$nreps dma_vec_p2p_bench.short=$gshort ${DMA_VEC_QEMU_BENCH_APPEND:-}" \
		-drive "file=$QCACHE/B.img,if=none,id=dB,format=raw" \
		-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1 \
		-device x3130-upstream,id=up1,bus=rp1 \
		-device xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=1 \
		-device xio3130-downstream,id=dn2,bus=up1,chassis=3,slot=2 \
		-device nvme,id=nvmeA,serial=cmbA,cmb_size_mb=64,bus=dn1 \
		-device nvme,id=nvmeB,serial=dataB,drive=dB,bus=dn2 \
		</dev/null >"$log" 2>&1
}

# boot NAME CSV REPS [QEMU-OPTION...]: boot the guest once, add its
# measurements to CSV (as boot NAME) and its results to the counts.
boot() {
	local name=$1 csv=$2 nreps=$3 log st t done_line p f
	shift 3
	log=$out/boot-$name.log
	t=$SECONDS
	st=0
	guest "$log" "$nreps" "$short" "$@" || st=$?
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	echo "boot $name: qemu exit $st after $((SECONDS - t)) s"
	grep '^BENCH dma_vec_p2p_bench: case=' "$log" |
		sed 's/^BENCH dma_vec_p2p_bench: //' |
		sed -E 's/[a-z_]+=//g; s/ /,/g' |
		sed "s/^/$name,/" >>"$csv" || true
	grep -E '^BENCH .*(info (start|case|p2pmem|took)|FAIL)' "$log" |
		sed 's/^BENCH dma_vec_p2p_bench: /    /' || true
	done_line=$(sed -n 's/^BENCH dma_vec_p2p_bench: done //p' "$log")
	p=$(echo "$done_line" | sed -n 's/.*passed=\([0-9]*\).*/\1/p')
	f=$(echo "$done_line" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
	if [ "$st" -ne 0 ] || [ -z "$p" ] || [ -z "$f" ] ||
	   grep -q '^KMSG ' "$log"; then
		fail "boot $name: qemu exit $st, ${done_line:-no result line}"
		sed 's/^/    | /' "$log" | tail -n 60
	fi
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
}

header='boot,case,layout,bytes,side,median,min,max,unit'
printf '\n==== %s\n' "boots (TCG, guest time)"
csv=$out/bench.csv
echo "$header" >"$csv"
for b in $(seq 1 "$boots"); do
	# Word splitting of the extra QEMU options is wanted.
	# shellcheck disable=SC2086
	boot "$b" "$csv" "$reps" ${DMA_VEC_QEMU_BENCH_QEMU:-}
done

# One more boot with -icount shift=0: the guest clock advances 1 ns per
# guest instruction, so every "ns" of that run is one instruction
# executed, whatever the host is doing; deterministic, so one boot and
# three repetitions suffice.
printf '\n==== %s\n' "boot (TCG -icount: guest instructions)"
icsv=$out/icount.csv
echo "$header" >"$icsv"
boot icount "$icsv" 3 -icount shift=0,align=off,sleep=off

# One more boot, short, stopped by gdb: the fourth I/O of every side at
# 16 KiB and 128 KiB single-stepped, its instructions counted per function
# (scripts/qemu/profile_io.py).  Not judged: it shows where they go.
printf '\n==== %s\n' "boot (gdb: guest instructions per function)"
t=$SECONDS
qemu_timeout=$profile_timeout guest "$out/boot-profile.log" 1 1 -s -S &
gpid=$!
if PROFILE_OUT=$out/profile.json PROFILE_PAGES=${DMA_VEC_QEMU_PROFILE_PAGES:-4,32} \
	timeout "$profile_timeout" gdb -q -batch -nx \
	-x "$here/profile_io.py" "$obj/vmlinux" \
	>"$out/profile-gdb.log" 2>&1 &&
   python3 "$here/profile_io.py" "$out/profile.json" >"$out/profile.md"; then
	echo "PASS profile: $(grep -c '^| \*\*total' "$out/profile.md") tables ($((SECONDS - t)) s), $out/profile.md"
	passed=$((passed + 1))
else
	fail "profile (see $out/profile-gdb.log)"
	tail -n 20 "$out/profile-gdb.log" | sed 's/^/    | /'
fi
kill "$gpid" 2>/dev/null || true
wait "$gpid" 2>/dev/null || true

printf '\n==== %s\n' "results"
python3 "$REPO/scripts/bench-report.py" "$csv" "$out" >"$out/bench.md" ||
	fail "bench-report.py"
{
	echo "Guest time under TCG:"
	echo
	python3 "$here/bench_p2p_report.py" "$csv"
	echo
	echo "Guest instructions (-icount shift=0: 1 ns = 1 instruction):"
	echo
	python3 "$here/bench_p2p_report.py" --insn "$icsv"
} | tee "$out/summary.md" || fail "bench_p2p_report.py"
echo "CSV: $csv, $icsv; tables: $out/bench.md, $out/summary.md"
finish
