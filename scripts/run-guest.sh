#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a QEMU guest with clfs and run a plan of steps (scripts/guest/steps.sh).
#
# Usage: run-guest.sh [options] PLAN
#   PLAN                 comma-separated steps, e.g. kunit,utest
#   -k, --kernel F       debug (default), stock or lts
#   -n, --name N         run name: logs go to out/runs/N (default: the plan)
#   -d, --disk SPEC      add a disk: SIZE[:SECTOR][:virtio|nvme|zns][:scratch|slow], e.g. 256M:4096;
#                        repeatable (default: one 256M virtio disk, 512-byte sectors);
#                        zns: an NVMe controller of its own with a zoned
#                        namespace of 1 MiB zones (64M:4096:zns has 64)
#   -t, --timeout S      hard limit for the whole guest (default 600)
#   -i, --interactive    console on this terminal (for the shell step)
#   -o, --only NAME      report only the KUnit suite or test program NAME
#   -s, --show           print the guest's userspace output after the run
#       --disks-from RUN reuse the disk images of an earlier run (its
#                        out/runs/RUN/disk*.raw, moved here), e.g. to boot
#                        again after a crash; --disk options are then ignored
#       --cmdline ARGS   more kernel command-line arguments for the guest
#       --expect-suites L  KUnit suites that must have run (comma-separated)
#       --initramfs F    boot F (an earlier run's initramfs.cpio.gz) instead
#                        of building one
#       --power-cut MS   kill QEMU (SIGKILL, no warning to the guest) MS
#                        milliseconds after the console shows the crash
#                        workload's first journal line: a power cut
#
# Writes out/runs/N/{console.log,results.log,result.ktap}; exits 0 when the
# guest ended by itself, every test passed and the kernel log is clean.
# KVM is used only when CLFS_KVM=1 (TCG is the safe default here).
. "$(dirname "$0")/lib.sh"

flavour=debug name='' timeout=600 interactive='' expect='' only='' show='' disks=()
disks_from='' cmdline='' power_cut='' initramfs=''
while [ $# -gt 0 ]; do
	case $1 in
	-k|--kernel) flavour=$2; shift 2 ;;
	-n|--name) name=$2; shift 2 ;;
	-d|--disk) disks+=("$2"); shift 2 ;;
	-t|--timeout) timeout=$2; shift 2 ;;
	-i|--interactive) interactive=1; shift ;;
	-o|--only) only=$2; shift 2 ;;
	-s|--show) show=1; shift ;;
	--disks-from) disks_from=$2; shift 2 ;;
	--cmdline) cmdline=$2; shift 2 ;;
	--expect-suites) expect=$2; shift 2 ;;
	--power-cut) power_cut=$2; shift 2 ;;
	--initramfs) initramfs=$2; shift 2 ;;
	-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) break ;;
	esac
done
plan=${1:?usage: run-guest.sh [options] PLAN (see --help)}
name=${name:-${plan//,/-}}
[ ${#disks[@]} -gt 0 ] || disks=(256M)

"$CLFS_TOP/scripts/deps.sh"
case $flavour in
debug) kernel=$("$CLFS_TOP/scripts/build-kernel.sh")/arch/x86/boot/bzImage ;;
stock|lts) kernel=$("$CLFS_TOP/scripts/fetch-kernels.sh" "$flavour" | sed -n 2p) ;;
*) die "unknown kernel '$flavour' (debug, stock or lts)" ;;
esac
# Guests started side by side share the module and test builds under
# $CLFS_OUT: one builds while the others wait, then finds them up to date.
mkdir -p "$CLFS_OUT"
exec 8>"$CLFS_OUT/.guest-build.lock"
flock 8
[ -n "$initramfs" ] || modtree=$("$CLFS_TOP/scripts/build-module.sh" "$flavour")
rundir=$CLFS_OUT/runs/$name
rm -rf "$rundir"
mkdir -p "$rundir"
if [ -n "$disks_from" ]; then
	# The disks keep their order and geometry (recorded beside them).
	[ -f "$CLFS_OUT/runs/$disks_from/disks" ] ||
		die "run '$disks_from' left no disks to reuse"
	mapfile -t disks <"$CLFS_OUT/runs/$disks_from/disks"
	mv "$CLFS_OUT/runs/$disks_from"/disk*.raw "$rundir/"
fi
if [ -n "$initramfs" ]; then
	cp "$initramfs" "$rundir/initramfs.cpio.gz"
else
	"$CLFS_TOP/scripts/make-initramfs.sh" "$flavour" "$modtree" "$rundir/initramfs.cpio.gz"
fi
exec 8>&-

# shellcheck disable=SC2054 # commas inside QEMU arguments are QEMU's
qemu=(qemu-system-x86_64 -machine pc -smp 2 -m 2048 -nodefaults -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=0x04
      -kernel "$kernel" -initrd "$rundir/initramfs.cpio.gz")
if [ "${CLFS_KVM:-0}" = 1 ]; then
	qemu+=(-enable-kvm -cpu host)
else
	qemu+=(-accel tcg -cpu max)
fi
[ -f /usr/share/qemu/qboot.rom ] && qemu+=(-bios /usr/share/qemu/qboot.rom)

# A disk spec is SIZE[:SECTOR][:virtio|nvme|zns][:scratch|slow]. Only a scratch
# disk gets cache=unsafe, which drops the guest's flushes: clfs's guarantees
# are about exactly those. The crash enumeration's disks are scratch: QEMU
# never stops under them, and the guest rebuilds every crash state itself.
# A slow disk is throttled to 200 I/Os a second, so that writes wait in
# QEMU and a power cut (QEMU killed) loses the ones not yet completed: a
# completed write is in the host's page cache, which outlives QEMU.
# A zns disk is a zoned namespace (host-managed, zone size = capacity =
# 1 MiB, no open or active zone limit) on an NVMe controller of its own;
# QEMU keeps its zone states in memory only, so every boot finds its zones
# empty whatever the image holds.
i=0
for spec in "${disks[@]}"; do
	IFS=: read -r size sector bus scratch <<<"$spec"
	sector=${sector:-512} bus=${bus:-virtio}
	img=$rundir/disk$i.raw
	[ -n "$disks_from" ] || truncate -s "$size" "$img"
	echo "$spec" >>"$rundir/disks"
	cache=writeback throttle=''
	case $scratch in
	'') ;;
	scratch) cache=unsafe ;;
	slow) throttle=,throttling.iops-total=200 ;;
	*) die "disk option '$scratch' is neither 'scratch' nor 'slow'" ;;
	esac
	qemu+=(-drive "file=$img,if=none,id=d$i,format=raw,cache=$cache$throttle")
	geom="logical_block_size=$sector,physical_block_size=$sector"
	case $bus in
	virtio) qemu+=(-device "virtio-blk-pci,drive=d$i,$geom") ;;
	nvme) qemu+=(-device "nvme,drive=d$i,serial=clfs$i,$geom") ;;
	zns) qemu+=(-device "nvme,id=nvme$i,serial=clfs$i"
		    -device "nvme-ns,drive=d$i,bus=nvme$i,nsid=1,$geom,zoned=true,zoned.zone_size=1M,zoned.zone_capacity=1M") ;;
	*) die "disk bus '$bus' is neither virtio, nvme nor zns" ;;
	esac
	i=$((i + 1))
done

append="console=ttyS0 panic=-1 printk.devkmsg=on log_buf_len=8M clfs.plan=$plan${only:+ clfs.only=$only}${cmdline:+ $cmdline}"
if [ -n "$interactive" ]; then
	qemu+=(-display none -serial mon:stdio -serial "file:$rundir/results.log")
	log "interactive guest: the console is this terminal; 'exit' ends it (Ctrl-A X kills QEMU)"
	"${qemu[@]}" -append "$append" || true
	exit 0
fi
qemu+=(-display none -monitor none -serial "file:$rundir/console.log"
       -serial "file:$rundir/results.log")

log "guest $name: kernel $flavour, plan $plan, timeout ${timeout}s (logs in $rundir)"
set +e
if [ -n "$power_cut" ]; then
	timeout -k 10 "$timeout" "${qemu[@]}" -append "$append" </dev/null &
	qpid=$!
	until grep -aq 'clfs-journal: ' "$rundir/console.log" 2>/dev/null; do
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.05
	done
	sleep "$(printf '%d.%03d' $((power_cut / 1000)) $((power_cut % 1000)))"
	if kill -0 "$qpid" 2>/dev/null; then
		pkill -KILL -P "$qpid"
		wait "$qpid"
		status=killed
		log "guest $name: power cut ${power_cut} ms into the workload"
	else
		wait "$qpid"
		status=$?
	fi
else
	timeout -k 10 "$timeout" "${qemu[@]}" -append "$append" </dev/null
	status=$?
fi
set -e
python3 "$CLFS_TOP/scripts/ktap.py" guest --name "$name" \
	--results "$rundir/results.log" --console "$rundir/console.log" \
	--qemu-status "$status" ${expect:+--expect-suites "$expect"} \
	${only:+--only "$only"} >"$rundir/result.ktap"
# The guest's userspace output is every console line that is not printk's.
[ -z "$show" ] || grep -av '^\[ *[0-9]*\.[0-9]*\]' "$rundir/console.log" | tr -d '\r'
if grep -q '^ *not ok' "$rundir/result.ktap"; then
	log "guest $name: FAILED (see $rundir/result.ktap and console.log)"
	grep '^ *not ok\|^ *# ' "$rundir/result.ktap" | grep -v '^ *# \(RUN\|  *OK\|Starting\|Totals\|PASSED\)' >&2 || true
	exit 1
fi
log "guest $name: passed"
