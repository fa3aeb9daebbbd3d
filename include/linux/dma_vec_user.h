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

/**
 * struct dma_vec_pin - what a p2p_map operation hands out for one VMA
 * @release: drops the pin; set by p2p_map on success, never NULL then.
 *	Called exactly once, by dma_vec_put_user(), in process context and
 *	without the mmap lock: it must not look at the VMA, which may be gone
 * @cookie: the exporter's handle of what it pinned (its buffer object, say)
 * @start: first user address of the pinned part (set by the caller)
 * @end: one past its last user address (set by the caller)
 */
struct dma_vec_pin {
	void (*release)(struct dma_vec_pin *pin);
	void *cookie;
	unsigned long start;
	unsigned long end;
};

/**
 * struct dma_vec_user - the pins of one dma_vec_from_user() call
 * @pins: one per VMA of the range, in address order
 * @nr: number of pins, 0 when the structure holds nothing
 * @pin: storage for the common single-VMA case (then @pins points here)
 *
 * Zero it before dma_vec_from_user(); dma_vec_put_user() zeroes it again.
 */
struct dma_vec_user {
	struct dma_vec_pin *pins;
	unsigned int nr;
	struct dma_vec_pin pin;
};

int dma_vec_from_user(struct mm_struct *mm, unsigned long start,
		      unsigned long len, bool write, struct dma_vec_table *tbl,
		      struct dma_vec_user *user, gfp_t gfp);
int dma_vec_put_user(struct dma_vec_user *user);

#endif /* _LINUX_DMA_VEC_USER_H */
