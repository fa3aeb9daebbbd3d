# SPDX-License-Identifier: GPL-2.0
#
# Shared settings for the kernel tier scripts; sourced, never executed.
# Every path can be overridden from the environment, which the scripts use
# to test themselves on scratch copies of the repository.

# shellcheck shell=bash

KVER=${DMA_VEC_KVER:-6.12}
REPO=${DMA_VEC_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CACHE=${DMA_VEC_CACHE:-$REPO/.cache}
TARBALL=${DMA_VEC_TARBALL:-/usr/src/linux-source-$KVER.tar.xz}
# Pristine unpacked tarball: never modified, base of every other tree.
PRISTINE=$CACHE/linux-source-$KVER
# Hard-linked copy of PRISTINE with the dma_vec overlay (KUnit, gates).
WORK=$CACHE/linux-dma_vec
# Scratch git repository holding only the files the series touches.
PATCH_REPO=$CACHE/patch-repo
PATCH_DIR=$REPO/patches
JOBS=${DMA_VEC_JOBS:-$(nproc)}

# Packages the kernel tier needs on Debian 12.
KERNEL_TIER_PKGS=(linux-source-$KVER build-essential bc bison flex
		  libelf-dev python3 perl git rsync sparse xz-utils)

log() {
	printf '==> %s\n' "$*" >&2
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# need_pkgs PKG...: apt-get install the packages that are not installed.
need_pkgs() {
	local missing=() p

	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages (run as root): ${missing[*]}"
	log "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2 ||
		{ apt-get update >&2 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2; }
}

# Overlay map: prints "repo-path kernel-path" for every kernel-bound file
# of the repository, in a stable order.
#   include/linux/dma_vec.h   -> include/linux/dma_vec.h
#   lib/dma_vec.c             -> lib/dma_vec.c
#   tests/kunit/*.[ch]        -> lib/ (same file name)
#   drivers/conversions/*.[ch] -> drivers/dma_vec/ (same file name)
overlay_map() {
	local f

	echo "include/linux/dma_vec.h include/linux/dma_vec.h"
	echo "lib/dma_vec.c lib/dma_vec.c"
	for f in "$REPO"/tests/kunit/*.[ch]; do
		[ -e "$f" ] || continue
		echo "tests/kunit/${f##*/} lib/${f##*/}"
	done
	for f in "$REPO"/drivers/conversions/*.[ch]; do
		[ -e "$f" ] || continue
		echo "drivers/conversions/${f##*/} drivers/dma_vec/${f##*/}"
	done
}

# ensure_pristine: install and unpack the kernel source once.
ensure_pristine() {
	if [ -f "$PRISTINE/Makefile" ] && [ -f "$PRISTINE/lib/Kconfig.debug" ]; then
		return 0
	fi
	[ -f "$TARBALL" ] || need_pkgs "linux-source-$KVER"
	[ -f "$TARBALL" ] || die "$TARBALL not found"
	log "unpacking $TARBALL into $CACHE"
	mkdir -p "$CACHE"
	rm -rf "$PRISTINE.tmp"
	mkdir "$PRISTINE.tmp"
	tar -xJf "$TARBALL" -C "$PRISTINE.tmp" --strip-components=1
	mv "$PRISTINE.tmp" "$PRISTINE"
}
