// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the storage driver registry (clfs_storage_registry.c):
 * targets are parsed strictly, a driver is found by name, its module is
 * pinned exactly while one of its storages is open, and an open that
 * fails leaves no pin behind. The driver here is a fake one owned by this
 * test module, so the pins are counted on it.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "storage/clfs_storage.h"

struct fake_storage {
	struct clfs_storage s;
	int *released;
};

struct fake {
	struct clfs_storage_driver drv;
	char last_arg[32];
	unsigned int last_flags;
	int open_err;
	int released;
};

static struct fake *the_fake;

static void fake_submit(struct clfs_storage *s, struct clfs_io *io)
{
	clfs_storage_complete(io, 0);
}

static void fake_release(struct clfs_storage *s)
{
	struct fake_storage *f = container_of(s, struct fake_storage, s);

	(*f->released)++;
	kfree(f);
}

static const struct clfs_storage_ops fake_ops = {
	.submit		= fake_submit,
	.release	= fake_release,
};

static struct clfs_storage *fake_open(const char *arg, unsigned int flags)
{
	struct fake_storage *f;

	strscpy(the_fake->last_arg, arg, sizeof(the_fake->last_arg));
	the_fake->last_flags = flags;
	if (the_fake->open_err)
		return ERR_PTR(the_fake->open_err);
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->released = &the_fake->released;
	if (clfs_storage_init(&f->s, &fake_ops, 512, 1 << 20)) {
		kfree(f);
		return ERR_PTR(-EINVAL);
	}
	return &f->s;
}

/* Registers the fake driver "kunit_fake" for one case. */
static int registry_init(struct kunit *test)
{
	struct fake *fk = kunit_kzalloc(test, sizeof(*fk), GFP_KERNEL);

	if (!fk)
		return -ENOMEM;
	fk->drv.name = "kunit_fake";
	fk->drv.owner = THIS_MODULE;
	fk->drv.open = fake_open;
	the_fake = fk;
	test->priv = fk;
	return clfs_storage_register(&fk->drv);
}

static void registry_exit(struct kunit *test)
{
	struct fake *fk = test->priv;

	clfs_storage_unregister(&fk->drv);
	the_fake = NULL;
}

static void clfs_registry_refuses_malformed_drivers(struct kunit *test)
{
	static const char * const bad[] = {
		"", "Upper", "a:b", "a-b", "sixteen_chars_xx",
	};
	struct clfs_storage_driver d = { .owner = THIS_MODULE, .open = fake_open };
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		d.name = bad[i];
		KUNIT_EXPECT_EQ_MSG(test, clfs_storage_register(&d), -EINVAL,
				    "name '%s'", bad[i]);
	}
	d.name = "kunit_noopen";
	d.open = NULL;
	KUNIT_EXPECT_EQ(test, clfs_storage_register(&d), -EINVAL);
}

static void clfs_registry_refuses_a_second_driver_of_a_name(struct kunit *test)
{
	struct clfs_storage_driver d = { .owner = THIS_MODULE, .open = fake_open };

	d.name = "kunit_fake";
	KUNIT_EXPECT_EQ(test, clfs_storage_register(&d), -EEXIST);
	/* The block driver is registered like any other. */
	d.name = "bdev";
	KUNIT_EXPECT_EQ(test, clfs_storage_register(&d), -EEXIST);
}

static void clfs_registry_refuses_malformed_targets(struct kunit *test)
{
	static const struct { const char *t; int err; } cases[] = {
		{ "", -EINVAL }, { "kunit_fake", -EINVAL },
		{ "kunit_fake:", -EINVAL }, { ":x", -EINVAL },
		{ "Kunit_fake:x", -EINVAL }, { "kunit fake:x", -EINVAL },
		{ "no_such_driver:x", -ENODEV },
	};
	struct fake *fk = test->priv;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    PTR_ERR(clfs_storage_open(cases[i].t, 0)),
				    (long)cases[i].err, "target '%s'", cases[i].t);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_storage_open("kunit_fake:x", 1U << 5)),
			(long)-EINVAL);
	KUNIT_EXPECT_STREQ(test, fk->last_arg, "");
}

static void clfs_registry_pins_the_driver_while_open(struct kunit *test)
{
	struct fake *fk = test->priv;
	int refs = module_refcount(THIS_MODULE);
	struct clfs_storage *s;

	s = clfs_storage_open("kunit_fake:dev0,opt=1", CLFS_STORAGE_READ_ONLY);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_EXPECT_STREQ(test, fk->last_arg, "dev0,opt=1");
	KUNIT_EXPECT_EQ(test, fk->last_flags, CLFS_STORAGE_READ_ONLY);
	KUNIT_EXPECT_PTR_EQ(test, s->driver, (const struct clfs_storage_driver *)&fk->drv);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs + 1);
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(s), 0);
	clfs_storage_release(s);
	KUNIT_EXPECT_EQ(test, fk->released, 1);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
}

static void clfs_registry_failed_open_leaves_no_pin(struct kunit *test)
{
	struct fake *fk = test->priv;
	int refs = module_refcount(THIS_MODULE);

	fk->open_err = -ENXIO;
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_storage_open("kunit_fake:x", 0)),
			(long)-ENXIO);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
}

static void clfs_registry_unregistered_driver_is_gone(struct kunit *test)
{
	struct fake *fk = test->priv;

	clfs_storage_unregister(&fk->drv);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_storage_open("kunit_fake:x", 0)),
			(long)-ENODEV);
	/* Registered again for the exit's unregister: it must work twice. */
	KUNIT_EXPECT_EQ(test, clfs_storage_register(&fk->drv), 0);
}

static void clfs_registry_keys_name_the_device(struct kunit *test)
{
	char key[CLFS_STORAGE_KEY_MAX], key2[CLFS_STORAGE_KEY_MAX];
	char *longarg = kunit_kzalloc(test, 2 * CLFS_STORAGE_KEY_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, longarg);
	KUNIT_EXPECT_EQ(test, clfs_storage_key("kunit_fake:abc", key, sizeof(key)), 0);
	KUNIT_EXPECT_STREQ(test, key, "kunit_fake:abc");
	memset(longarg, 'a', 2 * CLFS_STORAGE_KEY_MAX - 1);
	memcpy(longarg, "kunit_fake:", 11);
	KUNIT_EXPECT_EQ(test, clfs_storage_key(longarg, key, sizeof(key)),
			-ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, clfs_storage_key("/nonexistent/clfs", key, sizeof(key)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, clfs_storage_key("no_such_driver:x", key, sizeof(key)),
			-ENODEV);
	/* A path and the same path through "bdev:" share one key. */
	KUNIT_ASSERT_EQ(test, clfs_storage_key("/dev/vda", key, sizeof(key)), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_key("bdev:/dev/vda", key2, sizeof(key2)), 0);
	KUNIT_EXPECT_STREQ(test, key, key2);
	KUNIT_EXPECT_TRUE(test, str_has_prefix(key, "bdev:"));
}

static struct kunit_case clfs_registry_cases[] = {
	KUNIT_CASE(clfs_registry_refuses_malformed_drivers),
	KUNIT_CASE(clfs_registry_refuses_a_second_driver_of_a_name),
	KUNIT_CASE(clfs_registry_refuses_malformed_targets),
	KUNIT_CASE(clfs_registry_pins_the_driver_while_open),
	KUNIT_CASE(clfs_registry_failed_open_leaves_no_pin),
	KUNIT_CASE(clfs_registry_unregistered_driver_is_gone),
	KUNIT_CASE(clfs_registry_keys_name_the_device),
	{}
};

static struct kunit_suite clfs_registry_suite = {
	.name = "clfs_registry",
	.init = registry_init,
	.exit = registry_exit,
	.test_cases = clfs_registry_cases,
};

kunit_test_suites(&clfs_registry_suite);
