#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make crash-long: the crash tests' long campaign (docs/crash.md).
#   CRASH_SEEDS="1 2 3 4 5 6 7" one debug guest per seed: the workload with
#                              CRASH_ROUNDS (4) rounds of CRASH_OPS (16)
#                              operations per worker, every crash state checked
#   CRASH_POWER_CUTS=200       power cuts (scripts/powercut.sh, stock kernel),
#                              in two loops at once (seeds 7 and 8)
# and the kernel clients' crash test (check.sh's crash stage).
# Ends with 'N passed, N failed' like make check; the states and cuts
# counted are in the KTAP diagnostics (out/results/all.ktap).
. "$(dirname "$0")/lib.sh"

seeds=${CRASH_SEEDS:-1 2 3 4 5 6 7}
rounds=${CRASH_ROUNDS:-4} ops=${CRASH_OPS:-16}
results=$CLFS_OUT/results
"$CLFS_TOP/scripts/deps.sh"
"$CLFS_TOP/scripts/build-kernel.sh" >/dev/null
# First the kernel clients' crash test (check.sh's crash stage, which
# starts out/results afresh).
STAGES=crash "$CLFS_TOP/scripts/check.sh" >"$CLFS_OUT/kclients.log" 2>&1 || true
docs=()
for r in crash-write crash-verify; do
	docs+=("$results/$r.ktap")
done
start=$(date +%s)
# The disks the enumeration rebuilds states on need no flushes (run-guest.sh).
d=512:virtio:scratch
for s in $seeds; do
	name=enum-long-$s
	docs+=("$results/$name.ktap")
	"$CLFS_TOP/scripts/run-guest.sh" -k debug -n "$name" -t 3600 \
		-d 4M -d 256M:$d -d 4M:$d -d 4M:$d -d 64M:$d -d 64M:$d \
		--cmdline "clfs.crash_seed=$s clfs.crash_rounds=$rounds clfs.crash_ops=$ops clfs.crash_min_states=1000" \
		crash_enum || true
	cp "$CLFS_OUT/runs/$name/result.ktap" "$results/$name.ktap" 2>/dev/null || true
	grep -h '^ *# \(crash states\|violations\)' "$results/$name.ktap" >&2 || true
done
# Two power-cut loops at once, one per host core: a booting guest keeps
# one vCPU busy. The second starts from the first's initramfs, once built.
cuts=${CRASH_POWER_CUTS:-200}
docs+=("$results/powercut-a.ktap" "$results/powercut-b.ktap")
"$CLFS_TOP/scripts/powercut.sh" -n $((cuts - cuts / 2)) -s 7 -p powercut-a \
	>"$results/powercut-a.ktap" &
a=$!
until [ -e "$CLFS_OUT/runs/powercut-a-0/console.log" ] || ! kill -0 $a 2>/dev/null; do
	sleep 1
done
"$CLFS_TOP/scripts/powercut.sh" -n $((cuts / 2)) -s 8 -p powercut-b \
	-i "$CLFS_OUT/runs/powercut-a-0/initramfs.cpio.gz" >"$results/powercut-b.ktap" || true
wait $a || true
grep -h '^# power cuts' "$results/powercut-a.ktap" "$results/powercut-b.ktap" >&2 || true
log "crash-long done in $(( $(date +%s) - start ))s"
python3 "$CLFS_TOP/scripts/ktap.py" summary --kunit-dir "$(dirname "$(kunit_py)")" \
	--save "$results/all.ktap" "${docs[@]}"
