/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/io.h>: MMIO accessors.  The copies go through volatile
 * byte accesses, as a caller may not assume memcpy semantics on iomem.
 */
#ifndef _SHIM_LINUX_IO_H
#define _SHIM_LINUX_IO_H

#include <linux/types.h>

void memcpy_toio(volatile void __iomem *dst, const void *src, size_t n);
void memcpy_fromio(void *dst, const volatile void __iomem *src, size_t n);

#endif /* _SHIM_LINUX_IO_H */
