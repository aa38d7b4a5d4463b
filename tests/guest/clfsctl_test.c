// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: the real clfsctl binary (/clfs/bin/clfsctl) through whole
 * sessions on the guest's disk, output captured and checked: formatting,
 * info and JSON, streams, appends from arguments and stdin, reads in every
 * direction, restart areas, truncation, the base, the archive tail,
 * containers, flushes, deletion; management: policies shown, set,
 * refused and removed, the size, info's management section, watch as an
 * automatic consumer of a full log; and its error paths: no log on the
 * device, bad LSNs, unknown commands, a log already open, a caller
 * without CAP_SYS_ADMIN. Uses the kernel's kselftest harness; its output is KTAP.
 *
 * The disk is the first of /dev/vda and /dev/nvme0n1 that exists (the
 * guests of make check attach one of them); whatever it held is lost.
 * Outside a clfs test guest (no /clfs/steps.sh) the tests skip unless
 * CLFSCTL_TEST_DISK names the disk to use. CLFSCTL=PATH runs another
 * clfsctl binary.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/fs.h>

#include "kselftest_harness.h"
#include "libclfs.h"

#define OUT_MAX		(1 << 20)
#define MAX_ARGS	32
#define MAX_LSNS	64
/* Under the debug kernel in TCG, every clfsctl run opens a log. */
#define SESSION_TIMEOUT	300

static const char *const disks[] = { "/dev/vda", "/dev/nvme0n1" };

/* ---- running clfsctl ---------------------------------------------------- */

/**
 * struct run - one clfsctl run, as it ended
 * @status: its exit status, or 128 + signal, or -1 if it could not run
 * @out: its stdout, NUL-terminated
 * @err: its stderr, NUL-terminated
 */
struct run {
	int status;
	char *out;
	char *err;
};

static const char *clfsctl_path(void)
{
	const char *p = getenv("CLFSCTL");

	if (p && *p)
		return p;
	if (!access("/clfs/bin/clfsctl", X_OK))
		return "/clfs/bin/clfsctl";
	return "clfsctl";
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = NULL;
	r->err = NULL;
}

/* Read what is there on @fd into @buf (room @cap); -1 at EOF or error. */
static int drain(int fd, char *buf, size_t *len, size_t cap)
{
	char sink[4096];
	ssize_t n;

	if (*len < cap)
		n = read(fd, buf + *len, cap - *len);
	else
		n = read(fd, sink, sizeof(sink));	/* overflow: dropped */
	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0)
		return -1;
	if (*len < cap)
		*len += n;
	return 0;
}

/*
 * Run clfsctl with @argv (NULL-terminated, without argv[0]), @in on its
 * stdin (NULL: empty), without CAP_SYS_ADMIN if @unpriv (still uid 0, so
 * /dev/clfs opens). Fills @r.
 */
static void run_argv(struct run *r, const char *in, bool unpriv,
		     const char *const *argv)
{
	int pin[2], pout[2], perr[2], i, st;
	size_t in_len = in ? strlen(in) : 0, in_off = 0, olen = 0, elen = 0;
	const char *args[MAX_ARGS + 2];
	struct pollfd pf[3];
	pid_t pid;

	r->status = -1;
	r->out = calloc(1, OUT_MAX + 1);
	r->err = calloc(1, OUT_MAX + 1);
	if (!r->out || !r->err)
		return;
	args[0] = "clfsctl";
	for (i = 0; argv[i] && i < MAX_ARGS; i++)
		args[i + 1] = argv[i];
	args[i + 1] = NULL;
	if (pipe(pin) || pipe(pout) || pipe(perr))
		return;
	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		close(pin[0]);
		close(pin[1]);
		close(pout[0]);
		close(pout[1]);
		close(perr[0]);
		close(perr[1]);
		if (unpriv && prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0))
			_exit(126);
		execv(clfsctl_path(), (char *const *)args);
		execvp("clfsctl", (char *const *)args);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	signal(SIGPIPE, SIG_IGN);
	if (!in_len) {
		close(pin[1]);
		pin[1] = -1;
	}
	fcntl(pout[0], F_SETFL, O_NONBLOCK);
	fcntl(perr[0], F_SETFL, O_NONBLOCK);
	while (pout[0] >= 0 || perr[0] >= 0) {
		pf[0] = (struct pollfd){ .fd = pout[0], .events = POLLIN };
		pf[1] = (struct pollfd){ .fd = perr[0], .events = POLLIN };
		pf[2] = (struct pollfd){ .fd = pin[1], .events = POLLOUT };
		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents && drain(pout[0], r->out, &olen, OUT_MAX)) {
			close(pout[0]);
			pout[0] = -1;
		}
		if (pf[1].revents && drain(perr[0], r->err, &elen, OUT_MAX)) {
			close(perr[0]);
			perr[0] = -1;
		}
		if (pf[2].revents) {
			ssize_t n = pf[2].revents & POLLOUT ?
				    write(pin[1], in + in_off, in_len - in_off) : -1;

			if (n > 0)
				in_off += n;
			if (n < 0 || in_off == in_len) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
	}
	if (pin[1] >= 0)
		close(pin[1]);
	r->out[olen] = '\0';
	r->err[elen] = '\0';
	if (waitpid(pid, &st, 0) != pid)
		return;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * RUN(r, stdin or NULL, "arg", ...): run clfsctl, log its output when the
 * test fails later. STATUS(r, want): the exit status must be @want.
 */
#define RUN_CAPS(r, unpriv, in, ...) do {				\
	run_free(r);							\
	run_argv(r, in, unpriv, (const char *const[]){ __VA_ARGS__, NULL }); \
} while (0)
#define RUN(r, in, ...)		RUN_CAPS(r, false, in, __VA_ARGS__)
#define RUN_UNPRIV(r, in, ...)	RUN_CAPS(r, true, in, __VA_ARGS__)

#define STATUS(r, want) do {						\
	EXPECT_EQ(want, (r)->status) {					\
		TH_LOG("stdout: %s", (r)->out);				\
		TH_LOG("stderr: %s", (r)->err);				\
	}								\
} while (0)

static void contains(struct __test_metadata *_metadata, int line,
		     const char *hay, const char *needle)
{
	EXPECT_NE(NULL, strstr(hay, needle)) {
		TH_LOG("line %d: '%s' not in: %s", line, needle, hay);
	}
}

#define CONTAINS(hay, needle)	contains(_metadata, __LINE__, hay, needle)

/* ---- output parsing ----------------------------------------------------- */

/*
 * The value of the first "key": in a JSON document, unquoted, into @val.
 * Return: @val, or "" when the key is missing.
 */
static const char *json_get(const char *doc, const char *key, char *val,
			    size_t len)
{
	char pat[128];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	val[0] = '\0';
	p = strstr(doc, pat);
	if (!p)
		return val;
	p += strlen(pat);
	if (*p == '"')
		p++;
	while (*p && *p != '"' && *p != ',' && *p != '\n' && *p != '}' &&
	       n + 1 < len)
		val[n++] = *p++;
	val[n] = '\0';
	return val;
}

static unsigned long long json_num(const char *doc, const char *key)
{
	char v[64];

	return strtoull(json_get(doc, key, v, sizeof(v)), NULL, 0);
}

/*
 * The JSON object that follows "key": in @doc (the first one), so that
 * json_get() and json_num() find its members rather than same-named ones
 * elsewhere. Return: a pointer into @doc, or "" when it is missing.
 */
static const char *json_obj(const char *doc, const char *key)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": {", key);
	p = strstr(doc, pat);
	return p ? p : "";
}

/* How many times @needle occurs in @hay. */
static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* "0x" and 16 lower-case hex digits. */
static int is_lsn_text(const char *s, size_t len)
{
	size_t i;

	if (len != 18 || s[0] != '0' || s[1] != 'x')
		return 0;
	for (i = 2; i < len; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return 0;
	return 1;
}

/*
 * The LSNs append printed, one per line, into @lsns. Return: how many, or
 * -1 if a line is not an LSN.
 */
static int parse_lsns(const char *out, unsigned long long *lsns, int max)
{
	int n = 0;

	while (*out) {
		const char *nl = strchr(out, '\n');
		size_t len = nl ? (size_t)(nl - out) : strlen(out);

		if (!is_lsn_text(out, len) || n == max)
			return -1;
		lsns[n++] = strtoull(out, NULL, 16);
		out += len + (nl ? 1 : 0);
	}
	return n;
}

static const char *lsn_arg(char *buf, unsigned long long lsn)
{
	sprintf(buf, "0x%016llx", lsn);
	return buf;
}

/* Append @records (arguments) and return their LSNs; checked. */
#define APPEND(r, dev, lsns, want, ...) do {				\
	RUN(r, NULL, "append", dev, __VA_ARGS__);			\
	STATUS(r, 0);							\
	ASSERT_EQ(want, parse_lsns((r)->out, lsns, MAX_LSNS)) {		\
		TH_LOG("append printed: %s", (r)->out);			\
	}								\
} while (0)

/* ---- the fixture: a disk ------------------------------------------------ */

FIXTURE(clfsctl) {
	const char *dev;
	int sector;
	struct run r;
};

FIXTURE_SETUP(clfsctl)
{
	struct stat st;
	unsigned int i;
	int fd;

	memset(&self->r, 0, sizeof(self->r));
	self->dev = getenv("CLFSCTL_TEST_DISK");
	/* The disk is formatted: never a disk of the machine by accident. */
	if (!self->dev && access("/clfs/steps.sh", F_OK))
		SKIP(return, "not in a clfs test guest: set CLFSCTL_TEST_DISK to a disk it may wipe");
	for (i = 0; !self->dev && i < ARRAY_SIZE(disks); i++) {
		if (!stat(disks[i], &st) && S_ISBLK(st.st_mode)) {
			self->dev = disks[i];
			break;
		}
	}
	if (!self->dev)
		SKIP(return, "no disk (/dev/vda, /dev/nvme0n1) in this guest");
	fd = open(self->dev, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, BLKSSZGET, &self->sector));
	close(fd);
}

FIXTURE_TEARDOWN(clfsctl)
{
	run_free(&self->r);
}

/* ---- usage -------------------------------------------------------------- */

TEST_F(clfsctl, usage_errors_exit_2)
{
	static const char *const cmds[] = {
		"version", "create", "delete", "info", "stats", "containers",
		"streams", "append", "read", "restart", "advance-base",
		"truncate", "archive-tail", "flush", "check", "dump",
		"size", "policy", "watch", "attach", "detach", "list", "access",
	};
	struct run *r = &self->r;
	unsigned int i;

	if (!self->dev)	/* the 6.1 harness runs skipped tests */
		return;
	RUN(r, NULL, "--help");
	STATUS(r, 0);
	CONTAINS(r->out, "Exit status");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		CONTAINS(r->out, cmds[i]);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		RUN(r, NULL, cmds[i], "--help");
		STATUS(r, 0);
		EXPECT_EQ(0, strncmp(r->out, "usage: clfsctl", 14)) {
			TH_LOG("%s --help: %s", cmds[i], r->out);
		}
	}

	RUN(r, NULL, "no-such-command");
	STATUS(r, 2);
	CONTAINS(r->err, "unknown command");
	RUN(r, NULL, "info");
	STATUS(r, 2);
	RUN(r, NULL, "info", "--bogus", self->dev);
	STATUS(r, 2);
	RUN(r, NULL, "streams", "frobnicate", self->dev);
	STATUS(r, 2);
	CONTAINS(r->err, "unknown subcommand 'frobnicate'");
	RUN(r, NULL, "containers", self->dev, "frobnicate");
	STATUS(r, 2);
	RUN(r, NULL, "containers", "add", self->dev, "0");
	STATUS(r, 2);
	RUN(r, NULL, "create", "--container-size", "12Q", self->dev);
	STATUS(r, 2);
	RUN(r, NULL, "append", "--stream", "128", self->dev, "x");
	STATUS(r, 2);
	RUN(r, NULL, "read", "--hex", "--text", self->dev);
	STATUS(r, 2);

	/* LSNs: hex with 0x or decimal, never NULL or INVALID. */
	RUN(r, NULL, "read", self->dev, "0");
	STATUS(r, 2);
	CONTAINS(r->err, "not a valid LSN");
	RUN(r, NULL, "read", self->dev, "0x");
	STATUS(r, 2);
	RUN(r, NULL, "read", self->dev, "12abc");
	STATUS(r, 2);
	RUN(r, NULL, "read", self->dev, "-5");
	STATUS(r, 2);
	RUN(r, NULL, "truncate", self->dev, "0xffffffff00000000");
	STATUS(r, 2);
	RUN(r, NULL, "advance-base", self->dev);
	STATUS(r, 2);
	RUN(r, NULL, "append", "--prev", "0xzz", self->dev, "x");
	STATUS(r, 2);

	/* Management commands check their arguments before any open. */
	RUN(r, NULL, "policy", "set", self->dev, "--growth", "1",
	    "--growth-pct", "2");
	STATUS(r, 2);
	CONTAINS(r->err, "--growth or --growth-pct");
	RUN(r, NULL, "policy", "set", self->dev);
	STATUS(r, 2);
	CONTAINS(r->err, "at least one policy option");
	RUN(r, NULL, "policy", self->dev, "--max", "3");
	STATUS(r, 2);
	RUN(r, NULL, "policy", "set", self->dev, "--auto-grow", "maybe");
	STATUS(r, 2);
	RUN(r, NULL, "policy", "set", self->dev, "--growth-pct", "101");
	STATUS(r, 2);
	RUN(r, NULL, "policy", "set", self->dev, "--max", "3", "--max", "4");
	STATUS(r, 2);
	RUN(r, NULL, "policy", "remove", self->dev);
	STATUS(r, 2);
	RUN(r, NULL, "policy", "remove", self->dev, "max", "bogus");
	STATUS(r, 2);
	CONTAINS(r->err, "'bogus' is not a policy");
	RUN(r, NULL, "size", self->dev, "many");
	STATUS(r, 2);
	RUN(r, NULL, "size", self->dev, "3", "4");
	STATUS(r, 2);
	RUN(r, NULL, "watch", self->dev);
	STATUS(r, 2);
	RUN(r, NULL, "watch", self->dev, "128");
	STATUS(r, 2);
	RUN(r, NULL, "watch", "--timeout", "soon", self->dev, "0");
	STATUS(r, 2);
}

TEST_F(clfsctl, version)
{
	struct run *r = &self->r;
	char v[32];

	if (!self->dev)	/* the 6.1 harness runs skipped tests */
		return;
	RUN(r, NULL, "version");
	STATUS(r, 0);
	CONTAINS(r->out, "compatible");
	RUN(r, NULL, "--json", "version");
	STATUS(r, 0);
	EXPECT_EQ(CLFS_ABI_MINOR, json_num(r->out, "abi_minor"));
	EXPECT_STREQ("true", json_get(r->out, "compatible", v, sizeof(v)));
}

/* ---- errors from the module --------------------------------------------- */

TEST_F_TIMEOUT(clfsctl, errors_are_explained, SESSION_TIMEOUT)
{
	struct run *r = &self->r;
	unsigned long long only;
	int ctl, log;
	char a[24];

	if (!self->dev)	/* the 6.1 harness runs skipped tests */
		return;
	/* No log on the device. */
	RUN(r, NULL, "create", "--force", self->dev);
	STATUS(r, 0);
	RUN(r, NULL, "delete", self->dev);
	STATUS(r, 0);
	CONTAINS(r->out, "deleted");
	RUN(r, NULL, "info", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "no clfs log on this device (ENODATA)");
	CONTAINS(r->err, self->dev);
	RUN(r, NULL, "append", self->dev, "x");
	STATUS(r, 1);
	CONTAINS(r->err, "(ENODATA)");
	RUN(r, NULL, "delete", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "no clfs log on this device (ENODATA)");

	/* Not a block device; not a control device. */
	RUN(r, NULL, "info", "/dev/null");
	STATUS(r, 1);
	RUN(r, NULL, "info", "/no/such/device");
	STATUS(r, 1);
	CONTAINS(r->err, "(ENOENT)");
	RUN(r, NULL, "--device", "/dev/null", "info", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "not a clfs control device (ENOTTY)");
	RUN(r, NULL, "--device", "/dev/no-clfs-here", "info", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "is the clfs module loaded?");

	/* Bad geometry. */
	RUN(r, NULL, "create", "--force", "--containers", "1", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "(EINVAL)");
	RUN(r, NULL, "create", "--force", "--containers", "100000",
	    self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "(E");

	/*
	 * The log is open elsewhere: this process holds it. A command shares
	 * the open log; only erasing or formatting the device is refused.
	 */
	RUN(r, NULL, "create", "--force", self->dev);
	STATUS(r, 0);
	ctl = clfs_open_control(NULL);
	ASSERT_LE(0, ctl);
	log = clfs_log_open(ctl, self->dev, 0);
	ASSERT_LE(0, log);
	RUN(r, NULL, "info", self->dev);
	STATUS(r, 0);
	RUN(r, NULL, "create", "--force", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "(EBUSY)");
	RUN(r, NULL, "delete", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "(EBUSY)");
	close(log);
	close(ctl);
	RUN(r, NULL, "info", self->dev);
	STATUS(r, 0);

	/* Without CAP_SYS_ADMIN no log opens. */
	RUN_UNPRIV(r, NULL, "info", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "needs CAP_SYS_ADMIN");
	CONTAINS(r->err, "(EPERM)");
	RUN_UNPRIV(r, NULL, "version");
	STATUS(r, 0);

	/* A well-formed LSN that names no record. */
	RUN(r, NULL, "append", self->dev, "only");
	STATUS(r, 0);
	ASSERT_EQ(1, parse_lsns(r->out, &only, 1));
	RUN(r, NULL, "read", self->dev, "0x00000007000a0000");
	STATUS(r, 1);
	CONTAINS(r->err, "0x00000007000a0000");
	RUN(r, NULL, "truncate", self->dev, "0x00000007000a0000");
	STATUS(r, 1);
	RUN(r, NULL, "read", "--stream", "5", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "no such stream (ENOENT)");

	/* An ephemeral, dedicated log: no archive tail, no more streams. */
	RUN(r, NULL, "archive-tail", self->dev, lsn_arg(a, only));
	STATUS(r, 1);
	CONTAINS(r->err, "(EINVAL)");
	RUN(r, NULL, "streams", "create", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "a dedicated log has only stream 0) (EINVAL)");
	RUN(r, NULL, "restart", "read", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "no restart area");

	RUN(r, NULL, "delete", self->dev);
	STATUS(r, 0);
}

/* ---- a dedicated log, start to end -------------------------------------- */

TEST_F_TIMEOUT(clfsctl, dedicated_session, SESSION_TIMEOUT)
{
	unsigned long long one[MAX_LSNS], in[MAX_LSNS], ch[MAX_LSNS];
	unsigned long long u[MAX_LSNS], r1[MAX_LSNS], seven[MAX_LSNS];
	const char *dev = self->dev;
	struct run *r = &self->r;
	char path[] = "/tmp/clfsctl_test.XXXXXX";
	static char big[200000];
	char a[24], b[24], v[64];
	size_t k;
	int i, fd;

	if (!self->dev)	/* the 6.1 harness runs skipped tests */
		return;
	/* create; a second create needs --force. */
	RUN(r, NULL, "create", "--force", "--container-size", "256K",
	    "--containers", "8", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "dedicated, ephemeral");
	RUN(r, NULL, "create", dev);
	STATUS(r, 1);
	CONTAINS(r->err, "already holds a clfs log");

	/* info --json */
	RUN(r, NULL, "--json", "info", dev);
	STATUS(r, 0);
	EXPECT_EQ(262144, json_num(r->out, "container_bytes"));
	EXPECT_EQ(8, json_num(r->out, "nr_containers"));
	EXPECT_EQ(self->sector, json_num(r->out, "sector_bytes"));
	EXPECT_STREQ("false", json_get(r->out, "multiplexed", v, sizeof(v)));
	EXPECT_STREQ("true", json_get(r->out, "read_only", v, sizeof(v)));
	EXPECT_EQ(36, strlen(json_get(r->out, "uuid", v, sizeof(v))));
	RUN(r, NULL, "info", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "8 (1 active, 7 free)");
	CONTAINS(r->out, "256 KiB");

	/* A dedicated log has stream 0 and no other. */
	RUN(r, NULL, "streams", "list", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "stream 0\n");
	CONTAINS(r->out, "1 stream\n");

	/* Append from arguments, then from stdin, one record per line. */
	APPEND(r, dev, one, 3, "one", "two", "three");
	EXPECT_LT(one[0], one[1]);
	EXPECT_LT(one[1], one[2]);
	RUN(r, "four\nfive\n\nsix", "append", dev);
	STATUS(r, 0);
	ASSERT_EQ(4, parse_lsns(r->out, in, MAX_LSNS));
	EXPECT_LT(one[2], in[0]);
	for (i = 1; i < 4; i++)
		EXPECT_LT(in[i - 1], in[i]);

	/* Read them back, byte for byte, in every output form. */
	RUN(r, NULL, "read", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("one\ntwo\nthree\nfour\nfive\n\nsix\n", r->out);
	RUN(r, NULL, "read", "--json", dev);
	STATUS(r, 0);
	EXPECT_EQ(7, count_of(r->out, "\"lsn\": "));
	EXPECT_STREQ(lsn_arg(a, one[0]), json_get(r->out, "lsn", v, sizeof(v)));
	EXPECT_STREQ("6f6e65", json_get(r->out, "data_hex", v, sizeof(v)));
	EXPECT_STREQ("one", json_get(r->out, "text", v, sizeof(v)));
	RUN(r, NULL, "read", dev, lsn_arg(a, one[2]), "--count", "2");
	STATUS(r, 0);
	CONTAINS(r->out, lsn_arg(a, one[2]));
	CONTAINS(r->out, "data 5 bytes");
	CONTAINS(r->out, "\"three\"");
	CONTAINS(r->out, "\"four\"");
	EXPECT_EQ(NULL, strstr(r->out, "five"));
	RUN(r, NULL, "read", "--hex", dev, lsn_arg(a, in[0]), "-n", "1");
	STATUS(r, 0);
	CONTAINS(r->out, "66 6f 75 72");
	/* Decimal LSNs too. */
	sprintf(b, "%llu", in[3]);
	RUN(r, NULL, "read", "--text", dev, b);
	STATUS(r, 0);
	EXPECT_STREQ("six\n", r->out);

	/* Chains: --chain links previous LSNs; walk them back. */
	APPEND(r, dev, ch, 3, "--chain", "a", "b", "c");
	RUN(r, NULL, "read", "--previous", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("c\nb\na\n", r->out);
	RUN(r, NULL, "read", "--previous", dev, lsn_arg(a, ch[1]));
	STATUS(r, 0);
	CONTAINS(r->out, lsn_arg(b, ch[0]));
	APPEND(r, dev, u, 1, "--undo-next", lsn_arg(a, one[0]), "--prev",
	       lsn_arg(b, ch[2]), "undo");
	RUN(r, NULL, "read", "--undo-next", "--text", dev,
	    lsn_arg(a, u[0]));
	STATUS(r, 0);
	EXPECT_STREQ("undo\none\n", r->out);
	RUN(r, NULL, "read", "--previous", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("undo\nc\nb\na\n", r->out);

	/* Restart areas: write two, the second moving the base. */
	RUN(r, NULL, "restart", "write", dev, "ckpt1");
	STATUS(r, 0);
	ASSERT_TRUE(is_lsn_text(r->out + strlen("restart_lsn "), 18)) {
		TH_LOG("restart write printed: %s", r->out);
	}
	r1[0] = strtoull(r->out + strlen("restart_lsn "), NULL, 16);
	EXPECT_LT(u[0], r1[0]);
	RUN(r, NULL, "--json", "restart", dev, "write", "--base",
	    lsn_arg(a, one[1]), "ckpt2");
	STATUS(r, 0);
	r1[1] = strtoull(json_get(r->out, "restart_lsn", v, sizeof(v)),
			 NULL, 16);
	EXPECT_LT(r1[0], r1[1]);
	EXPECT_STREQ(lsn_arg(a, one[1]),
		     json_get(r->out, "base_lsn", v, sizeof(v)));
	RUN(r, NULL, "restart", "read", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("ckpt2\n", r->out);
	RUN(r, NULL, "restart", "read", "--all", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("ckpt2\nckpt1\n", r->out);
	RUN(r, NULL, "restart", "read", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "restart 5 bytes");

	/* The stream as streams list reports it. */
	RUN(r, NULL, "--json", "streams", "list", dev, "0");
	STATUS(r, 0);
	EXPECT_STREQ(lsn_arg(a, one[1]),
		     json_get(r->out, "base_lsn", v, sizeof(v)));
	EXPECT_STREQ(lsn_arg(a, r1[1]),
		     json_get(r->out, "restart_lsn", v, sizeof(v)));
	EXPECT_STREQ(lsn_arg(a, r1[1]),
		     json_get(r->out, "last_lsn", v, sizeof(v)));

	/* Forward from the base; filters; below the base is gone. */
	RUN(r, NULL, "read", "--filter", "data", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("two\nthree\nfour\nfive\n\nsix\na\nb\nc\nundo\n", r->out);
	RUN(r, NULL, "read", "--filter", "restart", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("ckpt1\nckpt2\n", r->out);
	RUN(r, NULL, "read", "--text", dev, "restart");
	STATUS(r, 0);
	EXPECT_STREQ("ckpt2\n", r->out);
	RUN(r, NULL, "read", "--filter", "data", dev, lsn_arg(a, r1[0]));
	STATUS(r, 1);
	CONTAINS(r->err, "(ENOENT)");
	RUN(r, NULL, "read", dev, lsn_arg(a, one[0]));
	STATUS(r, 1);
	CONTAINS(r->err, "before the start of the log");
	CONTAINS(r->err, "(ERANGE)");

	/* Truncate after "six": the rest of the stream is gone. */
	RUN(r, NULL, "truncate", dev, lsn_arg(a, in[3]));
	STATUS(r, 0);
	RUN(r, NULL, "read", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("two\nthree\nfour\nfive\n\nsix\n", r->out);
	RUN(r, NULL, "read", dev, lsn_arg(a, ch[0]));
	STATUS(r, 1);
	CONTAINS(r->err, "no record of this stream at that LSN (ENOENT)");
	APPEND(r, dev, seven, 1, "--force-flush", "seven");
	EXPECT_LT(r1[1], seven[0]);
	RUN(r, NULL, "read", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("two\nthree\nfour\nfive\n\nsix\nseven\n", r->out);

	/* The base moves forward only. */
	RUN(r, NULL, "advance-base", dev, lsn_arg(a, in[0]));
	STATUS(r, 0);
	CONTAINS(r->out, lsn_arg(a, in[0]));
	RUN(r, NULL, "advance-base", dev, lsn_arg(a, one[2]));
	STATUS(r, 1);
	CONTAINS(r->err, "(ERANGE)");
	RUN(r, NULL, "read", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("four\nfive\n\nsix\nseven\n", r->out);

	/* Flushes: everything, and up to an LSN. */
	RUN(r, NULL, "--json", "flush", dev);
	STATUS(r, 0);
	EXPECT_TRUE(is_lsn_text(json_get(r->out, "flushed_lsn", v, sizeof(v)),
				strlen(v)));
	EXPECT_LT(seven[0], strtoull(v, NULL, 16));
	RUN(r, NULL, "flush", dev, lsn_arg(a, seven[0]));
	STATUS(r, 0);
	CONTAINS(r->out, "flushed_lsn 0x");

	/* Statistics: the last open recovered the blocks written so far. */
	RUN(r, NULL, "--json", "stats", dev);
	STATUS(r, 0);
	EXPECT_LT(0, json_num(r->out, "recovered_blocks"));
	EXPECT_LT(1, json_num(r->out, "epoch"));
	RUN(r, NULL, "stats", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "recovered blocks");

	/* Containers: list, add two, remove a free one, not an active one. */
	RUN(r, NULL, "--json", "containers", dev);
	STATUS(r, 0);
	EXPECT_EQ(8, count_of(r->out, "\"physical_id\""));
	EXPECT_LE(1, count_of(r->out, "\"active\""));
	RUN(r, NULL, "containers", "add", dev, "2");
	STATUS(r, 0);
	CONTAINS(r->out, "now 10 containers");
	RUN(r, NULL, "containers", "list", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "10 containers");
	RUN(r, NULL, "containers", "remove", dev, "9");
	STATUS(r, 0);
	CONTAINS(r->out, "now 9 containers");
	/* Container 0 holds the records: active. */
	RUN(r, NULL, "containers", "remove", dev, "0");
	STATUS(r, 1);
	CONTAINS(r->err, "(EBUSY)");
	RUN(r, NULL, "--json", "info", dev);
	STATUS(r, 0);
	EXPECT_EQ(9, json_num(r->out, "nr_containers"));

	/* Reset: the stream is empty again. */
	RUN(r, NULL, "streams", "reset", dev, "0");
	STATUS(r, 0);
	RUN(r, NULL, "read", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("", r->out);
	APPEND(r, dev, one, 1, "again");
	RUN(r, NULL, "read", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("again\n", r->out);

	/* A whole file as one record, larger than a default block. */
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	for (k = 0; k < sizeof(big); k++)
		big[k] = 'A' + k % 26;
	ASSERT_EQ(sizeof(big), write(fd, big, sizeof(big)));
	close(fd);
	APPEND(r, dev, u, 1, "--file", path);
	unlink(path);
	RUN(r, NULL, "read", "--text", dev, lsn_arg(a, u[0]));
	STATUS(r, 0);
	EXPECT_EQ(sizeof(big) + 1, strlen(r->out));
	EXPECT_EQ(0, memcmp(r->out, big, sizeof(big)));

	RUN(r, NULL, "delete", dev);
	STATUS(r, 0);
	RUN(r, NULL, "info", dev);
	STATUS(r, 1);
	CONTAINS(r->err, "(ENODATA)");
}

/* ---- a multiplexed, archived log ---------------------------------------- */

TEST_F_TIMEOUT(clfsctl, multiplexed_session, SESSION_TIMEOUT)
{
	unsigned long long s0[MAX_LSNS], s1[MAX_LSNS], t[MAX_LSNS];
	const char *dev = self->dev;
	struct run *r = &self->r;
	char a[24], v[64];

	if (!self->dev)	/* the 6.1 harness runs skipped tests */
		return;
	RUN(r, NULL, "create", "--force", "--multiplexed", "--archived",
	    "--container-size", "128K", "--containers", "4", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "multiplexed, archived");
	RUN(r, NULL, "--json", "info", dev);
	STATUS(r, 0);
	EXPECT_STREQ("true", json_get(r->out, "multiplexed", v, sizeof(v)));
	EXPECT_STREQ("true", json_get(r->out, "archived", v, sizeof(v)));

	/* No stream until one is created. */
	RUN(r, NULL, "streams", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "0 streams");
	RUN(r, NULL, "append", dev, "x");
	STATUS(r, 1);
	CONTAINS(r->err, "no such stream (ENOENT)");
	RUN(r, NULL, "streams", "create", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "created stream 0");
	APPEND(r, dev, s0, 2, "zero-a", "zero-b");
	RUN(r, NULL, "--json", "streams", dev, "create");
	STATUS(r, 0);
	EXPECT_EQ(1, json_num(r->out, "stream_id"));

	/* Interleaved appends; each stream reads back its own. */
	APPEND(r, dev, s1, 2, "--stream", "1", "one-a", "one-b");
	APPEND(r, dev, t, 1, "--stream", "0", "zero-c");
	APPEND(r, dev, s1 + 2, 1, "-s", "1", "one-c");
	EXPECT_LT(s0[1], s1[0]);
	EXPECT_LT(s1[1], t[0]);
	EXPECT_LT(t[0], s1[2]);
	RUN(r, NULL, "read", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("zero-a\nzero-b\nzero-c\n", r->out);
	RUN(r, NULL, "read", "--text", "--stream", "1", dev);
	STATUS(r, 0);
	EXPECT_STREQ("one-a\none-b\none-c\n", r->out);
	/* Stream 0's record is no record of stream 1. */
	RUN(r, NULL, "read", "--stream", "1", dev, lsn_arg(a, t[0]));
	STATUS(r, 1);
	CONTAINS(r->err, "(ENOENT)");

	/* Archive tail and base; both show in streams list. */
	RUN(r, NULL, "archive-tail", "-s", "1", dev, lsn_arg(a, s1[1]));
	STATUS(r, 0);
	RUN(r, NULL, "advance-base", "--stream", "1", dev, lsn_arg(a, s1[2]));
	STATUS(r, 0);
	RUN(r, NULL, "--json", "streams", "list", dev, "1");
	STATUS(r, 0);
	EXPECT_STREQ(lsn_arg(a, s1[1]),
		     json_get(r->out, "archive_tail_lsn", v, sizeof(v)));
	EXPECT_STREQ(lsn_arg(a, s1[2]),
		     json_get(r->out, "base_lsn", v, sizeof(v)));
	/* Between the archive tail and the base: still readable. */
	RUN(r, NULL, "read", "--text", "-s", "1", dev, lsn_arg(a, s1[1]));
	STATUS(r, 0);
	EXPECT_STREQ("one-b\none-c\n", r->out);
	RUN(r, NULL, "archive-tail", "-s", "1", dev, lsn_arg(a, s1[0]));
	STATUS(r, 1);
	CONTAINS(r->err, "(ERANGE)");

	/* Delete needs the stream closed: it is, between commands. */
	RUN(r, NULL, "streams", "delete", dev, "1");
	STATUS(r, 0);
	RUN(r, NULL, "streams", "list", dev, "1");
	STATUS(r, 1);
	CONTAINS(r->err, "no such stream (ENOENT)");
	RUN(r, NULL, "streams", "list", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "1 stream\n");
	RUN(r, NULL, "streams", "delete", dev, "1");
	STATUS(r, 1);

	/* Whatever other streams did, stream 0 is intact. */
	RUN(r, NULL, "read", "--text", dev);
	STATUS(r, 0);
	EXPECT_STREQ("zero-a\nzero-b\nzero-c\n", r->out);

	/*
	 * A stream without a base whose first record is not where it began
	 * (another stream wrote there first): the stream's first_lsn says
	 * where forward reads start.
	 */
	RUN(r, NULL, "streams", "create", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "created stream 1");
	APPEND(r, dev, t, 1, "zero-d");
	APPEND(r, dev, s1, 1, "-s", "1", "late");
	RUN(r, NULL, "read", "--text", "-s", "1", dev);
	STATUS(r, 0);
	EXPECT_STREQ("late\n", r->out);
	RUN(r, NULL, "read", "--text", "-s", "1", dev, lsn_arg(a, s1[0]));
	STATUS(r, 0);
	EXPECT_STREQ("late\n", r->out);
	RUN(r, NULL, "read", "--text", "--previous", "-s", "1", dev);
	STATUS(r, 0);
	EXPECT_STREQ("late\n", r->out);

	RUN(r, NULL, "delete", dev);
	STATUS(r, 0);
}

/* ---- management: policies, size, watch ---------------------------------- */

/* "clfsctl policy" text: the line of policy @name, "NAME   VALUE\n". */
static void policy_line(char *buf, size_t len, const char *name,
			const char *value)
{
	snprintf(buf, len, "  %-15s %s\n", name, value);
}

#define POLICY_LINE(out, name, value) do {				\
	char _l[256];							\
	policy_line(_l, sizeof(_l), name, value);			\
	CONTAINS(out, _l);						\
} while (0)

/* The "installed" member of policy @key in a --json policy document. */
static bool policy_installed(const char *doc, const char *key)
{
	char v[16];

	return !strcmp(json_get(json_obj(json_obj(doc, "policies"), key),
				"installed", v, sizeof(v)), "true");
}

TEST_F_TIMEOUT(clfsctl, policy_session, SESSION_TIMEOUT)
{
	const char *dev = self->dev;
	struct run *r = &self->r;
	unsigned long long slots;
	const char *pol;
	char want[160];
	char v[64];

	if (!self->dev)	/* the 6.1 harness runs skipped tests */
		return;
	RUN(r, NULL, "create", "--force", "--container-size", "256K",
	    "--containers", "8", dev);
	STATUS(r, 0);

	/* A new log: every policy is its default. */
	RUN(r, NULL, "--json", "policy", dev);
	STATUS(r, 0);
	slots = json_num(r->out, "nr_slots");
	EXPECT_LE(8, slots);
	EXPECT_EQ(8, json_num(r->out, "nr_containers"));
	EXPECT_EQ(0, json_num(r->out, "installed_mask"));
	pol = json_obj(r->out, "policies");
	EXPECT_FALSE(policy_installed(r->out, "max"));
	EXPECT_EQ(slots, json_num(pol, "max_containers"));
	EXPECT_EQ(2, json_num(pol, "min_containers"));
	EXPECT_EQ(1, json_num(pol, "growth_containers"));
	EXPECT_EQ(0, json_num(pol, "growth_pct"));
	EXPECT_EQ(1, json_num(pol, "tail_free_containers"));
	EXPECT_EQ(0, json_num(pol, "shrink_free_pct"));
	EXPECT_STREQ("false", json_get(json_obj(pol, "auto_grow"), "enabled", v,
				       sizeof(v)));
	EXPECT_EQ(262144, json_num(pol, "new_container_bytes"));
	RUN(r, NULL, "policy", dev);
	STATUS(r, 0);
	snprintf(want, sizeof(want), "policies of %s (8 containers, 7 free, of %llu slots)\n",
		 dev, slots);
	CONTAINS(r->out, want);
	snprintf(want, sizeof(want), "%llu containers (every slot of the device) (default)",
		 slots);
	POLICY_LINE(r->out, "max", want);
	POLICY_LINE(r->out, "min", "2 containers (default)");
	POLICY_LINE(r->out, "growth", "1 container per growth (default)");
	POLICY_LINE(r->out, "tail",
		    "tail-advance requests aim for 1 free container (default)");
	POLICY_LINE(r->out, "auto-shrink", "never shrink (default)");
	POLICY_LINE(r->out, "auto-grow", "off (default)");
	POLICY_LINE(r->out, "container-size", "256 KiB (default)");

	/* Set four: exactly those are installed, the others stay defaults. */
	RUN(r, NULL, "policy", "set", dev, "--max", "12", "--growth-pct", "50",
	    "--tail-free", "2", "--auto-grow", "on");
	STATUS(r, 0);
	snprintf(want, sizeof(want), "installed max, growth, tail, auto-grow on %s\n",
		 dev);
	CONTAINS(r->out, want);
	POLICY_LINE(r->out, "max", "12 containers");
	POLICY_LINE(r->out, "growth", "50% of the size per growth");
	POLICY_LINE(r->out, "tail",
		    "tail-advance requests aim for 2 free containers");
	POLICY_LINE(r->out, "auto-grow", "on");
	POLICY_LINE(r->out, "min", "2 containers (default)");
	POLICY_LINE(r->out, "auto-shrink", "never shrink (default)");

	/* A second run opens the log again: they are in its metadata. */
	RUN(r, NULL, "--json", "policy", dev);
	STATUS(r, 0);
	pol = json_obj(r->out, "policies");
	EXPECT_TRUE(policy_installed(r->out, "max"));
	EXPECT_TRUE(policy_installed(r->out, "growth"));
	EXPECT_TRUE(policy_installed(r->out, "tail"));
	EXPECT_TRUE(policy_installed(r->out, "auto_grow"));
	EXPECT_FALSE(policy_installed(r->out, "min"));
	EXPECT_FALSE(policy_installed(r->out, "auto_shrink"));
	EXPECT_FALSE(policy_installed(r->out, "container_size"));
	EXPECT_EQ(12, json_num(pol, "max_containers"));
	EXPECT_EQ(50, json_num(pol, "growth_pct"));
	EXPECT_EQ(2, json_num(pol, "tail_free_containers"));
	EXPECT_STREQ("true", json_get(json_obj(pol, "auto_grow"), "enabled", v,
				       sizeof(v)));
	EXPECT_EQ(CLFS_POLICY_MAX_SIZE | CLFS_POLICY_GROWTH_RATE |
		  CLFS_POLICY_LOG_TAIL | CLFS_POLICY_AUTO_GROW,
		  json_num(r->out, "installed_mask"));

	/* Conflicts are refused, whole, with the rule they break. */
	RUN(r, NULL, "policy", "set", dev, "--min", "5", "--max", "3");
	STATUS(r, 1);
	CONTAINS(r->err, "refused, nothing changed: min 5 is above max 3 (EINVAL)");
	RUN(r, NULL, "policy", "set", dev, "--min", "13");
	STATUS(r, 1);
	CONTAINS(r->err, "min 13 is above max 12 (installed) (EINVAL)");
	RUN(r, NULL, "policy", "set", dev, "--auto-shrink", "10",
	    "--tail-free-pct", "20");
	STATUS(r, 1);
	CONTAINS(r->err, "auto-shrink at 10% free is not above the tail target of 20% free");
	CONTAINS(r->err, "(EINVAL)");
	RUN(r, NULL, "policy", "set", dev, "--container-size", "128K");
	STATUS(r, 1);
	CONTAINS(r->err, "every container of the log has its size, 256 KiB (EINVAL)");
	RUN(r, NULL, "policy", "set", dev, "--growth", "12");
	STATUS(r, 1);
	CONTAINS(r->err, "a growth step of 12 containers is not below max 12 (installed)");
	RUN(r, NULL, "policy", "set", dev, "--max", "4000000000");
	STATUS(r, 1);
	snprintf(want, sizeof(want), "max 4000000000 is beyond the device's %llu container slots (ENOSPC)",
		 slots);
	CONTAINS(r->err, want);
	RUN_UNPRIV(r, NULL, "policy", "set", dev, "--max", "10");
	STATUS(r, 1);
	CONTAINS(r->err, "(EPERM)");
	/* None of them changed anything. */
	RUN(r, NULL, "--json", "policy", dev);
	STATUS(r, 0);
	EXPECT_EQ(CLFS_POLICY_MAX_SIZE | CLFS_POLICY_GROWTH_RATE |
		  CLFS_POLICY_LOG_TAIL | CLFS_POLICY_AUTO_GROW,
		  json_num(r->out, "installed_mask"));
	EXPECT_EQ(12, json_num(json_obj(r->out, "policies"), "max_containers"));
	EXPECT_EQ(8, json_num(r->out, "nr_containers"));

	/* Consistent: auto-shrink above a tail target in percent. */
	RUN(r, NULL, "policy", dev, "set", "--auto-shrink", "30",
	    "--tail-free-pct", "20");
	STATUS(r, 0);
	POLICY_LINE(r->out, "auto-shrink", "shrink while 30% is free");
	POLICY_LINE(r->out, "tail", "tail-advance requests aim for 20% free");
	POLICY_LINE(r->out, "max", "12 containers");

	/* A minimum above the size grows the log; a maximum below shrinks it. */
	RUN(r, NULL, "policy", "set", dev, "--min", "10");
	STATUS(r, 0);
	snprintf(want, sizeof(want), "policies of %s (10 containers, 9 free,", dev);
	CONTAINS(r->out, want);
	RUN(r, NULL, "policy", "set", dev, "--max", "9");
	STATUS(r, 1);
	CONTAINS(r->err, "min 10 (installed) is above max 9 (EINVAL)");
	RUN(r, NULL, "policy", "remove", dev, "min");
	STATUS(r, 0);
	snprintf(want, sizeof(want), "removed min from %s\n", dev);
	CONTAINS(r->out, want);
	POLICY_LINE(r->out, "min", "2 containers (default)");
	RUN(r, NULL, "--json", "policy", "set", dev, "--max", "9");
	STATUS(r, 0);
	EXPECT_EQ(9, json_num(r->out, "nr_containers"));
	EXPECT_EQ(9, json_num(json_obj(r->out, "policies"), "max_containers"));

	/* Remove some, then all: back to the defaults, for good. */
	RUN(r, NULL, "policy", dev, "remove", "growth", "tail");
	STATUS(r, 0);
	snprintf(want, sizeof(want), "removed growth, tail from %s\n", dev);
	CONTAINS(r->out, want);
	POLICY_LINE(r->out, "growth", "1 container per growth (default)");
	POLICY_LINE(r->out, "tail",
		    "tail-advance requests aim for 1 free container (default)");
	POLICY_LINE(r->out, "auto-shrink", "shrink while 30% is free");
	RUN(r, NULL, "policy", "remove", dev, "all");
	STATUS(r, 0);
	snprintf(want, sizeof(want), "removed every policy from %s\n", dev);
	CONTAINS(r->out, want);
	RUN(r, NULL, "--json", "policy", dev);
	STATUS(r, 0);
	EXPECT_EQ(0, json_num(r->out, "installed_mask"));
	EXPECT_FALSE(policy_installed(r->out, "max"));
	EXPECT_FALSE(policy_installed(r->out, "auto_grow"));
	EXPECT_EQ(slots, json_num(json_obj(r->out, "policies"),
				  "max_containers"));
	/* Removing changes no size. */
	EXPECT_EQ(9, json_num(r->out, "nr_containers"));

	RUN(r, NULL, "delete", dev);
	STATUS(r, 0);
}

/*
 * Append records of 1000 bytes, @n at a time, until the log has no free
 * container (or an append finds it full). Return: the runs it took, or -1.
 */
static int fill_log(struct __test_metadata *_metadata, struct run *r,
		    const char *dev, int n)
{
	static char in[128 * 1001];
	char v[32];
	int i, runs;

	if (n * 1001 > (int)sizeof(in))
		return -1;
	for (i = 0; i < n; i++) {
		memset(in + i * 1001, 'a' + i % 26, 1000);
		in[i * 1001 + 1000] = '\n';
	}
	in[n * 1001] = '\0';
	for (runs = 1; runs <= 64; runs++) {
		RUN(r, in, "append", dev);
		if (r->status == 1 && strstr(r->err, "(ENOSPC)"))
			return runs;
		if (r->status)
			return -1;
		RUN(r, NULL, "--json", "info", dev);
		if (r->status)
			return -1;
		if (!strcmp(json_get(json_obj(r->out, "management"), "nr_free",
				     v, sizeof(v)), "0"))
			return runs;
	}
	return -1;
}

TEST_F_TIMEOUT(clfsctl, size_and_info, SESSION_TIMEOUT)
{
	unsigned long long slots, active;
	const char *dev = self->dev;
	struct run *r = &self->r;
	const char *mg;
	char want[200], v[32];

	if (!self->dev)	/* the 6.1 harness runs skipped tests */
		return;
	RUN(r, NULL, "create", "--force", "--container-size", "256K",
	    "--containers", "8", dev);
	STATUS(r, 0);

	/* info's management section, text and JSON. */
	RUN(r, NULL, "--json", "info", dev);
	STATUS(r, 0);
	slots = json_num(r->out, "nr_slots");
	mg = json_obj(r->out, "management");
	EXPECT_EQ(8, json_num(mg, "nr_containers"));
	EXPECT_EQ(7, json_num(mg, "nr_free"));
	EXPECT_EQ(0, json_num(mg, "nr_held"));
	EXPECT_EQ(2, json_num(mg, "min_containers"));
	EXPECT_EQ(slots, json_num(mg, "max_containers"));
	EXPECT_STREQ("false", json_get(mg, "full", v, sizeof(v)));
	EXPECT_STREQ("false", json_get(mg, "pinned", v, sizeof(v)));
	EXPECT_EQ(0, json_num(mg, "nr_clients"));
	EXPECT_EQ(0, json_num(mg, "nr_requests"));
	EXPECT_EQ(0, json_num(mg, "nr_waiting"));
	EXPECT_EQ(0, json_num(mg, "grown"));
	EXPECT_EQ(0, json_num(mg, "requests_sent"));
	RUN(r, NULL, "info", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "management:\n");
	CONTAINS(r->out, "  size               8 containers (7 free, 0 of them held for reservations)\n");
	snprintf(want, sizeof(want), "  size limits        min 2, max %llu containers\n",
		 slots);
	CONTAINS(r->out, want);
	CONTAINS(r->out, "  state              not full\n");
	CONTAINS(r->out, "  clients            0 (0 waiting for log-full-handled)\n");
	CONTAINS(r->out, "  pending requests   0\n");
	CONTAINS(r->out, "    pinned           0 times\n");
	/* The policies are the limits info reports. */
	RUN(r, NULL, "policy", "set", dev, "--max", "11", "--min", "3");
	STATUS(r, 0);
	RUN(r, NULL, "info", dev);
	STATUS(r, 0);
	CONTAINS(r->out, "  size limits        min 3, max 11 containers\n");

	/* The stream's management state: no client, no request. */
	RUN(r, NULL, "streams", "list", dev, "0");
	STATUS(r, 0);
	CONTAINS(r->out, "  management       no client\n");
	CONTAINS(r->out, "  tail request     -\n");
	RUN(r, NULL, "--json", "streams", "list", dev, "0");
	STATUS(r, 0);
	EXPECT_STREQ("false", json_get(r->out, "mgmt_client", v, sizeof(v)));
	EXPECT_STREQ("null", json_get(r->out, "tail_request_lsn", v,
				      sizeof(v)));
	EXPECT_EQ(0, json_num(r->out, "mgmt_flags"));

	/* size: show, grow, shrink, within the policies. */
	RUN(r, NULL, "size", dev);
	STATUS(r, 0);
	snprintf(want, sizeof(want), "%s: 8 containers (1 active, 7 free) of %llu slots\n",
		 dev, slots);
	EXPECT_STREQ(want, r->out);
	RUN(r, NULL, "size", dev, "10");
	STATUS(r, 0);
	snprintf(want, sizeof(want), "resized %s: 10 containers (1 active, 9 free) of %llu slots\n",
		 dev, slots);
	EXPECT_STREQ(want, r->out);
	RUN(r, NULL, "--json", "size", dev, "4");
	STATUS(r, 0);
	EXPECT_EQ(4, json_num(r->out, "requested"));
	EXPECT_EQ(4, json_num(r->out, "nr_containers"));
	EXPECT_EQ(3, json_num(r->out, "nr_free"));
	EXPECT_STREQ("true", json_get(r->out, "complete", v, sizeof(v)));
	RUN(r, NULL, "size", dev, "12");
	STATUS(r, 1);
	CONTAINS(r->err, "size 12: outside the log's size limits, min 3 and max 11 containers");
	CONTAINS(r->err, "(ERANGE)");
	RUN(r, NULL, "size", dev, "2");
	STATUS(r, 1);
	CONTAINS(r->err, "(ERANGE)");
	RUN(r, NULL, "policy", "remove", dev, "max", "min");
	STATUS(r, 0);
	RUN(r, NULL, "size", dev, "12");
	STATUS(r, 0);
	CONTAINS(r->out, ": 12 containers (1 active, 11 free)");
	RUN(r, NULL, "size", dev, "4000000000");
	STATUS(r, 1);
	snprintf(want, sizeof(want), "the device has only %llu container slots (ENOSPC)",
		 slots);
	CONTAINS(r->err, want);
	RUN_UNPRIV(r, NULL, "size", dev, "8");
	STATUS(r, 1);
	CONTAINS(r->err, "(EPERM)");
	RUN(r, NULL, "size", dev, "3");
	STATUS(r, 0);
	CONTAINS(r->out, ": 3 containers (1 active, 2 free)");

	/*
	 * Fill it; a shrink below the containers that hold records stops at
	 * them, says so and exits 1.
	 */
	ASSERT_LT(0, fill_log(_metadata, r, dev, 100)) {
		TH_LOG("append: %s", r->err);
	}
	RUN(r, NULL, "--json", "info", dev);
	STATUS(r, 0);
	active = json_num(r->out, "nr_active");
	EXPECT_EQ(3, active);
	RUN(r, NULL, "size", dev, "2");
	STATUS(r, 1);
	snprintf(want, sizeof(want), "resized %s: %llu containers (%llu active, 0 free)",
		 dev, active, active);
	CONTAINS(r->out, want);
	snprintf(want, sizeof(want), "shrink to 2 stopped at %llu containers", active);
	CONTAINS(r->err, want);
	CONTAINS(r->err, "(EBUSY)");
	RUN(r, NULL, "--json", "size", dev, "2");
	STATUS(r, 1);
	EXPECT_STREQ("false", json_get(r->out, "complete", v, sizeof(v)));
	EXPECT_EQ(active, json_num(r->out, "nr_containers"));

	RUN(r, NULL, "delete", dev);
	STATUS(r, 0);
}

/* The LSN after "event advance-tail lsn " in watch's output, or 0. */
static unsigned long long advance_target(const char *out)
{
	const char *p = strstr(out, "event advance-tail lsn ");

	return p ? strtoull(p + strlen("event advance-tail lsn "), NULL, 16) : 0;
}

/*
 * A shared log: attached once, then used by name from separate clfsctl
 * processes, one of them a watch holding the log all along; the counters
 * are the log's, across commands; detach takes the name away.
 */
TEST_F_TIMEOUT(clfsctl, shared_session, SESSION_TIMEOUT)
{
	static const char *const watch[] = {
		"clfsctl", "watch", "--timeout", "20", "--count", "1", "demo",
		"0", NULL,
	};
	unsigned long long lsns[MAX_LSNS];
	struct run *r = &self->r;
	char want[200], v[64];
	int status;
	pid_t pid;

	if (!self->dev)	/* the 6.1 harness runs skipped tests */
		return;
	RUN(r, NULL, "create", "--force", "--container-size", "1M",
	    "--containers", "4", self->dev);
	STATUS(r, 0);
	RUN(r, NULL, "attach", "--name", "demo", "--group", "4242", "--mode",
	    "0660", self->dev);
	STATUS(r, 0);
	snprintf(want, sizeof(want), "attached %s as demo: node /dev/clfs-logs/demo",
		 self->dev);
	CONTAINS(r->out, want);
	RUN(r, NULL, "attach", "--name", "again", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "(EEXIST)");
	RUN(r, NULL, "--json", "list");
	STATUS(r, 0);
	EXPECT_EQ(1, json_num(r->out, "count"));
	EXPECT_STREQ("demo", json_get(r->out, "name", v, sizeof(v)));
	EXPECT_EQ(1, json_num(r->out, "clients"));
	EXPECT_EQ(4242, json_num(r->out, "gid"));

	/* A watch holds the log; appends by name go on meanwhile. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(clfsctl_path(), (char *const *)watch);
		_exit(127);
	}
	sleep(1);
	APPEND(r, "demo", lsns, 2, "one", "two");
	APPEND(r, "/dev/clfs-logs/demo", lsns, 1, "three");
	RUN(r, NULL, "--json", "info", "demo");
	STATUS(r, 0);
	/*
	 * The log's own counters: the blocks of both appends (one each, at
	 * least), though this command wrote none.
	 */
	EXPECT_LE(2, json_num(r->out, "blocks_written"));
	/* The watch is still there, as the stream's management client. */
	EXPECT_EQ(1, json_num(json_obj(r->out, "management"), "nr_clients"));
	RUN(r, NULL, "read", "demo");
	STATUS(r, 0);
	CONTAINS(r->out, "three");
	/* The watch held the log and its client all along: it may go. */
	kill(pid, SIGTERM);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));

	/* Formatting or deleting an attached log's device is refused. */
	RUN(r, NULL, "delete", self->dev);
	STATUS(r, 1);
	CONTAINS(r->err, "(EBUSY)");
	RUN(r, NULL, "detach", "demo");
	STATUS(r, 0);
	RUN(r, NULL, "detach", "demo");
	STATUS(r, 1);
	CONTAINS(r->err, "(ENOENT)");
	RUN(r, NULL, "--json", "list");
	STATUS(r, 0);
	EXPECT_EQ(0, json_num(r->out, "count"));
	RUN(r, NULL, "info", "demo");
	STATUS(r, 1);
	RUN(r, NULL, "delete", self->dev);
	STATUS(r, 0);
}

TEST_F_TIMEOUT(clfsctl, watch_consumer, SESSION_TIMEOUT)
{
	unsigned long long first[MAX_LSNS], target;
	const char *dev = self->dev;
	struct run *r = &self->r;
	char want[200], a[24], v[64];

	if (!self->dev)	/* the 6.1 harness runs skipped tests */
		return;
	RUN(r, NULL, "create", "--force", "--container-size", "128K",
	    "--containers", "2", dev);
	STATUS(r, 0);
	APPEND(r, dev, first, 1, "first");

	/* Nothing to report: the timeout ends it, --count unmet is a failure. */
	RUN(r, NULL, "watch", "--timeout", "0", dev, "0");
	STATUS(r, 0);
	snprintf(want, sizeof(want), "watching stream 0 of %s as its management client\n",
		 dev);
	CONTAINS(r->out, want);
	CONTAINS(r->out, "0 events, timed out\n");
	RUN(r, NULL, "watch", "--count", "1", "--timeout", "1", dev, "0");
	STATUS(r, 1);
	CONTAINS(r->err, "stream 0: timed out after 0 of 1 events");
	RUN(r, NULL, "--json", "watch", "-t", "0", "--handle-full", dev, "0");
	STATUS(r, 0);
	EXPECT_STREQ("room", json_get(r->out, "handle_full", v, sizeof(v)));
	EXPECT_EQ(0, json_num(r->out, "count"));
	EXPECT_STREQ("true", json_get(r->out, "timed_out", v, sizeof(v)));
	CONTAINS(r->out, "\"events\": []");
	RUN(r, NULL, "watch", "-t", "0", dev, "3");
	STATUS(r, 1);
	CONTAINS(r->err, "no such stream (ENOENT)");
	/* The client went with the command. */
	RUN(r, NULL, "--json", "info", dev);
	STATUS(r, 0);
	EXPECT_EQ(0, json_num(json_obj(r->out, "management"), "nr_clients"));

	/*
	 * A full log: handle-log-full sends the stream a tail-advance
	 * request, watch --advance moves the base to its target, a container
	 * is free again and the log says so.
	 */
	ASSERT_LT(0, fill_log(_metadata, r, dev, 30)) {
		TH_LOG("append: %s", r->err);
	}
	RUN(r, NULL, "watch", "--handle-full", "--advance", "--count", "2",
	    "--timeout", "60", dev, "0");
	STATUS(r, 0);
	CONTAINS(r->out, "handle log full: the log is full, a log-full-handled event will follow\n");
	target = advance_target(r->out);
	ASSERT_NE(0, target) {
		TH_LOG("watch printed: %s", r->out);
	}
	EXPECT_LT(first[0] >> 32, target >> 32);
	snprintf(want, sizeof(want), "  advanced the base of stream 0 to %s\n",
		 lsn_arg(a, target));
	CONTAINS(r->out, want);
	CONTAINS(r->out, "event log-full-handled lsn - status 0\n");
	CONTAINS(r->out, "2 events\n");
	RUN(r, NULL, "--json", "streams", "list", dev, "0");
	STATUS(r, 0);
	EXPECT_STREQ(lsn_arg(a, target), json_get(r->out, "base_lsn", v,
						  sizeof(v)));
	EXPECT_STREQ("null", json_get(r->out, "tail_request_lsn", v,
				      sizeof(v)));
	RUN(r, NULL, "--json", "info", dev);
	STATUS(r, 0);
	EXPECT_LE(1, json_num(json_obj(r->out, "management"), "nr_free"));
	RUN(r, NULL, "read", dev, lsn_arg(a, first[0]));
	STATUS(r, 1);
	CONTAINS(r->err, "(ERANGE)");

	RUN(r, NULL, "delete", dev);
	STATUS(r, 0);
}

TEST_HARNESS_MAIN
