/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs on-disk format: the platform shim.
 *
 * The format code (clfs_format.c) is compiled unchanged into clfs.ko and
 * into userspace tools, tests and fuzzers. This header is the only place
 * that knows which of the two it is built for; everything else uses the
 * kernel's names (u32, __le32, le32_to_cpu, crc32c semantics, errno values).
 *
 * Userspace needs <linux/types.h> from the kernel UAPI (linux-libc-dev) and
 * ISA-L (libisal-dev, link with -lisal) for crc32c.
 */
#ifndef _CLFS_FORMAT_PLATFORM_H
#define _CLFS_FORMAT_PLATFORM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/crc32c.h>
#include <linux/export.h>
#include <kunit/visibility.h>
#include <asm/byteorder.h>

/*
 * Raw CRC-32C: no pre- or post-inversion, @seed is the running state.
 * crc32c(~0, "123456789", 9) is 0x1cf96d7c, the complement of the standard
 * check value 0xe3069283.
 */
static inline u32 clfs_crc32c(u32 seed, const void *buf, size_t len)
{
	return crc32c(seed, buf, len);
}

/* The KUnit module calls the format code; nothing else outside clfs.ko. */
#define CLFS_FORMAT_EXPORT(sym)	EXPORT_SYMBOL_IF_KUNIT(sym)

#else /* userspace */

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>
#include <isa-l/crc.h>

/* As in the kernel: u64 is __u64 (unsigned long long) everywhere. */
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define cpu_to_le16(x)	((__le16)htole16(x))
#define cpu_to_le32(x)	((__le32)htole32(x))
#define cpu_to_le64(x)	((__le64)htole64(x))
#define le16_to_cpu(x)	((u16)le16toh(x))
#define le32_to_cpu(x)	((u32)le32toh(x))
#define le64_to_cpu(x)	((u64)le64toh(x))

#define U32_MAX		UINT32_MAX

#ifndef EUCLEAN
#define EUCLEAN		117	/* Linux value; glibc defines it anyway */
#endif

/*
 * Same convention as the kernel's crc32c(): ISA-L's crc32_iscsi() takes the
 * running state as its seed and neither inverts it on entry nor on exit.
 * Its length is an int, so feed large buffers in pieces.
 */
static inline u32 clfs_crc32c(u32 seed, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len) {
		size_t n = len > INT_MAX ? INT_MAX : len;

		seed = crc32_iscsi((unsigned char *)p, (int)n, seed);
		p += n;
		len -= n;
	}
	return seed;
}

#define CLFS_FORMAT_EXPORT(sym)

#endif /* __KERNEL__ */

#endif /* _CLFS_FORMAT_PLATFORM_H */
