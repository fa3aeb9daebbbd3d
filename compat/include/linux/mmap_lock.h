/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/mmap_lock.h>: the mmap_lock as reader/writer counts
 * (the tests are single-threaded).  An unlock without a lock, or a write
 * lock while the lock is held, WARNs; mmap_assert_locked() WARNs when the
 * lock is not held.
 */
#ifndef _SHIM_LINUX_MMAP_LOCK_H
#define _SHIM_LINUX_MMAP_LOCK_H

#include <linux/bug.h>
#include <linux/mm_types.h>

static inline void mmap_read_lock(struct mm_struct *mm)
{
	WARN_ON(mm->sim_writer);
	mm->sim_readers++;
}

static inline int mmap_read_lock_killable(struct mm_struct *mm)
{
	mmap_read_lock(mm);
	return 0;
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	if (WARN_ON(mm->sim_readers <= 0))
		return;
	mm->sim_readers--;
}

static inline void mmap_write_lock(struct mm_struct *mm)
{
	WARN_ON(mm->sim_writer || mm->sim_readers);
	mm->sim_writer++;
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	if (WARN_ON(mm->sim_writer <= 0))
		return;
	mm->sim_writer--;
}

static inline void mmap_assert_locked(const struct mm_struct *mm)
{
	WARN_ON(!mm->sim_readers && !mm->sim_writer);
}

static inline void mmap_assert_write_locked(const struct mm_struct *mm)
{
	WARN_ON(!mm->sim_writer);
}

#endif /* _SHIM_LINUX_MMAP_LOCK_H */
