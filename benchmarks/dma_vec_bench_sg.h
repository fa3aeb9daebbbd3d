/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the per-I/O benchmarks share, the UML suite (dma_vec_bench.c) and
 * the QEMU guest's P2P one (dma_vec_p2p_bench.c): the request's bio, the
 * controller description of the dma_vec sides, and the scatterlist side,
 * what 6.12's nvme-pci does with a request's scatterlist.  Benchmark code,
 * never part of the series.
 */
#ifndef _DMA_VEC_BENCH_SG_H
#define _DMA_VEC_BENCH_SG_H

#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/bvec.h>
#include <linux/dmapool.h>
#include <linux/nvme.h>
#include <linux/scatterlist.h>

#include "dma_vec_nvme.h"

/* NVMe controller page of both sides. */
#define DVB_PAGE	4096U

/*
 * The controller as the converted nvme-pci describes it per request
 * (nvme_dma_vec_fill()): its page size and pool block are constants, the
 * rest is read from the device, here @dev.
 */
static __always_inline struct dma_vec_nvme_ctrl
dvb_nvme_ctrl(const struct dma_vec_nvme_ctrl *dev)
{
	return (struct dma_vec_nvme_ctrl){
		.pool = dev->pool,
		.small_pool = dev->small_pool,
		.pool_block = DVB_PAGE,
		.max_transfer = dev->max_transfer,
		.max_map = dev->max_map,
		.page_shift = 12,
		.sgls = dev->sgls,
	};
}

/*
 * The data of a request as nvme-pci gets it: one bio over the first @n
 * bvecs of @bv, each a page.  Built before timing, as the block layer
 * builds it before nvme_queue_rq().  Both bvec sides walk it with
 * bio_for_each_bvec(), as their nvme-pci does (rq_for_each_bvec() of a
 * request of one bio in the converted driver, __blk_bios_map_sg() in
 * 6.12's blk_rq_map_sg()); a request from a dma_vec table has no bio.
 */
static inline void dvb_bio(struct bio *bio, struct bio_vec *bv,
			   unsigned int n)
{
	bio_init(bio, NULL, bv, n, REQ_OP_READ);
	bio->bi_vcnt = n;
	bio->bi_iter.bi_size = n * DVB_PAGE;
}

/*
 * 6.12's __blk_bios_map_sg() for bvecs that each fit a page: the walk of
 * the bios and their bvecs, per bvec blk_next_sg() (unmark the end, step)
 * and sg_set_page(); the end marked after the last, as __blk_rq_map_sg()
 * does.  Bvecs of one bio are not merged there (they were when the pages
 * were added); with one bio there is no merge test between bios.
 */
static inline unsigned int dvb_map_sg(struct bio *bio,
				      struct scatterlist *sgl)
{
	struct scatterlist *sg = NULL;
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned int n = 0;

	for_each_bio(bio) {
		bio_for_each_bvec(bv, bio, iter) {
			if (WARN_ON_ONCE(bv.bv_offset + bv.bv_len > PAGE_SIZE))
				return 0;
			if (sg) {
				sg_unmark_end(sg);
				sg = sg_next(sg);
			} else {
				sg = sgl;
			}
			sg_set_page(sg, bv.bv_page, bv.bv_len, bv.bv_offset);
			n++;
		}
	}
	if (sg)
		sg_mark_end(sg);
	return n;
}

/*
 * 6.12's PRP builder over a mapped scatterlist (nvme_pci_setup_prps()): one
 * entry per 4 KiB of each entry, list pages from the small or page pool.
 */
struct dvb_prps {
	struct dma_pool *small, *page;
	__le64 *list[8];
	dma_addr_t dma[8];
	unsigned int nr;
	bool small_used;
};

static inline int dvb_sg_prps(struct dvb_prps *p, struct scatterlist *sgl,
			      unsigned int len, union nvme_data_ptr *dptr)
{
	struct scatterlist *sg = sgl;
	u64 addr = sg_dma_address(sg), end = addr + sg_dma_len(sg);
	unsigned int first = DVB_PAGE - (addr & (DVB_PAGE - 1));
	unsigned int left, n, i = 0;
	__le64 *list;

	dptr->prp1 = cpu_to_le64(addr);
	p->nr = 0;
	if (len <= first) {
		dptr->prp2 = 0;
		return 0;
	}
	left = len - first;
	addr += first;
	if (addr == end) {
		sg = sg_next(sg);
		addr = sg_dma_address(sg);
		end = addr + sg_dma_len(sg);
	}
	if (left <= DVB_PAGE) {
		dptr->prp2 = cpu_to_le64(addr);
		return 0;
	}
	n = DIV_ROUND_UP(left, DVB_PAGE);
	p->small_used = n <= 256 / 8;
	list = dma_pool_alloc(p->small_used ? p->small : p->page, GFP_ATOMIC,
			      &p->dma[0]);
	if (!list)
		return -ENOMEM;
	p->list[p->nr++] = list;
	dptr->prp2 = cpu_to_le64(p->dma[0]);
	for (;;) {
		if (i == DVB_PAGE / 8) {
			if (p->nr == ARRAY_SIZE(p->list))
				return -E2BIG;
			list = dma_pool_alloc(p->page, GFP_ATOMIC,
					      &p->dma[p->nr]);
			if (!list)
				return -ENOMEM;
			list[0] = p->list[p->nr - 1][i - 1];
			p->list[p->nr - 1][i - 1] = cpu_to_le64(p->dma[p->nr]);
			p->list[p->nr++] = list;
			i = 1;
		}
		list[i++] = cpu_to_le64(addr);
		addr += DVB_PAGE;
		if (left <= DVB_PAGE)
			return 0;
		left -= DVB_PAGE;
		if (addr == end) {
			sg = sg_next(sg);
			addr = sg_dma_address(sg);
			end = addr + sg_dma_len(sg);
		}
	}
}

static inline void dvb_sg_prps_free(struct dvb_prps *p)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++)
		dma_pool_free(i || !p->small_used ? p->page : p->small,
			      p->list[i], p->dma[i]);
	p->nr = 0;
}

#endif /* _DMA_VEC_BENCH_SG_H */
