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
#
# Makefile lines below are literal text: $(...) must not expand.
# shellcheck disable=SC2016
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

# insert_before_prev FILE ANCHOR TEXT: add TEXT before the line that
# precedes the first line equal to ANCHOR.
insert_before_prev() {
	awk -v anchor="$2" -v text="$3" '
		NR > 1 {
			if ($0 == anchor && !done) {
				print text
				done = 1
			}
			print prev
		}
		{ prev = $0 }
		END { if (NR) print prev; exit !done }' "$1" >"$tmp/edit" ||
		die "anchor '$2' not found in $1"
	cat "$tmp/edit" >"$1"
}

# insert_after_next FILE ANCHOR TEXT: add TEXT after the line that follows
# the first line equal to ANCHOR.
insert_after_next() {
	awk -v anchor="$2" -v text="$3" '
		{ print }
		armed && !done { print text; done = 1 }
		$0 == anchor { armed = 1 }
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

# add_overlay SRC_PREFIX [DST_PREFIX]: copy the repository files under
# SRC_PREFIX (whose kernel path is under DST_PREFIX) to their kernel paths.
add_overlay() {
	local src dst

	while read -r src dst; do
		case "$src" in
		"$1"*)
			case "$dst" in
			"${2:-}"*) ;;
			*) continue ;;
			esac
			mkdir -p "$(dirname "$PATCH_REPO/$dst")"
			cp "$REPO/$src" "$PATCH_REPO/$dst"
			;;
		esac
	done < <(overlay_map)
}

# kunit_files KERNEL_DIR: the KUnit .c files the overlay puts in KERNEL_DIR/.
kunit_files() {
	local src dst

	while read -r src dst; do
		case "$src:$dst" in
		tests/kunit/*.c:"$1"/*) echo "${dst##*/}" ;;
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
have_p2p_map=
if overlay_map | grep -q '^drivers/conversions/'; then
	have_conv=1
	touched+=(drivers/Makefile)
	[[ " ${touched[*]} " == *" lib/Kconfig "* ]] || touched+=(lib/Kconfig)
	# The p2p_map VMA operation is a core mm change of its own.
	if grep -qs 'p2p_map' "$REPO"/drivers/conversions/*.[ch]; then
		have_p2p_map=1
		touched+=(include/linux/mm.h)
	fi
fi
# Hand-maintained diffs of existing kernel files (kernel/*.patch) come
# last; the pristine files they modify belong to the base.
shopt -s nullglob
hand_patches=("$REPO"/kernel/*.patch)
shopt -u nullglob
for p in "${hand_patches[@]}"; do
	while read -r f; do
		[ -e "$PRISTINE/$f" ] || continue
		[[ " ${touched[*]} " == *" $f "* ]] || touched+=("$f")
	done < <(sed -n 's|^--- a/||p' "$p")
done
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

# 0002: the KUnit suites of lib/.
add_overlay tests/kunit/ lib/
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
# One object per KUnit source file.
kunit_objs=$(kunit_files lib | while read -r b; do
	echo "obj-\$(CONFIG_DMA_VEC_KUNIT_TEST) += ${b%.c}.o"
done)
[ -n "$kunit_objs" ] || die "no KUnit source in tests/kunit/"
insert_after "$PATCH_REPO/lib/Makefile" \
	'obj-$(CONFIG_LIST_KUNIT_TEST) += list-test.o' "$kunit_objs"
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

# 0003: the VMA operation the user-address helpers call.
if [ -n "$have_p2p_map" ]; then
	# Before the comment that documents struct vm_operations_struct.
	insert_before_prev "$PATCH_REPO/include/linux/mm.h" \
		' * These are the virtual MM functions - opening of an area, closing and' \
		'struct dma_vec_table;
'
	insert_after_next "$PATCH_REPO/include/linux/mm.h" \
		'	struct page *(*find_special_page)(struct vm_area_struct *vma,' \
		"$(cat <<'MM'
	/*
	 * Called by dma_vec_from_user() for [start, end) of a mapping of
	 * peer-to-peer memory that has no struct pages (a BAR mapped with
	 * io_remap_pfn_range(), for instance): append the CPU physical ranges
	 * and their provider to @tbl, and keep the memory in place until
	 * p2p_unmap() is called for the same range.  On error @tbl must be
	 * left unchanged.
	 */
	int (*p2p_map)(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, bool write,
		       struct dma_vec_table *tbl, gfp_t gfp);
	/* Release what p2p_map() obtained for [start, end). */
	void (*p2p_unmap)(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end);
MM
)"
	commit <<MSG
mm: add p2p_map and p2p_unmap to vm_operations_struct

A driver that maps peer-to-peer memory without struct pages to user space
(a PCI BAR through io_remap_pfn_range()) has no way to tell an importer
what memory is behind a user address: get_user_pages() needs pages.

Let such a VMA describe itself: p2p_map() appends the CPU physical ranges
and their dma_vec provider to a dma_vec table and keeps the memory in
place until p2p_unmap().  dma_vec_from_user() is the caller.

$SOB
MSG
fi

# 0004: consumer and exporter helpers, once they exist.
if [ -n "$have_conv" ]; then
	add_overlay include/linux/dma_vec_
	add_overlay drivers/conversions/
	{
		echo '# SPDX-License-Identifier: GPL-2.0'
		echo '#'
		echo '# dma_vec consumer and exporter helpers'
		echo '#'
		for f in "$PATCH_REPO"/drivers/dma_vec/*.c; do
			b=${f##*/}
			case "$b" in
			*_kunit.c) continue ;;
			dma_vec_rdma.c)
				echo "obj-\$(CONFIG_DMA_VEC_RDMA) += ${b%.c}.o"
				continue
				;;
			esac
			echo "obj-y += ${b%.c}.o"
		done
	} >"$PATCH_REPO/drivers/dma_vec/Makefile"
	insert_kconfig "$PATCH_REPO/lib/Kconfig" DMA_VEC "$(cat <<'KCONFIG'
config DMA_VEC_P2P
	def_bool DMA_VEC && PCI
	help
	  The dma_vec helpers for peer-to-peer DMA between PCI devices, in
	  drivers/dma_vec/: providers described from PCI BARs, classification
	  of (provider, client) pairs, mapping of tables for a device, and
	  lookup of user addresses through the p2p_map VMA operation.

config DMA_VEC_RDMA
	def_bool DMA_VEC_P2P && INFINIBAND
	help
	  The dma_vec helpers for RDMA: SGEs, memory region page lists, the
	  best MR page size and RDMA READ/WRITE work requests built from
	  mapped dma_vec ranges, in drivers/dma_vec/dma_vec_rdma.c.
KCONFIG
)"
	insert_after "$PATCH_REPO/drivers/Makefile" \
		'obj-$(CONFIG_DMADEVICES)	+= dma/' \
		'obj-$(CONFIG_DMA_VEC_P2P)	+= dma_vec/'
	commit <<MSG
dma_vec: add consumer and exporter conversion helpers

Add the helpers that let BAR exporters publish memory as dma_vec tables
and let importers map and walk them, in drivers/dma_vec/.  They are built
when both DMA_VEC and PCI are enabled (CONFIG_DMA_VEC_P2P).

$SOB
MSG
fi

# 0005: KUnit suites of the helpers, next to them in drivers/dma_vec/.
conv_kunit=$(kunit_files drivers/dma_vec)
if [ -n "$have_conv" ] && [ -n "$conv_kunit" ]; then
	add_overlay tests/kunit/ drivers/dma_vec/
	insert_kconfig "$PATCH_REPO/lib/Kconfig.debug" DMA_VEC_KUNIT_TEST "$(cat <<'KCONFIG'
config DMA_VEC_P2P_KUNIT_TEST
	tristate "KUnit tests for the dma_vec P2P and NVMe helpers" if !KUNIT_ALL_TESTS
	depends on KUNIT && DMA_VEC_P2P
	default KUNIT_ALL_TESTS
	help
	  This builds the KUnit test suites of drivers/dma_vec/: P2P
	  classification on a hand-made PCI topology, mapping of tables
	  through the DMA API, revocation, user address lookup through the
	  p2p_map VMA operation, and NVMe PRP and SGL building.

	  For more information on KUnit and unit tests in general please refer
	  to the KUnit documentation in Documentation/dev-tools/kunit/.

	  If unsure, say N.
KCONFIG
)"
	{
		echo
		echo '# KUnit tests; the case tables they share with lib/ live there.'
		while read -r b; do
			# The RDMA suite needs the RDMA helpers (INFINIBAND).
			if [ "$b" = dma_vec_rdma_kunit.c ]; then
				echo 'ifdef CONFIG_DMA_VEC_RDMA'
				echo "obj-\$(CONFIG_DMA_VEC_P2P_KUNIT_TEST) += ${b%.c}.o"
				echo 'endif'
				continue
			fi
			echo "obj-\$(CONFIG_DMA_VEC_P2P_KUNIT_TEST) += ${b%.c}.o"
		done <<<"$conv_kunit"
		while read -r b; do
			if grep -q '"dma_vec_cases.h"' \
				"$PATCH_REPO/drivers/dma_vec/$b"; then
				echo "CFLAGS_${b%.c}.o += -I\$(srctree)/lib"
			fi
		done <<<"$conv_kunit"
	} >>"$PATCH_REPO/drivers/dma_vec/Makefile"
	commit <<MSG
dma_vec: add KUnit tests for the conversion helpers

Run the P2P topology matrix shared with the userspace test suite on
hand-made PCI host bridges, buses and functions that are linked like the
PCI core links them but never registered: the classification must match
drivers/pci/p2pdma.c and be answered from the cache the second time.

Map tables through the DMA API of a KUnit device, revoke providers of
live mappings, resolve user addresses of the test's own mm through the
p2p_map operation of a file mapping, and check NVMe PRP lists and SGL
segments built from DMA ranges against the layout the NVMe specification
prescribes, with the descriptor pages from a real dma_pool.

The tests are built when the helpers are (CONFIG_DMA_VEC_P2P).

$SOB
MSG
fi

# Last: the hand-maintained diffs, with their own author, date and message.
for p in "${hand_patches[@]}"; do
	GIT_COMMITTER_DATE=$PATCH_DATE git -C "$PATCH_REPO" am -q "$p" ||
		die "${p#"$REPO"/} does not apply on top of the series"
done

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
