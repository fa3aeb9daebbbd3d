/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scatterlist side of the per-I/O benchmarks, shared by the UML suite
 * (dma_vec_bench.c) and the QEMU guest's P2P one (dma_vec_p2p_bench.c):
 * what 6.12's nvme-pci does with a request's scatterlist.  Benchmark code,
 * never part of the series.
 */
#ifndef _DMA_VEC_BENCH_SG_H
#define _DMA_VEC_BENCH_SG_H

#include <linux/bvec.h>
#include <linux/dmapool.h>
#include <linux/nvme.h>
#include <linux/scatterlist.h>

/* NVMe controller page of both sides. */
#define DVB_PAGE	4096U

/*
 * The fill of 6.12's __blk_bios_map_sg() for bvecs that each fit a page:
 * blk_next_sg() (unmark the end, step) and sg_set_page() per bvec, the
 * end marked after the last.  Bvecs of one bio are not merged there (they
 * were when the pages were added), and these are of one bio.
 */
static inline unsigned int dvb_map_sg(const struct bio_vec *bv,
				      unsigned int n, struct scatterlist *sgl)
{
	struct scatterlist *sg = NULL;
	unsigned int k;

	for (k = 0; k < n; k++) {
		if (WARN_ON_ONCE(bv[k].bv_offset + bv[k].bv_len > PAGE_SIZE))
			return 0;
		if (sg) {
			sg_unmark_end(sg);
			sg = sg_next(sg);
		} else {
			sg = sgl;
		}
		sg_set_page(sg, bv[k].bv_page, bv[k].bv_len, bv[k].bv_offset);
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
