// SPDX-License-Identifier: GPL-2.0
/*
 * clfs_memdev.ko: named in-memory devices, for userspace and guest tests.
 *
 * The module registers the storage driver "memdev". The target
 * "memdev:NAME[,size=BYTES][,sector=BYTES][,zone=BYTES]" opens device
 * NAME, creating it (all zeroes, 16 MiB and 512-byte sectors unless told;
 * with zone=, sequential storage of zones of that size, see
 * clfs_memdev.c) on first use;
 * it then keeps its data, from one log open to the next, until it is
 * removed or the module unloads. A device is open by one log at a time:
 * a second open gets -EBUSY, as an exclusive block device would.
 *
 * What a test does to it, in debugfs, /sys/kernel/debug/clfs_memdev/:
 *   NAME/power_cut    "1": the power fails now: every write not yet
 *                     durable is lost, and every I/O fails with -EIO until
 *                     the log using the device releases it; power then
 *                     comes back (a later open recovers what was durable)
 *   NAME/power_cycle  "1": the same, and power comes back at once
 *   NAME/stats        what reached the device (struct clfs_memdev_stats)
 *   remove            "NAME": free a device no log has open
 * Each is root's only (0200 or 0400), as is creating a log on a target.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "clfs_memdev.h"

#define MEMDEV_NAME_MAX		24	/* "memdev-" + name fits a storage name */
#define MEMDEV_MAX_DEVICES	8
#define MEMDEV_DEFAULT_SIZE	SZ_16M
#define MEMDEV_DEFAULT_SECTOR	512

struct memdev_named {
	struct list_head link;
	char name[MEMDEV_NAME_MAX + 1];
	struct clfs_memdev *m;
	struct dentry *dir;
	bool in_use;			/* a storage of it is open */
};

/* What a target asks for; 0 where it did not say. */
struct memdev_spec {
	char name[MEMDEV_NAME_MAX + 1];
	u64 size;
	unsigned int sector;
	u64 zone;
};

static DEFINE_MUTEX(memdev_lock);	/* the list and every in_use */
static LIST_HEAD(memdev_list);
static unsigned int memdev_count;
static struct dentry *memdev_root;

static struct memdev_named *memdev_find(const char *name)
{
	struct memdev_named *d;

	lockdep_assert_held(&memdev_lock);
	list_for_each_entry(d, &memdev_list, link)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static bool memdev_name_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || len > MEMDEV_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!(islower(name[i]) || isdigit(name[i]) || name[i] == '_' ||
		      name[i] == '-'))
			return false;
	return true;
}

/* "NAME[,size=BYTES][,sector=BYTES][,zone=BYTES]"; sizes take K, M, G. */
static int memdev_parse(const char *arg, struct memdev_spec *sp)
{
	size_t len = strcspn(arg, ",");
	const char *p = arg + len;

	memset(sp, 0, sizeof(*sp));
	if (!memdev_name_valid(arg, len))
		return -EINVAL;
	memcpy(sp->name, arg, len);
	while (*p == ',') {
		char *end;
		u64 v;

		p++;
		if (str_has_prefix(p, "size=")) {
			v = memparse(p + 5, &end);
			if (end == p + 5 || !v)
				return -EINVAL;
			sp->size = v;
		} else if (str_has_prefix(p, "sector=")) {
			v = memparse(p + 7, &end);
			if (end == p + 7 || (v != 512 && v != 4096))
				return -EINVAL;
			sp->sector = v;
		} else if (str_has_prefix(p, "zone=")) {
			v = memparse(p + 5, &end);
			if (end == p + 5 || !v)
				return -EINVAL;
			sp->zone = v;
		} else {
			return -EINVAL;
		}
		p = end;
	}
	return *p ? -EINVAL : 0;
}

/* The target asks for a geometry device @s does not have. */
static bool memdev_spec_differs(const struct memdev_spec *sp,
				const struct clfs_storage *s)
{
	return (sp->size && sp->size != s->capacity) ||
	       (sp->sector && sp->sector != s->sector_size) ||
	       (sp->zone && sp->zone != s->zone_bytes);
}

/* The engine let go of the storage: power comes back if it was cut. */
static void memdev_named_released(struct clfs_memdev *m, void *arg)
{
	struct memdev_named *d = arg;

	if (clfs_memdev_is_dead(m))
		clfs_memdev_power_cycle(m, NULL, NULL);
	mutex_lock(&memdev_lock);
	d->in_use = false;
	mutex_unlock(&memdev_lock);
}

static ssize_t memdev_write_u64(const char __user *ubuf, size_t len, u64 *v)
{
	int ret = kstrtou64_from_user(ubuf, len, 0, v);

	return ret ? ret : len;
}

static ssize_t memdev_power_write(struct file *f, const char __user *ubuf,
				  size_t len, loff_t *pos, bool cut)
{
	struct memdev_named *d = f->private_data;
	ssize_t ret;
	u64 v;

	ret = memdev_write_u64(ubuf, len, &v);
	if (ret < 0)
		return ret;
	if (v != 1)
		return -EINVAL;
	/*
	 * Not under memdev_lock: the cut fails the I/O in flight, and a log
	 * shutting down on it may release the storage, which takes the lock.
	 */
	if (cut)
		clfs_memdev_power_cut(d->m, NULL, NULL);
	else
		clfs_memdev_power_cycle(d->m, NULL, NULL);
	return ret;
}

static ssize_t memdev_cut_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *pos)
{
	return memdev_power_write(f, ubuf, len, pos, true);
}

static ssize_t memdev_cycle_write(struct file *f, const char __user *ubuf,
				  size_t len, loff_t *pos)
{
	return memdev_power_write(f, ubuf, len, pos, false);
}

static ssize_t memdev_stats_read(struct file *f, char __user *ubuf,
				 size_t len, loff_t *pos)
{
	struct memdev_named *d = f->private_data;
	struct clfs_memdev_stats st;
	char buf[448];
	int n;

	clfs_memdev_get_stats(d->m, &st);
	n = scnprintf(buf, sizeof(buf),
		      "reads %llu\nwrites %llu\nfua_writes %llu\npreflushes %llu\nflushes %llu\nbytes_read %llu\nbytes_written %llu\nfailed %llu\npower_cycles %llu\nunflushed %u\ndead %d\nzone_resets %llu\nzone_violations %llu\n",
		      st.reads, st.writes, st.fua_writes, st.preflushes,
		      st.flushes, st.bytes_read, st.bytes_written, st.failed,
		      st.power_cycles, clfs_memdev_nr_unflushed(d->m),
		      clfs_memdev_is_dead(d->m), st.zone_resets,
		      st.zone_violations);
	return simple_read_from_buffer(ubuf, len, pos, buf, n);
}

static const struct file_operations memdev_cut_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= memdev_cut_write,
};

static const struct file_operations memdev_cycle_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= memdev_cycle_write,
};

static const struct file_operations memdev_stats_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= memdev_stats_read,
	.llseek	= default_llseek,
};

static struct memdev_named *memdev_new(const struct memdev_spec *sp)
{
	struct memdev_named *d;
	struct clfs_memdev *m;
	int ret;

	lockdep_assert_held(&memdev_lock);
	if (memdev_count >= MEMDEV_MAX_DEVICES)
		return ERR_PTR(-ENOSPC);
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	m = clfs_memdev_create(sp->sector ?: MEMDEV_DEFAULT_SECTOR,
			       sp->size ?: MEMDEV_DEFAULT_SIZE);
	if (IS_ERR(m)) {
		kfree(d);
		return ERR_CAST(m);
	}
	ret = sp->zone ? clfs_memdev_set_zones(m, sp->zone) : 0;
	if (ret) {
		clfs_memdev_destroy(m);
		kfree(d);
		return ERR_PTR(ret);
	}
	/* Completions from a workqueue, out of order: like hardware. */
	clfs_memdev_set_completion(m, CLFS_MEMDEV_ASYNC);
	clfs_memdev_set_release(m, memdev_named_released, d);
	snprintf(clfs_memdev_storage(m)->name, sizeof(clfs_memdev_storage(m)->name),
		 "memdev-%s", sp->name);
	strscpy(d->name, sp->name, sizeof(d->name));
	d->m = m;
	d->dir = debugfs_create_dir(d->name, memdev_root);
	debugfs_create_file("power_cut", 0200, d->dir, d, &memdev_cut_fops);
	debugfs_create_file("power_cycle", 0200, d->dir, d, &memdev_cycle_fops);
	debugfs_create_file("stats", 0400, d->dir, d, &memdev_stats_fops);
	list_add_tail(&d->link, &memdev_list);
	memdev_count++;
	pr_info("device %s: %llu bytes, %u-byte sectors%s\n", d->name,
		clfs_memdev_storage(m)->capacity,
		clfs_memdev_storage(m)->sector_size,
		sp->zone ? ", sequential (zoned)" : "");
	return d;
}

static struct clfs_storage *memdev_open(const char *arg, unsigned int flags)
{
	struct clfs_storage *s;
	struct memdev_spec sp;
	struct memdev_named *d;
	int ret;

	ret = memdev_parse(arg, &sp);
	if (ret)
		return ERR_PTR(ret);
	mutex_lock(&memdev_lock);
	d = memdev_find(sp.name);
	if (!d) {
		d = memdev_new(&sp);
		if (IS_ERR(d)) {
			s = ERR_CAST(d);
			goto out;
		}
	}
	s = clfs_memdev_storage(d->m);
	if (memdev_spec_differs(&sp, s))
		s = ERR_PTR(-EINVAL);
	else if (d->in_use)
		s = ERR_PTR(-EBUSY);
	else
		d->in_use = true;
	if (!IS_ERR(s))
		clfs_memdev_set_read_only(d->m, flags & CLFS_STORAGE_READ_ONLY);
out:
	mutex_unlock(&memdev_lock);
	return s;
}

/*
 * The device is its name: "t1" and "t1,size=16M" share one open log, but
 * a geometry the device does not have is refused here too, before an
 * open of it can be joined.
 */
static int memdev_identify(const char *arg, char *key, size_t len)
{
	struct memdev_named *d;
	struct memdev_spec sp;
	int ret = memdev_parse(arg, &sp);

	if (ret)
		return ret;
	mutex_lock(&memdev_lock);
	d = memdev_find(sp.name);
	if (d && memdev_spec_differs(&sp, clfs_memdev_storage(d->m)))
		ret = -EINVAL;
	mutex_unlock(&memdev_lock);
	if (ret)
		return ret;
	return strscpy(key, sp.name, len) < 0 ? -ENAMETOOLONG : 0;
}

static struct clfs_storage_driver memdev_driver = {
	.name		= "memdev",
	.owner		= THIS_MODULE,
	.open		= memdev_open,
	.identify	= memdev_identify,
};

static void memdev_free(struct memdev_named *d)
{
	debugfs_remove_recursive(d->dir);
	clfs_memdev_set_release(d->m, NULL, NULL);
	clfs_memdev_destroy(d->m);
	kfree(d);
}

static ssize_t memdev_remove_write(struct file *f, const char __user *ubuf,
				   size_t len, loff_t *pos)
{
	char name[MEMDEV_NAME_MAX + 2];
	struct memdev_named *d;
	ssize_t n;

	n = strncpy_from_user(name, ubuf, min(len, sizeof(name) - 1));
	if (n < 0)
		return n;
	name[n] = '\0';
	mutex_lock(&memdev_lock);
	d = memdev_find(strim(name));
	if (!d)
		n = -ENOENT;
	else if (d->in_use)
		n = -EBUSY;
	else
		list_del(&d->link);
	if (n >= 0)
		memdev_count--;
	mutex_unlock(&memdev_lock);
	if (n < 0)
		return n;
	/* Outside the lock: removal waits for the device's files' users. */
	memdev_free(d);
	return len;
}

static const struct file_operations memdev_remove_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= memdev_remove_write,
};

static int __init memdev_init(void)
{
	int ret;

	memdev_root = debugfs_create_dir("clfs_memdev", NULL);
	debugfs_create_file("remove", 0200, memdev_root, NULL,
			    &memdev_remove_fops);
	ret = clfs_storage_register(&memdev_driver);
	if (ret)
		debugfs_remove_recursive(memdev_root);
	return ret;
}

static void __exit memdev_exit(void)
{
	struct memdev_named *d, *tmp;

	clfs_storage_unregister(&memdev_driver);
	/* No device is in use: each open storage pins this module. */
	list_for_each_entry_safe(d, tmp, &memdev_list, link) {
		list_del(&d->link);
		memdev_free(d);
	}
	debugfs_remove_recursive(memdev_root);
}

module_init(memdev_init);
module_exit(memdev_exit);

MODULE_DESCRIPTION("clfs in-memory storage driver: a volatile-cache, fault-injecting device for tests");
MODULE_LICENSE("GPL");
