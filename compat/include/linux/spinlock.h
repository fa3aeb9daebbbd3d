/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/spinlock.h>: spinlocks are pthread mutexes that know
 * whether they are held, so an unlock of a free lock WARNs (and does not
 * reach pthreads) and lockdep_assert_held() works.  Interrupts do not
 * exist: the irqsave variants only zero @flags.  Each thread counts the
 * spinlocks it holds, so might_sleep() can WARN inside one (the kernel's
 * CONFIG_DEBUG_ATOMIC_SLEEP).
 */
#ifndef _SHIM_LINUX_SPINLOCK_H
#define _SHIM_LINUX_SPINLOCK_H

#include <pthread.h>
#include <linux/bug.h>
#include <linux/types.h>

typedef struct {
	pthread_mutex_t m;
	int held;
} spinlock_t;

/* Spinlocks held by the calling thread (userspace_shim.c). */
extern __thread int shim_atomic_depth;

#define __SPIN_LOCK_UNLOCKED(name)	{ PTHREAD_MUTEX_INITIALIZER, 0 }
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

static inline void spin_lock_init(spinlock_t *lock)
{
	pthread_mutex_init(&lock->m, NULL);
	lock->held = 0;
}

static inline void spin_lock(spinlock_t *lock)
{
	pthread_mutex_lock(&lock->m);
	lock->held++;
	shim_atomic_depth++;
}

static inline int spin_trylock(spinlock_t *lock)
{
	if (pthread_mutex_trylock(&lock->m))
		return 0;
	lock->held++;
	shim_atomic_depth++;
	return 1;
}

static inline void spin_unlock(spinlock_t *lock)
{
	if (WARN_ON(lock->held <= 0))
		return;
	lock->held--;
	shim_atomic_depth--;
	pthread_mutex_unlock(&lock->m);
}

static inline int spin_is_locked(spinlock_t *lock)
{
	return lock->held > 0;
}

#define spin_lock_irqsave(lock, flags)	\
	do { (flags) = 0; spin_lock(lock); } while (0)
#define spin_unlock_irqrestore(lock, flags)	\
	do { (void)(flags); spin_unlock(lock); } while (0)
#define spin_lock_irq(lock)	spin_lock(lock)
#define spin_unlock_irq(lock)	spin_unlock(lock)
#define spin_lock_bh(lock)	spin_lock(lock)
#define spin_unlock_bh(lock)	spin_unlock(lock)

#ifndef lockdep_assert_held
#define lockdep_assert_held(l)	WARN_ON((l)->held <= 0)
#endif

#endif /* _SHIM_LINUX_SPINLOCK_H */
