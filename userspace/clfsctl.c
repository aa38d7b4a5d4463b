// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl: the command-line front end of clfs.
 *
 *   clfsctl [--device PATH] [--json] COMMAND [ARGS]
 *
 * Each command is one entry of the commands[] table: its name, a one-line
 * summary, its own --help text and the function that runs it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libclfs.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct options {
	const char *device;
	int json;
};

struct command {
	const char *name;
	const char *summary;
	const char *usage;
	int (*run)(const struct options *opt, int argc, char **argv);
};

static int print_error(const char *what, int err)
{
	fprintf(stderr, "clfsctl: %s: %s\n", what, strerror(-err));
	return 1;
}

static int open_control(const struct options *opt)
{
	int fd = clfs_open_control(opt->device);

	if (fd == -ENOENT)
		fprintf(stderr, "clfsctl: %s does not exist: is the clfs module loaded?\n",
			opt->device ? opt->device : CLFS_DEFAULT_DEVICE);
	else if (fd < 0)
		print_error(opt->device ? opt->device : CLFS_DEFAULT_DEVICE, fd);
	return fd;
}

static int cmd_version(const struct options *opt, int argc, char **argv)
{
	struct clfs_version ver;
	int fd, ret;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "clfsctl version: takes no arguments\n");
		return 2;
	}
	fd = open_control(opt);
	if (fd < 0)
		return 1;
	ret = clfs_get_version(fd, &ver);
	close(fd);
	if (ret)
		return print_error("CLFS_IOC_GET_VERSION", ret);

	if (opt->json)
		printf("{\"abi_major\": %u, \"abi_minor\": %u, \"tool_abi_major\": %u, \"tool_abi_minor\": %u, \"compatible\": %s}\n",
		       ver.abi_major, ver.abi_minor, CLFS_ABI_MAJOR,
		       CLFS_ABI_MINOR, clfs_abi_compatible(&ver) ? "true" : "false");
	else
		printf("clfs module ABI %u.%u, clfsctl built for %u.%u: %s\n",
		       ver.abi_major, ver.abi_minor, CLFS_ABI_MAJOR,
		       CLFS_ABI_MINOR,
		       clfs_abi_compatible(&ver) ? "compatible" : "INCOMPATIBLE");
	return clfs_abi_compatible(&ver) ? 0 : 1;
}

static const struct command commands[] = {
	{ "version", "show the ABI version of the loaded clfs module",
	  "usage: clfsctl [--device PATH] [--json] version\n"
	  "\n"
	  "Ask the loaded module for its ABI version and say whether this\n"
	  "clfsctl can talk to it. Exits 1 when it cannot.\n",
	  cmd_version },
};

static void print_usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: clfsctl [--device PATH] [--json] COMMAND [ARGS]\n"
		"       clfsctl COMMAND --help\n"
		"\n"
		"Manage Common Log File System logs through /dev/clfs.\n"
		"\n"
		"options:\n"
		"  -d, --device PATH  control device (default %s)\n"
		"  -j, --json         print results as JSON\n"
		"  -h, --help         show this help\n"
		"\n"
		"commands:\n", CLFS_DEFAULT_DEVICE);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opt = { 0 };
	size_t i;
	int c;

	/* '+': stop at the command name; the rest belongs to the command. */
	while ((c = getopt_long(argc, argv, "+d:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt.device = optarg;
			break;
		case 'j':
			opt.json = 1;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *cmd = &commands[i];
		int j;

		if (strcmp(argv[optind], cmd->name))
			continue;
		for (j = optind + 1; j < argc; j++) {
			if (!strcmp(argv[j], "--help") || !strcmp(argv[j], "-h")) {
				fputs(cmd->usage, stdout);
				return 0;
			}
		}
		return cmd->run(&opt, argc - optind, argv + optind);
	}
	fprintf(stderr, "clfsctl: unknown command '%s' (see clfsctl --help)\n",
		argv[optind]);
	return 2;
}
