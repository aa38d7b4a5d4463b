// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "clfs_storage": the storage driver interface
 * (kmod/storage/clfs_storage.h).
 *
 * - Argument validation, on a fake driver that counts what reaches it:
 *   every malformed I/O fails with the documented errno, through end_io
 *   and the synchronous helpers, and never reaches the driver.
 * - The in-memory driver's model of a disk with a volatile write cache:
 *   what survives a power cycle and what does not, PREFLUSH covering only
 *   completed writes, injected write/flush/read faults, torn writes,
 *   completions in hard interrupt context, held and reordered.
 * - The block device driver: opening errors everywhere, and, in the test
 *   guest, a write/read round trip on a scratch disk (skipped where there
 *   is none), whose previous contents are restored.
 *
 * Test-managed resources are freed last-allocated first, so every case
 * allocates its buffers and I/O descriptors before its device: a device
 * torn down after a failed assertion may still complete held I/Os into
 * them.
 */
#include <kunit/test.h>
#include <kunit/resource.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "storage/clfs_storage.h"
#include "storage/clfs_memdev.h"

#define CAP		SZ_256K

/* ---- helpers ----------------------------------------------------------- */

/* One I/O and what its end_io saw. */
struct tio {
	struct clfs_io io;
	atomic_t *order_ctr;
	int calls;
	int err;
	int order;
	bool hardirq;
};

static void tio_end(struct clfs_io *io, int err)
{
	struct tio *t = container_of(io, struct tio, io);

	/* May run in hard interrupt context: record only, no KUNIT_*. */
	t->err = err;
	t->hardirq = in_hardirq();
	if (t->order_ctr)
		t->order = atomic_inc_return(t->order_ctr);
	t->calls++;
}

static struct tio *new_tio(struct kunit *test, atomic_t *order_ctr)
{
	struct tio *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->order_ctr = order_ctr;
	return t;
}

static void tio_prep(struct tio *t, enum clfs_io_op op, unsigned int flags,
		     u64 offset, void *buf, u32 len)
{
	t->io = (struct clfs_io) {
		.op = op,
		.flags = flags,
		.offset = offset,
		.len = len,
		.buf = buf,
		.end_io = tio_end,
	};
	t->calls = 0;
	t->err = 1;	/* not an errno: shows end_io did not run */
	t->order = 0;
	t->hardirq = false;
}

static void *kbuf(struct kunit *test, size_t len)
{
	/* kmalloc of a power of two is aligned to its size. */
	void *p = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

static int vbuf_init(struct kunit_resource *res, void *size)
{
	res->data = vzalloc((unsigned long)size);
	return res->data ? 0 : -ENOMEM;
}

static void vbuf_free(struct kunit_resource *res)
{
	vfree(res->data);
}

static void *vbuf(struct kunit *test, size_t len)
{
	void *p = kunit_alloc_resource(test, vbuf_init, vbuf_free, GFP_KERNEL,
				       (void *)len);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

#define PBUF_ORDER	2

static int pbuf_init(struct kunit_resource *res, void *unused)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO, PBUF_ORDER);

	if (!page)
		return -ENOMEM;
	res->data = page_address(page);
	return 0;
}

static void pbuf_free(struct kunit_resource *res)
{
	free_pages((unsigned long)res->data, PBUF_ORDER);
}

/* PAGE_SIZE << PBUF_ORDER bytes from the page allocator. */
static void *pbuf(struct kunit *test)
{
	void *p = kunit_alloc_resource(test, pbuf_init, pbuf_free, GFP_KERNEL,
				       NULL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

/* Different bytes in every sector and for every seed. */
static void fill(void *buf, size_t len, u8 seed)
{
	u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed + i + (i >> 9) * 31);
}

static bool all_zero(const void *buf, size_t len)
{
	return !memchr_inv(buf, 0, len);
}

static void memdev_res_free(struct kunit_resource *res)
{
	struct clfs_memdev *m = res->data;

	/* Delivers what a failed case left held, so release does not warn. */
	clfs_memdev_set_completion(m, CLFS_MEMDEV_INLINE);
	clfs_storage_release(clfs_memdev_storage(m));
}

static int res_set_data(struct kunit_resource *res, void *data)
{
	res->data = data;
	return 0;
}

static struct clfs_memdev *new_memdev(struct kunit *test,
				      unsigned int sector_size, u64 capacity)
{
	struct clfs_memdev *m = clfs_memdev_create(sector_size, capacity);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	if (!kunit_alloc_resource(test, res_set_data, memdev_res_free,
				  GFP_KERNEL, m)) {
		clfs_storage_release(clfs_memdev_storage(m));
		KUNIT_ASSERT_FAILURE(test, "cannot track the memdev");
	}
	return m;
}

static int peek_cmp(struct clfs_memdev *m, u64 offset, const void *want,
		    size_t len, void *scratch)
{
	if (clfs_memdev_peek(m, offset, scratch, len))
		return -1;
	return memcmp(scratch, want, len);
}

static int peek_zero(struct clfs_memdev *m, u64 offset, size_t len,
		     void *scratch)
{
	if (clfs_memdev_peek(m, offset, scratch, len))
		return -1;
	return !all_zero(scratch, len);
}

/* Sector sizes the format supports; the memdev cases run with both. */
static const unsigned int sector_params[] = { 512, 4096 };

static void sector_desc(const unsigned int *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "sector_%u", *p);
}

KUNIT_ARRAY_PARAM(sector, sector_params, sector_desc);

static unsigned int param_sector(struct kunit *test)
{
	return *(const unsigned int *)test->param_value;
}

/* ---- validation, on a driver that only counts -------------------------- */

struct fake_storage {
	struct clfs_storage s;
	int submits;
	int releases;
};

static void fake_submit(struct clfs_storage *s, struct clfs_io *io)
{
	container_of(s, struct fake_storage, s)->submits++;
	clfs_storage_complete(io, 0);
}

static void fake_release(struct clfs_storage *s)
{
	container_of(s, struct fake_storage, s)->releases++;
}

static const struct clfs_storage_ops fake_ops = {
	.submit		= fake_submit,
	.release	= fake_release,
};

static struct fake_storage *new_fake(struct kunit *test,
				     unsigned int sector_size, u64 capacity)
{
	struct fake_storage *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, clfs_storage_init(&f->s, &fake_ops, sector_size,
						capacity), 0);
	return f;
}

#define VS		4096U
#define VCAP		(64ULL * VS)

enum vbuf_kind { VBUF_OK, VBUF_NONE, VBUF_MISALIGNED };

struct vcase {
	const char *name;
	enum clfs_io_op op;
	unsigned int flags;
	u64 offset;
	u32 len;
	enum vbuf_kind buf;
	bool read_only;
	int expect;
};

/* Storage of 64 sectors of 4096 bytes; a buffer of VCAP bytes. */
static const struct vcase vcases[] = {
	{ "read_first_sector", CLFS_IO_READ, 0, 0, VS, VBUF_OK, false, 0 },
	{ "write_last_sector", CLFS_IO_WRITE, 0, VCAP - VS, VS, VBUF_OK,
	  false, 0 },
	{ "write_whole_device", CLFS_IO_WRITE, 0, 0, VCAP, VBUF_OK, false, 0 },
	{ "write_preflush_fua", CLFS_IO_WRITE,
	  CLFS_IO_PREFLUSH | CLFS_IO_FUA, VS, 2 * VS, VBUF_OK, false, 0 },
	{ "empty_flush", CLFS_IO_FLUSH, 0, 0, 0, VBUF_NONE, false, 0 },
	{ "misaligned_offset", CLFS_IO_READ, 0, 512, VS, VBUF_OK, false,
	  -EINVAL },
	{ "misaligned_length", CLFS_IO_WRITE, 0, 0, VS + 512, VBUF_OK, false,
	  -EINVAL },
	{ "zero_length_read", CLFS_IO_READ, 0, 0, 0, VBUF_OK, false, -EINVAL },
	{ "zero_length_write", CLFS_IO_WRITE, 0, VS, 0, VBUF_OK, false,
	  -EINVAL },
	{ "offset_at_capacity", CLFS_IO_READ, 0, VCAP, VS, VBUF_OK, false,
	  -ERANGE },
	{ "straddles_the_end", CLFS_IO_WRITE, 0, VCAP - VS, 2 * VS, VBUF_OK,
	  false, -ERANGE },
	{ "far_beyond_the_end", CLFS_IO_READ, 0, 1ULL << 40, VS, VBUF_OK,
	  false, -ERANGE },
	{ "offset_plus_length_overflows", CLFS_IO_READ, 0,
	  U64_MAX & ~(u64)(VS - 1), 2 * VS, VBUF_OK, false, -ERANGE },
	{ "flush_with_length", CLFS_IO_FLUSH, 0, 0, VS, VBUF_NONE, false,
	  -EINVAL },
	{ "flush_with_offset", CLFS_IO_FLUSH, 0, VS, 0, VBUF_NONE, false,
	  -EINVAL },
	{ "flush_with_buffer", CLFS_IO_FLUSH, 0, 0, 0, VBUF_OK, false,
	  -EINVAL },
	{ "flush_with_fua", CLFS_IO_FLUSH, CLFS_IO_FUA, 0, 0, VBUF_NONE, false,
	  -EINVAL },
	{ "read_with_fua", CLFS_IO_READ, CLFS_IO_FUA, 0, VS, VBUF_OK, false,
	  -EINVAL },
	{ "read_with_preflush", CLFS_IO_READ, CLFS_IO_PREFLUSH, 0, VS, VBUF_OK,
	  false, -EINVAL },
	{ "unknown_flag", CLFS_IO_WRITE, 1U << 7, 0, VS, VBUF_OK, false,
	  -EINVAL },
	{ "unknown_op", (enum clfs_io_op)7, 0, 0, VS, VBUF_OK, false,
	  -EINVAL },
	{ "null_buffer", CLFS_IO_WRITE, 0, 0, VS, VBUF_NONE, false, -EINVAL },
	{ "misaligned_buffer", CLFS_IO_READ, 0, 0, VS, VBUF_MISALIGNED, false,
	  -EINVAL },
	{ "write_on_read_only", CLFS_IO_WRITE, 0, 0, VS, VBUF_OK, true,
	  -EROFS },
	{ "flush_on_read_only", CLFS_IO_FLUSH, 0, 0, 0, VBUF_NONE, true,
	  -EROFS },
	{ "read_on_read_only", CLFS_IO_READ, 0, 0, VS, VBUF_OK, true, 0 },
	{ "malformed_write_on_read_only_is_einval", CLFS_IO_WRITE, 0, 512, VS,
	  VBUF_OK, true, -EINVAL },
};

static void vcase_desc(const struct vcase *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vcase, vcases, vcase_desc);

/* Each rule: the validator, then end_io, then what reached the driver. */
static void clfs_storage_validation_rule(struct kunit *test)
{
	const struct vcase *c = test->param_value;
	u8 *mem = vbuf(test, VCAP);
	struct tio *t = new_tio(test, NULL);
	struct fake_storage *f = new_fake(test, VS, VCAP);
	void *buf = NULL;

	if (c->buf == VBUF_OK)
		buf = mem;
	else if (c->buf == VBUF_MISALIGNED)
		buf = mem + 512;
	f->s.read_only = c->read_only;
	tio_prep(t, c->op, c->flags, c->offset, buf, c->len);

	KUNIT_EXPECT_EQ(test, clfs_storage_validate(&f->s, &t->io), c->expect);
	clfs_storage_submit(&f->s, &t->io);
	KUNIT_EXPECT_EQ(test, t->calls, 1);
	KUNIT_EXPECT_EQ(test, t->err, c->expect);
	KUNIT_EXPECT_EQ(test, f->submits, c->expect ? 0 : 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s.inflight), 0);
}

static void clfs_storage_rejects_stack_buffer(struct kunit *test)
{
	/* Aligned, so that only its being on the stack is wrong. */
	u8 onstack[512] __aligned(512);
	struct fake_storage *f = new_fake(test, 512, CAP);

	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(&f->s, 0, onstack,
						     sizeof(onstack)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, f->submits, 0);
}

static u8 module_data_buf[4096] __aligned(4096);

static void clfs_storage_rejects_module_data_buffer(struct kunit *test)
{
	struct fake_storage *f = new_fake(test, 512, CAP);

	/* Neither linear-map nor vmalloc memory: no struct page to find. */
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(&f->s, 0,
						      module_data_buf,
						      sizeof(module_data_buf),
						      0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, f->submits, 0);
}

static void clfs_storage_accepts_kmalloc_page_and_vmalloc_buffers(
	struct kunit *test)
{
	u8 *k = kbuf(test, 2 * VS);
	u8 *p = pbuf(test);
	u8 *v = vbuf(test, 3 * VS);
	struct fake_storage *f = new_fake(test, VS, VCAP);

	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(&f->s, 0, k, 2 * VS), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(&f->s, 0, p, VS), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(&f->s, 0, v + VS,
						     2 * VS), 0);
	KUNIT_EXPECT_EQ(test, f->submits, 3);
}

static void clfs_storage_sync_helpers_return_validation_errors(
	struct kunit *test)
{
	u8 *buf = kbuf(test, VS);
	struct fake_storage *f = new_fake(test, VS, VCAP);

	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(&f->s, 512, buf, VS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(&f->s, VCAP, buf, VS, 0),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(&f->s, 0, buf, VS,
						      1U << 5),
			-EINVAL);
	f->s.read_only = true;
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(&f->s), -EROFS);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(&f->s, 0, buf, VS, 0),
			-EROFS);
	KUNIT_EXPECT_EQ(test, f->submits, 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(&f->s, 0, buf, VS), 0);
	KUNIT_EXPECT_EQ(test, f->submits, 1);
}

static void clfs_storage_init_rejects_bad_geometry(struct kunit *test)
{
	static const struct {
		unsigned int sector;
		u64 capacity;
	} bad[] = {
		{ 0, CAP }, { 256, CAP }, { 511, CAP }, { 1000, CAP },
		{ 2 * PAGE_SIZE, 4 * PAGE_SIZE }, { 512, 0 },
		{ 4096, 4096 + 512 },
	};
	struct clfs_storage s;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, clfs_storage_init(&s, &fake_ops,
							    bad[i].sector,
							    bad[i].capacity),
				    -EINVAL, "sector %u capacity %llu",
				    bad[i].sector, bad[i].capacity);
	KUNIT_EXPECT_EQ(test, clfs_storage_init(&s, &fake_ops, 512, 512), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_init(&s, &fake_ops, PAGE_SIZE,
						PAGE_SIZE), 0);
}

static void clfs_storage_release_calls_the_driver_once(struct kunit *test)
{
	struct fake_storage *f = new_fake(test, 512, CAP);

	clfs_storage_release(&f->s);
	KUNIT_EXPECT_EQ(test, f->releases, 1);
	clfs_storage_release(NULL);
}

/* ---- memdev: the volatile cache model ----------------------------------- */

static void clfs_memdev_create_rejects_bad_geometry(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_memdev_create(1000, CAP)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_memdev_create(512, 0)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_memdev_create(4096, 4096 + 512)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_memdev_create(512, SZ_512M)),
			(long)-EINVAL);
}

static void clfs_memdev_starts_zeroed_with_a_volatile_cache(
	struct kunit *test)
{
	unsigned int ss = param_sector(test);
	u8 *buf = kbuf(test, CAP);
	struct clfs_memdev *m = new_memdev(test, ss, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	KUNIT_EXPECT_EQ(test, s->sector_size, ss);
	KUNIT_EXPECT_EQ(test, s->capacity, (u64)CAP);
	KUNIT_EXPECT_TRUE(test, s->volatile_cache);
	KUNIT_EXPECT_FALSE(test, s->read_only);
	KUNIT_EXPECT_PTR_EQ(test, clfs_memdev_from_storage(s), m);
	memset(buf, 0xff, CAP);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 0, buf, CAP), 0);
	KUNIT_EXPECT_TRUE(test, all_zero(buf, CAP));
}

static void clfs_memdev_from_storage_refuses_other_drivers(struct kunit *test)
{
	struct fake_storage *f = new_fake(test, 512, CAP);

	KUNIT_EXPECT_NULL(test, clfs_memdev_from_storage(&f->s));
}

static void clfs_memdev_read_after_write_sees_the_write(struct kunit *test)
{
	unsigned int ss = param_sector(test);
	u8 *data = kbuf(test, 4 * ss), *got = kbuf(test, 4 * ss);
	struct clfs_memdev *m = new_memdev(test, ss, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(data, 4 * ss, 1);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 2 * ss, data, 4 * ss,
						      0), 0);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 2 * ss, got, 4 * ss),
			0);
	KUNIT_EXPECT_EQ(test, memcmp(got, data, 4 * ss), 0);
	/* Its neighbours are untouched. */
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 0, got, 2 * ss), 0);
	KUNIT_EXPECT_TRUE(test, all_zero(got, 2 * ss));
	/* Reads come from the cache; nothing is on the medium yet. */
	KUNIT_EXPECT_EQ(test, peek_zero(m, 2 * ss, 4 * ss, got), 0);
}

static void clfs_memdev_unflushed_write_is_lost_on_power_cycle(
	struct kunit *test)
{
	unsigned int ss = param_sector(test);
	u8 *data = kbuf(test, ss), *got = kbuf(test, ss);
	struct clfs_memdev *m = new_memdev(test, ss, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(data, ss, 2);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, ss, data, ss, 0), 0);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(m), 1U);
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(m), 0U);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, ss, got, ss), 0);
	KUNIT_EXPECT_TRUE(test, all_zero(got, ss));
}

static void clfs_memdev_flushed_write_survives_power_cycle(struct kunit *test)
{
	unsigned int ss = param_sector(test);
	u8 *data = kbuf(test, 2 * ss), *got = kbuf(test, 2 * ss);
	struct clfs_memdev *m = new_memdev(test, ss, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(data, 2 * ss, 3);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 0, data, 2 * ss, 0),
			0);
	KUNIT_ASSERT_EQ(test, clfs_storage_flush_sync(s), 0);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(m), 0U);
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 0, got, 2 * ss), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, data, 2 * ss), 0);
}

static void clfs_memdev_fua_write_survives_without_flush(struct kunit *test)
{
	unsigned int ss = param_sector(test);
	u8 *a = kbuf(test, ss), *b = kbuf(test, ss), *got = kbuf(test, ss);
	struct clfs_memdev *m = new_memdev(test, ss, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(a, ss, 4);
	fill(b, ss, 5);
	/* FUA makes only its own data durable, not the earlier write. */
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 0, a, ss, 0), 0);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, ss, b, ss,
						      CLFS_IO_FUA), 0);
	KUNIT_EXPECT_EQ(test, peek_cmp(m, ss, b, ss, got), 0);
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, ss, got, ss), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, b, ss), 0);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 0, got, ss), 0);
	KUNIT_EXPECT_TRUE(test, all_zero(got, ss));
}

static void clfs_memdev_preflush_write_makes_earlier_writes_durable(
	struct kunit *test)
{
	u8 *a = kbuf(test, 512), *b = kbuf(test, 512), *got = kbuf(test, 512);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(a, 512, 6);
	fill(b, 512, 7);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 0, a, 512, 0), 0);
	/* PREFLUSH without FUA: @a is durable, @b itself is not. */
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 512, b, 512,
						      CLFS_IO_PREFLUSH), 0);
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_EXPECT_EQ(test, peek_cmp(m, 0, a, 512, got), 0);
	KUNIT_EXPECT_EQ(test, peek_zero(m, 512, 512, got), 0);
}

static void clfs_memdev_flush_covers_write_completed_before_it(
	struct kunit *test)
{
	u8 *a = kbuf(test, 512), *got = kbuf(test, 512);
	struct tio *w = new_tio(test, NULL), *f = new_tio(test, NULL);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(a, 512, 8);
	clfs_memdev_set_completion(m, CLFS_MEMDEV_HOLD);
	tio_prep(w, CLFS_IO_WRITE, 0, 0, a, 512);
	clfs_storage_submit(s, &w->io);
	KUNIT_ASSERT_EQ(test, clfs_memdev_complete_held(m, 0), 0);
	tio_prep(f, CLFS_IO_FLUSH, 0, 0, NULL, 0);
	clfs_storage_submit(s, &f->io);
	KUNIT_EXPECT_EQ(test, f->calls, 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_complete_held(m, 0), 0);
	KUNIT_EXPECT_EQ(test, w->err, 0);
	KUNIT_EXPECT_EQ(test, f->err, 0);
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_EXPECT_EQ(test, peek_cmp(m, 0, a, 512, got), 0);
}

static void clfs_memdev_flush_does_not_cover_write_in_flight(
	struct kunit *test)
{
	u8 *a = kbuf(test, 512), *got = kbuf(test, 512);
	struct tio *w = new_tio(test, NULL), *f = new_tio(test, NULL);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(a, 512, 9);
	clfs_memdev_set_completion(m, CLFS_MEMDEV_HOLD);
	tio_prep(w, CLFS_IO_WRITE, 0, 0, a, 512);
	clfs_storage_submit(s, &w->io);
	tio_prep(f, CLFS_IO_FLUSH, 0, 0, NULL, 0);
	clfs_storage_submit(s, &f->io);
	KUNIT_ASSERT_EQ(test, clfs_memdev_nr_held(m), 2U);
	/* The write completes after the flush was submitted... */
	KUNIT_ASSERT_EQ(test, clfs_memdev_complete_held(m, 0), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_complete_held(m, 0), 0);
	KUNIT_EXPECT_EQ(test, w->err, 0);
	KUNIT_EXPECT_EQ(test, f->err, 0);
	/* ...so the flush, although it succeeded, did not cover it. */
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(m), 1U);
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_EXPECT_EQ(test, peek_zero(m, 0, 512, got), 0);
}

static void clfs_memdev_preflush_write_does_not_cover_write_in_flight(
	struct kunit *test)
{
	u8 *a = kbuf(test, 512), *b = kbuf(test, 512), *got = kbuf(test, 512);
	struct tio *wa = new_tio(test, NULL), *wb = new_tio(test, NULL);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(a, 512, 10);
	fill(b, 512, 11);
	clfs_memdev_set_completion(m, CLFS_MEMDEV_HOLD);
	tio_prep(wa, CLFS_IO_WRITE, 0, 0, a, 512);
	clfs_storage_submit(s, &wa->io);
	tio_prep(wb, CLFS_IO_WRITE, CLFS_IO_PREFLUSH | CLFS_IO_FUA, 512, b,
		 512);
	clfs_storage_submit(s, &wb->io);
	KUNIT_ASSERT_EQ(test, clfs_memdev_complete_held(m, 0), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_complete_held(m, 0), 0);
	KUNIT_EXPECT_EQ(test, wa->err, 0);
	KUNIT_EXPECT_EQ(test, wb->err, 0);
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_EXPECT_EQ(test, peek_cmp(m, 512, b, 512, got), 0);
	KUNIT_EXPECT_EQ(test, peek_zero(m, 0, 512, got), 0);
}

static void clfs_memdev_flush_not_completed_makes_nothing_durable(
	struct kunit *test)
{
	u8 *a = kbuf(test, 512), *got = kbuf(test, 512);
	struct tio *f = new_tio(test, NULL);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(a, 512, 12);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 0, a, 512, 0), 0);
	clfs_memdev_set_completion(m, CLFS_MEMDEV_HOLD);
	tio_prep(f, CLFS_IO_FLUSH, 0, 0, NULL, 0);
	clfs_storage_submit(s, &f->io);
	/* Power fails before the flush is acknowledged. */
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_EXPECT_EQ(test, f->calls, 1);
	KUNIT_EXPECT_EQ(test, f->err, -EIO);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_held(m), 0U);
	KUNIT_EXPECT_EQ(test, peek_zero(m, 0, 512, got), 0);
}

struct keep_ctx {
	unsigned int keep_index;
	unsigned int seen;
	struct clfs_memdev_write w[4];
};

static bool keep_one(void *arg, const struct clfs_memdev_write *w)
{
	struct keep_ctx *k = arg;

	if (k->seen < ARRAY_SIZE(k->w))
		k->w[k->seen] = *w;
	k->seen++;
	return w->index == k->keep_index;
}

static void clfs_memdev_power_cycle_keeps_chosen_unflushed_writes(
	struct kunit *test)
{
	u8 *d = kbuf(test, 3 * 512), *got = kbuf(test, 512);
	struct keep_ctx *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, k);
	fill(d, 3 * 512, 13);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, i * 512,
							      d + i * 512, 512,
							      0), 0);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(m), 3U);
	/* The cache wrote back the middle write only: a reordering. */
	k->keep_index = 1;
	clfs_memdev_power_cycle(m, keep_one, k);
	KUNIT_EXPECT_EQ(test, k->seen, 3U);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, k->w[i].index, (unsigned int)i);
		KUNIT_EXPECT_EQ(test, k->w[i].offset, (u64)i * 512);
		KUNIT_EXPECT_EQ(test, k->w[i].len, 512U);
		KUNIT_EXPECT_TRUE(test, k->w[i].completed);
	}
	KUNIT_EXPECT_EQ(test, peek_zero(m, 0, 512, got), 0);
	KUNIT_EXPECT_EQ(test, peek_cmp(m, 512, d + 512, 512, got), 0);
	KUNIT_EXPECT_EQ(test, peek_zero(m, 1024, 512, got), 0);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 512, got, 512), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, d + 512, 512), 0);
}

static void clfs_memdev_kept_preflush_write_keeps_what_it_covered(
	struct kunit *test)
{
	u8 *a = kbuf(test, 512), *b = kbuf(test, 512), *got = kbuf(test, 512);
	struct keep_ctx *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct tio *wb = new_tio(test, NULL);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	KUNIT_ASSERT_NOT_NULL(test, k);
	fill(a, 512, 14);
	fill(b, 512, 15);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 0, a, 512, 0), 0);
	clfs_memdev_set_completion(m, CLFS_MEMDEV_HOLD);
	tio_prep(wb, CLFS_IO_WRITE, CLFS_IO_PREFLUSH, 512, b, 512);
	clfs_storage_submit(s, &wb->io);
	/* Power fails with @b performed but not acknowledged; keep it. */
	k->keep_index = 1;
	clfs_memdev_power_cycle(m, keep_one, k);
	KUNIT_EXPECT_EQ(test, k->seen, 2U);
	KUNIT_EXPECT_TRUE(test, k->w[0].completed);
	KUNIT_EXPECT_FALSE(test, k->w[1].completed);
	KUNIT_EXPECT_EQ(test, k->w[1].flags, CLFS_IO_PREFLUSH);
	KUNIT_EXPECT_EQ(test, wb->err, -EIO);
	/* @b's flush ran before @b's data could land: @a is there too. */
	KUNIT_EXPECT_EQ(test, peek_cmp(m, 512, b, 512, got), 0);
	KUNIT_EXPECT_EQ(test, peek_cmp(m, 0, a, 512, got), 0);
}

static void clfs_memdev_power_cycle_fails_held_io_with_eio(struct kunit *test)
{
	u8 *a = kbuf(test, 512), *r = kbuf(test, 512);
	struct tio *w = new_tio(test, NULL), *rd = new_tio(test, NULL);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);
	struct clfs_memdev_stats st;

	fill(a, 512, 16);
	clfs_memdev_set_completion(m, CLFS_MEMDEV_HOLD);
	tio_prep(w, CLFS_IO_WRITE, CLFS_IO_FUA, 0, a, 512);
	clfs_storage_submit(s, &w->io);
	tio_prep(rd, CLFS_IO_READ, 0, 0, r, 512);
	clfs_storage_submit(s, &rd->io);
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_EXPECT_EQ(test, w->calls, 1);
	KUNIT_EXPECT_EQ(test, w->err, -EIO);
	KUNIT_EXPECT_EQ(test, rd->calls, 1);
	KUNIT_EXPECT_EQ(test, rd->err, -EIO);
	/* Not acknowledged, so a FUA write may be lost too. */
	KUNIT_EXPECT_EQ(test, peek_zero(m, 0, 512, r), 0);
	clfs_memdev_get_stats(m, &st);
	KUNIT_EXPECT_EQ(test, st.failed, 2ULL);
	KUNIT_EXPECT_EQ(test, st.power_cycles, 1ULL);
}

/* ---- memdev: injected faults -------------------------------------------- */

static void clfs_memdev_nth_write_fails_with_eio_through_end_io(
	struct kunit *test)
{
	u8 *d = kbuf(test, 512);
	struct tio *t[3] = {
		new_tio(test, NULL), new_tio(test, NULL), new_tio(test, NULL),
	};
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);
	int i;

	clfs_memdev_inject_write_fault(m, 2, false);
	for (i = 0; i < 3; i++) {
		tio_prep(t[i], CLFS_IO_WRITE, 0, i * 512, d, 512);
		clfs_storage_submit(s, &t[i]->io);
		KUNIT_EXPECT_EQ(test, t[i]->calls, 1);
	}
	KUNIT_EXPECT_EQ(test, t[0]->err, 0);
	KUNIT_EXPECT_EQ(test, t[1]->err, -EIO);
	KUNIT_EXPECT_EQ(test, t[2]->err, 0);
}

static void clfs_memdev_nth_write_fails_with_eio_through_sync_helper(
	struct kunit *test)
{
	u8 *d = kbuf(test, 512);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	clfs_memdev_inject_write_fault(m, 1, false);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512, 0), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512, 0), 0);
	/* Reads and flushes are not writes. */
	clfs_memdev_inject_write_fault(m, 1, false);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 0, d, 512), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(s), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512,
						      CLFS_IO_FUA), -EIO);
}

static void clfs_memdev_sticky_write_fault_fails_every_later_write(
	struct kunit *test)
{
	u8 *d = kbuf(test, 512);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);
	int i;

	clfs_memdev_inject_write_fault(m, 2, true);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512, 0), 0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512, 0),
				-EIO);
	clfs_memdev_clear_faults(m);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512, 0), 0);
}

static void clfs_memdev_failed_write_changes_nothing(struct kunit *test)
{
	u8 *old = kbuf(test, 1024), *new = kbuf(test, 1024);
	u8 *got = kbuf(test, 1024);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(old, 1024, 17);
	fill(new, 1024, 18);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 0, old, 1024,
						      CLFS_IO_FUA), 0);
	clfs_memdev_inject_write_fault(m, 1, false);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, new, 1024,
						      CLFS_IO_FUA), -EIO);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 0, got, 1024), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, old, 1024), 0);
	KUNIT_EXPECT_EQ(test, peek_cmp(m, 0, old, 1024, got), 0);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(m), 0U);
}

static void clfs_memdev_failed_flush_is_reported_and_makes_nothing_durable(
	struct kunit *test)
{
	u8 *a = kbuf(test, 512), *b = kbuf(test, 512), *got = kbuf(test, 1024);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(a, 512, 19);
	fill(b, 512, 20);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 0, a, 512, 0), 0);
	clfs_memdev_inject_flush_fault(m, 1, false);
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(s), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(m), 1U);
	/* A PREFLUSH write counts as a flush, and fails without writing. */
	clfs_memdev_inject_flush_fault(m, 1, false);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 512, b, 512,
						      CLFS_IO_PREFLUSH |
						      CLFS_IO_FUA), -EIO);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 512, got, 512), 0);
	KUNIT_EXPECT_TRUE(test, all_zero(got, 512));
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_EXPECT_EQ(test, peek_zero(m, 0, 1024, got), 0);
	/* The fault was one-shot: the next flush works. */
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 0, a, 512, 0), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(s), 0);
	KUNIT_EXPECT_EQ(test, peek_cmp(m, 0, a, 512, got), 0);
}

static void clfs_memdev_torn_write_keeps_exactly_first_sectors(
	struct kunit *test)
{
	unsigned int ss = param_sector(test);
	u32 len = 8 * ss, keep = 3 * ss;
	u8 *old = kbuf(test, len), *new = kbuf(test, len);
	u8 *got = kbuf(test, len);
	struct clfs_memdev *m = new_memdev(test, ss, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(old, len, 21);
	fill(new, len, 22);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 4 * ss, old, len,
						      CLFS_IO_FUA), 0);
	clfs_memdev_inject_torn_write(m, 1, 3);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 4 * ss, new, len,
						      CLFS_IO_FUA), -EIO);
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_ASSERT_EQ(test, clfs_memdev_peek(m, 4 * ss, got, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, new, keep), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got + keep, old + keep, len - keep), 0);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 4 * ss, got, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, new, keep), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got + keep, old + keep, len - keep), 0);
}

static void clfs_memdev_torn_write_kills_device_until_power_cycle(
	struct kunit *test)
{
	u8 *d = kbuf(test, 2048), *got = kbuf(test, 512);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(d, 2048, 23);
	/* The second write tears; the first is in the cache, unflushed. */
	clfs_memdev_inject_torn_write(m, 2, 1);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 8192, d, 512, 0), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 2048, 0), -EIO);
	KUNIT_EXPECT_TRUE(test, clfs_memdev_is_dead(m));
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 0, got, 512), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512, 0), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(s), -EIO);
	/* Only a power cycle brings it back; the torn sector stays. */
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(m), 1U);
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_EXPECT_FALSE(test, clfs_memdev_is_dead(m));
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 0, got, 512), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, d, 512), 0);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 512, got, 512), 0);
	KUNIT_EXPECT_TRUE(test, all_zero(got, 512));
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 8192, got, 512), 0);
	KUNIT_EXPECT_TRUE(test, all_zero(got, 512));
}

/* A cut under an open log: the cache is lost now, and the device stays off. */
static void clfs_memdev_power_cut_stays_off_until_power_cycle(
	struct kunit *test)
{
	u8 *d = kbuf(test, 512), *got = kbuf(test, 512);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(d, 512, 25);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512, CLFS_IO_FUA), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 4096, d, 512, 0), 0);
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(m), 1U);
	clfs_memdev_power_cut(m, NULL, NULL);
	KUNIT_EXPECT_TRUE(test, clfs_memdev_is_dead(m));
	KUNIT_EXPECT_EQ(test, clfs_memdev_nr_unflushed(m), 0U);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 0, got, 512), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512, 0), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(s), -EIO);
	/* Power back: the FUA write is there, the cached one is not. */
	clfs_memdev_power_cycle(m, NULL, NULL);
	KUNIT_EXPECT_FALSE(test, clfs_memdev_is_dead(m));
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 0, got, 512), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, d, 512), 0);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 4096, got, 512), 0);
	KUNIT_EXPECT_TRUE(test, all_zero(got, 512));
}

static void clfs_memdev_bad_range_fails_overlapping_reads(struct kunit *test)
{
	u8 *d = kbuf(test, 2048), *got = kbuf(test, 2048);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(d, 512, 24);
	clfs_memdev_inject_bad_range(m, 512, 512);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 0, got, 512), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 1024, got, 512), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 512, got, 512), -EIO);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 0, got, 2048), -EIO);
	/* Writing does not heal it. */
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 512, d, 512, 0), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 512, got, 512), -EIO);
	clfs_memdev_inject_bad_range(m, 0, 0);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 512, got, 512), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, d, 512), 0);
}

static void clfs_memdev_read_only_refuses_writes_and_flushes(
	struct kunit *test)
{
	u8 *d = kbuf(test, 512);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);
	struct clfs_memdev_stats st;

	clfs_memdev_set_read_only(m, true);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512, 0), -EROFS);
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(s), -EROFS);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 0, d, 512), 0);
	clfs_memdev_get_stats(m, &st);
	KUNIT_EXPECT_EQ(test, st.writes, 0ULL);
	KUNIT_EXPECT_EQ(test, st.flushes, 0ULL);
	clfs_memdev_set_read_only(m, false);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512, 0), 0);
}

/* ---- memdev: buffers, completions, counters, direct access -------------- */

static void clfs_memdev_kmalloc_buffer_round_trip(struct kunit *test)
{
	unsigned int ss = param_sector(test);
	u8 *w = kbuf(test, SZ_16K), *r = kbuf(test, SZ_16K);
	struct clfs_memdev *m = new_memdev(test, ss, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(w, SZ_16K, 25);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, ss, w, SZ_16K, 0), 0);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, ss, r, SZ_16K), 0);
	KUNIT_EXPECT_EQ(test, memcmp(r, w, SZ_16K), 0);
}

static void clfs_memdev_page_buffer_round_trip(struct kunit *test)
{
	unsigned int ss = param_sector(test);
	u32 len = PAGE_SIZE << PBUF_ORDER;
	u8 *w = pbuf(test), *r = pbuf(test);
	struct clfs_memdev *m = new_memdev(test, ss, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(w, len, 26);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 0, w, len, 0), 0);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 0, r, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(r, w, len), 0);
}

static void clfs_memdev_vmalloc_buffer_round_trip(struct kunit *test)
{
	unsigned int ss = param_sector(test);
	u32 len = 5 * PAGE_SIZE;
	u8 *w = vbuf(test, len + PAGE_SIZE), *r = vbuf(test, len + PAGE_SIZE);
	struct clfs_memdev *m = new_memdev(test, ss, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	/* Starting one sector into a page, so pages are crossed mid-I/O. */
	fill(w + ss, len, 27);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 2 * ss, w + ss, len,
						      CLFS_IO_FUA), 0);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 2 * ss, r, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(r, w + ss, len), 0);
	KUNIT_EXPECT_EQ(test, peek_cmp(m, 2 * ss, w + ss, len, r), 0);
}

static void clfs_memdev_completes_in_hardirq_before_submit_returns(
	struct kunit *test)
{
	u8 *d = kbuf(test, 512);
	struct tio *t = new_tio(test, NULL);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);

	tio_prep(t, CLFS_IO_WRITE, 0, 0, d, 512);
	clfs_storage_submit(clfs_memdev_storage(m), &t->io);
	KUNIT_EXPECT_EQ(test, t->calls, 1);
	KUNIT_EXPECT_EQ(test, t->err, 0);
	KUNIT_EXPECT_TRUE(test, t->hardirq);
	/* Rejected I/Os complete in the submitter's context. */
	tio_prep(t, CLFS_IO_WRITE, 0, 1, d, 512);
	clfs_storage_submit(clfs_memdev_storage(m), &t->io);
	KUNIT_EXPECT_EQ(test, t->calls, 1);
	KUNIT_EXPECT_EQ(test, t->err, -EINVAL);
	KUNIT_EXPECT_FALSE(test, t->hardirq);
}

static void clfs_memdev_held_completions_run_in_chosen_order(
	struct kunit *test)
{
	atomic_t *ctr = kunit_kzalloc(test, sizeof(*ctr), GFP_KERNEL);
	u8 *d = kbuf(test, 3 * 512);
	struct tio *t[3];
	struct clfs_memdev *m;
	struct clfs_storage *s;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ctr);
	for (i = 0; i < 3; i++)
		t[i] = new_tio(test, ctr);
	m = new_memdev(test, 512, CAP);
	s = clfs_memdev_storage(m);

	clfs_memdev_set_completion(m, CLFS_MEMDEV_HOLD);
	for (i = 0; i < 3; i++) {
		tio_prep(t[i], i == 1 ? CLFS_IO_READ : CLFS_IO_WRITE, 0,
			 i * 512, d + i * 512, 512);
		clfs_storage_submit(s, &t[i]->io);
	}
	KUNIT_ASSERT_EQ(test, clfs_memdev_nr_held(m), 3U);
	KUNIT_EXPECT_EQ(test, t[0]->calls + t[1]->calls + t[2]->calls, 0);
	KUNIT_EXPECT_PTR_EQ(test, clfs_memdev_held_io(m, 2), &t[2]->io);
	KUNIT_EXPECT_NULL(test, clfs_memdev_held_io(m, 3));
	/* Newest first, then the oldest, then the one left. */
	KUNIT_ASSERT_EQ(test, clfs_memdev_complete_held(m, 2), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_complete_held(m, 0), 0);
	KUNIT_EXPECT_PTR_EQ(test, clfs_memdev_held_io(m, 0), &t[1]->io);
	KUNIT_ASSERT_EQ(test, clfs_memdev_complete_held(m, 0), 0);
	KUNIT_EXPECT_EQ(test, clfs_memdev_complete_held(m, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, t[2]->order, 1);
	KUNIT_EXPECT_EQ(test, t[0]->order, 2);
	KUNIT_EXPECT_EQ(test, t[1]->order, 3);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, t[i]->calls, 1);
		KUNIT_EXPECT_EQ(test, t[i]->err, 0);
		KUNIT_EXPECT_TRUE(test, t[i]->hardirq);
	}
}

#define NR_ASYNC	32

static void clfs_memdev_async_completions_all_arrive(struct kunit *test)
{
	u8 *d = kbuf(test, NR_ASYNC * 512), *got = kbuf(test, NR_ASYNC * 512);
	struct tio **t = kunit_kcalloc(test, NR_ASYNC, sizeof(*t), GFP_KERNEL);
	struct clfs_memdev *m;
	struct clfs_storage *s;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < NR_ASYNC; i++)
		t[i] = new_tio(test, NULL);
	m = new_memdev(test, 512, CAP);
	s = clfs_memdev_storage(m);

	fill(d, NR_ASYNC * 512, 28);
	clfs_memdev_set_completion(m, CLFS_MEMDEV_ASYNC);
	for (i = 0; i < NR_ASYNC; i++) {
		tio_prep(t[i], CLFS_IO_WRITE, 0, i * 512, d + i * 512, 512);
		clfs_storage_submit(s, &t[i]->io);
	}
	clfs_memdev_drain(m);
	for (i = 0; i < NR_ASYNC; i++) {
		KUNIT_EXPECT_EQ(test, t[i]->calls, 1);
		KUNIT_EXPECT_EQ(test, t[i]->err, 0);
		KUNIT_EXPECT_TRUE(test, t[i]->hardirq);
	}
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 0, got,
						     NR_ASYNC * 512), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, d, NR_ASYNC * 512), 0);
}

static void clfs_memdev_counters_count_each_kind(struct kunit *test)
{
	u8 *d = kbuf(test, 2048);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);
	struct clfs_memdev_stats st;

	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 1024, 0), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512,
						      CLFS_IO_FUA), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 2048,
						      CLFS_IO_PREFLUSH |
						      CLFS_IO_FUA), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(s), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 0, d, 512), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 0, d, 1024), 0);
	/* Rejected by validation: never reaches the driver. */
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, 1, d, 512), -EINVAL);
	clfs_memdev_inject_write_fault(m, 1, false);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, 0, d, 512, 0), -EIO);
	clfs_memdev_power_cycle(m, NULL, NULL);

	clfs_memdev_get_stats(m, &st);
	KUNIT_EXPECT_EQ(test, st.writes, 4ULL);
	KUNIT_EXPECT_EQ(test, st.fua_writes, 2ULL);
	KUNIT_EXPECT_EQ(test, st.preflushes, 1ULL);
	KUNIT_EXPECT_EQ(test, st.flushes, 1ULL);
	KUNIT_EXPECT_EQ(test, st.reads, 2ULL);
	KUNIT_EXPECT_EQ(test, st.bytes_written, 1024ULL + 512 + 2048 + 512);
	KUNIT_EXPECT_EQ(test, st.bytes_read, 512ULL + 1024);
	KUNIT_EXPECT_EQ(test, st.failed, 1ULL);
	KUNIT_EXPECT_EQ(test, st.power_cycles, 1ULL);
}

static void clfs_memdev_poke_changes_medium_and_uncached_reads(
	struct kunit *test)
{
	static const u8 junk[4] = { 0xde, 0xad, 0xbe, 0xef };
	u8 *x = kbuf(test, 512), *y = kbuf(test, 512), *got = kbuf(test, 512);
	struct clfs_memdev *m = new_memdev(test, 512, CAP);
	struct clfs_storage *s = clfs_memdev_storage(m);

	fill(x, 512, 29);
	fill(y, 512, 30);
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 0, x, 512,
						      CLFS_IO_FUA), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(m, 100, junk, sizeof(junk)), 0);
	memcpy(x + 100, junk, sizeof(junk));
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 0, got, 512), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, x, 512), 0);
	KUNIT_EXPECT_EQ(test, peek_cmp(m, 0, x, 512, got), 0);

	/* A newer write still in the cache shadows the medium for reads. */
	KUNIT_ASSERT_EQ(test, clfs_storage_write_sync(s, 512, y, 512, 0), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_poke(m, 512 + 8, junk, sizeof(junk)),
			0);
	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, 512, got, 512), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, y, 512), 0);
	KUNIT_ASSERT_EQ(test, clfs_memdev_peek(m, 512 + 8, got, sizeof(junk)),
			0);
	KUNIT_EXPECT_EQ(test, memcmp(got, junk, sizeof(junk)), 0);
}

static void clfs_memdev_peek_and_poke_reject_out_of_range(struct kunit *test)
{
	u8 b[2] = { 0 };
	struct clfs_memdev *m = new_memdev(test, 512, CAP);

	KUNIT_EXPECT_EQ(test, clfs_memdev_peek(m, CAP - 1, b, 2), -ERANGE);
	KUNIT_EXPECT_EQ(test, clfs_memdev_poke(m, CAP, b, 1), -ERANGE);
	KUNIT_EXPECT_EQ(test, clfs_memdev_poke(m, U64_MAX, b, 2), -ERANGE);
	KUNIT_EXPECT_EQ(test, clfs_memdev_peek(m, CAP - 2, b, 2), 0);
}

/* ---- block device driver ------------------------------------------------ */

static void clfs_storage_bdev_open_rejects_unknown_flags(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_storage_open("/dev/vda", 1U << 4)),
			(long)-EINVAL);
}

static void clfs_storage_bdev_open_fails_on_missing_path(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTR_ERR(clfs_storage_open("/nonexistent/clfs", 0)),
			(long)-ENOENT);
}

static void clfs_storage_bdev_open_refuses_a_non_block_file(
	struct kunit *test)
{
	struct clfs_storage *s = clfs_storage_open("/dev/null", 0);

	/* -ENOTBLK where /dev/null exists; anything but success anyway. */
	KUNIT_EXPECT_TRUE(test, IS_ERR(s));
	if (!IS_ERR(s))
		clfs_storage_release(s);
}

static void storage_ref_free(struct kunit_resource *res)
{
	struct clfs_storage **sp = res->data;

	clfs_storage_release(*sp);
}

/* Releases *@sp at the end of the case unless the case already did. */
static void track_storage(struct kunit *test, struct clfs_storage **sp)
{
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, res_set_data,
							 storage_ref_free,
							 GFP_KERNEL, sp));
}

/* More than BIO_MAX_VECS (256) pages: the driver must split it. */
#define BDEV_BIG	(SZ_2M + 3 * PAGE_SIZE)
#define BDEV_SMALL	SZ_16K

static void bdev_round_trip(struct kunit *test, const char *path,
			    struct clfs_storage **sp)
{
	u8 *saved = vbuf(test, BDEV_BIG), *vw = vbuf(test, BDEV_BIG);
	u8 *vr = vbuf(test, BDEV_BIG);
	u8 *kw = kbuf(test, BDEV_SMALL), *kr = kbuf(test, BDEV_SMALL);
	struct clfs_storage *s = *sp, *again;
	unsigned int ss = s->sector_size;
	u64 base;

	kunit_info(test, "%s: %s, %u-byte sectors, %llu bytes, %s cache\n",
		   path, s->name, ss, s->capacity,
		   s->volatile_cache ? "volatile" : "no volatile");
	KUNIT_EXPECT_TRUE(test, ss == 512 || ss == 4096);
	KUNIT_ASSERT_GE(test, s->capacity, 2ULL * BDEV_BIG);
	/* The end of the disk, where a test of the guest is least likely to look. */
	base = s->capacity - BDEV_BIG;

	again = clfs_storage_open(path, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(again), (long)-EBUSY);
	if (!IS_ERR(again))
		clfs_storage_release(again);

	KUNIT_ASSERT_EQ(test, clfs_storage_read_sync(s, base, saved, BDEV_BIG),
			0);

	/* vmalloc memory, several bios. */
	fill(vw, BDEV_BIG, 31);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, base, vw, BDEV_BIG, 0),
			0);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, base, vr, BDEV_BIG), 0);
	KUNIT_EXPECT_EQ(test, memcmp(vr, vw, BDEV_BIG), 0);

	/* vmalloc memory starting one sector into a page. */
	fill(vw + ss, BDEV_BIG - 2 * ss, 32);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, base + ss, vw + ss,
						      BDEV_BIG - 2 * ss,
						      CLFS_IO_FUA), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, base + ss, vr + ss,
						     BDEV_BIG - 2 * ss), 0);
	KUNIT_EXPECT_EQ(test, memcmp(vr + ss, vw + ss, BDEV_BIG - 2 * ss), 0);

	/* kmalloc memory, with both flags, then an empty flush. */
	fill(kw, BDEV_SMALL, 33);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, base, kw, BDEV_SMALL,
						      CLFS_IO_PREFLUSH |
						      CLFS_IO_FUA), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, base, kr, BDEV_SMALL),
			0);
	KUNIT_EXPECT_EQ(test, memcmp(kr, kw, BDEV_SMALL), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(s), 0);

	/* Past the end, as the validator promises. */
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, s->capacity, kr, ss),
			-ERANGE);

	/* Read-only: reads see the data, writes and flushes are refused. */
	clfs_storage_release(s);
	*sp = NULL;
	s = clfs_storage_open(path, CLFS_STORAGE_READ_ONLY);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	*sp = s;
	KUNIT_EXPECT_TRUE(test, s->read_only);
	KUNIT_EXPECT_EQ(test, clfs_storage_read_sync(s, base, kr, BDEV_SMALL),
			0);
	KUNIT_EXPECT_EQ(test, memcmp(kr, kw, BDEV_SMALL), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, base, kw, BDEV_SMALL,
						      0), -EROFS);
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(s), -EROFS);

	/* Release dropped the claim at once: a writable open works again. */
	clfs_storage_release(s);
	*sp = NULL;
	s = clfs_storage_open(path, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	*sp = s;
	KUNIT_EXPECT_EQ(test, clfs_storage_write_sync(s, base, saved, BDEV_BIG,
						      CLFS_IO_FUA), 0);
	KUNIT_EXPECT_EQ(test, clfs_storage_flush_sync(s), 0);
}

static void clfs_storage_bdev_round_trip_on_guest_disk(struct kunit *test)
{
	static const char * const disks[] = {
		"/dev/vda", "/dev/vdb", "/dev/nvme0n1",
	};
	struct clfs_storage **sp = kunit_kzalloc(test, sizeof(*sp), GFP_KERNEL);
	int i, tested = 0;

	KUNIT_ASSERT_NOT_NULL(test, sp);
	track_storage(test, sp);
	for (i = 0; i < ARRAY_SIZE(disks); i++) {
		struct clfs_storage *s = clfs_storage_open(disks[i], 0);

		/* Absent or in use: not a scratch disk of this guest. */
		if (IS_ERR(s)) {
			kunit_info(test, "%s: not used (%ld)\n", disks[i],
				   PTR_ERR(s));
			continue;
		}
		*sp = s;
		bdev_round_trip(test, disks[i], sp);
		clfs_storage_release(*sp);
		*sp = NULL;
		tested++;
	}
	if (!tested)
		kunit_skip(test, "no scratch disk in this machine");
}

static struct kunit_case clfs_storage_cases[] = {
	KUNIT_CASE_PARAM(clfs_storage_validation_rule, vcase_gen_params),
	KUNIT_CASE(clfs_storage_rejects_stack_buffer),
	KUNIT_CASE(clfs_storage_rejects_module_data_buffer),
	KUNIT_CASE(clfs_storage_accepts_kmalloc_page_and_vmalloc_buffers),
	KUNIT_CASE(clfs_storage_sync_helpers_return_validation_errors),
	KUNIT_CASE(clfs_storage_init_rejects_bad_geometry),
	KUNIT_CASE(clfs_storage_release_calls_the_driver_once),
	KUNIT_CASE(clfs_memdev_create_rejects_bad_geometry),
	KUNIT_CASE_PARAM(clfs_memdev_starts_zeroed_with_a_volatile_cache,
			 sector_gen_params),
	KUNIT_CASE(clfs_memdev_from_storage_refuses_other_drivers),
	KUNIT_CASE_PARAM(clfs_memdev_read_after_write_sees_the_write,
			 sector_gen_params),
	KUNIT_CASE_PARAM(clfs_memdev_unflushed_write_is_lost_on_power_cycle,
			 sector_gen_params),
	KUNIT_CASE_PARAM(clfs_memdev_flushed_write_survives_power_cycle,
			 sector_gen_params),
	KUNIT_CASE_PARAM(clfs_memdev_fua_write_survives_without_flush,
			 sector_gen_params),
	KUNIT_CASE(clfs_memdev_preflush_write_makes_earlier_writes_durable),
	KUNIT_CASE(clfs_memdev_flush_covers_write_completed_before_it),
	KUNIT_CASE(clfs_memdev_flush_does_not_cover_write_in_flight),
	KUNIT_CASE(clfs_memdev_preflush_write_does_not_cover_write_in_flight),
	KUNIT_CASE(clfs_memdev_flush_not_completed_makes_nothing_durable),
	KUNIT_CASE(clfs_memdev_power_cycle_keeps_chosen_unflushed_writes),
	KUNIT_CASE(clfs_memdev_kept_preflush_write_keeps_what_it_covered),
	KUNIT_CASE(clfs_memdev_power_cycle_fails_held_io_with_eio),
	KUNIT_CASE(clfs_memdev_nth_write_fails_with_eio_through_end_io),
	KUNIT_CASE(clfs_memdev_nth_write_fails_with_eio_through_sync_helper),
	KUNIT_CASE(clfs_memdev_sticky_write_fault_fails_every_later_write),
	KUNIT_CASE(clfs_memdev_failed_write_changes_nothing),
	KUNIT_CASE(clfs_memdev_failed_flush_is_reported_and_makes_nothing_durable),
	KUNIT_CASE_PARAM(clfs_memdev_torn_write_keeps_exactly_first_sectors,
			 sector_gen_params),
	KUNIT_CASE(clfs_memdev_torn_write_kills_device_until_power_cycle),
	KUNIT_CASE(clfs_memdev_power_cut_stays_off_until_power_cycle),
	KUNIT_CASE(clfs_memdev_bad_range_fails_overlapping_reads),
	KUNIT_CASE(clfs_memdev_read_only_refuses_writes_and_flushes),
	KUNIT_CASE_PARAM(clfs_memdev_kmalloc_buffer_round_trip,
			 sector_gen_params),
	KUNIT_CASE_PARAM(clfs_memdev_page_buffer_round_trip, sector_gen_params),
	KUNIT_CASE_PARAM(clfs_memdev_vmalloc_buffer_round_trip,
			 sector_gen_params),
	KUNIT_CASE(clfs_memdev_completes_in_hardirq_before_submit_returns),
	KUNIT_CASE(clfs_memdev_held_completions_run_in_chosen_order),
	KUNIT_CASE(clfs_memdev_async_completions_all_arrive),
	KUNIT_CASE(clfs_memdev_counters_count_each_kind),
	KUNIT_CASE(clfs_memdev_poke_changes_medium_and_uncached_reads),
	KUNIT_CASE(clfs_memdev_peek_and_poke_reject_out_of_range),
	KUNIT_CASE(clfs_storage_bdev_open_rejects_unknown_flags),
	KUNIT_CASE(clfs_storage_bdev_open_fails_on_missing_path),
	KUNIT_CASE(clfs_storage_bdev_open_refuses_a_non_block_file),
	KUNIT_CASE(clfs_storage_bdev_round_trip_on_guest_disk),
	{}
};

static struct kunit_suite clfs_storage_suite = {
	.name = "clfs_storage",
	.test_cases = clfs_storage_cases,
};

kunit_test_suites(&clfs_storage_suite);
