#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the kernel patch series from the repository, following the
# manifest scripts/kernel/series:
#   make-patches.sh           into .cache/series/ (what the tiers use)
#   make-patches.sh -o DIR    into DIR as well, for submission
#
# Each "patch" stanza of the manifest becomes one patch: its commit
# message, author and changes to existing v6.12 files come from the
# repository diff it names (a git format-patch file living next to the
# code that needs it), and its "new" lines add repository files at their
# kernel paths.  No kernel text lives in this script.
#
# The series is made in a scratch git repository (.cache/patch-repo) that
# holds only the files the series touches: its first commit is the
# pristine v6.12 version of the files the diffs modify.  The patches
# therefore apply with "git am" or "patch -p1" to a full v6.12 tree.
# Author and dates come from the diffs and commit ids are zeroed, so
# regenerating gives byte-identical patches unless a source changed.
#
# Before generating, the manifest is checked: every file it names exists,
# no repository file or kernel path is listed twice, every kernel-bound
# repository file is listed (so a new source cannot be left out
# silently), and the diffs only modify existing kernel files.  Several
# diffs may modify one kernel file (each is a patch of its own, applied
# in manifest order, as in any kernel series); the files each diff
# touches are listed, and a diff that does not apply on top of the
# earlier ones is reported by name.
set -euo pipefail

# shellcheck source=scripts/kernel/common.sh
. "$(dirname "$0")/common.sh"

usage() {
	echo "usage: $0 [-o DIR]" >&2
	exit 2
}

out_dir=
while getopts o:h opt; do
	case "$opt" in
	o) out_dir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage

# The date committer and (through the diffs) author dates are fixed to.
PATCH_DATE="2024-11-17T14:15:08-08:00"

ensure_pristine

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- check the manifest -------------------------------------------------
series_lines >"$tmp/lines"
mapfile -t diffs < <(awk '$1 == "patch" { print $2 }' "$tmp/lines")
[ ${#diffs[@]} -gt 0 ] || die "$SERIES lists no patch"
bad=0
complain() {
	printf 'error: %s\n' "$*" >&2
	bad=1
}

while read -r kind src dst; do
	[ -f "$REPO/$src" ] || complain "$SERIES: $src does not exist"
	if [ "$kind" = new ] && [ -e "$PRISTINE/$dst" ]; then
		complain "$SERIES: $dst exists in v$KVER; change it in a diff"
	fi
done <"$tmp/lines"
awk '{ print $2 }' "$tmp/lines" | sort | uniq -d | while read -r f; do
	echo "error: $SERIES lists $f twice" >&2
	echo 1 >"$tmp/dup"
done
awk '$1 == "new" { print $3 }' "$tmp/lines" | sort | uniq -d | while read -r f; do
	echo "error: $SERIES puts two files at $f" >&2
	echo 1 >"$tmp/dup"
done
[ ! -e "$tmp/dup" ] || bad=1

# Kernel-bound files of the repository: all must be in the series.
(cd "$REPO" &&
 find include lib drivers tests/kunit -type f \
	\( -name '*.[ch]' -o -name '*.patch' \) 2>/dev/null) | sort >"$tmp/repo"
awk '{ print $2 }' "$tmp/lines" | sort >"$tmp/listed"
comm -23 "$tmp/repo" "$tmp/listed" | while read -r f; do
	echo "error: $f is not in $SERIES" >&2
	echo 1 >"$tmp/missing"
done
[ ! -e "$tmp/missing" ] || bad=1

for d in "${diffs[@]}"; do
	if grep -qE '^(new file mode|deleted file mode|--- /dev/null|\+\+\+ /dev/null|rename from|copy from)' \
		"$REPO/$d"; then
		complain "$d creates, deletes or renames a file; new files belong in $SERIES"
	fi
	grep -q '^Subject: ' "$REPO/$d" || complain "$d has no Subject: header"
	while read -r f; do
		[ -f "$PRISTINE/$f" ] || complain "$d modifies $f, which v$KVER lacks"
		echo "$f $d"
	done < <(diff_files "$REPO/$d")
done >"$tmp/touched"
# A file several diffs modify: fine, they apply in manifest order; say so.
awk '{ print $1 }' "$tmp/touched" | sort | uniq -d | while read -r f; do
	log "$f is modified by several diffs, in order:" \
		"$(awk -v f="$f" '$1 == f { printf "%s%s", s, $2; s = " " }' "$tmp/touched")"
done
[ "$bad" -eq 0 ] || die "fix $SERIES or the diffs it names"

# ---- build the series in the scratch repository --------------------------
AUTHOR_NAME="dma_vec maintainers"
AUTHOR_EMAIL="maintainers@users.noreply.r-seed-acd54f25.example"
export GIT_COMMITTER_DATE=$PATCH_DATE GIT_AUTHOR_DATE=$PATCH_DATE
git_p() {
	git -C "$PATCH_REPO" "$@"
}

rm -rf "$PATCH_REPO"
mkdir -p "$PATCH_REPO"
git_p init -q -b base
git_p config user.name "$AUTHOR_NAME"
git_p config user.email "$AUTHOR_EMAIL"
git_p config core.autocrlf false
git_p config commit.gpgsign false

awk '{ print $1 }' "$tmp/touched" | sort -u | while read -r f; do
	mkdir -p "$(dirname "$PATCH_REPO/$f")"
	cp "$PRISTINE/$f" "$PATCH_REPO/$f"
done
git_p add -A
git_p commit -q --no-verify -m "Linux $KVER" \
	-m "Pristine files from linux-source-$KVER that the dma_vec series modifies."
root=$(git_p rev-parse HEAD)

# One commit per stanza: the diff with its message, then its new files.
flush() {
	[ -n "$cur" ] || return 0
	git_p add -A
	git_p commit -q --no-verify --amend --no-edit --allow-empty
}
cur=
while read -r kind src dst; do
	case "$kind" in
	patch)
		flush
		cur=$src
		git_p am -q --keep-cr "$REPO/$src" ||
			die "$src does not apply to v$KVER with the diffs before it in $SERIES"
		;;
	new)
		mkdir -p "$(dirname "$PATCH_REPO/$dst")"
		cp "$REPO/$src" "$PATCH_REPO/$dst"
		;;
	esac
done <"$tmp/lines"
flush

mkdir "$tmp/out"
git_p format-patch -q --zero-commit --no-signature --numbered \
	-o "$tmp/out" "$root..base"

# sync_dir DIR: make DIR hold exactly the series, touching only what
# changed (an unchanged series keeps its timestamps).
sync_dir() {
	local f

	mkdir -p "$1"
	for f in "$1"/*.patch; do
		[ -e "$f" ] || continue
		[ -e "$tmp/out/${f##*/}" ] || rm -f "$f"
	done
	for f in "$tmp/out"/*.patch; do
		cmp -s "$f" "$1/${f##*/}" || cp "$f" "$1/${f##*/}"
	done
}

sync_dir "$PATCH_DIR"
log "patch series in $PATCH_DIR:"
(cd "$PATCH_DIR" && ls -1 ./*.patch) >&2
if [ -n "$out_dir" ]; then
	sync_dir "$out_dir"
	log "copied to $out_dir"
fi
