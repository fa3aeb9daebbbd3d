/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/mmap_lock.h>: the mmap_lock is a pthread rwlock, with
 * reader and writer counts (atomics) for the checks.  An unlock without a
 * lock WARNs (and does not reach pthreads); mmap_assert_locked() WARNs
 * when nobody holds the lock.
 */
#ifndef _SHIM_LINUX_MMAP_LOCK_H
#define _SHIM_LINUX_MMAP_LOCK_H

#include <pthread.h>
#include <linux/bug.h>
#include <linux/mm_types.h>

#define __shim_mm_count(mm, f)	__atomic_load_n(&(mm)->f, __ATOMIC_RELAXED)
#define __shim_mm_add(mm, f, v)	__atomic_add_fetch(&(mm)->f, (v), __ATOMIC_RELAXED)

static inline void mmap_read_lock(struct mm_struct *mm)
{
	pthread_rwlock_rdlock(&mm->sim_lock);
	__shim_mm_add(mm, sim_readers, 1);
}

static inline int mmap_read_lock_killable(struct mm_struct *mm)
{
	mmap_read_lock(mm);
	return 0;
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	if (WARN_ON(__shim_mm_count(mm, sim_readers) <= 0))
		return;
	__shim_mm_add(mm, sim_readers, -1);
	pthread_rwlock_unlock(&mm->sim_lock);
}

static inline void mmap_write_lock(struct mm_struct *mm)
{
	pthread_rwlock_wrlock(&mm->sim_lock);
	__shim_mm_add(mm, sim_writer, 1);
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	if (WARN_ON(__shim_mm_count(mm, sim_writer) <= 0))
		return;
	__shim_mm_add(mm, sim_writer, -1);
	pthread_rwlock_unlock(&mm->sim_lock);
}

static inline void mmap_assert_locked(const struct mm_struct *mm)
{
	WARN_ON(!__shim_mm_count(mm, sim_readers) &&
		!__shim_mm_count(mm, sim_writer));
}

static inline void mmap_assert_write_locked(const struct mm_struct *mm)
{
	WARN_ON(!__shim_mm_count(mm, sim_writer));
}

#endif /* _SHIM_LINUX_MMAP_LOCK_H */
