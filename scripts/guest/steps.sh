# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# Steps the clfs test guest can run; sourced by /init. A step is a shell
# function step_NAME that returns non-zero only when it could not run; test
# verdicts travel as KTAP through group().

RESULTS=/dev/ttyS1
MODDIR=/clfs/modules
# clfs.only=NAME on the command line: run only the test programs whose name
# has NAME (the host filters KUnit suites the same way).
ONLY=$(sed -n 's/.*clfs\.only=\([^ ]*\).*/\1/p' /proc/cmdline)

# The bench step (make bench): rows, fio baselines, clfs figures; the
# crash tests' steps (crash.sh).
for f in /clfs/bench-lib.sh /clfs/bench-fio.sh /clfs/bench.sh /clfs/crash.sh; do
	# shellcheck disable=SC1090
	[ -f "$f" ] && . "$f"
done

# group NAME CMD...: run CMD, whose stdout is a KTAP document, and frame it
# on the results port.
group() {
	local name=$1 rc
	shift
	echo "#clfs-group $name" >"$RESULTS"
	"$@" >"$RESULTS" 2>&1
	rc=$?
	echo "#clfs-end $name $rc" >"$RESULTS"
	return 0
}

# One-case KTAP document for a step's own check.
ktap_one() {
	local verdict=$1 name=$2
	printf 'KTAP version 1\n1..1\n%s 1 %s\n' "$verdict" "$name"
}

# Load the kernel modules the flavour's kernel needs (virtio, crc32c...),
# listed in load order by make-initramfs.sh.
boot_prepare() {
	local ko ok=0
	if [ -f /clfs/kmods/order ]; then
		while read -r ko; do
			insmod "/clfs/kmods/$ko" || { echo "clfs-guest: insmod $ko failed"; ok=1; }
		done </clfs/kmods/order
	fi
	if [ -w /sys/kernel/debug/kmemleak ]; then
		# Forget what the kernel itself left before the tests started.
		echo scan >/sys/kernel/debug/kmemleak
		echo clear >/sys/kernel/debug/kmemleak
	fi
	return $ok
}

# kmemleak reports objects older than 5 s, so wait that long after the last
# test, then scan; any report lands on the console where the host sees it.
# clfs.leak_check=0 skips the ~40 s of scans, for the harness self-tests,
# whose guests fail on purpose and prove nothing about leaks.
leak_check() {
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	grep -q 'clfs\.leak_check=0' /proc/cmdline && return 0
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
	return 0
}

load_clfs() {
	if ! insmod "$MODDIR/clfs.ko"; then
		group load_clfs ktap_one "not ok" insmod_clfs_ko
		return 1
	fi
}

unload_clfs() {
	if ! rmmod clfs; then
		group unload_clfs ktap_one "not ok" rmmod_clfs
		return 1
	fi
}

# run_kunit_module FILE: load a KUnit test module (its suites run during
# insmod) and send the kernel log of that load as group "kunit-log.FILE";
# the host splits it into one KTAP document per suite. (6.1's debugfs
# results files lose the lines of parameterised cases, so they are not used.)
run_kunit_module() {
	local ko=$1
	dmesg -c >/dev/null
	if ! insmod "$ko"; then
		group "insmod.${ko##*/}" ktap_one "not ok" "insmod_${ko##*/}"
		return 1
	fi
	group "kunit-log.${ko##*/}" dmesg
	rmmod "${ko##*/}"
}

# KUnit suites of clfs (tests/kunit), in the debug kernel.
step_kunit() {
	load_clfs || return 1
	# The in-memory driver the suites run on is a module of its own.
	if ! insmod "$MODDIR/clfs_memdev.ko"; then
		group load_clfs_memdev ktap_one "not ok" insmod_clfs_memdev_ko
		unload_clfs
		return 1
	fi
	run_kunit_module "$MODDIR/clfs_kunit.ko" || { rmmod clfs_memdev; unload_clfs; return 1; }
	rmmod clfs_memdev
	unload_clfs
}

# run_programs DIR PREFIX: run every test program in DIR (each prints KTAP)
# with clfs.ko loaded; the programs may reload it but leave it loaded.
run_programs() {
	local t
	load_clfs || return 1
	for t in "$1"/*; do
		[ -x "$t" ] || continue
		case ${t##*/} in *"$ONLY"*) ;; *) continue ;; esac
		group "$2.${t##*/}" "$t"
	done
	unload_clfs
}

# Userspace tests (tests/guest/*_test.c), on any kernel.
step_utest() {
	run_programs /clfs/tests utest
}

# Tests that drive the debug kernel's test modules (tests/guest/*_ktest.c).
step_ktest() {
	run_programs /clfs/ktests ktest
}

# Crash test, first boot: many threads append to several streams of a log
# on /dev/vda, and the guest stops with everything still running: no
# unload, no flush. The host collects the "ack" lines from the console.
step_crash_write() {
	local ko=$MODDIR/clfs_crashtest.ko args="dev=/dev/vda streams=4 threads=8"
	load_clfs || return 1
	# shellcheck disable=SC2086 # $args is several words
	insmod "$ko" op=create $args || return 1
	rmmod clfs_crashtest
	# shellcheck disable=SC2086
	insmod "$ko" op=stress $args || return 1
	sleep "${CRASH_AFTER:-8}"
	echo "clfs-guest: stopping the guest in the middle of the appends"
	debug-exit 0
}

# Crash test, second boot on the same disk: recover and check every
# acknowledged record (clfs.acks=A0,A1,... on the command line).
step_crash_verify() {
	local acks
	acks=$(sed -n 's/.*clfs\.acks=\([^ ]*\).*/\1/p' /proc/cmdline)
	load_clfs || return 1
	if insmod "$MODDIR/clfs_crashtest.ko" op=verify dev=/dev/vda streams=4 \
		threads=8 acks="$acks"; then
		group crash.verify ktap_one ok every_acknowledged_record_recovered
		rmmod clfs_crashtest
	else
		group crash.verify ktap_one "not ok" every_acknowledged_record_recovered
	fi
	unload_clfs
}

# The main job's demonstration, for a person watching the console.
step_demo() {
	echo "clfs-demo: kernel $(uname -r)"
	echo "clfs-demo: disks:"
	cat /proc/partitions
	echo "clfs-demo: loading clfs.ko"
	load_clfs || return 1
	ls -l /dev/clfs
	echo "clfs-demo: clfsctl version"
	clfsctl version || return 1
	clfsctl --json version || return 1
	unload_clfs || return 1
	echo "clfs-demo: clfs.ko unloaded"
}

# The main demo (make run, scripts/demo.sh), first boot: a real session
# on /dev/vda with clfsctl, the log attached and shared by two programs,
# ended by a crash while both append.
# Every "ack" line is a record that was durable when it was printed.
DEMO_DEV=/dev/vda
DEMO_LOG=demo
demo() { echo "clfs-demo: \$ clfsctl $*"; clfsctl "$@"; }

step_demo_write() {
	local s
	load_clfs || return 1
	demo version || return 1
	demo create --multiplexed --containers 16 --container-size 1M \
		--force "$DEMO_DEV" || return 1
	for s in 0 1 2; do
		demo streams create "$DEMO_DEV" || return 1
	done
	echo "clfs-demo: attach the log once; from now on programs use it by name"
	demo attach --name "$DEMO_LOG" --mode 0660 "$DEMO_DEV" || return 1
	demo list || return 1
	echo "clfs-demo: policies: grow by 4 before the log is full, up to 64"
	demo policy set "$DEMO_LOG" --max 64 --auto-grow on --growth 4 \
		--tail-free 2 || return 1
	echo "clfs-demo: two independent programs share the log, 2 processes each, every record flushed"
	demo load --processes 2 --streams 3 --count 25 "$DEMO_LOG" &
	demo load --processes 2 --streams 3 --count 25 "$DEMO_LOG" || return 1
	wait $! || return 1
	demo read --count 4 "$DEMO_LOG" || return 1
	demo restart write "$DEMO_LOG" "checkpoint after the first 100 records" ||
		return 1
	demo restart read "$DEMO_LOG" || return 1
	echo "clfs-demo: the statistics are the shared log's, across every program"
	demo info "$DEMO_LOG" || return 1
	echo "clfs-demo: both programs append again, and the guest crashes meanwhile"
	clfsctl load --processes 2 --streams 3 --count 0 "$DEMO_LOG" &
	clfsctl load --processes 2 --streams 3 --count 0 "$DEMO_LOG" &
	sleep "${DEMO_CRASH_AFTER:-4}"
	demo list
	echo "clfs-demo: crash: no unmount, no detach, no unload, no flush"
	debug-exit 0
}

# Second boot of the same disk: check it offline, open it (recovery), and
# print every record; the host compares them with the first boot's acks.
step_demo_recover() {
	local s rc
	load_clfs || return 1
	clfsctl check "$DEMO_DEV"
	rc=$?
	# 3: warnings only, e.g. blocks written after one the crash tore.
	echo "clfs-demo: offline check exit status $rc"
	[ "$rc" = 0 ] || [ "$rc" = 3 ] || return 1
	demo info "$DEMO_DEV" || return 1
	echo "clfs-demo: the policies came back with the log"
	demo policy "$DEMO_DEV" || return 1
	# MAX_SIZE | GROWTH_RATE | LOG_TAIL | AUTO_GROW, as the first boot set.
	clfsctl --json policy "$DEMO_DEV" | grep -Eq '"installed_mask": ?89\b' || {
		echo "clfs-demo: FAILED: the policies did not survive the reboot"
		return 1
	}
	demo streams list "$DEMO_DEV" || return 1
	demo restart read "$DEMO_DEV" || return 1
	for s in 0 1 2; do
		echo "clfs-demo: \$ clfsctl read --filter data -s $s $DEMO_DEV"
		clfsctl read --filter data -s "$s" "$DEMO_DEV" |
			sed "s/^/clfs-demo: stream=$s /" || return 1
	done
	unload_clfs
}

# An interactive shell for debugging; the guest ends when it exits.
step_shell() {
	echo "clfs-guest: clfs.ko and the test modules are in $MODDIR; tests in /clfs/tests"
	setsid cttyhack sh -l
}

# Harness self-test steps: each must make the host call the run a failure.
step_selftest_kunit_fail() {
	run_kunit_module "$MODDIR/clfs_selftest_kunit_fail.ko"
}

step_selftest_kasan() {
	insmod "$MODDIR/clfs_selftest_kasan.ko" && rmmod clfs_selftest_kasan
}

step_selftest_hang() {
	echo "clfs-guest: hanging on purpose"
	while :; do sleep 3600; done
}
