#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the committed series in patches/ against a full pristine v6.12
# tree, the way a user would apply it:
#   patch-apply  each patch applies with "patch -p1 --dry-run", then for
#                real, onto a fresh hard-linked copy of the pristine tree
#                (.cache/linux-patchcheck); the pristine tree is verified
#                unchanged afterwards
#   patch-build  the .c files of the series build there without a
#                warning, W=1, with CONFIG_DMA_VEC=y (x86_64 tinyconfig +
#                x86_64-gates.config, which also enables ib_core for
#                kernel/rdma-dma_vec.patch; cached build dir
#                .cache/kbuild-patchcheck)
#   patch-sparse sparse finds nothing in the kernel files the
#                hand-maintained diffs (kernel/*.patch) modify, built with
#                their options on (the QEMU tier kernel lacks ib_core)
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

result() {
	if [ "$2" -eq 0 ]; then
		echo "PASS $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1"
		failed=$((failed + 1))
	fi
}

shopt -s nullglob
series=("$PATCH_DIR"/*.patch)
shopt -u nullglob
[ ${#series[@]} -gt 0 ] || die "no patches in $PATCH_DIR: run make-patches.sh"
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

st=0
if [ "$failed" -eq 0 ]; then
	mapfile -t objs < <(printf '%s\n' "${files[@]}" | sed -n 's/\.c$/.o/p')
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
mapfile -t hand_objs < <(sed -n 's|^+++ b/\(.*\)\.c$|\1.o|p' \
	"$REPO"/kernel/*.patch 2>/dev/null | sort -u)
if [ "$failed" -eq 0 ] && [ ${#hand_objs[@]} -gt 0 ]; then
	# C=2 checks the named objects even though they are up to date.
	make -s -C "$TREE" O="$OBJ" ARCH=x86_64 -j"$JOBS" W=1 C=2 \
		"${hand_objs[@]}" >"$OBJ/.dma_vec-sparse.log" 2>&1 || st=$?
	sed 's/^/    /' "$OBJ/.dma_vec-sparse.log"
	[ ! -s "$OBJ/.dma_vec-sparse.log" ] || st=1
elif [ "$failed" -ne 0 ]; then
	st=1
fi
[ ${#hand_objs[@]} -eq 0 ] || result patch-sparse "$st"

echo "patch checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
