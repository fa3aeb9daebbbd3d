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
# The generated series (never committed; make-patches.sh -o DIR copies it).
PATCH_DIR=$CACHE/series
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

# restore_dropped MANIFEST DEST FILE...: the files MANIFEST lists (an
# earlier overlay of DEST) that are not among FILE... get their pristine
# content back in DEST, or are removed if the pristine tree lacks them;
# then MANIFEST lists FILE...  (A lookup table, not "printf | grep -q":
# under pipefail, grep quitting first can fail the pipeline with SIGPIPE
# and so restore a file the overlay does have.)
restore_dropped() {
	local manifest=$1 dest=$2 f
	local -A keep=()

	shift 2
	for f in "$@"; do
		keep[$f]=1
	done
	if [ -f "$manifest" ]; then
		while read -r f; do
			[ -n "${keep[$f]:-}" ] && continue
			if [ -e "$PRISTINE/$f" ]; then
				log "restoring pristine $f"
				install -m 0644 "$PRISTINE/$f" "$dest/$f"
			else
				log "removing $f"
				rm -f "$dest/$f"
				(cd "$dest" && rmdir -p --ignore-fail-on-non-empty \
					"$(dirname "$f")" 2>/dev/null) || true
			fi
		done <"$manifest"
	fi
	printf '%s\n' "$@" >"$manifest"
}

# overlay_tree DEST SERIES EXTRA: bring DEST to the pristine tree plus the
# patches of the array named SERIES plus the files of the array named
# EXTRA (each "REPO_PATH TREE_PATH"), DEST being created as a hard-linked
# copy of the pristine tree if missing.  The patches are applied to
# pristine copies of the files they touch, and only files whose content
# changed are replaced (rsync renames a new file into place, breaking the
# hard link, never writing through it), so a build in DEST redoes only
# what the change affects.  Files an earlier overlay touched and this one
# does not get their pristine content back (DEST.files lists them).
overlay_tree() {
	local dest=$1 stage=$1.stage f p e
	local -n ot_series=$2 ot_extra=$3
	local -a files

	if [ ! -d "$dest" ]; then
		log "creating $dest (hard-linked copy of the pristine tree)"
		rm -rf "$dest.tmp"
		cp -al "$PRISTINE" "$dest.tmp"
		mv "$dest.tmp" "$dest"
	fi
	rm -rf "$stage"
	mkdir -p "$stage"
	mapfile -t files < <({ sed -n 's|^+++ b/||p' "${ot_series[@]}"
			       for e in "${ot_extra[@]}"; do echo "${e#* }"; done; } |
			     sort -u)
	for f in "${files[@]}"; do
		if [ -e "$PRISTINE/$f" ]; then
			mkdir -p "$(dirname "$stage/$f")"
			cp "$PRISTINE/$f" "$stage/$f"
		fi
	done
	for p in "${ot_series[@]}"; do
		patch -p1 -s -f --no-backup-if-mismatch -d "$stage" <"$p" ||
			die "${p##*/} does not apply"
	done
	for e in "${ot_extra[@]}"; do
		mkdir -p "$(dirname "$stage/${e#* }")"
		cp "$REPO/${e%% *}" "$stage/${e#* }"
	done
	rsync -r --checksum --out-format='  updated %n' "$stage/" "$dest/" >&2
	restore_dropped "$dest.files" "$dest" "${files[@]}"
	for f in "${files[@]}"; do
		[ ! "$dest/$f" -ef "$PRISTINE/$f" ] || cmp -s "$PRISTINE/$f" "$stage/$f" ||
			die "$f is still hard-linked to the pristine tree"
		cmp -s "$stage/$f" "$dest/$f" || die "$f was not overlaid"
	done
	rm -rf "$stage"
}

# need_pkgs PKG...: apt-get install the packages that are not installed.
need_pkgs() {
	local missing=() p

	for p in "$@"; do
		[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = \
			'install ok installed' ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages (run as root): ${missing[*]}"
	log "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2 ||
		{ apt-get update >&2 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2; }
}

# The series manifest: which repository diff starts each patch and which
# repository files it adds, at which kernel paths (see its header).
SERIES=${DMA_VEC_SERIES:-$REPO/scripts/kernel/series}

# series_lines: the manifest without comments and blank lines, as
# "patch DIFF" and "new SRC DST" lines, checked for form.
series_lines() {
	awk '
		{ sub(/#.*/, "") }
		NF == 0 { next }
		$1 == "patch" && NF == 2 { print; seen = 1; next }
		$1 == "new" && NF == 3 && seen { print; next }
		{
			printf "%s:%d: bad line: %s\n", FILENAME, FNR, $0 > "/dev/stderr"
			bad = 1
		}
		END { exit bad }' "$SERIES" || die "$SERIES is malformed"
}

# series_diffs: the diff files of the series, in order.
series_diffs() {
	series_lines | awk '$1 == "patch" { print $2 }'
}

# overlay_map: prints "repo-path kernel-path" for every new kernel file of
# the series, in series order (the "new" lines of the manifest).
overlay_map() {
	series_lines | awk '$1 == "new" { print $2, $3 }'
}

# diff_files DIFF...: the existing kernel files the diffs modify.
diff_files() {
	sed -n 's|^+++ b/||p' "$@" | sort -u
}

# series_files: every kernel file the series creates or modifies.
series_files() {
	local -a diffs

	mapfile -t diffs < <(series_diffs)
	{
		overlay_map | cut -d' ' -f2
		(cd "$REPO" && diff_files "${diffs[@]}")
	} | sort -u
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

# kernel_objs: the objects built from the .c files the series creates or
# modifies.
kernel_objs() {
	series_files | sed -n 's/\.c$/.o/p'
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

# w1_sparse SRCTREE OBJDIR LOG OBJ...: rebuild OBJ... of an x86_64 build
# with W=1 and sparse, as one check of a tier (see fail, tier_finish): it
# passes only if the build does and prints nothing (what it printed stays
# in LOG and is shown on failure).
w1_sparse() {
	local src=$1 obj=$2 out=$3 st=0
	shift 3
	rm -f "${@/#/$obj/}"
	make -s -C "$src" O="$obj" ARCH=x86_64 -j"$JOBS" W=1 C=1 "$@" \
		>"$out" 2>&1 || st=$?
	if [ "$st" -eq 0 ] && [ ! -s "$out" ]; then
		echo "PASS W=1 and sparse: $*"
		passed=$((passed + 1))
	else
		sed 's/^/    /' "$out"
		fail "W=1 and sparse: $*"
	fi
}

# initramfs_base: the gen_init_cpio lines every guest initramfs starts
# with (device nodes without root, busybox); the caller adds /init and
# its own files.
initramfs_base() {
	cat <<-LIST
	dir /dev 0755 0 0
	nod /dev/console 0600 0 0 c 5 1
	nod /dev/null 0666 0 0 c 1 3
	dir /bin 0755 0 0
	dir /proc 0755 0 0
	dir /sys 0755 0 0
	dir /tmp 1777 0 0
	file /bin/busybox /bin/busybox 0755 0 0
	LIST
}

# make_initrd DIR INITRD STAMP [CMD ARG...]: unless INITRD.stamp holds
# STAMP, run CMD (when given, to build what the list names) and build
# INITRD in DIR with the pristine tree's gen_init_cpio (device nodes
# without root), from initramfs_base and the list lines on stdin.
make_initrd() {
	local dir=$1 initrd=$2 stamp=$3

	shift 3
	if [ -f "$initrd" ] && [ "$(cat "$initrd.stamp" 2>/dev/null)" = "$stamp" ]; then
		echo "$initrd up to date"
		return 0
	fi
	if [ $# -gt 0 ]; then
		"$@"
	fi
	gcc -O2 -o "$dir/gen_init_cpio" "$PRISTINE/usr/gen_init_cpio.c"
	{ initramfs_base; cat; } >"$dir/initramfs.list"
	"$dir/gen_init_cpio" "$dir/initramfs.list" >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	echo "$stamp" >"$initrd.stamp"
	echo "built $initrd"
}

# bench_args ARG...: the options of the benchmark scripts,
# [--short] [--boots N] [--reps N] [--out DIR], into $short, $boots,
# $reps and $out (the caller sets their defaults first; --short means one
# boot).
bench_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--short) short=1; boots=1 ;;
		--boots) boots=$2; shift ;;
		--reps) reps=$2; shift ;;
		--out) out=$2; shift ;;
		*) die "usage: $0 [--short] [--boots N] [--reps N] [--out DIR]" ;;
		esac
		shift
	done
}

# tier_finish LABEL: end a tier script that counts its checks in $passed
# and $failed and started at $start: how long it took, the summary line
# "LABEL: N passed, N failed", and the exit status (0 only if something
# passed and nothing failed).
tier_finish() {
	echo
	echo "$1 took $((SECONDS - start)) s"
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit
}

# fail WHAT: report and count one failed check.
fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}
