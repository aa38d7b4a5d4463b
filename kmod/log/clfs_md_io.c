// SPDX-License-Identifier: GPL-2.0
/*
 * clfs metadata I/O: reading the metadata copies, choosing one, and
 * committing a new generation.
 *
 * Ordering rule (clfs_format.h section 2): generation g goes to copy g % 2,
 * one copy at a time, and the next generation is written only after the
 * previous write completed. A crash therefore tears at most the copy being
 * written, and the other one - the previous generation - is whole. Each
 * commit is a PREFLUSH|FUA write: PREFLUSH makes every block that completed
 * before it durable first, so metadata never points past what is durable,
 * and FUA makes the copy itself durable before the commit returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include "clfs_log.h"

/**
 * clfs_md_read() - read both metadata copies and pick the one to use
 * @s: the device
 * @md: receives the chosen, fully validated copy
 * @name: the device's name, for messages
 *
 * A copy that fails validation is reported in the kernel log; if the other
 * one is valid, the log opens from it (and the next commit, which goes to
 * the failed copy's slot, repairs it).
 *
 * Return: 0; -ENODATA if the device holds no clfs log; -EUCLEAN if no copy
 * is valid; -EOPNOTSUPP for a newer format; -EIO for a read error.
 */
int clfs_md_read(struct clfs_storage *s, struct clfs_md *md, const char *name)
{
	const void *bufs[CLFS_MD_COPIES];
	int errs[CLFS_MD_COPIES] = { 0 };
	struct clfs_md *scratch;
	void *area;
	int ret;
	u32 i;

	/* Reading needs only the written part; select wants whole regions. */
	area = kvzalloc(CLFS_MD_AREA_BYTES, GFP_KERNEL);
	scratch = kvmalloc(sizeof(*scratch), GFP_KERNEL);
	if (!area || !scratch) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < CLFS_MD_COPIES; i++) {
		bufs[i] = area + clfs_md_copy_offset(i);
		ret = clfs_storage_read_sync(s, clfs_md_copy_offset(i),
					     area + clfs_md_copy_offset(i),
					     round_up(CLFS_MD_DISK_BYTES,
						      s->sector_size));
		if (ret) {
			pr_err("%s: reading metadata copy %u failed: %d\n",
			       name, i, ret);
			goto out;
		}
	}
	ret = clfs_md_select(bufs, CLFS_MD_COPY_BYTES, s->capacity, md, scratch,
			     errs);
	if (ret < 0) {
		if (ret != -ENODATA)
			pr_err("%s: no usable metadata copy (copy 0: %d, copy 1: %d)\n",
			       name, errs[0], errs[1]);
		goto out;
	}
	for (i = 0; i < CLFS_MD_COPIES; i++)
		if (errs[i])
			pr_warn("%s: metadata copy %u is invalid (%d); using copy %d, generation %llu\n",
				name, i, errs[i], ret, md->generation);
	if (md->geo.sector_bytes != s->sector_size) {
		pr_err("%s: log was formatted for %u-byte sectors, device has %u\n",
		       name, md->geo.sector_bytes, s->sector_size);
		ret = -EUCLEAN;
		goto out;
	}
	ret = 0;
out:
	kvfree(scratch);
	kvfree(area);
	return ret;
}

/**
 * clfs_md_write_copy() - write @md to the copy its generation belongs in
 * @s: the device
 * @md: a valid metadata structure
 * @buf: CLFS_MD_COPY_BYTES of sector-aligned scratch for the encoding
 *
 * Return: 0, or a negative errno (nothing is written if encoding fails).
 */
int clfs_md_write_copy(struct clfs_storage *s, const struct clfs_md *md,
		       void *buf)
{
	int len;

	len = clfs_md_encode(md, buf, CLFS_MD_COPY_BYTES);
	if (len < 0)
		return len;
	return clfs_storage_write_sync(s,
			clfs_md_copy_offset(clfs_md_copy_of_generation(md->generation)),
			buf, round_up(len, s->sector_size),
			CLFS_IO_PREFLUSH | CLFS_IO_FUA);
}

/**
 * clfs_md_commit() - make @log->md_next the durable metadata
 * @log: the log, md_lock held; md_next prepared by the caller from md
 *
 * The generation is set here. On success md becomes md_next; on failure md
 * is unchanged and the log is shut down, because a metadata write that
 * failed may have torn its copy and the next one must not tear the other.
 *
 * Return: 0, or a negative errno.
 */
int clfs_md_commit(struct clfs_log *log)
{
	int ret;

	lockdep_assert_held(&log->md_lock);
	ret = clfs_log_check_writable(log);
	if (ret)
		return ret;
	log->md_next->generation = log->md->generation + 1;
	ret = clfs_md_validate(log->md_next);
	if (ret) {
		/*
		 * The engine built metadata it would refuse to read: a bug, or
		 * a value carried in from the device that recovery should
		 * have refused. Not a WARN: with panic_on_warn a device's
		 * content must not take the machine down. Nothing was
		 * written: md, on disk and in memory, is unchanged.
		 */
		pr_err_ratelimited("%s: refusing to commit invalid metadata (%d)\n",
				   log->name, ret);
		return -EUCLEAN;
	}
	ret = clfs_md_write_copy(log->storage, log->md_next, log->md_buf);
	if (ret) {
		pr_err("%s: metadata write failed: %d\n", log->name, ret);
		clfs_log_shutdown(log, ret);
		return ret;
	}
	memcpy(log->md, log->md_next, sizeof(*log->md));
	spin_lock_irq(&log->lock);
	log->stats.md_writes++;
	spin_unlock_irq(&log->lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_md_commit);
