/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/gfp_types.h>: the allocation flags.  The values are the
 * shim's own; only their names matter to the code.
 */
#ifndef _SHIM_LINUX_GFP_TYPES_H
#define _SHIM_LINUX_GFP_TYPES_H

#include <linux/types.h>

#define __GFP_ZERO	0x100u
#define __GFP_NOWARN	0x200u
#define __GFP_NORETRY	0x400u
#define GFP_KERNEL	0x1u
#define GFP_ATOMIC	0x2u
#define GFP_NOWAIT	0x4u
#define GFP_NOIO	0x8u
#define GFP_NOFS	0x10u

#endif /* _SHIM_LINUX_GFP_TYPES_H */
