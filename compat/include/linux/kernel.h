/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/kernel.h>: the UAPI part (glibc includes it) and the
 * kernel headers the kernel's kernel.h pulls in that the code may rely on.
 */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include_next <linux/kernel.h>
#include <linux/align.h>
#include <linux/array_size.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/compiler_types.h>
#include <linux/container_of.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/stddef.h>
#include <linux/types.h>

/*
 * DEBUG_ATOMIC_SLEEP, always on: a function that may sleep WARNs when the
 * calling thread holds a spinlock (see <linux/spinlock.h>).
 */
extern __thread int shim_atomic_depth;
#define might_sleep()	((void)WARN_ON(shim_atomic_depth > 0))

#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))

#endif /* _SHIM_LINUX_KERNEL_H */
