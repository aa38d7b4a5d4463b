#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse from the cache) the debug guest kernel: Debian's
# linux-source-6.1, tinyconfig plus scripts/kconfig/debug.config.
# Prints the kernel's build directory (usable as `make -C DIR M=...`).
. "$(dirname "$0")/lib.sh"

"$CLFS_TOP/scripts/deps.sh"

# Every line of the fragment must hold in the final .config: olddefconfig
# silently drops options whose dependencies are unmet.
check_config() {
	local config=$1 line opt bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$config" ||
				{ log "config: wanted '$line', got '$(grep "^${line%%=*}=" "$config" || echo unset)'"; bad=1; } ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			! grep -q "^$opt=" "$config" ||
				{ log "config: wanted $opt unset, got '$(grep "^$opt=" "$config")'"; bad=1; } ;;
		esac
	done < "$CLFS_TOP/scripts/kconfig/debug.config"
	return $bad
}

build() {
	local dir src build
	dir=$(debug_kernel_dir)
	[ -f "$dir/.clfs-built" ] && return 0
	src=$(kernel_src_path)
	build=$dir/build
	log "building the debug kernel in $build (a few minutes on 2 cores)"
	rm -rf "$dir"
	mkdir -p "$build"
	make -s -C "$src" O="$build" tinyconfig >&2
	"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
		"$CLFS_TOP/scripts/kconfig/debug.config" >/dev/null
	make -s -C "$src" O="$build" olddefconfig >&2
	check_config "$build/.config" ||
		die "the debug kernel config lost options of scripts/kconfig/debug.config (see above)"
	make -s -C "$build" -j"$JOBS" bzImage modules >&2
	make -s -C "$build" INSTALL_MOD_PATH="$dir/modroot" modules_install >&2
	touch "$dir/.clfs-built"
	log "debug kernel ready: $build/arch/x86/boot/bzImage"
}

kernel_src_dir >/dev/null
with_lock debug-kernel build
echo "$(debug_kernel_dir)/build"
