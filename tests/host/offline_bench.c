// SPDX-License-Identifier: GPL-2.0
/*
 * How fast does clfsctl check read a big log? Builds a log image of the
 * given size with the format code (4 MiB containers, 64 KiB blocks of
 * records from 100 bytes to 8 KiB, four streams), then checks it twice:
 * once after dropping the image from the page cache (the disk's speed
 * matters), once with it cached (the checker's own speed).
 *
 *   offline_bench IMAGE [MIB]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "imgbuild.h"
#include "offline/offline.h"

#define CONT_BYTES	(4ULL << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run(const char *path, const char *what)
{
	struct off_check_opts o = { 0 };
	struct off_report *r = malloc(sizeof(*r));
	int status;

	if (!r)
		return 1;
	status = off_check_run(r, path, &o);
	printf("%s: status %d, %llu blocks, %llu records, %.1f MiB of blocks, %.1f MiB read in %llu reads, %.3f s: %.0f MB/s\n",
	       what, status, (unsigned long long)r->blocks,
	       (unsigned long long)r->records, r->bytes / 1048576.0,
	       r->img.bytes_read / 1048576.0,
	       (unsigned long long)r->img.nr_reads, r->seconds,
	       r->img.bytes_read / 1e6 / r->seconds);
	off_report_free(r);
	free(r);
	return status;
}

int main(int argc, char **argv)
{
	u64 mib = argc > 2 ? strtoull(argv[2], NULL, 0) : 1024;
	u64 dev = mib << 20, target;
	u32 slots = (dev - CLFS_MD_AREA_BYTES) / CONT_BYTES;
	static u8 data[8192];
	struct img *im = malloc(sizeof(*im));
	double t0;
	u64 i = 0;
	int fd;

	if (argc < 2 || !im || slots < 2 || slots > CLFS_MAX_CONTAINERS) {
		fprintf(stderr, "usage: offline_bench IMAGE [MIB: 8 to 4096]\n");
		return 2;
	}
	t0 = now();
	if (img_create(im, argv[1], dev, 512, CONT_BYTES, slots, slots,
		       CLFS_MD_LOG_MULTIPLEXED, 65536)) {
		perror(argv[1]);
		return 2;
	}
	for (i = 0; i < 4; i++)
		img_stream_create(im, i);
	/* Leave the last container free. */
	target = (u64)(slots - 1) * CONT_BYTES;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (u8)(i * 7);
	for (i = 0; (u64)im->md.next_cid - 1 < slots - 1 ||
		    clfs_lsn_block_offset(im->head) < CONT_BYTES / 2; i++) {
		u32 len = 100 + (i * 2654435761U) % 8092;

		img_append(im, (i / 8) % 4, CLFS_REC_DATA, data, len,
			   CLFS_LSN_NULL, CLFS_LSN_NULL);
	}
	img_new_epoch(im);
	img_close(im);
	printf("built %s: %llu MiB device, %u containers of 4 MiB, %llu blocks, %llu records in %.1f s\n",
	       argv[1], (unsigned long long)mib, slots,
	       (unsigned long long)im->blocks, (unsigned long long)im->records,
	       now() - t0);
	(void)target;
	free(im);

	fd = open(argv[1], O_RDONLY);
	if (fd >= 0) {
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
	if (run(argv[1], "check, image not cached") ||
	    run(argv[1], "check, image cached"))
		return 1;
	return 0;
}
