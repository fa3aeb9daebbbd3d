#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite, every tier, as CI runs it:
#   tier 1  userspace: CMocka suites, docs and example under ASan+UBSan, then
#           the CMocka suites again under valgrind, then the threaded stress
#           suite under TSan;
#   tier 1  fuzzing: every libFuzzer harness of fuzz/ for a bounded time
#           (scripts/fuzz.sh, 20 s each), one pass or fail per harness;
#   tier 1b installed platform: meson install into a temporary prefix, then
#           the out-of-tree example driver built and tested via pkg-config;
#   tier 2  kernel: patch series, checkpatch/kernel-doc/sparse/W=1 gates and
#           KUnit under UML in a real Linux 6.12 tree (scripts/kernel/);
#   tier 3  real devices: the patched and the unpatched kernel under QEMU
#           with two emulated NVMe controllers doing P2P (scripts/qemu/).
#   tier 4  benchmarks: the in-kernel benchmarks in short mode
#           (scripts/bench.sh --short under UML, and the P2P one in the
#           QEMU guest, scripts/qemu/bench-p2p.sh --short): they build
#           and run; no timing is judged.
# Each tier prints its own summary; the last line totals all of them.
#   DMA_VEC_TIERS="user kernel"   select tiers (default: all)
set -uo pipefail
cd "$(dirname "$0")/.."

tiers=${DMA_VEC_TIERS:-user fuzz installed kernel qemu bench}
total_pass=0
total_fail=0

count() {	# count LOG LABEL
	local p f
	if [ -f "$1" ]; then
		read -r p f < <(python3 scripts/count-tests.py "$1")
	else
		p=0 f=1
	fi
	echo "$2: $p passed, $f failed"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

run_meson_tier() {	# run_meson_tier DIR LABEL SETUP-ARGS MESON-TEST-ARGS...
	local dir=$1 label=$2 setup=$3
	shift 3
	# shellcheck disable=SC2086
	[ -f "$dir/build.ninja" ] || meson setup "$dir" $setup >/dev/null ||
		{ echo "$label: meson setup failed"; total_fail=$((total_fail + 1)); return; }
	rm -f "$dir"/meson-logs/testlog*.json
	meson test -C "$dir" --print-errorlogs "$@"
	count "$(ls "$dir"/meson-logs/testlog*.json 2>/dev/null | head -n 1)" "$label"
}

scripts/install-deps.sh || exit 1

if [[ " $tiers " == *" user "* ]]; then
	echo "=== tier 1: userspace (ASan+UBSan) ==="
	run_meson_tier build/asan "userspace asan+ubsan" \
		"-Db_sanitize=address,undefined" \
		--suite user --suite example --suite docs
	echo "=== tier 1: userspace (valgrind) ==="
	run_meson_tier build/valgrind "userspace valgrind" "" \
		--setup valgrind --suite user --suite example
	echo "=== tier 1: userspace (TSan stress) ==="
	run_meson_tier build/tsan "userspace tsan stress" \
		"-Db_sanitize=thread -Ddocs=false" --suite stress
fi

# run_script_tier LABEL SCRIPT: run a tier script that ends with its own
# "LABEL: N passed, N failed" line, and add its counts.
run_script_tier() {
	local label=$1 script=$2 log line p f
	shift 2
	log=$(mktemp)
	"$script" "$@" 2>&1 | tee "$log"
	line=$(grep -E "^$label: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	else
		echo "$label: no summary (the tier did not finish)"
		p=0 f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	rm -f "$log"
}

if [[ " $tiers " == *" fuzz "* ]]; then
	echo "=== tier 1: fuzzing (libFuzzer, bounded) ==="
	FUZZ_SECONDS=20 run_script_tier "fuzzing" scripts/fuzz.sh
fi

if [[ " $tiers " == *" installed "* ]]; then
	echo "=== tier 1b: the installed test platform, out of tree ==="
	run_script_tier "installed platform" scripts/test-installed.sh
fi

if [[ " $tiers " == *" kernel "* ]]; then
	echo "=== tier 2: kernel (Linux 6.12, KUnit under UML) ==="
	run_script_tier "kernel tier" scripts/kernel/run-tier.sh
fi

if [[ " $tiers " == *" qemu "* ]]; then
	echo "=== tier 3: real devices (QEMU, emulated NVMe P2P) ==="
	run_script_tier "qemu tier" scripts/qemu/run-tier.sh
fi

if [[ " $tiers " == *" bench "* ]]; then
	echo "=== tier 4: benchmarks (short mode: they run, no timing is judged) ==="
	run_script_tier "bench" scripts/bench.sh --short
	run_script_tier "qemu bench" scripts/qemu/bench-p2p.sh --short
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
