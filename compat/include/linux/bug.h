/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/bug.h>.  A WARN is counted and reported, never fatal, so
 * tests can assert that bad input warned (or did not).  Unlike the kernel,
 * the _ONCE variants count every occurrence: tests reset the count.
 */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

void shim_warn(const char *file, int line, const char *cond);

#define WARN_ON(cond) ({						\
	int __ret_warn_on = !!(cond);					\
	if (__ret_warn_on)						\
		shim_warn(__FILE__, __LINE__, #cond);			\
	__ret_warn_on; })
#define WARN_ON_ONCE(cond)	WARN_ON(cond)
#define WARN(cond, fmt, ...)	WARN_ON(cond)
#define WARN_ONCE(cond, fmt, ...)	WARN_ON(cond)

#endif /* _SHIM_LINUX_BUG_H */
