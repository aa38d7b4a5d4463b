# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared settings and helpers for the clfs build and test scripts.
# Sourced, never run: every script under scripts/ starts with
#   . "$(dirname "$0")/lib.sh"

set -euo pipefail

CLFS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Kernels, unpacked Debian packages and extracted sources live outside the
# checkout so that a fresh clone on the same machine reuses them.
CLFS_CACHE=${CLFS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clfs}
CLFS_OUT=${CLFS_OUT:-$CLFS_TOP/out}
JOBS=${JOBS:-$(nproc)}

log() { printf '[clfs] %s\n' "$*" >&2; }
die() { printf '[clfs] error: %s\n' "$*" >&2; exit 1; }

# with_lock NAME CMD...: run CMD holding an exclusive lock in the cache, so
# two builds of the same cached artefact never race.
with_lock() {
	local name=$1; shift
	mkdir -p "$CLFS_CACHE/locks"
	(
		flock 9
		"$@"
	) 9>"$CLFS_CACHE/locks/$name"
}

# Installed version of a Debian package, empty if absent.
deb_version() {
	dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
		awk '$3 == "installed" { print $4 }'
}

# The kernel source tree extracted from Debian's linux-source-6.1. Many
# steps need a piece of it (the debug kernel, kselftest_harness.h for the
# guest and host tests, kunit_parser, checkpatch.pl, kernel-doc), and any of
# them may be the first command on a new machine: asking for the tree
# extracts it, once, under a lock.
kernel_src_version() { deb_version linux-source-6.1; }
kernel_src_path() { echo "$CLFS_CACHE/src/linux-$(kernel_src_version)"; }

extract_kernel_src() {
	local src
	src=$(kernel_src_path)
	[ -f "$src/.clfs-extracted" ] && return 0
	log "extracting /usr/src/linux-source-6.1.tar.xz into $src"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -C "$src.tmp" --strip-components=1 -xf /usr/src/linux-source-6.1.tar.xz
	touch "$src.tmp/.clfs-extracted"
	mv "$src.tmp" "$src"
}

# kernel_src_dir: the tree's path, extracted first if it is not there yet.
kernel_src_dir() {
	[ -n "$(kernel_src_version)" ] || "$CLFS_TOP/scripts/deps.sh"
	[ -n "$(kernel_src_version)" ] || die "linux-source-6.1 is not installed"
	[ -f "$(kernel_src_path)/.clfs-extracted" ] ||
		with_lock source extract_kernel_src
	kernel_src_path
}
kunit_py() { echo "$(kernel_src_dir)/tools/testing/kunit/kunit.py"; }

# Where build-kernel.sh puts the debug kernel: keyed by the config fragment,
# the kernel source version and the build script itself.
debug_kernel_key() {
	cat "$CLFS_TOP/scripts/kconfig/debug.config" \
	    "$CLFS_TOP/scripts/build-kernel.sh" |
		{ cat; kernel_src_version; } | sha256sum | cut -c1-16
}
debug_kernel_dir() { echo "$CLFS_CACHE/kernels/debug-$(kernel_src_version)-$(debug_kernel_key)"; }
