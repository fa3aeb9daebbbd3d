/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace <linux/pfn.h>. */
#ifndef _SHIM_LINUX_PFN_H
#define _SHIM_LINUX_PFN_H

#include <linux/mm.h>

#define PFN_PHYS(x)	((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x)	((unsigned long)((x) >> PAGE_SHIFT))

#endif /* _SHIM_LINUX_PFN_H */
