/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <asm/barrier.h>: smp_mb() as a
 * sequentially consistent read-modify-write of one shared word (a full
 * barrier on every architecture, as a locked instruction is on x86),
 * because ThreadSanitizer does not model stand-alone fences.
 */
#ifndef _SHIM_ASM_BARRIER_H
#define _SHIM_ASM_BARRIER_H

extern unsigned long shim_mb_word;

#define smp_mb()	((void)__atomic_fetch_add(&shim_mb_word, 0, __ATOMIC_SEQ_CST))

/* Publishing and reading a pointer to an object that never changes. */
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)

#endif /* _SHIM_ASM_BARRIER_H */
