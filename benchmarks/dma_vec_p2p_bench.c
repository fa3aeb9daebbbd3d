// SPDX-License-Identifier: GPL-2.0
/*
 * Per-I/O benchmark of dma_vec against the scatterlist path of Linux 6.12
 * on peer-to-peer memory, for the QEMU guest of scripts/qemu/bench-p2p.sh.
 *
 * Built into drivers/nvme/host/ (benchmarks/qemu-bench.patch; nvme built
 * in, as the dma_vec_nvme_rq_*() builders live in the nvme driver), never
 * part of the dma_vec series.  Writing "PROVIDER CLIENT" (two PCI device
 * names) to /sys/module/dma_vec_p2p_bench/parameters/run times one NVMe
 * I/O of 4 KiB pages, never adjacent, for the client as the DMA device:
 *
 *   case=per-io-p2p: pages of the provider's p2pmem (pci_alloc_p2pmem(),
 *	ZONE_DEVICE pages of a BAR window), reached by the client at its
 *	PCI bus address (PCI_P2PDMA_MAP_BUS_ADDR, checked);
 *   case=per-io-host: host RAM pages, on the same client.
 *
 * Sides of each case, measured in the same run, interleaved:
 *
 *   dma_vec       the converted nvme-pci's bvec loop over the request's
 *		   bio (bio_for_each_bvec()): per page the P2P page check,
 *		   the provider looked up once per run of one dev_pagemap
 *		   (the driver's lock-free last-used entry), then
 *		   dma_vec_nvme_rq_start() (its controller description
 *		   filled in per request, as nvme-pci does),
 *		   dma_vec_nvme_rq_host_pages(), dma_vec_nvme_rq_add() per
 *		   page (sixteen pages or more, or P2P pages: gathered
 *		   sixteen per dma_vec_nvme_rq_add_ranges() call),
 *		   dma_vec_nvme_rq_finish(), dma_vec_nvme_rq_end();
 *   dma_vec-phys  the same request from a dma_vec table of the pages'
 *		   physical addresses and their provider (made once, as an
 *		   exporter's p2p_map gives it): nvme-pci's path for memory
 *		   without struct pages, dma_vec_nvme_rq_add_table() between
 *		   the same start, finish and end; the request has no bio,
 *		   and no struct page is read;
 *   sg-6.12       6.12's nvme_map_data() and nvme_unmap_data(): the
 *		   scatterlist from a mempool, the bio walked and
 *		   sg_set_page() of each page (__blk_bios_map_sg()),
 *		   dma_map_sgtable(), the PRP list loop, the PRP pages freed,
 *		   dma_unmap_sgtable(), the mempool free;
 *   sg-fastpath   (host, one page) 6.12's single-segment fast path,
 *		   dma_map_page() and PRP1 only;
 *   floor	   (P2P) the least any bvec-to-PRP path does, no reference
 *		   to meet but a bound to measure against: the bio walked,
 *		   per page the P2P page check, the same provider lookup
 *		   once per dev_pagemap, the bus offset added and one PRP
 *		   store; the PRP list block from the same pools and given
 *		   back.  It checks nothing else (no window, revocation,
 *		   page boundary or length), so no driver could ship it.
 *
 * Each measurement runs the I/O enough times to take at least
 * dma_vec_p2p_bench.target_ms of guest time (the same count for every
 * side of a case and size) and prints the time per I/O in picoseconds,
 * in the format of benchmarks/dma_vec_bench.c:
 *
 *   dma_vec_p2p_bench: case=<c> layout=4K-pages bytes=<n> side=<s>
 *	median=<ps> min=<ps> max=<ps> unit=ps
 *
 * (one line), the median, smallest and largest of dma_vec_p2p_bench.reps
 * repetitions.  dma_vec_p2p_bench.short=1 runs everything once with ten
 * I/Os.  The last line is "dma_vec_p2p_bench: done passed=N failed=N",
 * one result per case and size (every side ran, the data pointers agree
 * and took the expected path).
 */
#include <linux/bvec.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec.h>
#include <linux/dma_vec_p2p.h>
#include <linux/dmapool.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/memremap.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/nvme.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/range.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "dma_vec_bench_sg.h"
#include "dma_vec_nvme.h"

static unsigned int reps = 15;
module_param(reps, uint, 0644);
MODULE_PARM_DESC(reps, "Repetitions per measurement (median reported)");

static bool short_mode;
module_param_named(short, short_mode, bool, 0644);
MODULE_PARM_DESC(short, "Run each measurement once, with ten I/Os");

static unsigned int target_ms = 25;
module_param(target_ms, uint, 0644);
MODULE_PARM_DESC(target_ms, "Least guest time of one measurement, in ms");

#define DPB_MAX_REPS	63
#define DPB_MAX_IO	SZ_1M
#define DPB_MAX_PAGES	(DPB_MAX_IO / DVB_PAGE)
/* Every other page of the area: no two pages of an I/O are adjacent. */
#define DPB_AREA	(2 * DPB_MAX_IO)
#define DPB_MAX_LOOPS	SZ_16M

static const u32 dpb_sizes[] = { SZ_4K, SZ_16K, SZ_128K, SZ_1M };

enum dpb_side {
	DPB_DMA_VEC,
	DPB_DMA_VEC_PHYS,
	DPB_SG_612,
	DPB_SG_FASTPATH,
	DPB_FLOOR,
	DPB_NR_SIDES,
};

static const char *const dpb_side_name[] = {
	[DPB_DMA_VEC] = "dma_vec",
	[DPB_DMA_VEC_PHYS] = "dma_vec-phys",
	[DPB_SG_612] = "sg-6.12",
	[DPB_SG_FASTPATH] = "sg-fastpath",
	[DPB_FLOOR] = "floor",
};

/*
 * The provider of the P2P pages, found as nvme-pci finds it: the last-used
 * entry of the controller's list, read without a lock.
 */
struct dpb_hot {
	struct pci_dev *pdev;
	struct dma_vec_provider prov;
};

/**
 * struct dpb_ctx - one run of the benchmark
 * @dev: the client, the device doing the DMA
 * @ctrl: the dma_vec view of the client as an NVMe controller
 * @prps: the scatterlist side's PRP pools and pages
 * @rq: per-request state of the dma_vec side, as in nvme-pci's iod
 * @pool: the scatterlist mempool, as nvme-pci's iod_mempool
 * @pages: the struct page of each page of an I/O
 * @bv: the bvecs of an I/O, one per page
 * @bio: the I/O being measured as one bio over its bvecs, for the bvec sides
 * @paddrs: the physical address of each page of an I/O
 * @tbl: the pages of the I/O being measured as a table, for dma_vec-phys
 * @prov: the provider of the pages for the dma_vec-phys side, or NULL
 * @hot: the provider entry the dma_vec side finds, or NULL for host memory
 * @expect_p2p: the pages are P2P memory, reached at their bus address
 * @bus_offset: bus address minus CPU physical address of the pages
 */
struct dpb_ctx {
	struct device *dev;
	struct dma_vec_nvme_ctrl ctrl;
	struct dvb_prps prps;
	struct dma_vec_nvme_rq *rq;
	mempool_t *pool;
	struct page *pages[DPB_MAX_PAGES];
	struct bio_vec bv[DPB_MAX_PAGES];
	struct bio bio;
	phys_addr_t paddrs[DPB_MAX_PAGES];
	struct dma_vec_table tbl;
	struct dma_vec_provider *prov;
	struct dpb_hot *hot;
	bool expect_p2p;
	u64 bus_offset;
};

struct dpb_stats {
	u64 v[DPB_MAX_REPS];
	unsigned int n;
};

static unsigned int dpb_passed, dpb_failed;

static int dpb_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void dpb_report(const char *name, u64 bytes, enum dpb_side side,
		       struct dpb_stats *s)
{
	sort(s->v, s->n, sizeof(s->v[0]), dpb_cmp_u64, NULL);
	pr_info("dma_vec_p2p_bench: case=%s layout=4K-pages bytes=%llu side=%s median=%llu min=%llu max=%llu unit=ps\n",
		name, bytes, dpb_side_name[side], s->v[s->n / 2], s->v[0],
		s->v[s->n - 1]);
}

/* nvme-pci's provider lookup for a P2P page: the last-used entry. */
static __always_inline struct dma_vec_provider *
dpb_provider(struct dpb_ctx *c, struct page *page, phys_addr_t paddr, u64 len)
{
	struct pci_dev *pdev = pci_p2pdma_page_provider(page);
	/* Pairs with the release in dpb_p2p(): the entry is complete. */
	struct dpb_hot *hot = smp_load_acquire(&c->hot);

	if (pdev && hot && hot->pdev == pdev && paddr >= hot->prov.base &&
	    paddr - hot->prov.base + len <= hot->prov.size)
		return &hot->prov;
	return ERR_PTR(-EREMOTEIO);
}

/* nvme_dma_vec_add_bvec() of the converted nvme-pci. */
static int dpb_add_bvec(struct dpb_ctx *c, struct dma_vec_nvme_rq *rq,
			const struct bio_vec *bv,
			struct dma_vec_provider **prov,
			struct dev_pagemap **pgmap)
{
	phys_addr_t paddr = bvec_phys(bv);

	if (!is_pci_p2pdma_page(bv->bv_page))
		return dma_vec_nvme_rq_add(rq, paddr, bv->bv_len, NULL);
	if (bv->bv_page->pgmap != *pgmap) {
		*prov = dpb_provider(c, bv->bv_page, paddr, bv->bv_len);
		if (IS_ERR(*prov)) {
			*pgmap = NULL;
			return PTR_ERR(*prov);
		}
		*pgmap = bv->bv_page->pgmap;
	}
	return dma_vec_nvme_rq_add(rq, paddr, bv->bv_len, *prov);
}

/* NVME_DMA_VEC_BATCH */
#define DPB_BATCH	16

/*
 * nvme_dma_vec_add_batched(): a request of at least DPB_BATCH bvecs, or a
 * P2P request of more than one.
 */
static noinline int dpb_add_batched(struct dpb_ctx *c,
				    struct dma_vec_nvme_rq *rq)
{
	struct dma_vec_prange r[DPB_BATCH] __uninitialized;
	struct dma_vec_provider *prov = NULL;
	struct dev_pagemap *pgmap = NULL;
	struct bvec_iter iter;
	struct bio_vec bvec;
	unsigned int nr = 0;
	int rc;

	bio_for_each_bvec(bvec, &c->bio, iter) {
		const struct bio_vec *bv = &bvec;
		phys_addr_t paddr = bvec_phys(bv);
		struct dev_pagemap *pg = is_pci_p2pdma_page(bv->bv_page) ?
					 bv->bv_page->pgmap : NULL;

		if (nr && (pg != pgmap || nr == DPB_BATCH)) {
			rc = dma_vec_nvme_rq_add_ranges(rq, r, nr, prov);
			nr = 0;
			if (rc)
				return rc;
		}
		if (pg != pgmap) {
			prov = pg ? dpb_provider(c, bv->bv_page, paddr,
						 bv->bv_len) : NULL;
			if (IS_ERR(prov))
				return PTR_ERR(prov);
			pgmap = pg;
		}
		r[nr].paddr = paddr;
		r[nr++].len = bv->bv_len;
	}
	return nr ? dma_vec_nvme_rq_add_ranges(rq, r, nr, prov) : 0;
}

/*
 * The dma_vec side: nvme_dma_vec_fill() of the converted nvme-pci for a
 * request of @n single-page bvecs, then the completion's
 * dma_vec_nvme_rq_end().
 */
static int dpb_io_dma_vec(struct dpb_ctx *c, unsigned int n,
			  union nvme_data_ptr *dptr)
{
	struct dma_vec_nvme_ctrl ctrl = dvb_nvme_ctrl(&c->ctrl);
	struct dma_vec_nvme_rq *rq = c->rq;
	struct dma_vec_provider *prov = NULL;
	struct dev_pagemap *pgmap = NULL;
	struct bvec_iter iter;
	struct bio_vec bv;
	int rc;

	rc = dma_vec_nvme_rq_start(rq, &ctrl, c->dev, DMA_FROM_DEVICE,
				   DMA_ATTR_NO_WARN, false, (u64)n * DVB_PAGE,
				   GFP_ATOMIC);
	if (rc)
		goto end;
	/* As nvme_dma_vec_fill(): host memory of bvecs is not checked. */
	dma_vec_nvme_rq_host_pages(rq);
	/* @n is blk_rq_nr_phys_segments(); the first bvec, req_bvec(). */
	if (n >= DPB_BATCH ||
	    (n > 1 && is_pci_p2pdma_page(mp_bvec_iter_bvec(c->bio.bi_io_vec,
							   c->bio.bi_iter).bv_page))) {
		rc = dpb_add_batched(c, rq);
	} else {
		bio_for_each_bvec(bv, &c->bio, iter) {
			rc = dpb_add_bvec(c, rq, &bv, &prov, &pgmap);
			if (rc)
				break;
		}
	}
	if (!rc)
		rc = dma_vec_nvme_rq_finish(rq, dptr);
end:
	dma_vec_nvme_rq_end(rq);
	return rc;
}

/* The same request from the table of its pages (@c->tbl, @n pages). */
static int dpb_io_dma_vec_phys(struct dpb_ctx *c, unsigned int n,
			       union nvme_data_ptr *dptr)
{
	struct dma_vec_nvme_ctrl ctrl = dvb_nvme_ctrl(&c->ctrl);
	struct dma_vec_nvme_rq *rq = c->rq;
	int rc;

	rc = dma_vec_nvme_rq_start(rq, &ctrl, c->dev, DMA_FROM_DEVICE,
				   DMA_ATTR_NO_WARN, false, (u64)n * DVB_PAGE,
				   GFP_ATOMIC);
	if (!rc)
		rc = dma_vec_nvme_rq_add_table(rq, &c->tbl);
	if (!rc)
		rc = dma_vec_nvme_rq_finish(rq, dptr);
	dma_vec_nvme_rq_end(rq);
	return rc;
}

/*
 * 6.12's nvme_map_data() and nvme_unmap_data() for a request of @n
 * single-page bvecs, with blk_rq_map_sg()'s fill of them.
 */
static int dpb_io_sg(struct dpb_ctx *c, unsigned int n,
		     union nvme_data_ptr *dptr)
{
	struct scatterlist *sgl = mempool_alloc(c->pool, GFP_ATOMIC);
	struct sg_table sgt = { .sgl = sgl };
	int rc;

	if (!sgl)
		return -ENOMEM;
	sg_init_table(sgl, n);
	sgt.orig_nents = dvb_map_sg(&c->bio, sgl);
	rc = sgt.orig_nents ? dma_map_sgtable(c->dev, &sgt, DMA_FROM_DEVICE,
					      DMA_ATTR_NO_WARN) : -EIO;
	if (!rc) {
		rc = dvb_sg_prps(&c->prps, sgl, n * DVB_PAGE, dptr);
		dvb_sg_prps_free(&c->prps);
		dma_unmap_sgtable(c->dev, &sgt, DMA_FROM_DEVICE, 0);
	}
	mempool_free(sgl, c->pool);
	return rc;
}

/*
 * The floor side for a request of @n single-page P2P bvecs: what is left
 * of a bvec-to-PRP path with every check taken out.  A list of at most
 * one block: DPB_MAX_PAGES - 1 entries fit a controller page.
 */
static int dpb_io_floor(struct dpb_ctx *c, unsigned int n,
			union nvme_data_ptr *dptr)
{
	struct dma_pool *pool = n - 1 <= 256 / 8 ? c->prps.small : c->prps.page;
	struct dev_pagemap *pgmap = NULL;
	struct dma_vec_provider *prov;
	struct bvec_iter iter;
	struct bio_vec bvec;
	__le64 *list = NULL;
	dma_addr_t list_dma = 0;
	u64 off = 0;
	unsigned int k = 0;

	BUILD_BUG_ON(DPB_MAX_PAGES - 1 > DVB_PAGE / sizeof(*list));
	bio_for_each_bvec(bvec, &c->bio, iter) {
		const struct bio_vec *bv = &bvec;
		u64 addr = bvec_phys(bv);

		if (!is_pci_p2pdma_page(bv->bv_page))
			return -EREMOTEIO;
		if (bv->bv_page->pgmap != pgmap) {
			prov = dpb_provider(c, bv->bv_page, addr, bv->bv_len);
			if (IS_ERR(prov))
				return PTR_ERR(prov);
			off = prov->bus_offset;
			pgmap = bv->bv_page->pgmap;
		}
		addr += off;
		if (!k) {
			dptr->prp1 = cpu_to_le64(addr);
			dptr->prp2 = 0;
		} else if (n == 2) {
			dptr->prp2 = cpu_to_le64(addr);
		} else {
			if (!list) {
				list = dma_pool_alloc(pool, GFP_ATOMIC,
						      &list_dma);
				if (!list)
					return -ENOMEM;
				dptr->prp2 = cpu_to_le64(list_dma);
			}
			list[k - 1] = cpu_to_le64(addr);
		}
		k++;
	}
	if (list)
		dma_pool_free(pool, list, list_dma);
	return 0;
}

/* 6.12's nvme_setup_prp_simple() and its unmap, for one host page. */
static int dpb_io_fastpath(struct dpb_ctx *c, union nvme_data_ptr *dptr)
{
	dma_addr_t a = dma_map_page(c->dev, c->pages[0], 0, DVB_PAGE,
				    DMA_FROM_DEVICE);

	if (dma_mapping_error(c->dev, a))
		return -ENOMEM;
	dptr->prp1 = cpu_to_le64(a);
	dptr->prp2 = 0;
	dma_unmap_page(c->dev, a, DVB_PAGE, DMA_FROM_DEVICE);
	return 0;
}

/*
 * Out of line, as dpb_case(): the breakpoints of scripts/qemu/profile_io.py,
 * which single-steps one call of each side.
 */
static noinline int dpb_io(struct dpb_ctx *c, enum dpb_side side,
			   unsigned int n, union nvme_data_ptr *dptr)
{
	switch (side) {
	case DPB_DMA_VEC:
		return dpb_io_dma_vec(c, n, dptr);
	case DPB_DMA_VEC_PHYS:
		return dpb_io_dma_vec_phys(c, n, dptr);
	case DPB_SG_612:
		return dpb_io_sg(c, n, dptr);
	case DPB_FLOOR:
		return dpb_io_floor(c, n, dptr);
	default:
		return dpb_io_fastpath(c, dptr);
	}
}

static bool dpb_side_runs(struct dpb_ctx *c, enum dpb_side side,
			  unsigned int n)
{
	if (side == DPB_FLOOR)
		return c->expect_p2p;
	return side != DPB_SG_FASTPATH || (!c->expect_p2p && n == 1);
}

/* Nanoseconds @loops I/Os of one side take, or a negative error. */
static s64 dpb_time(struct dpb_ctx *c, enum dpb_side side, unsigned int n,
		    unsigned long loops)
{
	union nvme_data_ptr dptr;
	unsigned long i;
	u64 t0;
	int rc = 0;

	t0 = ktime_get_ns();
	for (i = 0; i < loops && !rc; i++)
		rc = dpb_io(c, side, n, &dptr);
	return rc ? rc : (s64)(ktime_get_ns() - t0);
}

/*
 * Check one I/O of every side before timing: it succeeds, the data
 * pointers of all sides agree, PRP1 is the expected DMA address of the
 * first page, and the P2P memory took the bus-address path on both the
 * dma_vec side (its classification) and the scatterlist side (entries
 * marked as bus addresses by dma_map_sgtable()).
 */
static int dpb_check(struct dpb_ctx *c, const char *name, unsigned int n)
{
	u64 want = c->paddrs[0] + c->bus_offset;
	struct scatterlist *sgl, *sg;
	struct sg_table sgt;
	union nvme_data_ptr d[DPB_NR_SIDES];
	enum dpb_side side;
	unsigned int k;
	int rc, i;

	for (side = 0; side < DPB_NR_SIDES; side++) {
		if (!dpb_side_runs(c, side, n))
			continue;
		rc = dpb_io(c, side, n, &d[side]);
		if (rc) {
			pr_err("dma_vec_p2p_bench: %s %u: %s failed: %d\n",
			       name, n * DVB_PAGE, dpb_side_name[side], rc);
			return rc;
		}
		if (le64_to_cpu(d[side].prp1) != want ||
		    (n == 2 && le64_to_cpu(d[side].prp2) !=
		     c->paddrs[1] + c->bus_offset)) {
			pr_err("dma_vec_p2p_bench: %s %u: %s PRP1 %#llx PRP2 %#llx, expected PRP1 %#llx\n",
			       name, n * DVB_PAGE, dpb_side_name[side],
			       le64_to_cpu(d[side].prp1),
			       le64_to_cpu(d[side].prp2), want);
			return -EINVAL;
		}
	}

	/* The classification the dma_vec side used, kept in its request. */
	rc = dma_vec_nvme_rq_start(c->rq, &c->ctrl, c->dev, DMA_FROM_DEVICE,
				   DMA_ATTR_NO_WARN, false, DVB_PAGE,
				   GFP_KERNEL);
	if (!rc)
		rc = dma_vec_nvme_rq_add(c->rq, c->paddrs[0], DVB_PAGE,
					 c->prov);
	if (!rc)
		rc = dma_vec_nvme_rq_finish(c->rq, &d[0]);
	if (!rc && c->rq->io.p2p != c->expect_p2p)
		rc = -EINVAL;
	if (!rc && c->expect_p2p && c->rq->io.type != DMA_VEC_MAP_BUS_ADDR)
		rc = -EINVAL;
	dma_vec_nvme_rq_end(c->rq);
	if (rc) {
		pr_err("dma_vec_p2p_bench: %s: dma_vec side not on the expected path: %d\n",
		       name, rc);
		return rc;
	}

	/* The scatterlist side: every entry a bus address, or none. */
	sgl = mempool_alloc(c->pool, GFP_KERNEL);
	if (!sgl)
		return -ENOMEM;
	sg_init_table(sgl, n);
	for (k = 0; k < n; k++)
		sg_set_page(&sgl[k], c->pages[k], DVB_PAGE, 0);
	sgt = (struct sg_table){ .sgl = sgl, .orig_nents = n };
	rc = dma_map_sgtable(c->dev, &sgt, DMA_FROM_DEVICE, DMA_ATTR_NO_WARN);
	if (!rc) {
		for_each_sgtable_dma_sg(&sgt, sg, i) {
			if (sg_dma_is_bus_address(sg) != c->expect_p2p ||
			    sg_dma_address(sg) != c->paddrs[i] + c->bus_offset)
				rc = -EINVAL;
		}
		if (sgt.nents != n)
			rc = -EINVAL;
		dma_unmap_sgtable(c->dev, &sgt, DMA_FROM_DEVICE, 0);
	}
	mempool_free(sgl, c->pool);
	if (rc)
		pr_err("dma_vec_p2p_bench: %s: sg side not on the expected path: %d\n",
		       name, rc);
	return rc;
}

/* I/Os per measurement: enough for target_ms on every side. */
static long dpb_loops(struct dpb_ctx *c, unsigned int n)
{
	u64 target = (u64)max(target_ms, 1U) * NSEC_PER_MSEC;
	unsigned long loops = 1, need = 1;
	enum dpb_side side;

	if (short_mode)
		return 10;
	for (side = 0; side < DPB_NR_SIDES; side++) {
		if (!dpb_side_runs(c, side, n))
			continue;
		loops = 1;
		for (;;) {
			s64 ns = dpb_time(c, side, n, loops);

			if (ns < 0)
				return ns;
			if (ns >= target || loops >= DPB_MAX_LOOPS)
				break;
			/* Aim a quarter past the target, at most 16x more. */
			loops = min_t(u64, loops * 16,
				      div64_u64(loops * target * 5,
						max_t(u64, ns, 1) * 4) + 1);
			cond_resched();
		}
		need = max(need, loops);
	}
	return need;
}

/* The first @n pages of the I/O as a table, for the dma_vec-phys side. */
static int dpb_table(struct dpb_ctx *c, unsigned int n)
{
	unsigned int k;
	int rc = 0;

	dma_vec_table_release(&c->tbl);
	for (k = 0; !rc && k < n; k++)
		rc = dma_vec_append(&c->tbl, c->paddrs[k], DVB_PAGE, c->prov,
				    GFP_KERNEL);
	return rc;
}

static noinline void dpb_case(struct dpb_ctx *c, const char *name)
{
	unsigned int nreps = short_mode ? 1 : clamp(reps, 1U, DPB_MAX_REPS);
	struct dpb_stats *st;
	unsigned int s, r;

	st = kcalloc(DPB_NR_SIDES, sizeof(*st), GFP_KERNEL);
	if (!st) {
		dpb_failed += ARRAY_SIZE(dpb_sizes);
		return;
	}
	for (s = 0; s < ARRAY_SIZE(dpb_sizes); s++) {
		unsigned int n = dpb_sizes[s] / DVB_PAGE;
		enum dpb_side side;
		long loops;
		int rc;

		memset(st, 0, DPB_NR_SIDES * sizeof(*st));
		/* The request of @n pages: its bio, or its table. */
		dvb_bio(&c->bio, c->bv, n);
		rc = dpb_table(c, n);
		if (!rc)
			rc = dpb_check(c, name, n);
		loops = rc ? rc : dpb_loops(c, n);
		if (loops < 0) {
			pr_err("dma_vec_p2p_bench: FAIL %s %u bytes: %ld\n",
			       name, dpb_sizes[s], loops);
			dpb_failed++;
			continue;
		}
		pr_info("dma_vec_p2p_bench: info case=%s bytes=%u loops=%ld reps=%u\n",
			name, dpb_sizes[s], loops, nreps);
		for (r = 0; r < nreps && !rc; r++) {
			for (side = 0; side < DPB_NR_SIDES && !rc; side++) {
				s64 ns;

				if (!dpb_side_runs(c, side, n))
					continue;
				ns = dpb_time(c, side, n, loops);
				if (ns < 0) {
					rc = ns;
					break;
				}
				st[side].v[st[side].n++] =
					div64_u64((u64)ns * 1000, loops);
				cond_resched();
			}
		}
		if (rc) {
			pr_err("dma_vec_p2p_bench: FAIL %s %u bytes: %d\n",
			       name, dpb_sizes[s], rc);
			dpb_failed++;
			continue;
		}
		for (side = 0; side < DPB_NR_SIDES; side++)
			if (dpb_side_runs(c, side, n))
				dpb_report(name, dpb_sizes[s], side, &st[side]);
		dpb_passed++;
	}
	dma_vec_table_release(&c->tbl);
	kfree(st);
}

/* The memory BAR of @pdev that holds @range, or -1 (as nvme-pci). */
static int dpb_bar(struct pci_dev *pdev, const struct range *range)
{
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if ((pci_resource_flags(pdev, bar) & IORESOURCE_MEM) &&
		    pci_resource_len(pdev, bar) &&
		    range->start >= pci_resource_start(pdev, bar) &&
		    range->end <= pci_resource_end(pdev, bar))
			return bar;
	}
	return -1;
}

/* The P2P case: pages of @provider's p2pmem, a provider of its window. */
static void dpb_p2p(struct dpb_ctx *c, struct pci_dev *provider)
{
	const struct range *range;
	struct dpb_hot *hot;
	const char *reason = NULL;
	enum dma_vec_map_type type;
	unsigned int k;
	void *area;
	int bar, rc;

	if (!pci_has_p2pmem(provider)) {
		pr_err("dma_vec_p2p_bench: FAIL %s has no p2pmem\n",
		       pci_name(provider));
		dpb_failed++;
		return;
	}
	area = pci_alloc_p2pmem(provider, DPB_AREA);
	hot = kzalloc(sizeof(*hot), GFP_KERNEL);
	if (!area || !hot) {
		pr_err("dma_vec_p2p_bench: FAIL no %u bytes of p2pmem\n",
		       DPB_AREA);
		dpb_failed++;
		goto out;
	}
	for (k = 0; k < DPB_MAX_PAGES; k++) {
		c->pages[k] = virt_to_page(area + 2 * k * DVB_PAGE);
		c->paddrs[k] = page_to_phys(c->pages[k]);
		bvec_set_page(&c->bv[k], c->pages[k], DVB_PAGE, 0);
	}
	range = &c->pages[0]->pgmap->range;
	bar = dpb_bar(provider, range);
	rc = bar < 0 ? -ERANGE :
		dma_vec_provider_init_pci(&hot->prov, provider, bar,
					  range->start -
					  pci_resource_start(provider, bar),
					  range_len(range), NULL);
	if (rc) {
		pr_err("dma_vec_p2p_bench: FAIL no provider for %s: %d\n",
		       pci_name(provider), rc);
		dpb_failed++;
		goto out;
	}
	hot->pdev = provider;
	type = dma_vec_classify(&hot->prov, c->dev, GFP_KERNEL, &reason);
	c->bus_offset = pci_p2pmem_virt_to_bus(provider, area) -
			c->paddrs[0];
	pr_info("dma_vec_p2p_bench: info p2pmem of %s BAR %d [%#llx-%#llx] for %s: class %d (%s), bus offset %#llx\n",
		pci_name(provider), bar, range->start, range->end,
		dev_name(c->dev), type, reason ?: "-", c->bus_offset);
	if (type != DMA_VEC_MAP_BUS_ADDR) {
		pr_err("dma_vec_p2p_bench: FAIL %s reaches %s not by bus address\n",
		       dev_name(c->dev), pci_name(provider));
		dpb_failed++;
	} else {
		c->prov = &hot->prov;
		/* Published complete, as nvme-pci publishes its entries. */
		smp_store_release(&c->hot, hot);
		c->expect_p2p = true;
		dpb_case(c, "per-io-p2p");
		c->expect_p2p = false;
		c->hot = NULL;
		c->prov = NULL;
	}
	dma_vec_provider_destroy(&hot->prov);
out:
	kfree(hot);
	if (area)
		pci_free_p2pmem(provider, area, DPB_AREA);
}

/* The host case: every other page of a 2 MiB block of RAM. */
static void dpb_host(struct dpb_ctx *c)
{
	struct page *block = alloc_pages(GFP_KERNEL, get_order(DPB_AREA));
	unsigned int k;

	if (!block) {
		pr_err("dma_vec_p2p_bench: FAIL no %u bytes of RAM\n",
		       DPB_AREA);
		dpb_failed++;
		return;
	}
	for (k = 0; k < DPB_MAX_PAGES; k++) {
		c->pages[k] = block + 2 * k;
		c->paddrs[k] = page_to_phys(c->pages[k]);
		bvec_set_page(&c->bv[k], c->pages[k], DVB_PAGE, 0);
	}
	/* dma-direct without an IOMMU: DMA addresses are physical. */
	c->bus_offset = 0;
	dpb_case(c, "per-io-host");
	__free_pages(block, get_order(DPB_AREA));
}

static void dpb_run(struct pci_dev *provider, struct pci_dev *client)
{
	struct dpb_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL);
	u64 t0 = ktime_get_ns();

	dpb_passed = 0;
	dpb_failed = 0;
	if (!c)
		goto fail;
	c->dev = &client->dev;
	c->ctrl = (struct dma_vec_nvme_ctrl){
		.page_shift = 12,
		.pool_block = DVB_PAGE,
		.max_map = dma_max_mapping_size(c->dev),
	};
	/* As nvme-pci's prp_page_pool and prp_small_pool. */
	c->ctrl.pool = dma_pool_create("dpb-page", c->dev, DVB_PAGE, DVB_PAGE,
				       0);
	c->ctrl.small_pool = dma_pool_create("dpb-small", c->dev, 256, 256, 0);
	c->prps.page = c->ctrl.pool;
	c->prps.small = c->ctrl.small_pool;
	c->rq = kzalloc(sizeof(*c->rq), GFP_KERNEL);
	/* As nvme_pci_alloc_iod_mempool(), sized for the largest request. */
	c->pool = mempool_create_node(1, mempool_kmalloc, mempool_kfree,
				      (void *)(DPB_MAX_PAGES *
					       sizeof(struct scatterlist)),
				      GFP_KERNEL, dev_to_node(c->dev));
	if (!c->ctrl.pool || !c->ctrl.small_pool || !c->rq || !c->pool)
		goto fail;

	pr_info("dma_vec_p2p_bench: info start provider=%s client=%s reps=%u short=%d target_ms=%u max_map=%llu\n",
		pci_name(provider), pci_name(client), reps, short_mode,
		target_ms, c->ctrl.max_map);
	dpb_p2p(c, provider);
	dpb_host(c);
	goto out;
fail:
	pr_err("dma_vec_p2p_bench: FAIL setup: out of memory\n");
	dpb_failed++;
out:
	if (c) {
		mempool_destroy(c->pool);
		kfree(c->rq);
		dma_pool_destroy(c->ctrl.small_pool);
		dma_pool_destroy(c->ctrl.pool);
		kfree(c);
	}
	pr_info("dma_vec_p2p_bench: info took %llu ms\n",
		div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
	pr_info("dma_vec_p2p_bench: done passed=%u failed=%u\n", dpb_passed,
		dpb_failed);
}

static struct pci_dev *dpb_pci_dev(const char *name)
{
	struct device *dev = bus_find_device_by_name(&pci_bus_type, NULL,
						     name);

	return dev ? to_pci_dev(dev) : NULL;
}

/* "PROVIDER CLIENT": PCI device names, as in /sys/bus/pci/devices. */
static int dpb_run_set(const char *val, const struct kernel_param *kp)
{
	struct pci_dev *provider = NULL, *client = NULL;
	char *buf, *p, *a, *b;
	int rc = -EINVAL;

	buf = kstrdup(val, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = strim(buf);
	a = strsep(&p, " ");
	b = p ? strim(p) : NULL;
	if (!a || !*a || !b || !*b)
		goto out;
	provider = dpb_pci_dev(a);
	client = dpb_pci_dev(b);
	if (!provider || !client) {
		rc = -ENODEV;
		goto out;
	}
	/* The client's DMA mask is set by its driver's probe. */
	device_lock(&client->dev);
	if (client->dev.driver)
		dpb_run(provider, client);
	else
		rc = -ENXIO;
	device_unlock(&client->dev);
	if (rc != -ENXIO)
		rc = 0;
out:
	pci_dev_put(client);
	pci_dev_put(provider);
	kfree(buf);
	return rc;
}

static const struct kernel_param_ops dpb_run_ops = {
	.set = dpb_run_set,
};
module_param_cb(run, &dpb_run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "Write \"PROVIDER CLIENT\" (PCI names) to run");

MODULE_DESCRIPTION("Per-I/O benchmark of dma_vec against scatterlists on P2P memory");
MODULE_LICENSE("GPL");
