// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl policy and size: a log's management policies (persisted in its
 * metadata) and its size, through the loaded module. docs/management.md
 * says what each policy does.
 *
 * The module checks a policy set as a whole and answers a conflict with a
 * bare EINVAL; clfsctl then compares what was asked with what is installed
 * to say which rule was broken, since "invalid argument" alone would leave
 * the user guessing among a dozen.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "online.h"

/**
 * struct policy_name - a policy as clfsctl names it
 * @name: on the command line (policy remove NAME)
 * @key: in JSON
 * @bit: CLFS_POLICY_*
 */
struct policy_name {
	const char *name;
	const char *key;
	__u32 bit;
};

/* In the order clfsctl prints them. */
static const struct policy_name policy_names[] = {
	{ "max", "max", CLFS_POLICY_MAX_SIZE },
	{ "min", "min", CLFS_POLICY_MIN_SIZE },
	{ "growth", "growth", CLFS_POLICY_GROWTH_RATE },
	{ "tail", "tail", CLFS_POLICY_LOG_TAIL },
	{ "auto-shrink", "auto_shrink", CLFS_POLICY_AUTO_SHRINK },
	{ "auto-grow", "auto_grow", CLFS_POLICY_AUTO_GROW },
	{ "container-size", "container_size", CLFS_POLICY_NEW_CONTAINER_SIZE },
};

#define POLICY_NAMES_TEXT \
	"max, min, growth, tail, auto-shrink, auto-grow, container-size, all"

/* "max, growth": the names of the policies in @bits. */
static const char *policy_list(char *buf, size_t len, __u32 bits)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(policy_names) && n < len; i++)
		if (bits & policy_names[i].bit)
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
				      policy_names[i].name);
	if (!n)
		snprintf(buf, len, "none");
	return buf;
}

static const char *plural(__u64 n)
{
	return n == 1 ? "" : "s";
}

/* ---- what the log applies ----------------------------------------------- */

/* The effective maximum and minimum: the policy, else the default. */
static __u32 eff_max(const struct clfs_policy *p, const struct clfs_log_info *li)
{
	return p->installed & CLFS_POLICY_MAX_SIZE ? p->max_containers :
	       li->nr_slots;
}

static __u32 eff_min(const struct clfs_policy *p)
{
	return p->installed & CLFS_POLICY_MIN_SIZE ? p->min_containers :
	       CLFS_LOG_MIN_CONTAINERS;
}

/* ---- show --------------------------------------------------------------- */

/* The value of policy @bit as text: installed, or the default. */
static const char *policy_value(char *buf, size_t len, __u32 bit,
				const struct clfs_policy *p,
				const struct clfs_log_info *li)
{
	bool on = p->installed & bit;
	char sz[32];
	__u32 v;

	switch (bit) {
	case CLFS_POLICY_MAX_SIZE:
		v = eff_max(p, li);
		snprintf(buf, len, "%u container%s%s", v, plural(v),
			 on ? "" : " (every slot of the device)");
		break;
	case CLFS_POLICY_MIN_SIZE:
		v = eff_min(p);
		snprintf(buf, len, "%u container%s", v, plural(v));
		break;
	case CLFS_POLICY_GROWTH_RATE:
		if (on && p->growth_pct)
			snprintf(buf, len, "%u%% of the size per growth",
				 p->growth_pct);
		else
			snprintf(buf, len, "%u container%s per growth",
				 on ? p->growth_containers : 1,
				 plural(on ? p->growth_containers : 1));
		break;
	case CLFS_POLICY_LOG_TAIL:
		if (on && p->tail_free_pct)
			snprintf(buf, len,
				 "tail-advance requests aim for %u%% free",
				 p->tail_free_pct);
		else
			snprintf(buf, len,
				 "tail-advance requests aim for %u free container%s",
				 on ? p->tail_free_containers : 1,
				 plural(on ? p->tail_free_containers : 1));
		break;
	case CLFS_POLICY_AUTO_SHRINK:
		if (on)
			snprintf(buf, len, "shrink while %u%% is free",
				 p->shrink_free_pct);
		else
			snprintf(buf, len, "never shrink");
		break;
	case CLFS_POLICY_AUTO_GROW:
		snprintf(buf, len, "%s", on && p->auto_grow ? "on" : "off");
		break;
	default:
		snprintf(buf, len, "%s", size_str(sz, sizeof(sz), on ?
			 p->new_container_bytes : li->container_bytes));
		break;
	}
	return buf;
}

/* Policy @bit as a JSON object: installed, and its effective fields. */
static void json_policy(struct json *j, const struct policy_name *pn,
			const struct clfs_policy *p,
			const struct clfs_log_info *li)
{
	bool on = p->installed & pn->bit;

	json_obj_begin(j, pn->key);
	json_bool(j, "installed", on);
	switch (pn->bit) {
	case CLFS_POLICY_MAX_SIZE:
		json_u64(j, "max_containers", eff_max(p, li));
		break;
	case CLFS_POLICY_MIN_SIZE:
		json_u64(j, "min_containers", eff_min(p));
		break;
	case CLFS_POLICY_GROWTH_RATE:
		json_u64(j, "growth_containers", on ? p->growth_containers : 1);
		json_u64(j, "growth_pct", on ? p->growth_pct : 0);
		break;
	case CLFS_POLICY_LOG_TAIL:
		json_u64(j, "tail_free_containers",
			 on ? p->tail_free_containers : 1);
		json_u64(j, "tail_free_pct", on ? p->tail_free_pct : 0);
		break;
	case CLFS_POLICY_AUTO_SHRINK:
		/* 0: never. */
		json_u64(j, "shrink_free_pct", on ? p->shrink_free_pct : 0);
		break;
	case CLFS_POLICY_AUTO_GROW:
		json_bool(j, "enabled", on && p->auto_grow);
		break;
	default:
		json_u64(j, "new_container_bytes",
			 on ? p->new_container_bytes : li->container_bytes);
		break;
	}
	json_obj_end(j);
}

/*
 * Every policy of the log, installed or default, after the size. @changed
 * (may be NULL) says what the command just did, for the first line.
 */
static void print_policies(const char *dev, const struct clfs_policy *p,
			   const struct clfs_log_info *li, const char *changed,
			   bool json)
{
	char v[96];
	struct json j;
	size_t i;

	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", dev);
		json_u64(&j, "nr_containers", li->nr_containers);
		json_u64(&j, "nr_free", li->nr_free);
		json_u64(&j, "nr_slots", li->nr_slots);
		json_u64(&j, "installed_mask", p->installed);
		json_obj_begin(&j, "policies");
		for (i = 0; i < ARRAY_SIZE(policy_names); i++)
			json_policy(&j, &policy_names[i], p, li);
		json_obj_end(&j);
		json_obj_end(&j);
		json_finish(&j);
		return;
	}
	if (changed)
		printf("%s\n", changed);
	printf("policies of %s (%u containers, %u free, of %u slots)\n", dev,
	       li->nr_containers, li->nr_free, li->nr_slots);
	for (i = 0; i < ARRAY_SIZE(policy_names); i++)
		printf("  %-15s %s%s\n", policy_names[i].name,
		       policy_value(v, sizeof(v), policy_names[i].bit, p, li),
		       p->installed & policy_names[i].bit ? "" : " (default)");
}

/* Query policies and log; print them. Return: 0 or 1 (printed). */
static int show_policies(struct session *s, const char *changed, bool json)
{
	struct clfs_log_info li;
	struct clfs_policy p;
	int ret;

	ret = clfs_log_query(s->log, &li);
	if (ret < 0)
		return report(s->cmd, ERR_GENERIC, ret, "%s: query", s->dev);
	ret = clfs_policy_query(s->log, &p);
	if (ret < 0)
		return report(s->cmd, ERR_POLICY, ret, "%s: policy query",
			      s->dev);
	print_policies(s->dev, &p, &li, changed, json);
	return 0;
}

/* ---- set ---------------------------------------------------------------- */

/* @cur with the policies of @req replacing its own: what the log would get. */
static void merge(struct clfs_policy *m, const struct clfs_policy *cur,
		  const struct clfs_policy *req)
{
	__u32 r = req->installed;

	*m = *cur;
	m->installed |= r;
	if (r & CLFS_POLICY_MAX_SIZE)
		m->max_containers = req->max_containers;
	if (r & CLFS_POLICY_MIN_SIZE)
		m->min_containers = req->min_containers;
	if (r & CLFS_POLICY_GROWTH_RATE) {
		m->growth_containers = req->growth_containers;
		m->growth_pct = req->growth_pct;
	}
	if (r & CLFS_POLICY_LOG_TAIL) {
		m->tail_free_containers = req->tail_free_containers;
		m->tail_free_pct = req->tail_free_pct;
	}
	if (r & CLFS_POLICY_AUTO_SHRINK)
		m->shrink_free_pct = req->shrink_free_pct;
	if (r & CLFS_POLICY_AUTO_GROW)
		m->auto_grow = req->auto_grow;
	if (r & CLFS_POLICY_NEW_CONTAINER_SIZE)
		m->new_container_bytes = req->new_container_bytes;
}

/* "(installed)" or "(default)": where a value in a message comes from. */
static const char *origin(const struct clfs_policy *req,
			  const struct clfs_policy *m, __u32 bit)
{
	if (req->installed & bit)
		return "";
	return m->installed & bit ? " (installed)" : " (default)";
}

/*
 * Why the module refused @req with @err, given the installed policies
 * @cur and the log @li: the first rule of docs/management.md that the
 * merged set breaks, into @buf. Return: @buf, or NULL when clfsctl sees
 * no reason (the module knows something it does not).
 */
static const char *why_refused(char *buf, size_t len, int err,
			       const struct clfs_policy *req,
			       const struct clfs_policy *cur,
			       const struct clfs_log_info *li)
{
	__u32 r = req->installed, max, min;
	struct clfs_policy m;
	char a[32], b[32];

	merge(&m, cur, req);
	max = eff_max(&m, li);
	min = eff_min(&m);
	if (err == -ENOSPC) {
		if ((r & CLFS_POLICY_MAX_SIZE) && max > li->nr_slots)
			snprintf(buf, len, "max %u is beyond the device's %u container slots",
				 max, li->nr_slots);
		else if ((r & CLFS_POLICY_MIN_SIZE) && min > li->nr_slots)
			snprintf(buf, len, "min %u is beyond the device's %u container slots",
				 min, li->nr_slots);
		else
			snprintf(buf, len, "the device cannot grow the log to min %u",
				 min);
		return buf;
	}
	if (err == -EBUSY) {
		snprintf(buf, len, "max %u is below the log's size, %u containers, and not enough of its %u free containers can be removed",
			 max, li->nr_containers, li->nr_free);
		return buf;
	}
	if (err != -EINVAL)
		return NULL;
	if ((r & CLFS_POLICY_NEW_CONTAINER_SIZE) &&
	    m.new_container_bytes != li->container_bytes) {
		snprintf(buf, len, "--container-size %s: every container of the log has its size, %s",
			 size_str(a, sizeof(a), m.new_container_bytes),
			 size_str(b, sizeof(b), li->container_bytes));
	} else if ((r & CLFS_POLICY_MAX_SIZE) && max < CLFS_LOG_MIN_CONTAINERS) {
		snprintf(buf, len, "max %u is below %u, the smallest log", max,
			 CLFS_LOG_MIN_CONTAINERS);
	} else if ((r & CLFS_POLICY_MIN_SIZE) && min < CLFS_LOG_MIN_CONTAINERS) {
		snprintf(buf, len, "min %u is below %u, the smallest log", min,
			 CLFS_LOG_MIN_CONTAINERS);
	} else if ((r & CLFS_POLICY_GROWTH_RATE) &&
		   !m.growth_containers && !m.growth_pct) {
		snprintf(buf, len, "the growth step must be at least 1 container or 1%%");
	} else if ((r & CLFS_POLICY_GROWTH_RATE) && m.growth_pct > 100) {
		snprintf(buf, len, "--growth-pct %u is above 100", m.growth_pct);
	} else if ((r & CLFS_POLICY_LOG_TAIL) &&
		   !m.tail_free_containers && !m.tail_free_pct) {
		snprintf(buf, len, "the tail target must be at least 1 container or 1%%");
	} else if ((r & CLFS_POLICY_LOG_TAIL) && m.tail_free_pct > 99) {
		snprintf(buf, len, "--tail-free-pct %u is above 99", m.tail_free_pct);
	} else if ((r & CLFS_POLICY_AUTO_SHRINK) &&
		   (!m.shrink_free_pct || m.shrink_free_pct > 100)) {
		snprintf(buf, len, "--auto-shrink %u is not a percentage from 1 to 100",
			 m.shrink_free_pct);
	} else if (min > max) {
		snprintf(buf, len, "min %u%s is above max %u%s", min,
			 origin(req, &m, CLFS_POLICY_MIN_SIZE), max,
			 origin(req, &m, CLFS_POLICY_MAX_SIZE));
	} else if ((m.installed & CLFS_POLICY_GROWTH_RATE) &&
		   m.growth_containers >= max) {
		snprintf(buf, len, "a growth step of %u containers%s is not below max %u%s",
			 m.growth_containers,
			 origin(req, &m, CLFS_POLICY_GROWTH_RATE), max,
			 origin(req, &m, CLFS_POLICY_MAX_SIZE));
	} else if ((m.installed & CLFS_POLICY_LOG_TAIL) &&
		   m.tail_free_containers >= max) {
		snprintf(buf, len, "a tail target of %u free containers%s is not below max %u%s",
			 m.tail_free_containers,
			 origin(req, &m, CLFS_POLICY_LOG_TAIL), max,
			 origin(req, &m, CLFS_POLICY_MAX_SIZE));
	} else if ((m.installed & CLFS_POLICY_AUTO_SHRINK) &&
		   (m.installed & CLFS_POLICY_LOG_TAIL) && m.tail_free_pct &&
		   m.shrink_free_pct <= m.tail_free_pct) {
		/* A target in containers has no percentage to compare. */
		snprintf(buf, len, "auto-shrink at %u%% free%s is not above the tail target of %u%% free%s: the log would shrink away the space tail-advance requests free",
			 m.shrink_free_pct,
			 origin(req, &m, CLFS_POLICY_AUTO_SHRINK),
			 m.tail_free_pct,
			 origin(req, &m, CLFS_POLICY_LOG_TAIL));
	} else {
		return NULL;
	}
	return buf;
}

/* The number of option @name, at most @max. Return: 0 or EXIT_USAGE. */
static int parse_num_opt(const char *name, const char *arg, __u64 max,
			 __u32 *v)
{
	__u64 n;

	if (parse_u64(arg, max, &n))
		return usage_error("policy", "--%s: '%s' is not a number up to %llu",
				   name, arg, (unsigned long long)max);
	*v = (__u32)n;
	return 0;
}

enum {
	OPT_MAX = 256, OPT_MIN, OPT_GROWTH, OPT_GROWTH_PCT, OPT_TAIL_FREE,
	OPT_TAIL_FREE_PCT, OPT_AUTO_SHRINK, OPT_AUTO_GROW, OPT_CONTAINER_SIZE,
};

/*
 * The options of policy set, into @p (named policies in @p->installed).
 * Return: 0 when parsed (positional arguments from optind on), or
 * EXIT_USAGE after printing why not.
 */
static int policy_opts(int argc, char **argv, struct clfs_policy *p,
		       bool *json)
{
	static const struct option longopts[] = {
		{ "max", required_argument, NULL, OPT_MAX },
		{ "min", required_argument, NULL, OPT_MIN },
		{ "growth", required_argument, NULL, OPT_GROWTH },
		{ "growth-pct", required_argument, NULL, OPT_GROWTH_PCT },
		{ "tail-free", required_argument, NULL, OPT_TAIL_FREE },
		{ "tail-free-pct", required_argument, NULL, OPT_TAIL_FREE_PCT },
		{ "auto-shrink", required_argument, NULL, OPT_AUTO_SHRINK },
		{ "auto-grow", required_argument, NULL, OPT_AUTO_GROW },
		{ "container-size", required_argument, NULL, OPT_CONTAINER_SIZE },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	__u32 seen = 0, bit = 0;
	char names[32];
	int c, ret = 0;
	__u64 v;

	memset(p, 0, sizeof(*p));
	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			continue;
		case OPT_MAX:
			bit = CLFS_POLICY_MAX_SIZE;
			ret = parse_num_opt("max", optarg, ~0U, &p->max_containers);
			break;
		case OPT_MIN:
			bit = CLFS_POLICY_MIN_SIZE;
			ret = parse_num_opt("min", optarg, ~0U, &p->min_containers);
			break;
		case OPT_GROWTH:
		case OPT_GROWTH_PCT:
			if (seen & CLFS_POLICY_GROWTH_RATE)
				return usage_error("policy", "give --growth or --growth-pct, once");
			bit = CLFS_POLICY_GROWTH_RATE;
			ret = c == OPT_GROWTH ?
			      parse_num_opt("growth", optarg, ~0U, &p->growth_containers) :
			      parse_num_opt("growth-pct", optarg, 100, &p->growth_pct);
			break;
		case OPT_TAIL_FREE:
		case OPT_TAIL_FREE_PCT:
			if (seen & CLFS_POLICY_LOG_TAIL)
				return usage_error("policy", "give --tail-free or --tail-free-pct, once");
			bit = CLFS_POLICY_LOG_TAIL;
			ret = c == OPT_TAIL_FREE ?
			      parse_num_opt("tail-free", optarg, ~0U,
					    &p->tail_free_containers) :
			      parse_num_opt("tail-free-pct", optarg, 99,
					    &p->tail_free_pct);
			break;
		case OPT_AUTO_SHRINK:
			bit = CLFS_POLICY_AUTO_SHRINK;
			ret = parse_num_opt("auto-shrink", optarg, 100,
					    &p->shrink_free_pct);
			break;
		case OPT_AUTO_GROW:
			bit = CLFS_POLICY_AUTO_GROW;
			if (!strcmp(optarg, "on"))
				p->auto_grow = 1;
			else if (strcmp(optarg, "off"))
				return usage_error("policy", "--auto-grow: 'on' or 'off', not '%s'",
						   optarg);
			break;
		case OPT_CONTAINER_SIZE:
			bit = CLFS_POLICY_NEW_CONTAINER_SIZE;
			if (parse_size(optarg, ~0ULL, &v))
				return usage_error("policy", "--container-size: '%s' is not a size",
						   optarg);
			p->new_container_bytes = v;
			break;
		default:
			return usage_error("policy", "bad option");
		}
		if (ret)
			return ret;
		if (seen & bit)
			return usage_error("policy", "--%s given twice",
					   policy_list(names, sizeof(names), bit));
		seen |= bit;
	}
	p->installed = seen;
	return 0;
}

static int policy_set(struct session *s, const struct clfs_policy *req,
		      bool json)
{
	char why[256], names[128], done[192];
	struct clfs_log_info li;
	struct clfs_policy cur;
	int ret, err;

	err = clfs_policy_install(s->log, req);
	if (err < 0) {
		/* What was there, to say why the whole set is refused. */
		ret = clfs_policy_query(s->log, &cur);
		if (!ret)
			ret = clfs_log_query(s->log, &li);
		if (ret || !why_refused(why, sizeof(why), err, req, &cur, &li))
			return report(s->cmd, ERR_POLICY, err, "%s: set %s",
				      s->dev, policy_list(names, sizeof(names),
							  req->installed));
		print_msg(stderr, s->cmd, NULL,
			  "%s: set %s: refused, nothing changed: %s (%s)", s->dev,
			  policy_list(names, sizeof(names), req->installed), why,
			  errno_name(err));
		return 1;
	}
	snprintf(done, sizeof(done), "installed %s on %s",
		 policy_list(names, sizeof(names), req->installed), s->dev);
	return show_policies(s, done, json);
}

/* ---- remove ------------------------------------------------------------- */

/* The CLFS_POLICY_* bits of the names @args. Return: 0 or EXIT_USAGE. */
static int parse_policy_names(char **args, int nargs, __u32 *bits)
{
	int i;
	size_t k;

	*bits = 0;
	if (!nargs)
		return usage_error("policy", "remove expects policy names: %s",
				   POLICY_NAMES_TEXT);
	for (i = 0; i < nargs; i++) {
		if (!strcmp(args[i], "all")) {
			*bits |= CLFS_POLICY_ALL;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(policy_names); k++)
			if (!strcmp(args[i], policy_names[k].name))
				break;
		if (k == ARRAY_SIZE(policy_names))
			return usage_error("policy", "'%s' is not a policy: %s",
					   args[i], POLICY_NAMES_TEXT);
		*bits |= policy_names[k].bit;
	}
	return 0;
}

static int policy_run(const struct options *opt, int argc, char **argv)
{
	static const char *const subs[] = { "show", "set", "remove", NULL };
	char names[128], done[192];
	struct clfs_policy req;
	bool json = opt->json;
	struct session s;
	int sub, rest, nargs, ret;
	const char *dev;
	char **args;
	__u32 bits;

	ret = policy_opts(argc, argv, &req, &json);
	if (ret)
		return ret;
	sub = split_subcommand("policy", subs, argv + optind, argc - optind,
			       &dev, &rest);
	if (sub < 0)
		return EXIT_USAGE;
	args = argv + optind + rest;
	nargs = argc - optind - rest;
	if (sub != 1 && req.installed)
		return usage_error("policy", "policy options go with set");

	switch (sub) {
	case 0:
		if (nargs)
			return usage_error("policy", "show takes no arguments");
		if (session_open(&s, opt, "policy", dev, false))
			return 1;
		ret = show_policies(&s, NULL, json);
		break;
	case 1:
		if (nargs)
			return usage_error("policy", "set takes options, not '%s'",
					   args[0]);
		if (!req.installed)
			return usage_error("policy", "set expects at least one policy option");
		if (session_open(&s, opt, "policy", dev, true))
			return 1;
		ret = policy_set(&s, &req, json);
		break;
	default:
		ret = parse_policy_names(args, nargs, &bits);
		if (ret)
			return ret;
		if (session_open(&s, opt, "policy", dev, true))
			return 1;
		ret = clfs_policy_remove(s.log, bits);
		if (ret < 0) {
			ret = report("policy", ERR_POLICY, ret, "%s: remove %s",
				     dev, policy_list(names, sizeof(names), bits));
			break;
		}
		snprintf(done, sizeof(done), "removed %s from %s",
			 bits == CLFS_POLICY_ALL ? "every policy" :
			 policy_list(names, sizeof(names), bits), dev);
		ret = show_policies(&s, done, json);
		break;
	}
	session_close(&s);
	return ret;
}

const struct command policy_command = {
	.name = "policy",
	.summary = "show, set or remove a log's management policies",
	.usage =
	"usage: clfsctl [--device PATH] [--json] policy [show] DEVICE\n"
	"       clfsctl policy set DEVICE [--max N] [--min N]\n"
	"               [--growth N | --growth-pct P]\n"
	"               [--tail-free N | --tail-free-pct P] [--auto-shrink P]\n"
	"               [--auto-grow on|off] [--container-size SIZE]\n"
	"       clfsctl policy remove DEVICE POLICY...\n"
	"\n"
	"(The subcommand may also follow DEVICE.)\n"
	"\n"
	"Policies are kept in the log's metadata: they survive close, module\n"
	"reload and reboot. A policy that is not installed has a default.\n"
	"\n"
	"show    every policy of the log on DEVICE, its value and whether it is\n"
	"        installed or the default, and the log's size. Opens the log\n"
	"        read-only. The default subcommand.\n"
	"set     install exactly the policies named by options, leaving the\n"
	"        others. The resulting set must be consistent as a whole, or\n"
	"        nothing changes and clfsctl says which rule it breaks. A new\n"
	"        minimum above the log's size grows it, a maximum below\n"
	"        shrinks it, in the same metadata commit.\n"
	"remove  remove the named policies: they fall back to their\n"
	"        defaults. Names: max, min, growth, tail, auto-shrink,\n"
	"        auto-grow, container-size, or all.\n"
	"\n"
	"set and remove need CAP_SYS_ADMIN and print the policies afterwards.\n"
	"\n"
	"policies (default without it):\n"
	"  --max N             max: the log never grows beyond N containers\n"
	"                      (every slot of the device)\n"
	"  --min N             min: it never shrinks below N, at least 2 (2)\n"
	"  --growth N          growth: containers added per growth (1)\n"
	"  --growth-pct P      growth: or P percent of the size, 1 to 100\n"
	"  --tail-free N       tail: a log-full round asks the clients to move\n"
	"                      their tails until N containers are free (1)\n"
	"  --tail-free-pct P   tail: or P percent of the log, 1 to 99\n"
	"  --auto-shrink P     auto-shrink: remove free containers while P\n"
	"                      percent of the log is free; P must be above a\n"
	"                      --tail-free-pct target (never shrink)\n"
	"  --auto-grow on|off  auto-grow: grow by the growth step when the\n"
	"                      last free container is taken (off)\n"
	"  --container-size SIZE\n"
	"                      container-size: the size of new containers;\n"
	"                      only the log's own is allowed (the log's)\n"
	"  -j, --json          JSON output\n"
	"\n"
	"Exit status: 0 done, 1 failed (refused policies: EINVAL, ENOSPC\n"
	"beyond the device, EBUSY a maximum the log cannot shrink to), 2 usage\n"
	"error.\n",
	.run = policy_run,
};

/* ---- size --------------------------------------------------------------- */

static void print_size(const char *what, const char *dev,
		       const struct clfs_log_info *li, __s64 requested,
		       bool complete, bool json)
{
	struct json j;

	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", dev);
		if (requested >= 0)
			json_u64(&j, "requested", requested);
		json_u64(&j, "nr_containers", li->nr_containers);
		json_u64(&j, "nr_active", li->nr_active);
		json_u64(&j, "nr_free", li->nr_free);
		json_u64(&j, "nr_slots", li->nr_slots);
		if (requested >= 0)
			json_bool(&j, "complete", complete);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		printf("%s%s: %u containers (%u active, %u free) of %u slots\n",
		       what, dev, li->nr_containers, li->nr_active, li->nr_free,
		       li->nr_slots);
	}
}

static int size_run(const struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = opt->json, set;
	struct clfs_mgmt_info mi;
	struct clfs_log_info li;
	__u32 result = 0;
	struct session s;
	const char *dev;
	int c, ret, err;
	__u64 n = 0;

	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		if (c != 'j')
			return usage_error("size", "bad option");
		json = true;
	}
	if (argc - optind < 1 || argc - optind > 2)
		return usage_error("size", "expects a device and a number of containers");
	dev = argv[optind];
	set = argc - optind == 2;
	if (set && parse_u64(argv[optind + 1], ~0U, &n))
		return usage_error("size", "'%s' is not a number of containers",
				   argv[optind + 1]);

	if (session_open(&s, opt, "size", dev, set))
		return 1;
	err = set ? clfs_set_size(s.log, (__u32)n, &result) : 0;
	if (err < 0 && err != -EBUSY) {
		/* Name the limits the size broke. */
		if (err == -ERANGE && !clfs_mgmt_query(s.log, &mi))
			print_msg(stderr, "size", NULL,
				  "%s: size %llu: outside the log's size limits, min %u and max %u containers (see clfsctl policy) (ERANGE)",
				  dev, (unsigned long long)n, mi.min_containers,
				  mi.max_containers);
		else if (err == -ENOSPC && !clfs_log_query(s.log, &li))
			print_msg(stderr, "size", NULL,
				  "%s: size %llu: the device has only %u container slots (ENOSPC)",
				  dev, (unsigned long long)n, li.nr_slots);
		else
			report("size", ERR_SIZE, err, "%s: size %llu", dev,
			       (unsigned long long)n);
		session_close(&s);
		return 1;
	}
	ret = clfs_log_query(s.log, &li);
	session_close(&s);
	if (ret < 0)
		return report("size", ERR_GENERIC, ret, "%s: query", dev);
	print_size(set ? "resized " : "", dev, &li, set ? (__s64)n : -1, !err,
		   json);
	if (err) {
		print_msg(stderr, "size", NULL,
			  "%s: shrink to %llu stopped at %u containers: the others hold records the log still needs (move the streams' tails first) (EBUSY)",
			  dev, (unsigned long long)n, result);
		return 1;
	}
	return 0;
}

const struct command size_command = {
	.name = "size",
	.summary = "show or set a log's size in containers",
	.usage =
	"usage: clfsctl [--device PATH] [--json] size DEVICE [N]\n"
	"\n"
	"Without N, show the size of the log on DEVICE (read-only open).\n"
	"With N, grow or shrink it to N containers and print the resulting\n"
	"size. Growing takes the lowest unused slots of the device; shrinking\n"
	"removes free containers, highest slot first. N must lie within the\n"
	"min and max policies (clfsctl policy). Needs CAP_SYS_ADMIN.\n"
	"\n"
	"A shrink stops where the remaining containers hold records: clfsctl\n"
	"then prints the size reached and exits 1 (EBUSY).\n"
	"\n"
	"options:\n"
	"  -j, --json   JSON output (\"complete\": false after a partial shrink)\n"
	"\n"
	"Exit status: 0 done, 1 failed (outside the size policies: ERANGE;\n"
	"beyond the device: ENOSPC; shrink stopped part of the way: EBUSY),\n"
	"2 usage error.\n",
	.run = size_run,
};
