/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mapping a clfs_io buffer into bios, for the drivers built on the block
 * layer (clfs_bdev.c, clfs_zoned.c).
 *
 * Buffers are kmalloc, page-allocator or vmalloc memory (<linux/
 * clfs_storage.h>) and are mapped page by page. Chunks end at page
 * boundaries; the buffer and the length are sector aligned and a sector
 * is at most a page, so every chunk, and every bio, is whole sectors.
 */
#ifndef _CLFS_BIO_H
#define _CLFS_BIO_H

#include <linux/bio.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

/* Vectors a bio needs for the next @left bytes at @p, capped. */
static inline unsigned int clfs_bio_nr_vecs(const u8 *p, u32 left)
{
	return min_t(unsigned long, BIO_MAX_VECS,
		     DIV_ROUND_UP(offset_in_page(p) + left, PAGE_SIZE));
}

/*
 * Add as much of the @*left bytes at @*p to @bio as it takes, moving both
 * on. Returns the bytes added: 0 only if the bio refused its first page.
 */
static inline u32 clfs_bio_fill(struct bio *bio, u8 **p, u32 *left)
{
	bool vmapped = is_vmalloc_addr(*p);
	u32 added = 0;

	while (*left) {
		unsigned int off = offset_in_page(*p);
		unsigned int n = min_t(u32, *left, PAGE_SIZE - off);
		struct page *page;

		page = vmapped ? vmalloc_to_page(*p) : virt_to_page(*p);
		if (bio_add_page(bio, page, n, off) != n)
			break;
		*p += n;
		*left -= n;
		added += n;
	}
	return added;
}

#endif /* _CLFS_BIO_H */
