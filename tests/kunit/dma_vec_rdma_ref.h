/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference the RDMA READ/WRITE tests compare a chain with: the SGEs
 * of one mapped DMA piece, cut the simple way, one step at a time, without
 * the helpers of <linux/dma_vec.h>.  Shared by the KUnit suite
 * (tests/kunit/dma_vec_rdma_kunit.c, host memory) and the userspace
 * end-to-end tests (tests/user/test_rdma.c, host and peer memory).
 */
#ifndef _DMA_VEC_RDMA_REF_H
#define _DMA_VEC_RDMA_REF_H

#include <linux/dma_vec.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/types.h>
#include <rdma/ib_verbs.h>

/**
 * dvk_rw_ref_piece - the SGEs of one mapped piece
 * @addr: DMA address of the piece
 * @len: its length
 * @lim: SGE limits: each SGE is at most @lim->max_seg and 4 GiB - 1 bytes,
 *	never crosses a multiple of @lim->seg_boundary_mask + 1, and where
 *	cut at the maximum length ends on a multiple of @lim->align
 * @out: where the SGEs go, from index @n
 * @n: SGEs already in @out
 * @max: room of @out
 *
 * Return: the SGEs in @out after the piece's, or @max + 1 if they did not
 * fit.
 */
static inline unsigned int dvk_rw_ref_piece(u64 addr, u64 len,
					    const struct dma_vec_limits *lim,
					    struct ib_sge *out, unsigned int n,
					    unsigned int max)
{
	u64 mask = lim->seg_boundary_mask, align = lim->align;
	u64 mseg = min_t(u64, lim->max_seg, U32_MAX & ~(align - 1));

	while (len) {
		u64 c = min(len, mseg);
		u64 bound = mask == U64_MAX ? U64_MAX : (addr | mask) - addr + 1;

		if (bound <= c)
			c = bound;
		else if (c < len)
			c = ((addr + c) & ~(align - 1)) - addr;
		if (n == max)
			return max + 1;
		out[n].addr = addr;
		out[n].length = c;
		n++;
		addr += c;
		len -= c;
	}
	return n;
}

#endif /* _DMA_VEC_RDMA_REF_H */
