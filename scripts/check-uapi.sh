#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The UAPI header must stand alone for every userspace consumer: C99 and
# C++11 with -pedantic, and one structure layout for 64- and 32-bit callers
# (so compat_ioctl needs no translation). pahole prints each layout.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo '#include <linux/clfs.h>' >"$tmp/uapi.c"
cp "$tmp/uapi.c" "$tmp/uapi.cc"
inc=(-I"$CLFS_TOP/include/uapi")
warn=(-Wall -Wextra -Werror -pedantic)

gcc -std=c99 "${warn[@]}" "${inc[@]}" -fsyntax-only "$tmp/uapi.c"
g++ -std=c++11 "${warn[@]}" "${inc[@]}" -fsyntax-only "$tmp/uapi.cc"
for bits in 64 32; do
	gcc -m$bits -g -fno-eliminate-unused-debug-types "${inc[@]}" -c \
		-o "$tmp/uapi$bits.o" "$tmp/uapi.c"
	pahole "$tmp/uapi$bits.o" >"$tmp/layout$bits"
done
grep -q 'struct clfs_version' "$tmp/layout64" || die "pahole found no clfs structures"
if ! diff -u "$tmp/layout64" "$tmp/layout32"; then
	die "UAPI structures differ between 64-bit and 32-bit userspace"
fi
