#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job (`make run`): a real clfs session in a guest, a crash, and
# the proof that nothing acknowledged was lost.
#
#   scripts/demo.sh [stock|lts|debug]      (default stock)
#
# First boot (guest step demo_write): format a virtual disk with clfsctl,
# create three streams, attach the log, let two independent programs
# (two processes each) share it and append
# records, each flushed before it is printed as "ack", read some back,
# write and read a restart area, install growth policies, then start
# appending again and stop the guest in the middle: no unload, no flush.
# Second boot of the same disk (demo_recover): check it offline, open it
# (recovery), show that the policies came back, and print every record
# of every stream.
# Then, here: every acknowledged record must be among them, in its
# stream, at the LSN the append returned, with its bytes.
. "$(dirname "$0")/lib.sh"

kernel=${1:-stock}
runs=$CLFS_OUT/runs
"$CLFS_TOP/scripts/run-guest.sh" --kernel "$kernel" --name demo-crash \
	--show --disk 256M demo_write || die "first boot failed"
"$CLFS_TOP/scripts/run-guest.sh" --kernel "$kernel" --name demo-recover \
	--show --disks-from demo-crash demo_recover || die "second boot failed"

python3 - "$runs/demo-crash/console.log" "$runs/demo-recover/console.log" <<'PY'
import re
import sys

ack_re = re.compile(r'ack stream=(\d+) lsn=(0x[0-9a-f]{16}) text=(p\d+-\d+)')
# clfsctl read prints a record's header line, then its bytes quoted.
head_re = re.compile(r'clfs-demo: stream=(\d+) (0x[0-9a-f]{16}) data ')
text_re = re.compile(r'clfs-demo: stream=(\d+) +"(p\d+-\d+)"$')


def read_acks(path):
    with open(path, errors='replace') as f:
        return {m.groups() for m in map(ack_re.search, f) if m}


def read_records(path):
    found, lsn = set(), {}
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip()
            m = head_re.search(line)
            if m:
                lsn[m[1]] = m[2]
                continue
            m = text_re.search(line)
            if m and m[1] in lsn:
                found.add((m[1], lsn.pop(m[1]), m[2]))
    return found


acks = read_acks(sys.argv[1])
found = read_records(sys.argv[2])
missing = sorted(acks - found)
print(f'clfs-demo: {len(acks)} records were acknowledged before the crash; '
      f'{len(found)} records read back after recovery')
for stream, lsn, text in missing[:20]:
    print(f'clfs-demo: LOST: stream {stream} lsn {lsn} {text}')
if not acks or missing:
    print(f'clfs-demo: FAILED: {len(missing)} acknowledged records missing'
          if acks else 'clfs-demo: FAILED: no record was acknowledged')
    sys.exit(1)
print('clfs-demo: every acknowledged record is there, at its LSN, '
      'with its bytes')
PY
