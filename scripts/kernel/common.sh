# SPDX-License-Identifier: GPL-2.0
#
# Shared settings for the kernel tier scripts; sourced, never executed.
# Every path can be overridden from the environment, which the scripts use
# to test themselves on scratch copies of the repository.

# shellcheck shell=bash disable=SC2034

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
KERNEL_TIER_PKGS=("linux-source-$KVER" build-essential bc bison flex
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
#   include/linux/dma_vec_*.h -> include/linux/ (headers of the helpers)
#   lib/dma_vec.c             -> lib/dma_vec.c
#   tests/kunit/*.[ch]        -> lib/ (same file name), except:
#   tests/kunit/X_kunit.c     -> drivers/dma_vec/ when drivers/conversions/X.c
#                                exists: a KUnit file lands next to the code
#                                it tests
#   drivers/conversions/*.[ch] -> drivers/dma_vec/ (same file name)
overlay_map() {
	local f b

	echo "include/linux/dma_vec.h include/linux/dma_vec.h"
	for f in "$REPO"/include/linux/dma_vec_*.h; do
		[ -e "$f" ] || continue
		echo "include/linux/${f##*/} include/linux/${f##*/}"
	done
	echo "lib/dma_vec.c lib/dma_vec.c"
	for f in "$REPO"/tests/kunit/*.[ch]; do
		[ -e "$f" ] || continue
		b=${f##*/}
		case "$b" in
		*_kunit.c)
			if [ -e "$REPO/drivers/conversions/${b%_kunit.c}.c" ]; then
				echo "tests/kunit/$b drivers/dma_vec/$b"
				continue
			fi
			;;
		esac
		echo "tests/kunit/$b lib/$b"
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

# kernel_objs: the objects built from the overlay's .c files.
kernel_objs() {
	local src dst

	while read -r src dst; do
		case "$dst" in
		*.c) echo "${dst%.c}.o" ;;
		esac
	done < <(overlay_map)
}

# configure_x86 SRCTREE OBJDIR: a cached tinyconfig-based x86_64 build
# directory for SRCTREE, reconfigured only when the fragment changes.
configure_x86() {
	local src=$1 obj=$2 frag stamp opt

	frag=$REPO/scripts/kernel/x86_64-gates.config
	stamp=$(sha256sum "$frag" | cut -d' ' -f1)
	if [ -f "$obj/.config" ] && [ "$(cat "$obj/.dma_vec-stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	log "configuring $obj (x86_64 tinyconfig + ${frag##*/})"
	mkdir -p "$obj"
	make -s -C "$src" O="$obj" ARCH=x86_64 tinyconfig >"$obj/.dma_vec-config.log" 2>&1 ||
		{ cat "$obj/.dma_vec-config.log" >&2; die "tinyconfig failed"; }
	grep '^CONFIG_' "$frag" >>"$obj/.config"
	make -s -C "$src" O="$obj" ARCH=x86_64 olddefconfig >>"$obj/.dma_vec-config.log" 2>&1 ||
		{ cat "$obj/.dma_vec-config.log" >&2; die "olddefconfig failed"; }
	grep '^CONFIG_' "$frag" | while read -r opt; do
		grep -qx "$opt" "$obj/.config" || die "$obj/.config lacks $opt"
	done
	echo "$stamp" >"$obj/.dma_vec-stamp"
}
