// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl check and dump: a log read straight from its device or image
 * file, with no module loaded (the engine is in offline/).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "clfsctl.h"
#include "offline/offline.h"

static const char check_usage[] =
	"usage: clfsctl [--json] check [--strict] [--force] DEVICE|IMAGE\n"
	"\n"
	"Check a clfs log offline: read its block device or an image file\n"
	"directly, with the same format code the module runs; the module\n"
	"need not be loaded, and nothing is written.\n"
	"\n"
	"  1. Both metadata copies are validated; each is reported valid or\n"
	"     why not, with its generation, and the copy the module would use\n"
	"     is selected the way the module selects it.\n"
	"  2. The chain of log I/O blocks is walked the way recovery walks it:\n"
	"     from the recovery start, each block and each record validated,\n"
	"     to the first place without a valid block, the end of the log.\n"
	"  3. Every LSN the metadata names for a stream (base, last, archive\n"
	"     tail, restart area) must be a record of that stream in the\n"
	"     chain; one beyond the end means lost blocks. The end must not\n"
	"     be before the current epoch's start (the end the last open\n"
	"     found). Valid blocks beyond a damaged one are reported.\n"
	"\n"
	"Prints the metadata, containers, streams (with the records the chain\n"
	"holds for each), the end of the log and totals on stdout; each\n"
	"problem on stderr as \"clfsctl check: error|warning|note: ...\",\n"
	"naming the metadata copy, block, record, stream or field.\n"
	"\n"
	"options:\n"
	"  -s, --strict   warnings are corruption (exit 1 instead of 3)\n"
	"  -f, --force    read a block device even while something (the clfs\n"
	"                 module) holds it; a live log may look torn\n"
	"  -j, --json     JSON on stdout (LSNs as \"0x...\" strings), as the\n"
	"                 global --json option\n"
	"\n"
	"exit status:\n"
	"  0  clean\n"
	"  1  corruption: no usable metadata, a metadata LSN beyond the end\n"
	"     of the log or naming no record of its stream, blocks lost\n"
	"     before the current epoch's start; or warnings with --strict\n"
	"  2  usage error, or the device could not be opened or read\n"
	"  3  warnings only: the log opens and loses nothing durable, but one\n"
	"     metadata copy is invalid (the module uses the other and repairs\n"
	"     it with its next metadata write), or valid blocks follow a\n"
	"     damaged one at the end of the log (a crash in the middle of\n"
	"     writes leaves this; a cleanly closed log must not)\n";

static const char dump_usage[] =
	"usage: clfsctl [--json] dump [OPTIONS] DEVICE|IMAGE\n"
	"\n"
	"Print a clfs log offline, read directly from its block device or an\n"
	"image file: both metadata copies, the copy in use (containers,\n"
	"streams), then the chain of blocks from the recovery start to the\n"
	"end of the log as recovery finds it: each block (LSN, stream, epoch,\n"
	"records, sizes, device offset, flags; truncations with their end and\n"
	"restart LSNs) and each record (LSN, stream, type, previous and\n"
	"undo-next LSNs, size). Nothing is checked beyond what reading needs:\n"
	"use clfsctl check for that.\n"
	"\n"
	"options:\n"
	"  -D, --data        hexdump each record's bytes (JSON: hex string)\n"
	"  -H, --headers     block headers only, no records\n"
	"  -m, --metadata    the metadata only, no blocks\n"
	"  -s, --stream N    only the blocks of stream N\n"
	"  -F, --from LSN    start at the block holding LSN (a number, 0x for\n"
	"                    hex) instead of the recovery start; records\n"
	"                    before LSN in that block are skipped\n"
	"  -c, --copy N      use metadata copy N (0 or 1) even if the module\n"
	"                    would pick the other\n"
	"  -f, --force       read a block device even while something holds it\n"
	"  -j, --json        JSON on stdout, as the global --json option\n"
	"\n"
	"exit status: 0 printed; 1 no usable metadata (or copy N is invalid),\n"
	"or no valid block at --from; 2 usage error or the device could not\n"
	"be opened or read.\n";

static int check_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "strict", no_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct off_check_opts o = { 0 };
	bool json = opt->json;
	int c;

	while ((c = getopt_long(argc, argv, "sfj", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.strict = true;
			break;
		case 'f':
			o.force = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			return usage_error("check", "bad option");
		}
	}
	if (optind != argc - 1)
		return usage_error("check", "expects one device or image file");
	return off_check(argv[optind], &o, json, stdout, stderr);
}

static int dump_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", no_argument, NULL, 'D' },
		{ "headers", no_argument, NULL, 'H' },
		{ "metadata", no_argument, NULL, 'm' },
		{ "stream", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'F' },
		{ "copy", required_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct off_dump_opts o = { .stream = -1, .copy = -1 };
	bool json = opt->json;
	__u64 v;
	int c;

	while ((c = getopt_long(argc, argv, "DHms:F:c:fj", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'D':
			o.data = true;
			break;
		case 'H':
			o.headers = true;
			break;
		case 'm':
			o.metadata_only = true;
			break;
		case 's':
			if (parse_u64(optarg, CLFS_MAX_STREAMS - 1, &v))
				return usage_error("dump", "--stream: '%s' is not a stream id (0 to %u)",
						   optarg, CLFS_MAX_STREAMS - 1);
			o.stream = (int)v;
			break;
		case 'F':
			if (parse_lsn(optarg, &v) || !clfs_lsn_is_valid(v) ||
			    v == CLFS_LSN_NULL)
				return usage_error("dump", "--from: '%s' is not a valid LSN",
						   optarg);
			o.from = v;
			break;
		case 'c':
			if (parse_u64(optarg, CLFS_MD_COPIES - 1, &v))
				return usage_error("dump", "--copy: '%s' is neither 0 nor 1",
						   optarg);
			o.copy = (int)v;
			break;
		case 'f':
			o.force = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			return usage_error("dump", "bad option");
		}
	}
	if (optind != argc - 1)
		return usage_error("dump", "expects one device or image file");
	return off_dump(argv[optind], &o, json, stdout, stderr);
}

const struct command check_command = {
	.name = "check",
	.summary = "check a log's device or image offline (no module needed)",
	.usage = check_usage,
	.run = check_run,
};

const struct command dump_command = {
	.name = "dump",
	.summary = "print a log's metadata, blocks and records offline",
	.usage = dump_usage,
	.run = dump_run,
};
