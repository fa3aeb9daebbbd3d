#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the userspace build, its tests, the fuzzers (clang with
# libFuzzer) and the docs need on Debian 12.
# Installs only what is missing; runs apt-get update once when it must.
set -euo pipefail

pkgs=(build-essential meson ninja-build pkg-config libcmocka-dev valgrind
      doxygen python3 clang libclang-rt-14-dev)

missing=()
for p in "${pkgs[@]}"; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = \
		'install ok installed' ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages (run as root or install them): ${missing[*]}" >&2
	exit 1
fi
echo "==> apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update >&2
apt-get install -y "${missing[@]}" >&2
