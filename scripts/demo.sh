#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo: build the example and export a fragmented 128 GiB BAR as a
# dma_vec, printing its footprint next to struct pages and scatterlists.
# Extra arguments go to the example (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
[ -f build/demo/build.ninja ] ||
	meson setup build/demo -Dtests=false -Ddocs=false >/dev/null
ninja -C build/demo examples/bar_footprint >/dev/null
exec build/demo/examples/bar_footprint "$@"
