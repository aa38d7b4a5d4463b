// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl: messages, number parsing and the JSON writer that every command
 * uses (declared in clfsctl.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/clfs.h>

#include "clfsctl.h"

int print_msg(FILE *f, const char *cmd, const char *level, const char *fmt,
	      ...)
{
	va_list ap;
	int n;

	n = fprintf(f, "clfsctl%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	if (level)
		n += fprintf(f, "%s: ", level);
	va_start(ap, fmt);
	n += vfprintf(f, fmt, ap);
	va_end(ap);
	n += fprintf(f, "\n");
	return n;
}

int print_errno(const char *cmd, const char *what, int err)
{
	print_msg(stderr, cmd, NULL, "%s: %s", what, strerror(-err));
	return 1;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "clfsctl %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see clfsctl %s --help)\n", cmd);
	return EXIT_USAGE;
}

int parse_u64(const char *s, __u64 max, __u64 *v)
{
	unsigned long long n;
	char *end;

	/* strtoull() accepts a sign and leading blanks: numbers here do not. */
	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || *end || n > max)
		return -EINVAL;
	*v = n;
	return 0;
}

const char *lsn_str(char *buf, __u64 lsn)
{
	if (lsn == CLFS_LSN_NULL)
		snprintf(buf, LSN_STR_BYTES, "-");
	else if (lsn == CLFS_LSN_INVALID)
		snprintf(buf, LSN_STR_BYTES, "invalid");
	else
		snprintf(buf, LSN_STR_BYTES, "0x%016llx", (unsigned long long)lsn);
	return buf;
}

int parse_lsn(const char *s, __u64 *lsn)
{
	return parse_u64(s, ~0ULL, lsn);
}

const char *errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
		{ ERANGE, "ERANGE" }, { ENODATA, "ENODATA" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ESTALE, "ESTALE" },
		{ EUCLEAN, "EUCLEAN" }, { EROFS, "EROFS" }, { E2BIG, "E2BIG" },
		{ ENOTTY, "ENOTTY" }, { EBADF, "EBADF" }, { EMFILE, "EMFILE" },
		{ EINTR, "EINTR" }, { ENOTBLK, "ENOTBLK" }, { ENXIO, "ENXIO" },
		{ EAGAIN, "EAGAIN" }, { EINPROGRESS, "EINPROGRESS" },
		{ ETIMEDOUT, "ETIMEDOUT" },
	};
	static char other[16];
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(other, sizeof(other), "E%d", err);
	return other;
}

/* ---- JSON --------------------------------------------------------------- */

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void json_indent(struct json *j)
{
	int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Separator, indentation and key of the next value. */
static void json_member(struct json *j, const char *key)
{
	if (j->depth) {
		if (j->comma[j->depth])
			fputc(',', j->f);
		j->comma[j->depth] = true;
		json_indent(j);
	}
	if (key) {
		json_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void json_open(struct json *j, const char *key, char c)
{
	json_member(j, key);
	fputc(c, j->f);
	if (++j->depth >= JSON_MAX_DEPTH)
		abort();
	j->comma[j->depth] = false;
}

static void json_close(struct json *j, char c)
{
	bool empty = !j->comma[j->depth];

	if (!j->depth)
		abort();
	j->depth--;
	if (!empty)
		json_indent(j);
	fputc(c, j->f);
}

void json_obj_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void json_obj_end(struct json *j)
{
	json_close(j, '}');
}

void json_arr_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void json_arr_end(struct json *j)
{
	json_close(j, ']');
}

void json_str(struct json *j, const char *key, const char *s)
{
	json_member(j, key);
	if (s)
		json_string(j->f, s);
	else
		fputs("null", j->f);
}

void json_u64(struct json *j, const char *key, __u64 v)
{
	json_member(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void json_f64(struct json *j, const char *key, double v)
{
	json_member(j, key);
	fprintf(j->f, "%.3f", v);
}

void json_s64(struct json *j, const char *key, __s64 v)
{
	json_member(j, key);
	fprintf(j->f, "%lld", (long long)v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	json_member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_member(j, key);
	fputs("null", j->f);
}

void json_lsn(struct json *j, const char *key, __u64 lsn)
{
	char buf[LSN_STR_BYTES];

	if (lsn == CLFS_LSN_NULL)
		json_null(j, key);
	else
		json_str(j, key, lsn_str(buf, lsn));
}

void json_hex(struct json *j, const char *key, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	json_member(j, key);
	fputc('"', j->f);
	for (i = 0; i < len; i++)
		fprintf(j->f, "%02x", p[i]);
	fputc('"', j->f);
}

void json_finish(struct json *j)
{
	fputc('\n', j->f);
}

void hexdump(FILE *f, const char *indent, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t off, i;

	for (off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;

		fprintf(f, "%s%06zx ", indent, off);
		for (i = 0; i < 16; i++) {
			if (i < n)
				fprintf(f, "%s%02x", i == 8 ? "  " : " ", p[off + i]);
			else
				fputs(i == 8 ? "    " : "   ", f);
		}
		fputs("  |", f);
		for (i = 0; i < n; i++)
			fputc(isprint(p[off + i]) ? p[off + i] : '.', f);
		fputs("|\n", f);
	}
}
