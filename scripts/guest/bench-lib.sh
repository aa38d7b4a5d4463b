# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# What every benchmark row of the bench step is made of (sourced by
# steps.sh). A row is one line on the console,
#
#   clfs-bench-row name=ID value=V unit=U records=N cpu_us=C \
#       dev_writes=W dev_flushes=F [key=value...]
#
# which scripts/bench-report.py turns into the table and out/bench.json.
# cpu_us is the guest's busy CPU time (user, system, irq, softirq; all CPUs)
# during the run; dev_writes and dev_flushes are what the disk's block
# layer counted (/sys/block/DEV/stat fields 5 and 16). None of the three
# depends on how fast the emulator runs: they explain the value.

# bench_snap DEV: "busy_us writes flushes" now.
bench_snap() {
	local cpu io
	# /proc/stat counts in USER_HZ (100 per second): 10000 us a tick.
	cpu=$(awk '$1 == "cpu" { printf "%.0f", ($2 + $3 + $4 + $7 + $8) * 10000 }' /proc/stat)
	io=$(awk '{ print $5, $16 }' "/sys/block/$1/stat")
	echo "$cpu $io"
}

# bench_row NAME VALUE UNIT RECORDS "SNAP_BEFORE" "SNAP_AFTER" [key=value...]
# A VALUE that is empty or not a number means the run failed: the row says
# so (failed=1) and carries no figure.
bench_row() {
	local name=$1 value=$2 unit=$3 records=$4 before=$5 after=$6
	shift 6
	case $value in
	'' | *[!0-9.]*)
		echo "clfs-bench-row name=$name failed=1 $*"
		return 1
		;;
	esac
	# shellcheck disable=SC2086
	set -- $before $after "$@"
	local c0=$1 w0=$2 f0=$3 c1=$4 w1=$5 f1=$6
	shift 6
	echo "clfs-bench-row name=$name value=$value unit=$unit records=$records" \
		"cpu_us=$((c1 - c0)) dev_writes=$((w1 - w0)) dev_flushes=$((f1 - f0)) $*"
}
