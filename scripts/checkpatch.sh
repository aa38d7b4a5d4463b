#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Kernel coding style for every C file and header of the project, checked
# with the kernel's own scripts/checkpatch.pl.
. "$(dirname "$0")/lib.sh"

cd "$CLFS_TOP"
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.c' '*.h' | grep -v '^tests/host/build/')
perl "$(kernel_tools_dir)/scripts/checkpatch.pl" --no-tree --quiet --terse \
	--show-types --max-line-length=100 -f "${files[@]}"
