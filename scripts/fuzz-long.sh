#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz-long: the long runs of what make check fuzzes briefly.
#   FUZZ_LONG_SECONDS=600     each libFuzzer target of tests/host (metadata
#                             copy, block, the whole recovery walk over an
#                             image) for this long
#   CORRUPT_LONG_VARIANTS=5000  the corrupted-image campaign in the debug
#                             guest, on two disks at once (make check: 1000)
#   CORRUPT_SEED=1            its first seed (the second disk's is + 1)
# Ends with 'N passed, N failed' like make check (out/results/all.ktap);
# the counts per class are in the KTAP diagnostics.
. "$(dirname "$0")/lib.sh"

secs=${FUZZ_LONG_SECONDS:-600}
variants=${CORRUPT_LONG_VARIANTS:-5000}
seed=${CORRUPT_SEED:-1}
results=$CLFS_OUT/results
mkdir -p "$results"
"$CLFS_TOP/scripts/deps.sh"
"$CLFS_TOP/scripts/build-kernel.sh" >/dev/null
start=$(date +%s)
docs=("$results/host-fuzz.ktap" "$results/corrupt-long.ktap")
rm -f "${docs[@]}" "$CLFS_OUT/runs/corrupt-long/result.ktap"
make -C "$CLFS_TOP/tests/host" fuzz-long FUZZ_LONG_SECONDS="$secs" \
	KSFT_DIR="$(kernel_tools_dir)/tools/testing/selftests" \
	KTAP_OUT="$results/host-fuzz.ktap" >"$results/host-fuzz.log" 2>&1 ||
	log "tests/host fuzz-long failed (see $results/host-fuzz.log)"
# About 0.3 s per variant per vCPU in the debug guest, and a boot.
"$CLFS_TOP/scripts/run-guest.sh" -k debug -n corrupt-long -t $((600 + variants / 2)) \
	-d 4M -d 4M:512:virtio:scratch \
	--cmdline "clfs.corrupt_variants=$variants clfs.corrupt_seed=$seed clfs.corrupt_devs=vda,vdb" \
	corrupt || true
cp "$CLFS_OUT/runs/corrupt-long/result.ktap" "$results/corrupt-long.ktap" 2>/dev/null || true
grep -h '^ *# \(variants\|time per\|fields changed\)' "$results/corrupt-long.ktap" >&2 || true
log "fuzz-long done in $(( $(date +%s) - start ))s"
python3 "$CLFS_TOP/scripts/ktap.py" summary --kunit-dir "$(dirname "$(kunit_py)")" \
	--save "$results/all.ktap" "${docs[@]}"
