/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace <linux/limits.h>: the UAPI part plus the kernel's *_MAX. */
#ifndef _SHIM_LINUX_LIMITS_H
#define _SHIM_LINUX_LIMITS_H

#include_next <linux/limits.h>
#include <limits.h>
#include <linux/types.h>

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S64_MAX		((s64)(U64_MAX >> 1))
#define PHYS_ADDR_MAX	(~(phys_addr_t)0)

#endif /* _SHIM_LINUX_LIMITS_H */
