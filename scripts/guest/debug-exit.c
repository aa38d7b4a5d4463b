// SPDX-License-Identifier: GPL-2.0
/*
 * debug-exit STATUS: end the QEMU guest with STATUS through the
 * isa-debug-exit device (iobase 0xf4). QEMU then exits with (STATUS << 1) | 1,
 * which scripts/run-guest.sh decodes. Returns only if the port is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

#define DEBUG_EXIT_PORT	0xf4

int main(int argc, char **argv)
{
	unsigned int status;

	if (argc != 2) {
		fprintf(stderr, "usage: debug-exit STATUS\n");
		return 2;
	}
	status = strtoul(argv[1], NULL, 0);
	if (ioperm(DEBUG_EXIT_PORT, 4, 1)) {
		perror("debug-exit: ioperm");
		return 1;
	}
	outl(status, DEBUG_EXIT_PORT);
	fprintf(stderr, "debug-exit: QEMU has no isa-debug-exit device\n");
	return 1;
}
