// SPDX-License-Identifier: GPL-2.0
/*
 * clfs offline engine: the device or image file a log lives on.
 *
 * Reads go through one window of OFF_WINDOW_BYTES: a block is served from
 * memory when the window holds it, else the window is refilled from the
 * block's offset to as far ahead as the caller says is worth reading (the
 * end of the block's container: the next block of the chain may be in a
 * container anywhere on the device). A walk over a log thus costs a few
 * large sequential preads per container, not one per block or sector.
 *
 * Bytes past the end of the file read as zeroes: a truncated image then
 * shows as missing blocks, which the format code reports, rather than as
 * an I/O error that would hide everything before it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "offline.h"

/* Sector-aligned for any device, and 8-aligned as the format code wants. */
#define OFF_ALIGN	4096

int off_image_open(struct off_image *img, const char *path, bool force,
		   char *why, size_t why_len)
{
	struct stat st;
	off_t end;
	int flags = O_RDONLY | O_CLOEXEC;
	int fd, err;

	memset(img, 0, sizeof(*img));
	img->fd = -1;
	img->path = path;
	if (stat(path, &st)) {
		err = -errno;
		snprintf(why, why_len, "%s: %s", path, strerror(-err));
		return err;
	}
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
		snprintf(why, why_len, "%s: neither a block device nor a file",
			 path);
		return -EINVAL;
	}
	img->is_bdev = S_ISBLK(st.st_mode);
	/*
	 * A block device the module holds is a live log: its blocks change
	 * under the walk. O_EXCL refuses the open while anything holds the
	 * device exclusively; --force reads it anyway.
	 */
	if (img->is_bdev && !force)
		flags |= O_EXCL;
	fd = open(path, flags);
	if (fd < 0) {
		err = -errno;
		if (err == -EBUSY)
			snprintf(why, why_len,
				 "%s: device is busy: is the log open in the clfs module? (--force reads it anyway)",
				 path);
		else
			snprintf(why, why_len, "%s: %s", path, strerror(-err));
		return err;
	}
	end = lseek(fd, 0, SEEK_END);
	if (end < 0) {
		err = -errno;
		snprintf(why, why_len, "%s: size: %s", path, strerror(-err));
		close(fd);
		return err;
	}
	img->fd = fd;
	img->size = (u64)end;
	/*
	 * The module writes with bios, around the device's page cache: a
	 * page cached by an earlier reader may be older than the disk.
	 */
	if (img->is_bdev)
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	img->win = aligned_alloc(OFF_ALIGN, OFF_WINDOW_BYTES);
	if (!img->win) {
		snprintf(why, why_len, "%s: out of memory", path);
		off_image_close(img);
		return -ENOMEM;
	}
	return 0;
}

void off_image_close(struct off_image *img)
{
	if (img->fd >= 0)
		close(img->fd);
	free(img->win);
	img->fd = -1;
	img->win = NULL;
	img->win_len = 0;
}

/**
 * off_image_read() - read bytes, zeroes past the end of the device
 * @img: the device
 * @off: device offset
 * @buf: destination
 * @len: bytes
 *
 * Return: 0 or a negative errno of pread(2).
 */
int off_image_read(struct off_image *img, u64 off, void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		ssize_t n = 0;

		if (off < img->size) {
			size_t want = len;

			if (want > img->size - off)
				want = img->size - off;
			n = pread(img->fd, p, want, (off_t)off);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			img->nr_reads++;
			img->bytes_read += n;
		}
		if (n == 0) {
			/* At or past the end: the rest reads as zero. */
			memset(p, 0, len);
			return 0;
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/**
 * off_image_view() - map @len bytes at @off through the read window
 * @img: the device
 * @off: device offset
 * @len: bytes wanted, at most OFF_WINDOW_BYTES
 * @ahead_end: device offset up to which reading ahead is useful
 * @p: receives a pointer to the bytes, valid until the next view
 *
 * Return: 0 or a negative errno.
 */
int off_image_view(struct off_image *img, u64 off, u32 len, u64 ahead_end,
		   const u8 **p)
{
	u64 fill;
	int err;

	if (len > OFF_WINDOW_BYTES)
		return -EINVAL;
	if (off >= img->win_off && off - img->win_off <= img->win_len &&
	    img->win_len - (off - img->win_off) >= len) {
		*p = img->win + (off - img->win_off);
		return 0;
	}
	fill = OFF_WINDOW_BYTES;
	if (ahead_end > off && ahead_end - off < fill)
		fill = ahead_end - off;
	if (fill < len)
		fill = len;
	img->win_len = 0;
	err = off_image_read(img, off, img->win, fill);
	if (err)
		return err;
	img->win_off = off;
	img->win_len = fill;
	*p = img->win;
	return 0;
}
