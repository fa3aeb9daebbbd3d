/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dma_vec for RDMA: memory region page lists built straight from mapped
 * DMA ranges, and RDMA READ/WRITE work requests built from physical ranges
 * as they are mapped, with no scatterlist and no per-page array.
 */
#ifndef _RDMA_DMA_VEC_H
#define _RDMA_DMA_VEC_H

#include <linux/dma-direction.h>
#include <linux/dma_vec.h>
#include <linux/dma_vec_p2p.h>
#include <linux/types.h>
#include <rdma/ib_verbs.h>

/*
 * SGEs and RDMA work requests a &struct dma_vec_rdma_rw_ctx holds without
 * allocating: a transfer of up to 8 DMA pieces (32 KiB of scattered 4 KiB
 * pages, or a contiguous buffer of up to 8 maximum segments) in up to 2
 * work requests, 240 bytes, about what the per-I/O state of the mapping
 * (&struct dma_vec_io) takes.
 */
#define DMA_VEC_RDMA_RW_INLINE_SGES	8
#define DMA_VEC_RDMA_RW_INLINE_WRS	2

/**
 * struct dma_vec_rdma_rw_dev - what an RDMA READ/WRITE context needs of a QP
 * @dma_dev: the HCA's DMA device (&ib_device.dma_device)
 * @lim: limits of one SGE (dma_vec_dev_limits() of @dma_dev); the length
 *	is further capped to 32 bits
 * @max_map: dma_max_mapping_size() of @dma_dev, 0 for no limit
 * @max_sge: SGEs per RDMA WRITE work request (max_send_sge)
 * @max_sge_rd: SGEs per RDMA READ work request (max_sge_rd)
 * @lkey: local key of the SGEs (the PD's local_dma_lkey)
 * @max_msg: most bytes one work request may move (the port's max_msg_sz;
 *	2 GiB on InfiniBand), 0 for no limit but that of its SGEs
 */
struct dma_vec_rdma_rw_dev {
	struct device *dma_dev;
	struct dma_vec_limits lim;
	u64 max_map;
	u32 max_sge;
	u32 max_sge_rd;
	u32 lkey;
	u32 max_msg;
};

/**
 * struct dma_vec_rdma_rw_ctx - RDMA READ or WRITE work requests of one transfer
 * @io: the mapping of the local memory, undone by dma_vec_rdma_rw_destroy()
 * @wrs: the RDMA work requests, chained through wr.next: @inl_wrs, or an
 *	allocated array
 * @sges: SGEs of @wrs: @inl_sges, or an allocated array (one allocation
 *	with @wrs); the SGEs of a work request are contiguous
 * @nr_wrs: number of work requests
 * @nr_sges: number of SGEs
 * @cap_wrs: capacity of @wrs
 * @cap_sges: capacity of @sges
 * @max_sge: most SGEs in one work request
 * @inl_wrs: room for the first DMA_VEC_RDMA_RW_INLINE_WRS work requests
 * @inl_sges: room for the first DMA_VEC_RDMA_RW_INLINE_SGES SGEs
 *
 * Made by dma_vec_rdma_rw_init() in one pass over the local memory: each
 * physical range is mapped with dma_vec_io_map() and cut into SGEs, and
 * the SGEs into work requests, as it is mapped.  Points into itself: never
 * copy a context.  Post the chain from dma_vec_rdma_rw_first_wr(); undo it
 * with dma_vec_rdma_rw_destroy().  All fields are read-only for users.
 */
struct dma_vec_rdma_rw_ctx {
	struct dma_vec_io io;
	struct ib_rdma_wr *wrs;
	struct ib_sge *sges;
	unsigned int nr_wrs;
	unsigned int nr_sges;
	unsigned int cap_wrs;
	unsigned int cap_sges;
	unsigned int max_sge;
	struct ib_rdma_wr inl_wrs[DMA_VEC_RDMA_RW_INLINE_WRS];
	struct ib_sge inl_sges[DMA_VEC_RDMA_RW_INLINE_SGES];
};

int dma_vec_rdma_count_mr_pages(const struct dma_vec_drange *ranges,
				unsigned int nr, unsigned int page_size,
				u64 *pages, u64 *bytes);
int dma_vec_rdma_map_mr_pages(struct ib_mr *mr,
			      const struct dma_vec_drange *ranges,
			      unsigned int nr, unsigned int page_size,
			      unsigned int max_pages,
			      int (*set_page)(void *ctx, u64 addr), void *ctx);
int dma_vec_rdma_map_mr_klms(struct ib_mr *mr,
			     const struct dma_vec_drange *ranges,
			     unsigned int nr, unsigned int max_entries,
			     int (*set_klm)(void *ctx, u64 addr, u32 len),
			     void *ctx);
unsigned long dma_vec_rdma_best_page_size(const struct dma_vec_drange *ranges,
					  unsigned int nr,
					  unsigned long pgsz_bitmap, u64 iova);

int dma_vec_rdma_rw_init(struct dma_vec_rdma_rw_ctx *ctx,
			 const struct dma_vec_rdma_rw_dev *dev,
			 const struct dma_vec_slice *slice, u64 remote_addr,
			 u32 rkey, enum dma_data_direction dir, gfp_t gfp);
void dma_vec_rdma_rw_destroy(struct dma_vec_rdma_rw_ctx *ctx);

/**
 * dma_vec_rdma_rw_first_wr - head of the work request chain of a context
 * @ctx: set up by dma_vec_rdma_rw_init()
 *
 * Context: Any context.
 * Return: the first RDMA READ or WRITE work request to post.
 */
static inline struct ib_send_wr *
dma_vec_rdma_rw_first_wr(struct dma_vec_rdma_rw_ctx *ctx)
{
	return &ctx->wrs[0].wr;
}

#endif /* _RDMA_DMA_VEC_H */
