#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the x86_64 kernel of the QEMU tier:
#   build-kernel.sh pristine   from .cache/linux-source-6.12 as unpacked
#   build-kernel.sh patched    from .cache/linux-qemu-patched, a hard-linked
#                              copy of it with the series applied (generated
#                              first into .cache/series/ by
#                              scripts/kernel/make-patches.sh)
#   build-kernel.sh bench      from .cache/linux-qemu-bench: the patched
#                              tree plus the P2P benchmark, never part of
#                              the series (benchmarks/qemu-bench.patch and
#                              benchmarks/dma_vec_p2p_bench.c), configured
#                              with scripts/qemu/bench.config on top
# into a cached build directory .cache/qemu-kbuild-<kind>, from
# "make ARCH=x86_64 tinyconfig" plus scripts/qemu/kernel.config.  Prints the
# path of the bzImage on stdout.  Nothing is done when the inputs (the
# fragment, and for "patched" the series) are unchanged since the last
# build; a changed series is re-applied and only the files whose content
# changed are replaced, so make rebuilds only what depends on them.  The
# pristine tree is never written to: a replaced file is renamed into
# place, which breaks its hard link.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/kernel/common.sh
. "$here/../kernel/common.sh"

kind=${1:-}
case "$kind" in
pristine | patched | bench) ;;
*) die "usage: $0 pristine|patched|bench" ;;
esac

need_pkgs build-essential bc bison flex libelf-dev patch rsync xz-utils
ensure_pristine

FRAG=$here/kernel.config
OBJ=$CACHE/qemu-kbuild-$kind
IMAGE=$OBJ/arch/x86/boot/bzImage

series=()
# "SRC KPATH": repository files the bench kernel adds as new kernel files.
extra=()
frags=("$FRAG")
if [ "$kind" != pristine ]; then
	"$here/../kernel/make-patches.sh"
	shopt -s nullglob
	series=("$PATCH_DIR"/*.patch)
	shopt -u nullglob
	[ ${#series[@]} -gt 0 ] || die "no patches in $PATCH_DIR"
fi
if [ "$kind" = bench ]; then
	series+=("$REPO/benchmarks/qemu-bench.patch")
	extra=("benchmarks/dma_vec_p2p_bench.c drivers/nvme/host/dma_vec_p2p_bench.c"
	       "benchmarks/dma_vec_bench_sg.h drivers/nvme/host/dma_vec_bench_sg.h")
	frags+=("$here/bench.config")
fi

tree_stamp=$( (cat /dev/null "${series[@]}"
	       for e in "${extra[@]}"; do
		       echo "$e"
		       cat "$REPO/${e%% *}"
	       done) | sha256sum | cut -d' ' -f1)
cfg_stamp=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
stamp="$tree_stamp $cfg_stamp"

if [ -f "$IMAGE" ] && [ "$(cat "$OBJ/.qemu-stamp" 2>/dev/null)" = "$stamp" ]; then
	log "$kind kernel up to date: $IMAGE"
	echo "$IMAGE"
	exit 0
fi

# Bring $SRC to pristine + series (overlay_tree of common.sh), so that
# make rebuilds only what the change affects, not everything below mm.h.
update_patched_tree() {
	log "applying ${#series[@]} patches to $SRC"
	overlay_tree "$SRC" series extra
	echo "$tree_stamp" >"$SRC.stamp"
}

if [ "$kind" = pristine ]; then
	SRC=$PRISTINE
else
	SRC=$CACHE/linux-qemu-$kind
	if [ "$(cat "$SRC.stamp" 2>/dev/null)" != "$tree_stamp" ]; then
		update_patched_tree
	fi
fi

mkdir -p "$OBJ"
if [ "$(cat "$OBJ/.qemu-config-stamp" 2>/dev/null)" != "$cfg_stamp $kind" ]; then
	log "configuring $OBJ (x86_64 tinyconfig + ${FRAG##*/})"
	make -s -C "$SRC" O="$OBJ" ARCH=x86_64 tinyconfig >"$OBJ/.qemu-config.log" 2>&1 ||
		{ cat "$OBJ/.qemu-config.log" >&2; die "tinyconfig failed"; }
	grep -h '^CONFIG_' "${frags[@]}" >>"$OBJ/.config"
	make -s -C "$SRC" O="$OBJ" ARCH=x86_64 olddefconfig >>"$OBJ/.qemu-config.log" 2>&1 ||
		{ cat "$OBJ/.qemu-config.log" >&2; die "olddefconfig failed"; }
	# Options below the "# patched" line exist only in the patched tree.
	awk '/^# patched/ { p = 1 } /^CONFIG_/ { print (p ? "patched " : "all ") $0 }' \
		"${frags[@]}" | while read -r scope opt; do
		[ "$scope" = patched ] && [ "$kind" = pristine ] && continue
		case "$opt" in
		*=n) ! grep -q "^${opt%=n}=" "$OBJ/.config" ||
			die "$OBJ/.config sets ${opt%=n}" ;;
		*) grep -qx "$opt" "$OBJ/.config" || die "$OBJ/.config lacks $opt" ;;
		esac
	done
	echo "$cfg_stamp $kind" >"$OBJ/.qemu-config-stamp"
fi

log "building the $kind kernel in $OBJ"
start=$SECONDS
make -s -C "$SRC" O="$OBJ" ARCH=x86_64 -j"$JOBS" bzImage >"$OBJ/.qemu-build.log" 2>&1 ||
	{ tail -n 40 "$OBJ/.qemu-build.log" >&2; die "$kind kernel build failed"; }
grep 'warning:' "$OBJ/.qemu-build.log" >&2 || true
log "$kind kernel built in $((SECONDS - start)) s"
echo "$stamp" >"$OBJ/.qemu-stamp"
echo "$IMAGE"
