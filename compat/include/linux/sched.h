/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/sched.h>: `current` is one distinct address per
 * thread, which is all the code compares it with.
 */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

struct task_struct;

struct task_struct *shim_current(void);

#define current	shim_current()

#endif /* _SHIM_LINUX_SCHED_H */
