// SPDX-License-Identifier: GPL-2.0
/*
 * crc32c for static builds of clfsctl.
 *
 * The format code computes crc32c with ISA-L's crc32_iscsi() (see
 * kmod/format/clfs_format_platform.h), but Debian ships ISA-L only as a
 * shared library, and the guest's clfsctl is linked statically. This file
 * provides the same function, with the same convention (the running state
 * in and out, no inversion on either side), for those builds: the SSE4.2
 * crc32 instruction when the CPU has it, a table otherwise. The host tests
 * compare it with ISA-L's (including this file with CRC32C_SW_NAME set to
 * another name).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef CRC32C_SW_NAME
#define CRC32C_SW_NAME	crc32_iscsi
#endif

/* Castagnoli polynomial, reflected. */
#define CRC32C_POLY	0x82f63b78U

static uint32_t crc32c_table[8][256];

static void crc32c_init_table(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = c & 1 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		crc32c_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			crc32c_table[j][i] = (crc32c_table[j - 1][i] >> 8) ^
				crc32c_table[0][crc32c_table[j - 1][i] & 0xff];
}

/* Slicing by 8: eight table lookups per 8 bytes. */
static uint32_t crc32c_table_update(uint32_t crc, const unsigned char *p,
				    size_t len)
{
	uint64_t w;

	if (!crc32c_table[0][1])
		crc32c_init_table();
	while (len >= 8) {
		memcpy(&w, p, 8);
		w ^= crc;
		crc = crc32c_table[7][w & 0xff] ^
		      crc32c_table[6][(w >> 8) & 0xff] ^
		      crc32c_table[5][(w >> 16) & 0xff] ^
		      crc32c_table[4][(w >> 24) & 0xff] ^
		      crc32c_table[3][(w >> 32) & 0xff] ^
		      crc32c_table[2][(w >> 40) & 0xff] ^
		      crc32c_table[1][(w >> 48) & 0xff] ^
		      crc32c_table[0][w >> 56];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ crc32c_table[0][(crc ^ *p++) & 0xff];
	return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42_update(uint32_t crc, const unsigned char *p,
				    size_t len)
{
	uint64_t c = crc, w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
		p += 8;
		len -= 8;
	}
	crc = (uint32_t)c;
	while (len--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}
#endif

unsigned int CRC32C_SW_NAME(unsigned char *buffer, int len,
			    unsigned int init_crc)
{
	if (len <= 0)
		return init_crc;
#if defined(__x86_64__)
	if (__builtin_cpu_supports("sse4.2"))
		return crc32c_sse42_update(init_crc, buffer, len);
#endif
	return crc32c_table_update(init_crc, buffer, len);
}
