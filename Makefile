# SPDX-License-Identifier: GPL-2.0
# clfs: the Common Log File System for Linux.
#
# The two commands that matter (both install what they need first):
#   make run     boot a guest, load clfs.ko, use it on a virtual disk
#   make check   run every test; ends with 'N passed, N failed'
# `make help` lists the rest. Kbuild itself reads ./Kbuild.

KERNEL	?= stock
SUITE	?=
BENCH_SECONDS ?= 5
BENCH_RECOVERY_MIB ?= 1000
OUT	?= $(CURDIR)/out
export CLFS_OUT := $(OUT)

.PHONY: help deps kernel module userspace check check-fresh run shell suite kunit utest ktest bench profile crash crash-long fuzz-long clean

help:
	@sed -n 's/^## \{0,1\}//p' $(MAKEFILE_LIST)

## Targets:
##   run        the main job: boot Debian's stock 6.1 kernel (KERNEL=debug for
##              the debug kernel), load clfs.ko and use it on a virtual disk
##   check      every test: host checks, module builds for all kernels, KUnit
##              and userspace tests in guests, harness self-test
##   check-fresh  make run, make shell and make bench each as the first command
##              of a scratch copy with an empty cache (the check's fresh stage)
##   suite      one KUnit suite or userspace test in the debug guest:
##              make suite SUITE=clfs_abi   (or SUITE=abi_test)
##   kunit      all KUnit suites in the debug guest
##   utest      all userspace tests in a guest (KERNEL=debug|stock|lts)
##   ktest      the tests that drive test modules on real disks (debug kernel)
##   bench      clfs against the raw disk, ext4 and XFS under fio in one boot,
##              and a ZNS namespace against a conventional one (zoned driver):
##              a table of ratios and out/bench.json (KERNEL=stock by default;
##              BENCH_SECONDS=5 per figure, BENCH_RECOVERY_MIB=1000)
##   profile    where the CPU goes on each clfs path the bench measures, by
##              perf in the guest (KERNEL=stock; BENCH_SECONDS per path)
##   crash      the crash tests make check runs: every crash state of a recorded
##              workload, a fault at every I/O, 20 power cuts (docs/crash.md)
##   crash-long the long campaign: CRASH_SEEDS enumerations (default 1..6) of a
##              larger workload, CRASH_POWER_CUTS=200 power cuts
##   fuzz-long  the fuzz targets of tests/host for FUZZ_LONG_SECONDS=600 each and
##              CORRUPT_LONG_VARIANTS=5000 corrupted images in the debug guest
##   shell      an interactive shell in a guest with clfs.ko and two disks
##   module     build clfs.ko for KERNEL=debug|stock|lts (W=1, no warnings)
##   kernel     build (or reuse) the cached debug kernel
##   userspace  build libclfs and clfsctl for this machine into out/userspace
##   deps       install the Debian packages the project needs
##   clean      remove out/ (the kernel cache in ~/.cache/clfs stays)

deps:
	@scripts/deps.sh

kernel: deps
	@scripts/build-kernel.sh

module: deps
	@scripts/build-module.sh $(KERNEL)

userspace: deps
	$(MAKE) -C userspace O=$(OUT)/userspace

check: deps
	@scripts/check.sh

check-fresh: deps
	@scripts/fresh.sh

run: deps
	@scripts/demo.sh $(KERNEL)

suite: deps
	@test -n "$(SUITE)" || { echo "usage: make suite SUITE=<kunit suite or test program>"; exit 2; }
	@scripts/run-guest.sh --kernel debug --name suite-$(SUITE) --only $(SUITE) \
		--disk 256M --disk 256M:4096 --disk 64M:4096:zns kunit,utest,ktest

kunit: deps
	@scripts/run-guest.sh --kernel debug --name kunit kunit

utest: deps
	@scripts/run-guest.sh --kernel $(KERNEL) --name utest-$(KERNEL) --disk 256M \
		$(if $(filter debug,$(KERNEL)),--disk 64M:4096:zns) utest

ktest: deps
	@scripts/run-guest.sh --kernel debug --name ktest --disk 256M --disk 256M:4096 ktest

bench: deps
	@BENCH_SECONDS=$(BENCH_SECONDS) BENCH_RECOVERY_MIB=$(BENCH_RECOVERY_MIB) \
		scripts/bench.sh $(KERNEL)

profile: deps
	@CLFS_WITH_PERF=1 scripts/run-guest.sh --kernel $(KERNEL) --name profile-$(KERNEL) \
		--show --disk 1G --timeout 900 --cmdline "clfs.bench_seconds=$(BENCH_SECONDS)" profile

crash: deps
	@STAGES="enum powercut" scripts/check.sh

crash-long: deps
	@scripts/crash-long.sh

fuzz-long: deps
	@scripts/fuzz-long.sh

shell: deps
	@scripts/run-guest.sh --kernel $(KERNEL) --name shell --interactive \
		--disk 256M --disk 256M:4096 shell

clean:
	rm -rf $(OUT)
