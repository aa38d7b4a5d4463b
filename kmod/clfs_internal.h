/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clfs private header: structures and functions shared between the files of
 * clfs.ko and its KUnit test module, never by other clients.
 */
#ifndef _CLFS_INTERNAL_H
#define _CLFS_INTERNAL_H

#include <linux/miscdevice.h>

/* clfs_ctl.c: the /dev/clfs control device. */
int clfs_ctl_register(void);
void clfs_ctl_unregister(void);
long clfs_ctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

extern struct miscdevice clfs_ctl_miscdev;

#endif /* _CLFS_INTERNAL_H */
