// SPDX-License-Identifier: GPL-2.0
/*
 * clfs zoned block device driver ("zoned:/dev/nvme0n2"): a log on a device
 * made of zones that are written sequentially and reset as a whole (NVMe
 * ZNS, SMR disks, null_blk zoned=1), which is the shape of a clfs log.
 *
 * The storage clfs sees is the device with every zone cut to its capacity
 * and the zones laid end to end: zone i is [i * cap, (i + 1) * cap). It is
 * sequential storage (<linux/clfs_storage.h>): zone_bytes = cap, so the
 * engine makes each container one zone and puts container slot k in zone
 * k + CLFS_STORAGE_MD_ZONES (one per metadata copy).
 *
 * Data zones. A container's blocks are written back to back from offset
 * 0, each at the zone's write pointer. Blocks are sealed in parallel and
 * reach submit out of order, so every zone keeps the writes that are not
 * yet at its write pointer in a queue sorted by offset and issues them one
 * at a time, in order: one write in flight per zone, which is also all the
 * block layer's zone write locking lets through. Regular writes rather
 * than zone append: a block's LSN names its offset and is in its crc
 * before it is written, so the device may not choose the offset. The
 * engine empties a zone (reset_zone()) before the first write of its
 * container, with nothing in flight to it, so the first write too may
 * arrive after later ones and waits in the queue. Recycling is that
 * reset, at the container's next activation; nothing is reset when a
 * container is freed, so a freed container can still be read until it is
 * used again, as on a conventional disk. A read beyond the
 * write pointer returns zeros without I/O: no block can exist there,
 * whatever the device would return. A failed write leaves its zone's
 * contents unknown: the zone fails every later write until it is reset
 * (and the engine shuts the log down on the first failure anyway).
 *
 * Metadata zones. The engine writes metadata copy i (generation g to copy
 * g % 2, one at a time) in place at CLFS_STORAGE_MD_COPY_BYTES * i. Zone
 * i holds copy i as a sequence of slots of that size: every write of the
 * copy goes to the next slot, zero-padded, and a read returns the last
 * slot. When the zone is full, or its last slot is torn (the write pointer
 * is not on a slot boundary after a crash), the zone is reset before the
 * write. A crash between that reset and the write leaves copy i empty,
 * exactly like a torn write of it: the other copy is whole, because the
 * engine never writes both at once. Metadata I/O is synchronous inside
 * submit (the engine waits for it anyway) and serialized by a mutex.
 *
 * What the driver checks at open: every zone is sequential-write (no
 * conventional zones), all zones but a smaller last one (dropped) have the
 * same size and capacity, and no zone is offline; read-only zones allow a
 * read-only open only. After a crash the engine asks each head zone's
 * write pointer (write_pointer()) and seals the end of the log when the
 * zone holds more than the log (clfs_format.h section 5).
 *
 * Not handled: limits on open or active zones. Every container closed
 * early and both metadata zones stay open, so a device with a small
 * max_active_zones can refuse writes (-EIO, the log shuts down); open
 * refuses devices whose limit is below CLFS_ZONED_MIN_ACTIVE.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/clfs_storage.h>
#include "clfs_drivers.h"
#include "clfs_bio.h"
#include "clfs_bdev_compat.h"

#define CLFS_ZONED_SLOT		CLFS_STORAGE_MD_COPY_BYTES
/* Both metadata zones, the head, and room for containers closed early. */
#define CLFS_ZONED_MIN_ACTIVE	16U

struct clfs_zoned;

/**
 * struct clfs_zone - one zone, as the driver tracks it
 * @lock: protects everything below; taken from bio completion
 * @sector: first sector of the zone on the device
 * @wp: bytes from the zone start that completed writes cover
 * @next: where the next write goes: @wp plus the write in flight
 * @busy: a write is in flight
 * @broken: a write failed; the contents beyond @wp are unknown
 * @pending: writes waiting for the write pointer, sorted by offset
 * @work: issues the next pending write once the previous one completed
 * @z: the device
 */
struct clfs_zone {
	spinlock_t lock;
	sector_t sector;
	u64 wp;
	u64 next;
	bool busy;
	bool broken;
	struct list_head pending;
	struct work_struct work;
	struct clfs_zoned *z;
};

struct clfs_zoned {
	struct clfs_storage storage;
	struct clfs_bdev_handle h;
	u64 cap;
	sector_t zone_sectors;
	u32 nr_zones;
	struct clfs_zone *zones;
	struct workqueue_struct *wq;
	struct mutex md_lock;	/* metadata zones, and the slot buffer */
	void *slot;
};

static inline struct clfs_zoned *to_clfs_zoned(struct clfs_storage *s)
{
	return container_of(s, struct clfs_zoned, storage);
}

static struct clfs_zone *clfs_zone_of(struct clfs_zoned *z, u64 offset)
{
	return &z->zones[div64_u64(offset, z->cap)];
}

static u64 clfs_zone_rel(struct clfs_zoned *z, u64 offset)
{
	u64 rel;

	div64_u64_rem(offset, z->cap, &rel);
	return rel;
}

static struct bio *clfs_zoned_bio(struct clfs_zoned *z, struct clfs_zone *zn,
				  u64 rel, u8 *buf, u32 len, blk_opf_t opf)
{
	struct bio *bio;
	u32 left = len;

	/* One bio, so that nothing can come between its parts. */
	if (DIV_ROUND_UP(offset_in_page(buf) + len, PAGE_SIZE) > BIO_MAX_VECS)
		return NULL;
	bio = bio_alloc(z->h.bdev, clfs_bio_nr_vecs(buf, len), opf, GFP_NOIO);
	bio->bi_iter.bi_sector = zn->sector + (rel >> SECTOR_SHIFT);
	if (clfs_bio_fill(bio, &buf, &left) != len) {
		bio_put(bio);
		return NULL;
	}
	return bio;
}

/* Synchronous I/O of one bio's worth; metadata and the reset path only. */
static int clfs_zoned_sync(struct clfs_zoned *z, struct clfs_zone *zn,
			   u64 rel, void *buf, u32 len, blk_opf_t opf)
{
	struct bio *bio;
	int ret;

	if (op_is_write(opf) && is_vmalloc_addr(buf))
		flush_kernel_vmap_range(buf, len);
	bio = clfs_zoned_bio(z, zn, rel, buf, len, opf);
	if (!bio)
		return -EIO;
	ret = submit_bio_wait(bio);
	bio_put(bio);
	if (!ret && !op_is_write(opf) && is_vmalloc_addr(buf))
		invalidate_kernel_vmap_range(buf, len);
	return ret;
}

/* 6.10 dropped blkdev_zone_mgmt()'s gfp argument. */
static int clfs_zone_mgmt(struct block_device *bdev, enum req_op op,
			  sector_t sector, sector_t nr_sectors)
{
#if LINUX_VERSION_MAJOR > 6 || \
	(LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL >= 10)
	return blkdev_zone_mgmt(bdev, op, sector, nr_sectors);
#else
	return blkdev_zone_mgmt(bdev, op, sector, nr_sectors, GFP_NOIO);
#endif
}

static int clfs_zone_reset(struct clfs_zoned *z, struct clfs_zone *zn)
{
	int ret;

	ret = clfs_zone_mgmt(z->h.bdev, REQ_OP_ZONE_RESET, zn->sector,
			     z->zone_sectors);
	spin_lock_irq(&zn->lock);
	if (!ret) {
		zn->wp = 0;
		zn->next = 0;
		zn->broken = false;
	} else {
		zn->broken = true;
	}
	spin_unlock_irq(&zn->lock);
	return ret;
}

static blk_opf_t clfs_zoned_write_opf(const struct clfs_io *io)
{
	blk_opf_t opf = REQ_OP_WRITE | REQ_SYNC | REQ_IDLE | REQ_META;

	if (io->flags & CLFS_IO_PREFLUSH)
		opf |= REQ_PREFLUSH;
	if (io->flags & CLFS_IO_FUA)
		opf |= REQ_FUA;
	return opf;
}

/* ---- metadata zones ---------------------------------------------------- */

/* Where the last slot of a metadata zone starts, and how much of it is real. */
static bool clfs_md_last_slot(const struct clfs_zone *zn, u64 *start,
			      u64 *valid)
{
	if (!zn->wp)
		return false;
	*start = IS_ALIGNED(zn->wp, CLFS_ZONED_SLOT) ?
		 zn->wp - CLFS_ZONED_SLOT : round_down(zn->wp, CLFS_ZONED_SLOT);
	*valid = zn->wp - *start;
	return true;
}

static int clfs_md_read(struct clfs_zoned *z, struct clfs_zone *zn, u64 rel,
			struct clfs_io *io)
{
	u64 start, valid;
	u32 n = 0;
	int ret = 0;

	if (clfs_md_last_slot(zn, &start, &valid) && rel < valid)
		n = min_t(u64, io->len, valid - rel);
	if (n)
		ret = clfs_zoned_sync(z, zn, start + rel, io->buf, n,
				      REQ_OP_READ | REQ_META);
	memset((u8 *)io->buf + n, 0, io->len - n);
	return ret;
}

static int clfs_md_write(struct clfs_zoned *z, struct clfs_zone *zn, u64 rel,
			 struct clfs_io *io)
{
	int ret;

	/* The engine writes a copy whole, from its start. */
	if (rel || io->len > CLFS_ZONED_SLOT)
		return -EIO;
	if (zn->broken || !IS_ALIGNED(zn->wp, CLFS_ZONED_SLOT) ||
	    zn->wp + CLFS_ZONED_SLOT > z->cap) {
		ret = clfs_zone_reset(z, zn);
		if (ret)
			return ret;
	}
	memcpy(z->slot, io->buf, io->len);
	memset((u8 *)z->slot + io->len, 0, CLFS_ZONED_SLOT - io->len);
	ret = clfs_zoned_sync(z, zn, zn->wp, z->slot, CLFS_ZONED_SLOT,
			      clfs_zoned_write_opf(io));
	spin_lock_irq(&zn->lock);
	if (ret)
		zn->broken = true;
	else
		zn->wp += CLFS_ZONED_SLOT;
	zn->next = zn->wp;
	spin_unlock_irq(&zn->lock);
	return ret;
}

/* An I/O below the first data zone: a metadata copy, or the unused rest. */
static int clfs_md_io(struct clfs_zoned *z, struct clfs_io *io)
{
	u32 copy = io->offset / CLFS_STORAGE_MD_COPY_BYTES;
	u64 rel = io->offset % CLFS_STORAGE_MD_COPY_BYTES;
	int ret;

	if (copy >= CLFS_STORAGE_MD_ZONES ||
	    rel + io->len > CLFS_STORAGE_MD_COPY_BYTES) {
		if (io->op == CLFS_IO_WRITE)
			return -EIO;
		memset(io->buf, 0, io->len);
		return 0;
	}
	mutex_lock(&z->md_lock);
	if (io->op == CLFS_IO_WRITE)
		ret = clfs_md_write(z, &z->zones[copy], rel, io);
	else
		ret = clfs_md_read(z, &z->zones[copy], rel, io);
	mutex_unlock(&z->md_lock);
	return ret;
}

/* ---- data zones -------------------------------------------------------- */

static void clfs_zone_issue(struct clfs_zone *zn, struct clfs_io *io);

/* Take the next write if the zone can take it now; called locked. */
static struct clfs_io *clfs_zone_next_locked(struct clfs_zone *zn)
{
	struct clfs_zoned *z = zn->z;
	struct clfs_io *io;

	if (zn->busy || zn->broken || list_empty(&zn->pending))
		return NULL;
	io = list_first_entry(&zn->pending, struct clfs_io, driver_list);
	if (clfs_zone_rel(z, io->offset) != zn->next)
		return NULL;
	list_del_init(&io->driver_list);
	zn->busy = true;
	zn->next += io->len;
	return io;
}

static void clfs_zone_work(struct work_struct *work)
{
	struct clfs_zone *zn = container_of(work, struct clfs_zone, work);
	struct clfs_io *io;

	spin_lock_irq(&zn->lock);
	io = clfs_zone_next_locked(zn);
	spin_unlock_irq(&zn->lock);
	if (io)
		clfs_zone_issue(zn, io);
}

static void clfs_zone_end_write(struct bio *bio)
{
	struct clfs_io *io = bio->bi_private, *p, *tmp;
	struct clfs_zoned *z = to_clfs_zoned(io->storage);
	struct clfs_zone *zn = clfs_zone_of(z, io->offset);
	int err = blk_status_to_errno(bio->bi_status);
	unsigned long flags;
	LIST_HEAD(failed);
	bool more;

	bio_put(bio);
	spin_lock_irqsave(&zn->lock, flags);
	zn->busy = false;
	if (err) {
		zn->broken = true;
		list_splice_init(&zn->pending, &failed);
	} else {
		zn->wp = zn->next;
	}
	more = !zn->broken && !list_empty(&zn->pending);
	spin_unlock_irqrestore(&zn->lock, flags);
	/* Queued writes are in flight: the storage lives until they end. */
	if (more)
		queue_work(z->wq, &zn->work);
	clfs_storage_complete(io, err);
	list_for_each_entry_safe(p, tmp, &failed, driver_list) {
		list_del_init(&p->driver_list);
		clfs_storage_complete(p, -EIO);
	}
}

static void clfs_zone_issue(struct clfs_zone *zn, struct clfs_io *io)
{
	struct clfs_zoned *z = zn->z;
	struct bio *bio;

	if (is_vmalloc_addr(io->buf))
		flush_kernel_vmap_range(io->buf, io->len);
	bio = clfs_zoned_bio(z, zn, clfs_zone_rel(z, io->offset), io->buf,
			     io->len, clfs_zoned_write_opf(io));
	if (!bio) {
		/* Cannot happen for a log block; fail it like the device. */
		bio = bio_alloc(z->h.bdev, 0, REQ_OP_WRITE, GFP_NOIO);
		bio->bi_status = BLK_STS_IOERR;
		bio->bi_private = io;
		clfs_zone_end_write(bio);
		return;
	}
	bio->bi_end_io = clfs_zone_end_write;
	bio->bi_private = io;
	submit_bio(bio);
}

static void clfs_zone_write(struct clfs_zoned *z, struct clfs_io *io)
{
	struct clfs_zone *zn = clfs_zone_of(z, io->offset);
	u64 rel = clfs_zone_rel(z, io->offset);
	struct clfs_io *pos, *next;

	if (rel + io->len > z->cap) {
		clfs_storage_complete(io, -EIO);
		return;
	}
	spin_lock_irq(&zn->lock);
	if (zn->broken || rel < zn->next) {
		spin_unlock_irq(&zn->lock);
		pr_warn_ratelimited("%s: write at %#llx behind the zone's write pointer, or into a failed zone\n",
				    z->storage.name, io->offset);
		clfs_storage_complete(io, -EIO);
		return;
	}
	/* Sorted insert from the back: writes come almost in order. */
	list_for_each_entry_reverse(pos, &zn->pending, driver_list)
		if (pos->offset < io->offset)
			break;
	list_add(&io->driver_list, &pos->driver_list);
	next = clfs_zone_next_locked(zn);
	spin_unlock_irq(&zn->lock);
	if (next)
		clfs_zone_issue(zn, next);
}

static void clfs_zone_end_read(struct bio *bio)
{
	struct clfs_io *io = bio->bi_private;
	int err = blk_status_to_errno(bio->bi_status);

	bio_put(bio);
	if (!err && is_vmalloc_addr(io->buf))
		invalidate_kernel_vmap_range(io->buf, io->len);
	clfs_storage_complete(io, err);
}

static void clfs_zone_read(struct clfs_zoned *z, struct clfs_io *io)
{
	struct clfs_zone *zn = clfs_zone_of(z, io->offset);
	u64 rel = clfs_zone_rel(z, io->offset), wp;
	struct bio *bio;
	u32 n;

	if (rel + io->len > z->cap) {
		clfs_storage_complete(io, -EIO);
		return;
	}
	spin_lock_irq(&zn->lock);
	wp = zn->wp;
	spin_unlock_irq(&zn->lock);
	/* Nothing can be beyond the write pointer: zeros, without asking. */
	n = rel < wp ? min_t(u64, io->len, wp - rel) : 0;
	memset((u8 *)io->buf + n, 0, io->len - n);
	if (!n) {
		clfs_storage_complete(io, 0);
		return;
	}
	bio = clfs_zoned_bio(z, zn, rel, io->buf, n, REQ_OP_READ | REQ_META);
	if (!bio) {
		clfs_storage_complete(io, -EIO);
		return;
	}
	bio->bi_end_io = clfs_zone_end_read;
	bio->bi_private = io;
	submit_bio(bio);
}

static void clfs_zoned_end_flush(struct bio *bio)
{
	struct clfs_io *io = bio->bi_private;
	int err = blk_status_to_errno(bio->bi_status);

	bio_put(bio);
	clfs_storage_complete(io, err);
}

static void clfs_zoned_submit(struct clfs_storage *s, struct clfs_io *io)
{
	struct clfs_zoned *z = to_clfs_zoned(s);
	struct bio *bio;

	INIT_LIST_HEAD(&io->driver_list);
	if (io->op == CLFS_IO_FLUSH) {
		bio = bio_alloc(z->h.bdev, 0, REQ_OP_WRITE | REQ_PREFLUSH,
				GFP_NOIO);
		bio->bi_end_io = clfs_zoned_end_flush;
		bio->bi_private = io;
		submit_bio(bio);
		return;
	}
	if (io->offset < CLFS_STORAGE_MD_ZONES * z->cap) {
		clfs_storage_complete(io, clfs_md_io(z, io));
		return;
	}
	if (io->op == CLFS_IO_WRITE)
		clfs_zone_write(z, io);
	else
		clfs_zone_read(z, io);
}

static int clfs_zoned_write_pointer(struct clfs_storage *s, u64 offset,
				    u64 *wp)
{
	struct clfs_zoned *z = to_clfs_zoned(s);
	struct clfs_zone *zn = clfs_zone_of(z, offset);

	spin_lock_irq(&zn->lock);
	*wp = offset - clfs_zone_rel(z, offset) + zn->wp;
	spin_unlock_irq(&zn->lock);
	return 0;
}

static int clfs_zoned_reset_zone(struct clfs_storage *s, u64 offset)
{
	struct clfs_zoned *z = to_clfs_zoned(s);
	struct clfs_zone *zn = clfs_zone_of(z, offset);
	bool idle;

	spin_lock_irq(&zn->lock);
	idle = !zn->busy && list_empty(&zn->pending);
	spin_unlock_irq(&zn->lock);
	/* The engine's promise: nothing in flight to the zone. */
	if (WARN_ON_ONCE(!idle))
		return -EBUSY;
	if (!zn->wp && !zn->broken)
		return 0;
	return clfs_zone_reset(z, zn);
}

static void clfs_zoned_free(struct clfs_zoned *z)
{
	if (z->wq)
		destroy_workqueue(z->wq);
	kvfree(z->zones);
	kvfree(z->slot);
	clfs_bdev_compat_close(&z->h);
	kfree(z);
}

static void clfs_zoned_release(struct clfs_storage *s)
{
	clfs_zoned_free(to_clfs_zoned(s));
}

static const struct clfs_storage_ops clfs_zoned_ops = {
	.submit		= clfs_zoned_submit,
	.release	= clfs_zoned_release,
	.write_pointer	= clfs_zoned_write_pointer,
	.reset_zone	= clfs_zoned_reset_zone,
};

/* ---- open -------------------------------------------------------------- */

struct clfs_zone_scan {
	struct clfs_zoned *z;
	sector_t cap;		/* sectors, from zone 0 */
	bool read_only;		/* a read-only zone was seen */
	int err;
};

static int clfs_zone_scan_one(struct blk_zone *bz, unsigned int idx,
			      void *data)
{
	struct clfs_zone_scan *sc = data;
	struct clfs_zoned *z = sc->z;
	struct clfs_zone *zn;

	/* A smaller last zone is not used. */
	if (idx >= z->nr_zones)
		return 0;
	if (!idx)
		sc->cap = bz->capacity;
	if (bz->type == BLK_ZONE_TYPE_CONVENTIONAL || bz->len != z->zone_sectors ||
	    bz->capacity != sc->cap)
		sc->err = -EOPNOTSUPP;
	if (bz->cond == BLK_ZONE_COND_OFFLINE)
		sc->err = sc->err ?: -EIO;
	if (bz->cond == BLK_ZONE_COND_READONLY)
		sc->read_only = true;
	zn = &z->zones[idx];
	spin_lock_init(&zn->lock);
	INIT_LIST_HEAD(&zn->pending);
	INIT_WORK(&zn->work, clfs_zone_work);
	zn->z = z;
	zn->sector = bz->start;
	switch (bz->cond) {
	case BLK_ZONE_COND_EMPTY:
		zn->wp = 0;
		break;
	case BLK_ZONE_COND_FULL:
		zn->wp = (u64)bz->capacity << SECTOR_SHIFT;
		break;
	default:
		zn->wp = (u64)(bz->wp - bz->start) << SECTOR_SHIFT;
		break;
	}
	zn->wp = min_t(u64, zn->wp, (u64)bz->capacity << SECTOR_SHIFT);
	zn->next = zn->wp;
	return 0;
}

static int clfs_zoned_scan(struct clfs_zoned *z, bool read_only)
{
	struct block_device *bdev = z->h.bdev;
	struct clfs_zone_scan sc = { .z = z };
	int ret;

	z->zone_sectors = bdev_zone_sectors(bdev);
	z->nr_zones = div64_u64(bdev_nr_sectors(bdev), z->zone_sectors);
	if (z->nr_zones <= CLFS_STORAGE_MD_ZONES)
		return -ENOSPC;
	z->zones = kvcalloc(z->nr_zones, sizeof(*z->zones), GFP_KERNEL);
	if (!z->zones)
		return -ENOMEM;
	ret = blkdev_report_zones(bdev, 0, z->nr_zones, clfs_zone_scan_one,
				  &sc);
	if (ret < 0)
		return ret;
	if (ret < z->nr_zones)
		return -EIO;
	if (sc.err)
		return sc.err;
	if (sc.read_only && !read_only)
		return -EROFS;
	z->cap = (u64)sc.cap << SECTOR_SHIFT;
	return 0;
}

/**
 * clfs_zoned_open() - open a zoned block device as clfs storage
 * @path: path of the block device node, e.g. "/dev/nvme0n2"
 * @flags: 0 for read-write, or CLFS_STORAGE_READ_ONLY
 *
 * The device is opened exclusively and its zones are reported once; from
 * then on the driver tracks every write pointer itself.
 *
 * Context: process context, sleeps.
 * Return: the storage, or an ERR_PTR(): -EINVAL for unknown @flags or a
 * zone capacity clfs cannot use as a container, -EOPNOTSUPP for a device
 * that is not zoned, has conventional zones or zones of different sizes,
 * or a logical block size above PAGE_SIZE or a small active-zone limit;
 * -ENOSPC for fewer than three zones; -EIO for an offline zone; -EROFS for
 * a read-write open with a read-only zone; -EBUSY, -ENOMEM, or the open's
 * error.
 */
static struct clfs_storage *clfs_zoned_open(const char *path,
					    unsigned int flags)
{
	bool read_only = flags & CLFS_STORAGE_READ_ONLY;
	struct block_device *bdev;
	struct clfs_zoned *z;
	unsigned int lbs, active;
	int ret;

	if (flags & ~CLFS_STORAGE_READ_ONLY)
		return ERR_PTR(-EINVAL);
	z = kzalloc(sizeof(*z), GFP_KERNEL);
	if (!z)
		return ERR_PTR(-ENOMEM);
	mutex_init(&z->md_lock);
	ret = clfs_bdev_compat_open(&z->h, path, !read_only, z);
	if (ret) {
		kfree(z);
		return ERR_PTR(ret);
	}
	bdev = z->h.bdev;
	lbs = bdev_logical_block_size(bdev);
	active = bdev_max_active_zones(bdev);
	ret = -EOPNOTSUPP;
	if (!bdev_is_zoned(bdev) || lbs > PAGE_SIZE ||
	    (active && active < CLFS_ZONED_MIN_ACTIVE))
		goto fail;
	ret = clfs_zoned_scan(z, read_only);
	if (ret)
		goto fail;
	ret = -ENOMEM;
	z->slot = kvmalloc(CLFS_ZONED_SLOT, GFP_KERNEL);
	z->wq = alloc_workqueue("clfs-zoned-%pg", WQ_MEM_RECLAIM | WQ_HIGHPRI,
				0, bdev);
	if (!z->slot || !z->wq)
		goto fail;
	ret = clfs_storage_init(&z->storage, &clfs_zoned_ops, lbs,
				z->cap * z->nr_zones);
	if (ret)
		goto fail;
	z->storage.zone_bytes = z->cap;
	z->storage.volatile_cache = bdev_write_cache(bdev);
	z->storage.read_only = read_only;
	z->storage.dev = bdev->bd_dev;
	snprintf(z->storage.name, sizeof(z->storage.name), "%pg", bdev);
	return &z->storage;
fail:
	clfs_zoned_free(z);
	return ERR_PTR(ret);
}

struct clfs_storage_driver clfs_zoned_driver = {
	.name		= "zoned",
	.owner		= THIS_MODULE,
	.open		= clfs_zoned_open,
	.identify	= clfs_bdev_identify,
};
