#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch (or reuse from the cache) Debian's stock kernels that clfs must
# build and run on:
#   stock  - bookworm's 6.1 kernel: headers to build against, and the
#            unsigned image plus its modules to boot in QEMU;
#   lts    - the 6.12 LTS kernel from bookworm's security suite: the same.
# Packages are fetched with `apt-get download` and unpacked with dpkg -x, so
# nothing is installed on the host (installing the 6.12 headers would pull
# in a whole image and systemd).
#
# Usage: fetch-kernels.sh stock|lts
# Prints three lines: the headers build directory, the vmlinuz, and the
# modules directory (lib/modules/<release>).
. "$(dirname "$0")/lib.sh"

"$CLFS_TOP/scripts/deps.sh"

# Newest package whose name matches the pattern, as "name version".
newest() {
	apt-cache search --names-only "$1" | awk '{ print $1 }' | sort -V | tail -n 1
}

refresh_lists() {
	if ! apt-cache show linux-headers-amd64 >/dev/null 2>&1; then
		[ "$(id -u)" -eq 0 ] || die "apt lists are empty; run 'apt-get update' as root"
		apt-get update -q >&2
	fi
}

# flavour -> the ABI name (e.g. 6.1.0-56-amd64 or 6.12.117+deb12-amd64).
release_of() {
	local image
	case $1 in
	stock) image=$(newest '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$') ;;
	lts) image=$(newest '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$') ;;
	*) die "unknown kernel flavour '$1' (stock or lts)" ;;
	esac
	[ -n "$image" ] || die "no $1 kernel image found in the apt lists"
	image=${image#linux-image-}
	echo "${image%-unsigned}"
}

unpack() {
	local flavour=$1 release=$2 dir=$3 common kbuild pkgs
	[ -f "$dir/.clfs-unpacked" ] && return 0
	common=${release%-amd64}-common
	case $flavour in
	stock) kbuild=linux-kbuild-6.1 ;;
	lts) kbuild=linux-kbuild-${release%-amd64} ;;
	esac
	pkgs=("linux-image-$release-unsigned" "linux-headers-$release"
	      "linux-headers-$common" "$kbuild")
	log "fetching ${pkgs[*]}"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp/debs"
	(cd "$dir.tmp/debs" && apt-get download -q "${pkgs[@]}" >&2) ||
		die "apt-get download ${pkgs[*]} failed"
	for deb in "$dir.tmp"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir.tmp/root"
	done
	rm -rf "$dir.tmp/debs"
	# The headers' Makefile includes the -common tree by absolute path.
	sed -i "s|/usr/src/|$dir/root/usr/src/|" \
		"$dir.tmp/root/usr/src/linux-headers-$release/Makefile"
	touch "$dir.tmp/.clfs-unpacked"
	mv "$dir.tmp" "$dir"
}

flavour=${1:?usage: fetch-kernels.sh stock|lts}
refresh_lists
release=$(release_of "$flavour")
dir=$CLFS_CACHE/debian/$release
# About to download: lists older than the archive name versions it no
# longer serves, so refresh them first and look again.
if [ ! -f "$dir/.clfs-unpacked" ] && [ "$(id -u)" -eq 0 ]; then
	apt-get update -q >&2
	release=$(release_of "$flavour")
	dir=$CLFS_CACHE/debian/$release
fi
with_lock "debian-$release" unpack "$flavour" "$release" "$dir"
echo "$dir/root/usr/src/linux-headers-$release"
find "$dir/root/boot" -name "vmlinuz-*" | head -n 1
echo "$dir/root/lib/modules/$release"
