#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The project's test command (`make check`). Runs every test and ends with
# the line 'N passed, N failed'; exits non-zero on any failure.
#
# Each stage writes one KTAP document to out/results/; ktap.py summary nests
# them into one run and parses it with the kernel's kunit_parser:
#   host      userspace builds, UAPI header, shellcheck, checkpatch, sparse,
#             the format code's host tests and fuzzers (tests/host)
#   build     clfs.ko with W=1 against the debug, stock 6.1 and 6.12 kernels
#   debug     KUnit suites and userspace tests in the debug kernel
#   crash     kernel threads append, the guest stopped mid-way, recovery
#             (not run by default: make crash-long runs it; enum and
#             powercut prove more)
#   enum      every crash state of a recorded workload (dm-log-writes), a
#             fault at every I/O of a short one, and a corrupted-image
#             campaign (crash_corrupt) (scripts/guest/crash.sh)
#   powercut  QEMU killed at random moments, 20 times (scripts/powercut.sh)
#   demo      the main job (make run): a clfsctl session, a crash, and no
#             acknowledged record lost
#   stock     userspace tests on Debian's stock 6.1 kernel
#   lts       userspace tests on Debian's 6.12 LTS kernel
#   selftest  the harness catches a failing KUnit case, KASAN and a hang
#   fresh     make run, make shell and make bench, each as the first command
#             of a scratch copy with an empty cache and out/ (scripts/fresh.sh)
# Set STAGES to run only some, e.g. STAGES="host debug" make check.
. "$(dirname "$0")/lib.sh"

STAGES=${STAGES:-host build debug enum powercut demo stock lts selftest fresh}
cd "$CLFS_TOP"
results=$CLFS_OUT/results
rm -rf "$results"
mkdir -p "$results"
"$CLFS_TOP/scripts/deps.sh"
"$CLFS_TOP/scripts/build-kernel.sh" >/dev/null
ktap() { python3 "$CLFS_TOP/scripts/ktap.py" "$@"; }

# Every document a stage promises is listed before the stage runs, so a
# stage that dies before writing it is counted as a failure, not forgotten.
docs=()
expect_doc() { docs+=("$results/$1.ktap"); }

# check NAME CMD...: one host-side case; its output goes to a log.
cases=()
check() {
	local name=$1
	shift
	if "$@" >"$results/$name.log" 2>&1; then
		cases+=(ok "$name")
	else
		cases+=(not_ok "$name")
		log "host check $name failed:"
		tail -n 40 "$results/$name.log" >&2
	fi
}

kunit_suites() {
	sed -n 's/^\s*\.name\s*=\s*"\([a-z0-9_]*\)".*/\1/p' "$CLFS_TOP"/tests/kunit/*.c | paste -sd,
}

stage_host() {
	local ksrc
	expect_doc host
	ksrc=$(kernel_tools_dir)
	cases=()
	check userspace_builds make -C "$CLFS_TOP/userspace" O="$CLFS_OUT/userspace"
	check uapi_header_is_self_contained "$CLFS_TOP/scripts/check-uapi.sh"
	check drivers_use_only_the_public_interface "$CLFS_TOP/scripts/check-drivers.sh"
	check shellcheck shellcheck -x -P "$CLFS_TOP/scripts" "$CLFS_TOP"/scripts/*.sh \
		"$CLFS_TOP/scripts/guest/init" "$CLFS_TOP"/scripts/guest/*.sh "$CLFS_TOP/.ci/run"
	check checkpatch "$CLFS_TOP/scripts/checkpatch.sh"
	check sparse "$CLFS_TOP/scripts/sparse.sh"
	check kernel_doc "$CLFS_TOP/scripts/kernel-doc.sh"
	ktap doc host "${cases[@]}" >"$results/host.ktap"
	if [ -f "$CLFS_TOP/tests/host/Makefile" ]; then
		expect_doc host-format
		make -C "$CLFS_TOP/tests/host" check KSFT_DIR="$ksrc/tools/testing/selftests" \
			KTAP_OUT="$results/host-format.ktap" >"$results/host-format.log" 2>&1 ||
			{ log "tests/host failed:"; tail -n 40 "$results/host-format.log" >&2; }
	fi
}

stage_build() {
	expect_doc build
	cases=()
	for k in debug stock lts; do
		check "module_builds_w1_clean_$k" "$CLFS_TOP/scripts/build-module.sh" "$k"
	done
	ktap doc build "${cases[@]}" >"$results/build.ktap"
}

# guest NAME KERNEL PLAN [run-guest options]: copy the run's KTAP.
guest() {
	local name=$1 kernel=$2 plan=$3
	shift 3
	expect_doc "$name"
	rm -f "$CLFS_OUT/runs/$name/result.ktap"
	"$CLFS_TOP/scripts/run-guest.sh" -k "$kernel" -n "$name" "$@" "$plan" || true
	cp "$CLFS_OUT/runs/$name/result.ktap" "$results/$name.ktap" 2>/dev/null || true
}

# Under KASAN and lockdep this guest runs for 8 to 9 minutes on 2 cores
# (KUnit about 3, the shared-log tests' 16 processes about 2.5). The zns
# disk is zoned_test's ZNS namespace, /dev/nvme0n1: the tests that take the
# first of /dev/vda and /dev/nvme0n1 still find vda.
stage_debug() {
	guest debug debug kunit,utest,ktest --expect-suites "$(kunit_suites)" \
		-d 256M -d 256M:4096 -d 64M:4096:zns -t 1200
}
# Crash and recover: the first boot is stopped in the middle of concurrent
# appends; the second recovers the same disk and checks every record the
# first one saw acknowledged (the highest acked seq + 1 of each thread).
stage_crash() {
	local acks
	guest crash-write debug crash_write -d 256M
	acks=$(grep -ao 'ack t=[0-9]* seq=[0-9]*' "$CLFS_OUT/runs/crash-write/console.log" |
		awk -F'[ =]' '{ t = $3; s = $5 + 1; if (s > m[t]) m[t] = s; if (t > n) n = t }
			END { for (i = 0; i <= n; i++) printf "%s%d", i ? "," : "", m[i] }')
	log "crash test: highest acknowledged seq + 1 per thread: ${acks:-none}"
	guest crash-verify debug crash_verify --disks-from crash-write \
		--cmdline "clfs.acks=${acks:-0}"
}
# Crash enumeration and faults, bounded (make crash-long runs the long ones).
stage_enum() {
	local d=512:virtio:scratch
	guest enum debug crash_enum,faults,corrupt -t 1200 \
		--cmdline "clfs.corrupt_variants=${CORRUPT_VARIANTS:-1000} clfs.corrupt_devs=vda,vdc" \
		-d 4M -d 64M:$d -d 4M:$d -d 4M:$d -d 32M:$d -d 32M:$d
}
stage_powercut() {
	expect_doc powercut
	"$CLFS_TOP/scripts/powercut.sh" -n "${CRASH_POWER_CUTS:-20}" >"$results/powercut.ktap" ||
		log "power cuts failed (see out/runs/powercut-*)"
}
# The README's main job, checked: its two boots and its verdict.
stage_demo() {
	local r
	expect_doc demo
	cases=()
	check main_job_loses_no_acknowledged_record "$CLFS_TOP/scripts/demo.sh" stock
	ktap doc demo "${cases[@]}" >"$results/demo.ktap"
	for r in demo-crash demo-recover; do
		expect_doc "$r"
		cp "$CLFS_OUT/runs/$r/result.ktap" "$results/$r.ktap" 2>/dev/null || true
	done
}
stage_stock() { guest stock stock utest -d 256M; }
stage_lts() { guest lts lts utest -d 256M:4096:nvme; }
stage_selftest() {
	expect_doc selftest
	"$CLFS_TOP/scripts/selftest.sh" >"$results/selftest.ktap" ||
		log "harness self-test failed"
}

stage_fresh() {
	expect_doc fresh
	"$CLFS_TOP/scripts/fresh.sh" >"$results/fresh.ktap" ||
		log "a documented target failed as the first command (see out/fresh/)"
}

start=$(date +%s)
for s in $STAGES; do
	log "=== stage $s (at $(( $(date +%s) - start ))s)"
	"stage_$s"
done
log "all stages done in $(( $(date +%s) - start ))s"
ktap summary --kunit-dir "$(dirname "$(kunit_py)")" --save "$results/all.ktap" \
	"${docs[@]}"
