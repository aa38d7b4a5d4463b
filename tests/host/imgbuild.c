// SPDX-License-Identifier: GPL-2.0
/*
 * Build clfs log images in files (see imgbuild.h). Any failure of the
 * format code here is a bug in the builder or the test: abort loudly.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "imgbuild.h"

static const u8 img_uuid[16] = {
	0xc1, 0xf5, 0x10, 0x90, 0x21, 0x43, 0x65, 0x87,
	0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78,
};

#define MAX_BLOCKS_LOG	(1U << 22)

static void die(const char *what, long v)
{
	fprintf(stderr, "imgbuild: %s (%ld)\n", what, v);
	abort();
}

void img_commit(struct img *im)
{
	u8 *copy;
	int n;

	im->md.generation++;
	copy = im->dev + clfs_md_copy_offset(
		clfs_md_copy_of_generation(im->md.generation));
	memset(copy, 0, CLFS_MD_COPY_BYTES);
	n = clfs_md_encode(&im->md, copy, CLFS_MD_COPY_BYTES);
	if (n < 0)
		die("clfs_md_encode", n);
}

void img_new_epoch(struct img *im)
{
	img_seal(im);
	im->md.epoch++;
	im->md.epoch_start_lsn = im->head;
	img_commit(im);
	img_commit(im);
}

u64 img_dev_off(const struct img *im, u64 lsn)
{
	u64 off;
	int ret = clfs_md_lsn_to_dev(&im->md, lsn, &off);

	if (ret)
		die("clfs_md_lsn_to_dev", ret);
	return off;
}

int img_create(struct img *im, const char *path, u64 dev_bytes,
	       u32 sector_bytes, u64 container_bytes, u32 nr_slots,
	       u32 nr_containers, u32 log_flags, u32 block_bytes)
{
	struct clfs_md_geometry geo = {
		.sector_bytes = sector_bytes,
		.nr_slots = nr_slots,
		.container_bytes = container_bytes,
		.data_start_bytes = CLFS_MD_AREA_BYTES,
		.device_bytes = dev_bytes,
	};
	int n;

	memset(im, 0, sizeof(*im));
	snprintf(im->path, sizeof(im->path), "%s", path);
	im->fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (im->fd < 0 || ftruncate(im->fd, dev_bytes))
		return -1;
	im->dev = mmap(NULL, dev_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
		       im->fd, 0);
	if (im->dev == MAP_FAILED)
		return -1;
	im->dev_bytes = dev_bytes;
	im->block_bytes = block_bytes;
	im->blk = aligned_alloc(4096, CLFS_BLK_MAX_BYTES);
	im->blk_lsns = malloc(MAX_BLOCKS_LOG * sizeof(u64));
	if (!im->blk || !im->blk_lsns)
		die("out of memory", 0);
	n = clfs_md_format(&im->md, &geo, nr_containers, log_flags, img_uuid);
	if (n)
		die("clfs_md_format", n);
	/* As the formatter: generation 0 to copy 0, then 1 to copy 1. */
	im->md.generation = (u64)-1;
	img_commit(im);
	img_commit(im);
	im->head = im->md.recovery_lsn;
	im->blk_lsn = CLFS_LSN_NULL;
	/* As an open: a new epoch at the (empty) end. */
	img_new_epoch(im);
	return 0;
}

/* Activate the next container under the next logical id, durably. */
static void img_activate(struct img *im)
{
	u32 i;

	for (i = 0; i < im->md.geo.nr_slots; i++) {
		if (im->md.containers[i].state != CLFS_CONT_FREE)
			continue;
		im->md.containers[i].state = CLFS_CONT_ACTIVE;
		im->md.containers[i].logical_id = im->md.next_cid++;
		img_commit(im);
		return;
	}
	die("log full: no free container", 0);
}

/* Make sure a block of @disk_bytes fits at the head. */
static void img_room(struct img *im, u32 disk_bytes)
{
	struct clfs_blk hdr = { .epoch = im->md.epoch };
	u64 off = clfs_lsn_block_offset(im->head);
	int n;

	if (clfs_md_cid_to_slot(&im->md, clfs_lsn_container(im->head)) < 0)
		img_activate(im);
	if (off + disk_bytes <= im->md.geo.container_bytes)
		return;
	/* Close the container early with a header-only block. */
	hdr.lsn = im->head;
	hdr.used_bytes = CLFS_BLK_HDR_BYTES;
	hdr.flags = CLFS_BLK_F_CONTAINER_END;
	n = clfs_blk_seal(&im->md, &hdr, im->blk, CLFS_BLK_MAX_BYTES);
	if (n < 0)
		die("clfs_blk_seal (container end)", n);
	memcpy(im->dev + img_dev_off(im, im->head), im->blk, n);
	hdr.disk_bytes = n;
	im->blk_lsns[im->blocks++] = im->head;
	im->head = clfs_blk_next_lsn(&im->md, &hdr);
	img_activate(im);
}

static u32 round_sector(const struct img *im, u32 v)
{
	u32 s = im->md.geo.sector_bytes;

	return (v + s - 1) / s * s;
}

/* Write the open block (@flags added) and move the head past it. */
static void img_write_open(struct img *im, u16 flags)
{
	struct clfs_blk hdr = {
		.lsn = im->blk_lsn,
		.epoch = im->md.epoch,
		.used_bytes = im->blk_used,
		.stream_id = im->blk_stream,
		.nr_records = im->blk_nr,
		.flags = flags,
	};
	int n = clfs_blk_seal(&im->md, &hdr, im->blk, CLFS_BLK_MAX_BYTES);

	if (n < 0)
		die("clfs_blk_seal", n);
	memcpy(im->dev + img_dev_off(im, im->blk_lsn), im->blk, n);
	hdr.disk_bytes = n;
	if (im->blocks >= MAX_BLOCKS_LOG)
		die("too many blocks", 0);
	im->blk_lsns[im->blocks++] = im->blk_lsn;
	im->head = clfs_blk_next_lsn(&im->md, &hdr);
	im->blk_lsn = CLFS_LSN_NULL;
}

void img_seal(struct img *im)
{
	if (im->blk_lsn != CLFS_LSN_NULL)
		img_write_open(im, 0);
}

static void img_open_block(struct img *im, u16 stream, u32 first_rec)
{
	img_room(im, round_sector(im, CLFS_BLK_HDR_BYTES + first_rec));
	im->blk_lsn = im->head;
	im->blk_used = CLFS_BLK_HDR_BYTES;
	im->blk_nr = 0;
	im->blk_stream = stream;
}

u64 img_append(struct img *im, u16 stream, u32 type, const void *data,
	       u32 len, u64 prev, u64 undo)
{
	u32 n = clfs_rec_disk_bytes(len);
	struct clfs_rec rec = {
		.prev_lsn = prev, .undo_next_lsn = undo,
		.data_bytes = len, .type = type,
	};
	int ret;

	if (!n || CLFS_BLK_HDR_BYTES + n > im->block_bytes)
		die("record too big for the block size", len);
	if (im->blk_lsn != CLFS_LSN_NULL &&
	    (im->blk_stream != stream || im->blk_used + n > im->block_bytes ||
	     im->blk_nr == CLFS_LSN_RECORDS_PER_BLOCK ||
	     clfs_lsn_block_offset(im->blk_lsn) +
	     round_sector(im, im->blk_used + n) > im->md.geo.container_bytes))
		img_seal(im);
	if (im->blk_lsn == CLFS_LSN_NULL)
		img_open_block(im, stream, n);
	rec.lsn = im->blk_lsn + im->blk_nr;
	ret = clfs_rec_encode(&im->md, &rec, im->blk + im->blk_used,
			      CLFS_BLK_MAX_BYTES - im->blk_used);
	if (ret < 0)
		die("clfs_rec_encode", ret);
	memcpy(im->blk + im->blk_used + CLFS_REC_HDR_BYTES, data, len);
	im->blk_used += n;
	im->blk_nr++;
	im->records++;
	return rec.lsn;
}

u64 img_truncate(struct img *im, u16 stream, u64 end_lsn, u64 restart_lsn)
{
	struct clfs_trunc_disk td;
	u64 lsn;

	img_seal(im);
	clfs_trunc_encode(&td, end_lsn, restart_lsn);
	lsn = img_append(im, stream, CLFS_REC_TRUNCATE, &td, sizeof(td),
			 CLFS_LSN_NULL, CLFS_LSN_NULL);
	img_write_open(im, CLFS_BLK_F_TRUNCATE);
	return lsn;
}

void img_stream_create(struct img *im, u32 id)
{
	img_seal(im);
	memset(&im->md.streams[id], 0, sizeof(im->md.streams[id]));
	im->md.streams[id].state = CLFS_STREAM_ACTIVE;
	/* The head may sit in a container not activated yet. */
	im->md.streams[id].created_lsn = im->head;
	img_commit(im);
}

void img_close(struct img *im)
{
	img_seal(im);
	msync(im->dev, im->dev_bytes, MS_SYNC);
	munmap(im->dev, im->dev_bytes);
	close(im->fd);
	free(im->blk);
	free(im->blk_lsns);
	im->blk = NULL;
	im->blk_lsns = NULL;
}
