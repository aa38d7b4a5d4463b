# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# The crash tests' guest steps (sourced by steps.sh). Their programs are
# tests/crash/*: crash_workload, crash_enum, crash_verify.

# crash_arg NAME DEFAULT: clfs.NAME=VALUE from the kernel command line.
crash_arg() {
	local v
	v=$(sed -n "s/.*clfs\.$1=\([^ ]*\).*/\1/p" /proc/cmdline)
	echo "${v:-$2}"
}

# dm_create NAME TABLE: a device-mapper device and its /dev/mapper node
# (there is no udev in the guest).
dm_create() {
	dmsetup create "$1" --noudevsync --table "$2" && dmsetup mknodes "$1"
}

# Every crash state of a recorded workload. Disks: vda the log, recorded by
# dm-log-writes into vdb. Two enumerations share the crash points, one per
# vCPU: each rebuilds its states on a disk of its own (vdc, vdd), under a
# device-mapper device that is dm-log-writes into vde or vdf while a
# recovery is recorded to crash it again.
step_crash_enum() {
	local seed rounds ops min every sz part target replog pids='' rc=0
	seed=$(crash_arg crash_seed 1)
	rounds=$(crash_arg crash_rounds 4)
	ops=$(crash_arg crash_ops 12)
	min=$(crash_arg crash_min_states 1000)
	every=$(crash_arg crash_recrash_every 24)
	sz=$(blockdev --getsz /dev/vda)
	load_clfs || return 1
	dm_create rec "0 $sz log-writes /dev/vda /dev/vdb" || return 1
	echo "clfs-guest: crash workload, seed $seed, $rounds rounds of $ops operations per worker"
	crash_workload --dev /dev/mapper/rec --mark rec --journal /tmp/journal \
		--seed "$seed" --rounds "$rounds" --ops "$ops" || return 1
	dmsetup remove rec || return 1
	for part in 1 2; do
		case $part in
		1) target=/dev/vdc replog=/dev/vde ;;
		*) target=/dev/vdd replog=/dev/vdf ;;
		esac
		dm_create "rep$part" "0 $sz linear $target 0" || return 1
		crash_enum --log /dev/vdb --journal /tmp/journal --part "$part/2" \
			--target "$target" --target-dm "rep$part" --rep-log "$replog" \
			--min-states $((min / 2)) --recrash-every "$every" --seed "$seed" \
			>"/tmp/enum$part.ktap" 2>&1 &
		pids="$pids $!"
	done
	part=1
	for pid in $pids; do
		wait "$pid" || rc=1
		group "crash.enum_seed_${seed}_part_${part}_of_2" cat "/tmp/enum$part.ktap"
		dmsetup remove "rep$part"
		part=$((part + 1))
	done
	unload_clfs
	[ "$rc" = 0 ] || echo "clfs-guest: an enumeration failed (its KTAP says why)"
}

# A power cut: check what the last boot's workload left on vda against its
# journal (the host wrote the journal lines it saw on the console to vdb),
# then start a new workload that runs until the host kills QEMU.
step_powercut() {
	local seed cut
	seed=$(crash_arg crash_seed 1)
	cut=$(crash_arg powercut 0)
	load_clfs || return 1
	if [ "$cut" -gt 0 ]; then
		tr -d '\000' </dev/vdb >/tmp/journal
		group "powercut.$cut" crash_verify --name "power_cut_$cut" \
			/dev/vda /tmp/journal
	fi
	if [ "$(crash_arg powercut_last 0)" = 1 ]; then
		unload_clfs
		return
	fi
	dd if=/dev/zero of=/dev/vda bs=1M count=4 conv=fsync 2>/dev/null || return 1
	echo "clfs-guest: power cut workload, seed $seed: runs until QEMU is killed"
	crash_workload --dev /dev/vda --journal - --seed "$seed" --rounds 0
	echo "clfs-guest: the workload ended by itself"
	return 1
}

# A fault at every I/O: for k = 1, 2, ... the k-th bio clfs submits to vda
# fails (fail_make_request), until a run has no k-th bio. Each run must end
# (no hang), the module must unload, and a reload must find everything the
# run acknowledged.
step_faults() {
	local fi=/sys/kernel/debug/fail_make_request count=0 k rc ok=0 bad=0 max
	local rounds ops
	k=$(crash_arg faults_from 1)
	max=$(crash_arg faults_max 1000)
	rounds=$(crash_arg faults_rounds 1)
	ops=$(crash_arg faults_ops 2)
	load_clfs || return 1
	echo 0 >$fi/times
	echo 100 >$fi/probability
	echo 0 >$fi/verbose
	echo 0 >$fi/space
	echo 1 >/sys/block/vda/make-it-fail
	: >/tmp/faults.diag
	while [ "$k" -le "$max" ]; do
		rm -f /tmp/journal
		# Every run starts from the same zeroed disk (not counted: times is 0).
		dd if=/dev/zero of=/dev/vda bs=1M count=4 conv=fsync 2>/dev/null
		# The fault attribute's call counter cannot be reset: fail when it
		# reaches count + k (an interval of 1 does not count).
		echo $((count + k)) >$fi/interval
		echo 1 >$fi/times
		timeout 120 crash_workload --dev /dev/vda --journal /tmp/journal \
			--seed 1 --rounds "$rounds" --ops "$ops" --serial --faulty >/tmp/faults.out 2>&1
		rc=$?
		injected=$(( $(cat $fi/times) == 0 ))
		echo 0 >$fi/times
		[ $((count + k)) -gt 1 ] && [ "$injected" = 1 ] && count=$((count + k))
		if [ "$injected" = 0 ]; then
			[ "$rc" = 0 ] || {
				echo "# no fault at I/O $k, but the workload's status is $rc"
				sed 's/^/# /' /tmp/faults.out
				bad=$((bad + 1))
			} >>/tmp/faults.diag
			break
		fi
		if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
			echo "# fault at I/O $k: the workload ended with status $rc" >>/tmp/faults.diag
			sed 's/^/# /' /tmp/faults.out >>/tmp/faults.diag
			bad=$((bad + 1))
		elif ! rmmod clfs; then
			echo "# fault at I/O $k: clfs.ko does not unload" >>/tmp/faults.diag
			bad=$((bad + 1))
			break
		elif ! insmod "$MODDIR/clfs.ko"; then
			echo "# fault at I/O $k: clfs.ko does not load again" >>/tmp/faults.diag
			bad=$((bad + 1))
			break
		elif ! crash_verify --name "fault_at_io_$k" \
			/dev/vda /tmp/journal >/tmp/verify.ktap; then
			{
				echo "# fault at I/O $k: after the reload:"
				grep '^#\|not ok' /tmp/verify.ktap
			} >>/tmp/faults.diag
			bad=$((bad + 1))
		else
			ok=$((ok + 1))
		fi
		k=$((k + 1))
	done
	echo 0 >/sys/block/vda/make-it-fail
	unload_clfs
	group faults.every_io ktap_faults "$ok" "$bad" "$k"
}

ktap_faults() {
	echo "KTAP version 1"
	echo "1..2"
	cat /tmp/faults.diag
	echo "# fault points checked: $1, failed: $2; the workload's I/O count: $(($3 - 1))"
	if [ "$1" -ge 20 ]; then echo "ok 1 fault_points_at_least_20"; else echo "not ok 1 fault_points_at_least_20"; fi
	if [ "$2" = 0 ]; then echo "ok 2 every_fault_point_keeps_what_was_acknowledged"; else echo "not ok 2 every_fault_point_keeps_what_was_acknowledged"; fi
}

# The corrupted-image campaign, one part per disk of clfs.corrupt_devs
# (default vda), all at once (a part per vCPU): the crash workload leaves a
# valid log on the disk (one worker at a time: several streams, restart
# areas, a truncation, recycled containers), and crash_corrupt opens, reads
# and writes its share of clfs.corrupt_variants mutations of it, with seed
# clfs.corrupt_seed + the part's index.
step_corrupt() {
	local n seed devs nparts part dev pids='' rc=0
	n=$(crash_arg corrupt_variants 1000)
	seed=$(crash_arg corrupt_seed 1)
	devs=$(crash_arg corrupt_devs vda | tr , ' ')
	nparts=$(echo "$devs" | wc -w)
	load_clfs || return 1
	echo "clfs-guest: corrupted-image campaign: $n variants on $devs, seed $seed"
	part=0
	for dev in $devs; do
		corrupt_part "/dev/$dev" "$part" $((n / nparts + (part < n % nparts))) \
			$((seed + part)) &
		pids="$pids $!"
		part=$((part + 1))
	done
	part=0
	for pid in $pids; do
		wait "$pid" || rc=1
		group "corrupt.images_seed_$((seed + part))" cat "/tmp/corrupt$part.ktap"
		part=$((part + 1))
	done
	unload_clfs
	[ "$rc" = 0 ] || echo "clfs-guest: the campaign failed (its KTAP says why)"
}

# corrupt_part DEV PART VARIANTS SEED: one part of the campaign, its KTAP
# in /tmp/corruptPART.ktap.
corrupt_part() {
	local out=/tmp/corrupt$2.ktap
	dd if=/dev/zero of="$1" bs=1M count=4 conv=fsync 2>/dev/null || {
		echo "not ok 1 zeroing $1" >"$out"
		return 1
	}
	crash_workload --dev "$1" --journal "/tmp/cjournal$2" --seed 1 --rounds 3 \
		--ops 10 --serial >"$out" 2>&1 || return 1
	crash_corrupt --dev "$1" --journal "/tmp/cjournal$2" --variants "$3" \
		--seed "$4" >"$out" 2>&1
}
