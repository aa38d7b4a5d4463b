#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the host-side format tests and report them as one KTAP document.
# Called by `make check` / `make fuzz-long` in this directory, which pass:
#   B             build directory
#   KTAP_OUT      where the KTAP document goes
#   FUZZ_SECONDS  seconds per fuzz target
#   KSFT_DIR, MAKE
# Exits non-zero if anything failed (the document is written regardless).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
: "${B:?}" "${KTAP_OUT:?KTAP_OUT must name the KTAP file to write}"
: "${FUZZ_SECONDS:?}" "${MAKE:=make}"

body=$(mktemp)
trap 'rm -f "$body"' EXIT
n=0
failed=0

# result OK NAME: one top-level result line.
result() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n $2" >>"$body"
	else
		echo "not ok $n $2" >>"$body"
		failed=1
	fi
}

# Lines that are not TAP become diagnostics, so that sanitizer reports and
# compiler errors cannot break the document.
diag() {
	sed -E '/^ *(TAP version|KTAP version|1\.\.|ok |not ok |#)/!s/^/# /'
}

finish() {
	{
		echo "KTAP version 1"
		echo "1..$n"
		cat "$body"
	} >"$KTAP_OUT"
	exit $failed
}

if ! out=$("$MAKE" -C "$here" all KSFT_DIR="$KSFT_DIR" 2>&1); then
	echo "$out" | tail -n 40 | sed 's/^/# /' >>"$body"
	result "not ok" build
	finish
fi

# subtest NAME CMD...: run a test program, its TAP indented as a subtest.
subtest() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "$out" | diag |
		sed -E "0,/^(TAP|KTAP) version.*/s//&\n# Subtest: $name/" |
		sed 's/^/    /' >>"$body"
	if [ $rc -eq 0 ]; then
		result ok "$name"
	else
		result "not ok" "$name"
	fi
}

subtest format_unit "$B/format_test"
subtest kunit_on_host "$B/kunit_host"
subtest offline_checker "$B/offline_test"

# fuzz TARGET NAME MAX_LEN
fuzz() {
	local target=$1 name=$2 max_len=$3 corpus=$B/corpus/$1 log=$B/$1.log
	mkdir -p "$corpus" "$B/seeds/${target#fuzz_}"
	"$B/$target" -max_total_time="$FUZZ_SECONDS" -max_len="$max_len" \
		-timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$B/$target-" "$corpus" "$B/seeds/${target#fuzz_}" \
		>"$log" 2>&1
	local rc=$?
	grep -aE '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' \
		"$log" | sed 's/^/# /' >>"$body"
	if [ $rc -ne 0 ]; then
		grep -aE 'ERROR|SUMMARY|Test unit written' "$log" | head -n 20 |
			sed 's/^/# /' >>"$body"
		echo "# full log: $log" >>"$body"
		result "not ok" "${name}_${FUZZ_SECONDS}s"
	else
		result ok "${name}_${FUZZ_SECONDS}s"
	fi
}

fuzz fuzz_md fuzz_metadata $((1 + 16896 + 64))
fuzz fuzz_blk fuzz_block 20000
fuzz fuzz_walk fuzz_recovery_walk $((8 * 12))
finish
