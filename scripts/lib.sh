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

# Debian's linux-source-6.1 is used two ways: the whole tree builds the
# debug kernel, and a few files of it serve every other step (the kselftest
# harness for the guest and host tests, kunit_parser for the summary,
# checkpatch.pl and kernel-doc). Those are extracted apart, a few MiB
# instead of 1.5 GiB, so that a stock-kernel path never writes the tree.
# Any step may be the first command on a new machine: asking for a tree
# extracts it, once, under a lock.
kernel_src_version() { deb_version linux-source-6.1; }
kernel_src_path() { echo "$CLFS_CACHE/src/linux-$(kernel_src_version)"; }
kernel_tools_path() { echo "$CLFS_CACHE/src/tools-$(kernel_src_version)"; }
KERNEL_TOOLS=(scripts tools/testing/kunit 'tools/testing/selftests/kselftest*')

# extract_kernel_tree DIR [MEMBER...]: the tarball, or only the members
# (paths inside the tree, wildcards allowed), into DIR.
extract_kernel_tree() {
	local dir=$1 members=() m
	shift
	[ -f "$dir/.clfs-extracted" ] && return 0
	for m in "$@"; do
		members+=("linux-source-6.1/$m")
	done
	log "extracting /usr/src/linux-source-6.1.tar.xz${1:+ ($*)} into $dir"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -C "$dir.tmp" --strip-components=1 -xf /usr/src/linux-source-6.1.tar.xz \
		${1:+--wildcards} "${members[@]}"
	touch "$dir.tmp/.clfs-extracted"
	mv "$dir.tmp" "$dir"
}

# kernel_tree DIR [MEMBER...]: DIR, extracted first if it is not there yet.
kernel_tree() {
	[ -n "$(kernel_src_version)" ] || "$CLFS_TOP/scripts/deps.sh"
	[ -n "$(kernel_src_version)" ] || die "linux-source-6.1 is not installed"
	[ -f "$1/.clfs-extracted" ] ||
		with_lock "src-$(basename "$1")" extract_kernel_tree "$@"
	echo "$1"
}
kernel_src_dir() { kernel_tree "$(kernel_src_path)"; }
kernel_tools_dir() { kernel_tree "$(kernel_tools_path)" "${KERNEL_TOOLS[@]}"; }
kunit_py() { echo "$(kernel_tools_dir)/tools/testing/kunit/kunit.py"; }

# Where build-kernel.sh puts the debug kernel: keyed by the config fragment,
# the kernel source version and the build script itself.
debug_kernel_key() {
	cat "$CLFS_TOP/scripts/kconfig/debug.config" \
	    "$CLFS_TOP/scripts/build-kernel.sh" |
		{ cat; kernel_src_version; } | sha256sum | cut -c1-16
}
debug_kernel_dir() { echo "$CLFS_CACHE/kernels/debug-$(kernel_src_version)-$(debug_kernel_key)"; }
