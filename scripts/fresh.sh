#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The first command of a new user (the `fresh` stage of make check, and
# make check-fresh): each documented entry point that boots a guest runs
# from a scratch copy of the checkout, with an empty out/ and an empty
# CLFS_CACHE, exactly as the README says to run it. A target that relies
# on what another left in the cache fails here, though it passes on a
# warm machine.
#
# Usage: fresh.sh [TARGET...]     TARGET: run, shell, bench (default: all)
# Prints a KTAP document, one case per target; logs and timings go to
# out/fresh/TARGET.log. Exits non-zero if any case failed.
#
# Debian packages may be installed (deps.sh); the debug kernel must not be
# built: no target here needs it, and a rebuild would cost ten minutes.
. "$(dirname "$0")/lib.sh"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(run shell bench)
top=$CLFS_OUT/fresh
mkdir -p "$top"

# The checkout as a clone would have it, plus what is not committed yet
# (so the stage tests the tree under test), and nothing of out/.
copy_checkout() {
	local dst=$1
	rm -rf "$dst"
	mkdir -p "$dst"
	if git -C "$CLFS_TOP" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$CLFS_TOP" ls-files -z --cached --others --exclude-standard |
			rsync -a --from0 --files-from=- "$CLFS_TOP/" "$dst/"
		# make check's checkpatch and kernel-doc list files with git.
		cp -a "$CLFS_TOP/.git" "$dst/.git"
	else
		rsync -a --exclude=/out "$CLFS_TOP/" "$dst/"
	fi
}

# in_scratch TARGET CMD...: run CMD in a new copy with a new cache, with
# nothing of the calling make's or this run's environment that would
# point it at the warm cache or the caller's out/.
in_scratch() {
	local name=$1
	shift
	copy_checkout "$top/$name/src"
	rm -rf "$top/$name/cache"
	(cd "$top/$name/src" &&
		env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u OUT -u CLFS_OUT \
			-u XDG_CACHE_HOME CLFS_CACHE="$top/$name/cache" "$@")
}

# The stock path needs no debug kernel; a built one means some step asked
# for it and cost a new user ten minutes for nothing.
no_debug_kernel() {
	[ ! -e "$top/$1/cache/kernels" ] ||
		{ echo "fresh: the debug kernel was built; no step of make $1 needs it"; return 1; }
}

fresh_run() {
	in_scratch run make run &&
		grep -q '^clfs-demo: every acknowledged record is there' "$top/run.log" &&
		no_debug_kernel run
}

# make shell with its console fed from a pipe, as a person would type:
# only once the prompt is there (the guest's tty drops what comes before).
# The commands must run in the guest (the arithmetic is done there, so an
# echo of the typed line does not match) and `exit` must end it.
shell_input() {
	local log=$1 _
	for _ in $(seq 600); do
		grep -q '^/ # ' "$log" && break
		sleep 1
	done
	# shellcheck disable=SC2016 # expanded by the guest's shell
	printf '%s\n' 'insmod /clfs/modules/clfs.ko' 'clfsctl version' 'echo "clfs-fresh-shell $((6 * 7))"' exit
}

fresh_shell() {
	local fifo=$top/shell.fifo
	rm -f "$fifo"
	mkfifo "$fifo"
	shell_input "$top/shell.log" >"$fifo" &
	in_scratch shell timeout -k 10 600 make shell <"$fifo" &&
		grep -q '^clfs-fresh-shell 42' "$top/shell.log" &&
		grep -q '^clfs module ABI .*: compatible' "$top/shell.log" &&
		no_debug_kernel shell
}

fresh_bench() {
	in_scratch bench make bench BENCH_SECONDS=1 BENCH_RECOVERY_MIB=64 &&
		grep -q "clfs_k_4000_16t .* best filesystem, 16 jobs" "$top/bench.log" &&
		no_debug_kernel bench
}

cases=()
for t in "${targets[@]}"; do
	declare -F "fresh_$t" >/dev/null || die "unknown target '$t' (run, shell, bench)"
	log "fresh: make $t from an empty cache and an empty out/"
	start=$(date +%s)
	if "fresh_$t" >"$top/$t.log" 2>&1; then
		cases+=(ok "make_${t}_first_from_empty_cache")
	else
		cases+=(not_ok "make_${t}_first_from_empty_cache")
		log "fresh: make $t failed from an empty cache:"
		tail -n 30 "$top/$t.log" >&2
	fi
	secs=$(( $(date +%s) - start ))
	echo "fresh: make $t took ${secs}s from an empty cache" >>"$top/$t.log"
	log "fresh: make $t: ${secs}s"
	# A scratch cache holds the kernel source and a stock kernel: 2 GiB.
	rm -rf "${top:?}/$t"
done
python3 "$CLFS_TOP/scripts/ktap.py" doc fresh "${cases[@]}"
! printf '%s\n' "${cases[@]}" | grep -qx not_ok
