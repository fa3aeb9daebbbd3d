/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for the kernel's <linux/compiler_types.h>.  Like the
 * kernel build, the userspace build force-includes it into every file.
 */
#ifndef _SHIM_LINUX_COMPILER_TYPES_H
#define _SHIM_LINUX_COMPILER_TYPES_H

#define __iomem
#define __user
#define __force
#define __must_check	__attribute__((__warn_unused_result__))
#define __always_inline	inline __attribute__((__always_inline__))
#define __maybe_unused	__attribute__((__unused__))
#define noinline	__attribute__((__noinline__))
#define __uninitialized
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#endif /* _SHIM_LINUX_COMPILER_TYPES_H */
