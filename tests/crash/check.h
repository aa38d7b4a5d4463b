/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checking a log after a crash against its workload's journal: SPEC.md
 * section 3, for one state of the device.
 */
#ifndef CLFS_CRASH_CHECK_H
#define CLFS_CRASH_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "journal.h"

#define CHECK_STREAMS	4

/* What one check read back: each stream's records, for a second check. */
struct check_result {
	uint64_t *lsns[CHECK_STREAMS];
	size_t nr[CHECK_STREAMS];
	uint32_t stream_ids[CHECK_STREAMS];
	unsigned int nr_streams;
	bool opened;		/* the log opened (else: no log yet) */
	uint64_t records;	/* records read */
};

/*
 * check_log() - open the log on @dev with the module (recovery), read every
 * stream fully and check it against @j, where done[i] says whether op
 * j->ops[i] returned before the crash. With @first (a check of the state
 * this one crashed out of, during its recovery), also check that nothing
 * the first recovery dropped came back. The log is closed again.
 *
 * Return: 0 and @out filled; 1 for a violation, described in @why; -errno
 * if the check itself could not run.
 */
int check_log(const char *dev, const struct journal *j, const bool *done,
	      const struct check_result *first, struct check_result *out,
	      char *why, size_t why_bytes);

/*
 * Records missing from the journal (a console cut its last lines) are
 * accepted when their bytes are the workload's for their op number.
 */
#define CHECK_UNJOURNALED_OK	(1U << 0)

/* check_log_flags() - check_log() with CHECK_* @flags */
int check_log_flags(const char *dev, const struct journal *j, const bool *done,
		    const struct check_result *first, struct check_result *out,
		    unsigned int flags, char *why, size_t why_bytes);
void check_result_free(struct check_result *r);

/*
 * check_offline() - what "clfsctl check" says of @dev (the same code, in
 * this process): 1 (and @why) when it finds corruption (status 1) or
 * cannot read the log (status 2) although @need_log.
 */
int check_offline(const char *dev, bool need_log, char *why, size_t why_bytes);

#endif
