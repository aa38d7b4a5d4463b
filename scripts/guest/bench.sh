# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# The bench step (make bench, scripts/bench.sh): clfs against what a user
# would pick instead, in one boot, on the same kind of disk. Sourced by
# steps.sh after bench-lib.sh (rows) and bench-fio.sh (the baselines).
#
# Disks (scripts/bench-disks.sh): vda 1G raw for clfs and the raw-device
# baselines, vdb ext4, vdc ext4 with fast_commit, vdd XFS, vde 16M raw.
# Every figure is a bench_row; scripts/bench-report.py makes the table.

# bench_kernel NAME DEV ARGS...: one clfs_bench.ko run (in-kernel clients).
bench_kernel() {
	local name=$1 dev=$2 before after line
	shift 2
	dmesg -c >/dev/null
	before=$(bench_snap "${dev#/dev/}")
	insmod "$MODDIR/clfs_bench.ko" dev="$dev" "$@"
	after=$(bench_snap "${dev#/dev/}")
	rmmod clfs_bench
	line=$(dmesg | sed -n 's/.*clfs_bench: result //p' | tail -n 1)
	dmesg | grep 'clfs_bench: failed' >&2
	bench_kv_row "$name" "$before" "$after" "$line" client=kernel
}

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
	bench_recovery "${mib:-1000}"
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
