/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a crash workload did, as its checkers read it back.
 *
 * Every operation has a number, taken when it starts. When it returns
 * successfully the workload first inserts a dm-log-writes mark "op<N>"
 * (when it runs under dm-log-writes), then writes one journal line:
 *
 *	<op> <kind> <stream> <lsn> <arg> <len>
 *
 * (op and len decimal, stream decimal, lsn and arg hexadecimal). So a crash
 * state at a point of the recorded log after the mark has every effect of
 * the operation durable that the operation promised; a state before it
 * may or may not have it. The kinds, and what each promises on return:
 *
 *	C  the log was formatted and its streams created (arg: streams)
 *	A  a record appended, not forced: nothing durable (lsn, len)
 *	F  a record appended with FORCE_FLUSH: every record up to lsn
 *	U  as A, the record consumed a reservation
 *	V  as F, the record consumed a reservation
 *	L  a flush to lsn: every record up to lsn (arg: flushed position)
 *	R  a restart area at lsn (len bytes), with new base arg or NULL:
 *	   durable, and the base with it
 *	B  the stream's base moved to lsn, durably
 *	T  the stream's archive tail moved to lsn, durably
 *	X  the stream truncated after lsn, durably: its records after lsn
 *	   appended before this op are gone
 *	P  policies installed (arg: max containers, len: min containers)
 *	S  the log's size set (arg: the size it reports afterwards)
 *	O  every descriptor closed and the log opened again
 *
 * A record's bytes follow from its op number alone (journal_payload()).
 *
 * Before an op of kind R, B, T, X, P or S starts, the workload writes its
 * intent: the same line with the kind in lower case (and, for R, no LSN
 * yet). An op that failed, or was cut off by a crash, may still have
 * taken effect; its intent says what that effect can be.
 */
#ifndef CLFS_CRASH_JOURNAL_H
#define CLFS_CRASH_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOURNAL_PREFIX		"clfs-journal: "
#define PAYLOAD_MAGIC		0x434c4a31u	/* "CLJ1" */
#define PAYLOAD_MIN		16
#define PAYLOAD_MAX		6144
#define JOURNAL_NO_MARK		SIZE_MAX

struct jop {
	uint64_t op;
	char kind;
	uint32_t stream;
	uint64_t lsn;
	uint64_t arg;
	uint32_t len;
	size_t mark;		/* entry index of its mark, or JOURNAL_NO_MARK */
	bool intent_only;	/* only its intent line: it never returned */
};

struct journal {
	struct jop *ops;	/* in op number order */
	size_t nr;
};

/*
 * journal_rand() - xorshift64*: the next number of the sequence in @x (not
 * zero). A record's bytes come from it, seeded by its op number alone.
 */
uint64_t journal_rand(uint64_t *x);

/* journal_payload() - the bytes of op @op's record of @len bytes in @stream */
void journal_payload(uint64_t op, uint32_t stream, uint32_t len, void *buf);

/* journal_is_record() - does the kind append a data record? */
static inline bool journal_is_record(char kind)
{
	return kind == 'A' || kind == 'F' || kind == 'U' || kind == 'V';
}

/*
 * journal_load() - read a journal: lines as above, each possibly preceded
 * by anything up to JOURNAL_PREFIX (a console's timestamps). Malformed
 * lines and duplicates are refused: -EINVAL with the line number in
 * *@bad_line. 0 or -errno.
 */
int journal_load(struct journal *j, const char *path, size_t *bad_line);
void journal_free(struct journal *j);
/* journal_find() - the op numbered @op, or NULL */
struct jop *journal_find(const struct journal *j, uint64_t op);

#endif
