#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sparse (make C=2) over the module sources, against Debian's stock 6.1
# headers; any warning from our files fails.
. "$(dirname "$0")/lib.sh"

dst=$("$CLFS_TOP/scripts/build-module.sh" stock)
kdir=$("$CLFS_TOP/scripts/fetch-kernels.sh" stock | sed -n 1p)
out=$(make -C "$kdir" M="$dst" C=2 modules 2>&1) || { echo "$out"; exit 1; }
if echo "$out" | grep -F "$dst/" | grep -E 'warning|error'; then
	die "sparse reported problems"
fi
echo "$out" | grep -c ' CHECK ' | sed 's/^/sparse checked files: /'
