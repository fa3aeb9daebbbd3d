/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dma_vec from user addresses: the P2P memory behind a user mapping that
 * has no struct pages, through the p2p_map operation of its VMA.
 */
#ifndef _LINUX_DMA_VEC_USER_H
#define _LINUX_DMA_VEC_USER_H

#include <linux/types.h>

struct dma_vec_table;
struct mm_struct;

int dma_vec_from_user(struct mm_struct *mm, unsigned long start,
		      unsigned long len, bool write, struct dma_vec_table *tbl,
		      gfp_t gfp);
void dma_vec_put_user(struct mm_struct *mm, unsigned long start,
		      unsigned long len);

#endif /* _LINUX_DMA_VEC_USER_H */
