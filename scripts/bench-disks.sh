#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The bench guest's disks, made on the host for run-guest.sh --disks-from:
# vda 1G raw (clfs and the raw-device baselines), vdb 1G ext4, vdc 1G ext4
# with fast_commit, vdd 1G XFS (each as mkfs makes it by default), vde 16M
# raw (the small device of the recovery measurement); then two NVMe
# controllers with 4096-byte sectors, each with one 1G namespace for the
# zoned rows: a conventional one and a zoned one (ZNS, 1024 zones of 1 MiB).
#
# Usage: bench-disks.sh RUN    (writes out/runs/RUN/disk*.raw and disks)
. "$(dirname "$0")/lib.sh"

run=${1:?usage: bench-disks.sh RUN}
"$CLFS_TOP/scripts/deps.sh"
dir=$CLFS_OUT/runs/$run
rm -rf "$dir"
mkdir -p "$dir"
for i in 0 1 2 3; do truncate -s 1G "$dir/disk$i.raw"; done
truncate -s 16M "$dir/disk4.raw"
truncate -s 1G "$dir/disk5.raw" "$dir/disk6.raw"
# The inode tables are zeroed now, as on a filesystem in use, not by the
# guest kernel's ext4lazyinit thread in the middle of the measurements.
mkfs.ext4 -q -F -E lazy_itable_init=0 "$dir/disk1.raw"
mkfs.ext4 -q -F -E lazy_itable_init=0 -O fast_commit "$dir/disk2.raw"
mkfs.xfs -q -f "$dir/disk3.raw"
printf '%s\n' 1G 1G 1G 1G 16M 1G:4096:nvme 1G:4096:zns >"$dir/disks"
