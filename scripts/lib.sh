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

# The kernel source tree extracted from Debian's linux-source-6.1, and the
# KTAP parser that ships in it.
kernel_src_version() { deb_version linux-source-6.1; }
kernel_src_dir() { echo "$CLFS_CACHE/src/linux-$(kernel_src_version)"; }
kunit_py() { echo "$(kernel_src_dir)/tools/testing/kunit/kunit.py"; }

# Where build-kernel.sh puts the debug kernel: keyed by the config fragment,
# the kernel source version and the build script itself.
debug_kernel_key() {
	cat "$CLFS_TOP/scripts/kconfig/debug.config" \
	    "$CLFS_TOP/scripts/build-kernel.sh" |
		{ cat; kernel_src_version; } | sha256sum | cut -c1-16
}
debug_kernel_dir() { echo "$CLFS_CACHE/kernels/debug-$(kernel_src_version)-$(debug_kernel_key)"; }
