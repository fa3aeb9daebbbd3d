/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <asm/barrier.h>: smp_mb(), the one barrier the code uses, as a
 * sequentially consistent read-modify-write of one shared word (a full
 * barrier on every architecture, as a locked instruction is on x86),
 * because ThreadSanitizer does not model stand-alone fences.
 */
#ifndef _SHIM_ASM_BARRIER_H
#define _SHIM_ASM_BARRIER_H

extern unsigned long shim_mb_word;

#define smp_mb()	((void)__atomic_fetch_add(&shim_mb_word, 0, __ATOMIC_SEQ_CST))

#endif /* _SHIM_ASM_BARRIER_H */
