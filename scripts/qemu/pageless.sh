#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pageless runs of the QEMU tier: NVMe passthrough between controller
# B and an ivshmem BAR that has no struct pages, exported by the sample
# samples/dma_vec/dma_vec_ivshmem.c through its p2p_map VMA operation.
#
#   pageless.sh PATCHED_BZIMAGE PRISTINE_BZIMAGE OUTDIR
#
# Either image may be "-" to skip its runs.  The patched kernel must have
# CONFIG_SAMPLE_DMA_VEC_IVSHMEM=y.  Builds the static guest program
# (pageless.c) and an initramfs with pageless-init in OUTDIR, then boots:
#   pageless-patched-switch    ivshmem and B below one PCIe switch: every
#                              transfer works, bytes checked on the host;
#                              the sample's p2p_pins count is 0 after the
#                              commands, after a munmap and after munmaps
#                              racing in-flight commands (the pin contract)
#   pageless-pristine-switch   the same on the pristine kernel: the BAR is
#                              mapped through sysfs and pinning fails
#                              (EFAULT)
#   pageless-patched-rootports separate root ports, -cpu qemu64: EREMOTEIO
#                              and the reason in the kernel log
#   pageless-patched-epyc      separate root ports, -cpu EPYC: P2P through
#                              the host bridge (AMD Zen rule) works;
#                              DMA_VEC_QEMU_EPYC=0 skips it
# and checks them with pageless_report.py, whose last line is
#   pageless report: N passed, N failed
#   pageless-patched-iommu     as epyc, with -device intel-iommu and
#                              intel_iommu=on (the kernels carry ACPI and
#                              INTEL_IOMMU, off by default); no DMAR fault
#                              allowed; DMA_VEC_QEMU_IOMMU=0 skips it
# Environment: DMA_VEC_QEMU_TIMEOUT (seconds per boot, default 180),
# GEN_INIT_CPIO_C (default: the pristine tree's usr/gen_init_cpio.c).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/kernel/common.sh
. "$here/../kernel/common.sh"
[ $# -eq 3 ] || { echo "usage: $0 PATCHED_BZIMAGE PRISTINE_BZIMAGE OUTDIR" >&2; exit 2; }
patched=$1
pristine=$2
out=$3
timeout_s=${DMA_VEC_QEMU_TIMEOUT:-180}
gen_c=${GEN_INIT_CPIO_C:-$repo/.cache/linux-source-6.12/usr/gen_init_cpio.c}

mkdir -p "$out"
initrd=$out/pageless-initramfs.cpio
gcc -O2 -o "$out/gen_init_cpio" "$gen_c"
gcc -static -O2 -Wall -Wextra -Werror -o "$out/pageless" "$here/pageless.c"
{ initramfs_base; cat <<LIST; } >"$out/pageless-initramfs.list"
file /bin/pageless $out/pageless 0755 0 0
file /init $here/pageless-init 0755 0 0
LIST
"$out/gen_init_cpio" "$out/pageless-initramfs.list" >"$initrd"

# run NAME IMAGE TOPO MODE CPU [iommu]
run() {
	local name=$1 image=$2 topo=$3 mode=$4 cpu=$5 iommu=${6:-} dir st=0 t=$SECONDS
	local -a dev pre=()
	local append="console=ttyS0 loglevel=4 panic=-1 no_timer_check p2pmode=$mode"

	dir=$out/run-$name
	rm -rf "$dir"
	mkdir -p "$dir"
	printf 'name=%s\nkernel=%s\ntopo=%s\nmode=%s\ncpu=%s\niommu=%s\n' "$name" \
		"$([ "$mode" = pristine ] && echo pristine || echo patched)" \
		"$topo" "$mode" "$cpu" "${iommu:-off}" >"$dir/meta"
	if [ -n "$iommu" ]; then
		# The IOMMU must come before the PCI devices it translates for.
		# shellcheck disable=SC2054
		pre=(-device intel-iommu,intremap=off)
		append="$append intel_iommu=on"
	fi
	truncate -s 16M "$dir/B.img"
	truncate -s 64M "$dir/ivshmem.bin"
	# QEMU option lists are comma-separated words.
	# shellcheck disable=SC2054
	case "$topo" in
	switch)
		dev=(-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1
		     -device x3130-upstream,id=up1,bus=rp1
		     -device xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=1
		     -device xio3130-downstream,id=dn2,bus=up1,chassis=3,slot=2
		     -device ivshmem-plain,memdev=hmem,bus=dn1
		     -device nvme,id=nvmeB,serial=dataB,drive=dB,bus=dn2)
		;;
	rootports)
		dev=(-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1
		     -device pcie-root-port,id=rp2,bus=pcie.0,chassis=2,slot=2
		     -device ivshmem-plain,memdev=hmem,bus=rp1
		     -device nvme,id=nvmeB,serial=dataB,drive=dB,bus=rp2)
		;;
	esac
	timeout "$timeout_s" qemu-system-x86_64 -M q35 -m 512M -smp 1 \
		-cpu "$cpu" -nographic -no-reboot -nic none \
		-kernel "$image" -initrd "$initrd" \
		-append "$append" \
		-drive "file=$dir/B.img,if=none,id=dB,format=raw" \
		-object "memory-backend-file,id=hmem,share=on,mem-path=$dir/ivshmem.bin,size=64M" \
		"${pre[@]}" "${dev[@]}" </dev/null >"$dir/console.log" 2>&1 || st=$?
	echo "run $name: $topo, -cpu $cpu, expect $mode: qemu exit $st after $((SECONDS - t)) s"
	[ "$st" -eq 0 ] || tail -n 40 "$dir/console.log" | sed 's/^/    | /'
	rundirs+=("$dir")
}

rundirs=()
if [ "$patched" != - ]; then
	run pageless-patched-switch "$patched" switch ok qemu64
fi
if [ "$pristine" != - ]; then
	run pageless-pristine-switch "$pristine" switch pristine qemu64
fi
if [ "$patched" != - ]; then
	run pageless-patched-rootports "$patched" rootports eremoteio qemu64
	if [ "${DMA_VEC_QEMU_EPYC:-1}" = 1 ]; then
		run pageless-patched-epyc "$patched" rootports ok EPYC
	fi
fi
# Through a real (emulated) IOMMU: separate root ports, -cpu EPYC, so P2P
# goes through the host bridge and is mapped through intel-iommu.  The
# tier's kernels carry ACPI and INTEL_IOMMU, off unless intel_iommu=on
# (kernel.config).  Behind a switch QEMU would translate P2P too, so the
# bus-address path cannot run with the IOMMU on.
if [ "$patched" != - ] && [ "${DMA_VEC_QEMU_IOMMU:-1}" = 1 ]; then
	run pageless-patched-iommu "${DMA_VEC_QEMU_IOMMU_KERNEL:-$patched}" \
		rootports ok EPYC iommu
fi
python3 "$here/pageless_report.py" "${rundirs[@]}"
