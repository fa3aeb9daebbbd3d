#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the libFuzzer harnesses of fuzz/ with clang (ASan+UBSan) and run
# each one for a while, starting from its committed seed corpus.
#   scripts/fuzz.sh [SECONDS] [NAME...]   SECONDS per harness (default 300)
#   FUZZ_SECONDS=20 scripts/fuzz.sh       the same, from the environment
#                                         (CI's bounded run)
# The growing corpus and any crash artifacts stay in .cache/fuzz/ (never
# committed); a crash is reproduced with build/fuzz/fuzz/fuzz_NAME FILE.
# One line per harness, then "fuzzing: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

secs=${FUZZ_SECONDS:-300}
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
	secs=$1
	shift
fi
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(table iter sg nvme nvme_rq rdma)

build=build/fuzz
work=.cache/fuzz
pass=0
fail=0

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Dtests=false -Ddocs=false \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null ||
		{ echo "fuzzing: 0 passed, ${#names[@]} failed (meson setup)"; exit 1; }
fi
if ! ninja -C "$build" >/dev/null; then
	echo "fuzzing: 0 passed, ${#names[@]} failed (build)"
	exit 1
fi

for n in "${names[@]}"; do
	corpus=$work/corpus/$n
	art=$work/artifacts/$n
	log=$work/$n.log
	mkdir -p "$corpus" "$art"
	# New units go to the first (scratch) directory, never to fuzz/corpus.
	"$build/fuzz/fuzz_$n" -max_total_time="$secs" -timeout=60 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/" "$corpus" "fuzz/corpus/$n" \
		>"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "fuzz $n: ok, ${execs:-?} executions in ${secs}s"
	else
		fail=$((fail + 1))
		echo "fuzz $n: FAILED (exit $rc) after ${execs:-?} executions; log $log"
		grep -E "invariant broken|ERROR:|SUMMARY:" "$log" | head -n 5
		ls "$art" | sed 's/^/  artifact: /'
	fi
done
echo "fuzzing: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
