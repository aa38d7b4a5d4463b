/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening and closing a block device exclusively, on kernels 6.1 to 6.12.
 * Everything else the block driver uses (bio_alloc, bio_add_page,
 * submit_bio, REQ_PREFLUSH/REQ_FUA, bdev_logical_block_size, bdev_nr_bytes,
 * bdev_write_cache, blk_status_to_errno) did not change in that range.
 *
 * CLFS_BDEV_API picks one of four mainline interfaces:
 *
 *   1  < 6.5   blkdev_get_by_path(path, fmode_t, holder);
 *              blkdev_put(bdev, fmode_t)
 *   2  6.5-6.6 blkdev_get_by_path(path, blk_mode_t, holder, hops);
 *              blkdev_put(bdev, holder)
 *   3  6.7-6.8 bdev_open_by_path() -> struct bdev_handle *; bdev_release()
 *   4  >= 6.9  bdev_file_open_by_path() -> struct file *; file_bdev();
 *              bdev_fput(), which drops the exclusive claim synchronously
 *              (a plain fput() is deferred and a quick reopen gets -EBUSY)
 *
 * Only 1 (Debian 6.1) and 4 (Debian 6.12) are built and booted by the
 * project's tests; 2 and 3 follow the upstream signatures and are untested.
 *
 * The choice is by feature where a macro shows the feature: BLK_OPEN_READ
 * exists exactly when blk_mode_t does (6.5), which separates 1 from the
 * rest. Within 2-4 no macro tells them apart, and real probes need
 * configure-style compile tests in Kbuild, so the version decides, at the
 * mainline cutoffs 6.7 and 6.9 (LINUX_VERSION_MAJOR/PATCHLEVEL, 5.16+, as
 * the sublevel does not matter). Stable backports do not break this: 6.6.23
 * gained bdev_open_by_path() but kept blkdev_get_by_path(), which 2 uses.
 * A distribution kernel that backported an interface under an older
 * version number can be built with ccflags-y += -DCLFS_BDEV_API=N.
 *
 * The holder is always the clfs storage object, never NULL: that is what
 * makes the open exclusive (a second exclusive opener, e.g. a mount or
 * another log, gets -EBUSY). No blk_holder_ops yet: surprise removal is
 * seen as I/O errors, which already shut the log down.
 * BLK_OPEN_RESTRICT_WRITES (6.8+) is deliberately not used, so that
 * behaviour is the same on every supported kernel.
 */
#ifndef _CLFS_BDEV_COMPAT_H
#define _CLFS_BDEV_COMPAT_H

#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/version.h>

#ifndef CLFS_BDEV_API
#if !defined(BLK_OPEN_READ)
#define CLFS_BDEV_API	1
#elif LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL < 7
#define CLFS_BDEV_API	2
#elif LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL < 9
#define CLFS_BDEV_API	3
#else
#define CLFS_BDEV_API	4
#endif
#endif

/* An open block device and whatever its close needs. */
struct clfs_bdev_handle {
	struct block_device *bdev;
#if CLFS_BDEV_API == 1
	fmode_t mode;
#elif CLFS_BDEV_API == 2
	void *holder;
#elif CLFS_BDEV_API == 3
	struct bdev_handle *handle;
#else
	struct file *file;
#endif
};

static inline int clfs_bdev_compat_open(struct clfs_bdev_handle *h,
					const char *path, bool write,
					void *holder)
{
#if CLFS_BDEV_API == 1
	fmode_t mode = FMODE_READ | FMODE_EXCL;
	struct block_device *bdev;

	if (write)
		mode |= FMODE_WRITE;
	bdev = blkdev_get_by_path(path, mode, holder);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	h->bdev = bdev;
	h->mode = mode;
#elif CLFS_BDEV_API == 2
	blk_mode_t mode = BLK_OPEN_READ | BLK_OPEN_EXCL;
	struct block_device *bdev;

	if (write)
		mode |= BLK_OPEN_WRITE;
	bdev = blkdev_get_by_path(path, mode, holder, NULL);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	h->bdev = bdev;
	h->holder = holder;
#elif CLFS_BDEV_API == 3
	blk_mode_t mode = BLK_OPEN_READ | BLK_OPEN_EXCL;
	struct bdev_handle *handle;

	if (write)
		mode |= BLK_OPEN_WRITE;
	handle = bdev_open_by_path(path, mode, holder, NULL);
	if (IS_ERR(handle))
		return PTR_ERR(handle);
	h->bdev = handle->bdev;
	h->handle = handle;
#else
	blk_mode_t mode = BLK_OPEN_READ | BLK_OPEN_EXCL;
	struct file *file;

	if (write)
		mode |= BLK_OPEN_WRITE;
	file = bdev_file_open_by_path(path, mode, holder, NULL);
	if (IS_ERR(file))
		return PTR_ERR(file);
	h->bdev = file_bdev(file);
	h->file = file;
#endif
	return 0;
}

/* Drops the exclusive claim before returning: the path can be reopened. */
static inline void clfs_bdev_compat_close(struct clfs_bdev_handle *h)
{
#if CLFS_BDEV_API == 1
	blkdev_put(h->bdev, h->mode);
#elif CLFS_BDEV_API == 2
	blkdev_put(h->bdev, h->holder);
#elif CLFS_BDEV_API == 3
	bdev_release(h->handle);
#else
	bdev_fput(h->file);
#endif
	h->bdev = NULL;
}

#endif /* _CLFS_BDEV_COMPAT_H */
