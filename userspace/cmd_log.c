// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl create, delete, info, stats and containers: whole logs, through
 * the loaded module.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "online.h"

/* Defaults of clfsctl create. */
#define CREATE_CONTAINER_BYTES	(1ULL << 20)
#define CREATE_CONTAINERS	8

/* ---- shared ------------------------------------------------------------- */

/*
 * The common options of the commands here: -j and -w (open read-write).
 * Return: 0 when parsed (positional arguments from optind on), or
 * EXIT_USAGE after printing why not.
 */
static int common_opts(const char *cmd, int argc, char **argv, bool *json,
		       bool *write)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "write", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, write ? "jw" : "j", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'w':
			if (!write)
				return usage_error(cmd, "bad option");
			*write = true;
			break;
		default:
			return usage_error(cmd, "bad option");
		}
	}
	return 0;
}

static void json_stats(struct json *j, const struct clfs_log_info *li)
{
	json_obj_begin(j, "statistics");
	json_u64(j, "blocks_written", li->blocks_written);
	json_u64(j, "bytes_written", li->bytes_written);
	json_u64(j, "flushes", li->flushes);
	json_u64(j, "md_writes", li->md_writes);
	json_u64(j, "recovered_blocks", li->recovered_blocks);
	json_u64(j, "records_written", li->records_written);
	json_u64(j, "record_bytes", li->record_bytes);
	json_u64(j, "copied_bytes", li->copied_bytes);
	json_u64(j, "inflight_sum", li->inflight_sum);
	json_u64(j, "inflight_max", li->inflight_max);
	json_obj_end(j);
}

static void text_stats(const struct clfs_log_info *li)
{
	printf("statistics since the log was opened:\n");
	printf("  %-18s %llu\n", "blocks written",
	       (unsigned long long)li->blocks_written);
	printf("  %-18s %llu\n", "bytes written",
	       (unsigned long long)li->bytes_written);
	printf("  %-18s %llu\n", "device flushes",
	       (unsigned long long)li->flushes);
	printf("  %-18s %llu\n", "metadata writes",
	       (unsigned long long)li->md_writes);
	printf("  %-18s %llu\n", "recovered blocks",
	       (unsigned long long)li->recovered_blocks);
	printf("  %-18s %llu\n", "records written",
	       (unsigned long long)li->records_written);
	if (li->blocks_written)
		printf("  %-18s %.1f records, %.2f block writes in flight (most %llu)\n",
		       "per block", (double)li->records_written / li->blocks_written,
		       (double)li->inflight_sum / li->blocks_written,
		       (unsigned long long)li->inflight_max);
	if (li->flushes)
		printf("  %-18s %.1f records\n", "per device flush",
		       (double)li->records_written / li->flushes);
	if (li->record_bytes)
		printf("  %-18s %.2f bytes copied per byte\n", "record data",
		       (double)li->copied_bytes / li->record_bytes);
}

static void json_mgmt(struct json *j, const struct clfs_mgmt_info *mi)
{
	json_obj_begin(j, "management");
	json_u64(j, "flags", mi->flags);
	json_bool(j, "full", mi->flags & CLFS_MGMT_FULL);
	json_bool(j, "pinned", mi->flags & CLFS_MGMT_PINNED);
	json_u64(j, "nr_containers", mi->nr_containers);
	json_u64(j, "nr_free", mi->nr_free);
	json_u64(j, "nr_held", mi->nr_held);
	json_u64(j, "min_containers", mi->min_containers);
	json_u64(j, "max_containers", mi->max_containers);
	json_u64(j, "nr_clients", mi->nr_clients);
	json_u64(j, "nr_requests", mi->nr_requests);
	json_u64(j, "nr_waiting", mi->nr_waiting);
	json_u64(j, "grown", mi->grown);
	json_u64(j, "shrunk", mi->shrunk);
	json_u64(j, "full_events", mi->full_events);
	json_u64(j, "pinned_events", mi->pinned_events);
	json_u64(j, "requests_sent", mi->requests_sent);
	json_obj_end(j);
}

static const char *mgmt_state(const struct clfs_mgmt_info *mi)
{
	if (mi->flags & CLFS_MGMT_PINNED)
		return "full and pinned: no tail can move";
	if (mi->flags & CLFS_MGMT_FULL)
		return "full: waiting for tails to move";
	/* Not "has room": a log with no free container is not full yet. */
	return "not full";
}

static void text_mgmt(const struct clfs_mgmt_info *mi)
{
	printf("management:\n");
	printf("  %-18s %u containers (%u free, %u of them held for reservations)\n",
	       "size", mi->nr_containers, mi->nr_free, mi->nr_held);
	printf("  %-18s min %u, max %u containers\n", "size limits",
	       mi->min_containers, mi->max_containers);
	printf("  %-18s %s\n", "state", mgmt_state(mi));
	printf("  %-18s %u (%u waiting for log-full-handled)\n", "clients",
	       mi->nr_clients, mi->nr_waiting);
	printf("  %-18s %u\n", "pending requests", mi->nr_requests);
	printf("  since the log was opened:\n");
	printf("    %-16s %llu containers\n", "grown",
	       (unsigned long long)mi->grown);
	printf("    %-16s %llu containers\n", "shrunk",
	       (unsigned long long)mi->shrunk);
	printf("    %-16s %llu times\n", "full",
	       (unsigned long long)mi->full_events);
	printf("    %-16s %llu times\n", "pinned",
	       (unsigned long long)mi->pinned_events);
	printf("    %-16s %llu tail-advance requests\n", "sent",
	       (unsigned long long)mi->requests_sent);
}

static const char *log_kind(const struct clfs_log_info *li)
{
	static const char *const kinds[] = {
		"dedicated, ephemeral", "multiplexed, ephemeral",
		"dedicated, archived", "multiplexed, archived",
	};

	return kinds[li->flags & CLFS_LOG_CREATE_FLAGS];
}

static const char *log_state(const struct clfs_log_info *li)
{
	if (li->flags & CLFS_LOG_SHUT_DOWN)
		return "shut down by an I/O error";
	return li->flags & CLFS_LOG_READ_ONLY ? "open read-only" :
	       "open read-write";
}

/*
 * The whole query: @full adds the geometry, containers and LSNs, @mi (may
 * be NULL) the management section.
 */
static void print_log_info(const char *dev, const struct clfs_log_info *li,
			   const struct clfs_mgmt_info *mi, bool json,
			   bool full)
{
	char u[40], b[LSN_STR_BYTES], sz[32];
	struct json j;

	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", dev);
		json_str(&j, "uuid", uuid_str(u, li->uuid));
		if (full) {
			json_bool(&j, "multiplexed",
				  li->flags & CLFS_LOG_MULTIPLEXED);
			json_bool(&j, "archived", li->flags & CLFS_LOG_ARCHIVED);
			json_bool(&j, "read_only", li->flags & CLFS_LOG_READ_ONLY);
			json_bool(&j, "shut_down", li->flags & CLFS_LOG_SHUT_DOWN);
			json_u64(&j, "flags", li->flags);
			json_u64(&j, "sector_bytes", li->sector_bytes);
			json_u64(&j, "container_bytes", li->container_bytes);
			json_u64(&j, "device_bytes", li->device_bytes);
			json_u64(&j, "nr_slots", li->nr_slots);
			json_u64(&j, "nr_containers", li->nr_containers);
			json_u64(&j, "nr_active", li->nr_active);
			json_u64(&j, "nr_free", li->nr_free);
		}
		json_u64(&j, "epoch", li->epoch);
		json_u64(&j, "generation", li->generation);
		if (full) {
			json_lsn(&j, "recovery_lsn", li->recovery_lsn);
			json_lsn(&j, "head_lsn", li->head_lsn);
			json_lsn(&j, "flushed_lsn", li->flushed_lsn);
		}
		if (mi)
			json_mgmt(&j, mi);
		json_stats(&j, li);
		json_obj_end(&j);
		json_finish(&j);
		return;
	}
	printf("log on %s\n", dev);
	printf("  %-18s %s\n", "uuid", uuid_str(u, li->uuid));
	if (full) {
		printf("  %-18s %s\n", "kind", log_kind(li));
		printf("  %-18s %s\n", "state", log_state(li));
		printf("  %-18s %u\n", "sector size", li->sector_bytes);
		printf("  %-18s %s\n", "container size",
		       size_str(sz, sizeof(sz), li->container_bytes));
		printf("  %-18s %llu bytes\n", "device size",
		       (unsigned long long)li->device_bytes);
		printf("  %-18s %u (%u active, %u free) of %u slots\n",
		       "containers", li->nr_containers, li->nr_active,
		       li->nr_free, li->nr_slots);
	}
	printf("  %-18s %u\n", "epoch", li->epoch);
	printf("  %-18s %llu\n", "generation",
	       (unsigned long long)li->generation);
	if (full) {
		printf("  %-18s %s\n", "recovery LSN",
		       lsn_str(b, li->recovery_lsn));
		printf("  %-18s %s\n", "head LSN", lsn_str(b, li->head_lsn));
		printf("  %-18s %s\n", "flushed LSN",
		       lsn_str(b, li->flushed_lsn));
	}
	if (mi)
		text_mgmt(mi);
	text_stats(li);
}

static int log_query(struct session *s, struct clfs_log_info *li)
{
	int ret = clfs_log_query(s->log, li);

	if (ret < 0)
		return report(s->cmd, ERR_GENERIC, ret, "%s: query", s->dev);
	return 0;
}

/* ---- create ------------------------------------------------------------- */

static int create_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "container-size", required_argument, NULL, 's' },
		{ "containers", required_argument, NULL, 'n' },
		{ "multiplexed", no_argument, NULL, 'm' },
		{ "archived", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct clfs_log_params p = {
		.container_bytes = CREATE_CONTAINER_BYTES,
		.nr_containers = CREATE_CONTAINERS,
	};
	bool json = opt->json, force = false;
	struct clfs_log_info li;
	struct session s;
	const char *dev;
	int c, ret;
	__u64 v;

	while ((c = getopt_long(argc, argv, "s:n:mafj", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_size(optarg, ~0ULL, &v))
				return usage_error("create", "--container-size: '%s' is not a size",
						   optarg);
			p.container_bytes = v;
			break;
		case 'n':
			if (parse_u64(optarg, ~0U, &v))
				return usage_error("create", "--containers: '%s' is not a number",
						   optarg);
			p.nr_containers = (__u32)v;
			break;
		case 'm':
			p.flags |= CLFS_LOG_MULTIPLEXED;
			break;
		case 'a':
			p.flags |= CLFS_LOG_ARCHIVED;
			break;
		case 'f':
			force = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			return usage_error("create", "bad option");
		}
	}
	if (optind != argc - 1)
		return usage_error("create", "expects one device");
	dev = argv[optind];
	ret = need_block_device("create", dev);
	if (ret)
		return ret;

	if (session_control(&s, opt, "create"))
		return 1;
	/* Never overwrite a log by accident. */
	ret = clfs_log_open(s.ctl, dev, CLFS_OPEN_READ_ONLY);
	if (ret >= 0)
		close(ret);
	if ((ret >= 0 || ret == -EUCLEAN) && !force) {
		session_close(&s);
		print_msg(stderr, "create", NULL,
			  "%s already holds a clfs log%s: use --force to overwrite it",
			  dev, ret >= 0 ? "" : " (damaged)");
		return 1;
	}
	if (ret == -EBUSY || ret == -EPERM || ret == -ENOENT ||
	    ret == -ENOTBLK) {
		session_close(&s);
		return report("create", ERR_CREATE, ret, "%s", dev);
	}
	ret = clfs_log_create(s.ctl, dev, &p);
	if (ret < 0) {
		session_close(&s);
		return report("create", ERR_CREATE, ret, "format %s", dev);
	}
	/* Show what was made: a read-only open writes nothing. */
	ret = clfs_log_open(s.ctl, dev, CLFS_OPEN_READ_ONLY);
	if (ret < 0) {
		session_close(&s);
		return report("create", ERR_OPEN, ret,
			      "formatted %s, but open", dev);
	}
	s.log = ret;
	s.dev = dev;
	ret = log_query(&s, &li);
	session_close(&s);
	if (ret)
		return ret;
	if (json) {
		char u[40];
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", dev);
		json_str(&j, "uuid", uuid_str(u, li.uuid));
		json_bool(&j, "multiplexed", li.flags & CLFS_LOG_MULTIPLEXED);
		json_bool(&j, "archived", li.flags & CLFS_LOG_ARCHIVED);
		json_u64(&j, "sector_bytes", li.sector_bytes);
		json_u64(&j, "container_bytes", li.container_bytes);
		json_u64(&j, "nr_containers", li.nr_containers);
		json_u64(&j, "nr_slots", li.nr_slots);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		char u[40], sz[32];

		printf("created a %s log on %s: %u containers of %s (room for %u), %u-byte sectors, uuid %s\n",
		       log_kind(&li), dev, li.nr_containers,
		       size_str(sz, sizeof(sz), li.container_bytes),
		       li.nr_slots, li.sector_bytes, uuid_str(u, li.uuid));
	}
	return 0;
}

const struct command create_command = {
	.name = "create",
	.summary = "format a block device as a new log",
	.usage =
	"usage: clfsctl [--device PATH] [--json] create [OPTIONS] DEVICE\n"
	"\n"
	"Format DEVICE (a block device, or a storage driver's target such as\n"
	"memdev:t1) as a new, empty clfs log through the loaded module. The\n"
	"log is laid out in equal-size containers after a metadata area;\n"
	"the device's sector size (512 or 4096) is the log's.\n"
	"A dedicated log has one stream, stream 0; a multiplexed log starts\n"
	"with none (clfsctl streams create). An archived log keeps records\n"
	"until its archive tail moves (clfsctl archive-tail), an ephemeral\n"
	"one only until its base moves.\n"
	"\n"
	"If DEVICE already holds a log, nothing is written without --force.\n"
	"\n"
	"options:\n"
	"  -s, --container-size SIZE  size of every container: a multiple of\n"
	"                             the sector size, 64K to 4G (K, M, G\n"
	"                             suffixes; default 1M)\n"
	"  -n, --containers N         containers to start with, at least 2\n"
	"                             (default 8)\n"
	"  -m, --multiplexed          several streams (default: dedicated)\n"
	"  -a, --archived             keep an archive tail (default: ephemeral)\n"
	"  -f, --force                overwrite an existing log\n"
	"  -j, --json                 JSON output, as the global --json\n"
	"\n"
	"Needs CAP_SYS_ADMIN. Exit status: 0 created, 1 failed (or a log is\n"
	"there and no --force), 2 usage error.\n",
	.run = create_run,
};

/* ---- delete ------------------------------------------------------------- */

static int delete_run(const struct options *opt, int argc, char **argv)
{
	bool json = opt->json;
	struct session s;
	int ret;

	ret = common_opts("delete", argc, argv, &json, NULL);
	if (ret)
		return ret;
	if (optind != argc - 1)
		return usage_error("delete", "expects one device");
	ret = need_block_device("delete", argv[optind]);
	if (ret)
		return ret;
	if (session_control(&s, opt, "delete"))
		return 1;
	ret = clfs_log_delete(s.ctl, argv[optind]);
	session_close(&s);
	if (ret < 0)
		return report("delete", ERR_DELETE, ret, "%s", argv[optind]);
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", argv[optind]);
		json_bool(&j, "deleted", true);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		printf("deleted the log on %s\n", argv[optind]);
	}
	return 0;
}

const struct command delete_command = {
	.name = "delete",
	.summary = "erase the log on a block device",
	.usage =
	"usage: clfsctl [--device PATH] [--json] delete DEVICE\n"
	"\n"
	"Erase the clfs log on DEVICE: both metadata copies are overwritten,\n"
	"so the device no longer opens as a log. The log must not be open\n"
	"or attached (clfsctl detach first). DEVICE is the block device, not\n"
	"an attached log's name. Needs CAP_SYS_ADMIN.\n"
	"\n"
	"Exit status: 0 deleted, 1 failed (no log there, the log is open...),\n"
	"2 usage error.\n",
	.run = delete_run,
};

/* ---- info and stats ----------------------------------------------------- */

static int query_run(const struct options *opt, int argc, char **argv,
		     const char *cmd, bool full)
{
	bool json = opt->json, write = false;
	struct clfs_mgmt_info mi;
	struct clfs_log_info li;
	struct session s;
	int ret;

	ret = common_opts(cmd, argc, argv, &json, &write);
	if (ret)
		return ret;
	if (optind != argc - 1)
		return usage_error(cmd, "expects one device");
	if (session_open(&s, opt, cmd, argv[optind], write))
		return 1;
	ret = log_query(&s, &li);
	if (!ret && full) {
		ret = clfs_mgmt_query(s.log, &mi);
		if (ret < 0)
			ret = report(cmd, ERR_GENERIC, ret,
				     "%s: management query", s.dev);
	}
	session_close(&s);
	if (ret)
		return ret;
	print_log_info(argv[optind], &li, full ? &mi : NULL, json, full);
	return 0;
}

static int info_run(const struct options *opt, int argc, char **argv)
{
	return query_run(opt, argc, argv, "info", true);
}

static int stats_run(const struct options *opt, int argc, char **argv)
{
	return query_run(opt, argc, argv, "stats", false);
}

const struct command info_command = {
	.name = "info",
	.summary = "show a log: kind, geometry, containers, LSNs, statistics",
	.usage =
	"usage: clfsctl [--device PATH] [--json] info [-w] DEVICE\n"
	"\n"
	"Open the log on DEVICE and show what a query reports: its uuid and\n"
	"kind (dedicated or multiplexed, ephemeral or archived), state,\n"
	"sector and container sizes, containers (active, free, slots the\n"
	"device has room for), epoch and metadata generation, the recovery,\n"
	"head and flushed LSNs, and the statistics counted since the open.\n"
	"\n"
	"The management section (see clfsctl policy) shows the size with its\n"
	"free containers and those held back for reservations, the effective\n"
	"minimum and maximum size, whether the log is full (an append found\n"
	"no free container and it could not grow) or pinned (full, and no\n"
	"tail can move), the registered management clients and those waiting\n"
	"for log-full-handled, the unanswered tail-advance requests, and\n"
	"since the open: containers grown and shrunk automatically, full and\n"
	"pinned episodes, tail-advance requests sent.\n"
	"\n"
	"The log is opened read-only, which writes nothing; with --write it\n"
	"is opened read-write, which runs recovery and starts a new epoch,\n"
	"as every command that changes the log does.\n"
	"\n"
	"options:\n"
	"  -w, --write   open the log read-write\n"
	"  -j, --json    JSON output (LSNs as \"0x...\" strings or null)\n"
	"\n"
	"Exit status: 0 shown, 1 the log could not be opened or queried,\n"
	"2 usage error.\n",
	.run = info_run,
};

const struct command stats_command = {
	.name = "stats",
	.summary = "show a log's counters",
	.usage =
	"usage: clfsctl [--device PATH] [--json] stats [-w] DEVICE\n"
	"\n"
	"Open the log on DEVICE and show its counters: epoch, metadata\n"
	"generation, and since the log was opened: log I/O blocks and bytes\n"
	"written, device flushes, metadata copies written, and the valid\n"
	"blocks recovery found. The counters are the log's, across every\n"
	"client: if no one else has the log open, clfsctl opens it for this\n"
	"command alone and they show what opening it wrote (nothing\n"
	"read-only, the default; recovery's writes with --write); if it is\n"
	"attached or open elsewhere, they count since that first open.\n"
	"\n"
	"options:\n"
	"  -w, --write   open the log read-write\n"
	"  -j, --json    JSON output\n"
	"\n"
	"Exit status: 0 shown, 1 the log could not be opened or queried,\n"
	"2 usage error.\n",
	.run = stats_run,
};

/* ---- containers --------------------------------------------------------- */

static const char *container_state(__u32 state)
{
	switch (state) {
	case CLFS_CONTAINER_FREE:
		return "free";
	case CLFS_CONTAINER_ACTIVE:
		return "active";
	default:
		return "unknown";
	}
}

static int containers_list(struct session *s, bool json)
{
	struct clfs_container_info *ci;
	__u32 first = 0, total = 0;
	struct json j;
	int n, i;

	ci = calloc(CLFS_SCAN_MAX, sizeof(*ci));
	if (!ci)
		return report(s->cmd, ERR_GENERIC, -ENOMEM, "scan");
	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", s->dev);
		json_arr_begin(&j, "containers");
	} else {
		printf("%8s  %-6s  %-10s  %s\n", "physical", "state",
		       "logical", "device offset");
	}
	do {
		n = clfs_container_scan(s->log, first, ci, CLFS_SCAN_MAX);
		if (n < 0) {
			free(ci);
			if (json)
				json_finish(&j);
			return report(s->cmd, ERR_CONTAINER, n, "%s: scan from %u",
				      s->dev, first);
		}
		for (i = 0; i < n; i++) {
			if (json) {
				json_obj_begin(&j, NULL);
				json_u64(&j, "physical_id", ci[i].physical_id);
				json_str(&j, "state", container_state(ci[i].state));
				json_u64(&j, "logical_id", ci[i].logical_id);
				json_u64(&j, "device_offset", ci[i].device_offset);
				json_obj_end(&j);
			} else {
				printf("%8u  %-6s  0x%08x  0x%012llx\n",
				       ci[i].physical_id,
				       container_state(ci[i].state),
				       ci[i].logical_id,
				       (unsigned long long)ci[i].device_offset);
			}
			first = ci[i].physical_id + 1;
		}
		total += n;
	} while (n == CLFS_SCAN_MAX);
	free(ci);
	if (json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		printf("%u containers\n", total);
	}
	return 0;
}

static void containers_summary(struct session *s, const char *what,
			       bool json)
{
	struct clfs_log_info li;
	struct json j;

	if (clfs_log_query(s->log, &li) < 0)
		memset(&li, 0, sizeof(li));
	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", s->dev);
		json_u64(&j, "nr_containers", li.nr_containers);
		json_u64(&j, "nr_active", li.nr_active);
		json_u64(&j, "nr_free", li.nr_free);
		json_u64(&j, "nr_slots", li.nr_slots);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		printf("%s %s: now %u containers (%u active, %u free) of %u slots\n",
		       what, s->dev, li.nr_containers, li.nr_active,
		       li.nr_free, li.nr_slots);
	}
}

static int containers_run(const struct options *opt, int argc, char **argv)
{
	static const char *const subs[] = { "list", "add", "remove", NULL };
	bool json = opt->json;
	struct session s;
	const char *dev;
	int sub, rest, nargs, ret, i;
	char **args;
	__u32 *ids;
	__u64 v;

	ret = common_opts("containers", argc, argv, &json, NULL);
	if (ret)
		return ret;
	sub = split_subcommand("containers", subs, argv + optind,
			       argc - optind, &dev, &rest);
	if (sub < 0)
		return EXIT_USAGE;
	args = argv + optind + rest;
	nargs = argc - optind - rest;

	switch (sub) {
	case 0:
		if (nargs)
			return usage_error("containers", "list takes no arguments");
		if (session_open(&s, opt, "containers", dev, false))
			return 1;
		ret = containers_list(&s, json);
		break;
	case 1:
		if (nargs != 1 || parse_u64(args[0], CLFS_SCAN_MAX, &v) || !v)
			return usage_error("containers", "add expects a count, 1 to %u",
					   CLFS_SCAN_MAX);
		if (session_open(&s, opt, "containers", dev, true))
			return 1;
		ret = clfs_container_add(s.log, (__u32)v);
		if (ret < 0) {
			ret = report("containers", ERR_CONTAINER, ret,
				     "%s: add %llu", dev, (unsigned long long)v);
			break;
		}
		containers_summary(&s, "added containers to", json);
		break;
	default:
		if (nargs < 1 || nargs > CLFS_SCAN_MAX)
			return usage_error("containers", "remove expects physical ids");
		ids = calloc(nargs, sizeof(*ids));
		if (!ids)
			return report("containers", ERR_GENERIC, -ENOMEM, "remove");
		for (i = 0; i < nargs; i++) {
			if (parse_u64(args[i], ~0U, &v)) {
				free(ids);
				return usage_error("containers", "'%s' is not a container id",
						   args[i]);
			}
			ids[i] = (__u32)v;
		}
		if (session_open(&s, opt, "containers", dev, true)) {
			free(ids);
			return 1;
		}
		ret = clfs_container_remove(s.log, ids, nargs);
		free(ids);
		if (ret < 0) {
			ret = report("containers", ERR_CONTAINER, ret,
				     "%s: remove", dev);
			break;
		}
		containers_summary(&s, "removed containers from", json);
		break;
	}
	session_close(&s);
	return ret;
}

const struct command containers_command = {
	.name = "containers",
	.summary = "list, add or remove a log's containers",
	.usage =
	"usage: clfsctl [--device PATH] [--json] containers [list] DEVICE\n"
	"       clfsctl containers add DEVICE N\n"
	"       clfsctl containers remove DEVICE ID...\n"
	"\n"
	"(The subcommand may also follow DEVICE.)\n"
	"\n"
	"list    every container of the log on DEVICE: its physical id (the\n"
	"        slot on the device), state (active: holds records the log\n"
	"        still needs; free: ready for reuse), logical id while active\n"
	"        (the top 32 bits of its records' LSNs) and device offset.\n"
	"        Opens the log read-only. The default subcommand.\n"
	"add     add N containers in free slots of the device.\n"
	"remove  remove the containers with these physical ids; only free ones\n"
	"        can go, and a log keeps at least 2. All or nothing.\n"
	"\n"
	"add and remove need CAP_SYS_ADMIN and print the new totals.\n"
	"\n"
	"options:\n"
	"  -j, --json   JSON output\n"
	"\n"
	"Exit status: 0 done, 1 failed, 2 usage error.\n",
	.run = containers_run,
};
