# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# The bench step (make bench, scripts/bench.sh): clfs against what a user
# would pick instead, in one boot, on the same kind of disk. Sourced by
# steps.sh after bench-lib.sh (rows) and bench-fio.sh (the baselines).
#
# Disks (scripts/bench-disks.sh): vda 1G raw for clfs and the raw-device
# baselines, vdb ext4, vdc ext4 with fast_commit, vdd XFS, vde 16M raw;
# two 1G NVMe namespaces with 4096-byte sectors, one conventional, one
# zoned (ZNS, 1 MiB zones), and a null_blk zoned device the step makes.
# Every figure is a bench_row; scripts/bench-report.py makes the table.

# bench_kernel NAME DEV ARGS...: one clfs_bench.ko run (in-kernel clients).
# DEV is a block device's path or a driver's target (zoned:/dev/nvme1n1);
# the device counters are those of the block device it names.
bench_kernel() {
	local name=$1 dev=$2 before after line
	shift 2
	dmesg -c >/dev/null
	before=$(bench_snap "${dev##*/}")
	insmod "$MODDIR/clfs_bench.ko" dev="$dev" "$@"
	after=$(bench_snap "${dev##*/}")
	rmmod clfs_bench
	line=$(dmesg | sed -n 's/.*clfs_bench: result //p' | tail -n 1)
	dmesg | grep 'clfs_bench: failed' >&2
	# shellcheck disable=SC2086 # BENCH_KEYS: more key=value words, or none
	bench_kv_row "$name" "$before" "$after" "$line" client=kernel $BENCH_KEYS
}

# More key=value words for the rows bench_kernel prints (the zoned rows
# name their device and its I/O scheduler).
BENCH_KEYS=

# bench_kv_row NAME BEFORE AFTER "value=V unit=U records=N k=v...": a row
# from a result line; an empty line is a failed run.
bench_kv_row() {
	local name=$1 before=$2 after=$3 line=$4 value unit records
	shift 4
	value=$(echo "$line" | sed -n 's/.*\bvalue=\([^ ]*\).*/\1/p')
	unit=$(echo "$line" | sed -n 's/.*\bunit=\([^ ]*\).*/\1/p')
	records=$(echo "$line" | sed -n 's/.*\brecords=\([^ ]*\).*/\1/p')
	# The other key=value words of the line go into the row as they are.
	# shellcheck disable=SC2046
	bench_row "$name" "$value" "$unit" "$records" "$before" "$after" \
		$(echo "$line" | sed 's/\b\(value\|unit\|records\)=[^ ]*//g') "$@"
}

# bench_user NAME CREATE_ARGS BENCH_ARGS: a fresh log on vda, then one
# clfsctl bench run (userspace clients through /dev/clfs and libclfs).
bench_user() {
	local name=$1 create=$2 args=$3 before after json line
	# shellcheck disable=SC2086
	clfsctl create --force --container-size 4M --containers 200 $create \
		/dev/vda >/dev/null || { echo "clfs-bench-row name=$name failed=1"; return 1; }
	case $create in *--multiplexed*)
		for _ in 1 2 3 4; do clfsctl streams create /dev/vda >/dev/null; done ;;
	esac
	before=$(bench_snap vda)
	# shellcheck disable=SC2086
	json=$(clfsctl --json bench $args /dev/vda)
	after=$(bench_snap vda)
	# The JSON is one flat object: "key": value pairs become key=value.
	line=$(echo "$json" | tr -d '\n' | sed 's/[{}" ]//g; s/:/=/g; s/,/ /g')
	bench_kv_row "$name" "$before" "$after" "$line" client=user
}

# bench_forced NAME SECONDS ARGS...: in-kernel forced appends on vda.
bench_forced() {
	local name=$1 s=$2
	shift 2
	bench_kernel "$name" /dev/vda mode=forced seconds="$s" "$@"
}

# bench_clfs SECONDS: every clfs row.
bench_clfs() {
	local s=$1 size
	for size in 256 4000; do
		echo "clfs-bench: clfs, forced appends of $size B" >&2
		bench_forced "clfs_k_${size}_1t" "$s" record=$size threads=1
		bench_forced "clfs_k_${size}_16t_one_area" "$s" record=$size threads=16 areas=shared
		bench_forced "clfs_k_${size}_16t" "$s" record=$size threads=16 areas=own
		bench_user "clfs_u_${size}_1t" "" "--seconds $s --bytes $size"
		bench_user "clfs_u_${size}_16t" "" "--seconds $s --bytes $size --threads 16"
	done
	bench_user clfs_u_4000_16p "" "--seconds $s --bytes 4000 --processes 16"
	echo "clfs-bench: clfs, 4 streams of a multiplexed log" >&2
	bench_forced clfs_k_4000_16t_mux4 "$s" record=4000 threads=16 streams=4
	bench_user clfs_u_4000_16t_mux4 --multiplexed "--seconds $s --bytes 4000 --threads 16 --streams 4"
	echo "clfs-bench: clfs, streaming" >&2
	bench_kernel clfs_k_stream /dev/vda mode=stream seconds="$s" record=4000
	bench_user clfs_u_stream "" "--seconds $s --bytes 4000 --stream"
}

# bench_nvme ZONED: the NVMe namespace whose queue/zoned says ZONED (none:
# a conventional namespace; host-managed: a ZNS one), e.g. nvme0n1.
bench_nvme() {
	local d
	for d in /sys/block/nvme*; do
		[ "$(cat "$d/queue/zoned" 2>/dev/null)" = "$1" ] || continue
		echo "${d##*/}"
		return 0
	done
	return 1
}

BENCH_NULLB=/sys/kernel/config/nullb/nullb0

# bench_nullb_make MIB: /dev/nullb0, a memory-backed host-managed null_blk
# device of MIB MiB, 4096-byte sectors, 1 MiB zones of capacity 1 MiB and
# no open or active zone limit, as tests/guest/zoned_test.c makes it.
# null_blk completes every I/O at once (no timer, no volatile cache): the
# device costs nothing but the CPU, so its figures are an upper bound on
# the engine and the zoned driver, not a device's.
#
# Its I/O scheduler is set to none, which is what the ZNS namespace gets
# on this kernel. 6.1 gives a zoned null_blk mq-deadline, for the block
# layer's zone write locking, which the zoned driver does not need (it has
# one write in flight per zone itself), and with which one thread's
# figure scattered by a factor of ten (docs/performance.md).
bench_nullb_make() {
	local kv i=0
	insmod "$MODDIR/null_blk.ko" nr_devices=0 || return 1
	[ -d /sys/kernel/config/nullb ] ||
		mount -t configfs configfs /sys/kernel/config || return 1
	mkdir "$BENCH_NULLB" || return 1
	for kv in size="$1" blocksize=4096 memory_backed=1 zoned=1 zone_size=1 \
		zone_capacity=1 power=1; do
		echo "${kv#*=}" >"$BENCH_NULLB/${kv%%=*}" || return 1
	done
	while [ ! -b /dev/nullb0 ] && [ $i -lt 250 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	[ "$(cat /sys/block/nullb0/queue/zoned 2>/dev/null)" = host-managed ] &&
		echo none >/sys/block/nullb0/queue/scheduler
}

bench_nullb_remove() {
	if [ -d "$BENCH_NULLB" ]; then
		echo 0 >"$BENCH_NULLB/power"
		rmdir "$BENCH_NULLB"
	fi
	[ ! -d /sys/module/null_blk ] || rmmod null_blk
}

# bench_zoned_row NAME TARGET NR THREADS SECONDS: in-kernel forced appends
# of 4000 B by THREADS threads (an area each) on a fresh log of NR
# containers of 1 MiB (one zone each on a zoned device) on TARGET; a failed
# row when TARGET is empty (no such device in this guest).
bench_zoned_row() {
	local q=/sys/block/${2##*/}/queue ret
	if [ -z "$2" ]; then
		echo "clfs-bench-row name=$1 failed=1"
		return 1
	fi
	# The row names its device, whether it is zoned and its scheduler.
	BENCH_KEYS="device=${2##*/} zoned=$(cat "$q/zoned") sched=$(sed -n \
		's/.*\[\(.*\)\].*/\1/p' "$q/scheduler")"
	bench_kernel "$1" "$2" mode=forced seconds="$5" record=4000 threads="$4" \
		areas=own container_kib=1024 nr_containers="$3"
	ret=$?
	BENCH_KEYS=
	return $ret
}

# bench_zoned SECONDS: the zoned rows. The same workload on a conventional
# NVMe namespace (the block-device driver) and on a ZNS namespace of the
# same QEMU (the zoned driver), in the order nvme, zns, zns, nvme, so that
# a drift over the four runs does not favour one: their ratio is what the
# zoned path costs or gains on one emulated device. Then on null_blk
# zoned, which has no latency. Every log has 1 MiB containers, the zone
# size, and must hold the whole run: forced runs do not advance their base.
bench_zoned() {
	local s=$1 conv zns t zoned_ko=''
	echo "clfs-bench: clfs on NVMe: a conventional and a zoned namespace, null_blk zoned" >&2
	# A zoned driver module of its own, if the build makes one.
	if [ -f "$MODDIR/clfs_zoned.ko" ] && [ ! -d /sys/module/clfs_zoned ]; then
		insmod "$MODDIR/clfs_zoned.ko" && zoned_ko=1
	fi
	conv=$(bench_nvme none) || echo "clfs-bench: no conventional NVMe namespace" >&2
	zns=$(bench_nvme host-managed) || echo "clfs-bench: no ZNS namespace" >&2
	# 1 GiB: 1023 slots after the block driver's metadata; 1024 zones, of
	# which the zoned driver keeps 2 for its metadata.
	bench_zoned_row nvme_k_4000_1t "${conv:+/dev/$conv}" 1022 1 "$s"
	bench_zoned_row zns_k_4000_1t "${zns:+zoned:/dev/$zns}" 1022 1 "$s"
	bench_zoned_row zns_k_4000_16t "${zns:+zoned:/dev/$zns}" 1022 16 "$s"
	bench_zoned_row nvme_k_4000_16t "${conv:+/dev/$conv}" 1022 16 "$s"
	# Guest memory: a zone's pages are allocated as it is written and freed
	# as it is reset, so a run holds what it wrote, at most 766 MiB (the
	# containers); one thread wrote up to 26 MiB a second under TCG.
	if bench_nullb_make 768; then
		for t in 1 16; do
			bench_zoned_row "nullbz_k_4000_${t}t" zoned:/dev/nullb0 766 "$t" "$s"
		done
	else
		echo "clfs-bench: cannot make a null_blk zoned device" >&2
		for t in 1 16; do
			bench_zoned_row "nullbz_k_4000_${t}t" "" 0 "$t" "$s"
		done
	fi
	bench_nullb_remove
	[ -z "$zoned_ko" ] || rmmod clfs_zoned
	return 0
}

# bench_recovery MIB: the open (its recovery scan) of a log with about 12
# MiB active on the 16M disk and on the 1G one, and of MIB MiB on the 1G.
bench_recovery() {
	echo "clfs-bench: recovery" >&2
	# 16M: 128 KiB of metadata, then 15 slots of 1 MiB; 12 MiB of records.
	bench_kernel recovery_16m_dev /dev/vde mode=recovery container_kib=1024 nr_containers=15 fill_mib=12
	bench_kernel recovery_1g_dev /dev/vda mode=recovery container_kib=1024 nr_containers=1023 fill_mib=12
	bench_kernel recovery_1g_active /dev/vda mode=recovery container_kib=1024 nr_containers=1023 fill_mib="$1"
}

step_bench() {
	local s mib
	s=$(sed -n 's/.*clfs\.bench_seconds=\([0-9]*\).*/\1/p' /proc/cmdline)
	mib=$(sed -n 's/.*clfs\.bench_recovery_mib=\([0-9]*\).*/\1/p' /proc/cmdline)
	command -v fio >/dev/null || { echo "clfs-bench: no fio in this guest"; return 1; }
	load_clfs || return 1
	bench_baselines "${s:-5}"
	bench_clfs "${s:-5}"
	bench_zoned "${s:-5}"
	bench_recovery "${mib:-1000}"
	unload_clfs
}

# The clfs half alone, for working on clfs: make bench runs step_bench.
step_bench_clfs() {
	local s mib
	s=$(sed -n 's/.*clfs\.bench_seconds=\([0-9]*\).*/\1/p' /proc/cmdline)
	mib=$(sed -n 's/.*clfs\.bench_recovery_mib=\([0-9]*\).*/\1/p' /proc/cmdline)
	load_clfs || return 1
	bench_clfs "${s:-5}"
	bench_zoned "${s:-5}"
	bench_recovery "${mib:-1000}"
	unload_clfs
}

# The zoned rows alone (clfs.bench_seconds=N, default 5).
step_bench_zoned() {
	local s
	s=$(sed -n 's/.*clfs\.bench_seconds=\([0-9]*\).*/\1/p' /proc/cmdline)
	load_clfs || return 1
	bench_zoned "${s:-5}"
	unload_clfs
}

# profile_run NAME CMD...: where the guest's CPUs spend their time while
# CMD runs, by perf's sampling of every CPU (kernel and user).
profile_run() {
	local name=$1
	shift
	echo "clfs-profile: ==== $name: $*"
	perf record -q -a -g -o /tmp/perf.data -- "$@" >/dev/null 2>&1
	perf report -i /tmp/perf.data --stdio --no-children --sort sym \
		--percent-limit 1 -g none 2>/dev/null | grep -v '^#' | grep -v '^$' |
		head -n 40 | sed 's/^/clfs-profile: /'
}

# make profile (scripts/profile.sh): the clfs paths the bench measures,
# profiled one by one, with clfs.ko loaded throughout so its symbols
# resolve.
step_profile() {
	local s
	s=$(sed -n 's/.*clfs\.bench_seconds=\([0-9]*\).*/\1/p' /proc/cmdline)
	s=${s:-5}
	command -v perf >/dev/null || { echo "clfs-profile: no perf in this guest"; return 1; }
	load_clfs || return 1
	profile_run kernel-forced-4000-16t insmod "$MODDIR/clfs_bench.ko" \
		dev=/dev/vda mode=forced threads=16 seconds="$s"
	rmmod clfs_bench
	profile_run kernel-forced-4000-1t insmod "$MODDIR/clfs_bench.ko" \
		dev=/dev/vda mode=forced threads=1 seconds="$s"
	rmmod clfs_bench
	profile_run kernel-stream insmod "$MODDIR/clfs_bench.ko" \
		dev=/dev/vda mode=stream seconds="$s"
	rmmod clfs_bench
	clfsctl create --force --container-size 4M --containers 200 /dev/vda >/dev/null
	profile_run user-forced-4000-16t clfsctl bench --threads 16 --seconds "$s" /dev/vda
	clfsctl create --force --container-size 4M --containers 200 /dev/vda >/dev/null
	profile_run user-stream clfsctl bench --stream --seconds "$s" /dev/vda
	unload_clfs
}
