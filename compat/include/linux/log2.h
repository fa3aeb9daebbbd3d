/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace <linux/log2.h>: functions, not the kernel's constant folding. */
#ifndef _SHIM_LINUX_LOG2_H
#define _SHIM_LINUX_LOG2_H

#include <linux/bitops.h>

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && ((n & (n - 1)) == 0);
}

/* ilog2(0) is undefined, as in the kernel. */
#define ilog2(n)	((int)__fls((unsigned long)(n)))

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << fls_long(n - 1);
}

static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << __fls(n);
}

#endif /* _SHIM_LINUX_LOG2_H */
