// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl append, read, restart, advance-base, truncate, archive-tail and
 * flush: records and tails of one stream, through the loaded module.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "online.h"

/* Records larger than this get 1 MiB blocks unless --block-size says. */
#define SMALL_RECORD_MAX	(48U << 10)
#define BIG_BLOCK_BYTES		(1U << 20)
/* Largest --file: a record is at most about 1 MiB. */
#define FILE_MAX_BYTES		(2U << 20)
/* First read buffer; grown to the size of a larger record. */
#define READ_BUF_BYTES		(64U << 10)

static int parse_stream_opt(const char *cmd, const char *arg, __u32 *id)
{
	if (parse_stream_id(arg, id))
		return usage_error(cmd, "--stream: '%s' is not a stream id (0 to %u)",
				   arg, CLFS_MAX_STREAM_ID);
	return 0;
}

static int parse_lsn_opt(const char *cmd, const char *what, const char *arg,
			 __u64 *lsn)
{
	if (parse_lsn_arg(arg, lsn))
		return usage_error(cmd, "%s: '%s' is not a valid LSN (0x... or decimal)",
				   what, arg);
	return 0;
}

static int parse_block_opt(const char *cmd, const char *arg, __u32 *bytes)
{
	__u64 v;

	if (parse_size(arg, BIG_BLOCK_BYTES, &v))
		return usage_error(cmd, "--block-size: '%s' is not a size up to 1M",
				   arg);
	*bytes = (__u32)v;
	return 0;
}

/*
 * Read all of @fd (at most @max bytes) into a new buffer.
 * Return: 0, -EFBIG beyond @max, or -errno.
 */
static int read_all(int fd, size_t max, char **out, size_t *len)
{
	size_t n = 0, cap = 65536;
	char *buf = malloc(cap), *nb;
	ssize_t r;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(buf);
			return (int)r;
		}
		if (!r)
			break;
		n += r;
	}
	if (n > max) {
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* The stream's answer after a change, on stdout. */
static int print_stream_after(struct session *s, bool json, const char *key,
			      __u64 lsn)
{
	struct clfs_stream_info si;
	char b[LSN_STR_BYTES];
	struct json j;
	int ret;

	ret = clfs_stream_query(s->stream, &si);
	if (ret < 0)
		return report(s->cmd, ERR_STREAM, ret, "%s: query stream %u",
			      s->dev, s->stream_id);
	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", s->dev);
		json_u64(&j, "stream_id", s->stream_id);
		if (key)
			json_lsn(&j, key, lsn);
		print_stream_info(&si, &j);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		if (key)
			printf("%s %s\n", key, lsn_str(b, lsn));
		printf("stream %u of %s\n", s->stream_id, s->dev);
		print_stream_info(&si, NULL);
	}
	return 0;
}

/* ---- append ------------------------------------------------------------- */

struct appender {
	struct session s;
	__u32 type;
	__u32 flags;
	__u64 prev;
	__u64 undo;
	bool chain;
	bool json;
	struct json j;
	unsigned long count;
};

static int append_one(struct appender *a, const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	char b[LSN_STR_BYTES];
	__u64 lsn;
	int ret;

	ret = clfs_append(a->s.marshal, &iov, 1, a->type, a->flags, a->prev,
			  a->undo, &lsn);
	if (ret < 0)
		return report(a->s.cmd, ERR_APPEND, ret,
			      "%s: stream %u: record %lu (%zu bytes)", a->s.dev,
			      a->s.stream_id, a->count + 1, len);
	if (a->json)
		json_lsn(&a->j, NULL, lsn);
	else
		printf("%s\n", lsn_str(b, lsn));
	if (a->chain)
		a->prev = lsn;
	a->count++;
	return 0;
}

/* One record per line of stdin, without its newline. */
static int append_lines(struct appender *a)
{
	size_t cap = 0;
	char *line = NULL;
	ssize_t n;
	int ret = 0;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		if (n && line[n - 1] == '\n')
			n--;
		ret = append_one(a, line, n);
		if (ret)
			break;
	}
	free(line);
	if (!ret && ferror(stdin))
		ret = report(a->s.cmd, ERR_GENERIC, -EIO, "reading stdin");
	return ret;
}

static int append_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "stream", required_argument, NULL, 's' },
		{ "file", required_argument, NULL, 'f' },
		{ "force-flush", no_argument, NULL, 'F' },
		{ "force-append", no_argument, NULL, 'A' },
		{ "type", required_argument, NULL, 't' },
		{ "prev", required_argument, NULL, 'p' },
		{ "undo-next", required_argument, NULL, 'u' },
		{ "chain", no_argument, NULL, 'c' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct appender a = { .type = CLFS_RECORD_DATA, .json = opt->json };
	const char *file = NULL, *dev;
	__u32 stream = 0, block = 0;
	bool block_set = false;
	char *data = NULL, b[LSN_STR_BYTES];
	size_t len = 0;
	__u64 flushed;
	int c, ret, i, fd;

	while ((c = getopt_long(argc, argv, "s:f:FAt:p:u:cb:j", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_stream_opt("append", optarg, &stream))
				return EXIT_USAGE;
			break;
		case 'f':
			file = optarg;
			break;
		case 'F':
			a.flags |= CLFS_APPEND_FORCE_FLUSH;
			break;
		case 'A':
			a.flags |= CLFS_APPEND_FORCE_APPEND;
			break;
		case 't':
			if (!strcmp(optarg, "data"))
				a.type = CLFS_RECORD_DATA;
			else if (!strcmp(optarg, "restart"))
				a.type = CLFS_RECORD_RESTART;
			else
				return usage_error("append", "--type: '%s' is neither data nor restart",
						   optarg);
			break;
		case 'p':
			if (parse_lsn_opt("append", "--prev", optarg, &a.prev))
				return EXIT_USAGE;
			break;
		case 'u':
			if (parse_lsn_opt("append", "--undo-next", optarg, &a.undo))
				return EXIT_USAGE;
			break;
		case 'c':
			a.chain = true;
			break;
		case 'b':
			if (parse_block_opt("append", optarg, &block))
				return EXIT_USAGE;
			block_set = true;
			break;
		case 'j':
			a.json = true;
			break;
		default:
			return usage_error("append", "bad option");
		}
	}
	if (optind >= argc)
		return usage_error("append", "expects a device");
	dev = argv[optind++];
	if (file && optind < argc)
		return usage_error("append", "records come from --file or the arguments, not both");

	if (file) {
		fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0;
		if (fd < 0)
			return report("append", ERR_GENERIC, -errno, "%s", file);
		ret = read_all(fd, FILE_MAX_BYTES, &data, &len);
		if (fd)
			close(fd);
		if (ret == -EFBIG) {
			print_msg(stderr, "append", NULL,
				  "%s: larger than a record can be (about 1 MiB)",
				  file);
			return 1;
		}
		if (ret < 0)
			return report("append", ERR_GENERIC, ret, "read %s", file);
		if (!block_set && len > SMALL_RECORD_MAX)
			block = BIG_BLOCK_BYTES;
	} else if (!block_set) {
		for (i = optind; i < argc; i++)
			if (strlen(argv[i]) > SMALL_RECORD_MAX)
				block = BIG_BLOCK_BYTES;
	}

	if (session_open(&a.s, opt, "append", dev, true)) {
		free(data);
		return 1;
	}
	if (session_marshal(&a.s, stream, block)) {
		session_close(&a.s);
		free(data);
		return 1;
	}
	if (a.json) {
		json_init(&a.j, stdout);
		json_obj_begin(&a.j, NULL);
		json_str(&a.j, "device", dev);
		json_u64(&a.j, "stream_id", stream);
		json_arr_begin(&a.j, "lsns");
	}
	if (file)
		ret = append_one(&a, data, len);
	else if (optind < argc)
		for (ret = 0, i = optind; i < argc && !ret; i++)
			ret = append_one(&a, argv[i], strlen(argv[i]));
	else
		ret = append_lines(&a);
	free(data);

	/* Durable before clfsctl says so (closing would flush too, silently). */
	flushed = CLFS_LSN_NULL;
	if (a.count) {
		i = clfs_flush(a.s.marshal, CLFS_LSN_NULL, &flushed);
		if (i < 0 && !ret)
			ret = report("append", ERR_FLUSH, i, "%s: flush", dev);
	}
	if (a.json) {
		json_arr_end(&a.j);
		json_lsn(&a.j, "flushed_lsn", flushed);
		json_obj_end(&a.j);
		json_finish(&a.j);
	} else if (a.count && !ret && isatty(STDOUT_FILENO)) {
		printf("%lu record%s appended to stream %u, durable before %s\n",
		       a.count, a.count == 1 ? "" : "s", stream,
		       lsn_str(b, flushed));
	}
	session_close(&a.s);
	return ret;
}

const struct command append_command = {
	.name = "append",
	.summary = "append records to a stream; prints their LSNs",
	.usage =
	"usage: clfsctl [--device PATH] [--json] append [OPTIONS] DEVICE [TEXT...]\n"
	"\n"
	"Append records to a stream of the log on DEVICE and print the LSN of\n"
	"each, one per line. The records are:\n"
	"  - each TEXT argument, one record each; or else\n"
	"  - with --file PATH, the whole file as one record (- for stdin); or\n"
	"  - each line of stdin, without its newline.\n"
	"All of them are durable when clfsctl exits 0: it flushes them after\n"
	"the last append; --force-flush makes each durable before the next.\n"
	"\n"
	"options:\n"
	"  -s, --stream N         the stream (default 0)\n"
	"  -f, --file PATH        one record from a file's raw bytes\n"
	"  -t, --type TYPE        data (default) or restart\n"
	"  -p, --prev LSN         the records' previous LSN (default none)\n"
	"  -u, --undo-next LSN    the records' undo-next LSN (default none)\n"
	"  -c, --chain            each record's previous LSN is the record\n"
	"                         appended before it (the first's is --prev)\n"
	"  -F, --force-flush      each record durable before the next append\n"
	"  -A, --force-append     queue each record's block for writing at once\n"
	"  -b, --block-size SIZE  the marshalling area's block size, at most 1M\n"
	"                         (default 64K, or 1M for a --file over 48K);\n"
	"                         a record must fit in one block\n"
	"  -j, --json             JSON: {\"lsns\": [...], \"flushed_lsn\": ...}\n"
	"\n"
	"LSNs are given as 0x... hexadecimal or decimal and printed as\n"
	"0x%016llx. A previous or undo-next LSN must be an older record of the\n"
	"stream.\n"
	"\n"
	"Exit status: 0 every record appended and flushed, 1 an append or the\n"
	"flush failed (the LSNs printed before are appended), 2 usage error.\n",
	.run = append_run,
};

/* ---- reading ------------------------------------------------------------ */

struct reader {
	struct session *s;
	enum rec_format fmt;
	__u32 filter;		/* applied here, after the kernel's */
	unsigned long count;	/* records to print, 0 for all */
	unsigned long printed;
	struct json *j;
	void *buf;
	__u32 cap;
	struct clfs_ioc_record rec;
};

static int reader_init(struct reader *r)
{
	r->cap = READ_BUF_BYTES;
	r->buf = malloc(r->cap);
	if (!r->buf)
		return -ENOMEM;
	clfs_record_init(&r->rec, r->buf, r->cap);
	return 0;
}

/* The record did not fit: read it again into a buffer of its size. */
static int reader_fit(struct reader *r, int ctx)
{
	__u32 need = r->rec.data_bytes;
	void *nb;

	if (need <= r->rec.buf_bytes)
		return 0;
	nb = realloc(r->buf, need);
	if (!nb)
		return -ENOMEM;
	r->buf = nb;
	r->cap = need;
	clfs_record_init(&r->rec, r->buf, r->cap);
	return clfs_read_current(ctx, &r->rec);
}

/*
 * Print the context's current record (already read into @r->rec) and walk
 * on until the end, @r->count records or an error.
 * Return: 0 at the end of the walk, 1 after printing an error.
 */
static int reader_walk(struct reader *r, int ctx)
{
	char b[LSN_STR_BYTES];
	int ret;

	for (;;) {
		ret = reader_fit(r, ctx);
		if (ret < 0)
			return report(r->s->cmd, ERR_READ, ret, "%s: read %s",
				      r->s->dev, lsn_str(b, r->rec.lsn));
		if (r->filter & (1U << r->rec.type)) {
			print_record(&r->rec, r->fmt, r->j);
			r->printed++;
			if (r->count && r->printed >= r->count)
				return 0;
		}
		ret = clfs_read_next(ctx, &r->rec);
		if (ret == -ENODATA)
			return 0;
		if (ret < 0)
			return report(r->s->cmd, ERR_READ, ret,
				      "%s: stream %u: the record after %s",
				      r->s->dev, r->s->stream_id,
				      lsn_str(b, r->rec.lsn));
	}
}

static void reader_begin(struct reader *r, struct json *j)
{
	if (!r->j)
		return;
	json_init(j, stdout);
	json_obj_begin(j, NULL);
	json_str(j, "device", r->s->dev);
	json_u64(j, "stream_id", r->s->stream_id);
	json_arr_begin(j, "records");
}

static void reader_end(struct reader *r)
{
	if (!r->j)
		return;
	json_arr_end(r->j);
	json_obj_end(r->j);
	json_finish(r->j);
}

/* The common options of read and restart read. */
static int parse_format(const char *cmd, int c, enum rec_format *fmt)
{
	enum rec_format want = c == 'x' ? REC_HEX : REC_TEXT;

	if (*fmt != REC_AUTO && *fmt != want)
		return usage_error(cmd, "--hex and --text exclude each other");
	*fmt = want;
	return 0;
}

/* ---- read --------------------------------------------------------------- */

/* Where a read starts when the user names a place rather than an LSN. */
enum start_kw { START_LSN, START_FIRST, START_LAST, START_BASE, START_RESTART };

static int read_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "stream", required_argument, NULL, 's' },
		{ "forward", no_argument, NULL, 'F' },
		{ "previous", no_argument, NULL, 'P' },
		{ "undo-next", no_argument, NULL, 'U' },
		{ "filter", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "hex", no_argument, NULL, 'x' },
		{ "text", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const kws[] = {
		[START_FIRST] = "first", [START_LAST] = "last",
		[START_BASE] = "base", [START_RESTART] = "restart",
	};
	struct reader r = { .fmt = REC_AUTO, .filter = CLFS_FILTER_ALL };
	enum start_kw kw = START_LSN;
	bool json = opt->json, mode_set = false;
	__u32 stream = 0, mode = CLFS_READ_FORWARD, kfilter;
	struct clfs_stream_info si;
	char b[LSN_STR_BYTES];
	struct session s;
	struct json j;
	__u64 lsn = CLFS_LSN_NULL, v;
	int c, ctx, ret;
	unsigned int k;

	while ((c = getopt_long(argc, argv, "s:FPUf:n:xtj", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_stream_opt("read", optarg, &stream))
				return EXIT_USAGE;
			break;
		case 'F':
		case 'P':
		case 'U':
			if (mode_set)
				return usage_error("read", "give one of --forward, --previous, --undo-next");
			mode_set = true;
			mode = c == 'F' ? CLFS_READ_FORWARD :
			       c == 'P' ? CLFS_READ_PREVIOUS : CLFS_READ_UNDO_NEXT;
			break;
		case 'f':
			if (!strcmp(optarg, "data"))
				r.filter = CLFS_FILTER_DATA;
			else if (!strcmp(optarg, "restart"))
				r.filter = CLFS_FILTER_RESTART;
			else if (!strcmp(optarg, "all"))
				r.filter = CLFS_FILTER_ALL;
			else
				return usage_error("read", "--filter: '%s' is not data, restart or all",
						   optarg);
			break;
		case 'n':
			if (parse_u64(optarg, ~0UL, &v) || !v)
				return usage_error("read", "--count: '%s' is not a positive number",
						   optarg);
			r.count = (unsigned long)v;
			break;
		case 'x':
		case 't':
			if (parse_format("read", c, &r.fmt))
				return EXIT_USAGE;
			break;
		case 'j':
			json = true;
			break;
		default:
			return usage_error("read", "bad option");
		}
	}
	if (optind >= argc || argc - optind > 2)
		return usage_error("read", "expects a device and at most one LSN");
	if (argc - optind == 2) {
		for (k = START_FIRST; k < ARRAY_SIZE(kws); k++)
			if (!strcmp(argv[optind + 1], kws[k]))
				kw = k;
		if (kw == START_LSN &&
		    parse_lsn_opt("read", "LSN", argv[optind + 1], &lsn))
			return EXIT_USAGE;
	} else {
		kw = mode == CLFS_READ_FORWARD ? START_FIRST : START_LAST;
	}

	if (session_open(&s, opt, "read", argv[optind], false))
		return 1;
	r.s = &s;
	r.j = json ? &j : NULL;
	if (session_marshal(&s, stream, 0)) {
		session_close(&s);
		return 1;
	}
	ret = clfs_stream_query(s.stream, &si);
	if (ret < 0) {
		session_close(&s);
		return report("read", ERR_STREAM, ret, "%s: query stream %u",
			      s.dev, stream);
	}
	switch (kw) {
	case START_FIRST:
		lsn = si.first_lsn;
		break;
	case START_LAST:
		lsn = si.last_lsn;
		break;
	case START_BASE:
		lsn = si.base_lsn;
		break;
	case START_RESTART:
		lsn = si.restart_lsn;
		break;
	default:
		break;
	}
	/* An explicit LSN must be of a wanted type; a place need not be. */
	kfilter = kw == START_LSN ? r.filter : CLFS_FILTER_ALL;
	if (reader_init(&r)) {
		session_close(&s);
		return report("read", ERR_GENERIC, -ENOMEM, "read buffer");
	}
	reader_begin(&r, &j);
	if (si.last_lsn == CLFS_LSN_NULL || lsn == CLFS_LSN_NULL) {
		/* An empty stream, or no such place: nothing to print. */
		ret = 0;
		if (kw != START_FIRST && kw != START_LAST) {
			print_msg(stderr, "read", NULL, "%s: stream %u has no %s LSN",
				  s.dev, stream, kws[kw]);
			ret = 1;
		}
		goto out;
	}
	ctx = clfs_read_record(s.marshal, lsn, mode, kfilter, &r.rec);
	if (ctx < 0) {
		report("read", ERR_READ, ctx, "%s: stream %u: read %s",
		       s.dev, stream, lsn_str(b, lsn));
		ret = 1;
		goto out;
	}
	ret = reader_walk(&r, ctx);
	close(ctx);
out:
	reader_end(&r);
	free(r.buf);
	session_close(&s);
	return ret;
}

const struct command read_command = {
	.name = "read",
	.summary = "read records of a stream, forward or along LSN chains",
	.usage =
	"usage: clfsctl [--device PATH] [--json] read [OPTIONS] DEVICE [START]\n"
	"\n"
	"Read records of a stream of the log on DEVICE, beginning with the\n"
	"record at START, then walking:\n"
	"  --forward    to the stream's next record, to its last (default)\n"
	"  --previous   along each record's previous LSN, to one without\n"
	"  --undo-next  along each record's undo-next LSN, to one without\n"
	"START is an LSN (0x... hexadecimal or decimal) or a place of the\n"
	"stream: first (its base, or its first record if it has no base), last,\n"
	"base or restart (its newest restart area). The default is first for\n"
	"--forward and last otherwise. An empty stream prints nothing. Records\n"
	"not yet flushed are read too.\n"
	"\n"
	"Each record prints as a line with its LSN, type, size, previous and\n"
	"undo-next LSNs (\"-\" for none), then its bytes: quoted if printable,\n"
	"else as a hexdump.\n"
	"\n"
	"options:\n"
	"  -s, --stream N        the stream (default 0)\n"
	"  -F, --forward         see above\n"
	"  -P, --previous        see above\n"
	"  -U, --undo-next       see above\n"
	"  -f, --filter TYPES    data, restart or all (default): the record\n"
	"                        types to print; walks pass over the others.\n"
	"                        A START given as an LSN must be one of them.\n"
	"  -n, --count N         stop after N records\n"
	"  -x, --hex             bytes always as a hexdump\n"
	"  -t, --text            only each record's bytes and a newline: what\n"
	"                        clfsctl append reads from stdin\n"
	"  -j, --json            JSON: {\"records\": [{\"lsn\", \"type\",\n"
	"                        \"prev_lsn\", \"undo_next_lsn\", \"bytes\",\n"
	"                        \"data_hex\", \"text\" (if printable)}]}\n"
	"\n"
	"The log is opened read-only.\n"
	"\n"
	"Exit status: 0 the walk reached its end (or N records), 1 a read\n"
	"failed (START names no record: ENOENT; before the start of the log:\n"
	"ERANGE), 2 usage error.\n",
	.run = read_run,
};

/* ---- restart ------------------------------------------------------------ */

static int restart_write(const struct options *opt, const char *dev,
			 __u32 stream, const void *buf, size_t len,
			 __u64 base, bool json)
{
	struct session s;
	__u64 lsn;
	int ret;

	if (session_open(&s, opt, "restart", dev, true))
		return 1;
	if (session_marshal(&s, stream, len > SMALL_RECORD_MAX ?
			    BIG_BLOCK_BYTES : 0)) {
		session_close(&s);
		return 1;
	}
	ret = clfs_restart_write(s.marshal, buf, (__u32)len, base, 0, &lsn);
	if (ret < 0)
		ret = report("restart", ERR_APPEND, ret,
			     "%s: stream %u: write restart area", dev, stream);
	else
		ret = print_stream_after(&s, json, "restart_lsn", lsn);
	session_close(&s);
	return ret;
}

static int restart_read(const struct options *opt, const char *dev,
			__u32 stream, struct reader *r, bool json)
{
	struct session s;
	struct json j;
	int ctx, ret;

	if (session_open(&s, opt, "restart", dev, false))
		return 1;
	if (session_marshal(&s, stream, 0)) {
		session_close(&s);
		return 1;
	}
	r->s = &s;
	r->j = json ? &j : NULL;
	if (reader_init(r)) {
		session_close(&s);
		return report("restart", ERR_GENERIC, -ENOMEM, "read buffer");
	}
	reader_begin(r, &j);
	ctx = clfs_restart_read(s.marshal, &r->rec);
	if (ctx == -ENODATA) {
		print_msg(stderr, "restart", NULL,
			  "%s: stream %u has no restart area (ENODATA)", dev,
			  stream);
		ret = 1;
	} else if (ctx < 0) {
		ret = report("restart", ERR_READ, ctx,
			     "%s: stream %u: read the restart area", dev,
			     stream);
	} else {
		ret = reader_walk(r, ctx);
		close(ctx);
	}
	reader_end(r);
	free(r->buf);
	session_close(&s);
	return ret;
}

static int restart_run(const struct options *opt, int argc, char **argv)
{
	static const char *const subs[] = { "read", "write", NULL };
	static const struct option longopts[] = {
		{ "stream", required_argument, NULL, 's' },
		{ "base", required_argument, NULL, 'B' },
		{ "file", required_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ "count", required_argument, NULL, 'n' },
		{ "hex", no_argument, NULL, 'x' },
		{ "text", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct reader r = { .fmt = REC_AUTO, .filter = CLFS_FILTER_ALL,
			    .count = 1 };
	const char *dev, *file = NULL;
	bool json = opt->json, all = false, count_set = false;
	__u64 base = CLFS_LSN_NULL, v;
	__u32 stream = 0;
	int c, sub, rest, nargs, ret, fd;
	char **args, *data = NULL;
	size_t len = 0;

	while ((c = getopt_long(argc, argv, "s:B:f:an:xtj", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_stream_opt("restart", optarg, &stream))
				return EXIT_USAGE;
			break;
		case 'B':
			if (parse_lsn_opt("restart", "--base", optarg, &base))
				return EXIT_USAGE;
			break;
		case 'f':
			file = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'n':
			if (parse_u64(optarg, ~0UL, &v) || !v)
				return usage_error("restart", "--count: '%s' is not a positive number",
						   optarg);
			r.count = (unsigned long)v;
			count_set = true;
			break;
		case 'x':
		case 't':
			if (parse_format("restart", c, &r.fmt))
				return EXIT_USAGE;
			break;
		case 'j':
			json = true;
			break;
		default:
			return usage_error("restart", "bad option");
		}
	}
	sub = split_subcommand("restart", subs, argv + optind, argc - optind,
			       &dev, &rest);
	if (sub < 0)
		return EXIT_USAGE;
	args = argv + optind + rest;
	nargs = argc - optind - rest;

	if (sub == 0) {
		if (nargs)
			return usage_error("restart", "read takes no arguments");
		if (base != CLFS_LSN_NULL || file)
			return usage_error("restart", "--base and --file are for restart write");
		if (all && !count_set)
			r.count = 0;
		return restart_read(opt, dev, stream, &r, json);
	}
	if (all || count_set || r.fmt != REC_AUTO)
		return usage_error("restart", "--all, --count, --hex and --text are for restart read");
	if (file) {
		if (nargs)
			return usage_error("restart", "the restart area comes from --file or TEXT, not both");
		fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0;
		if (fd < 0)
			return report("restart", ERR_GENERIC, -errno, "%s", file);
		ret = read_all(fd, FILE_MAX_BYTES, &data, &len);
		if (fd)
			close(fd);
		if (ret < 0)
			return report("restart", ERR_GENERIC, ret, "read %s", file);
		ret = restart_write(opt, dev, stream, data, len, base, json);
		free(data);
		return ret;
	}
	if (nargs != 1)
		return usage_error("restart", "write expects one TEXT (or --file)");
	return restart_write(opt, dev, stream, args[0], strlen(args[0]), base,
			     json);
}

const struct command restart_command = {
	.name = "restart",
	.summary = "write a restart area, or read the newest ones",
	.usage =
	"usage: clfsctl [--device PATH] [--json] restart write [OPTIONS] DEVICE TEXT\n"
	"       clfsctl restart read [OPTIONS] DEVICE\n"
	"\n"
	"(The subcommand may also follow DEVICE.)\n"
	"\n"
	"write  write TEXT (or a file's bytes) as a restart area of the stream:\n"
	"       a restart record, durable, and the stream's newest restart\n"
	"       area; with --base the stream's base moves to LSN in the same\n"
	"       atomic step. Prints the restart record's LSN and the stream.\n"
	"read   print the stream's newest restart area; with --all, walk back\n"
	"       through every older one (--count N: at most N). The log is\n"
	"       opened read-only. Output as clfsctl read.\n"
	"\n"
	"options:\n"
	"  -s, --stream N   the stream (default 0)\n"
	"  -B, --base LSN   write: the stream's new base\n"
	"  -f, --file PATH  write: the restart area from a file (- for stdin)\n"
	"  -a, --all        read: every restart area, newest first\n"
	"  -n, --count N    read: at most N restart areas\n"
	"  -x, --hex        read: bytes as a hexdump\n"
	"  -t, --text       read: only the bytes and a newline\n"
	"  -j, --json       JSON output\n"
	"\n"
	"Exit status: 0 done, 1 failed (read: no restart area, ENODATA),\n"
	"2 usage error.\n",
	.run = restart_run,
};

/* ---- advance-base, truncate, archive-tail, flush ------------------------ */

enum tail_op { OP_BASE, OP_TRUNCATE, OP_ARCHIVE, OP_FLUSH };

static int tail_run(const struct options *opt, int argc, char **argv,
		    enum tail_op op)
{
	static const struct option longopts[] = {
		{ "stream", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const names[] = {
		[OP_BASE] = "advance-base", [OP_TRUNCATE] = "truncate",
		[OP_ARCHIVE] = "archive-tail", [OP_FLUSH] = "flush",
	};
	const char *cmd = names[op];
	__u64 lsn = CLFS_LSN_NULL, flushed;
	bool json = opt->json;
	char b[LSN_STR_BYTES];
	struct session s;
	__u32 stream = 0;
	int c, ret;

	while ((c = getopt_long(argc, argv, "s:j", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_stream_opt(cmd, optarg, &stream))
				return EXIT_USAGE;
			break;
		case 'j':
			json = true;
			break;
		default:
			return usage_error(cmd, "bad option");
		}
	}
	if (op == OP_FLUSH ? argc - optind < 1 || argc - optind > 2 :
	    argc - optind != 2)
		return usage_error(cmd, op == OP_FLUSH ?
				   "expects a device and at most one LSN" :
				   "expects a device and an LSN");
	if (argc - optind == 2 &&
	    parse_lsn_opt(cmd, "LSN", argv[optind + 1], &lsn))
		return EXIT_USAGE;

	if (session_open(&s, opt, cmd, argv[optind], true))
		return 1;
	if (op == OP_ARCHIVE ? session_stream(&s, stream) :
	    session_marshal(&s, stream, 0)) {
		session_close(&s);
		return 1;
	}
	switch (op) {
	case OP_BASE:
		ret = clfs_advance_base(s.marshal, lsn);
		break;
	case OP_TRUNCATE:
		ret = clfs_set_end_of_log(s.marshal, lsn);
		break;
	case OP_ARCHIVE:
		ret = clfs_set_archive_tail(s.stream, lsn);
		break;
	default:
		ret = clfs_flush(s.marshal, lsn, &flushed);
		break;
	}
	if (ret < 0)
		ret = report(cmd, op == OP_FLUSH ? ERR_FLUSH : ERR_TAIL, ret,
			     "%s: stream %u: %s %s", s.dev, stream, cmd,
			     lsn == CLFS_LSN_NULL ? "all" : lsn_str(b, lsn));
	else
		ret = print_stream_after(&s, json,
					 op == OP_FLUSH ? "flushed_lsn" : NULL,
					 op == OP_FLUSH ? flushed : 0);
	session_close(&s);
	return ret;
}

static int advance_base_run(const struct options *opt, int argc, char **argv)
{
	return tail_run(opt, argc, argv, OP_BASE);
}

static int truncate_run(const struct options *opt, int argc, char **argv)
{
	return tail_run(opt, argc, argv, OP_TRUNCATE);
}

static int archive_tail_run(const struct options *opt, int argc, char **argv)
{
	return tail_run(opt, argc, argv, OP_ARCHIVE);
}

static int flush_run(const struct options *opt, int argc, char **argv)
{
	return tail_run(opt, argc, argv, OP_FLUSH);
}

#define TAIL_OPTIONS \
	"options:\n" \
	"  -s, --stream N   the stream (default 0)\n" \
	"  -j, --json       JSON output\n" \
	"\n" \
	"Prints the stream's LSNs afterwards. LSNs are 0x... hexadecimal or\n" \
	"decimal.\n"

const struct command advance_base_command = {
	.name = "advance-base",
	.summary = "move a stream's base LSN forward",
	.usage =
	"usage: clfsctl [--device PATH] [--json] advance-base [-s N] DEVICE LSN\n"
	"\n"
	"Make the record at LSN the oldest one the stream's clients still\n"
	"need. Containers holding only older records (of every stream, and\n"
	"not held by an archive tail) are recycled; reads below the base\n"
	"fail with ERANGE.\n"
	"\n"
	TAIL_OPTIONS
	"\n"
	"Exit status: 0 moved, 1 failed (LSN names no record of the stream:\n"
	"ENOENT; before the current base: ERANGE; after the last record:\n"
	"EINVAL), 2 usage error.\n",
	.run = advance_base_run,
};

const struct command truncate_command = {
	.name = "truncate",
	.summary = "set the end of a stream: drop the records after an LSN",
	.usage =
	"usage: clfsctl [--device PATH] [--json] truncate [-s N] DEVICE LSN\n"
	"\n"
	"Set the end of the stream: the record at LSN becomes its last one,\n"
	"every later record of the stream is gone (reads give ENOENT), and\n"
	"new records follow. Durable when clfsctl exits 0.\n"
	"\n"
	TAIL_OPTIONS
	"\n"
	"Exit status: 0 truncated, 1 failed (LSN names no record of the\n"
	"stream: ENOENT; below its base or archive tail: ERANGE), 2 usage\n"
	"error.\n",
	.run = truncate_run,
};

const struct command archive_tail_command = {
	.name = "archive-tail",
	.summary = "move a stream's archive tail (archived logs)",
	.usage =
	"usage: clfsctl [--device PATH] [--json] archive-tail [-s N] DEVICE LSN\n"
	"\n"
	"Record that every record of the stream before LSN is archived: the\n"
	"containers they alone hold can be recycled once the base passes\n"
	"them too. Only archived logs have an archive tail.\n"
	"\n"
	TAIL_OPTIONS
	"\n"
	"Exit status: 0 moved, 1 failed (an ephemeral log: EINVAL; LSN names\n"
	"no record: ENOENT; before the current archive tail: ERANGE), 2 usage\n"
	"error.\n",
	.run = archive_tail_run,
};

const struct command flush_command = {
	.name = "flush",
	.summary = "make a stream's records durable, up to an LSN or all",
	.usage =
	"usage: clfsctl [--device PATH] [--json] flush [-s N] DEVICE [LSN]\n"
	"\n"
	"Flush the log: every record up to LSN (default: every record) is\n"
	"durable when clfsctl exits 0. Prints the flushed LSN (every block\n"
	"before it is durable) and the stream. clfsctl append already\n"
	"flushes what it appends; this is for logs other programs write.\n"
	"\n"
	TAIL_OPTIONS
	"\n"
	"Exit status: 0 flushed, 1 failed (LSN was never appended: EINVAL;\n"
	"I/O error: EIO), 2 usage error.\n",
	.run = flush_run,
};
