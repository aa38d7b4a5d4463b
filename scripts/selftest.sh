#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: the runner must call each of these runs a failure.
# Prints a KTAP document; a case passes when the failure was detected for
# the right reason. Exits non-zero if any failure went unnoticed, and then
# says in the document which expectation did not hold and what the run's
# own verdicts were.
. "$(dirname "$0")/lib.sh"

runs=$CLFS_OUT/runs
cases=()
why=
# expect CASE RUN FN: FN checks run RUN and sets $why when it finds fault.
expect() {
	local name=$1 rn=$2 verdicts
	shift 2
	why=
	if "$@"; then
		cases+=(ok "$name")
		return
	fi
	verdicts=$(grep -h '^ *not ok\|^ *ok\|^# ' "$runs/$rn/result.ktap" 2>/dev/null |
		grep -v '^ *# \(RUN\|  *OK\)' | tr -s ' ' | paste -sd ';' | cut -c1-400)
	cases+=('#' "$name: $why; the run's verdicts: ${verdicts:-none (no result.ktap)}")
	cases+=(not_ok "$name")
	log "self-test $name: the harness missed a failure: $why"
}
run() { "$CLFS_TOP/scripts/run-guest.sh" --cmdline clfs.leak_check=0 "$@" >/dev/null 2>&1; }
summary() {
	python3 "$CLFS_TOP/scripts/ktap.py" summary \
		--kunit-dir "$(dirname "$(kunit_py)")" "$1" 2>&1 | tail -n 1
}
# has FILE REGEX: FILE has a line matching REGEX, else $why says so.
has() {
	grep -q "$2" "$1" 2>/dev/null || { why="no line '$2' in $(basename "$1")"; return 1; }
}

# A failing KUnit case: the run fails, and the parser counts exactly the
# deliberate failure (one passing case + the two health cases pass).
kunit_failure_is_reported() {
	local s
	run -n selftest-kunit-fail selftest_kunit_fail && { why='the run passed'; return 1; }
	s=$(summary "$runs/selftest-kunit-fail/result.ktap")
	[ "$s" = "3 passed, 1 failed" ] || { why="the parser counted '$s'"; return 1; }
}

# A KASAN report in the kernel log fails the run even though every step ran.
kasan_report_is_reported() {
	local d=$runs/selftest-kasan
	run -n selftest-kasan selftest_kasan && { why='the run passed'; return 1; }
	has "$d/console.log" 'BUG: KASAN: slab-out-of-bounds' &&
		has "$d/result.ktap" '^not ok [0-9]* selftest-kasan.kernel_log_clean' &&
		has "$d/result.ktap" '^ok [0-9]* selftest-kasan.guest_exit'
}

# A guest that never finishes is killed at the timeout and reported. It
# idles until then, so it boots first and runs beside the other two.
run -n selftest-hang -t 60 selftest_hang &
hang_pid=$!
hang_is_reported() {
	local d=$runs/selftest-hang
	wait "$hang_pid" && { why='the run passed'; return 1; }
	has "$d/result.ktap" 'timed out' &&
		has "$d/result.ktap" '^not ok [0-9]* selftest-hang.guest_exit'
}

expect failing_kunit_case_is_reported selftest-kunit-fail kunit_failure_is_reported
expect kasan_report_is_reported selftest-kasan kasan_report_is_reported
expect guest_hang_is_reported selftest-hang hang_is_reported
python3 "$CLFS_TOP/scripts/ktap.py" doc selftest "${cases[@]}"
! printf '%s\n' "${cases[@]}" | grep -qx not_ok
