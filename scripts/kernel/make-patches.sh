#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the kernel patch series in patches/ from the repository sources.
#
# The series is made in a small scratch git repository that holds only the
# files the series touches: its first commit is the pristine v6.12 version
# of those files, each later commit adds one part of dma_vec.  The patches
# therefore apply with "git am" or "patch -p1" to a full v6.12 tree.
#
# This script is the single source of truth for the Kconfig and Makefile
# hooks; prepare-tree.sh overlays the result of this series.  Author, date
# and commit ids are fixed, so regenerating gives byte-identical patches
# unless a source changed.  Never hand-edit patches/.
set -euo pipefail

# shellcheck source=scripts/kernel/common.sh
. "$(dirname "$0")/common.sh"

AUTHOR_NAME=${DMA_VEC_PATCH_AUTHOR_NAME:-dma_vec maintainers}
AUTHOR_EMAIL=${DMA_VEC_PATCH_AUTHOR_EMAIL:-maintainers@users.noreply.r-seed-acd54f25.example}
# The v6.12 release date: any fixed date keeps the series reproducible.
PATCH_DATE="2024-11-17T14:15:08-08:00"
SOB="Signed-off-by: $AUTHOR_NAME <$AUTHOR_EMAIL>"

ensure_pristine

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# insert_after FILE ANCHOR TEXT: add TEXT after the line equal to ANCHOR.
insert_after() {
	awk -v anchor="$2" -v text="$3" '
		{ print }
		$0 == anchor && !done { print text; done = 1 }
		END { exit !done }' "$1" >"$tmp/edit" ||
		die "anchor '$2' not found in $1"
	cat "$tmp/edit" >"$1"
}

# insert_kconfig FILE AFTER_SYMBOL TEXT: add the TEXT block after the
# "config AFTER_SYMBOL" entry, i.e. before the next comment or entry.
insert_kconfig() {
	awk -v sym="config $2" -v text="$3" '
		$0 == sym { inside = 1; print; next }
		inside && !done &&
		$0 ~ /^(config|menuconfig|comment|if|endif|menu|endmenu|source|#)/ {
			print text "\n"
			done = 1
		}
		{ print }
		END { exit !done }' "$1" >"$tmp/edit" ||
		die "Kconfig symbol $2 not found in $1"
	cat "$tmp/edit" >"$1"
}

# add FILE...: copy repository files to their kernel paths.
add_overlay() {
	local src dst

	while read -r src dst; do
		case "$src" in
		"$1"*)
			mkdir -p "$(dirname "$PATCH_REPO/$dst")"
			cp "$REPO/$src" "$PATCH_REPO/$dst"
			;;
		esac
	done < <(overlay_map)
}

commit() {
	git -C "$PATCH_REPO" add -A
	GIT_AUTHOR_DATE=$PATCH_DATE GIT_COMMITTER_DATE=$PATCH_DATE \
		git -C "$PATCH_REPO" commit -q --no-verify -F -
}

rm -rf "$PATCH_REPO"
mkdir -p "$PATCH_REPO"
git -C "$PATCH_REPO" init -q -b base
git -C "$PATCH_REPO" config user.name "$AUTHOR_NAME"
git -C "$PATCH_REPO" config user.email "$AUTHOR_EMAIL"
git -C "$PATCH_REPO" config core.autocrlf false
git -C "$PATCH_REPO" config commit.gpgsign false

# Base: the pristine files the series edits (new files need no base).
touched=(lib/Kconfig lib/Kconfig.debug lib/Makefile)
have_conv=
if overlay_map | grep -q '^drivers/conversions/'; then
	have_conv=1
	touched+=(drivers/Makefile)
fi
for f in "${touched[@]}"; do
	mkdir -p "$(dirname "$PATCH_REPO/$f")"
	cp "$PRISTINE/$f" "$PATCH_REPO/$f"
done
commit <<MSG
Linux $KVER

Pristine files from linux-source-$KVER touched by the dma_vec series.
MSG

# 0001: the core.
add_overlay include/linux/dma_vec.h
add_overlay lib/dma_vec.c
insert_kconfig "$PATCH_REPO/lib/Kconfig" SG_POOL "$(cat <<'KCONFIG'
config DMA_VEC
	bool "Pageless scatter vectors for peer-to-peer DMA"
	help
	  dma_vec describes memory for DMA as a vector of CPU-physical
	  address ranges, each either host memory or part of a PCI BAR
	  window exported by a provider, without struct page for the BAR.
	  Consumers walk the ranges with an iterator that applies device
	  segment limits on the fly.

	  Select this from drivers that export or consume P2P memory.
KCONFIG
)"
insert_after "$PATCH_REPO/lib/Makefile" 'obj-$(CONFIG_SG_POOL) += sg_pool.o' \
	'obj-$(CONFIG_DMA_VEC) += dma_vec.o'
commit <<MSG
lib: add dma_vec, a pageless scatter representation for P2P DMA

A scatterlist can only describe memory with a struct page, so a PCI BAR
used for peer-to-peer DMA needs ZONE_DEVICE pages for the whole window
(64 bytes per 4 KiB of BAR), and scatterlists holding such pages, or only
DMA addresses, break sg_page(), sg_copy_buffer() and kmap based helpers.

Add dma_vec: a table of 16-byte CPU-physical ranges with 64-bit lengths,
each attributed to host memory or to a provider (a BAR window described
without struct pages), a separate DMA range type, and a constrained
iterator that splits ranges on the fly to honour a device's maximum
segment size, segment boundary and alignment.  Conversions from and to
sg_table and CPU copies through kmap_local_pfn() or the provider's iomem
mapping ease the transition of existing users.

The names avoid struct dma_vec of <linux/dmaengine.h>; both headers can
be included together.

$SOB
MSG

# 0002: the KUnit suites.
add_overlay tests/kunit/
insert_kconfig "$PATCH_REPO/lib/Kconfig.debug" LIST_KUNIT_TEST "$(cat <<'KCONFIG'
config DMA_VEC_KUNIT_TEST
	tristate "KUnit tests for dma_vec" if !KUNIT_ALL_TESTS
	depends on KUNIT && DMA_VEC
	default KUNIT_ALL_TESTS
	help
	  This builds the dma_vec KUnit test suites: table building and
	  lookup, constrained iteration, scatterlist conversion (including
	  a real DMA mapping of an exported sg_table) and CPU copies.

	  For more information on KUnit and unit tests in general please refer
	  to the KUnit documentation in Documentation/dev-tools/kunit/.

	  If unsure, say N.
KCONFIG
)"
insert_after "$PATCH_REPO/lib/Makefile" \
	'obj-$(CONFIG_LIST_KUNIT_TEST) += list-test.o' \
	'obj-$(CONFIG_DMA_VEC_KUNIT_TEST) += dma_vec_kunit.o'
commit <<MSG
lib: add KUnit tests for dma_vec

Run the table-driven cases shared with the userspace test suite, plus
what only a real kernel can show: vmalloc-backed large tables, export to
an sg_table of real pages and its DMA mapping through the DMA API,
import of an sg_table built from pages, and CPU copies through
kmap_local_pfn().

Run with:

  ./tools/testing/kunit/kunit.py run --kunitconfig=<dir with .kunitconfig>

$SOB
MSG

# 0003: consumer and exporter helpers, once they exist.
if [ -n "$have_conv" ]; then
	add_overlay drivers/conversions/
	{
		echo '# SPDX-License-Identifier: GPL-2.0'
		echo '#'
		echo '# dma_vec consumer and exporter helpers'
		echo '#'
		for f in "$PATCH_REPO"/drivers/dma_vec/*.c; do
			b=${f##*/}
			echo "obj-\$(CONFIG_DMA_VEC) += ${b%.c}.o"
		done
	} >"$PATCH_REPO/drivers/dma_vec/Makefile"
	insert_after "$PATCH_REPO/drivers/Makefile" \
		'obj-$(CONFIG_DMADEVICES)	+= dma/' \
		'obj-$(CONFIG_DMA_VEC)		+= dma_vec/'
	commit <<MSG
dma_vec: add consumer and exporter conversion helpers

Add the helpers that let BAR exporters publish memory as dma_vec tables
and let NVMe and RDMA consumers map and walk them.

$SOB
MSG
fi

# Emit into a temporary directory, then replace only what changed so an
# unchanged series keeps its timestamps.
mkdir "$tmp/out"
git -C "$PATCH_REPO" format-patch -q --zero-commit --no-signature \
	--numbered -o "$tmp/out" \
	"$(git -C "$PATCH_REPO" rev-list --max-parents=0 base)..base"
mkdir -p "$PATCH_DIR"
for f in "$PATCH_DIR"/*.patch; do
	[ -e "$f" ] || continue
	[ -e "$tmp/out/${f##*/}" ] || rm -f "$f"
done
for f in "$tmp/out"/*.patch; do
	cmp -s "$f" "$PATCH_DIR/${f##*/}" || cp "$f" "$PATCH_DIR/${f##*/}"
done
log "patch series in $PATCH_DIR:"
(cd "$PATCH_DIR" && ls -1 ./*.patch) >&2
