/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/errno.h>: the UAPI errno values (glibc includes that
 * header too) plus the kernel-internal ones.
 */
#ifndef _SHIM_LINUX_ERRNO_H
#define _SHIM_LINUX_ERRNO_H

#include_next <linux/errno.h>

#define ERESTARTSYS	512
#define ENOIOCTLCMD	515
#define EPROBE_DEFER	517
#define ENOTSUPP	524

#endif /* _SHIM_LINUX_ERRNO_H */
