// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl load: several processes appending to one log at once.
 *
 * Processes share the log the way a database's workers would: one
 * process opens it and its children inherit the log descriptor; each
 * child opens its own stream descriptor and marshalling area. (Unrelated
 * processes share it as well, each opening the same device or attached
 * log: docs/sharing.md.) Every record is appended with
 * CLFS_APPEND_FORCE_FLUSH and printed only once the append returned, so
 * each printed line is a record that must survive any crash from then on
 * - which is what the main demo checks after crashing the guest.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "online.h"

/* One child: @count records (0: until killed) to stream @stream. */
static int load_child(struct session *s, unsigned int child, __u32 stream,
		      __u64 count)
{
	char text[64], b[LSN_STR_BYTES];
	struct iovec iov;
	__u64 i, lsn;
	int ret;

	if (session_marshal(s, stream, 0))
		return 1;
	for (i = 0; !count || i < count; i++) {
		iov.iov_base = text;
		iov.iov_len = snprintf(text, sizeof(text), "p%u-%llu", child,
				       (unsigned long long)i);
		ret = clfs_append(s->marshal, &iov, 1, CLFS_RECORD_DATA,
				  CLFS_APPEND_FORCE_FLUSH, CLFS_LSN_NULL,
				  CLFS_LSN_NULL, &lsn);
		if (ret)
			return report("load", ERR_APPEND, ret,
				      "%s: process %u: append", s->dev, child);
		/* One write per line: lines of processes never interleave. */
		dprintf(STDOUT_FILENO, "ack stream=%u lsn=%s text=%s\n",
			stream, lsn_str(b, lsn), text);
	}
	return 0;
}

static int load_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "processes", required_argument, NULL, 'p' },
		{ "streams", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	__u64 procs = 4, streams = 1, count = 100, v;
	struct session s;
	unsigned int i, failed = 0;
	pid_t *pids;
	int c, st;

	while ((c = getopt_long(argc, argv, "+p:s:n:", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_u64(optarg, 64, &v) || !v)
				return usage_error("load", "--processes: 1 to 64");
			procs = v;
			break;
		case 's':
			if (parse_u64(optarg, CLFS_MAX_STREAM_ID + 1, &v) || !v)
				return usage_error("load", "--streams: 1 to %u",
						   CLFS_MAX_STREAM_ID + 1);
			streams = v;
			break;
		case 'n':
			if (parse_u64(optarg, ~0ULL, &count))
				return usage_error("load", "--count: a number");
			break;
		default:
			return usage_error("load", "unknown option");
		}
	}
	if (argc - optind != 1)
		return usage_error("load", "one DEVICE expected");
	if (session_open(&s, opt, "load", argv[optind], true))
		return 1;
	pids = calloc(procs, sizeof(*pids));
	if (!pids) {
		session_close(&s);
		return report("load", ERR_GENERIC, -ENOMEM, "process table");
	}
	fflush(stdout);
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			failed++;
			print_errno("load", "fork", -errno);
			break;
		}
		if (!pids[i]) {
			/* The child shares the log descriptor, nothing else. */
			_exit(load_child(&s, i, i % streams, count));
		}
	}
	for (i = 0; i < procs && pids[i] > 0; i++) {
		if (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			failed++;
	}
	free(pids);
	session_close(&s);
	return failed ? 1 : 0;
}

const struct command load_command = {
	.name = "load",
	.summary = "append from several processes at once, each record flushed",
	.usage =
	"usage: clfsctl [--device PATH] load [-p N] [-s N] [-n N] DEVICE\n"
	"\n"
	"Open the log on DEVICE once and fork processes that share it, as the\n"
	"workers of a database would. Process i appends the records \"pi-0\",\n"
	"\"pi-1\", ... to stream i modulo --streams, each forced to stable\n"
	"storage (CLFS_APPEND_FORCE_FLUSH) before the next, and prints\n"
	"\n"
	"  ack stream=S lsn=0x... text=pi-k\n"
	"\n"
	"once the append returned: every printed record survives a crash\n"
	"from then on. The streams must exist (clfsctl streams create).\n"
	"\n"
	"options:\n"
	"  -p, --processes N  processes (default 4, at most 64)\n"
	"  -s, --streams N    streams 0 .. N-1 to spread them over (default 1)\n"
	"  -n, --count N      records per process (default 100; 0: until\n"
	"                     killed)\n"
	"\n"
	"Exit status: 0 every process appended its records, 1 one failed\n"
	"(its error is printed), 2 usage error.\n",
	.run = load_run,
};
