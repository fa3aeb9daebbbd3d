#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the kernel trees of the kernel tier:
#   .cache/linux-source-6.12  pristine unpacked linux-source-6.12, never
#                             modified (unpacked once, reused)
#   .cache/linux-dma_vec      hard-linked copy of it with the patch series
#                             (.cache/series/, regenerated first from
#                             scripts/kernel/series) applied
#
# Idempotent: the series is applied to pristine copies of the files it
# touches in a staging directory, which is then synced into the working
# tree by checksum.  Only files whose content changed are replaced (by
# rename, which breaks the hard link to the pristine tree), so make only
# rebuilds what changed.  Files dropped from the overlay get their pristine
# content back (or are removed if new).
set -euo pipefail

# shellcheck source=scripts/kernel/common.sh
. "$(dirname "$0")/common.sh"

need_pkgs rsync patch git xz-utils
ensure_pristine

if [ ! -d "$WORK" ]; then
	log "creating $WORK (hard-linked copy of the pristine tree)"
	rm -rf "$WORK.tmp"
	cp -al "$PRISTINE" "$WORK.tmp"
	mv "$WORK.tmp" "$WORK"
fi
# kunit.py and O= builds need a source tree without in-tree build output.
if [ -e "$WORK/.config" ] || [ -d "$WORK/include/config" ]; then
	die "$WORK has in-tree build output; run 'make mrproper' there or remove it"
fi

"$(dirname "$0")/make-patches.sh"

# Apply the series to pristine copies of the files it touches.
stage=$CACHE/overlay-stage
rm -rf "$stage"
mkdir -p "$stage"
mapfile -t files < <(sed -n 's|^+++ b/||p' "$PATCH_DIR"/*.patch | sort -u)
for f in "${files[@]}"; do
	if [ -e "$PRISTINE/$f" ]; then
		mkdir -p "$(dirname "$stage/$f")"
		cp "$PRISTINE/$f" "$stage/$f"
	fi
done
for p in "$PATCH_DIR"/*.patch; do
	patch -p1 -s -f -d "$stage" <"$p" || die "${p##*/} does not apply"
done

# Sync by content; rsync writes a temporary file and renames it, so a
# hard link into the pristine tree is replaced, never written through.
rsync -r --checksum --out-format='  updated %n' "$stage/" "$WORK/" >&2

# Restore files that an earlier overlay had and this one has not.
restore_dropped "$CACHE/linux-dma_vec.files" "$WORK" "${files[@]}"

# An overlaid file must not share its inode with the pristine tree.
for f in "${files[@]}"; do
	if [ "$WORK/$f" -ef "$PRISTINE/$f" ]; then
		die "$f is still hard-linked to the pristine tree"
	fi
	cmp -s "$stage/$f" "$WORK/$f" || die "$f was not overlaid"
done
log "kernel tree ready: $WORK (${#files[@]} files from the series)"
