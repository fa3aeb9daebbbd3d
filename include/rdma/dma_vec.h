/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dma_vec for RDMA: scatter/gather elements, memory region page lists and
 * RDMA READ/WRITE work requests built straight from mapped DMA ranges,
 * with no scatterlist and no per-page array.
 */
#ifndef _RDMA_DMA_VEC_H
#define _RDMA_DMA_VEC_H

#include <linux/bits.h>
#include <linux/dma-direction.h>
#include <linux/dma_vec.h>
#include <linux/types.h>
#include <rdma/ib_verbs.h>

/**
 * struct dma_vec_rdma_sge_iter - a cursor that hands out SGEs one WR at a time
 * @it: walk over the DMA ranges; SGE lengths are capped to 32 bits
 * @lkey: local key put in every SGE
 *
 * Set up by dma_vec_rdma_sge_iter_init(), consumed by
 * dma_vec_rdma_build_sges().  Holds no allocation.
 */
struct dma_vec_rdma_sge_iter {
	struct dma_vec_dma_iter it;
	u32 lkey;
};

/**
 * DMA_VEC_RDMA_RW_FORCE_MR - flag of &dma_vec_rdma_rw_dev.flags: always
 *	register an MR (iWARP RDMA READ, or rdma_rw's force_mr)
 */
#define DMA_VEC_RDMA_RW_FORCE_MR	BIT(0)

/**
 * struct dma_vec_rdma_rw_dev - what an RDMA READ/WRITE context needs of a QP
 * @lim: limits of one SGE (dma_vec_dev_limits() of the HCA's DMA device);
 *	the length is further capped to 32 bits
 * @max_sge: SGEs per RDMA WRITE work request (max_send_sge)
 * @max_sge_rd: SGEs per RDMA READ work request (max_sge_rd)
 * @lkey: local key of the SGEs (the PD's local_dma_lkey)
 * @flags: DMA_VEC_RDMA_RW_FORCE_MR
 * @mr_sge_threshold: register an MR when the transfer needs more SGEs than
 *	this (ib_device_attr.max_sgl_rd for reads); 0 for never
 * @mr: a fast-registration MR (IB_MR_TYPE_MEM_REG) the context may use,
 *	or NULL to use SGEs only; it stays the caller's
 * @pgsz_bitmap: page sizes @mr supports
 * @max_pages: page-list capacity of @mr (max_fast_reg_page_list_len)
 * @set_page: the driver's page-list callback for @mr
 * @set_page_ctx: argument of @set_page
 */
struct dma_vec_rdma_rw_dev {
	struct dma_vec_limits lim;
	u32 max_sge;
	u32 max_sge_rd;
	u32 lkey;
	unsigned int flags;
	unsigned int mr_sge_threshold;
	struct ib_mr *mr;
	unsigned long pgsz_bitmap;
	unsigned int max_pages;
	int (*set_page)(void *ctx, u64 addr);
	void *set_page_ctx;
};

/**
 * struct dma_vec_rdma_rw_ctx - RDMA READ or WRITE work requests of one transfer
 * @wrs: the RDMA work requests, chained through wr.next; NULL when @mr is
 *	used (then @mr_wr is the only one); @mr_wr for a single SGE
 * @sges: SGEs of @wrs, shared allocation with @wrs (@mr_sge for a single
 *	SGE)
 * @nr_wrs: number of RDMA work requests
 * @nr_sges: number of SGEs in @sges
 * @mr: the registered MR, or NULL
 * @reg_wr: the IB_WR_REG_MR work request of @mr, chained before @mr_wr
 * @mr_wr: the single RDMA work request through @mr, or of a transfer of
 *	one SGE
 * @mr_sge: its SGE
 *
 * Points into itself when it holds a single SGE: never copy a context.
 *
 * Made by dma_vec_rdma_rw_init(), undone by dma_vec_rdma_rw_destroy(); post
 * the chain from dma_vec_rdma_rw_first_wr().
 */
struct dma_vec_rdma_rw_ctx {
	struct ib_rdma_wr *wrs;
	struct ib_sge *sges;
	unsigned int nr_wrs;
	unsigned int nr_sges;
	struct ib_mr *mr;
	struct ib_reg_wr reg_wr;
	struct ib_rdma_wr mr_wr;
	struct ib_sge mr_sge;
};

int dma_vec_rdma_sge_iter_init(struct dma_vec_rdma_sge_iter *si,
			       const struct dma_vec_drange *ranges,
			       unsigned int nr,
			       const struct dma_vec_limits *lim, u32 lkey);
int dma_vec_rdma_build_sges(struct dma_vec_rdma_sge_iter *si,
			    struct ib_sge *sge, unsigned int max_sge,
			    u64 *bytes);
int dma_vec_rdma_count_sges(const struct dma_vec_drange *ranges,
			    unsigned int nr, const struct dma_vec_limits *lim,
			    unsigned int *nr_sges);

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

int dma_vec_rdma_fill_wrs(struct dma_vec_rdma_sge_iter *si,
			  struct ib_rdma_wr *wrs, unsigned int nr_wrs,
			  struct ib_sge *sges, unsigned int max_sge,
			  u64 remote_addr, u32 rkey, bool read);
int dma_vec_rdma_rw_init(struct dma_vec_rdma_rw_ctx *ctx,
			 const struct dma_vec_rdma_rw_dev *dev,
			 const struct dma_vec_drange *ranges, unsigned int nr,
			 u64 remote_addr, u32 rkey,
			 enum dma_data_direction dir, gfp_t gfp);
void dma_vec_rdma_rw_destroy(struct dma_vec_rdma_rw_ctx *ctx);

/**
 * dma_vec_rdma_rw_first_wr - head of the work request chain of a context
 * @ctx: set up by dma_vec_rdma_rw_init()
 *
 * Return: the first work request to post: the MR registration when an MR
 * is used, else the first RDMA READ/WRITE.
 */
static inline struct ib_send_wr *
dma_vec_rdma_rw_first_wr(struct dma_vec_rdma_rw_ctx *ctx)
{
	return ctx->mr ? &ctx->reg_wr.wr : &ctx->wrs[0].wr;
}

#endif /* _RDMA_DMA_VEC_H */
