/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/wait_bit.h>: wait_var_event() polls its condition and
 * yields the CPU between tries; wake_up_var() has nothing to wake.  The
 * condition is re-evaluated by the waiter only, as in the kernel.
 */
#ifndef _SHIM_LINUX_WAIT_BIT_H
#define _SHIM_LINUX_WAIT_BIT_H

#include <sched.h>
#include <linux/kernel.h>

#define wait_var_event(var, condition)				\
	do {							\
		(void)(var);					\
		might_sleep();					\
		while (!(condition))				\
			sched_yield();				\
	} while (0)

static inline void wake_up_var(void *var)
{
	(void)var;
}

#endif /* _SHIM_LINUX_WAIT_BIT_H */
