#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the initramfs for a test guest of one kernel flavour.
#
# Usage: make-initramfs.sh FLAVOUR MODULE_TREE OUTPUT
#   FLAVOUR      debug, stock or lts
#   MODULE_TREE  output of build-module.sh for that flavour
#   OUTPUT       the .cpio.gz to write
#
# Layout inside: busybox at /bin, /init and /clfs/steps.sh from
# scripts/guest/, /clfs/bin (clfsctl, debug-exit), /clfs/tests and
# /clfs/ktests (guest test programs), /clfs/modules (clfs.ko and the test modules;
# in the debug flavour, and in the bench's stock or lts guests
# (CLFS_WITH_FIO=1), also that kernel's null_blk.ko), /clfs/kmods (the
# stock kernel's own modules the guest needs, in load order).
. "$(dirname "$0")/lib.sh"

flavour=$1 modtree=$2 output=$3
stage=$(mktemp -d)
# mktemp makes it 0700: as the guest's root, it would lock out every
# unprivileged test process.
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT

ksft=$(kernel_tools_dir)/tools/testing/selftests
make -s -j"$JOBS" -C "$CLFS_TOP/userspace" O="$CLFS_OUT/guest-bin" STATIC=1 >&2
make -s -j"$JOBS" -C "$CLFS_TOP/tests/guest" O="$CLFS_OUT/guest-tests" KSFT_DIR="$ksft" >&2
make -s -j"$JOBS" -C "$CLFS_TOP/tests/crash" O="$CLFS_OUT/crash-tests" >&2
mkdir -p "$CLFS_OUT/guest-bin"
gcc -O2 -Wall -Werror -static -o "$CLFS_OUT/guest-bin/debug-exit" \
	"$CLFS_TOP/scripts/guest/debug-exit.c"

mkdir -p "$stage"/{bin,dev,proc,sys,tmp,mnt,clfs/bin,clfs/tests,clfs/ktests,clfs/modules,clfs/kmods}
cp /bin/busybox "$stage/bin/busybox"
install -m 755 "$CLFS_TOP/scripts/guest/init" "$stage/init"
# steps.sh and the files it sources (the bench step's bench*.sh).
cp "$CLFS_TOP"/scripts/guest/*.sh "$stage/clfs/"
cp "$CLFS_OUT/guest-bin/clfsctl" "$CLFS_OUT/guest-bin/debug-exit" "$stage/clfs/bin/"
cp "$CLFS_OUT"/crash-tests/crash_* "$stage/clfs/bin/"
cp "$CLFS_OUT"/guest-tests/*_test "$stage/clfs/tests/"
cp "$CLFS_OUT"/guest-tests/*_ktest "$stage/clfs/ktests/"
find "$modtree" -name '*.ko' -exec cp {} "$stage/clfs/modules/" \;
# The zoned tests (zoned_test) run on the debug kernel only: its null_blk
# (a module there, zoned=1 through configfs) and a zns disk (run-guest.sh).
# They fail rather than skip where either is missing, so the other kernels'
# guests do not get them.
if [ "$flavour" = debug ]; then
	nullblk=$(debug_kernel_dir)/build/drivers/block/null_blk/null_blk.ko
	[ -f "$nullblk" ] || die "$nullblk is missing (CONFIG_BLK_DEV_NULL_BLK=m in scripts/kconfig/debug.config)"
	cp "$nullblk" "$stage/clfs/modules/"
else
	rm -f "$stage/clfs/tests/zoned_test"
fi

# ship_host_binary NAME: a host program and its shared libraries, at the
# same paths in the guest.
ship_host_binary() {
	local bin
	bin=$(command -v "$1") || die "$1 is not installed (scripts/deps.sh installs it)"
	{ echo "$bin"; ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'; } |
		while read -r f; do cp -L --parents "$f" "$stage"; done
}

# CLFS_WITH_FIO=1: Debian's fio, for the bench step's baselines (a static
# fio would need a source build), and coreutils' dd, whose oflag=append,dsync
# appends to a shared file, which fio cannot (it never opens O_APPEND);
# CLFS_WITH_PERF=1: Debian's perf, for the profile step.
if [ "${CLFS_WITH_FIO:-0}" = 1 ]; then ship_host_binary fio; ship_host_binary dd; fi
if [ "${CLFS_WITH_PERF:-0}" = 1 ]; then ship_host_binary perf; fi
# Debian's dmsetup, for the crash tests' dm-log-writes (debug kernel only).
if [ "$flavour" = debug ]; then ship_host_binary dmsetup; fi

# The stock kernels build virtio, NVMe and crc32c as modules: resolve what
# the guest needs with the host's modprobe against the unpacked tree.
stock_modules() {
	local kinfo release root ko name names="virtio_pci virtio_blk nvme libcrc32c crc32c_generic"
	# The bench's baselines mount ext4 and XFS; its zoned rows make a
	# null_blk device through configfs.
	[ "${CLFS_WITH_FIO:-0}" = 1 ] && names="$names ext4 xfs configfs"
	kinfo=$("$CLFS_TOP/scripts/fetch-kernels.sh" "$flavour")
	release=$(basename "$(echo "$kinfo" | sed -n 3p)")
	root=$(dirname "$(dirname "$(dirname "$(echo "$kinfo" | sed -n 3p)")")")
	[ -f "$root/lib/modules/$release/modules.dep" ] ||
		depmod -b "$root" "$release"
	if [ "${CLFS_WITH_FIO:-0}" = 1 ]; then
		# null_blk goes beside clfs.ko, not into the boot-time order:
		# loaded without parameters it would make a 250 GB nullb0 that
		# is neither zoned nor memory-backed; the bench loads it with
		# nr_devices=0 and makes its device through configfs.
		ko=$(modprobe -d "$root" -S "$release" --show-depends null_blk |
			awk '$1 == "insmod" { p = $2 } END { print p }')
		[ -n "$ko" ] || die "no null_blk module in $root (CONFIG_BLK_DEV_NULL_BLK)"
		case $ko in
		*.ko.xz) xz -dc "$ko" >"$stage/clfs/modules/null_blk.ko" ;;
		*) cp "$ko" "$stage/clfs/modules/null_blk.ko" ;;
		esac
	fi
	for name in $names; do
		modprobe -d "$root" -S "$release" --show-depends "$name" |
			awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' | while read -r ko; do
		name=$(basename "$ko")
		case $name in
		*.ko.xz) xz -dc "$ko" >"$stage/clfs/kmods/${name%.xz}"; name=${name%.xz} ;;
		*) cp "$ko" "$stage/clfs/kmods/$name" ;;
		esac
		echo "$name" >>"$stage/clfs/kmods/order"
	done
}
case $flavour in
stock|lts) stock_modules ;;
esac

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$output.tmp"
mv "$output.tmp" "$output"
