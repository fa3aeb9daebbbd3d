/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <asm/barrier.h>: the SMP barriers as C11 atomics, which both
 * the compiler and ThreadSanitizer understand.
 */
#ifndef _SHIM_ASM_BARRIER_H
#define _SHIM_ASM_BARRIER_H

#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)

#endif /* _SHIM_ASM_BARRIER_H */
