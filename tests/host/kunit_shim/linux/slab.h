/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/slab.h>: see kunit_shim/kunit/test.h. */
#ifndef _CLFS_KUNIT_SHIM_SLAB_H
#define _CLFS_KUNIT_SHIM_SLAB_H
#define GFP_KERNEL	0
#endif
