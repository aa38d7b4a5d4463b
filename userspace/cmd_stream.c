// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl streams: create, delete, list and reset the streams of a log,
 * through the loaded module.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "online.h"

/* Query stream @id, opened on @s's log. Return: 0, -ENOENT, or 1 (printed). */
static int stream_query_id(struct session *s, __u32 id,
			   struct clfs_stream_info *si)
{
	int fd, ret;

	fd = clfs_stream_open(s->log, id);
	if (fd == -ENOENT)
		return -ENOENT;
	if (fd < 0)
		return report(s->cmd, ERR_STREAM, fd, "%s: open stream %u",
			      s->dev, id);
	ret = clfs_stream_query(fd, si);
	close(fd);
	if (ret < 0)
		return report(s->cmd, ERR_STREAM, ret, "%s: query stream %u",
			      s->dev, id);
	return 0;
}

static void print_one_stream(__u32 id, const struct clfs_stream_info *si,
			     struct json *j)
{
	if (j) {
		json_obj_begin(j, NULL);
		json_u64(j, "stream_id", id);
		print_stream_info(si, j);
		json_obj_end(j);
	} else {
		printf("stream %u\n", id);
		print_stream_info(si, NULL);
	}
}

static int streams_list(struct session *s, char **args, int nargs, bool json)
{
	struct clfs_stream_info si;
	__u32 id, count = 0;
	struct json j;
	int i, ret = 0;

	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", s->dev);
		json_arr_begin(&j, "streams");
	}
	if (nargs) {
		for (i = 0; i < nargs; i++) {
			if (parse_stream_id(args[i], &id))
				abort();	/* checked by the caller */
			ret = stream_query_id(s, id, &si);
			if (ret == -ENOENT)
				ret = report(s->cmd, ERR_STREAM, -ENOENT,
					     "%s: stream %u", s->dev, id);
			if (ret)
				break;
			print_one_stream(id, &si, json ? &j : NULL);
			count++;
		}
	} else {
		for (id = 0; id <= CLFS_MAX_STREAM_ID; id++) {
			ret = stream_query_id(s, id, &si);
			if (ret == -ENOENT) {
				ret = 0;
				continue;
			}
			if (ret)
				break;
			print_one_stream(id, &si, json ? &j : NULL);
			count++;
		}
	}
	if (json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_finish(&j);
	} else if (!ret) {
		printf("%u stream%s\n", count, count == 1 ? "" : "s");
	}
	return ret;
}

/* The one-line answer of create, delete and reset. */
static void stream_done(const char *what, const char *dev, __u32 id,
			bool json)
{
	struct json j;

	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", dev);
		json_u64(&j, "stream_id", id);
		json_str(&j, "done", what);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		printf("%s stream %u of %s\n", what, id, dev);
	}
}

static int streams_run(const struct options *opt, int argc, char **argv)
{
	static const char *const subs[] = {
		"list", "create", "delete", "reset", NULL
	};
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = opt->json;
	struct session s;
	int c, sub, rest, nargs, i, ret;
	const char *dev;
	char **args;
	__u32 id;

	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		if (c != 'j')
			return usage_error("streams", "bad option");
		json = true;
	}
	sub = split_subcommand("streams", subs, argv + optind, argc - optind,
			       &dev, &rest);
	if (sub < 0)
		return EXIT_USAGE;
	args = argv + optind + rest;
	nargs = argc - optind - rest;
	for (i = 0; i < nargs; i++)
		if (parse_stream_id(args[i], &id))
			return usage_error("streams", "'%s' is not a stream id (0 to %u)",
					   args[i], CLFS_MAX_STREAM_ID);

	switch (sub) {
	case 0:	/* list [ID...] */
		if (session_open(&s, opt, "streams", dev, false))
			return 1;
		ret = streams_list(&s, args, nargs, json);
		break;
	case 1:	/* create */
		if (nargs)
			return usage_error("streams", "create takes no arguments");
		if (session_open(&s, opt, "streams", dev, true))
			return 1;
		ret = clfs_stream_create(s.log, &id);
		if (ret < 0) {
			ret = report("streams", ERR_STREAM, ret, "%s: create",
				     dev);
			break;
		}
		stream_done("created", dev, id, json);
		break;
	case 2:	/* delete ID */
		if (nargs != 1)
			return usage_error("streams", "delete expects one stream id");
		if (session_open(&s, opt, "streams", dev, true))
			return 1;
		ret = clfs_stream_delete(s.log, id);
		if (ret < 0) {
			ret = report("streams", ERR_STREAM, ret,
				     "%s: delete stream %u", dev, id);
			break;
		}
		stream_done("deleted", dev, id, json);
		break;
	default: /* reset ID */
		if (nargs != 1)
			return usage_error("streams", "reset expects one stream id");
		if (session_open(&s, opt, "streams", dev, true))
			return 1;
		ret = session_stream(&s, id);
		if (ret)
			break;
		ret = clfs_stream_reset(s.stream);
		if (ret < 0) {
			ret = report("streams", ERR_STREAM, ret,
				     "%s: reset stream %u", dev, id);
			break;
		}
		stream_done("reset", dev, id, json);
		break;
	}
	session_close(&s);
	return ret;
}

const struct command streams_command = {
	.name = "streams",
	.summary = "list, create, delete or reset a log's streams",
	.usage =
	"usage: clfsctl [--device PATH] [--json] streams [list] DEVICE [ID...]\n"
	"       clfsctl streams create DEVICE\n"
	"       clfsctl streams delete DEVICE ID\n"
	"       clfsctl streams reset DEVICE ID\n"
	"\n"
	"(The subcommand may also follow DEVICE.)\n"
	"\n"
	"list    each stream of the log on DEVICE (or the ones named) with its\n"
	"        LSNs: created (where it or its last reset began), base (the\n"
	"        oldest record its clients need), last, archive tail, newest\n"
	"        restart area, flushed (log-wide), its reservations, its\n"
	"        management client's state (clfsctl watch: registered, a\n"
	"        tail-advance request pending, failed, waiting for\n"
	"        log-full-handled) and the target of the pending request.\n"
	"        Opens the log read-only. The default subcommand.\n"
	"create  add a stream to a multiplexed log; prints its id, the lowest\n"
	"        unused one. A dedicated log has exactly stream 0.\n"
	"delete  remove stream ID of a multiplexed log (needs CAP_SYS_ADMIN).\n"
	"reset   empty stream ID: it begins again at the log's head; its\n"
	"        records are no longer its own.\n"
	"\n"
	"Stream ids are 0 to 127. LSNs print as 0x%016llx, \"-\" for none\n"
	"(null in JSON).\n"
	"\n"
	"options:\n"
	"  -j, --json   JSON output\n"
	"\n"
	"Exit status: 0 done, 1 failed (no such stream...), 2 usage error.\n",
	.run = streams_run,
};
