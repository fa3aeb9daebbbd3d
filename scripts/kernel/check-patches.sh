#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the series the way a user would apply it: regenerate it from
# scripts/kernel/series (make-patches.sh, into .cache/series/), then
#   patch-apply   each patch applies with "patch -p1 --dry-run", then for
#                 real, onto a fresh hard-linked copy of the pristine tree
#                 (.cache/linux-patchcheck); the pristine tree is verified
#                 unchanged afterwards
#   patch-build   every .c file the series creates or modifies builds
#                 there without a warning, W=1, with CONFIG_DMA_VEC=y
#                 (x86_64 tinyconfig + x86_64-gates.config: nvme, ib_core,
#                 P2PDMA and the KUnit suites; cached build dir
#                 .cache/kbuild-patchcheck)
#   patch-sparse  sparse finds nothing in those objects
#   mm-types-copy the p2p_map member that
#                 compat/include/linux/mm_types.h declares for userspace
#                 are the lines drivers/conversions/mm/mm.patch adds
#   docs-table    the table of docs/kernel.md lists exactly the "new"
#                 lines of scripts/kernel/series
# Prints "PASS <check>" or "FAIL <check>" per check and a summary line
# "patch checks: N passed, N failed"; exits non-zero if a check failed.
set -euo pipefail

# shellcheck source=scripts/kernel/common.sh
. "$(dirname "$0")/common.sh"

need_pkgs patch build-essential bc bison flex libelf-dev sparse
ensure_pristine

TREE=$CACHE/linux-patchcheck
OBJ=$CACHE/kbuild-patchcheck
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

result() {
	if [ "$2" -eq 0 ]; then
		echo "PASS $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1"
		failed=$((failed + 1))
	fi
}

"$(dirname "$0")/make-patches.sh"
shopt -s nullglob
series=("$PATCH_DIR"/*.patch)
shopt -u nullglob
[ ${#series[@]} -gt 0 ] || die "no patches in $PATCH_DIR"
mapfile -t files < <(sed -n 's|^+++ b/||p' "${series[@]}" | sort -u)

# Checksums of the pristine files the series touches.
pristine_sums() {
	local f

	for f in "${files[@]}"; do
		if [ -e "$PRISTINE/$f" ]; then
			(cd "$PRISTINE" && sha256sum "$f")
		fi
	done
}

sums_before=$(pristine_sums)

log "fresh tree $TREE"
rm -rf "$TREE"
cp -al "$PRISTINE" "$TREE"

st=0
for p in "${series[@]}"; do
	echo "applying ${p##*/}"
	if ! patch -p1 -d "$TREE" --dry-run -s -f --no-backup-if-mismatch <"$p" ||
	   ! patch -p1 -d "$TREE" -s -f --no-backup-if-mismatch <"$p"; then
		echo "  ${p##*/} does not apply"
		st=1
		break
	fi
done
sums_after=$(pristine_sums)
if [ "$sums_before" != "$sums_after" ]; then
	echo "  the pristine tree was modified through a hard link"
	st=1
fi
for f in "${files[@]}"; do
	if [ "$TREE/$f" -ef "$PRISTINE/$f" ]; then
		echo "  $f still shares its inode with the pristine tree"
		st=1
	fi
done
result patch-apply "$st"

mapfile -t objs < <(printf '%s\n' "${files[@]}" | sed -n 's/\.c$/.o/p')
st=0
if [ "$failed" -eq 0 ]; then
	configure_x86 "$TREE" "$OBJ"
	echo "building ${objs[*]}"
	make -s -C "$TREE" O="$OBJ" ARCH=x86_64 -j"$JOBS" W=1 "${objs[@]}" \
		>"$OBJ/.dma_vec-build.log" 2>&1 || st=$?
	cat "$OBJ/.dma_vec-build.log"
	# A warning is a failure too.
	if grep -q 'warning:' "$OBJ/.dma_vec-build.log"; then
		st=1
	fi
	grep -qx 'CONFIG_DMA_VEC=y' "$OBJ/.config" || st=1
else
	st=1
fi
result patch-build "$st"

st=0
if [ "$failed" -eq 0 ]; then
	# C=2 checks the named objects even though they are up to date.
	make -s -C "$TREE" O="$OBJ" ARCH=x86_64 -j"$JOBS" W=1 C=2 \
		"${objs[@]}" >"$OBJ/.dma_vec-sparse.log" 2>&1 || st=$?
	sed 's/^/    /' "$OBJ/.dma_vec-sparse.log"
	[ ! -s "$OBJ/.dma_vec-sparse.log" ] || st=1
else
	st=1
fi
result patch-sparse "$st"

# p2p_members: the p2p_map member declaration of a
# vm_operations_struct, from their first line to their semicolon.
p2p_members() {
	awk '/\(\*p2p_(un)?map\)\(/ { on = 1 } on { print } on && /;/ { on = 0 }'
}
st=0
sed -n 's/^+//p' "$REPO/drivers/conversions/mm/mm.patch" | p2p_members >"$tmp/p2p-kernel"
p2p_members <"$REPO/compat/include/linux/mm_types.h" >"$tmp/p2p-compat"
if [ ! -s "$tmp/p2p-kernel" ] ||
   ! diff -u --label mm.patch --label compat/include/linux/mm_types.h \
	"$tmp/p2p-kernel" "$tmp/p2p-compat"; then
	st=1
fi
result mm-types-copy "$st"

# The rows between the series-table markers of docs/kernel.md:
# | `repo file` | `kernel file` | ... |
st=0
awk '/<!-- series-table:end -->/ { on = 0 } on && /^\| `/ {
	split($0, c, "|")
	gsub(/[ `]/, "", c[2]); gsub(/[ `]/, "", c[3])
	print c[2], c[3]
} /<!-- series-table:begin -->/ { on = 1 }' "$REPO/docs/kernel.md" |
	sort >"$tmp/docs-table"
overlay_map | sort >"$tmp/series-new"
if [ ! -s "$tmp/series-new" ] ||
   ! diff -u --label docs/kernel.md --label scripts/kernel/series \
	"$tmp/docs-table" "$tmp/series-new"; then
	st=1
fi
result docs-table "$st"

echo "patch checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
