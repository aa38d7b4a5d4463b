// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl attach, detach, list and access: logs kept open under a name,
 * each with a node /dev/clfs-logs/NAME that file permissions open
 * (docs/sharing.md), through the loaded module.
 *
 * Users and groups are looked up in /etc/passwd and /etc/group
 * themselves, not through NSS, so that a static clfsctl (the guest's)
 * behaves as the dynamic one.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "online.h"

/* Where the attached logs' devices are, for users without /dev/clfs. */
#define CLFS_SYSFS_CLASS	"/sys/class/clfs"

/* A node's owner or group that could not be read (listing from sysfs). */
#define ID_UNKNOWN		UINT32_MAX

/* ---- owners, groups and modes ------------------------------------------- */

enum id_kind { ID_USER, ID_GROUP };

/*
 * A user or group of /etc/passwd or /etc/group: by @name if it is not
 * NULL (its id into *@id), else by *@id (its name into @buf).
 * Return: true if found.
 */
static bool id_lookup(enum id_kind kind, const char *name, __u32 *id,
		      char *buf, size_t len)
{
	FILE *f = fopen(kind == ID_USER ? "/etc/passwd" : "/etc/group", "re");
	bool found = false;

	if (!f)
		return false;
	while (!found) {
		const char *n;
		__u32 v;

		if (kind == ID_USER) {
			struct passwd *pw = fgetpwent(f);

			if (!pw)
				break;
			n = pw->pw_name;
			v = pw->pw_uid;
		} else {
			struct group *gr = fgetgrent(f);

			if (!gr)
				break;
			n = gr->gr_name;
			v = gr->gr_gid;
		}
		if (name ? !strcmp(n, name) : v == *id) {
			if (name)
				*id = v;
			else
				snprintf(buf, len, "%s", n);
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* The name of a user or group, else its number. */
static const char *id_str(char *buf, size_t len, enum id_kind kind, __u32 id)
{
	if (id == ID_UNKNOWN)
		snprintf(buf, len, "?");
	else if (!id_lookup(kind, NULL, &id, buf, len))
		snprintf(buf, len, "%u", id);
	return buf;
}

/* "root:db 0660" */
static const char *access_str(char *buf, size_t len,
			      const struct clfs_attached_log *e)
{
	char u[64], g[64];

	if (e->uid == ID_UNKNOWN) {
		snprintf(buf, len, "?");
		return buf;
	}
	snprintf(buf, len, "%s:%s %04o", id_str(u, sizeof(u), ID_USER, e->uid),
		 id_str(g, sizeof(g), ID_GROUP, e->gid), e->mode);
	return buf;
}

/* A uid or gid, decimal, or a name. Return: 0 or -EINVAL. */
static int parse_id(enum id_kind kind, const char *s, __u32 *id)
{
	unsigned long long n;
	char *end;

	if (!*s)
		return -EINVAL;
	if (strspn(s, "0123456789") == strlen(s)) {
		errno = 0;
		n = strtoull(s, &end, 10);
		/* (__u32)-1 is no id. */
		if (errno || n >= ID_UNKNOWN)
			return -EINVAL;
		*id = (__u32)n;
		return 0;
	}
	return id_lookup(kind, s, id, NULL, 0) ? 0 : -EINVAL;
}

/* Octal permission bits, at most 0666. Return: 0 or -EINVAL. */
static int parse_mode(const char *s, __u32 *mode)
{
	unsigned long n;
	char *end;

	if (!*s || strspn(s, "01234567") != strlen(s))
		return -EINVAL;
	errno = 0;
	n = strtoul(s, &end, 8);
	if (errno || n & ~0666UL)
		return -EINVAL;
	*mode = (__u32)n;
	return 0;
}

/**
 * struct access_opts - the --owner, --group and --mode of a command
 * @uid: the owner
 * @gid: the group
 * @mode: the permission bits
 * @has_uid: --owner was given
 * @has_gid: --group was given
 * @has_mode: --mode was given
 */
struct access_opts {
	__u32 uid, gid, mode;
	bool has_uid, has_gid, has_mode;
};

/*
 * Option @c of getopt: -o (--owner), -g (--group) or -m (--mode) into @a.
 * Return: 0; EXIT_USAGE (printed) for a bad value; -1 for another option.
 */
static int access_opt(const char *cmd, int c, const char *arg,
		      struct access_opts *a)
{
	switch (c) {
	case 'o':
		if (parse_id(ID_USER, arg, &a->uid))
			return usage_error(cmd, "--owner: '%s' is neither a uid nor a user of /etc/passwd",
					   arg);
		a->has_uid = true;
		return 0;
	case 'g':
		if (parse_id(ID_GROUP, arg, &a->gid))
			return usage_error(cmd, "--group: '%s' is neither a gid nor a group of /etc/group",
					   arg);
		a->has_gid = true;
		return 0;
	case 'm':
		if (parse_mode(arg, &a->mode))
			return usage_error(cmd, "--mode: '%s' is not octal permission bits of at most 0666",
					   arg);
		a->has_mode = true;
		return 0;
	default:
		return -1;
	}
}

/*
 * An attached log's name as the user gives it: the name, or its node's
 * path. Return: the name, or NULL after a usage error.
 */
static const char *name_arg(const char *cmd, const char *arg)
{
	const char *name = arg;

	if (!strncmp(arg, CLFS_NODE_DIR, strlen(CLFS_NODE_DIR)))
		name = arg + strlen(CLFS_NODE_DIR);
	if (!valid_log_name(name)) {
		usage_error(cmd, "'%s' is not an attached log's name (1 to %u of A-Z a-z 0-9 _ . -, not starting with '.')",
			    arg, CLFS_NAME_MAX - 1);
		return NULL;
	}
	return name;
}

/* ---- listing ------------------------------------------------------------ */

/*
 * The attached logs through the control device of @s (room for
 * CLFS_LIST_MAX in @logs). Return: how many, or -1 (printed).
 */
static int list_ctl(struct session *s, struct clfs_attached_log *logs,
		    __u32 *total)
{
	int n = clfs_log_list(s->ctl, logs, CLFS_LIST_MAX, total);

	if (n < 0) {
		report(s->cmd, ERR_GENERIC, n, "CLFS_IOC_LOG_LIST");
		return -1;
	}
	return n;
}

static const struct clfs_attached_log *
find_log(const struct clfs_attached_log *logs, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strncmp(logs[i].name, name, CLFS_NAME_MAX))
			return &logs[i];
	return NULL;
}

/* The first line of DIR/FILE into @buf. Return: 0 or -errno. */
static int sysfs_read(const char *dir, const char *file, char *buf,
		      size_t len)
{
	char path[512];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		ret = -EIO;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return ret;
}

/* "MAJOR:MINOR" of DIR/dev. Return: 0 or -errno. */
static int sysfs_devt(const char *dir, __u32 *major, __u32 *minor)
{
	char buf[64];
	unsigned int a, b;
	int ret = sysfs_read(dir, "dev", buf, sizeof(buf));

	if (ret)
		return ret;
	if (sscanf(buf, "%u:%u", &a, &b) != 2)
		return -EIO;
	*major = a;
	*minor = b;
	return 0;
}

/* A uuid as the kernel's %pU prints it. Return: 0 or -EINVAL. */
static int parse_uuid(const char *s, __u8 uuid[16])
{
	int i;

	for (i = 0; i < 16; i++) {
		unsigned int v;

		if (*s == '-' && (i == 4 || i == 6 || i == 8 || i == 10))
			s++;
		if (sscanf(s, "%2x", &v) != 1)
			return -EINVAL;
		uuid[i] = (__u8)v;
		s += 2;
	}
	return *s ? -EINVAL : 0;
}

/*
 * One attached log from CLFS_SYSFS_CLASS/NAME, its access from its node.
 * Return: 0, or -ENOENT if it went meanwhile.
 */
static int sysfs_log(const char *name, struct clfs_attached_log *e)
{
	char dir[128], path[128], buf[128];
	unsigned long long v;
	struct stat st;
	int ret;

	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(dir, sizeof(dir), CLFS_SYSFS_CLASS "/%s", name);
	ret = sysfs_read(dir, "device", buf, sizeof(buf));
	if (ret)
		return -ENOENT;
	snprintf(e->device, sizeof(e->device), "%.*s", CLFS_NAME_MAX - 1,
		 buf);
	if (!sysfs_read(dir, "uuid", buf, sizeof(buf)))
		parse_uuid(buf, e->uuid);
	if (!sysfs_read(dir, "clients", buf, sizeof(buf)) &&
	    !parse_u64(buf, UINT32_MAX, &v))
		e->clients = (__u32)v;
	if (!sysfs_read(dir, "read_only", buf, sizeof(buf)) &&
	    strcmp(buf, "0"))
		e->flags |= CLFS_LOG_READ_ONLY;
	sysfs_devt(dir, &e->node_major, &e->node_minor);
	snprintf(path, sizeof(path), "/sys/class/block/%s", e->device);
	sysfs_devt(path, &e->dev_major, &e->dev_minor);
	snprintf(path, sizeof(path), CLFS_NODE_DIR "%s", name);
	if (stat(path, &st)) {
		e->uid = ID_UNKNOWN;
		e->gid = ID_UNKNOWN;
	} else {
		e->uid = st.st_uid;
		e->gid = st.st_gid;
		e->mode = st.st_mode & 0777;
	}
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	const struct clfs_attached_log *x = a, *y = b;

	return strncmp(x->name, y->name, CLFS_NAME_MAX);
}

/*
 * The attached logs from sysfs, in name order, for a user who may not
 * open the control device: no shut-down state, the access from the nodes.
 * Return: how many, or -errno.
 */
static int list_sysfs(struct clfs_attached_log *logs, __u32 max,
		      __u32 *total)
{
	struct dirent *de;
	__u32 n = 0, all = 0;
	DIR *d;

	d = opendir(CLFS_SYSFS_CLASS);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!valid_log_name(de->d_name))
			continue;
		if (n == max) {
			all++;
			continue;
		}
		if (sysfs_log(de->d_name, &logs[n]))
			continue;
		n++;
		all++;
	}
	closedir(d);
	qsort(logs, n, sizeof(*logs), cmp_name);
	*total = all;
	return (int)n;
}

/* "rw", "ro" or "shut down". */
static const char *attached_state(const struct clfs_attached_log *e)
{
	if (e->flags & CLFS_LOG_SHUT_DOWN)
		return "shut down";
	return e->flags & CLFS_LOG_READ_ONLY ? "ro" : "rw";
}

/* The members of one attached log in the current JSON object. */
static void json_attached(struct json *j, const struct clfs_attached_log *e,
			  bool sysfs)
{
	char node[sizeof(CLFS_NODE_DIR) + CLFS_NAME_MAX], u[40], b[64];

	snprintf(node, sizeof(node), CLFS_NODE_DIR "%.*s", CLFS_NAME_MAX - 1,
		 e->name);
	json_str(j, "name", e->name);
	json_str(j, "device", e->device);
	json_u64(j, "dev_major", e->dev_major);
	json_u64(j, "dev_minor", e->dev_minor);
	json_str(j, "uuid", uuid_str(u, e->uuid));
	json_u64(j, "clients", e->clients);
	json_bool(j, "read_only", e->flags & CLFS_LOG_READ_ONLY);
	if (sysfs)
		json_null(j, "shut_down");
	else
		json_bool(j, "shut_down", e->flags & CLFS_LOG_SHUT_DOWN);
	json_str(j, "node", node);
	json_u64(j, "node_major", e->node_major);
	json_u64(j, "node_minor", e->node_minor);
	if (e->uid == ID_UNKNOWN) {
		json_null(j, "uid");
		json_null(j, "gid");
		json_null(j, "owner");
		json_null(j, "group");
		json_null(j, "mode");
		json_null(j, "mode_octal");
		return;
	}
	json_u64(j, "uid", e->uid);
	json_u64(j, "gid", e->gid);
	json_str(j, "owner", id_str(b, sizeof(b), ID_USER, e->uid));
	json_str(j, "group", id_str(b, sizeof(b), ID_GROUP, e->gid));
	json_u64(j, "mode", e->mode);
	snprintf(b, sizeof(b), "%04o", e->mode);
	json_str(j, "mode_octal", b);
}

/* ---- attach ------------------------------------------------------------- */

static int attach_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "owner", required_argument, NULL, 'o' },
		{ "group", required_argument, NULL, 'g' },
		{ "mode", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct access_opts a = { 0 };
	char name[CLFS_NAME_MAX], buf[160];
	struct clfs_attached_log e;
	const char *dev, *want = NULL;
	bool json = opt->json, ro = false;
	struct session s;
	int c, ret;

	while ((c = getopt_long(argc, argv, "n:ro:g:m:j", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			if (!valid_log_name(optarg))
				return usage_error("attach", "--name: '%s' is not 1 to %u of A-Z a-z 0-9 _ . -, not starting with '.'",
						   optarg, CLFS_NAME_MAX - 1);
			want = optarg;
			break;
		case 'r':
			ro = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			ret = access_opt("attach", c, optarg, &a);
			if (ret < 0)
				return usage_error("attach", "bad option");
			if (ret)
				return ret;
		}
	}
	if (optind != argc - 1)
		return usage_error("attach", "expects one device");
	dev = argv[optind];
	ret = need_block_device("attach", dev);
	if (ret)
		return ret;
	if (session_control(&s, opt, "attach"))
		return 1;
	ret = clfs_log_attach(s.ctl, dev, want, ro ? CLFS_OPEN_READ_ONLY : 0,
			      a.uid, a.gid, a.mode, name);
	session_close(&s);
	if (ret < 0)
		return report("attach", ERR_ATTACH, ret, "attach %s%s%s", dev,
			      want ? " as " : "", want ? want : "");

	/* What the kernel made of it: mode 0 is 0600. */
	memset(&e, 0, sizeof(e));
	memcpy(e.name, name, sizeof(e.name));
	e.uid = a.uid;
	e.gid = a.gid;
	e.mode = a.mode ? a.mode : 0600;
	if (json) {
		struct json j;
		char u[64];

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", dev);
		json_str(&j, "name", name);
		snprintf(buf, sizeof(buf), CLFS_NODE_DIR "%s", name);
		json_str(&j, "node", buf);
		json_bool(&j, "read_only", ro);
		json_u64(&j, "uid", e.uid);
		json_u64(&j, "gid", e.gid);
		json_str(&j, "owner", id_str(u, sizeof(u), ID_USER, e.uid));
		json_str(&j, "group", id_str(u, sizeof(u), ID_GROUP, e.gid));
		json_u64(&j, "mode", e.mode);
		snprintf(u, sizeof(u), "%04o", e.mode);
		json_str(&j, "mode_octal", u);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		printf("attached %s as %s: node " CLFS_NODE_DIR "%s, %s, %s\n",
		       dev, name, name, access_str(buf, sizeof(buf), &e),
		       ro ? "read-only" : "read-write");
	}
	return 0;
}

const struct command attach_command = {
	.name = "attach",
	.summary = "keep a log open under a name, with a node users may open",
	.usage =
	"usage: clfsctl [--device PATH] [--json] attach [OPTIONS] DEVICE\n"
	"\n"
	"Open the log on DEVICE (a block device or a storage driver's\n"
	"target) and keep it open, with no process holding it, under a name\n"
	"with a node /dev/clfs-logs/NAME.\n"
	"Any process the node's owner, group and mode allow then opens the\n"
	"log through it without CAP_SYS_ADMIN: every online command takes\n"
	"NAME (or the node's path) in place of DEVICE, and in C open(2) of\n"
	"the node is a log descriptor. If the log is open already (by another\n"
	"process or a kernel module) the attachment shares it; else the\n"
	"attach opens it, which recovers it unless --read-only.\n"
	"\n"
	"A device is attached once, under one name, until clfsctl detach;\n"
	"clfsctl access changes the node's owner, group and mode.\n"
	"\n"
	"options:\n"
	"  -n, --name NAME      1 to 31 of A-Z a-z 0-9 _ . -, not starting\n"
	"                       with '.' (default: the device's kernel name,\n"
	"                       e.g. vdb)\n"
	"  -r, --read-only      attach read-only: nothing is written, and the\n"
	"                       node opens only read-only\n"
	"  -o, --owner USER     the node's owner: a user name or uid\n"
	"                       (default 0)\n"
	"  -g, --group GROUP    the node's group: a group name or gid\n"
	"                       (default 0)\n"
	"  -m, --mode MODE      the node's permission bits, octal, at most\n"
	"                       0666 (default 0600; 0 also means 0600)\n"
	"  -j, --json           JSON output\n"
	"\n"
	"User and group names are looked up in /etc/passwd and /etc/group;\n"
	"give numbers for others. Prints the name and the node.\n"
	"\n"
	"Needs CAP_SYS_ADMIN. Exit status: 0 attached, 1 failed (EEXIST: the\n"
	"device is attached already, or the name is in use), 2 usage error.\n",
	.run = attach_run,
};

/* ---- detach ------------------------------------------------------------- */

static int detach_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct clfs_attached_log *logs;
	const struct clfs_attached_log *e;
	bool json = opt->json;
	char device[CLFS_NAME_MAX] = "";
	long others = -1;
	const char *name;
	struct session s;
	__u32 total;
	int c, n, ret;

	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		if (c != 'j')
			return usage_error("detach", "bad option");
		json = true;
	}
	if (optind != argc - 1)
		return usage_error("detach", "expects one name");
	name = name_arg("detach", argv[optind]);
	if (!name)
		return EXIT_USAGE;
	if (session_control(&s, opt, "detach"))
		return 1;
	/* Who still has it, for the message; not an error if unknown. */
	logs = calloc(CLFS_LIST_MAX, sizeof(*logs));
	if (logs) {
		n = clfs_log_list(s.ctl, logs, CLFS_LIST_MAX, &total);
		e = n > 0 ? find_log(logs, n, name) : NULL;
		if (e) {
			memcpy(device, e->device, sizeof(device));
			device[sizeof(device) - 1] = '\0';
			/* Less the attachment itself. */
			others = e->clients ? (long)e->clients - 1 : 0;
		}
		free(logs);
	}
	ret = clfs_log_detach(s.ctl, name);
	session_close(&s);
	if (ret < 0)
		return report("detach", ERR_NAME, ret, "detach %s", name);
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "name", name);
		json_str(&j, "device", device[0] ? device : NULL);
		json_bool(&j, "detached", true);
		if (others >= 0)
			json_u64(&j, "other_clients", (__u64)others);
		else
			json_null(&j, "other_clients");
		json_obj_end(&j);
		json_finish(&j);
	} else if (others > 0) {
		printf("detached %s%s%s%s: its node is gone; the log stays open for %ld other client%s and closes with the last\n",
		       name, device[0] ? " (" : "", device, device[0] ? ")" : "",
		       others, others == 1 ? "" : "s");
	} else {
		printf("detached %s%s%s%s: its node is gone%s\n", name,
		       device[0] ? " (" : "", device, device[0] ? ")" : "",
		       others ? "; the log closes with its last client" :
		       ", and the log is closed");
	}
	return 0;
}

const struct command detach_command = {
	.name = "detach",
	.summary = "remove an attached log's name and node",
	.usage =
	"usage: clfsctl [--device PATH] [--json] detach NAME\n"
	"\n"
	"Remove the name and the node /dev/clfs-logs/NAME of an attached log\n"
	"(NAME may also be the node's path). No new client can reach the log\n"
	"through them; clients that have it open keep working, and the log\n"
	"closes, flushing everything, when the last of them closes it (at\n"
	"once if there is none). Says how many other clients had it open.\n"
	"\n"
	"options:\n"
	"  -j, --json   JSON output\n"
	"\n"
	"Needs CAP_SYS_ADMIN. Exit status: 0 detached, 1 failed (ENOENT: no\n"
	"log attached under NAME), 2 usage error.\n",
	.run = detach_run,
};

/* ---- list --------------------------------------------------------------- */

/*
 * Every attached log into @logs (room for CLFS_LIST_MAX): through the
 * control device, or from sysfs if this user may not open it (*@sysfs).
 * Return: how many, or -1 (printed).
 */
static int list_logs(const struct options *opt, const char *cmd,
		     struct clfs_attached_log *logs, __u32 *total, bool *sysfs)
{
	struct session s;
	int n;

	*sysfs = false;
	n = session_control_try(&s, opt, cmd);
	if (n > 0)
		return -1;
	if (!n) {
		n = list_ctl(&s, logs, total);
		session_close(&s);
		return n;
	}
	if (n != -EACCES && n != -EPERM) {
		report(cmd, ERR_CONTROL, n, "open %s",
		       opt->device ? opt->device : CLFS_DEFAULT_DEVICE);
		return -1;
	}
	*sysfs = true;
	n = list_sysfs(logs, CLFS_LIST_MAX, total);
	if (n == -ENOENT) {
		/* No class directory: no log was ever attached. */
		*total = 0;
		return 0;
	}
	if (n < 0) {
		report(cmd, ERR_GENERIC, n, "read " CLFS_SYSFS_CLASS);
		return -1;
	}
	return n;
}

static int list_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int wname = 4, wdev = 6, wnode = 4, wacc = 6, c, n, i;
	char acc[160], u[40];
	struct clfs_attached_log *logs;
	bool json = opt->json, sysfs;
	__u32 total = 0;

	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		if (c != 'j')
			return usage_error("list", "bad option");
		json = true;
	}
	if (optind != argc)
		return usage_error("list", "takes no arguments");
	logs = calloc(CLFS_LIST_MAX, sizeof(*logs));
	if (!logs)
		return report("list", ERR_GENERIC, -ENOMEM, "list");
	n = list_logs(opt, "list", logs, &total, &sysfs);
	if (n < 0) {
		free(logs);
		return 1;
	}
	if (sysfs && !json)
		print_msg(stderr, "list", "warning",
			  "%s is not open to this user: listed from " CLFS_SYSFS_CLASS " (no shut-down state)",
			  opt->device ? opt->device : CLFS_DEFAULT_DEVICE);
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "source", sysfs ? "sysfs" : "control");
		json_u64(&j, "count", n);
		json_u64(&j, "total", total);
		json_arr_begin(&j, "logs");
		for (i = 0; i < n; i++) {
			json_obj_begin(&j, NULL);
			json_attached(&j, &logs[i], sysfs);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
		json_finish(&j);
		free(logs);
		return 0;
	}
	for (i = 0; i < n; i++) {
		int l;

		l = (int)strnlen(logs[i].name, CLFS_NAME_MAX);
		wname = l > wname ? l : wname;
		wnode = l + (int)strlen(CLFS_NODE_DIR) > wnode ?
			l + (int)strlen(CLFS_NODE_DIR) : wnode;
		l = (int)strnlen(logs[i].device, CLFS_NAME_MAX);
		wdev = l > wdev ? l : wdev;
		l = (int)strlen(access_str(acc, sizeof(acc), &logs[i]));
		wacc = l > wacc ? l : wacc;
	}
	if (n)
		printf("%-*s  %-*s  %-36s  %7s  %-9s  %-*s  %s\n", wname, "name",
		       wdev, "device", "uuid", "clients", "state", wnode,
		       "node", "access");
	for (i = 0; i < n; i++) {
		const struct clfs_attached_log *e = &logs[i];

		printf("%-*.*s  %-*.*s  %-36s  %7u  %-9s  " CLFS_NODE_DIR "%-*.*s  %s\n",
		       wname, CLFS_NAME_MAX, e->name, wdev, CLFS_NAME_MAX,
		       e->device, uuid_str(u, e->uuid), e->clients,
		       attached_state(e),
		       wnode - (int)strlen(CLFS_NODE_DIR), CLFS_NAME_MAX,
		       e->name, access_str(acc, sizeof(acc), e));
	}
	if (!n)
		printf("no attached logs\n");
	else
		printf("%d attached log%s\n", n, n == 1 ? "" : "s");
	if (total > (__u32)n)
		print_msg(stderr, "list", "warning",
			  "%u attached logs, only the first %d listed", total,
			  n);
	free(logs);
	return 0;
}

const struct command list_command = {
	.name = "list",
	.summary = "list the attached logs",
	.usage =
	"usage: clfsctl [--device PATH] [--json] list\n"
	"\n"
	"List the attached logs (clfsctl attach) in name order: name, block\n"
	"device, uuid, clients (the attachment, every open descriptor of\n"
	"every process, every kernel client), state (rw, ro: attached or\n"
	"first opened read-only, shut down: an I/O error stopped writes),\n"
	"node, and the node's owner:group and mode, which decide who may\n"
	"open it.\n"
	"\n"
	"Needs no privilege, but the control device is mode 0600: for a user\n"
	"who may not open it, the list comes from /sys/class/clfs and the\n"
	"nodes themselves, without the shut-down state (a warning says so;\n"
	"JSON: \"source\": \"sysfs\", \"shut_down\": null).\n"
	"\n"
	"options:\n"
	"  -j, --json   JSON output: count, total and a logs array\n"
	"\n"
	"Exit status: 0 listed (also when none is attached), 1 failed, 2 usage\n"
	"error.\n",
	.run = list_run,
};

/* ---- access ------------------------------------------------------------- */

/* The access line, or the one JSON object, of @e. */
static void print_access(const char *what, const struct clfs_attached_log *e,
			 bool json, bool sysfs)
{
	char acc[160];
	struct json j;

	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_attached(&j, e, sysfs);
		json_obj_end(&j);
		json_finish(&j);
		return;
	}
	printf("%s%.*s: node " CLFS_NODE_DIR "%.*s, %s\n", what,
	       CLFS_NAME_MAX, e->name, CLFS_NAME_MAX, e->name,
	       access_str(acc, sizeof(acc), e));
}

static int access_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ "group", required_argument, NULL, 'g' },
		{ "mode", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct clfs_attached_log *logs, e;
	const struct clfs_attached_log *cur;
	struct access_opts a = { 0 };
	bool json = opt->json, sysfs = false;
	const char *name;
	struct session s;
	__u32 total;
	int c, n, ret;

	while ((c = getopt_long(argc, argv, "o:g:m:j", longopts,
				NULL)) != -1) {
		if (c == 'j') {
			json = true;
			continue;
		}
		ret = access_opt("access", c, optarg, &a);
		if (ret < 0)
			return usage_error("access", "bad option");
		if (ret)
			return ret;
	}
	if (optind != argc - 1)
		return usage_error("access", "expects one name");
	name = name_arg("access", argv[optind]);
	if (!name)
		return EXIT_USAGE;
	logs = calloc(CLFS_LIST_MAX, sizeof(*logs));
	if (!logs)
		return report("access", ERR_GENERIC, -ENOMEM, "list");

	/* No option: show the access, as list does. */
	if (!a.has_uid && !a.has_gid && !a.has_mode) {
		n = list_logs(opt, "access", logs, &total, &sysfs);
		cur = n > 0 ? find_log(logs, n, name) : NULL;
		if (cur)
			print_access("", cur, json, sysfs);
		else if (n >= 0)
			report("access", ERR_NAME, -ENOENT, "%s", name);
		free(logs);
		return cur ? 0 : 1;
	}

	if (session_control(&s, opt, "access")) {
		free(logs);
		return 1;
	}
	/* What is not given stays as it is. */
	n = list_ctl(&s, logs, &total);
	cur = n > 0 ? find_log(logs, n, name) : NULL;
	if (!cur) {
		session_close(&s);
		free(logs);
		return n < 0 ? 1 : report("access", ERR_NAME, -ENOENT, "%s",
					  name);
	}
	e = *cur;
	free(logs);
	if (a.has_uid)
		e.uid = a.uid;
	if (a.has_gid)
		e.gid = a.gid;
	if (a.has_mode)
		e.mode = a.mode ? a.mode : 0600;
	ret = clfs_log_set_access(s.ctl, name, e.uid, e.gid, e.mode);
	session_close(&s);
	if (ret < 0)
		return report("access", ERR_NAME, ret, "set the access of %s",
			      name);
	print_access("set the access of ", &e, json, false);
	return 0;
}

const struct command access_command = {
	.name = "access",
	.summary = "show or set who may open an attached log's node",
	.usage =
	"usage: clfsctl [--device PATH] [--json] access [OPTIONS] NAME\n"
	"\n"
	"With no option, show the owner, group and mode of the node of the\n"
	"attached log NAME (NAME may also be the node's path). With options,\n"
	"set them: the node is re-created with the new ones, and what is not\n"
	"given stays as it was. Descriptors already open are not affected.\n"
	"\n"
	"options:\n"
	"  -o, --owner USER     the node's owner: a user name or uid\n"
	"  -g, --group GROUP    the node's group: a group name or gid\n"
	"  -m, --mode MODE      the node's permission bits, octal, at most\n"
	"                       0666 (0 means 0600)\n"
	"  -j, --json           JSON output, as an entry of clfsctl list\n"
	"\n"
	"User and group names are looked up in /etc/passwd and /etc/group.\n"
	"\n"
	"Setting needs CAP_SYS_ADMIN. Exit status: 0 done, 1 failed (ENOENT:\n"
	"no log attached under NAME), 2 usage error.\n",
	.run = access_run,
};
