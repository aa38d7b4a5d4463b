// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * libclfs: thin wrappers over the /dev/clfs ioctls (see libclfs.h).
 *
 * Every wrapper builds its argument on the stack, zeroed, so reserved
 * fields are always zero, issues one ioctl and turns -1/errno into -errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libclfs.h"

#define PTR(p)	((__u64)(uintptr_t)(p))

/* One ioctl: its non-negative result (0 or a new descriptor), or -errno. */
static int clfs_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

/* ---- the control device ------------------------------------------------ */

int clfs_open_control(const char *path)
{
	int fd = open(path ? path : CLFS_DEFAULT_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int clfs_get_version(int ctl_fd, struct clfs_version *ver)
{
	return ioctl(ctl_fd, CLFS_IOC_GET_VERSION, ver) < 0 ? -errno : 0;
}

int clfs_abi_compatible(const struct clfs_version *ver)
{
	return ver->abi_major == CLFS_ABI_MAJOR &&
	       ver->abi_minor >= CLFS_ABI_MINOR;
}

int clfs_log_create(int ctl_fd, const char *dev,
		    const struct clfs_log_params *p)
{
	struct clfs_ioc_log_create a;
	int ret;

	if (!dev || !p)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.path = PTR(dev);
	a.params = *p;
	ret = clfs_ioctl(ctl_fd, CLFS_IOC_LOG_CREATE, &a);
	return ret < 0 ? ret : 0;
}

static int clfs_log_path_ioctl(int ctl_fd, unsigned long cmd,
			       const char *dev, unsigned int flags)
{
	struct clfs_ioc_log_open a;

	if (!dev)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.path = PTR(dev);
	a.flags = flags;
	return clfs_ioctl(ctl_fd, cmd, &a);
}

int clfs_log_open(int ctl_fd, const char *dev, unsigned int flags)
{
	return clfs_log_path_ioctl(ctl_fd, CLFS_IOC_LOG_OPEN, dev, flags);
}

int clfs_log_delete(int ctl_fd, const char *dev)
{
	int ret = clfs_log_path_ioctl(ctl_fd, CLFS_IOC_LOG_DELETE, dev, 0);

	return ret < 0 ? ret : 0;
}

/* ---- attached logs ------------------------------------------------------ */

/* Copy @name into a CLFS_NAME_MAX field. Return: 0, or -EINVAL if too long. */
static int clfs_name_copy(char dst[CLFS_NAME_MAX], const char *name)
{
	size_t n = strlen(name);

	if (n >= CLFS_NAME_MAX)
		return -EINVAL;
	memcpy(dst, name, n + 1);
	return 0;
}

int clfs_log_attach(int ctl_fd, const char *dev, const char *name,
		    unsigned int flags, __u32 uid, __u32 gid, __u32 mode,
		    char name_out[CLFS_NAME_MAX])
{
	struct clfs_ioc_log_attach a;
	int ret;

	if (!dev)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	if (name && clfs_name_copy(a.name, name))
		return -EINVAL;
	a.path = PTR(dev);
	a.flags = flags;
	a.uid = uid;
	a.gid = gid;
	a.mode = mode;
	ret = clfs_ioctl(ctl_fd, CLFS_IOC_LOG_ATTACH, &a);
	if (ret < 0)
		return ret;
	if (name_out) {
		memcpy(name_out, a.name, CLFS_NAME_MAX);
		name_out[CLFS_NAME_MAX - 1] = '\0';
	}
	return 0;
}

/* CLFS_IOC_LOG_DETACH and CLFS_IOC_LOG_SET_ACCESS. */
static int clfs_name_ioctl(int ctl_fd, unsigned long cmd, const char *name,
			   __u32 uid, __u32 gid, __u32 mode)
{
	struct clfs_ioc_log_name a;
	int ret;

	if (!name)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	if (clfs_name_copy(a.name, name))
		return -EINVAL;
	a.uid = uid;
	a.gid = gid;
	a.mode = mode;
	ret = clfs_ioctl(ctl_fd, cmd, &a);
	return ret < 0 ? ret : 0;
}

int clfs_log_detach(int ctl_fd, const char *name)
{
	return clfs_name_ioctl(ctl_fd, CLFS_IOC_LOG_DETACH, name, 0, 0, 0);
}

int clfs_log_set_access(int ctl_fd, const char *name, __u32 uid, __u32 gid,
			__u32 mode)
{
	return clfs_name_ioctl(ctl_fd, CLFS_IOC_LOG_SET_ACCESS, name, uid, gid,
			       mode);
}

int clfs_log_list(int ctl_fd, struct clfs_attached_log *logs, __u32 max,
		  __u32 *total)
{
	struct clfs_ioc_log_list a;
	int ret;

	if (!logs || !max || max > CLFS_LIST_MAX)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.logs = PTR(logs);
	a.max = max;
	ret = clfs_ioctl(ctl_fd, CLFS_IOC_LOG_LIST, &a);
	if (ret < 0)
		return ret;
	if (a.count > max)
		return -EIO;
	if (total)
		*total = a.total;
	/* The count is at most max <= CLFS_LIST_MAX: it fits an int. */
	return (int)a.count;
}

int clfs_log_open_node(const char *name_or_path, unsigned int flags)
{
	char path[sizeof(CLFS_NODE_DIR) + CLFS_NAME_MAX];
	const char *p = name_or_path;
	struct stat st;
	size_t n;
	int fd;

	if (!p || !*p || flags & ~CLFS_OPEN_READ_ONLY)
		return -EINVAL;
	if (!strchr(p, '/')) {
		/* Not "." or "..": no name starts with a dot. */
		n = strlen(p);
		if (n >= CLFS_NAME_MAX || p[0] == '.')
			return -EINVAL;
		memcpy(path, CLFS_NODE_DIR, sizeof(CLFS_NODE_DIR) - 1);
		memcpy(path + sizeof(CLFS_NODE_DIR) - 1, p, n + 1);
		p = path;
	}
	fd = open(p, (flags & CLFS_OPEN_READ_ONLY ? O_RDONLY : O_RDWR) |
		  O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* A directory or a regular file would open too. */
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
		close(fd);
		return -ENOTTY;
	}
	return fd;
}

/* ---- log descriptors ---------------------------------------------------- */

int clfs_log_query(int log_fd, struct clfs_log_info *info)
{
	int ret;

	if (!info)
		return -EINVAL;
	ret = clfs_ioctl(log_fd, CLFS_IOC_LOG_QUERY, info);
	return ret < 0 ? ret : 0;
}

int clfs_container_add(int log_fd, __u32 count)
{
	struct clfs_ioc_containers a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.count = count;
	ret = clfs_ioctl(log_fd, CLFS_IOC_CONTAINER_ADD, &a);
	return ret < 0 ? ret : 0;
}

int clfs_container_remove(int log_fd, const __u32 *ids, __u32 count)
{
	struct clfs_ioc_containers a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.count = count;
	a.ids = PTR(ids);
	ret = clfs_ioctl(log_fd, CLFS_IOC_CONTAINER_REMOVE, &a);
	return ret < 0 ? ret : 0;
}

int clfs_container_scan(int log_fd, __u32 first,
			struct clfs_container_info *info, __u32 max)
{
	struct clfs_ioc_container_scan a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.info = PTR(info);
	a.first = first;
	a.max = max;
	ret = clfs_ioctl(log_fd, CLFS_IOC_CONTAINER_SCAN, &a);
	if (ret < 0)
		return ret;
	/* The count is at most max <= CLFS_SCAN_MAX: it fits an int. */
	return a.count > max ? -EIO : (int)a.count;
}

int clfs_stream_create(int log_fd, __u32 *stream_id)
{
	struct clfs_ioc_stream a;
	int ret;

	memset(&a, 0, sizeof(a));
	ret = clfs_ioctl(log_fd, CLFS_IOC_STREAM_CREATE, &a);
	if (ret < 0)
		return ret;
	if (stream_id)
		*stream_id = a.stream_id;
	return 0;
}

int clfs_stream_open(int log_fd, __u32 stream_id)
{
	struct clfs_ioc_stream a;

	memset(&a, 0, sizeof(a));
	a.stream_id = stream_id;
	return clfs_ioctl(log_fd, CLFS_IOC_STREAM_OPEN, &a);
}

int clfs_stream_delete(int log_fd, __u32 stream_id)
{
	struct clfs_ioc_stream a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.stream_id = stream_id;
	ret = clfs_ioctl(log_fd, CLFS_IOC_STREAM_DELETE, &a);
	return ret < 0 ? ret : 0;
}

int clfs_policy_install(int log_fd, const struct clfs_policy *p)
{
	int ret;

	if (!p)
		return -EINVAL;
	/* _IOW: the kernel only reads it, but ioctl() takes no const. */
	ret = clfs_ioctl(log_fd, CLFS_IOC_POLICY_INSTALL, (void *)p);
	return ret < 0 ? ret : 0;
}

int clfs_policy_query(int log_fd, struct clfs_policy *p)
{
	int ret;

	if (!p)
		return -EINVAL;
	ret = clfs_ioctl(log_fd, CLFS_IOC_POLICY_QUERY, p);
	return ret < 0 ? ret : 0;
}

int clfs_policy_remove(int log_fd, __u32 policies)
{
	struct clfs_policy a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.installed = policies;
	ret = clfs_ioctl(log_fd, CLFS_IOC_POLICY_REMOVE, &a);
	return ret < 0 ? ret : 0;
}

int clfs_set_size(int log_fd, __u32 nr_containers, __u32 *result)
{
	struct clfs_ioc_set_size a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.nr_containers = nr_containers;
	ret = clfs_ioctl(log_fd, CLFS_IOC_SET_SIZE, &a);
	/* A partial shrink (-EBUSY) reports where it stopped. */
	if (result && (ret >= 0 || ret == -EBUSY))
		*result = a.result;
	return ret < 0 ? ret : 0;
}

int clfs_mgmt_query(int log_fd, struct clfs_mgmt_info *info)
{
	int ret;

	if (!info)
		return -EINVAL;
	ret = clfs_ioctl(log_fd, CLFS_IOC_MGMT_QUERY, info);
	return ret < 0 ? ret : 0;
}

/* ---- stream descriptors ------------------------------------------------- */

int clfs_stream_query(int s_fd, struct clfs_stream_info *info)
{
	int ret;

	if (!info)
		return -EINVAL;
	ret = clfs_ioctl(s_fd, CLFS_IOC_STREAM_QUERY, info);
	return ret < 0 ? ret : 0;
}

int clfs_stream_reset(int s_fd)
{
	int ret = ioctl(s_fd, CLFS_IOC_STREAM_RESET);

	return ret < 0 ? -errno : 0;
}

/* An ioctl that takes one LSN. */
static int clfs_lsn_ioctl(int fd, unsigned long cmd, __u64 lsn)
{
	struct clfs_ioc_lsn a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.lsn = lsn;
	ret = clfs_ioctl(fd, cmd, &a);
	return ret < 0 ? ret : 0;
}

int clfs_set_archive_tail(int s_fd, __u64 lsn)
{
	return clfs_lsn_ioctl(s_fd, CLFS_IOC_SET_ARCHIVE_TAIL, lsn);
}

int clfs_marshal_create(int s_fd, __u32 block_bytes, __u32 max_write,
			__u32 max_read)
{
	struct clfs_ioc_marshal a;

	memset(&a, 0, sizeof(a));
	a.block_bytes = block_bytes;
	a.max_write_buffers = max_write;
	a.max_read_buffers = max_read;
	return clfs_ioctl(s_fd, CLFS_IOC_MARSHAL_CREATE, &a);
}

/* CLFS_IOC_MGMT_REGISTER and CLFS_IOC_MGMT_TAIL_FAILURE. */
static int clfs_mgmt_ioctl(int s_fd, unsigned long cmd, int status)
{
	struct clfs_ioc_mgmt a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.status = status;
	ret = clfs_ioctl(s_fd, cmd, &a);
	return ret < 0 ? ret : 0;
}

int clfs_mgmt_register(int s_fd)
{
	return clfs_mgmt_ioctl(s_fd, CLFS_IOC_MGMT_REGISTER, 0);
}

int clfs_mgmt_deregister(int s_fd)
{
	int ret = ioctl(s_fd, CLFS_IOC_MGMT_DEREGISTER);

	return ret < 0 ? -errno : 0;
}

int clfs_mgmt_handle_full(int s_fd)
{
	int ret = ioctl(s_fd, CLFS_IOC_MGMT_HANDLE_FULL);

	return ret < 0 ? -errno : 0;
}

int clfs_mgmt_tail_failure(int s_fd, int status)
{
	return clfs_mgmt_ioctl(s_fd, CLFS_IOC_MGMT_TAIL_FAILURE, status);
}

int clfs_read_events(int s_fd, struct clfs_event *ev, size_t max)
{
	ssize_t n;

	if (!ev || !max)
		return -EINVAL;
	/* The count must fit the int returned. */
	if (max > INT_MAX / sizeof(*ev))
		max = INT_MAX / sizeof(*ev);
	n = read(s_fd, ev, max * sizeof(*ev));
	if (n < 0)
		return -errno;
	/* The kernel copies whole events only: anything else is a bug. */
	if (!n || n % sizeof(*ev))
		return -EIO;
	return (int)(n / sizeof(*ev));
}

/* ---- marshalling area descriptors --------------------------------------- */

int clfs_append(int m_fd, const struct iovec *iov, int n, __u32 type,
		__u32 flags, __u64 prev, __u64 undo, __u64 *lsn)
{
	struct clfs_ioc_entry e[CLFS_APPEND_MAX_ENTRIES];
	struct clfs_ioc_append a;
	int i, ret;

	if (n < 1 || n > CLFS_APPEND_MAX_ENTRIES || !iov)
		return -EINVAL;
	memset(e, 0, sizeof(e[0]) * n);
	for (i = 0; i < n; i++) {
		/* Entries carry 32-bit sizes: refuse rather than truncate. */
		if (iov[i].iov_len > UINT32_MAX)
			return -EINVAL;
		e[i].buf = PTR(iov[i].iov_base);
		e[i].bytes = (__u32)iov[i].iov_len;
	}
	memset(&a, 0, sizeof(a));
	a.entries = PTR(e);
	a.nr_entries = (__u32)n;
	a.type = type;
	a.flags = flags;
	a.prev_lsn = prev;
	a.undo_next_lsn = undo;
	ret = clfs_ioctl(m_fd, CLFS_IOC_APPEND, &a);
	if (ret < 0)
		return ret;
	if (lsn)
		*lsn = a.lsn;
	return 0;
}

int clfs_reserve_and_append(int m_fd, struct clfs_ioc_append *a)
{
	int ret;

	if (!a)
		return -EINVAL;
	ret = clfs_ioctl(m_fd, CLFS_IOC_APPEND, a);
	return ret < 0 ? ret : 0;
}

int clfs_adjust_reservation(int m_fd, __s64 *sizes, __u32 nr)
{
	struct clfs_ioc_append a;

	memset(&a, 0, sizeof(a));
	a.flags = CLFS_APPEND_RESERVE_ONLY;
	a.type = CLFS_RECORD_DATA;
	a.reserve = PTR(sizes);
	a.nr_reserve = nr;
	return clfs_reserve_and_append(m_fd, &a);
}

int clfs_reserve(int m_fd, __u32 op, __s64 *sizes, __u32 nr, __s64 *total)
{
	struct clfs_ioc_reserve a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.sizes = PTR(sizes);
	a.nr = nr;
	a.op = op;
	ret = clfs_ioctl(m_fd, CLFS_IOC_RESERVE, &a);
	if (ret < 0)
		return ret;
	if (total)
		*total = a.total;
	return 0;
}

int clfs_align_reservation(int m_fd, const __s64 *sizes, __u32 nr,
			   __s64 *total)
{
	/* ALIGN only reads the sizes: the cast never leads to a write. */
	return clfs_reserve(m_fd, CLFS_RESERVE_ALIGN, (__s64 *)sizes, nr,
			    total);
}

int clfs_alloc_reserved(int m_fd, __s64 *sizes, __u32 nr)
{
	return clfs_reserve(m_fd, CLFS_RESERVE_ALLOC, sizes, nr, NULL);
}

int clfs_flush(int m_fd, __u64 lsn, __u64 *flushed)
{
	struct clfs_ioc_flush a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.lsn = lsn;
	ret = clfs_ioctl(m_fd, CLFS_IOC_FLUSH, &a);
	if (ret < 0)
		return ret;
	if (flushed)
		*flushed = a.flushed_lsn;
	return 0;
}

int clfs_restart_write(int m_fd, const void *buf, __u32 bytes,
		       __u64 new_base, __u32 flags, __u64 *lsn)
{
	struct clfs_ioc_restart a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.buf = PTR(buf);
	a.bytes = bytes;
	a.flags = flags;
	a.new_base = new_base;
	ret = clfs_ioctl(m_fd, CLFS_IOC_RESTART_WRITE, &a);
	if (ret < 0)
		return ret;
	if (lsn)
		*lsn = a.lsn;
	return 0;
}

int clfs_advance_base(int m_fd, __u64 lsn)
{
	return clfs_lsn_ioctl(m_fd, CLFS_IOC_ADVANCE_BASE, lsn);
}

int clfs_set_end_of_log(int m_fd, __u64 lsn)
{
	return clfs_lsn_ioctl(m_fd, CLFS_IOC_SET_END_OF_LOG, lsn);
}

/* ---- reads -------------------------------------------------------------- */

void clfs_record_init(struct clfs_ioc_record *rec, void *buf, __u32 bytes)
{
	memset(rec, 0, sizeof(*rec));
	rec->buf = PTR(buf);
	rec->buf_bytes = bytes;
}

/* Keep the caller's buffer, clear what the kernel fills (and reserved). */
static void clfs_record_clear(struct clfs_ioc_record *rec)
{
	clfs_record_init(rec, (void *)(uintptr_t)rec->buf, rec->buf_bytes);
}

int clfs_read_record(int m_fd, __u64 lsn, __u32 mode, __u32 filter,
		     struct clfs_ioc_record *rec)
{
	struct clfs_ioc_read a;
	int ret;

	if (!rec)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.lsn = lsn;
	a.mode = mode;
	a.filter = filter;
	clfs_record_clear(rec);
	a.rec = *rec;
	ret = clfs_ioctl(m_fd, CLFS_IOC_READ_RECORD, &a);
	if (ret >= 0)
		*rec = a.rec;
	return ret;
}

static int clfs_rec_ioctl(int fd, unsigned long cmd,
			  struct clfs_ioc_record *rec)
{
	if (!rec)
		return -EINVAL;
	clfs_record_clear(rec);
	return clfs_ioctl(fd, cmd, rec);
}

int clfs_read_next(int ctx_fd, struct clfs_ioc_record *rec)
{
	int ret = clfs_rec_ioctl(ctx_fd, CLFS_IOC_READ_NEXT, rec);

	return ret < 0 ? ret : 0;
}

int clfs_read_current(int ctx_fd, struct clfs_ioc_record *rec)
{
	int ret = clfs_rec_ioctl(ctx_fd, CLFS_IOC_READ_CURRENT, rec);

	return ret < 0 ? ret : 0;
}

int clfs_restart_read(int m_fd, struct clfs_ioc_record *rec)
{
	return clfs_rec_ioctl(m_fd, CLFS_IOC_RESTART_READ, rec);
}
