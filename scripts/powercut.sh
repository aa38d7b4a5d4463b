#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Power cuts: boot a guest, run the crash workload (tests/crash) on a log,
# kill QEMU at a random moment, boot again on the same disk, check every
# operation the first boot saw acknowledged; repeat.
#
# Usage: powercut.sh [-k KERNEL] [-n CUTS] [-s SEED] [-m MAX_MS] [-p PREFIX]
#                    [-i INITRAMFS]
#   -k KERNEL  stock (default), debug or lts
#   -n CUTS    power cuts (default 20): CUTS + 1 boots, each boot checks
#              the cut before it, then starts the next workload
#   -s SEED    seeds the kill times and the workloads (default 1)
#   -m MAX_MS  kill between 0 and MAX_MS ms after the workload's first
#              acknowledgement (default 4000)
#   -p PREFIX  the boots' names, out/runs/PREFIX-N (default powercut):
#              two loops with two prefixes can run at once
#   -i FILE    boot FILE (an earlier run's initramfs.cpio.gz), built for
#              KERNEL; by default the first boot builds one
#
# The journal of acknowledged operations is what the killed guest printed
# on its console; the host hands it to the next boot on a second disk. Each
# cut's seed and kill time are printed: powercut.sh -n 1 cannot replay
# one exactly (the guest's timing differs), but the same seed and delay
# give the same workload and the same moment, give or take TCG's pace.
# Prints one KTAP document on stdout; logs in out/runs/PREFIX-N.
. "$(dirname "$0")/lib.sh"

kernel=stock cuts=20 seed=1 max_ms=4000 prefix=powercut initramfs=
while getopts k:n:s:m:p:i:h opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	n) cuts=$OPTARG ;;
	s) seed=$OPTARG ;;
	m) max_ms=$OPTARG ;;
	p) prefix=$OPTARG ;;
	i) initramfs=$OPTARG ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
RANDOM=$seed
cases=() verdicts=() diags=() failed=0 start=$(date +%s)
journal_re='clfs-journal: [0-9]+ [A-Za-z] [0-9]+ [0-9a-f]+ [0-9a-f]+ [0-9]+$'

for i in $(seq 0 "$cuts"); do
	name=$prefix-$i
	wseed=$((seed * 1000 + i))
	delay=$(( (RANDOM * 32768 + RANDOM) % max_ms ))
	args=(-k "$kernel" -n "$name" -t 300)
	if [ "$i" = 0 ]; then
		# The log's disk is throttled: writes in flight die with QEMU.
		args+=(-d 4M:512:virtio:slow -d 4M)
	else
		prev=$CLFS_OUT/runs/$prefix-$((i - 1))
		# The acknowledged operations the killed guest printed, whole lines only.
		tr -d '\r' <"$prev/console.log" | grep -aE "$journal_re" >"$prev/journal" || true
		truncate -s 0 "$prev/disk1.raw"
		dd if="$prev/journal" of="$prev/disk1.raw" conv=notrunc status=none
		truncate -s 4M "$prev/disk1.raw"
		args+=(--disks-from "$prefix-$((i - 1))")
	fi
	# Every boot runs the first one's initramfs.
	[ "$i" = 0 ] || initramfs=${initramfs:-$CLFS_OUT/runs/$prefix-0/initramfs.cpio.gz}
	[ -z "$initramfs" ] || args+=(--initramfs "$initramfs")
	last=$(( i == cuts ))
	if [ "$last" = 1 ]; then
		log "power cut boot $i of $cuts: the last check"
	else
		args+=(--power-cut "$delay")
		log "power cut boot $i of $cuts: workload seed $wseed, killed $delay ms in"
	fi
	"$CLFS_TOP/scripts/run-guest.sh" "${args[@]}" \
		--cmdline "clfs.crash_seed=$wseed clfs.powercut=$i clfs.powercut_last=$last" \
		powercut >/dev/null 2>&1 || true
	ktap=$CLFS_OUT/runs/$name/result.ktap
	if [ "$i" = 0 ]; then
		prev_delay=$delay
		continue
	fi
	# Cut i: boot i-1 was killed cleanly (its kernel log clean), boot i's
	# check passed.
	pseed=$((seed * 1000 + i - 1))
	verdict=ok
	if ! grep -q "^ok [0-9]* $prefix-$((i - 1)).kernel_log_clean" \
		"$CLFS_OUT/runs/$prefix-$((i - 1))/result.ktap" 2>/dev/null; then
		verdict="not ok"
		diags+=("# cut $i: the killed boot's kernel log is not clean (out/runs/$prefix-$((i - 1)))")
	fi
	if ! grep -q "^ok [0-9]* powercut\.$i\b" "$ktap" 2>/dev/null; then
		verdict="not ok"
		diags+=("# cut $i (workload seed $pseed, killed ${prev_delay} ms in): the check failed:")
		while read -r l; do diags+=("#   $l"); done < <(grep -a '^ *# \|not ok' "$ktap" | head -n 20)
	fi
	# Done operations; the lowercase lines are intents.
	acked=$(grep -c ' [A-Z] ' "$CLFS_OUT/runs/$prefix-$((i - 1))/journal" || true)
	diags+=("# cut $i: workload seed $pseed, killed ${prev_delay} ms in, $acked operations acknowledged: $verdict")
	[ "$verdict" = ok ] || failed=$((failed + 1))
	verdicts+=("$verdict")
	cases+=("power_cut_${i}_seed_${pseed}_at_${prev_delay}ms")
	prev_delay=$delay
done

echo "KTAP version 1"
echo "1..$(( ${#cases[@]} + 1 ))"
printf '%s\n' "${diags[@]}"
n=0
for c in "${cases[@]}"; do
	echo "${verdicts[$n]} $((n + 1)) $c"
	n=$((n + 1))
done
echo "# power cuts: $cuts, failed: $failed, in $(( $(date +%s) - start ))s"
echo "$([ "$failed" = 0 ] && [ "${#cases[@]}" = "$cuts" ] && echo ok || echo "not ok") $((n + 1)) power_cuts_${cuts}_all_keep_what_was_acknowledged"
[ "$failed" = 0 ]
