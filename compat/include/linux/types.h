/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/types.h>: the UAPI part from the system headers (glibc
 * includes it too), plus the kernel-internal typedefs.
 */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

/* The simulated platform is 64-bit physical and 64-bit DMA. */
typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
typedef phys_addr_t resource_size_t;
typedef unsigned int gfp_t;

#endif /* _SHIM_LINUX_TYPES_H */
