#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build and run the in-kernel benchmarks (benchmarks/dma_vec_bench.c) in a
# UML kernel with the dma_vec series applied, and write the results.
#
#   scripts/bench.sh [--short] [--boots N] [--reps N] [--out DIR]
#
# --short   one boot, every case once with small loop counts (what CI runs
#           to prove the benchmarks work; no timing is judged)
# --boots   separate boots of the kernel (default 3); the report gives the
#           median over boots of each boot's median, and the spread
# --reps    repetitions per measurement inside one boot (default 15)
# --out     where bench.csv, bench.md and the plots go (default
#           .cache/bench-results)
#
# The benchmark kernel is built without KASAN, DEBUG_SG or DMA API
# debugging (the KUnit configuration has them); it is otherwise the
# KUnit configuration of tests/kunit/.kunitconfig plus CONFIG_DMA_VEC_BENCH.
# The last line is "bench: N passed, N failed" (one per boot and case).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/kernel/common.sh
. "$here/kernel/common.sh"

short=0
boots=3
reps=15
out=$CACHE/bench-results
bench_args "$@"

need_pkgs "${KERNEL_TIER_PKGS[@]}" gnuplot-nox
ensure_pristine

series=$CACHE/bench-series
tree=$CACHE/bench-tree
build=$CACHE/bench-build
kcfg=$CACHE/bench-kunitconfig
mkdir -p "$out" "$kcfg"

# The series, regenerated from the sources; the scratch tree is brought
# to it (overlay_tree: only files whose content changed are replaced, so
# the build redoes only what they affect) when the series or the
# benchmark changed.
rm -rf "$series"
"$REPO/scripts/kernel/make-patches.sh" -o "$series" >&2
stamp=$(cat "$series"/*.patch "$REPO/benchmarks/dma_vec_bench.c" \
	"$REPO/benchmarks/dma_vec_bench_sg.h" \
	"$REPO/benchmarks/bench.patch" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$tree.stamp" 2>/dev/null)" != "$stamp" ]; then
	log "preparing $tree"
	# shellcheck disable=SC2034 # both passed by name to overlay_tree
	tree_series=("$series"/*.patch "$REPO/benchmarks/bench.patch")
	# shellcheck disable=SC2034
	tree_extra=("benchmarks/dma_vec_bench.c lib/dma_vec_bench.c"
		    "benchmarks/dma_vec_bench_sg.h lib/dma_vec_bench_sg.h")
	overlay_tree "$tree" tree_series tree_extra
	echo "$stamp" >"$tree.stamp"
fi

# The KUnit configuration without the debugging options that would make
# the timings meaningless.
grep -v -E '^CONFIG_(KASAN|KASAN_VMALLOC|DEBUG_SG|DMA_API_DEBUG|PROVE_LOCKING|DEBUG_LIST|DEBUG_ATOMIC_SLEEP)=' \
	"$REPO/tests/kunit/.kunitconfig" >"$kcfg/.kunitconfig"
echo 'CONFIG_DMA_VEC_BENCH=y' >>"$kcfg/.kunitconfig"

# Build with kunit.py; boot the UML kernel ourselves, since kunit.py puts
# its own mem=1G last on the command line and the 1 GiB layouts need more.
log "building the benchmark kernel"
(cd "$tree" &&
 python3 tools/testing/kunit/kunit.py build \
	--kunitconfig="$kcfg" --build_dir="$build" --jobs="$JOBS") >&2 ||
	die "the benchmark kernel does not build"

csv=$out/bench.csv
echo 'boot,case,layout,bytes,side,median,min,max,unit' >"$csv"
passed=0
failed=0
for boot in $(seq 1 "$boots"); do
	log "boot $boot of $boots"
	raw=$out/boot$boot.log
	st=0
	timeout 3000 "$build/linux" mem=2560M console=tty kunit_shutdown=halt \
		kunit.enable=1 kunit.filter_glob=dma_vec_bench \
		"dma_vec_bench.reps=$reps" "dma_vec_bench.short=$short" \
		</dev/null >"$raw" 2>&1 || st=$?
	grep 'dma_vec_bench: case=' "$raw" | sed 's/.*dma_vec_bench: //' |
		sed -E 's/[a-z_]+=//g; s/ /,/g' |
		sed "s/^/$boot,/" >>"$csv"
	# One result per case: "ok N dvb_..." / "not ok N dvb_..."; a case
	# skipped for want of RAM counts as failed here.
	p=$(grep -E '^ *ok [0-9]+ dvb_' "$raw" | grep -c -v '# SKIP' || true)
	f=$(grep -c -E '^ *not ok [0-9]+ dvb_|^ *ok [0-9]+ dvb_.*# SKIP' "$raw" || true)
	if [ "$st" -ne 0 ] || [ "$((p + f))" -eq 0 ]; then
		echo "FAIL boot $boot: exit status $st, $p cases ok" >&2
		tail -n 40 "$raw" >&2
		f=$((f + 1))
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

python3 "$REPO/scripts/bench-report.py" "$csv" "$out" |
	tee "$out/bench.md"
echo "bench: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
