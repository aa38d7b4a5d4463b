// SPDX-License-Identifier: GPL-2.0
/*
 * clfs shared logs: one log object per device, whoever opens it.
 *
 * clfs_log_open() of a device whose log is already open takes a reference
 * on that log instead of opening the device again (which its exclusive
 * claim would refuse). Devices are told apart by their storage driver's
 * key (clfs_storage_key()): a block device by its number, whatever path
 * names it. Userspace descriptors, attachments and in-kernel
 * clients then share its streams, its write path and its group commit.
 * The last clfs_log_close() closes it for good.
 *
 * The registry's mutex is held across a first open (recovery) and a last
 * close (final flush), so an opener never races a closer for the device's
 * exclusive claim: it waits and then either shares or opens it anew. The
 * price is that opens and closes of different logs wait for each other
 * while one of them recovers or flushes.
 *
 * Design and rules: docs/sharing.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <kunit/visibility.h>
#include "clfs_log.h"

static DEFINE_MUTEX(clfs_logs_lock);
static LIST_HEAD(clfs_logs);

static struct clfs_log *clfs_share_find(const char *key)
{
	struct clfs_log *log;

	lockdep_assert_held(&clfs_logs_lock);
	list_for_each_entry(log, &clfs_logs, shared)
		if (!strcmp(log->share_key, key))
			return log;
	return NULL;
}

/* A new reference on @log for an opener asking for @flags. */
static int clfs_share_join(struct clfs_log *log, unsigned int flags)
{
	if (!(flags & CLFS_OPEN_READ_ONLY) && log->ro_requested)
		return -EROFS;
	log->users++;
	return 0;
}

/**
 * clfs_log_open() - open the clfs log on a device
 * @path: a block device ("/dev/vdb") or any storage driver's target
 *	("memdev:t1"; see <linux/clfs_storage.h>)
 * @flags: CLFS_OPEN_READ_ONLY to open without writing anything
 *
 * The first open of a device claims it exclusively and recovers the log:
 * finds its end after a crash, rejecting torn, corrupt and stale blocks,
 * and makes sure nothing beyond that end can come back. Later opens, from
 * any client, share that open log until the last one closes it.
 *
 * A read-only open of a log open read-write shares it: in-kernel clients
 * are trusted not to write through it (userspace descriptors from it
 * refuse to). A read-write open of a log that its first opener asked to
 * open read-only fails with -EROFS while that open lasts; a log that is
 * read-only by nature (read-only media, unknown read-only features) is
 * shared read-only with every opener, as it would open alone.
 *
 * Context: process context, sleeps; waits for other logs' first opens and
 * last closes.
 * Return: the log, or an ERR_PTR: -ENODATA (no log on the device),
 * -EUCLEAN (both metadata copies corrupt; or, read-write, an epoch or
 * generation at its limit), -EOPNOTSUPP (newer format),
 * -EBUSY (device in use by something else), -EROFS (see above),
 * -ENODEV (no storage driver of that name), -ENOTBLK, -ENOENT, -EIO,
 * -ENOMEM.
 */
struct clfs_log *clfs_log_open(const char *path, unsigned int flags)
{
	char key[CLFS_STORAGE_KEY_MAX];
	struct clfs_storage *s;
	struct clfs_log *log;
	int ret;

	if (!path)
		return ERR_PTR(-EINVAL);
	if (flags & ~CLFS_OPEN_READ_ONLY)
		return ERR_PTR(-EINVAL);
	ret = clfs_storage_key(path, key, sizeof(key));
	if (ret)
		return ERR_PTR(ret);

	mutex_lock(&clfs_logs_lock);
	log = clfs_share_find(key);
	if (log) {
		ret = clfs_share_join(log, flags);
		goto out;
	}
	s = clfs_storage_open(path, flags & CLFS_OPEN_READ_ONLY ?
			      CLFS_STORAGE_READ_ONLY : 0);
	if (IS_ERR(s)) {
		ret = PTR_ERR(s);
		goto out;
	}
	log = clfs_log_open_on(s, flags);
	if (IS_ERR(log)) {
		clfs_storage_release(s);
		ret = PTR_ERR(log);
		goto out;
	}
	log->owns_storage = true;
	strscpy(log->share_key, key, sizeof(log->share_key));
	log->users = 1;
	log->ro_requested = flags & CLFS_OPEN_READ_ONLY;
	list_add_tail(&log->shared, &clfs_logs);
	ret = 0;
out:
	mutex_unlock(&clfs_logs_lock);
	return ret ? ERR_PTR(ret) : log;
}
EXPORT_SYMBOL_GPL(clfs_log_open);

/**
 * clfs_log_get() - one more reference on an open log
 * @log: a log from clfs_log_open() on which the caller holds a reference
 * @flags: CLFS_OPEN_READ_ONLY, with the rules of clfs_log_open()
 *
 * Return: 0, or -EROFS; drop the reference with clfs_log_close().
 */
int clfs_log_get(struct clfs_log *log, unsigned int flags)
{
	int ret;

	mutex_lock(&clfs_logs_lock);
	ret = clfs_share_join(log, flags);
	mutex_unlock(&clfs_logs_lock);
	return ret;
}

/**
 * clfs_log_users() - how many references an open log has
 * @log: the log
 *
 * Return: the count; 1 for a log not opened by path.
 */
u32 clfs_log_users(struct clfs_log *log)
{
	u32 users;

	mutex_lock(&clfs_logs_lock);
	users = list_empty(&log->shared) ? 1 : log->users;
	mutex_unlock(&clfs_logs_lock);
	return users;
}

/**
 * clfs_log_close() - drop a reference on a log
 * @log: the log
 *
 * The last reference closes it: waits for every block in flight and makes
 * them durable (unless the log was shut down or is read-only), then
 * releases the device. The caller must have closed its own stream handles.
 */
void clfs_log_close(struct clfs_log *log)
{
	if (!log)
		return;
	/* Opened on storage by clfs_log_open_on(): never shared. */
	if (list_empty(&log->shared)) {
		clfs_log_release(log);
		return;
	}
	mutex_lock(&clfs_logs_lock);
	if (!--log->users) {
		list_del_init(&log->shared);
		clfs_log_release(log);
	}
	mutex_unlock(&clfs_logs_lock);
}
EXPORT_SYMBOL_GPL(clfs_log_close);
