/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfsctl's online commands: what they share (online.c).
 *
 * An online command works on a log through the loaded module: it opens
 * the control device, checks the module's ABI, opens the log on the block
 * device the user named (a session), and from it a stream and a
 * marshalling area as it needs them. Closing the session closes them all;
 * a marshalling area flushes its records when it is closed.
 *
 * Errors are printed as "clfsctl CMD: WHAT: TEXT (ENAME)", TEXT saying what
 * the errno means for that kind of request (err_text()).
 */
#ifndef CLFSCTL_ONLINE_H
#define CLFSCTL_ONLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "clfsctl.h"
#include "libclfs.h"

/* What kind of request failed: errno values mean different things. */
enum err_ctx {
	ERR_GENERIC,
	ERR_CONTROL,	/* opening /dev/clfs, the version */
	ERR_CREATE,	/* formatting a device */
	ERR_OPEN,	/* opening a log */
	ERR_DELETE,	/* erasing a log */
	ERR_CONTAINER,	/* adding, removing, scanning containers */
	ERR_STREAM,	/* creating, opening, deleting, resetting streams */
	ERR_APPEND,	/* appends, reservations, restart area writes */
	ERR_READ,	/* opening a read context, reading a record */
	ERR_TAIL,	/* base, archive tail, end of log */
	ERR_FLUSH,	/* flushes */
	ERR_POLICY,	/* installing, removing policies */
	ERR_SIZE,	/* setting the log's size */
	ERR_MGMT,	/* management clients and their calls */
};

/* What @err (negative) means in @ctx, in a few words. */
const char *err_text(enum err_ctx ctx, int err);

/*
 * "clfsctl CMD: WHAT: TEXT (ENAME)" on stderr, WHAT from @fmt.
 * Return: 1, the exit status of a failed operation.
 */
__printf(4, 5)
int report(const char *cmd, enum err_ctx ctx, int err, const char *fmt, ...);

/**
 * struct session - an open log and what a command opened from it
 * @cmd: the command's name, for messages
 * @dev: the log's block device
 * @ctl: the control device, or -1
 * @log: the log descriptor, or -1
 * @stream: the stream descriptor, or -1
 * @marshal: the marshalling area descriptor, or -1
 * @stream_id: the stream @stream is open on
 * @writable: the log was opened read-write
 */
struct session {
	const char *cmd;
	const char *dev;
	int ctl;
	int log;
	int stream;
	int marshal;
	__u32 stream_id;
	bool writable;
};

/*
 * Open the control device named by @opt and check the module's ABI.
 * Return: 0, or 1 after printing why not.
 */
int session_control(struct session *s, const struct options *opt,
		    const char *cmd);

/*
 * session_control(), then open the log on @dev, read-write if @writable.
 * Return: 0, or 1 after printing why not (everything closed again).
 */
int session_open(struct session *s, const struct options *opt,
		 const char *cmd, const char *dev, bool writable);

/* Open stream @id of the log. Return: 0 or 1 (printed). */
int session_stream(struct session *s, __u32 id);

/*
 * session_stream(@id) and a marshalling area of @block_bytes on it.
 * Return: 0 or 1 (printed).
 */
int session_marshal(struct session *s, __u32 id, __u32 block_bytes);

/*
 * Close everything, child first. A marshalling area flushes when it is
 * closed; call clfs_flush() before to see the result.
 */
void session_close(struct session *s);

/* ---- argument helpers --------------------------------------------------- */

/*
 * A size: a number with an optional K, M, G or T suffix (powers of 1024)
 * or "KiB"/"MiB"/"GiB"/"TiB". Return: 0 or -EINVAL.
 */
int parse_size(const char *s, __u64 max, __u64 *v);

/*
 * An LSN as the user gives it: hexadecimal with 0x, else decimal; it must
 * be one that can name a record (not CLFS_LSN_NULL, not in container
 * 0xffffffff). Return: 0 or -EINVAL.
 */
int parse_lsn_arg(const char *s, __u64 *lsn);

/* A stream id, 0 to CLFS_MAX_STREAM_ID. Return: 0 or -EINVAL. */
int parse_stream_id(const char *s, __u32 *id);

/* "1 MiB", "64 KiB", "512 B": @v in the largest unit that divides it. */
const char *size_str(char *buf, size_t len, __u64 v);

/*
 * Commands with subcommands take "CMD SUB DEVICE ARGS" or "CMD DEVICE SUB
 * ARGS". From the positional arguments @pos (@npos of them) find the
 * subcommand among @subs (NULL-terminated; the first is the default when
 * none is given) and the device.
 * Return: the index in @subs, or -1 (no device, or an unknown word:
 * printed as a usage error). *@rest is the first argument after both.
 */
int split_subcommand(const char *cmd, const char *const *subs, char **pos,
		     int npos, const char **dev, int *rest);

/* ---- output ------------------------------------------------------------- */

/*
 * The members of a stream query (LSNs, reservations, management client),
 * as JSON members of the current object, or as "  NAME  VALUE" lines on
 * stdout.
 */
void print_stream_info(const struct clfs_stream_info *si, struct json *j);

/* The UUID as text: 8-4-4-4-12 hex digits. @buf needs 37 bytes. */
const char *uuid_str(char *buf, const __u8 uuid[16]);

/* How a record's bytes are printed. */
enum rec_format {
	REC_AUTO,	/* header; the bytes as text if printable, else hex */
	REC_HEX,	/* header and a hexdump */
	REC_TEXT,	/* only the bytes, then a newline: append's input */
};

/* Print one record read into @rec (its bytes at @rec->buf). */
void print_record(const struct clfs_ioc_record *rec, enum rec_format fmt,
		  struct json *j);

/* "data", "restart" or "type N". */
const char *record_type_str(char *buf, size_t len, __u32 type);

#endif /* CLFSCTL_ONLINE_H */
