// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl watch: be a stream's management client and print the events the
 * log sends it; optionally answer every tail-advance request by moving the
 * stream's tail, as an automatic consumer would.
 *
 * The log is shared (docs/sharing.md): while this command holds it, other
 * clfsctl commands, other programs and in-kernel clients use the same open
 * log, so they can fill it while watch answers; a log-full round can also
 * be started from here (--handle-full).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "online.h"

/* Events read at once: at most one of each type is pending. */
#define WATCH_BATCH	8

/**
 * struct watcher - one watch command
 * @s: the session: the stream, and a marshalling area with --advance
 * @sig: a signalfd for SIGINT and SIGTERM, which end the watch
 * @json: JSON output, on @j
 * @j: the document, written as events come
 * @advance: answer ADVANCE_TAIL requests
 * @archived: the log has archive tails: they move too
 * @seen: events printed
 */
struct watcher {
	struct session s;
	int sig;
	bool json;
	struct json j;
	bool advance;
	bool archived;
	unsigned long seen;
};

static const char *event_name(__u32 type)
{
	switch (type) {
	case CLFS_EVENT_ADVANCE_TAIL:
		return "advance-tail";
	case CLFS_EVENT_LOG_FULL_HANDLED:
		return "log-full-handled";
	case CLFS_EVENT_LOG_UNPINNED:
		return "log-unpinned";
	default:
		return "unknown";
	}
}

/* A line of text output, on its way at once: stdout may be a pipe. */
__printf(2, 3)
static void say(struct watcher *w, const char *fmt, ...)
{
	va_list ap;

	if (w->json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/*
 * Move the stream's tail to @lsn, the request's target: in an archived log
 * the archive tail as well as the base, since either keeps the space busy.
 * A tail already past the target (ERANGE) is no failure: the request is
 * answered once the tail reaches the target's block.
 * Return: 0 moved, 1 the base was past it already, or -errno.
 */
static int advance_tail(struct watcher *w, __u64 lsn)
{
	int ret;

	if (w->archived) {
		ret = clfs_set_archive_tail(w->s.stream, lsn);
		if (ret < 0 && ret != -ERANGE)
			return ret;
	}
	ret = clfs_advance_base(w->s.marshal, lsn);
	if (ret == -ERANGE)
		return 1;
	return ret;
}

static void handle_event(struct watcher *w, const struct clfs_event *ev)
{
	char b[LSN_STR_BYTES];
	int ret = 0, fail;

	if (w->json) {
		json_obj_begin(&w->j, NULL);
		json_str(&w->j, "type", event_name(ev->type));
		json_u64(&w->j, "type_id", ev->type);
		json_s64(&w->j, "status", ev->status);
		if (ev->status)
			json_str(&w->j, "status_name", errno_name(ev->status));
		json_lsn(&w->j, "lsn", ev->lsn);
	} else {
		say(w, "event %s lsn %s status %d%s%s%s\n", event_name(ev->type),
		    lsn_str(b, ev->lsn), ev->status, ev->status ? " (" : "",
		    ev->status ? errno_name(ev->status) : "",
		    ev->status ? ")" : "");
	}
	if (w->advance && ev->type == CLFS_EVENT_ADVANCE_TAIL) {
		ret = advance_tail(w, ev->lsn);
		if (ret < 0) {
			/* Say so, or the log waits for this stream in vain. */
			fail = clfs_mgmt_tail_failure(w->s.stream, ret);
			if (fail < 0)
				report(w->s.cmd, ERR_MGMT, fail,
				       "%s: stream %u: report tail-advance failure",
				       w->s.dev, w->s.stream_id);
		}
		if (w->json) {
			json_str(&w->j, "action", ret < 0 ? "failure-reported" :
				 ret ? "already-there" : "advanced");
			if (ret < 0)
				json_str(&w->j, "error", errno_name(ret));
		} else if (ret < 0) {
			say(w, "  could not move the tail to %s: %s (%s): reported a tail-advance failure\n",
			    lsn_str(b, ev->lsn), err_text(ERR_TAIL, ret),
			    errno_name(ret));
		} else if (ret) {
			say(w, "  the base of stream %u is past %s already\n",
			    w->s.stream_id, lsn_str(b, ev->lsn));
		} else {
			say(w, "  advanced the %sbase of stream %u to %s\n",
			    w->archived ? "archive tail and " : "",
			    w->s.stream_id, lsn_str(b, ev->lsn));
		}
	}
	if (w->json) {
		json_obj_end(&w->j);
		fflush(stdout);
	}
	w->seen++;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Wait for events and handle them until @count (0: no limit) are seen,
 * @timeout_ms passes (-1: never) or a signal comes.
 * Return: 0, 1 (an error, printed) or -ETIMEDOUT.
 */
static int watch_loop(struct watcher *w, __u64 count, long long timeout_ms)
{
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	struct clfs_event ev[WATCH_BATCH];
	struct pollfd pf[2];
	__u64 left;
	int n, i, wait;

	while (!count || w->seen < count) {
		wait = -1;
		if (deadline >= 0) {
			long long rest = deadline - now_ms();

			wait = rest < 0 ? 0 : rest > 1000000 ? 1000000 : (int)rest;
		}
		pf[0] = (struct pollfd){ .fd = w->s.stream, .events = POLLIN };
		pf[1] = (struct pollfd){ .fd = w->sig, .events = POLLIN };
		n = poll(pf, 2, wait);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return report(w->s.cmd, ERR_GENERIC, -errno, "poll");
		if (pf[1].revents)
			return -EINTR;
		if (!n) {
			if (deadline >= 0 && now_ms() >= deadline)
				return -ETIMEDOUT;
			continue;
		}
		if (!(pf[0].revents & POLLIN))
			return report(w->s.cmd, ERR_MGMT, -EIO,
				      "%s: stream %u: poll gave 0x%x",
				      w->s.dev, w->s.stream_id, pf[0].revents);
		/* No more than --count asks for: the rest stay unread. */
		left = count ? count - w->seen : WATCH_BATCH;
		n = clfs_read_events(w->s.stream, ev,
				     left < WATCH_BATCH ? left : WATCH_BATCH);
		if (n == -EAGAIN || n == -EINTR)
			continue;
		if (n < 0)
			return report(w->s.cmd, ERR_MGMT, n,
				      "%s: stream %u: read events", w->s.dev,
				      w->s.stream_id);
		for (i = 0; i < n; i++)
			handle_event(w, &ev[i]);
	}
	return 0;
}

static int watch_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "advance", no_argument, NULL, 'a' },
		{ "handle-full", no_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct watcher w = { .json = opt->json, .sig = -1 };
	long long timeout_ms = -1;
	bool handle_full = false;
	struct clfs_log_info li;
	sigset_t mask;
	__u64 count = 0, v;
	const char *full = NULL;
	int c, ret, flags;
	__u32 id;

	while ((c = getopt_long(argc, argv, "n:t:aFj", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_u64(optarg, ~0ULL, &count))
				return usage_error("watch", "--count: '%s' is not a number",
						   optarg);
			break;
		case 't':
			if (parse_u64(optarg, 86400 * 365, &v))
				return usage_error("watch", "--timeout: '%s' is not a number of seconds",
						   optarg);
			timeout_ms = (long long)v * 1000;
			break;
		case 'a':
			w.advance = true;
			break;
		case 'F':
			handle_full = true;
			break;
		case 'j':
			w.json = true;
			break;
		default:
			return usage_error("watch", "bad option");
		}
	}
	if (argc - optind != 2)
		return usage_error("watch", "expects a device and a stream id");
	if (parse_stream_id(argv[optind + 1], &id))
		return usage_error("watch", "'%s' is not a stream id (0 to %u)",
				   argv[optind + 1], CLFS_MAX_STREAM_ID);

	/* Management calls need a read-write log. */
	if (session_open(&w.s, opt, "watch", argv[optind], true))
		return 1;
	ret = clfs_log_query(w.s.log, &li);
	if (ret < 0) {
		ret = report("watch", ERR_GENERIC, ret, "%s: query", w.s.dev);
		goto out;
	}
	w.archived = li.flags & CLFS_LOG_ARCHIVED;
	ret = w.advance ? session_marshal(&w.s, id, 0) :
	      session_stream(&w.s, id);
	if (ret)
		goto out;
	ret = clfs_mgmt_register(w.s.stream);
	if (ret < 0) {
		ret = report("watch", ERR_MGMT, ret,
			     "%s: stream %u: register as management client",
			     w.s.dev, id);
		goto out;
	}
	/* poll() decides when to read; a read must never block the loop. */
	flags = fcntl(w.s.stream, F_GETFL);
	if (flags < 0 || fcntl(w.s.stream, F_SETFL, flags | O_NONBLOCK) < 0) {
		ret = report("watch", ERR_GENERIC, -errno, "fcntl");
		goto out;
	}
	if (handle_full) {
		ret = clfs_mgmt_handle_full(w.s.stream);
		if (ret < 0 && ret != -EINPROGRESS) {
			ret = report("watch", ERR_MGMT, ret,
				     "%s: stream %u: handle log full", w.s.dev,
				     id);
			goto out;
		}
		full = ret ? "in-progress" : "room";
	}

	/* Ctrl-C ends the watch with the JSON document closed. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		ret = report("watch", ERR_GENERIC, -errno, "sigprocmask");
		goto out;
	}
	w.sig = signalfd(-1, &mask, SFD_CLOEXEC);
	if (w.sig < 0) {
		ret = report("watch", ERR_GENERIC, -errno, "signalfd");
		goto out;
	}

	if (w.json) {
		json_init(&w.j, stdout);
		json_obj_begin(&w.j, NULL);
		json_str(&w.j, "device", w.s.dev);
		json_u64(&w.j, "stream_id", id);
		json_bool(&w.j, "advance", w.advance);
		if (full)
			json_str(&w.j, "handle_full", full);
		json_arr_begin(&w.j, "events");
		fflush(stdout);
	} else {
		say(&w, "watching stream %u of %s as its management client%s\n",
		    id, w.s.dev, w.advance ? ", advancing its tail on request" : "");
		if (full)
			say(&w, "handle log full: %s\n", !strcmp(full, "room") ?
			    "the log has room" :
			    "the log is full, a log-full-handled event will follow");
	}

	ret = watch_loop(&w, count, timeout_ms);

	if (w.json) {
		json_arr_end(&w.j);
		json_u64(&w.j, "count", w.seen);
		json_bool(&w.j, "timed_out", ret == -ETIMEDOUT);
		json_bool(&w.j, "interrupted", ret == -EINTR);
		json_obj_end(&w.j);
		json_finish(&w.j);
	} else if (ret <= 0) {
		say(&w, "%lu event%s%s\n", w.seen, w.seen == 1 ? "" : "s",
		    ret == -ETIMEDOUT ? ", timed out" :
		    ret == -EINTR ? ", interrupted" : "");
	}
	/* Too few events when some were asked for is a failure. */
	if (ret < 0 && count) {
		print_msg(stderr, "watch", NULL,
			  "%s: stream %u: %s after %lu of %llu events",
			  w.s.dev, id, ret == -ETIMEDOUT ? "timed out" :
			  "interrupted", w.seen, (unsigned long long)count);
		ret = 1;
	} else if (ret < 0) {
		ret = 0;
	}
out:
	/* Closing the stream deregisters it; say so explicitly all the same. */
	if (w.s.stream >= 0)
		clfs_mgmt_deregister(w.s.stream);
	session_close(&w.s);
	if (w.sig >= 0)
		close(w.sig);
	return ret;
}

const struct command watch_command = {
	.name = "watch",
	.summary = "be a stream's management client: print its log-full events",
	.usage =
	"usage: clfsctl [--device PATH] [--json] watch [OPTIONS] DEVICE STREAM\n"
	"\n"
	"Register stream STREAM of the log on DEVICE as its management client\n"
	"and print each event the log sends it as it comes, one line each:\n"
	"\n"
	"  event advance-tail lsn LSN status 0       move the tail to LSN\n"
	"  event log-full-handled lsn - status 0     the log has room again\n"
	"  event log-full-handled lsn - status -28 (ENOSPC)   it is pinned\n"
	"  event log-unpinned lsn - status 0         pinned, now has room\n"
	"\n"
	"The log sends tail-advance requests to the streams whose old records\n"
	"keep its space busy when it is full or about to be (see clfsctl\n"
	"policy, tail). With --advance, clfsctl answers each by moving the\n"
	"stream's base (and archive tail, in an archived log) to the target\n"
	"through a marshalling area, as an automatic consumer; a tail that\n"
	"cannot move is reported as a tail-advance failure.\n"
	"\n"
	"The log is shared: while watch runs, other clfsctl commands and\n"
	"programs on the same log (by device, name or node) go on using it,\n"
	"and watch answers the requests their appends cause; --handle-full\n"
	"starts a round at once.\n"
	"\n"
	"options:\n"
	"  -n, --count N      stop after N events (default 0: no limit)\n"
	"  -t, --timeout S    stop after S seconds (0: only events already\n"
	"                     pending; default: wait for ever, or Ctrl-C)\n"
	"  -a, --advance      move the tail to each advance-tail target\n"
	"  -F, --handle-full  after registering, ask the log to make room if\n"
	"                     it has none: it grows if its policies allow,\n"
	"                     else sends tail-advance requests, and a\n"
	"                     log-full-handled event follows\n"
	"  -j, --json         JSON output: the events as an array, written as\n"
	"                     they come\n"
	"\n"
	"Exit status: 0 done (the count reached, or without --count the\n"
	"timeout or a signal), 1 failed (the stream has a client already:\n"
	"EBUSY; fewer than --count events before the timeout), 2 usage error.\n",
	.run = watch_run,
};
