// SPDX-License-Identifier: GPL-2.0
/*
 * clfs_sharetest: an in-kernel client of a shared log, for
 * tests/guest/shared_test.c. Loading it opens the log on dev (shared with
 * the attachment and the userspace clients that have it open), appends
 * count forced records "k-0", "k-1"... to stream, each through its own
 * marshalling area, checks that their LSNs strictly increase, and closes
 * everything again: the load's result is the first error, or 0. Uses only
 * the public API of <linux/clfs.h>, so it is built for every kernel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/uio.h>
#include <linux/clfs.h>

static char *dev;
module_param(dev, charp, 0444);
static unsigned int stream;
module_param(stream, uint, 0444);
static unsigned int count = 100;
module_param(count, uint, 0444);

static int sharetest_append(struct clfs_marshal *m)
{
	struct clfs_append a = {
		.nr_entries = 1,
		.type = CLFS_RECORD_DATA,
		.flags = CLFS_APPEND_FORCE_FLUSH,
	};
	u64 lsn, last = CLFS_LSN_NULL;
	char text[16];
	struct kvec v = { .iov_base = text };
	unsigned int i;
	int ret;

	a.entries = &v;
	for (i = 0; i < count; i++) {
		v.iov_len = scnprintf(text, sizeof(text), "k-%u", i);
		ret = clfs_reserve_and_append(m, &a, &lsn);
		if (ret)
			return ret;
		if (lsn <= last) {
			pr_err("lsn %#llx after %#llx\n", lsn, last);
			return -EILSEQ;
		}
		last = lsn;
	}
	pr_info("%u forced appends to stream %u, the last at %#llx\n", count,
		stream, last);
	return 0;
}

static int __init sharetest_init(void)
{
	struct clfs_marshal_params mp = { .block_bytes = 4096 };
	struct clfs_marshal *m;
	struct clfs_stream *s;
	struct clfs_log *log;
	int ret, ret2;

	if (!dev)
		return -EINVAL;
	log = clfs_log_open(dev, 0);
	if (IS_ERR(log))
		return PTR_ERR(log);
	s = clfs_stream_open(log, stream);
	if (IS_ERR(s)) {
		ret = PTR_ERR(s);
		goto close_log;
	}
	m = clfs_marshal_create(s, &mp);
	if (IS_ERR(m)) {
		ret = PTR_ERR(m);
		goto close_stream;
	}
	ret = sharetest_append(m);
	ret2 = clfs_marshal_delete(m);
	ret = ret ?: ret2;
close_stream:
	clfs_stream_close(s);
close_log:
	clfs_log_close(log);
	return ret;
}

static void __exit sharetest_exit(void)
{
}

module_init(sharetest_init);
module_exit(sharetest_exit);
MODULE_DESCRIPTION("clfs test: an in-kernel client of a shared log");
MODULE_LICENSE("GPL");
