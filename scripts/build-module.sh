#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build clfs.ko (and, where the kernel has KUnit/KASAN, the test modules)
# against one kernel, with W=1, failing on any compiler warning.
#
# Usage: build-module.sh debug|stock|lts
# Prints the directory holding the built tree (modules under kmod/, tests/).
#
# Kbuild writes objects next to the sources, so each kernel gets its own
# copy of the module sources under out/module-<flavour>/.
. "$(dirname "$0")/lib.sh"

flavour=${1:?usage: build-module.sh debug|stock|lts}
case $flavour in
debug) kdir=$("$CLFS_TOP/scripts/build-kernel.sh") ;;
stock|lts) kdir=$("$CLFS_TOP/scripts/fetch-kernels.sh" "$flavour" | sed -n 1p) ;;
*) die "unknown kernel flavour '$flavour' (debug, stock or lts)" ;;
esac

dst=$CLFS_OUT/module-$flavour
mkdir -p "$dst"
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='*.mod*' --exclude='modules.order' --exclude='Module.symvers' \
	--include='/Kbuild' --include='/kmod/***' --include='/include/***' \
	--include='/tests/' --include='/tests/kunit/***' \
	--include='/tests/selftest/***' \
	--include='/tests/guest-kmod/***' --exclude='*' \
	"$CLFS_TOP/" "$dst/"

buildlog=$dst/build.log
if ! make -C "$kdir" M="$dst" W=1 -j"$JOBS" modules >"$buildlog" 2>&1; then
	cat "$buildlog" >&2
	die "module build against the $flavour kernel failed"
fi
if grep -E 'warning:|error:' "$buildlog" >&2; then
	die "module build against the $flavour kernel has compiler warnings (W=1 must be clean)"
fi
echo "$dst"
