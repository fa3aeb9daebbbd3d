#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The QEMU tier: real peer-to-peer DMA between two emulated NVMe
# controllers, on the pristine 6.12 kernel and on the kernel with the
# dma_vec series (generated from scripts/kernel/series) applied, in one run:
#   1. build both kernels (build-kernel.sh; cached, rebuilt only when the
#      series or the config fragment changes) and the initramfs (busybox,
#      /init, the static p2ptest helper; cached likewise)
#   2. boot each kernel in qemu-system-x86_64 (TCG, q35) with controller A
#      (64 MiB CMB, published as p2pmem) and controller B (a namespace
#      backed by a fresh raw image):
#        switch     A and B below one PCIe switch: P2P must work
#        rootports  A and B on separate root ports, -cpu qemu64: P2P must
#                   fail with EREMOTEIO (the host bridge is not on the
#                   allow-list)
#        epyc       as rootports with -cpu EPYC: P2P through the host
#                   bridge is allowed (AMD Zen rule); DMA_VEC_QEMU_EPYC=0
#                   skips it
#   3. check on the host (report.py): the image holds exactly what the
#      guest wrote, both kernels wrote the same data, the dma_vec counters
#      of the nvme driver show the patched path was taken
# The last line is
#   qemu tier: N passed, N failed
# counting every guest check (p2ptest) and host check of every run.
# Exits non-zero on any failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/kernel/common.sh
. "$here/../kernel/common.sh"

QCACHE=$CACHE/qemu
QEMU_TIMEOUT=${DMA_VEC_QEMU_TIMEOUT:-120}
passed=0
failed=0

finish() {
	tier_finish "qemu tier"
}

start=$SECONDS
printf '\n==== %s\n' "packages"
need_pkgs qemu-system-x86 busybox-static cpio build-essential libc6-dev \
	python3 bc bison flex libelf-dev patch rsync sparse xz-utils
ensure_pristine
mkdir -p "$QCACHE"

printf '\n==== %s\n' "kernels"
# DMA_VEC_QEMU_KERNELS="pristine" (or "patched") limits the run to one
# kernel, for debugging; the tier proper runs both.
kernels=${DMA_VEC_QEMU_KERNELS:-pristine patched}
declare -A image
for kind in $kernels; do
	t=$SECONDS
	if image[$kind]=$("$here/build-kernel.sh" "$kind"); then
		echo "PASS build $kind kernel ($((SECONDS - t)) s)"
		passed=$((passed + 1))
	else
		fail "build $kind kernel"
	fi
done
[ "$failed" -eq 0 ] || finish

# The existing kernel files the series' diffs modify (drivers/pci/p2pdma.c,
# nvme's pci.c, rw.c), built W=1 and with sparse in the patched build
# directory: no finding allowed.
if [[ " $kernels " == *" patched "* ]]; then
	mapfile -t diffs < <(series_diffs)
	mapfile -t hand_objs < <(cd "$REPO" && diff_files "${diffs[@]}" |
		sed -n 's/\.c$/.o/p')
	if [ ${#hand_objs[@]} -gt 0 ]; then
		obj=$CACHE/qemu-kbuild-patched
		w1_sparse "$CACHE/linux-qemu-patched" "$obj" \
			"$obj/.qemu-w1.log" "${hand_objs[@]}"
	fi
fi

printf '\n==== %s\n' "initramfs"
initrd=$QCACHE/initramfs.cpio
stamp=$(cat "$here/init" "$here/p2ptest.c" "$PRISTINE/usr/gen_init_cpio.c" \
	/bin/busybox | sha256sum | cut -d' ' -f1)
make_initrd "$QCACHE" "$initrd" "$stamp" \
	gcc -static -O2 -Wall -Wextra -Werror -o "$QCACHE/p2ptest" \
	"$here/p2ptest.c" <<-LIST
	file /bin/p2ptest $QCACHE/p2ptest 0755 0 0
	file /init $here/init 0755 0 0
	LIST

# run NAME KERNEL TOPO MODE CPU
run() {
	local name=$1 kind=$2 topo=$3 mode=$4 cpu=$5 iommu=${6:-} dir st t
	local -a pre=()
	local append="console=ttyS0 loglevel=4 panic=-1 p2pmode=$mode"
	local -a dev

	dir=$QCACHE/run-$name
	rm -rf "$dir"
	mkdir -p "$dir"
	printf 'name=%s\nkernel=%s\ntopo=%s\nmode=%s\ncpu=%s\niommu=%s\n' \
		"$name" "$kind" "$topo" "$mode" "$cpu" "${iommu:-off}" >"$dir/meta"
	truncate -s 16M "$dir/B.img"
	# QEMU option lists are comma-separated words.
	# shellcheck disable=SC2054
	case "$topo" in
	switch)
		dev=(-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1
		     -device x3130-upstream,id=up1,bus=rp1
		     -device xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=1
		     -device xio3130-downstream,id=dn2,bus=up1,chassis=3,slot=2
		     -device nvme,id=nvmeA,serial=cmbA,cmb_size_mb=64,bus=dn1
		     -device nvme,id=nvmeB,serial=dataB,drive=dB,bus=dn2)
		;;
	rootports)
		dev=(-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1
		     -device pcie-root-port,id=rp2,bus=pcie.0,chassis=2,slot=2
		     -device nvme,id=nvmeA,serial=cmbA,cmb_size_mb=64,bus=rp1
		     -device nvme,id=nvmeB,serial=dataB,drive=dB,bus=rp2)
		;;
	esac
	if [ -n "$iommu" ]; then
		# The IOMMU must come before the PCI devices it translates for.
		# shellcheck disable=SC2054
		pre=(-device intel-iommu,intremap=off)
		append="$append intel_iommu=on"
	fi
	t=$SECONDS
	st=0
	timeout "$QEMU_TIMEOUT" qemu-system-x86_64 -M q35 -m 512M -smp 1 \
		-cpu "$cpu" -nographic -no-reboot -nic none \
		-kernel "${image[$kind]}" -initrd "$initrd" \
		-append "$append" \
		-drive "file=$dir/B.img,if=none,id=dB,format=raw" \
		"${pre[@]}" "${dev[@]}" </dev/null >"$dir/console.log" 2>&1 || st=$?
	echo "run $name: $kind kernel, $topo, -cpu $cpu, expect $mode:" \
		"qemu exit $st after $((SECONDS - t)) s"
	[ "$st" -eq 0 ] || sed 's/^/    | /' "$dir/console.log" | tail -n 60
	rundirs+=("$dir")
}

printf '\n==== %s\n' "qemu runs"
rundirs=()
for kind in $kernels; do
	run "$kind-switch" "$kind" switch ok qemu64
done
for kind in $kernels; do
	run "$kind-rootports" "$kind" rootports eremoteio qemu64
done
if [ "${DMA_VEC_QEMU_EPYC:-1}" = 1 ]; then
	for kind in $kernels; do
		run "$kind-epyc" "$kind" rootports ok EPYC
	done
fi
# The p2pmem cases through intel-iommu: separate root ports and a Zen CPU
# put the path through the host bridge, which the IOMMU translates (QEMU
# translates switch-local P2P too, so the bus-address path cannot run with
# the IOMMU on).  Both kernels must pass, with no DMAR fault.
if [ "${DMA_VEC_QEMU_IOMMU:-1}" = 1 ]; then
	for kind in $kernels; do
		run "$kind-iommu" "$kind" rootports ok EPYC iommu
	done
fi

printf '\n==== %s\n' "results"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
st=0
python3 "$here/report.py" "${rundirs[@]}" | tee "$out" || st=$?
p=$(sed -n 's/^report: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out")
f=$(sed -n 's/^report: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out")
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-1}))
[ "$st" -eq 0 ] || [ "${f:-1}" -gt 0 ] || fail "report.py exit status $st"

# The pageless runs: NVMe passthrough from an ivshmem BAR exported without
# struct pages by samples/dma_vec (pageless.sh, docs/qemu.md).
# DMA_VEC_QEMU_PAGELESS=0 skips them.
if [[ " $kernels " == *" patched "* ]] && [ "${DMA_VEC_QEMU_PAGELESS:-1}" = 1 ]; then
	printf '\n==== %s\n' "pageless runs"
	st=0
	GEN_INIT_CPIO_C=$PRISTINE/usr/gen_init_cpio.c "$here/pageless.sh" \
		"${image[patched]}" "${image[pristine]:--}" "$QCACHE" |
		tee "$out" || st=$?
	p=$(sed -n 's/^pageless report: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out")
	f=$(sed -n 's/^pageless report: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
	[ "$st" -eq 0 ] || [ "${f:-1}" -gt 0 ] || fail "pageless.sh exit status $st"
fi
finish
