// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the metadata parser (clfs_md_decode, clfs_md_select).
 *
 * Input: one mode byte, then the bytes of a metadata copy. Unless mode bit
 * 0 is set the harness rewrites the crc after the fuzzer's mutation, so
 * mutations reach the field checks instead of all dying at the checksum.
 * Mode bit 1 checks the device size against the copy's own device_bytes
 * (else any size is accepted).
 *
 * Besides "never crash", a copy that decodes must validate and encode back
 * to exactly its own bytes, and select must agree with decode.
 */
#include <stdlib.h>
#include "fixture.h"

#define MODE_KEEP_CRC	0x01
#define MODE_DEV_SIZE	0x02

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool documented(int err)
{
	return err == -ENODATA || err == -EUCLEAN || err == -EOPNOTSUPP;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u8 *copy[CLFS_MD_COPIES], *again;
	static struct clfs_md *md, *scratch;
	const void *bufs[CLFS_MD_COPIES];
	struct clfs_md_disk *d;
	int err, sel, errs[CLFS_MD_COPIES];
	u64 dev_bytes = UINT64_MAX, off;
	u32 n, i;
	u8 mode;

	if (!md) {
		for (i = 0; i < CLFS_MD_COPIES; i++)
			copy[i] = fx_alloc(CLFS_MD_COPY_BYTES);
		again = fx_alloc(CLFS_MD_COPY_BYTES);
		md = fx_alloc(sizeof(*md));
		scratch = fx_alloc(sizeof(*scratch));
	}
	if (!size)
		return 0;
	mode = data[0];
	data++;
	size--;
	if (size > CLFS_MD_COPY_BYTES)
		size = CLFS_MD_COPY_BYTES;
	memset(copy[0], 0, CLFS_MD_COPY_BYTES);
	memcpy(copy[0], data, size);
	d = (struct clfs_md_disk *)copy[0];
	if (!(mode & MODE_KEEP_CRC)) {
		n = le32_to_cpu(d->md_bytes);
		if (n < 16 || n > CLFS_MD_COPY_BYTES)
			n = CLFS_MD_DISK_BYTES;
		d->crc = cpu_to_le32(clfs_md_disk_crc(copy[0], n));
	}
	if (mode & MODE_DEV_SIZE)
		dev_bytes = le64_to_cpu(d->device_bytes);

	err = clfs_md_decode(copy[0], CLFS_MD_COPY_BYTES, dev_bytes, md);
	check(!err || documented(err));
	if (!err) {
		check(clfs_md_validate(md) == 0);
		if (clfs_md_writable(md)) {
			check(clfs_md_encode(md, again, CLFS_MD_COPY_BYTES) > 0);
			check(!memcmp(again, copy[0], CLFS_MD_DISK_BYTES));
		}
		for (i = 0; i < md->geo.nr_slots; i++) {
			const struct clfs_md_container *c = &md->containers[i];

			if (c->state != CLFS_CONT_ACTIVE)
				continue;
			check(clfs_md_cid_to_slot(md, c->logical_id) == (int)i);
			check(!clfs_md_lsn_to_dev(md, clfs_lsn_make(
					c->logical_id, 0, 0), &off));
			check(off + md->geo.container_bytes <=
			      md->geo.device_bytes);
		}
		check(clfs_md_lsn_plausible(md, md->recovery_lsn));
	}

	/* The same copy in both places: only one parity can be right. */
	memcpy(copy[1], copy[0], CLFS_MD_COPY_BYTES);
	for (i = 0; i < CLFS_MD_COPIES; i++)
		bufs[i] = copy[i];
	sel = clfs_md_select(bufs, CLFS_MD_COPY_BYTES, dev_bytes, md, scratch,
			     errs);
	if (err) {
		check(sel == err);
	} else {
		check(sel == (int)clfs_md_copy_of_generation(md->generation));
		check(errs[sel] == 0 && errs[!sel] == -EUCLEAN);
	}
	return 0;
}
