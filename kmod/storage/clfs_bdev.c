// SPDX-License-Identifier: GPL-2.0
/*
 * clfs block device driver: the production storage. Every clfs_io becomes
 * one or more bios on a block device that clfs holds exclusively.
 *
 * Buffers are mapped page by page, so kmalloc, page-allocator and vmalloc
 * memory all work; vmalloc aliases are flushed before a write and
 * invalidated after a read, for architectures with virtually indexed
 * caches (no-ops on x86). An I/O larger than one bio can carry is split
 * into several bios submitted one after the other: each is submitted
 * before the next is allocated, which is what bio_alloc()'s mempool
 * guarantee needs, and a per-I/O atomic count fires end_io once, after the
 * last bio, with the first error recorded.
 *
 * A split I/O carries REQ_PREFLUSH and REQ_FUA on every bio. That keeps
 * the interface's promise for the whole I/O (everything completed before
 * submission is durable before any of its data is written; all of it is
 * durable at end_io) at the price of extra flushes, which the block
 * layer's flush machinery merges; log blocks are far smaller than a bio,
 * so in practice an I/O is one bio.
 *
 * Untested here: kernels with the 6.5-6.8 open/close interfaces (see
 * clfs_bdev_compat.h), and a device whose logical block size exceeds
 * PAGE_SIZE, which is refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/clfs_storage.h>
#include "clfs_drivers.h"
#include "clfs_bio.h"
#include "clfs_bdev_compat.h"

struct clfs_bdev {
	struct clfs_storage storage;
	struct clfs_bdev_handle h;
};

static inline struct clfs_bdev *to_clfs_bdev(struct clfs_storage *s)
{
	return container_of(s, struct clfs_bdev, storage);
}

/* Drops one reference on @io; the last one reports the outcome. */
static void clfs_bdev_put_io(struct clfs_io *io)
{
	int err;

	if (!atomic_dec_and_test(&io->remaining))
		return;
	err = atomic_read(&io->error);
	/* Drop stale cache lines of the vmalloc alias before anyone reads. */
	if (!err && io->op == CLFS_IO_READ && is_vmalloc_addr(io->buf))
		invalidate_kernel_vmap_range(io->buf, io->len);
	clfs_storage_complete(io, err);
}

static void clfs_bdev_end_bio(struct bio *bio)
{
	struct clfs_io *io = bio->bi_private;
	int err = blk_status_to_errno(bio->bi_status);

	if (err)
		atomic_cmpxchg(&io->error, 0, err);
	bio_put(bio);
	clfs_bdev_put_io(io);
}

static struct bio *clfs_bdev_new_bio(struct block_device *bdev,
				     struct clfs_io *io, unsigned int nr_vecs,
				     blk_opf_t opf)
{
	/*
	 * Never NULL: with a mempool-backed bio_set and a gfp that may
	 * sleep, bio_alloc() waits for a bio instead of failing.
	 */
	struct bio *bio = bio_alloc(bdev, nr_vecs, opf, GFP_NOIO);

	bio->bi_end_io = clfs_bdev_end_bio;
	bio->bi_private = io;
	atomic_inc(&io->remaining);
	return bio;
}

static void clfs_bdev_submit(struct clfs_storage *s, struct clfs_io *io)
{
	struct block_device *bdev = to_clfs_bdev(s)->h.bdev;
	bool vmapped = is_vmalloc_addr(io->buf);
	sector_t sector = io->offset >> SECTOR_SHIFT;
	u8 *p = io->buf;
	u32 left = io->len;
	struct blk_plug plug;
	struct bio *bio;
	blk_opf_t opf;

	atomic_set(&io->error, 0);
	/* The submitter's reference: end_io cannot fire before we are done. */
	atomic_set(&io->remaining, 1);

	if (io->op == CLFS_IO_FLUSH) {
		/* As blkdev_issue_flush(), but asynchronous. */
		bio = clfs_bdev_new_bio(bdev, io, 0,
					REQ_OP_WRITE | REQ_PREFLUSH);
		submit_bio(bio);
		clfs_bdev_put_io(io);
		return;
	}

	if (io->op == CLFS_IO_WRITE) {
		/*
		 * REQ_SYNC | REQ_IDLE keeps writeback throttling away from
		 * log writes, which someone is always waiting for (as XFS).
		 */
		opf = REQ_OP_WRITE | REQ_SYNC | REQ_IDLE | REQ_META;
		if (io->flags & CLFS_IO_PREFLUSH)
			opf |= REQ_PREFLUSH;
		if (io->flags & CLFS_IO_FUA)
			opf |= REQ_FUA;
		if (vmapped)
			flush_kernel_vmap_range(io->buf, io->len);
	} else {
		opf = REQ_OP_READ | REQ_META;
	}

	/* Lets the bios of a split I/O merge back into one request. */
	blk_start_plug(&plug);
	while (left) {
		bio = clfs_bdev_new_bio(bdev, io, clfs_bio_nr_vecs(p, left),
					opf);
		bio->bi_iter.bi_sector = sector;
		sector += clfs_bio_fill(bio, &p, &left) >> SECTOR_SHIFT;
		if (WARN_ON_ONCE(!bio->bi_iter.bi_size)) {
			/* A fresh bio refused its first page: cannot go on. */
			atomic_cmpxchg(&io->error, 0, -EIO);
			bio_put(bio);
			atomic_dec(&io->remaining);
			break;
		}
		submit_bio(bio);
	}
	blk_finish_plug(&plug);
	clfs_bdev_put_io(io);
}

static void clfs_bdev_release(struct clfs_storage *s)
{
	struct clfs_bdev *b = to_clfs_bdev(s);

	clfs_bdev_compat_close(&b->h);
	kfree(b);
}

static const struct clfs_storage_ops clfs_bdev_ops = {
	.submit		= clfs_bdev_submit,
	.release	= clfs_bdev_release,
};

/**
 * clfs_bdev_open() - open a block device as clfs storage ("bdev" driver)
 * @path: path of the block device node, e.g. "/dev/vdb"
 * @flags: 0 for read-write, or CLFS_STORAGE_READ_ONLY
 *
 * The device is opened exclusively, with the new storage as holder: while
 * it is open, mounts and other exclusive openers get -EBUSY. Geometry is
 * read once: the logical block size becomes the sector size, the size is
 * rounded down to whole sectors, and a volatile write cache is reported.
 * A zoned device is refused: its sequential zones take writes only at
 * their write pointers, which this driver does not follow.
 *
 * Context: process context, sleeps.
 * Return: the storage, or an ERR_PTR(): -EINVAL for unknown @flags or a
 * device too small for one sector, -EOPNOTSUPP for a logical block size
 * above PAGE_SIZE or a zoned device, -EACCES for a read-write open of a
 * read-only device, -EBUSY if someone holds the device, -ENOMEM, or the
 * open's error (-ENOENT, -ENOTBLK, -ENXIO...).
 */
static struct clfs_storage *clfs_bdev_open(const char *path,
					   unsigned int flags)
{
	bool read_only = flags & CLFS_STORAGE_READ_ONLY;
	struct block_device *bdev;
	unsigned int lbs;
	struct clfs_bdev *b;
	int ret;

	if (flags & ~CLFS_STORAGE_READ_ONLY)
		return ERR_PTR(-EINVAL);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	ret = clfs_bdev_compat_open(&b->h, path, !read_only, b);
	if (ret) {
		kfree(b);
		return ERR_PTR(ret);
	}

	bdev = b->h.bdev;
	lbs = bdev_logical_block_size(bdev);
	if (lbs > PAGE_SIZE || bdev_is_zoned(bdev)) {
		ret = -EOPNOTSUPP;
		goto close;
	}
	ret = clfs_storage_init(&b->storage, &clfs_bdev_ops, lbs,
				round_down((u64)bdev_nr_bytes(bdev), lbs));
	if (ret)
		goto close;
	b->storage.volatile_cache = bdev_write_cache(bdev);
	b->storage.read_only = read_only;
	b->storage.dev = bdev->bd_dev;
	snprintf(b->storage.name, sizeof(b->storage.name), "%pg", bdev);
	return &b->storage;

close:
	clfs_bdev_compat_close(&b->h);
	kfree(b);
	return ERR_PTR(ret);
}

/* Every path to a device shares its log: the key is the device number. */
int clfs_bdev_identify(const char *path, char *key, size_t len)
{
	dev_t dev;
	int ret;

	ret = lookup_bdev(path, &dev);
	if (ret)
		return ret;
	return snprintf(key, len, "%u:%u", MAJOR(dev), MINOR(dev)) < len ?
	       0 : -ENAMETOOLONG;
}

struct clfs_storage_driver clfs_bdev_driver = {
	.name		= "bdev",
	.owner		= THIS_MODULE,
	.open		= clfs_bdev_open,
	.identify	= clfs_bdev_identify,
};
