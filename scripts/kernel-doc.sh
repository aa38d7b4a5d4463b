#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every exported function has a kernel-doc comment, and every kernel-doc
# comment is well formed (the kernel's scripts/kernel-doc -v).
. "$(dirname "$0")/lib.sh"

cd "$CLFS_TOP"
mapfile -t files < <(git ls-files --cached --others --exclude-standard 'kmod/*.c' 'kmod/*.h' 'include/*.h')
out=$(perl "$(kernel_tools_dir)/scripts/kernel-doc" -v -none "${files[@]}" 2>&1 |
	grep -E '^[^ ]+:[0-9]+: (warning|error):' || true)
[ -z "$out" ] || { echo "$out"; exit 1; }
bad=0
for f in "${files[@]}"; do
	while read -r sym; do
		grep -q "^ \* $sym() - " "$f" ||
			{ echo "$f: exported $sym() has no kernel-doc comment"; bad=1; }
	done < <(sed -n 's/^EXPORT_SYMBOL_GPL(\([a-z0-9_]*\));/\1/p' "$f")
done
exit $bad
