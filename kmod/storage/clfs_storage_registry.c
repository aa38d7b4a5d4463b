// SPDX-License-Identifier: GPL-2.0
/*
 * clfs storage driver registry: from a target string to a storage.
 *
 * A target is "NAME:ARG" (or a path, short for "bdev:PATH"). Drivers are
 * few and registered at module load, so a list under a mutex is enough;
 * the mutex is held only to find a driver and pin its module, never
 * across its open(), which may sleep for long (a block device's open) and
 * may itself load nothing from here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include "../format/clfs_format.h"
#include "clfs_storage.h"

#define CLFS_DRIVER_NAME_MAX	15

static DEFINE_MUTEX(clfs_drivers_lock);
static LIST_HEAD(clfs_drivers);

static bool clfs_driver_name_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || len > CLFS_DRIVER_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!(islower(name[i]) || isdigit(name[i]) || name[i] == '_'))
			return false;
	return true;
}

static struct clfs_storage_driver *clfs_driver_find(const char *name,
						    size_t len)
{
	struct clfs_storage_driver *drv;

	lockdep_assert_held(&clfs_drivers_lock);
	list_for_each_entry(drv, &clfs_drivers, list)
		if (strlen(drv->name) == len && !memcmp(drv->name, name, len))
			return drv;
	return NULL;
}

/**
 * clfs_storage_register() - make a storage driver available to targets
 * @drv: the driver: @name, @owner and @open set; stays registered, and
 *	must stay in memory, until clfs_storage_unregister()
 *
 * Context: process context, typically the driver's module init.
 * Return: 0; -EINVAL if @drv lacks a valid name or an open(); -EEXIST if
 * a driver of that name is registered.
 */
int clfs_storage_register(struct clfs_storage_driver *drv)
{
	int ret = 0;

	if (!drv->name || !drv->open ||
	    !clfs_driver_name_valid(drv->name, strlen(drv->name)))
		return -EINVAL;
	mutex_lock(&clfs_drivers_lock);
	if (clfs_driver_find(drv->name, strlen(drv->name)))
		ret = -EEXIST;
	else
		list_add_tail(&drv->list, &clfs_drivers);
	mutex_unlock(&clfs_drivers_lock);
	if (!ret)
		pr_debug("storage driver %s registered\n", drv->name);
	return ret;
}
EXPORT_SYMBOL_GPL(clfs_storage_register);

/**
 * clfs_storage_unregister() - withdraw a storage driver
 * @drv: a driver registered with clfs_storage_register()
 *
 * New targets naming @drv fail with -ENODEV from here on. No storage of
 * the driver can still be open when its module exits: each one pins the
 * module (see clfs_storage_open()).
 *
 * Context: process context, typically the driver's module exit.
 */
void clfs_storage_unregister(struct clfs_storage_driver *drv)
{
	mutex_lock(&clfs_drivers_lock);
	list_del_init(&drv->list);
	mutex_unlock(&clfs_drivers_lock);
}
EXPORT_SYMBOL_GPL(clfs_storage_unregister);

/*
 * Split @target into its driver, pinned, and its argument. A path is the
 * block driver's argument as it stands.
 */
static struct clfs_storage_driver *clfs_driver_get(const char *target,
						   const char **arg)
{
	struct clfs_storage_driver *drv;
	const char *colon;
	size_t len;

	if (target[0] == '/') {
		*arg = target;
		len = strlen("bdev");
		target = "bdev";
	} else {
		colon = strchr(target, ':');
		if (!colon || !colon[1])
			return ERR_PTR(-EINVAL);
		len = colon - target;
		*arg = colon + 1;
		if (!clfs_driver_name_valid(target, len))
			return ERR_PTR(-EINVAL);
	}
	mutex_lock(&clfs_drivers_lock);
	drv = clfs_driver_find(target, len);
	if (drv && !try_module_get(drv->owner))
		drv = NULL;	/* its module is going away */
	mutex_unlock(&clfs_drivers_lock);
	return drv ?: ERR_PTR(-ENODEV);
}

/**
 * clfs_storage_key() - the name under which a target's open log is shared
 * @target: "NAME:ARG" or a block device path
 * @key: receives the key, NUL-terminated
 * @len: size of @key, at least CLFS_STORAGE_KEY_MAX
 *
 * Two targets naming the same device give the same key ("/dev/vdb" and
 * "bdev:/dev/disk/by-id/..." both give the device number).
 *
 * Return: 0; -EINVAL for a malformed target; -ENODEV if no driver of that
 * name is registered; -ENAMETOOLONG if the key does not fit; or the
 * driver's error (the block driver's: -ENOENT, -ENOTBLK...).
 */
int clfs_storage_key(const char *target, char *key, size_t len)
{
	struct clfs_storage_driver *drv;
	const char *arg;
	int ret, n;

	drv = clfs_driver_get(target, &arg);
	if (IS_ERR(drv))
		return PTR_ERR(drv);
	n = snprintf(key, len, "%s:", drv->name);
	if (drv->identify)
		ret = drv->identify(arg, key + n, len - n);
	else
		ret = strscpy(key + n, arg, len - n) < 0 ? -ENAMETOOLONG : 0;
	module_put(drv->owner);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_storage_key);

/* Sequential storage: whole zones that containers can be. */
static bool clfs_zones_ok(const struct clfs_storage *s)
{
	u64 z = s->zone_bytes;

	if (!z)
		return true;
	return s->ops->write_pointer && s->ops->reset_zone &&
	       z % s->sector_size == 0 &&
	       z >= CLFS_CONTAINER_MIN_BYTES && z <= CLFS_CONTAINER_MAX_BYTES &&
	       s->capacity % z == 0;
}

/**
 * clfs_storage_open() - open the storage a target names
 * @target: "NAME:ARG", or a block device path ("/dev/vdb")
 * @flags: CLFS_STORAGE_READ_ONLY or 0
 *
 * The driver's module stays pinned until clfs_storage_release().
 *
 * Context: process context, sleeps.
 * Return: the storage, or an ERR_PTR: -EINVAL for unknown @flags or a
 * malformed target, -ENODEV if no driver of that name is registered, or
 * the driver's open() error.
 */
struct clfs_storage *clfs_storage_open(const char *target, unsigned int flags)
{
	struct clfs_storage_driver *drv;
	struct clfs_storage *s;
	const char *arg;

	if (flags & ~CLFS_STORAGE_READ_ONLY)
		return ERR_PTR(-EINVAL);
	drv = clfs_driver_get(target, &arg);
	if (IS_ERR(drv))
		return ERR_CAST(drv);
	s = drv->open(arg, flags);
	if (IS_ERR_OR_NULL(s)) {
		module_put(drv->owner);
		return s ?: ERR_PTR(-EIO);
	}
	s->driver = drv;
	if (!clfs_zones_ok(s)) {
		pr_err("%s: driver %s gave an impossible zone geometry\n",
		       s->name, drv->name);
		clfs_storage_release(s);
		return ERR_PTR(-EINVAL);
	}
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(clfs_storage_open);

/* clfs.ko's own drivers, registered like any other. */
int clfs_storage_registry_init(void)
{
	int ret;

	ret = clfs_storage_register(&clfs_bdev_driver);
	if (ret || !IS_ENABLED(CONFIG_BLK_DEV_ZONED))
		return ret;
	ret = clfs_storage_register(&clfs_zoned_driver);
	if (ret)
		clfs_storage_unregister(&clfs_bdev_driver);
	return ret;
}

void clfs_storage_registry_exit(void)
{
	if (IS_ENABLED(CONFIG_BLK_DEV_ZONED))
		clfs_storage_unregister(&clfs_zoned_driver);
	clfs_storage_unregister(&clfs_bdev_driver);
}
