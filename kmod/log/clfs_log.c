// SPDX-License-Identifier: GPL-2.0
/*
 * clfs logs: create (format) a device, open it (recovering its end), close
 * it, and report on it.
 *
 * Opening a writable log ends with metadata commits, one to each copy,
 * that start a new epoch at the recovered end, before any block can be
 * written: that is what keeps blocks beyond the end from ever coming back
 * (clfs_recover.c), even if one copy is later lost.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include "clfs_log.h"

static int clfs_params_check(const struct clfs_storage *s,
			     const struct clfs_log_params *p)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(p->reserved); i++)
		if (p->reserved[i])
			return -EINVAL;
	if (p->flags & ~CLFS_LOG_CREATE_FLAGS)
		return -EINVAL;
	if (s->sector_size != CLFS_SECTOR_512 && s->sector_size != CLFS_SECTOR_4K)
		return -EOPNOTSUPP;
	if (p->container_bytes < CLFS_CONTAINER_MIN_BYTES ||
	    p->container_bytes > CLFS_CONTAINER_MAX_BYTES ||
	    p->container_bytes % s->sector_size)
		return -EINVAL;
	if (p->nr_containers < CLFS_LOG_MIN_CONTAINERS ||
	    p->nr_containers > CLFS_MAX_CONTAINERS)
		return -EINVAL;
	/* On sequential storage a container is a zone, nothing else. */
	if (s->zone_bytes && p->container_bytes != s->zone_bytes) {
		pr_info("%s: containers on this zoned device are %llu bytes, its zone capacity\n",
			s->name, s->zone_bytes);
		return -EINVAL;
	}
	return 0;
}

/**
 * clfs_log_create_on() - format a device as an empty log
 * @s: the device
 * @params: the layout; checked
 *
 * Both metadata copies are first wiped, then written (generation 0 and 1),
 * so a device that held another log cannot end up with one copy of each.
 * Blocks an earlier log left behind fail the new log's crc, which is
 * seeded with the new uuid.
 *
 * Return: 0; -EINVAL for bad parameters; -EOPNOTSUPP for a sector size
 * other than 512 or 4096; -ENOSPC if the containers do not fit; -EIO.
 */
int clfs_log_create_on(struct clfs_storage *s,
		       const struct clfs_log_params *params)
{
	struct clfs_md_geometry geo = { 0 };
	struct clfs_md *md;
	u32 log_flags = 0;
	u8 uuid[16];
	void *buf;
	u64 room;
	int ret;
	u32 i;

	ret = clfs_params_check(s, params);
	if (ret)
		return ret;
	if (s->capacity <= CLFS_MD_AREA_BYTES ||
	    s->capacity <= CLFS_STORAGE_MD_ZONES * s->zone_bytes)
		return -ENOSPC;
	geo.sector_bytes = s->sector_size;
	geo.container_bytes = params->container_bytes;
	/* Zoned: the zones before the first container hold the metadata. */
	BUILD_BUG_ON(CLFS_STORAGE_MD_ZONES != CLFS_MD_COPIES);
	BUILD_BUG_ON(CLFS_STORAGE_MD_COPY_BYTES != CLFS_MD_COPY_BYTES);
	geo.data_start_bytes = s->zone_bytes ?
			       CLFS_STORAGE_MD_ZONES * s->zone_bytes :
			       CLFS_MD_AREA_BYTES;
	geo.device_bytes = s->capacity;
	room = div64_u64(s->capacity - geo.data_start_bytes, geo.container_bytes);
	geo.nr_slots = (u32)min_t(u64, room, CLFS_MAX_CONTAINERS);
	if (geo.nr_slots < params->nr_containers)
		return -ENOSPC;
	if (params->flags & CLFS_LOG_MULTIPLEXED)
		log_flags |= CLFS_MD_LOG_MULTIPLEXED;
	if (params->flags & CLFS_LOG_ARCHIVED)
		log_flags |= CLFS_MD_LOG_ARCHIVED;
	do {
		get_random_bytes(uuid, sizeof(uuid));
	} while (!memchr_inv(uuid, 0, sizeof(uuid)));

	md = kvzalloc(sizeof(*md), GFP_KERNEL);
	buf = kvzalloc(CLFS_MD_COPY_BYTES, GFP_KERNEL);
	if (!md || !buf) {
		ret = -ENOMEM;
		goto out;
	}
	ret = clfs_md_format(md, &geo, params->nr_containers, log_flags, uuid);
	if (ret)
		goto out;
	for (i = 0; i < CLFS_MD_COPIES && !ret; i++)
		ret = clfs_storage_write_sync(s, clfs_md_copy_offset(i), buf,
					      CLFS_MD_COPY_BYTES, CLFS_IO_FUA);
	for (i = 0; i < CLFS_MD_COPIES && !ret; i++) {
		md->generation = i;
		ret = clfs_md_write_copy(s, md, buf);
	}
out:
	kvfree(buf);
	kvfree(md);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_log_create_on);

static void clfs_log_free(struct clfs_log *log)
{
	clfs_streams_detach(log);
	clfs_log_stop_writer(log);
	if (log->owns_storage)
		clfs_storage_release(log->storage);
	kvfree(log->md_buf);
	kfree(log->stream_last);
	kfree(log->stream_first);
	clfs_holes_free(log);
	clfs_blkidx_free(&log->blkidx);
	kvfree(log->md_next);
	kvfree(log->md);
	kfree(log);
}

/**
 * clfs_log_open_on() - open the log on a device
 * @s: the device; released by clfs_log_close() only if the caller sets
 *	owns_storage afterwards
 * @flags: CLFS_OPEN_READ_ONLY
 *
 * Reads the metadata (falling back to the other copy if one is invalid),
 * finds the end of the log and, unless read-only, starts a new epoch there.
 * A log whose metadata has unknown read-only-compatible features, or on
 * read-only storage, opens read-only.
 *
 * Return: the log, or an ERR_PTR (see <linux/clfs.h> for the errors).
 */
struct clfs_log *clfs_log_open_on(struct clfs_storage *s, unsigned int flags)
{
	struct clfs_log *log;
	u32 max_epoch, i;
	u64 end, seal = 0;
	int ret;

	if (flags & ~CLFS_OPEN_READ_ONLY)
		return ERR_PTR(-EINVAL);
	log = kzalloc(sizeof(*log), GFP_KERNEL);
	if (!log)
		return ERR_PTR(-ENOMEM);
	log->storage = s;
	INIT_LIST_HEAD(&log->shared);
	strscpy(log->name, s->name, sizeof(log->name));
	mutex_init(&log->md_lock);
	spin_lock_init(&log->hole_lock);
	clfs_blkidx_init(&log->blkidx);
	INIT_LIST_HEAD(&log->holes);
	log->md = kvzalloc(sizeof(*log->md), GFP_KERNEL);
	log->md_next = kvzalloc(sizeof(*log->md_next), GFP_KERNEL);
	log->md_buf = kvzalloc(CLFS_MD_COPY_BYTES, GFP_KERNEL);
	log->stream_last = kcalloc(CLFS_MAX_STREAMS, sizeof(u64), GFP_KERNEL);
	log->stream_first = kcalloc(CLFS_MAX_STREAMS, sizeof(u64), GFP_KERNEL);
	ret = -ENOMEM;
	if (!log->md || !log->md_next || !log->md_buf || !log->stream_last ||
	    !log->stream_first)
		goto fail;

	ret = clfs_md_read(s, log->md, log->name);
	if (ret)
		goto fail;
	log->crc_seed = clfs_log_crc_seed(log->md->uuid);
	log->read_only = (flags & CLFS_OPEN_READ_ONLY) || s->read_only ||
			 !clfs_md_writable(log->md);
	ret = clfs_recover(log, &end, &max_epoch);
	if (ret)
		goto fail;
	/*
	 * A session needs an epoch above every one on the device, and its
	 * commits generations above the metadata's. Values this close to
	 * their limit cannot come from use (an epoch per read-write open, a
	 * generation per commit): the device was written by something else.
	 * Such a log can still be read.
	 */
	if (!log->read_only && (max_epoch == U32_MAX ||
				log->md->generation > U64_MAX - U32_MAX)) {
		pr_err("%s: epoch %u or metadata generation %llu at its limit: the log can only be opened read-only\n",
		       log->name, max_epoch, log->md->generation);
		ret = -EUCLEAN;
		goto fail;
	}
	if (!log->read_only) {
		ret = clfs_recover_check_end(log, end);
		if (ret)
			goto fail;
	}
	if (!log->read_only && s->zone_bytes) {
		ret = clfs_log_zoned_end(log, &end, &seal);
		if (ret)
			goto fail;
	}
	ret = clfs_log_init_writer(log, end);
	if (ret)
		goto fail;

	if (!log->read_only) {
		/*
		 * The new epoch goes into both metadata copies (generations g
		 * and g + 1) before any block is written, as an activation
		 * does (clfs_container.c). In one copy only, a newest copy
		 * damaged later would make the next open fall back to an older
		 * copy with an older epoch; if this session's first block was
		 * then lost, that open would pick this session's epoch again,
		 * and this session's orphans beyond the hole would pass the
		 * epoch check and come back once the hole is written over.
		 */
		mutex_lock(&log->md_lock);
		for (i = 0; i < CLFS_MD_COPIES && !ret; i++) {
			memcpy(log->md_next, log->md, sizeof(*log->md_next));
			log->md_next->epoch = max_epoch + 1;
			log->md_next->epoch_start_lsn = end;
			if (seal)
				ret = clfs_md_add_seal(log->md_next, seal);
			if (ret == -ENOSPC)
				pr_err("%s: %u crashes since the recovery start left their ends sealed; advance the bases (read-only opens still work)\n",
				       log->name, CLFS_MD_SEALS);
			ret = ret ?: clfs_md_commit(log);
		}
		mutex_unlock(&log->md_lock);
		if (ret)
			goto fail;
	}
	ret = clfs_streams_attach(log);
	if (ret)
		goto fail;
	pr_info("%s: log opened%s: %llu blocks recovered, end %#llx, epoch %u\n",
		log->name, log->read_only ? " read-only" : "",
		log->recovered_blocks, end, log->md->epoch);
	return log;
fail:
	log->owns_storage = false;
	clfs_log_free(log);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(clfs_log_open_on);

/**
 * clfs_log_create() - format a device as an empty clfs log
 * @path: a block device ("/dev/vdb") or a storage driver's target
 *	("memdev:t1"); opened exclusively while formatting
 * @params: container size, number of containers, dedicated or
 *	multiplexed, ephemeral or archived
 *
 * Whatever the device held is lost. The sector size is the device's
 * (for a block device, its logical block size).
 *
 * Return: 0, or a negative errno (see <linux/clfs.h>).
 */
int clfs_log_create(const char *path, const struct clfs_log_params *params)
{
	struct clfs_storage *s;
	int ret;

	if (!path || !params)
		return -EINVAL;
	s = clfs_storage_open(path, 0);
	if (IS_ERR(s))
		return PTR_ERR(s);
	ret = clfs_log_create_on(s, params);
	clfs_storage_release(s);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_log_create);

/**
 * clfs_log_delete() - erase the clfs log on a device
 * @path: a block device or a storage driver's target; opened exclusively,
 *	so not while the log is open
 *
 * Both metadata copies are overwritten with zeros (durably), after which
 * the device holds no log: opening it gives -ENODATA. A log whose metadata
 * is corrupt can be deleted too; a device that holds no log is left
 * untouched. The records stay on the device but no later log reads them:
 * its blocks' crc is seeded with its own uuid.
 *
 * Return: 0; -ENODATA if the device holds no log; -EBUSY if it is in use;
 * -EOPNOTSUPP for a log of a newer format; -EIO; -ENOMEM.
 */
int clfs_log_delete(const char *path)
{
	struct clfs_storage *s;
	struct clfs_md *md;
	void *buf = NULL;
	int ret, i;

	if (!path)
		return -EINVAL;
	s = clfs_storage_open(path, 0);
	if (IS_ERR(s))
		return PTR_ERR(s);
	md = kvzalloc(sizeof(*md), GFP_KERNEL);
	if (!md) {
		ret = -ENOMEM;
		goto out;
	}
	ret = clfs_md_read(s, md, s->name);
	if (ret && ret != -EUCLEAN)
		goto out;
	buf = kvzalloc(CLFS_MD_COPY_BYTES, GFP_KERNEL);
	ret = buf ? 0 : -ENOMEM;
	for (i = 0; i < CLFS_MD_COPIES && !ret; i++)
		ret = clfs_storage_write_sync(s, clfs_md_copy_offset(i), buf,
					      CLFS_MD_COPY_BYTES, CLFS_IO_FUA);
	if (!ret)
		pr_info("%s: log deleted\n", s->name);
out:
	kvfree(buf);
	kvfree(md);
	clfs_storage_release(s);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_log_delete);

/**
 * clfs_log_release() - close a log for good
 * @log: the log; freed on return
 *
 * Waits for every block in flight and makes them durable (unless the log
 * was shut down or is read-only), then releases the device if the log
 * owns it. Called for the last reference (clfs_share.c).
 */
void clfs_log_release(struct clfs_log *log)
{
	int ret;

	/* Write out the open block before the final flush covers it. */
	clfs_streams_detach(log);
	if (!log->read_only) {
		ret = clfs_log_flush(log, CLFS_LSN_INVALID);
		if (ret && ret != -EIO)
			pr_warn("%s: final flush failed: %d\n", log->name, ret);
	}
	clfs_log_free(log);
}

/**
 * clfs_log_query() - describe an open log
 * @log: the log
 * @info: filled in; reserved fields zeroed
 *
 * Return: 0.
 */
int clfs_log_query(struct clfs_log *log, struct clfs_log_info *info)
{
	const struct clfs_md *md = log->md;
	u32 i;

	memset(info, 0, sizeof(*info));
	mutex_lock(&log->md_lock);
	memcpy(info->uuid, md->uuid, sizeof(info->uuid));
	if (md->log_flags & CLFS_MD_LOG_MULTIPLEXED)
		info->flags |= CLFS_LOG_MULTIPLEXED;
	if (md->log_flags & CLFS_MD_LOG_ARCHIVED)
		info->flags |= CLFS_LOG_ARCHIVED;
	if (log->read_only)
		info->flags |= CLFS_LOG_READ_ONLY;
	info->sector_bytes = md->geo.sector_bytes;
	info->container_bytes = md->geo.container_bytes;
	info->device_bytes = md->geo.device_bytes;
	info->nr_slots = md->geo.nr_slots;
	for (i = 0; i < md->geo.nr_slots; i++) {
		if (md->containers[i].state == CLFS_CONT_ACTIVE)
			info->nr_active++;
		else if (md->containers[i].state == CLFS_CONT_FREE)
			info->nr_free++;
	}
	info->nr_containers = info->nr_active + info->nr_free;
	info->epoch = md->epoch;
	info->generation = md->generation;
	info->recovery_lsn = md->recovery_lsn;
	info->recovered_blocks = log->recovered_blocks;
	mutex_unlock(&log->md_lock);

	spin_lock_irq(&log->lock);
	if (log->shutdown)
		info->flags |= CLFS_LOG_SHUT_DOWN;
	info->head_lsn = log->head_lsn;
	info->flushed_lsn = log->durable_lsn;
	info->blocks_written = log->stats.blocks_written;
	info->bytes_written = log->stats.bytes_written;
	info->flushes = log->stats.flushes;
	info->md_writes = log->stats.md_writes;
	info->records_written = log->stats.records_written;
	info->record_bytes = log->stats.record_bytes;
	info->inflight_sum = log->stats.inflight_sum;
	info->inflight_max = log->stats.inflight_max;
	spin_unlock_irq(&log->lock);
	info->copied_bytes = atomic64_read(&log->copied_bytes);
	return 0;
}
EXPORT_SYMBOL_GPL(clfs_log_query);
