/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace <linux/compiler.h>: READ_ONCE()/WRITE_ONCE() as volatile accesses. */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))

#endif /* _SHIM_LINUX_COMPILER_H */
