/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfsctl: what the command files share.
 *
 * clfsctl is a table of commands (commands[] in clfsctl.c). A command is a
 * struct command defined in a cmd_*.c file next to the function that runs
 * it: the function gets the global options and its own argv (argv[0] is
 * the command name) and returns the process exit status. To add one:
 * define foo_command in a cmd_*.c file, declare it below, add it to
 * commands[] and the file to the Makefile.
 *
 * Exit statuses every command keeps: 0 success, 1 the operation failed or
 * found a problem, 2 usage error (offline commands: also a device or image
 * they could not read; online commands report every failure of the module,
 * I/O errors included, as 1). A command may document more.
 *
 * Output: results go to stdout, as text or (--json) as one JSON document;
 * errors and warnings go to stderr as "clfsctl CMD: error: ...".
 */
#ifndef CLFSCTL_H
#define CLFSCTL_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define EXIT_USAGE	2

/* The kernel's __printf(): userspace has no <linux/compiler_attributes.h>. */
#ifndef __printf
#define __clfs_format	format
#define __printf(a, b)	__attribute__((__clfs_format(printf, a, b)))
#endif

/**
 * struct options - the global options, given before the command name
 * @device: the clfs control device (NULL: CLFS_DEFAULT_DEVICE)
 * @json: print results as JSON
 */
struct options {
	const char *device;
	bool json;
};

/**
 * struct command - one clfsctl command
 * @name: what the user types
 * @summary: one line for clfsctl --help
 * @usage: the whole text of clfsctl NAME --help
 * @run: runs it; @argv[0] is @name; returns the exit status
 */
struct command {
	const char *name;
	const char *summary;
	const char *usage;
	int (*run)(const struct options *opt, int argc, char **argv);
};

/* The commands, in the order clfsctl --help lists them. */
extern const struct command version_command;	/* clfsctl.c */
extern const struct command create_command;	/* cmd_log.c */
extern const struct command delete_command;	/* cmd_log.c */
extern const struct command info_command;	/* cmd_log.c */
extern const struct command stats_command;	/* cmd_log.c */
extern const struct command containers_command;	/* cmd_log.c */
extern const struct command size_command;	/* cmd_policy.c */
extern const struct command policy_command;	/* cmd_policy.c */
extern const struct command streams_command;	/* cmd_stream.c */
extern const struct command append_command;	/* cmd_record.c */
extern const struct command read_command;	/* cmd_record.c */
extern const struct command restart_command;	/* cmd_record.c */
extern const struct command advance_base_command; /* cmd_record.c */
extern const struct command truncate_command;	/* cmd_record.c */
extern const struct command archive_tail_command; /* cmd_record.c */
extern const struct command flush_command;	/* cmd_record.c */
extern const struct command watch_command;	/* cmd_watch.c */
extern const struct command load_command;	/* cmd_load.c */
extern const struct command bench_command;	/* cmd_bench.c */
extern const struct command attach_command;	/* cmd_attach.c */
extern const struct command detach_command;	/* cmd_attach.c */
extern const struct command list_command;	/* cmd_attach.c */
extern const struct command access_command;	/* cmd_attach.c */
extern const struct command check_command;	/* cmd_offline.c */
extern const struct command dump_command;	/* cmd_offline.c */

/* ---- messages (output.c) ----------------------------------------------- */

/*
 * "clfsctl CMD: LEVEL: TEXT\n" on @f; @level may be NULL (no level).
 * Return: the number of characters written.
 */
__printf(4, 5)
int print_msg(FILE *f, const char *cmd, const char *level, const char *fmt,
	      ...);

/* "clfsctl CMD: WHAT: strerror(-err)" on stderr; returns 1. */
int print_errno(const char *cmd, const char *what, int err);

/* Usage error: the message, a pointer to --help; returns EXIT_USAGE. */
__printf(2, 3)
int usage_error(const char *cmd, const char *fmt, ...);

/*
 * Parse an unsigned number (decimal, 0x hex or 0 octal) that must use the
 * whole string and be at most @max. Return: 0 or -EINVAL.
 */
int parse_u64(const char *s, __u64 max, __u64 *v);

/*
 * An LSN as text: "0x%016llx", "-" for CLFS_LSN_NULL, "invalid" for
 * CLFS_LSN_INVALID. @buf needs LSN_STR_BYTES; returns @buf.
 */
#define LSN_STR_BYTES	24
const char *lsn_str(char *buf, __u64 lsn);

/* Parse an LSN given as a number (see parse_u64()). */
int parse_lsn(const char *s, __u64 *lsn);

/* The symbolic name of an errno value ("EUCLEAN"), or "E<n>". */
const char *errno_name(int err);

/* ---- JSON output (output.c) -------------------------------------------- */

/*
 * A streaming JSON writer: values are written as they come, so a dump of a
 * large log never sits in memory. Every call takes the member's key, NULL
 * inside arrays and for the top-level value. Nesting deeper than
 * JSON_MAX_DEPTH is a programming error and aborts.
 *
 * LSNs are strings ("0x0000000100002000") or null: JSON numbers above
 * 2^53 lose precision in many parsers.
 */
#define JSON_MAX_DEPTH	16

struct json {
	FILE *f;
	int depth;
	bool comma[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
void json_u64(struct json *j, const char *key, __u64 v);
void json_s64(struct json *j, const char *key, __s64 v);
void json_f64(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* An LSN: a string, or null for CLFS_LSN_NULL. */
void json_lsn(struct json *j, const char *key, __u64 lsn);
/* Bytes as a string of hex digits. */
void json_hex(struct json *j, const char *key, const void *buf, size_t len);
/* Ends the document: a newline after the top-level value. */
void json_finish(struct json *j);

/* Classic hexdump lines ("  0000  01 02 ...  |..|") of @len bytes. */
void hexdump(FILE *f, const char *indent, const void *buf, size_t len);

#endif /* CLFSCTL_H */
