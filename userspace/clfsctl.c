// SPDX-License-Identifier: GPL-2.0
/*
 * clfsctl: the command-line front end of clfs.
 *
 *   clfsctl [--device PATH] [--json] COMMAND [ARGS]
 *
 * This file parses the global options and dispatches to one entry of the
 * commands[] table (see clfsctl.h for how to add one). It also holds the
 * version command, which talks to the loaded module.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clfsctl.h"
#include "libclfs.h"

static const struct command *const commands[] = {
	&version_command,
	&create_command,
	&delete_command,
	&info_command,
	&stats_command,
	&containers_command,
	&size_command,
	&policy_command,
	&streams_command,
	&append_command,
	&read_command,
	&restart_command,
	&advance_base_command,
	&truncate_command,
	&archive_tail_command,
	&flush_command,
	&watch_command,
	&load_command,
	&bench_command,
	&attach_command,
	&detach_command,
	&list_command,
	&access_command,
	&check_command,
	&dump_command,
};

static int open_control(const struct options *opt)
{
	const char *path = opt->device ? opt->device : CLFS_DEFAULT_DEVICE;
	int fd = clfs_open_control(opt->device);

	if (fd == -ENOENT)
		print_msg(stderr, NULL, NULL,
			  "%s does not exist: is the clfs module loaded?",
			  path);
	else if (fd < 0)
		print_errno(NULL, path, fd);
	return fd;
}

static int version_run(const struct options *opt, int argc, char **argv)
{
	struct clfs_version ver;
	struct json j;
	int fd, ret;

	(void)argv;
	if (argc > 1)
		return usage_error("version", "takes no arguments");
	fd = open_control(opt);
	if (fd < 0)
		return 1;
	ret = clfs_get_version(fd, &ver);
	close(fd);
	if (ret)
		return print_errno(NULL, "CLFS_IOC_GET_VERSION", ret);

	if (opt->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_u64(&j, "abi_major", ver.abi_major);
		json_u64(&j, "abi_minor", ver.abi_minor);
		json_u64(&j, "tool_abi_major", CLFS_ABI_MAJOR);
		json_u64(&j, "tool_abi_minor", CLFS_ABI_MINOR);
		json_bool(&j, "compatible", clfs_abi_compatible(&ver));
		json_obj_end(&j);
		json_finish(&j);
	} else {
		printf("clfs module ABI %u.%u, clfsctl built for %u.%u: %s\n",
		       ver.abi_major, ver.abi_minor, CLFS_ABI_MAJOR,
		       CLFS_ABI_MINOR,
		       clfs_abi_compatible(&ver) ? "compatible" : "INCOMPATIBLE");
	}
	return clfs_abi_compatible(&ver) ? 0 : 1;
}

const struct command version_command = {
	.name = "version",
	.summary = "show the ABI version of the loaded clfs module",
	.usage =
	"usage: clfsctl [--device PATH] [--json] version\n"
	"\n"
	"Ask the loaded module for its ABI version and say whether this\n"
	"clfsctl can talk to it. Exits 1 when it cannot.\n",
	.run = version_run,
};

static void print_usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: clfsctl [--device PATH] [--json] COMMAND [ARGS]\n"
		"       clfsctl COMMAND --help\n"
		"\n"
		"Manage Common Log File System logs: through /dev/clfs, or\n"
		"offline, reading a log's device or image directly.\n"
		"\n"
		"Online commands that work on a log take its DEVICE: a block\n"
		"device, e.g. 'clfsctl info /dev/vdb', or a storage driver's\n"
		"target NAME:ARG, e.g. 'memdev:t1' (clfs_memdev.ko, see\n"
		"docs/storage-drivers.md). They open the log on it through the control\n"
		"device (CAP_SYS_ADMIN), sharing it if it is open already. In\n"
		"place of DEVICE they also take an attached log's name (clfsctl\n"
		"attach, list), e.g. 'clfsctl info orders', or its node\n"
		"/dev/clfs-logs/NAME: they open the node, which needs no\n"
		"capability, only the node's permissions. create, delete and\n"
		"attach need the DEVICE; check and dump read a block device or\n"
		"image directly. LSNs are given as 0x... hexadecimal or decimal\n"
		"and printed as 0x%%016llx.\n"
		"\n"
		"options:\n"
		"  -d, --device PATH  control device (default %s)\n"
		"  -j, --json         print results as JSON\n"
		"  -h, --help         show this help\n"
		"\n"
		"commands:\n", CLFS_DEFAULT_DEVICE);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-12s %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(out,
		"\n"
		"Exit status:\n"
		"  0  success\n"
		"  1  the operation failed (the reason is printed on stderr,\n"
		"     with the errno's name); check: corruption found\n"
		"  2  usage error; check and dump: also the device or image\n"
		"     could not be read\n"
		"  3  check only: warnings, no corruption\n"
		"See each command's --help for more.\n");
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
	int c, first;
	size_t i;

	/* '+': stop at the command name; the rest belongs to the command. */
	while ((c = getopt_long(argc, argv, "+d:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt.device = optarg;
			break;
		case 'j':
			opt.json = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	first = optind;
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *cmd = commands[i];
		int j;

		if (strcmp(argv[first], cmd->name))
			continue;
		/* Options stop at "--": a path named --help is an argument. */
		for (j = first + 1; j < argc && strcmp(argv[j], "--"); j++) {
			if (!strcmp(argv[j], "--help") || !strcmp(argv[j], "-h")) {
				fputs(cmd->usage, stdout);
				return 0;
			}
		}
		/* Commands parse their own options with getopt: start afresh. */
		optind = 0;
		return cmd->run(&opt, argc - first, argv + first);
	}
	print_msg(stderr, NULL, NULL, "unknown command '%s' (see clfsctl --help)",
		  argv[first]);
	return EXIT_USAGE;
}
