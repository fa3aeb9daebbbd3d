#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel tier, in one command:
#   1. prepare-tree.sh   regenerate the series (.cache/series/) from
#                        scripts/kernel/series, unpack/overlay the 6.12 tree
#   2. gates.sh          checkpatch, kernel-doc, W=1, sparse
#   3. kunit.py          the KUnit suites under UML (tests/kunit/.kunitconfig),
#                        then the P2P suites again with lockdep,
#                        DEBUG_LIST and DEBUG_ATOMIC_SLEEP (tests/kunit/lockdep)
#   4. check-patches.sh  the series applies to a pristine tree and builds
# Each step prints its own output.  The last line is
#   kernel tier: N passed, N failed
# counting every KUnit test case (skipped ones as passed; kunit.py's own
# summary line above shows them) plus one per gate and patch check.  Exits
# non-zero on any failure.  Caches live in .cache/; a warm run rebuilds
# only what changed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/kernel/common.sh
. "$here/common.sh"

passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

step() {
	printf '\n==== %s\n' "$*"
}

# count_checks FILE: add the PASS/FAIL lines of a step's output.
count_checks() {
	local p f

	p=$(grep -c '^PASS ' "$1" || true)
	f=$(grep -c '^FAIL ' "$1" || true)
	passed=$((passed + p))
	failed=$((failed + f))
}

finish() {
	echo
	echo "kernel tier: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit
}

start=$SECONDS
step "packages"
need_pkgs "${KERNEL_TIER_PKGS[@]}"

step "prepare tree"
if ! "$here/prepare-tree.sh"; then
	echo "FAIL prepare-tree"
	failed=$((failed + 1))
	finish
fi

step "gates"
st=0
"$here/gates.sh" 2>&1 | tee "$out" || st=$?
count_checks "$out"
if [ "$st" -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
	failed=$((failed + 1))
fi

# run_kunit LABEL KUNITCONFIG-DIR BUILD-DIR: one kunit.py run, counted.
run_kunit() {
	local label=$1 cfg=$2 build=$3 st=0 summary total ok skip

	(cd "$WORK" &&
	 python3 tools/testing/kunit/kunit.py run \
		--kunitconfig="$cfg" --build_dir="$build" \
		--jobs="$JOBS") 2>&1 | tee "$out" || st=$?
	# "Testing complete. Ran 60 tests: passed: 59, skipped: 1"
	summary=$(grep -o 'Ran [0-9]* tests:.*' "$out" | tail -n 1 || true)
	if [ -z "$summary" ]; then
		echo "FAIL $label (no test summary; exit status $st)"
		failed=$((failed + 1))
		return
	fi
	total=${summary#Ran }
	total=${total%% *}
	ok=$(grep -o 'passed: [0-9]*' <<<"$summary" | grep -o '[0-9]*' || echo 0)
	skip=$(grep -o 'skipped: [0-9]*' <<<"$summary" | grep -o '[0-9]*' || echo 0)
	passed=$((passed + ok + skip))
	failed=$((failed + total - ok - skip))
	if [ "$st" -ne 0 ] && [ "$total" -eq $((ok + skip)) ]; then
		echo "FAIL $label: kunit.py exit status $st"
		failed=$((failed + 1))
	fi
	# Lock checking: any lockdep, sleep-in-atomic or list report fails
	# the run even when every case passed.
	if grep -E -q 'possible circular locking|inconsistent lock state|possible recursive locking|BUG: sleeping function called from invalid context|list_(add|del) corruption' \
		"$build/test.log" 2>/dev/null; then
		echo "FAIL $label: lock checking reported a problem (see $build/test.log)"
		failed=$((failed + 1))
	fi
}

step "kunit"
run_kunit kunit "$REPO/tests/kunit" "$CACHE/kunit-build"

step "kunit (lockdep, DEBUG_LIST, DEBUG_ATOMIC_SLEEP)"
run_kunit kunit-lockdep "$REPO/tests/kunit/lockdep" "$CACHE/kunit-lockdep-build"

step "patch series"
st=0
"$here/check-patches.sh" 2>&1 | tee "$out" || st=$?
count_checks "$out"
if [ "$st" -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
	failed=$((failed + 1))
fi

echo
echo "kernel tier took $((SECONDS - start)) s"
finish
