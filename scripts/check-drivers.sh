#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Storage drivers use clfs through <linux/clfs_storage.h> only, those built
# into clfs.ko included: each driver source may include, of clfs's own
# headers, only the public one and the driver-side helpers listed here
# (which in turn include nothing else of clfs), and declares nothing extern
# itself. The compiler then refuses any use of the engine's internals.
. "$(dirname "$0")/lib.sh"

cd "$CLFS_TOP/kmod/storage"
drivers=(clfs_bdev.c clfs_zoned.c clfs_memdev.c clfs_memdev_ctl.c)
helpers=(clfs_drivers.h clfs_bio.h clfs_bdev_compat.h clfs_memdev.h)
bad=0
for f in "${drivers[@]}" "${helpers[@]}"; do
	[ -f "$f" ] || { echo "$f: missing"; bad=1; continue; }
	while read -r inc; do
		case " ${helpers[*]} " in
		*" $inc "*) ;;
		*) echo "$f: includes \"$inc\", which is not a driver-side header"; bad=1 ;;
		esac
	done < <(sed -n 's/^#include "\(.*\)"/\1/p' "$f")
	while read -r inc; do
		case $inc in
		linux/clfs_storage.h | linux/clfs_*) [ "$inc" = linux/clfs_storage.h ] ||
			{ echo "$f: includes <$inc>: drivers see <linux/clfs_storage.h> only"; bad=1; } ;;
		esac
	done < <(sed -n 's/^#include <\(.*\)>/\1/p' "$f")
done
for f in "${drivers[@]}"; do
	if grep -n '^extern\|^\s*extern ' "$f"; then
		echo "$f: declares something extern: use a header"
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "storage drivers: ${drivers[*]} use the public interface only"
exit $bad
