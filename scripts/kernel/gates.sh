#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static gates on the kernel series; each must report zero findings:
#   checkpatch       checkpatch.pl --strict on the new files of the series
#                    (the "new" lines of scripts/kernel/series), at their
#                    kernel paths
#   checkpatch-series checkpatch.pl --strict on the generated series
#                    (.cache/series/*.patch)
#   kernel-doc       scripts/kernel-doc -Wall -none on the new files, and
#                    on each function the diffs add kernel-doc for
#   W=1              gcc build with W=1 of every object the series creates
#                    or modifies
#   sparse           make C=2 on the same objects
# The builds use a cached x86_64 tinyconfig build directory
# (.cache/kbuild-gates) on the overlay tree; run prepare-tree.sh first.
# Prints "PASS <gate>" or "FAIL <gate>" per gate, then a summary line
# "gates: N passed, N failed"; exits non-zero if a gate failed.
set -euo pipefail

# shellcheck source=scripts/kernel/common.sh
. "$(dirname "$0")/common.sh"

need_pkgs sparse build-essential bc bison flex libelf-dev perl
[ -d "$WORK" ] || die "$WORK missing: run scripts/kernel/prepare-tree.sh"

OBJ=$CACHE/kbuild-gates
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# gate NAME OUTPUT_FILE STATUS: report one gate from its findings.
gate() {
	if [ "$3" -eq 0 ] && [ ! -s "$2" ]; then
		echo "PASS $1"
		passed=$((passed + 1))
	else
		sed 's/^/    /' "$2"
		[ "$3" -eq 0 ] || echo "    (exit status $3)"
		echo "FAIL $1"
		failed=$((failed + 1))
	fi
}

# Kernel-bound files at their kernel paths, in a scratch tree (checkpatch
# derives checks from the path and leaves .checkpatch-camelcase.* in cwd).
mkdir -p "$tmp/tree"
files=()
while read -r src dst; do
	mkdir -p "$(dirname "$tmp/tree/$dst")"
	cp "$REPO/$src" "$tmp/tree/$dst"
	files+=("$dst")
done < <(overlay_map)

# checkpatch on the files.
st=0
(cd "$tmp/tree" &&
 "$WORK/scripts/checkpatch.pl" --strict --no-tree --quiet --terse \
	--show-types -f "${files[@]}") >"$tmp/raw" 2>&1 || st=$?
grep -v '^total: 0 errors, 0 warnings, 0 checks' "$tmp/raw" >"$tmp/out" || true
gate checkpatch "$tmp/out" "$st"

# checkpatch on the series, as a maintainer would run it.  No MAINTAINERS
# entry is proposed yet, hence FILE_PATH_CHANGES is not reported.
st=0
(cd "$tmp" &&
 "$WORK/scripts/checkpatch.pl" --strict --no-tree --quiet --terse \
	--show-types --ignore FILE_PATH_CHANGES "$PATCH_DIR"/*.patch) \
	>"$tmp/raw" 2>&1 || st=$?
grep -v '^total: 0 errors, 0 warnings, 0 checks' "$tmp/raw" >"$tmp/out" || true
gate checkpatch-series "$tmp/out" "$st"

# kernel-doc prints nothing when every comment is well formed.
st=0
(cd "$tmp/tree" &&
 "$WORK/scripts/kernel-doc" -Wall -none "${files[@]}") >"$tmp/out" 2>&1 ||
	st=$?
# kernel-doc of the functions the diffs document in existing files.
while read -r d; do
	while read -r f; do
		case "$f" in
		*.[ch]) ;;
		*) continue ;;
		esac
		mapfile -t fns < <(awk -v f="$f" '
			/^diff --git / { on = ($NF == "b/" f) }
			on && prev == "+/**" && /^\+ \* [A-Za-z0-9_]+(\(\))? - / {
				n = $3; sub(/\(\)$/, "", n); print n
			}
			{ prev = $0 }' "$REPO/$d")
		# kernel-doc warns about every comment of the file: keep the
		# warnings that name the function.
		for fn in "${fns[@]}"; do
			"$WORK/scripts/kernel-doc" -Wall -none -function "$fn" \
				"$WORK/$f" 2>&1 | grep -F "'$fn'" >>"$tmp/out" || true
		done
	done < <(diff_files "$REPO/$d")
done < <(series_diffs)
gate kernel-doc "$tmp/out" "$st"

# W=1: remove the objects first, so the compiler runs and warns again.
mapfile -t objs < <(kernel_objs)
configure_x86 "$WORK" "$OBJ"
for o in "${objs[@]}"; do
	rm -f "$OBJ/$o"
done
st=0
make -s -C "$WORK" O="$OBJ" ARCH=x86_64 -j"$JOBS" W=1 "${objs[@]}" \
	>"$tmp/build" 2>&1 || st=$?
grep -E 'warning:|error:|note:' "$tmp/build" >"$tmp/out" || true
[ "$st" -eq 0 ] || cp "$tmp/build" "$tmp/out"
gate W=1 "$tmp/out" "$st"

# sparse: C=2 checks the named objects even though they are up to date.
st=0
make -s -C "$WORK" O="$OBJ" ARCH=x86_64 -j"$JOBS" W=1 C=2 "${objs[@]}" \
	>"$tmp/out" 2>&1 || st=$?
gate sparse "$tmp/out" "$st"

echo "gates: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
