#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages clfs needs to build and test, only those that
# are missing. Safe to re-run; every make target that needs a package calls
# this first.
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# module and kernel builds
	build-essential bc bison flex libelf-dev libssl-dev dwarves cpio
	xz-utils kmod python3 rsync linux-source-6.1
	# guests; fio, ext4 and XFS for the benchmark's baselines, perf for
	# make profile
	qemu-system-x86 qemu-system-data busybox-static fio e2fsprogs xfsprogs
	linux-perf
	# the crash tests: dmsetup sets up dm-log-writes in the debug guest
	dmsetup
	# checkers and host-side tests
	sparse shellcheck clang libclang-rt-14-dev
	# 32-bit builds: the UAPI layout check and compat_ioctl tests
	gcc-multilib
	# userspace crc32c (crc32_iscsi) for the shared format code
	libisal-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
	[ -n "$(deb_version "$p")" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	die "missing Debian packages: ${missing[*]}
  install them as root:  apt-get install ${missing[*]}
  (or run this script as root: sudo $0)"
fi
log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
