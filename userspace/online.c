// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl: sessions on a log through /dev/clfs, error texts, argument
 * parsing and record output shared by the online commands (online.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "online.h"

/* ---- error texts -------------------------------------------------------- */

const char *err_text(enum err_ctx ctx, int err)
{
	switch (-err) {
	case EPERM:
		return "permission denied: this needs CAP_SYS_ADMIN (run as root)";
	case EACCES:
		return ctx == ERR_NODE ?
		       "permission denied by the node's owner, group and mode (see clfsctl list)" :
		       "permission denied";
	case ENOTTY:
		if (ctx == ERR_NODE)
			return "not an attached log's node";
		return ctx == ERR_CONTROL ?
		       "not a clfs control device" :
		       "not supported by the loaded clfs module (older than clfsctl?)";
	case EIO:
		return "I/O error: the log has shut down (no more writes)";
	case ENOMEM:
		return "out of memory";
	case EINTR:
		return "interrupted";
	case EBADF:
		return "the log is open read-only";
	case EROFS:
		switch (ctx) {
		case ERR_NODE:
			return "the log is attached read-only: it opens only read-only";
		case ERR_OPEN:
		case ERR_ATTACH:
			return "the log is open read-only (its first opener asked for that), or its device is read-only";
		default:
			return "the log or its device is read-only";
		}
	case EEXIST:
		return ctx == ERR_ATTACH ?
		       "the device is attached already, or the name is in use (see clfsctl list)" :
		       strerror(-err);
	case ENOTBLK:
		return "not a block device";
	case ENXIO:
		if (ctx == ERR_NODE)
			return "the log is being detached";
		return "no such device";
	case ENODEV:
		return "no such device, or no storage driver of that name is loaded";
	case E2BIG:
		return "record larger than a block of the marshalling area (see --block-size)";
	case EMFILE:
		return "too many marshalling areas open on the stream";
	case EUCLEAN:
		return ctx == ERR_READ ? "a corrupt log block" :
		       "the log's metadata is corrupt (both copies)";
	case EOPNOTSUPP:
		return ctx == ERR_CREATE ?
		       "the device's sector size is neither 512 nor 4096" :
		       "the log has a newer on-disk format than the module, or an unsupported sector size";
	case ENOSPC:
		switch (ctx) {
		case ERR_CREATE:
			return "the device is too small for that many containers";
		case ERR_CONTAINER:
			return "the device has no room for more containers";
		case ERR_STREAM:
			return "all stream ids are in use";
		case ERR_POLICY:
			return "a size beyond the device's container slots";
		case ERR_SIZE:
			return "the device has no room for that many containers";
		case ERR_ATTACH:
			return "too many attached logs";
		default:
			return "the log is full";
		}
	case ENODATA:
		switch (ctx) {
		case ERR_READ:
			return "end of the stream: no further record";
		default:
			return "no clfs log on this device";
		}
	case ENOENT:
		switch (ctx) {
		case ERR_CONTROL:
			return "no such device (is the clfs module loaded?)";
		case ERR_CREATE:
		case ERR_OPEN:
		case ERR_DELETE:
		case ERR_ATTACH:
			return "no such device";
		case ERR_NAME:
		case ERR_NODE:
			return "no attached log of that name (see clfsctl list)";
		case ERR_CONTAINER:
			return "not a container of this log";
		case ERR_STREAM:
			return "no such stream";
		case ERR_READ:
		case ERR_TAIL:
			return "no record of this stream at that LSN";
		default:
			return strerror(-err);
		}
	case EBUSY:
		switch (ctx) {
		case ERR_CONTAINER:
			return "the container is active: it holds records the log still needs";
		case ERR_STREAM:
			return "the stream is open";
		case ERR_READ:
			return "too many read contexts open";
		case ERR_POLICY:
			return "the maximum is below the log's size, and too few containers are free to remove";
		case ERR_SIZE:
			return "the other containers hold records the log still needs: the shrink stopped part of the way";
		case ERR_MGMT:
			return "the stream already has a management client";
		case ERR_CREATE:
		case ERR_DELETE:
			return "the device is in use (the log is open or attached, or something else holds the device)";
		default:
			return "the device is in use (something else holds it)";
		}
	case EINVAL:
		switch (ctx) {
		case ERR_CREATE:
			return "invalid geometry: containers are a multiple of the sector size from 64 KiB to 4 GiB, at least 2 of them";
		case ERR_CONTAINER:
			return "invalid container id or count (a log keeps at least 2 containers)";
		case ERR_STREAM:
			return "invalid request (a dedicated log has only stream 0)";
		case ERR_APPEND:
			return "invalid record: bad type or flags, or a previous or undo-next LSN that is no older record of the stream";
		case ERR_READ:
			return "not a valid LSN";
		case ERR_TAIL:
			return "invalid LSN: not an LSN, after the stream's last record, or (archive tail) an ephemeral log";
		case ERR_FLUSH:
			return "that LSN was not appended";
		case ERR_POLICY:
			return "invalid or inconsistent policies";
		case ERR_MGMT:
			return "invalid request (is the stream registered as management client?)";
		case ERR_ATTACH:
			return "invalid name (1 to 31 of A-Z a-z 0-9 _ . -, not starting with '.'), owner, group or mode (at most 0666)";
		case ERR_NAME:
			return "invalid name, owner, group or mode (at most 0666)";
		case ERR_NODE:
			return "not an attached log's name (1 to 31 of A-Z a-z 0-9 _ . -, not starting with '.')";
		default:
			return "invalid argument";
		}
	case ERANGE:
		switch (ctx) {
		case ERR_TAIL:
			return "before the stream's current base or archive tail";
		case ERR_SIZE:
			return "outside the log's size policies (see clfsctl policy)";
		default:
			return "before the start of the log (below the base and archive tail)";
		}
	default:
		return strerror(-err);
	}
}

int report(const char *cmd, enum err_ctx ctx, int err, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	print_msg(stderr, cmd, NULL, "%s: %s (%s)", what, err_text(ctx, err),
		  errno_name(err));
	return 1;
}

/* ---- sessions ----------------------------------------------------------- */

static void session_init(struct session *s, const char *cmd)
{
	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->ctl = -1;
	s->log = -1;
	s->stream = -1;
	s->marshal = -1;
}

/* Open the control device; quietly: its open's -errno unprinted. */
static int control_open(struct session *s, const struct options *opt,
			const char *cmd, bool quiet)
{
	const char *path = opt->device ? opt->device : CLFS_DEFAULT_DEVICE;
	struct clfs_version ver;
	int ret;

	session_init(s, cmd);
	ret = clfs_open_control(path);
	if (ret < 0 && quiet)
		return ret;
	if (ret < 0)
		return report(cmd, ERR_CONTROL, ret, "open %s", path);
	s->ctl = ret;
	ret = clfs_get_version(s->ctl, &ver);
	if (ret < 0) {
		session_close(s);
		return report(cmd, ERR_CONTROL, ret, "%s: CLFS_IOC_GET_VERSION",
			      path);
	}
	if (!clfs_abi_compatible(&ver)) {
		session_close(s);
		print_msg(stderr, cmd, NULL,
			  "the loaded clfs module has ABI %u.%u; clfsctl needs %u.%u or a later %u.x",
			  ver.abi_major, ver.abi_minor, CLFS_ABI_MAJOR,
			  CLFS_ABI_MINOR, CLFS_ABI_MAJOR);
		return 1;
	}
	return 0;
}

int session_control(struct session *s, const struct options *opt,
		    const char *cmd)
{
	return control_open(s, opt, cmd, false);
}

int session_control_try(struct session *s, const struct options *opt,
			const char *cmd)
{
	return control_open(s, opt, cmd, true);
}

bool valid_log_name(const char *name)
{
	size_t i, n = strlen(name);

	if (!n || n >= CLFS_NAME_MAX || name[0] == '.')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) &&
		    !strchr("_.-", name[i]))
			return false;
	return true;
}

bool attached_log_node(const char *arg)
{
	char path[sizeof(CLFS_NODE_DIR) + CLFS_NAME_MAX];
	struct stat st;

	if (!strncmp(arg, CLFS_NODE_DIR, strlen(CLFS_NODE_DIR)))
		return true;
	if (strchr(arg, '/') || !valid_log_name(arg))
		return false;
	snprintf(path, sizeof(path), CLFS_NODE_DIR "%s", arg);
	return !stat(path, &st) && S_ISCHR(st.st_mode);
}

int need_block_device(const char *cmd, const char *dev)
{
	if (!attached_log_node(dev))
		return 0;
	return usage_error(cmd, "'%s' is an attached log, not a block device: %s needs the block device the log is on",
			   dev, cmd);
}

/* The log through its node: no capability, no control device needed. */
static int session_node(struct session *s, const struct options *opt,
			const char *cmd, const char *dev, bool writable)
{
	int ret;

	/* Check the ABI if this user may open the control device (0600). */
	ret = session_control_try(s, opt, cmd);
	if (ret > 0)
		return 1;
	s->dev = dev;
	ret = clfs_log_open_node(dev, writable ? 0 : CLFS_OPEN_READ_ONLY);
	if (ret < 0) {
		session_close(s);
		return report(cmd, ERR_NODE, ret, "open %s", dev);
	}
	s->log = ret;
	s->writable = writable;
	return 0;
}

int session_open(struct session *s, const struct options *opt,
		 const char *cmd, const char *dev, bool writable)
{
	int ret;

	if (attached_log_node(dev))
		return session_node(s, opt, cmd, dev, writable);
	if (session_control(s, opt, cmd))
		return 1;
	s->dev = dev;
	ret = clfs_log_open(s->ctl, dev, writable ? 0 : CLFS_OPEN_READ_ONLY);
	if (ret < 0) {
		session_close(s);
		/* A word with no '/' may have been meant as a name. */
		if (ret == -ENOENT && !strchr(dev, '/')) {
			print_msg(stderr, cmd, NULL,
				  "open %s: no such device, and no attached log of that name (see clfsctl list) (%s)",
				  dev, errno_name(ret));
			return 1;
		}
		return report(cmd, ERR_OPEN, ret, "open %s", dev);
	}
	s->log = ret;
	s->writable = writable;
	return 0;
}

int session_stream(struct session *s, __u32 id)
{
	int ret;

	if (s->stream >= 0 && s->stream_id == id)
		return 0;
	if (s->stream >= 0 || s->marshal >= 0)
		abort();	/* one stream per session */
	ret = clfs_stream_open(s->log, id);
	if (ret < 0)
		return report(s->cmd, ERR_STREAM, ret, "%s: stream %u", s->dev,
			      id);
	s->stream = ret;
	s->stream_id = id;
	return 0;
}

int session_marshal(struct session *s, __u32 id, __u32 block_bytes)
{
	int ret;

	if (session_stream(s, id))
		return 1;
	ret = clfs_marshal_create(s->stream, block_bytes, 0, 0);
	if (ret < 0)
		return report(s->cmd, ERR_GENERIC, ret,
			      "%s: stream %u: marshalling area of %u bytes",
			      s->dev, id, block_bytes);
	s->marshal = ret;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void session_close(struct session *s)
{
	close_fd(&s->marshal);
	close_fd(&s->stream);
	close_fd(&s->log);
	close_fd(&s->ctl);
}

/* ---- arguments ---------------------------------------------------------- */

int parse_size(const char *s, __u64 max, __u64 *v)
{
	static const char units[] = "KMGT";
	unsigned long long n;
	const char *u;
	char *end;
	int shift = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno)
		return -EINVAL;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u || !*u)
			return -EINVAL;
		shift = 10 * (int)(u - units + 1);
		end++;
		if (*end && strcmp(end, "iB") && strcmp(end, "B"))
			return -EINVAL;
		if (n > (~0ULL >> shift))
			return -EINVAL;
		n <<= shift;
	}
	if (n > max)
		return -EINVAL;
	*v = n;
	return 0;
}

int parse_lsn_arg(const char *s, __u64 *lsn)
{
	unsigned long long n;
	int base = 10;
	char *end;

	if (!s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/* strtoull() takes signs, blanks and a second 0x: LSNs do not. */
	if (!isxdigit((unsigned char)*s) || (base == 16 && s[0] == '0' &&
					      (s[1] == 'x' || s[1] == 'X')))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, base);
	if (errno || *end || !clfs_lsn_is_valid(n))
		return -EINVAL;
	*lsn = n;
	return 0;
}

int parse_stream_id(const char *s, __u32 *id)
{
	__u64 v;

	if (parse_u64(s, CLFS_MAX_STREAM_ID, &v))
		return -EINVAL;
	*id = (__u32)v;
	return 0;
}

const char *size_str(char *buf, size_t len, __u64 v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int i = 0;

	while (v && !(v & 1023) && i + 1 < ARRAY_SIZE(units)) {
		v >>= 10;
		i++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)v, units[i]);
	return buf;
}

static int find_word(const char *const *words, const char *w)
{
	int i;

	for (i = 0; words[i]; i++)
		if (!strcmp(words[i], w))
			return i;
	return -1;
}

int split_subcommand(const char *cmd, const char *const *subs, char **pos,
		     int npos, const char **dev, int *rest)
{
	int which;

	/* SUB DEVICE ... */
	which = npos >= 1 ? find_word(subs, pos[0]) : -1;
	if (which >= 0) {
		if (npos < 2) {
			usage_error(cmd, "%s: expects a device", subs[which]);
			return -1;
		}
		*dev = pos[1];
		*rest = 2;
		return which;
	}
	if (npos < 1) {
		usage_error(cmd, "expects a device");
		return -1;
	}
	*dev = pos[0];
	/* DEVICE alone: the default subcommand. */
	if (npos == 1) {
		*rest = 1;
		return 0;
	}
	/* DEVICE SUB ... */
	which = find_word(subs, pos[1]);
	if (which < 0) {
		/* Name the word that is not a path or an attached log. */
		usage_error(cmd, "unknown subcommand '%s'",
			    strchr(pos[0], '/') || attached_log_node(pos[0]) ?
			    pos[1] : pos[0]);
		return -1;
	}
	*rest = 2;
	return which;
}

/* ---- output ------------------------------------------------------------- */

const char *uuid_str(char *buf, const __u8 uuid[16])
{
	int i, n = 0;

	for (i = 0; i < 16; i++) {
		n += sprintf(buf + n, "%02x", uuid[i]);
		if (i == 3 || i == 5 || i == 7 || i == 9)
			buf[n++] = '-';
	}
	buf[n] = '\0';
	return buf;
}

/* A stream's CLFS_STREAM_MGMT_* flags in words: "client, request pending". */
static const char *mgmt_flags_str(char *buf, size_t len, __u32 flags)
{
	static const struct {
		__u32 bit;
		const char *text;
	} words[] = {
		{ CLFS_STREAM_MGMT_CLIENT, "client" },
		{ CLFS_STREAM_MGMT_REQUEST, "tail-advance request pending" },
		{ CLFS_STREAM_MGMT_FAILED, "tail-advance failed" },
		{ CLFS_STREAM_MGMT_WAITING, "waiting for log-full-handled" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (!(flags & words[i].bit))
			continue;
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s",
			      n ? ", " : "", words[i].text);
		flags &= ~words[i].bit;
	}
	/* Bits of a newer module: say they are there rather than hide them. */
	if (flags)
		n += snprintf(buf + n, n < len ? len - n : 0, "%sflags 0x%x",
			      n ? ", " : "", flags);
	if (!n)
		snprintf(buf, len, "no client");
	return buf;
}

void print_stream_info(const struct clfs_stream_info *si, struct json *j)
{
	static const struct {
		const char *key, *label;
		size_t off;
	} lsns[] = {
		{ "created_lsn", "created", offsetof(struct clfs_stream_info, created_lsn) },
		{ "first_lsn", "first", offsetof(struct clfs_stream_info, first_lsn) },
		{ "base_lsn", "base", offsetof(struct clfs_stream_info, base_lsn) },
		{ "last_lsn", "last", offsetof(struct clfs_stream_info, last_lsn) },
		{ "archive_tail_lsn", "archive tail",
		  offsetof(struct clfs_stream_info, archive_tail_lsn) },
		{ "restart_lsn", "restart area",
		  offsetof(struct clfs_stream_info, restart_lsn) },
		{ "flushed_lsn", "flushed", offsetof(struct clfs_stream_info, flushed_lsn) },
	};
	char b[LSN_STR_BYTES], b2[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lsns); i++) {
		__u64 v;

		memcpy(&v, (const char *)si + lsns[i].off, sizeof(v));
		if (j)
			json_lsn(j, lsns[i].key, v);
		else
			printf("  %-16s %s\n", lsns[i].label, lsn_str(b, v));
	}
	if (j) {
		json_u64(j, "reserved_bytes", si->reserved_bytes);
		json_u64(j, "reserved_records", si->reserved_records);
		json_u64(j, "mgmt_flags", si->mgmt_flags);
		json_bool(j, "mgmt_client", si->mgmt_flags & CLFS_STREAM_MGMT_CLIENT);
		json_bool(j, "mgmt_request", si->mgmt_flags & CLFS_STREAM_MGMT_REQUEST);
		json_bool(j, "mgmt_failed", si->mgmt_flags & CLFS_STREAM_MGMT_FAILED);
		json_bool(j, "mgmt_waiting", si->mgmt_flags & CLFS_STREAM_MGMT_WAITING);
		json_lsn(j, "tail_request_lsn", si->tail_request_lsn);
	} else {
		printf("  %-16s %llu bytes for %u records\n", "reserved",
		       (unsigned long long)si->reserved_bytes,
		       si->reserved_records);
		printf("  %-16s %s\n", "management",
		       mgmt_flags_str(b2, sizeof(b2), si->mgmt_flags));
		printf("  %-16s %s\n", "tail request",
		       lsn_str(b, si->tail_request_lsn));
	}
}

const char *record_type_str(char *buf, size_t len, __u32 type)
{
	if (type == CLFS_RECORD_DATA)
		return "data";
	if (type == CLFS_RECORD_RESTART)
		return "restart";
	snprintf(buf, len, "type %u", type);
	return buf;
}

static bool printable(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isprint(p[i]) && p[i] != '\t')
			return false;
	return true;
}

void print_record(const struct clfs_ioc_record *rec, enum rec_format fmt,
		  struct json *j)
{
	const unsigned char *data = (const void *)(uintptr_t)rec->buf;
	size_t n = rec->data_bytes < rec->buf_bytes ? rec->data_bytes :
		   rec->buf_bytes;
	char a[LSN_STR_BYTES], b[LSN_STR_BYTES], c[LSN_STR_BYTES], t[16];

	if (j) {
		json_obj_begin(j, NULL);
		json_lsn(j, "lsn", rec->lsn);
		json_str(j, "type", record_type_str(t, sizeof(t), rec->type));
		json_lsn(j, "prev_lsn", rec->prev_lsn);
		json_lsn(j, "undo_next_lsn", rec->undo_next_lsn);
		json_u64(j, "bytes", rec->data_bytes);
		json_hex(j, "data_hex", data, n);
		if (printable(data, n)) {
			char *s = strndup((const char *)data, n);

			json_str(j, "text", s ? s : "");
			free(s);
		}
		json_obj_end(j);
		return;
	}
	if (fmt == REC_TEXT) {
		fwrite(data, 1, n, stdout);
		putchar('\n');
		return;
	}
	printf("%s %s %u bytes, previous %s, undo-next %s\n",
	       lsn_str(a, rec->lsn), record_type_str(t, sizeof(t), rec->type),
	       rec->data_bytes, lsn_str(b, rec->prev_lsn),
	       lsn_str(c, rec->undo_next_lsn));
	if (fmt == REC_AUTO && printable(data, n)) {
		printf("  \"%.*s\"\n", (int)n, (const char *)data);
		return;
	}
	hexdump(stdout, "  ", data, n);
}
