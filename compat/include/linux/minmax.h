/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/minmax.h>.  Single evaluation like the kernel's; the
 * kernel's type checks are left to the kernel tier (W=1 build).
 */
#ifndef _SHIM_LINUX_MINMAX_H
#define _SHIM_LINUX_MINMAX_H

#define __shim_cmp(op, x, y) ({			\
	__typeof__(x) __x = (x);		\
	__typeof__(y) __y = (y);		\
	__x op __y ? __x : __y; })

#define min(x, y)		__shim_cmp(<, x, y)
#define max(x, y)		__shim_cmp(>, x, y)
#define min3(x, y, z)		min(min(x, y), z)
#define max3(x, y, z)		max(max(x, y), z)
#define min_t(type, x, y)	min((type)(x), (type)(y))
#define max_t(type, x, y)	max((type)(x), (type)(y))
#define clamp_t(type, v, lo, hi)	min_t(type, max_t(type, v, lo), hi)

#endif /* _SHIM_LINUX_MINMAX_H */
