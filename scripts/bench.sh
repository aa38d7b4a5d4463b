#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: clfs against what a user would pick instead (the raw disk
# under fio, a file with fdatasync on ext4, ext4 with fast_commit and XFS),
# all measured in one guest boot on the same kind of virtio disk, and the
# zoned rows (a ZNS namespace against a conventional NVMe namespace of the
# same QEMU, and null_blk zoned, which has no latency), printed as one
# table of figures, baselines and ratios, with out/bench.json.
#
# Usage: bench.sh [stock|lts]
# Environment: BENCH_SECONDS (per figure, default 5), BENCH_RECOVERY_MIB
# (the large recovery measurement's active part, default 1000).
. "$(dirname "$0")/lib.sh"

flavour=${1:-stock}
seconds=${BENCH_SECONDS:-5}
mib=${BENCH_RECOVERY_MIB:-1000}
case $flavour in
stock | lts) ;;
*) die "bench runs on the stock or lts kernel, not '$flavour'" ;;
esac

disks=bench-disks-$flavour
"$CLFS_TOP/scripts/bench-disks.sh" "$disks"
# About 45 figures of $seconds each, plus the fills of the recovery part.
CLFS_WITH_FIO=1 "$CLFS_TOP/scripts/run-guest.sh" --kernel "$flavour" \
	--name "bench-$flavour" --show --disks-from "$disks" \
	--timeout $((600 + 60 * seconds + mib / 2)) \
	--cmdline "clfs.bench_seconds=$seconds clfs.bench_recovery_mib=$mib" bench
python3 "$CLFS_TOP/scripts/bench-report.py" \
	"$CLFS_OUT/runs/bench-$flavour/console.log" "$CLFS_OUT/bench.json"
log "bench: figures in $CLFS_OUT/bench.json"
