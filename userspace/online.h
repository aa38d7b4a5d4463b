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
 * In place of a block device the user may name an attached log: its name
 * (a word with no '/' for which /dev/clfs-logs/NAME exists) or its node's
 * path (/dev/clfs-logs/NAME). The session then opens the node, which needs
 * no capability and no control device (the ABI is checked if this user
 * may open it), and shares the attached log.
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
	ERR_ATTACH,	/* attaching a log */
	ERR_NAME,	/* detaching, setting access: naming an attached log */
	ERR_NODE,	/* opening an attached log's node */
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
 * @dev: the log's block device, or the attached log's name or node path,
 *	as the user gave it
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
 * session_control(), but a control device that cannot be opened is not
 * reported. Return: 0; 1 after printing why not (the ABI); or the
 * negative errno of the open, @s->ctl then -1.
 */
int session_control_try(struct session *s, const struct options *opt,
			const char *cmd);

/*
 * Open the log @dev names, read-write if @writable: an attached log's node
 * (attached_log_node()), else the log on the block device @dev after
 * session_control().
 * Return: 0, or 1 after printing why not (everything closed again).
 */
int session_open(struct session *s, const struct options *opt,
		 const char *cmd, const char *dev, bool writable);

/*
 * Does @arg name an attached log rather than a block device: a valid name
 * (valid_log_name()) for which a character device CLFS_NODE_DIR NAME
 * exists, or a path under CLFS_NODE_DIR?
 */
bool attached_log_node(const char *arg);

/*
 * For commands that need a block device (create, delete, attach): if @dev
 * is an attached log (attached_log_node()), say so.
 * Return: 0, or EXIT_USAGE after printing why not.
 */
int need_block_device(const char *cmd, const char *dev);

/* 1 to CLFS_NAME_MAX - 1 of [A-Za-z0-9_.-], not starting with '.'. */
bool valid_log_name(const char *name);

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
