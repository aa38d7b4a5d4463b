// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: make KASAN report a heap out-of-bounds read on load.
 * scripts/selftest.sh loads this and checks that the guest runner calls the
 * run a failure. It must never be loaded anywhere else.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>

static int __init clfs_selftest_kasan_init(void)
{
	size_t size = 16;
	char *buf;
	char c;

	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	/* Hide the index from the compiler so only KASAN can catch it. */
	OPTIMIZER_HIDE_VAR(size);
	pr_info("reading one byte past a %zu-byte allocation\n", size);
	c = READ_ONCE(buf[size]);
	kfree(buf);
	pr_info("read %d\n", c);
	return 0;
}

static void __exit clfs_selftest_kasan_exit(void)
{
}

module_init(clfs_selftest_kasan_init);
module_exit(clfs_selftest_kasan_exit);

MODULE_DESCRIPTION("clfs harness self-test: a deliberate KASAN report");
MODULE_LICENSE("GPL");
