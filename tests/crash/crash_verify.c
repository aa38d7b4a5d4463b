// SPDX-License-Identifier: GPL-2.0
/*
 * crash_verify: after a power cut or an I/O fault, check the log on a
 * device against the journal of the workload that ran on it. Every
 * operation in the journal counts as acknowledged (its line was written
 * after it returned), except an intent alone (journal.h). Prints one
 * KTAP document.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "journal.h"

static const char usage[] =
	"usage: crash_verify [--name NAME] DEV JOURNAL\n"
	"\n"
	"Check the clfs log on DEV against the journal crash_workload wrote\n"
	"(lines may carry a console's prefix; a last, cut line is ignored):\n"
	"clfsctl check offline, then the module's recovery and every stream\n"
	"read back, as tests/crash/check.h describes. Records the journal\n"
	"lost at the cut are accepted when their bytes are a workload's.\n";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = "after_crash";
	struct check_result res;
	struct journal j;
	char why[512];
	size_t bad;
	bool *done;
	int opt, ret, off;

	while ((opt = getopt_long(argc, argv, "n:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			name = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		fputs(usage, stderr);
		return 2;
	}
	printf("KTAP version 1\n1..2\n");
	ret = journal_load(&j, argv[optind + 1], &bad);
	if (ret) {
		printf("# %s: bad journal (line %zu): %s\n", argv[optind + 1], bad, strerror(-ret));
		printf("not ok 1 %s_offline_check\nnot ok 2 %s_keeps_what_was_acknowledged\n",
		       name, name);
		return 1;
	}
	done = calloc(j.nr + 1, sizeof(*done));
	if (!done)
		return 1;
	for (size_t i = 0; i < j.nr; i++)
		done[i] = !j.ops[i].intent_only;
	off = check_offline(argv[optind], j.nr > 0, why, sizeof(why));
	if (off)
		printf("# %s\n", off > 0 ? why : strerror(-off));
	printf("%s 1 %s_offline_check\n", off ? "not ok" : "ok", name);
	ret = check_log_flags(argv[optind], &j, done, NULL, &res, CHECK_UNJOURNALED_OK,
			      why, sizeof(why));
	printf("# %zu acknowledged operations, %llu records read back\n", j.nr,
	       (unsigned long long)res.records);
	if (ret)
		printf("# %s\n", ret > 0 ? why : strerror(-ret));
	printf("%s 2 %s_keeps_what_was_acknowledged\n", ret ? "not ok" : "ok", name);
	check_result_free(&res);
	return off || ret;
}
