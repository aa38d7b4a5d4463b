#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The bench step's rows as a table and as JSON.

Usage: bench-report.py CONSOLE_LOG JSON_OUT

Reads every "clfs-bench-row" line of one guest boot (scripts/guest/
bench-lib.sh), prints each clfs figure beside the baseline a user would
pick instead and the ratio, with the counters that explain it, and writes
everything to JSON_OUT. Exits 1 if a row failed or an expected row is
missing: a benchmark that failed prints no figure for it.
"""
import json
import re
import sys

FS = ("ext4", "ext4fc", "xfs")


def parse(path):
    rows = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"clfs-bench-row (.*)", line)
            if not m:
                continue
            row = {}
            for kv in m.group(1).split():
                k, _, v = kv.partition("=")
                try:
                    row[k] = float(v) if "." in v else int(v)
                except ValueError:
                    row[k] = v
            if "name" in row:
                rows[row["name"]] = row
    return rows


def per(row, num, den):
    d = row.get(den, 0)
    return row.get(num, 0) / d if d else None


def counters(row):
    """What explains a figure, none of it emulation speed."""
    c = {}
    recs = row.get("records", 0)
    if row.get("records_written") is not None:
        c["records_per_block"] = per(row, "records_written", "blocks_written")
        c["records_per_flush"] = per(row, "records_written", "log_flushes")
        c["inflight_mean"] = per(row, "inflight_sum", "blocks_written")
        c["inflight_max"] = row.get("inflight_max")
        c["copies_per_byte"] = per(row, "copied_bytes", "record_bytes")
    elif recs and row.get("dev_flushes") is not None:
        c["records_per_flush"] = recs / row["dev_flushes"] if row["dev_flushes"] else None
    if recs and row.get("cpu_us") is not None:
        c["cpu_us_per_record"] = row["cpu_us"] / recs
    return c


def best(rows, names):
    have = [rows[n] for n in names if n in rows and "value" in rows[n]]
    return max(have, key=lambda r: r["value"]) if have else None


# (clfs row, [(baseline description, candidate baseline rows, target)])
def comparisons(rows):
    out = []
    for size in (256, 4000):
        fs16 = [f"{fs}_{size}_16j{sh}" for fs in FS for sh in ("", "_shared")]
        fs1 = [f"{fs}_{size}_1j" for fs in FS]
        k1, k16, kone = (f"clfs_k_{size}_1t", f"clfs_k_{size}_16t",
                         f"clfs_k_{size}_16t_one_area")
        u1, u16 = f"clfs_u_{size}_1t", f"clfs_u_{size}_16t"
        out += [
            (k1, "raw 4 KiB write+flush, 1 job", ["raw_flush_4k_1j"], 0.95),
            (k1, "best filesystem, 1 job", fs1, None),
            (kone, "raw 4 KiB write+flush, 16 jobs", ["raw_flush_4k_16j"], None),
            (k16, "one area shared by 16 threads", [kone], 0.9),
            (k16, "best filesystem, 16 jobs", fs16, 3.0),
            (k16, "raw 4 KiB write+flush, 1 job", ["raw_flush_4k_1j"], None),
            (u1, "in-kernel, 1 thread", [k1], 0.8),
            (u16, "in-kernel, 16 threads", [k16], 0.8),
            (u16, "best filesystem, 16 jobs", fs16, 3.0),
        ]
    fs16 = [f"{fs}_4000_16j{sh}" for fs in FS for sh in ("", "_shared")]
    out += [
        ("clfs_u_4000_16p", "best filesystem, 16 jobs", fs16, 3.0),
        ("clfs_u_4000_16p", "in-kernel, 16 threads", ["clfs_k_4000_16t"], 0.8),
        ("clfs_k_4000_16t_mux4", "dedicated log, 16 threads",
         ["clfs_k_4000_16t"], 0.8),
        ("clfs_u_4000_16t_mux4", "dedicated log, 16 threads",
         ["clfs_u_4000_16t"], 0.8),
        ("clfs_k_stream", "raw sequential 64 KiB O_DIRECT", ["raw_seq_64k"], 0.9),
        ("clfs_u_stream", "raw sequential 64 KiB O_DIRECT", ["raw_seq_64k"], 0.9),
        ("clfs_u_stream", "in-kernel streaming", ["clfs_k_stream"], 0.8),
    ]
    # The zoned driver on a ZNS namespace against the block-device driver
    # on a conventional namespace of the same QEMU; and the ZNS figure
    # against null_blk zoned, which has no latency (how much of the
    # engine's and driver's bound an emulated device leaves).
    for t in ("1t", "16t"):
        out += [
            (f"zns_k_4000_{t}", f"conventional NVMe namespace, {t}",
             [f"nvme_k_4000_{t}"], None),
            (f"zns_k_4000_{t}", f"null_blk zoned (no latency), {t}",
             [f"nullbz_k_4000_{t}"], None),
        ]
    return out


# Rows whose device has no latency (null_blk in guest memory, no volatile
# cache): an upper bound on the engine and the driver, not a device figure.
NO_LATENCY = ("nullbz_k_4000_1t", "nullbz_k_4000_16t")


EXPECTED = (
    ["raw_flush_4k_1j", "raw_flush_4k_16j", "raw_seq_64k"]
    + [f"{fs}_{s}_{j}" for fs in FS for s in (256, 4000)
       for j in ("1j", "16j", "16j_shared")]
    + [f"clfs_{c}_{s}_{t}" for s in (256, 4000)
       for c, t in (("k", "1t"), ("k", "16t"), ("k", "16t_one_area"),
                    ("u", "1t"), ("u", "16t"))]
    + ["clfs_u_4000_16p", "clfs_k_4000_16t_mux4", "clfs_u_4000_16t_mux4",
       "clfs_k_stream", "clfs_u_stream"]
    + [f"{d}_k_4000_{t}" for d in ("nvme", "zns", "nullbz") for t in ("1t", "16t")]
    + ["recovery_16m_dev", "recovery_1g_dev", "recovery_1g_active"]
)


def fmt(v, spec):
    """@v in @spec, or a dash as wide, for a counter a row does not have."""
    if isinstance(v, (int, float)):
        return format(v, spec)
    return format("-", ">" + spec.split(".")[0])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = parse(sys.argv[1])
    bad = [n for n in EXPECTED if n not in rows or rows[n].get("failed")]
    for row in rows.values():
        row["counters"] = counters(row)
        if row["name"] in NO_LATENCY:
            row["no_device_latency"] = True

    print("clfs-bench: every figure measured in this boot; counters: records per")
    print("clfs-bench: block and per device flush, block writes in flight (mean/max),")
    print("clfs-bench: bytes copied per byte appended, busy CPU per record (all CPUs)")
    hdr = f"{'row':<26} {'value':>10} {'unit':<6} {'rec/blk':>7} {'rec/fl':>7} {'infl':>9} {'copy':>5} {'cpu us':>7}"
    print(hdr)
    for name in EXPECTED:
        row = rows.get(name)
        if not row or row.get("failed"):
            print(f"{name:<26} {'FAILED':>10}")
            continue
        c = row["counters"]
        infl = (f"{c['inflight_mean']:.2f}/{c['inflight_max']}"
                if c.get("inflight_mean") is not None else "-")
        print(f"{name:<26} {fmt(row.get('value'), '10.1f')} {row.get('unit', ''):<6}"
              f" {fmt(c.get('records_per_block'), '7.1f')}"
              f" {fmt(c.get('records_per_flush'), '7.1f')} {infl:>9}"
              f" {fmt(c.get('copies_per_byte'), '5.2f')}"
              f" {fmt(c.get('cpu_us_per_record'), '7.0f')}")
    print("clfs-bench: nvme_*: a conventional NVMe namespace (block driver); zns_*: a ZNS")
    print("clfs-bench: namespace of the same QEMU (zoned driver); nullbz_*: null_blk zoned in")
    print("clfs-bench: guest memory: NO DEVICE LATENCY, an upper bound on the engine and the")
    print("clfs-bench: zoned driver, not a device figure")
    devs = [f"{n.split('_')[0]} {r['device']} ({r.get('zoned')}, {r.get('sched')})"
            for n, r in rows.items()
            if n.endswith("_k_4000_1t") and "device" in r]
    if devs:
        print("clfs-bench: devices (queue/zoned, scheduler): " + "; ".join(devs))

    print()
    print(f"{'clfs row':<22} {'against':<32} {'baseline':>17} {'ratio':>7} {'target':>7}")
    results = []
    for name, what, cands, target in comparisons(rows):
        row, base = rows.get(name), best(rows, cands)
        if not row or "value" not in row or not base or not base["value"]:
            continue
        ratio = row["value"] / base["value"]
        mark = "" if target is None else ("ok" if ratio >= target else "below")
        results.append({"row": name, "against": what, "baseline": base["name"],
                        "ratio": ratio, "target": target})
        print(f"{name:<22} {what:<32} {base['name']:>17} {ratio:6.2f}x"
              f" {(f'{target:.2f}x' if target else ''):>7} {mark}")
    small, big = rows.get("recovery_16m_dev"), rows.get("recovery_1g_dev")
    if small and big and small.get("value") and big.get("value"):
        ratio = big["value"] / small["value"]
        results.append({"row": "recovery_1g_dev", "against": "recovery_16m_dev",
                        "ratio": ratio, "target_at_most": 1.5})
        print(f"{'recovery_1g_dev':<22} {'same active part, 16M device':<32}"
              f" {'recovery_16m_dev':>17} {ratio:6.2f}x {'<=1.5x':>7}"
              f" {'ok' if ratio <= 1.5 else 'above'}")

    with open(sys.argv[2], "w") as f:
        json.dump({"rows": rows, "comparisons": results}, f, indent=1,
                  sort_keys=True)
    if bad:
        print("clfs-bench: FAILED or missing: " + " ".join(bad))
        sys.exit(1)


if __name__ == "__main__":
    main()
