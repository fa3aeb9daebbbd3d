/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/lockdep.h>: there is no lockdep (the shim's
 * configuration has no CONFIG_LOCKDEP), so the annotations of fake locks
 * compile to nothing and do not evaluate their argument, as in a kernel
 * built without lockdep.  lockdep_assert_held() lives with the locks.
 */
#ifndef _SHIM_LINUX_LOCKDEP_H
#define _SHIM_LINUX_LOCKDEP_H

#define lock_map_acquire(l)	do { } while (0)
#define lock_map_release(l)	do { } while (0)

#endif /* _SHIM_LINUX_LOCKDEP_H */
