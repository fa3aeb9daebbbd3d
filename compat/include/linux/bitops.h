/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace <linux/bitops.h>: the bit searches, on compiler builtins. */
#ifndef _SHIM_LINUX_BITOPS_H
#define _SHIM_LINUX_BITOPS_H

#include <linux/bits.h>
#include <linux/types.h>

/* Atomic bit operations on unsigned long bitmaps, as in the kernel. */
static inline bool test_and_set_bit(long nr, volatile unsigned long *addr)
{
	unsigned long mask = 1UL << (nr % BITS_PER_LONG);

	return __atomic_fetch_or(addr + nr / BITS_PER_LONG, mask,
				 __ATOMIC_SEQ_CST) & mask;
}

static inline void set_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_or(addr + nr / BITS_PER_LONG, 1UL << (nr % BITS_PER_LONG),
			  __ATOMIC_SEQ_CST);
}

static inline void clear_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(addr + nr / BITS_PER_LONG,
			   ~(1UL << (nr % BITS_PER_LONG)), __ATOMIC_SEQ_CST);
}

static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return (__atomic_load_n(addr + nr / BITS_PER_LONG, __ATOMIC_SEQ_CST) >>
		(nr % BITS_PER_LONG)) & 1;
}

/* __ffs()/__fls(): undefined for 0, as in the kernel. */
static inline unsigned long __ffs(unsigned long word)
{
	return __builtin_ctzl(word);
}

/* __ffs64(): undefined for 0, as in the kernel. */
static inline unsigned int __ffs64(u64 word)
{
	return __builtin_ctzll(word);
}

static inline unsigned long __fls(unsigned long word)
{
	return BITS_PER_LONG - 1 - __builtin_clzl(word);
}

/* ffs()/fls()/fls64(): 1-based, 0 for 0. */
static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static inline int fls_long(unsigned long x)
{
	return fls64(x);
}

#define ffs(x)		__builtin_ffs(x)

static inline unsigned int hweight64(u64 w)
{
	return __builtin_popcountll(w);
}

#endif /* _SHIM_LINUX_BITOPS_H */
