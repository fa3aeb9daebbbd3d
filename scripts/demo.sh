#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, on the simulated platform:
#   1. bar_footprint: a fragmented 128 GiB BAR as a dma_vec, its footprint
#      next to struct pages and scatterlists;
#   2. gpu_export: a simulated GPU exports fragmented VRAM through p2p_map
#      to three NICs (bus address, through the host bridge and IOMMU,
#      refused) and moves bytes through each mapping;
#   3. rdma_pages: MR translation entries for a 128 GiB allocation, best
#      page size against 4 KiB.
# Arguments, if any, go to bar_footprint (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
[ -f build/demo/build.ninja ] ||
	meson setup build/demo -Dtests=false -Ddocs=false >/dev/null
ninja -C build/demo examples/bar_footprint examples/gpu_export \
	examples/rdma_pages >/dev/null
echo "=== bar_footprint ==="
build/demo/examples/bar_footprint "$@"
echo
echo "=== gpu_export ==="
build/demo/examples/gpu_export
echo
echo "=== rdma_pages ==="
build/demo/examples/rdma_pages
