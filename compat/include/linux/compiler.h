/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/compiler.h>: READ_ONCE()/WRITE_ONCE() as relaxed atomic
 * accesses (what the kernel's volatile accesses are on every architecture
 * it supports), so that ThreadSanitizer sees them as the marked, racy-by-
 * design accesses they are.  Scalars and pointers only, as in the kernel.
 */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

#endif /* _SHIM_LINUX_COMPILER_H */
