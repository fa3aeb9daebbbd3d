/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace <linux/gfp.h>: the flags only; pages are never allocated. */
#ifndef _SHIM_LINUX_GFP_H
#define _SHIM_LINUX_GFP_H

#include <linux/gfp_types.h>

static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return !!(gfp & (GFP_KERNEL | GFP_NOIO | GFP_NOFS));
}

#endif /* _SHIM_LINUX_GFP_H */
