// SPDX-License-Identifier: GPL-2.0
/*
 * clfs marshalling areas: a client's block size and buffer limits on one
 * stream.
 *
 * An area's write buffers are the blocks opened for it that have not yet
 * retired (written and completed, or dropped). The log's single open block
 * counts against the area it was opened for; when an area is at its
 * max_write_buffers, its next block waits until a write completes
 * (clfs_append.c). Fewer buffers therefore mean more frequent, smaller
 * writes, as in CLFS.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include "clfs_stream.h"

/**
 * clfs_marshal_create() - create a marshalling area on a stream
 * @s: the stream handle; keep it open until the area is deleted
 * @p: block size and limits; @p->block_bytes is rounded up to the sector
 *	size
 *
 * Return: the area, or an ERR_PTR: -EINVAL for a zero or too large block
 * size or only one of the buffer callbacks; -ENOMEM.
 */
struct clfs_marshal *clfs_marshal_create(struct clfs_stream *s,
					 const struct clfs_marshal_params *p)
{
	struct clfs_streams *ss;
	struct clfs_marshal *m;
	u32 block;

	if (!s || !p || !p->block_bytes || !p->alloc_buffer != !p->free_buffer)
		return ERR_PTR(-EINVAL);
	block = round_up(p->block_bytes, s->log->md->geo.sector_bytes);
	if (block > CLFS_BLK_MAX_BYTES || block < p->block_bytes)
		return ERR_PTR(-EINVAL);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->stream = s;
	m->params = *p;
	m->params.block_bytes = block;
	spin_lock_init(&m->buf_lock);
	init_waitqueue_head(&m->wait);
	ss = s->log->streams;
	mutex_lock(&ss->table_lock);
	ss->st[s->id].nr_marshal++;
	mutex_unlock(&ss->table_lock);
	return m;
}
EXPORT_SYMBOL_GPL(clfs_marshal_create);

/*
 * No block of @m left. Read under buf_lock: the last retirement wakes us
 * with it held, so once we see zero it no longer touches @m.
 */
static bool clfs_marshal_idle(struct clfs_marshal *m)
{
	bool idle;

	spin_lock(&m->buf_lock);
	idle = !m->writing;
	spin_unlock(&m->buf_lock);
	return idle;
}

/**
 * clfs_marshal_delete() - flush and delete a marshalling area
 * @m: the area
 *
 * Everything appended through the log so far is made durable first, and
 * the area's blocks are waited for. The area is freed even if the flush
 * fails.
 *
 * Return: 0, or the flush's error (-EIO); a read-only log gives 0.
 */
int clfs_marshal_delete(struct clfs_marshal *m)
{
	struct clfs_streams *ss;
	int ret;

	if (!m)
		return 0;
	ss = m->stream->log->streams;
	ret = clfs_flush_buffers(m);
	if (ret == -EROFS)
		ret = 0;
	/* A shut-down log still completes (fails) every write in flight. */
	mutex_lock(&ss->append_lock);
	if (ss->cur_owner == m)
		clfs_append_submit_cur(ss);
	mutex_unlock(&ss->append_lock);
	wait_event(m->wait, clfs_marshal_idle(m));
	mutex_lock(&ss->table_lock);
	ss->st[m->stream->id].nr_marshal--;
	mutex_unlock(&ss->table_lock);
	kfree(m);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_marshal_delete);
