#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The test platform as a product: install dma_vec's library and headers
# into a temporary prefix, then build and test the out-of-tree example
# driver (examples/oot-driver) from a copy outside the source tree, through
# pkg-config only.  Prints the CMocka output and "installed platform: N
# passed, N failed".
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

meson setup "$work/build" "$src" --prefix="$work/prefix" -Dtests=false \
	-Ddocs=false >/dev/null
ninja -C "$work/build" >/dev/null
meson install -C "$work/build" >/dev/null

cp -r "$src/examples/oot-driver" "$work/driver"
pcdir=$(dirname "$(find "$work/prefix" -name dma_vec-sim.pc | head -n 1)")
export PKG_CONFIG_PATH=$pcdir
echo "pkg-config dma_vec-sim: $(pkg-config --cflags --libs dma_vec-sim)"
# The driver's build must not see the source tree.
if grep -rq "$src" "$work/driver"; then
	echo "out-of-tree driver refers to the source tree" >&2
	exit 1
fi
meson setup "$work/driver/build" "$work/driver" >/dev/null
rc=0
meson test -C "$work/driver/build" --print-errorlogs -v || rc=$?
read -r p f < <(python3 "$src/scripts/count-tests.py" \
	"$work/driver/build/meson-logs/testlog.json")
echo "installed platform: $p passed, $f failed"
exit $rc
