// SPDX-License-Identifier: GPL-2.0
/*
 * Device-mapper ioctls, as <linux/dm-ioctl.h> documents them: a struct
 * dm_ioctl header, then the command's payload in the same buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/dm-ioctl.h>
#include "dm.h"

#define DM_BUF_BYTES	4096

union dm_buf {
	struct dm_ioctl io;
	char bytes[DM_BUF_BYTES];
};

static void dm_init(union dm_buf *b, const char *name, uint32_t data_start)
{
	memset(b, 0, sizeof(*b));
	b->io.version[0] = DM_VERSION_MAJOR;
	b->io.version[1] = 0;
	b->io.version[2] = 0;
	b->io.data_size = sizeof(*b);
	b->io.data_start = data_start;
	snprintf(b->io.name, sizeof(b->io.name), "%s", name);
}

static int dm_call(unsigned long cmd, union dm_buf *b)
{
	int fd, ret = 0;

	fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, cmd, b) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int dm_message(const char *name, const char *msg)
{
	union dm_buf b;
	struct dm_target_msg *m;
	size_t off = sizeof(struct dm_ioctl);

	dm_init(&b, name, off);
	m = (struct dm_target_msg *)(b.bytes + off);
	m->sector = 0;
	if (strlen(msg) + 1 > sizeof(b) - off - sizeof(*m))
		return -E2BIG;
	strcpy(m->message, msg);
	return dm_call(DM_TARGET_MSG, &b);
}

int dm_reload(const char *name, uint64_t sectors, const char *type,
	      const char *params)
{
	union dm_buf b;
	struct dm_target_spec *t;
	size_t off = sizeof(struct dm_ioctl);
	int ret;

	dm_init(&b, name, off);
	b.io.target_count = 1;
	t = (struct dm_target_spec *)(b.bytes + off);
	t->sector_start = 0;
	t->length = sectors;
	snprintf(t->target_type, sizeof(t->target_type), "%s", type);
	if (strlen(params) + 1 > sizeof(b) - off - sizeof(*t))
		return -E2BIG;
	strcpy((char *)(t + 1), params);
	t->next = 0;
	ret = dm_call(DM_TABLE_LOAD, &b);
	if (ret)
		return ret;
	dm_init(&b, name, off);
	return dm_call(DM_DEV_SUSPEND, &b);	/* no DM_SUSPEND_FLAG: resume */
}
