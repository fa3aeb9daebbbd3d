/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/mutex.h>: a pthread mutex that knows whether it is
 * held.  Unlocking a free mutex, and destroying a held one, WARN.
 */
#ifndef _SHIM_LINUX_MUTEX_H
#define _SHIM_LINUX_MUTEX_H

#include <pthread.h>
#include <linux/bug.h>
#include <linux/types.h>

struct mutex {
	pthread_mutex_t m;
	int held;
};

#define __MUTEX_INITIALIZER(name)	{ PTHREAD_MUTEX_INITIALIZER, 0 }
#define DEFINE_MUTEX(name)	struct mutex name = __MUTEX_INITIALIZER(name)

static inline void mutex_init(struct mutex *lock)
{
	pthread_mutex_init(&lock->m, NULL);
	lock->held = 0;
}

static inline void mutex_lock(struct mutex *lock)
{
	pthread_mutex_lock(&lock->m);
	lock->held++;
}

static inline int mutex_trylock(struct mutex *lock)
{
	if (pthread_mutex_trylock(&lock->m))
		return 0;
	lock->held++;
	return 1;
}

static inline void mutex_unlock(struct mutex *lock)
{
	if (WARN_ON(lock->held <= 0))
		return;
	lock->held--;
	pthread_mutex_unlock(&lock->m);
}

static inline bool mutex_is_locked(struct mutex *lock)
{
	return lock->held > 0;
}

static inline void mutex_destroy(struct mutex *lock)
{
	if (WARN_ON(lock->held > 0))
		return;
	pthread_mutex_destroy(&lock->m);
}

#ifndef lockdep_assert_held
#define lockdep_assert_held(l)	WARN_ON((l)->held <= 0)
#endif

#endif /* _SHIM_LINUX_MUTEX_H */
