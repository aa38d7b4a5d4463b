#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: the runner must call each of these runs a failure.
# Prints a KTAP document; a case passes when the failure was detected for
# the right reason. Exits non-zero if any failure went unnoticed.
. "$(dirname "$0")/lib.sh"

cases=()
expect() {
	local name=$1
	shift
	if "$@"; then
		cases+=(ok "$name")
	else
		cases+=(not_ok "$name")
		log "self-test $name: the harness missed a failure"
	fi
}
runs=$CLFS_OUT/runs
run() { "$CLFS_TOP/scripts/run-guest.sh" "$@" >/dev/null 2>&1; }
summary() {
	python3 "$CLFS_TOP/scripts/ktap.py" summary \
		--kunit-dir "$(dirname "$(kunit_py)")" "$1" 2>&1 | tail -n 1
}

# A failing KUnit case: the run fails, and the parser counts exactly the
# deliberate failure (one passing case + the two health cases pass).
kunit_failure_is_reported() {
	! run -n selftest-kunit-fail selftest_kunit_fail &&
		[ "$(summary "$runs/selftest-kunit-fail/result.ktap")" = "3 passed, 1 failed" ]
}

# A KASAN report in the kernel log fails the run even though every step ran.
kasan_report_is_reported() {
	! run -n selftest-kasan selftest_kasan &&
		grep -q 'BUG: KASAN: slab-out-of-bounds' "$runs/selftest-kasan/console.log" &&
		grep -q '^not ok [0-9]* selftest-kasan.kernel_log_clean' "$runs/selftest-kasan/result.ktap" &&
		grep -q '^ok [0-9]* selftest-kasan.guest_exit' "$runs/selftest-kasan/result.ktap"
}

# A guest that never finishes is killed at the timeout and reported.
hang_is_reported() {
	! run -n selftest-hang -t 60 selftest_hang &&
		grep -q 'timed out' "$runs/selftest-hang/result.ktap" &&
		grep -q '^not ok [0-9]* selftest-hang.guest_exit' "$runs/selftest-hang/result.ktap"
}

expect failing_kunit_case_is_reported kunit_failure_is_reported
expect kasan_report_is_reported kasan_report_is_reported
expect guest_hang_is_reported hang_is_reported
python3 "$CLFS_TOP/scripts/ktap.py" doc selftest "${cases[@]}"
! printf '%s\n' "${cases[@]}" | grep -qx not_ok
