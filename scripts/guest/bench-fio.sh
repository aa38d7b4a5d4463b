# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# The baselines of the bench step: what a user would pick instead of clfs,
# in the same boot, on the same kind of virtio disk (scripts/bench-disks.sh
# makes them). Sourced by steps.sh after bench-lib.sh; every figure is one
# bench_row.
#
#   vda  raw 1G: 4 KiB O_DIRECT writes each followed by fsync (1 and 16
#        jobs), and sequential 64 KiB O_DIRECT writes
#   vdb  ext4, vdc ext4 with fast_commit, vdd XFS: records of 256 and 4000
#        bytes appended to a file with fdatasync after each (buffered
#        pwrite, as a user's own log would do it), by 1 job, by 16 jobs
#        with a file each, and by 16 writers sharing one file
#
# No run goes back over what it wrote: files start empty and are not
# preallocated (--fallocate=none), so each record makes the file grow, and
# no run is time_based: every size is more than a run writes in its time,
# and a run that reaches it stops. A file overwritten in place needs no
# metadata journalled and would flatter the filesystem.

BFIO_LIBS=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
BFIO_TMP=/tmp/bench-fio
BFIO_SECONDS=1

# bfio_parse: "ERROR TOTAL_IOS IOPS BW_BYTES RUNTIME_MS" of the one job of
# fio's JSON report (stdin, --group_reporting), from the flat fields at the
# start of its "write" section (fio 3.33 writes one key a line); nothing if
# the report is not there.
bfio_parse() {
	awk -F' : ' '
	!e && /^ *"error" : / { err = $2; gsub(/[ ,]/, "", err); e = 1 }
	/^ *"write" : \{/ { w = 1; next }
	w && /\{/ { w = 0 }
	w {
		k = $1; gsub(/[ "]/, "", k)
		v = $2; gsub(/[ ,]/, "", v)
		f[k] = v
	}
	END {
		if (e && f["total_ios"] != "")
			print err, f["total_ios"], f["iops"], f["bw_bytes"], f["runtime"]
	}'
}

# bfio_fc DEV: "COMMITS INELIGIBLE" of ext4's fast commits on DEV, or
# nothing when DEV is not a mounted ext4.
bfio_fc() {
	[ -r "/proc/fs/ext4/$1/fc_info" ] || return 0
	awk '$2 == "commits" { c = $1 } $2 == "ineligible" { i = $1 }
		END { print c, i }' "/proc/fs/ext4/$1/fc_info"
}

# bfio_fc_keys "BEFORE" "AFTER": the fast commits between two bfio_fc, as
# row fields (ext4 only: they show whether fast_commit took effect).
bfio_fc_keys() {
	[ -n "$1" ] && [ -n "$2" ] || return 0
	# shellcheck disable=SC2086
	set -- $1 $2
	echo "fc_commits=$(($3 - $1)) fc_ineligible=$(($4 - $2))"
}

# bfio_run NAME UNIT DEV BYTES JOBS FIO_ARGS...: one fio run of sequential
# BYTES-byte writes by JOBS threads, as a row. records is every write the
# jobs completed; the value is their sum per second (unit ops/s), or the
# MiB per second (MB/s).
bfio_run() {
	local name=$1 unit=$2 dev=$3 bytes=$4 jobs=$5 before after fc0 fc1 value
	shift 5
	fc0=$(bfio_fc "$dev")
	before=$(bench_snap "$dev")
	LD_LIBRARY_PATH=$BFIO_LIBS fio --name="$name" --thread --group_reporting \
		--output-format=json --rw=write --bs="$bytes" --ioengine=psync \
		--numjobs="$jobs" --runtime="$BFIO_SECONDS" "$@" \
		>"$BFIO_TMP.json" 2>"$BFIO_TMP.err"
	after=$(bench_snap "$dev")
	fc1=$(bfio_fc "$dev")
	# shellcheck disable=SC2046
	set -- $(bfio_parse <"$BFIO_TMP.json")
	if [ $# -ne 5 ] || [ "$1" != 0 ]; then
		echo "clfs-bench: $name: fio failed" >&2
		head -n 5 "$BFIO_TMP.err" | sed 's/^/clfs-bench: fio: /' >&2
		bench_row "$name" "" "$unit" 0 "$before" "$after" jobs="$jobs" bytes="$bytes"
		return 1
	fi
	case $unit in
	MB/s) value=$(awk -v b="$4" 'BEGIN { printf "%.1f", b / 1048576 }') ;;
	*) value=$(awk -v i="$3" 'BEGIN { printf "%.1f", i }') ;;
	esac
	# shellcheck disable=SC2046
	bench_row "$name" "$value" "$unit" "$2" "$before" "$after" tool=fio \
		jobs="$jobs" bytes="$bytes" runtime_ms="$5" $(bfio_fc_keys "$fc0" "$fc1")
}

# bfio_gnu_dd: the path of coreutils' dd (make-initramfs.sh ships it with
# fio), which is a file, where busybox's dd is a link to busybox.
bfio_gnu_dd() {
	local d
	for d in /usr/bin/dd /bin/dd; do
		[ -f "$d" ] && [ ! -L "$d" ] && { echo "$d"; return 0; }
	done
	return 1
}

bfio_now() { awk '{ print $1 }' /proc/uptime; }

# bfio_shared NAME DEV DIR BYTES: 16 writers append BYTES-byte records to
# one shared file DIR/shared, fdatasync after each, as a row.
#
# fio cannot do this: --file_append=1 only starts each job at the size the
# file had when fio set up (it opens without O_APPEND), so 16 jobs on a new
# file would all write from offset 0 over each other, and regions given
# with offset_increment fill holes instead of growing the file. Each writer
# is instead coreutils' dd with oflag=append,dsync: O_APPEND, so the kernel
# puts every write at the end of the file under the inode lock, and
# O_DSYNC, which makes each write(2) return only after the fdatasync of
# what it wrote (generic_write_sync, the same ->fsync(datasync=1) call as
# fdatasync(2)). One write(2) a record: bs=BYTES from /dev/zero. The figure
# is measured in a window of BFIO_SECONDS that opens once every writer
# runs: records are the file's growth over the window, in records.
bfio_shared() {
	local name=$1 dev=$2 dir=$3 bytes=$4 dd pids='' p i=0 ok=1
	local before after fc0 fc1 t0 t1 s0 s1 records value
	if ! dd=$(bfio_gnu_dd); then
		echo "clfs-bench: $name: no coreutils dd in this guest" >&2
		bench_row "$name" "" ops/s 0 "" "" jobs=16 bytes="$bytes"
		return 1
	fi
	: >"$BFIO_TMP.err"
	while [ $i -lt 16 ]; do
		# A cap far above what a run writes (16 x 48 MiB fit the disk).
		"$dd" if=/dev/zero of="$dir/shared" bs="$bytes" \
			count=$((48 * 1048576 / bytes)) oflag=append,dsync \
			conv=notrunc status=none 2>>"$BFIO_TMP.err" &
		pids="$pids $!"
		i=$((i + 1))
	done
	sleep 0.5
	fc0=$(bfio_fc "$dev")
	before=$(bench_snap "$dev")
	t0=$(bfio_now)
	s0=$(stat -c %s "$dir/shared" 2>/dev/null || echo 0)
	sleep "$BFIO_SECONDS"
	s1=$(stat -c %s "$dir/shared" 2>/dev/null || echo 0)
	t1=$(bfio_now)
	after=$(bench_snap "$dev")
	fc1=$(bfio_fc "$dev")
	# Every writer must have run to the end of the window.
	for p in $pids; do
		kill -0 "$p" 2>/dev/null || ok=0
	done
	# The shell reports each killed writer ("Terminated") on stderr.
	{
		# shellcheck disable=SC2086
		kill $pids
		for p in $pids; do
			wait "$p"
		done
	} 2>/dev/null
	if [ "$ok" != 1 ]; then
		echo "clfs-bench: $name: a writer stopped early" >&2
		head -n 5 "$BFIO_TMP.err" | sed 's/^/clfs-bench: dd: /' >&2
		bench_row "$name" "" ops/s 0 "$before" "$after" jobs=16 bytes="$bytes"
		return 1
	fi
	records=$(((s1 - s0) / bytes))
	value=$(awk -v n="$records" -v t0="$t0" -v t1="$t1" \
		'BEGIN { if (t1 > t0) printf "%.1f", n / (t1 - t0) }')
	# shellcheck disable=SC2046
	bench_row "$name" "$value" ops/s "$records" "$before" "$after" tool=dd \
		jobs=16 bytes="$bytes" runtime_ms="$(awk -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.0f", (b - a) * 1000 }')" $(bfio_fc_keys "$fc0" "$fc1")
}

# bfio_fresh DIR: an empty DIR/bench for the next run, and what removing
# the last run's files left to write, written before the run's counters.
bfio_fresh() {
	rm -rf "$1/bench"
	mkdir "$1/bench"
	sync
}

# bfio_fs NAME DEV TYPE: every row of one filesystem, mounted on /mnt/NAME.
bfio_fs() {
	local fs=$1 dev=$2 type=$3 dir=/mnt/$1 size r
	echo "clfs-bench: baselines on $fs (/dev/$dev)" >&2
	mkdir -p "$dir"
	if ! mount -t "$type" "/dev/$dev" "$dir"; then
		echo "clfs-bench: cannot mount /dev/$dev ($type)" >&2
		for size in 256 4000; do
			for r in 1j 16j 16j_shared; do
				bench_row "${fs}_${size}_$r" "" ops/s 0 "" "" bytes="$size"
			done
		done
		return 1
	fi
	for size in 256 4000; do
		bfio_fresh "$dir"
		bfio_run "${fs}_${size}_1j" ops/s "$dev" "$size" 1 \
			--directory="$dir/bench" --fdatasync=1 --fallocate=none --size=768M
		bfio_fresh "$dir"
		bfio_run "${fs}_${size}_16j" ops/s "$dev" "$size" 16 \
			--directory="$dir/bench" --fdatasync=1 --fallocate=none --size=48M
		bfio_fresh "$dir"
		bfio_shared "${fs}_${size}_16j_shared" "$dev" "$dir/bench" "$size"
	done
	rm -rf "$dir/bench"
	umount "$dir"
}

# bench_baselines SECONDS: every baseline row, SECONDS of writes each.
bench_baselines() {
	local t0
	BFIO_SECONDS=${1:-1}
	command -v fio >/dev/null || { echo "clfs-bench: no fio in this guest" >&2; return 1; }
	t0=$(bfio_now)
	echo "clfs-bench: baselines on the raw disk (/dev/vda)" >&2
	# 16 jobs: 64 MiB of the disk each, from 0, 64M, ..., 960M.
	bfio_run raw_flush_4k_1j ops/s vda 4096 1 --filename=/dev/vda \
		--direct=1 --fsync=1 --size=1G
	bfio_run raw_flush_4k_16j ops/s vda 4096 16 --filename=/dev/vda \
		--direct=1 --fsync=1 --size=64M --offset_increment=64M
	bfio_run raw_seq_64k MB/s vda 65536 1 --filename=/dev/vda \
		--direct=1 --size=1G
	bfio_fs ext4 vdb ext4
	bfio_fs ext4fc vdc ext4
	bfio_fs xfs vdd xfs
	echo "clfs-bench: baselines took $(awk -v a="$t0" -v b="$(bfio_now)" \
		'BEGIN { printf "%.0f", b - a }') s" >&2
	return 0
}

# The baselines alone (clfs.bench_seconds=N, default 1).
step_bench_baselines() {
	local s
	s=$(sed -n 's/.*clfs\.bench_seconds=\([0-9]*\).*/\1/p' /proc/cmdline)
	bench_baselines "${s:-1}"
}
