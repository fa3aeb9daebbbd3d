/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/vmalloc.h>: virtually contiguous allocations are plain
 * tracked heap allocations (kvmalloc()), freed with kvfree().
 */
#ifndef _SHIM_LINUX_VMALLOC_H
#define _SHIM_LINUX_VMALLOC_H

#include <linux/slab.h>

#define __vmalloc(size, gfp)	kvmalloc(size, gfp)

#endif /* _SHIM_LINUX_VMALLOC_H */
