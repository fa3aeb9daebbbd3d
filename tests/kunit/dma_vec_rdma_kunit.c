// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the dma_vec RDMA builders
 * (drivers/infiniband/core/dma_vec_rdma.c)
 *
 * MR page lists: the DMA ranges are made up (the builders never touch the
 * memory), the MR is a plain struct ib_mr and the driver's page-list
 * callback collects what it is given.  Expected values follow from the
 * rules of ib_sg_to_pages() and ib_umem_find_best_pgsz() in
 * drivers/infiniband/core.
 *
 * RDMA READ/WRITE chains: host pages of a block of real RAM, mapped in one
 * pass for a kunit_device_register() device with no IOMMU, so the DMA
 * address of a page is its physical one, and every chain is compared with
 * a reference built the simple way.
 *
 * One body, two worlds: the userspace build runs this file too (test
 * kunit_rdma, through compat/include/kunit/test.h); tests/user/test_rdma.c
 * adds allocation failures and end-to-end transfers through a simulated
 * HCA.
 */
#include <kunit/device.h>
#include <kunit/resource.h>
#include <kunit/test.h>
#include <rdma/dma_vec.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec_p2p.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dma_vec_rdma_ref.h"

#define DVK_PGSZ	(SZ_4K | SZ_2M | SZ_1G)

struct dvk_pages {
	u64 addr[16];
	unsigned int nr;
	unsigned int fail_at;	/* fail this call (1-based), 0 never */
};

static int dvk_set_page(void *ctx, u64 addr)
{
	struct dvk_pages *p = ctx;

	if (p->fail_at && p->nr + 1 == p->fail_at)
		return -ENOSPC;
	if (p->nr == ARRAY_SIZE(p->addr))
		return -ENOMEM;
	p->addr[p->nr++] = addr;
	return 0;
}

struct dvk_mr_case {
	const char *name;
	struct dma_vec_drange r[3];
	unsigned int nr;
	unsigned int page_size;
	unsigned int max_pages;
	u64 pages[4];
	unsigned int nr_pages;
	u64 length;
};

static const struct dvk_mr_case dvk_mr_cases[] = {
	{ "offset first, short last",
	  { { 0x10100, 0x1f00 }, { 0x20000, 0x800 } }, 2, SZ_4K, 16,
	  { 0x10000, 0x11000, 0x20000 }, 3, 0x2700 },
	{ "contiguous continuation mid-page",
	  { { 0x10000, 0x800 }, { 0x10800, 0x1800 }, { 0x30000, 0x10 } }, 3,
	  SZ_4K, 16, { 0x10000, 0x11000, 0x30000 }, 3, 0x2010 },
	{ "gap after a contiguous continuation that ends short",
	  { { 0x10000, 0x800 }, { 0x10800, 0x1000 }, { 0x30000, 0x10 } }, 3,
	  SZ_4K, 16, { 0x10000, 0x11000 }, 2, 0x1800 },
	{ "gap: first ends short",
	  { { 0x10000, 0x800 }, { 0x20000, 0x1000 } }, 2, SZ_4K, 16,
	  { 0x10000 }, 1, 0x800 },
	{ "gap: second starts mid-page",
	  { { 0x10000, 0x1000 }, { 0x20010, 0x10 } }, 2, SZ_4K, 16,
	  { 0x10000 }, 1, 0x1000 },
	{ "page list full", { { 0x10000, 0x5000 } }, 1, SZ_4K, 3,
	  { 0x10000, 0x11000, 0x12000 }, 3, 0x3000 },
	{ "2 MiB pages, offset first", { { 0x40100000, 0x300000 } }, 1,
	  SZ_2M, 16, { 0x40000000, 0x40200000 }, 2, 0x300000 },
};

KUNIT_ARRAY_PARAM_DESC(dvk_mr, dvk_mr_cases, name);

static void dvk_mr_pages(struct kunit *test)
{
	const struct dvk_mr_case *c = test->param_value;
	struct ib_mr mr = { .type = IB_MR_TYPE_MEM_REG };
	struct dvk_pages *p;
	u64 cnt, bytes;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, dma_vec_rdma_map_mr_pages(&mr, c->r, c->nr,
							c->page_size,
							c->max_pages,
							dvk_set_page, p),
			c->nr_pages);
	KUNIT_ASSERT_EQ(test, p->nr, c->nr_pages);
	KUNIT_EXPECT_MEMEQ(test, p->addr, c->pages,
			   c->nr_pages * sizeof(u64));
	KUNIT_EXPECT_EQ(test, mr.iova, c->r[0].addr);
	KUNIT_EXPECT_EQ(test, mr.length, c->length);
	KUNIT_EXPECT_EQ(test, mr.page_size, c->page_size);
	KUNIT_ASSERT_EQ(test, dma_vec_rdma_count_mr_pages(c->r, c->nr,
							  c->page_size, &cnt,
							  &bytes), 0);
	if (cnt <= c->max_pages) {
		KUNIT_EXPECT_EQ(test, cnt, c->nr_pages);
		KUNIT_EXPECT_EQ(test, bytes, c->length);
	}
}

static void dvk_mr_errors(struct kunit *test)
{
	static const struct dma_vec_drange r[] = { { 0x10000, 0x3000 } };
	static const struct dma_vec_drange zero[] = { { 0x10000, 0 } };
	static const struct dma_vec_drange wrap[] = { { U64_MAX - 10, 20 } };
	struct ib_mr mr, before;
	struct dvk_pages *p;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(&mr, 0x6b, sizeof(mr));
	mr.type = IB_MR_TYPE_MEM_REG;
	before = mr;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_map_mr_pages(&mr, r, 1, 0x1800, 8,
							dvk_set_page, p),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_map_mr_pages(&mr, r, 1, SZ_4K, 0,
							dvk_set_page, p),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_map_mr_pages(&mr, zero, 1, SZ_4K, 8,
							dvk_set_page, p),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_map_mr_pages(&mr, wrap, 1, SZ_4K, 8,
							dvk_set_page, p),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_map_mr_pages(&mr, r, 1, SZ_4K, 8,
							NULL, p),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, p->nr, 0U);
	/* The driver refusing the first page: its error, MR untouched. */
	p->fail_at = 1;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_map_mr_pages(&mr, r, 1, SZ_4K, 8,
							dvk_set_page, p),
			-ENOSPC);
	KUNIT_EXPECT_MEMEQ(test, &mr, &before, sizeof(mr));
	/* ... a later page: a short mapping. */
	p->fail_at = 3;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_map_mr_pages(&mr, r, 1, SZ_4K, 8,
							dvk_set_page, p), 2);
	KUNIT_EXPECT_EQ(test, mr.length, 0x2000);
	/* An SG_GAPS MR is not a page list. */
	mr.type = IB_MR_TYPE_SG_GAPS;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_map_mr_pages(&mr, r, 1, SZ_4K, 8,
							dvk_set_page, p),
			-EOPNOTSUPP);
}

struct dvk_klms {
	u64 addr[16];
	u32 len[16];
	unsigned int nr;
};

static int dvk_set_klm(void *ctx, u64 addr, u32 len)
{
	struct dvk_klms *k = ctx;

	if (k->nr == ARRAY_SIZE(k->addr))
		return -ENOMEM;
	k->addr[k->nr] = addr;
	k->len[k->nr++] = len;
	return 0;
}

/* No gap stops an SG_GAPS walk; entries are at most 4 GiB - 1. */
static void dvk_mr_klms(struct kunit *test)
{
	static const struct dma_vec_drange r[] = {
		{ 0x10010, 0x20 }, { 0x30007, 5 },
		{ 0x100000000ULL, 5ULL << 30 },
	};
	struct ib_mr mr = { .type = IB_MR_TYPE_SG_GAPS };
	struct dvk_klms *k;

	k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_ASSERT_EQ(test, dma_vec_rdma_map_mr_klms(&mr, r, 3, 16,
						       dvk_set_klm, k), 4);
	KUNIT_EXPECT_EQ(test, k->addr[1], 0x30007);
	KUNIT_EXPECT_EQ(test, k->len[1], 5);
	KUNIT_EXPECT_EQ(test, k->len[2], U32_MAX);
	KUNIT_EXPECT_EQ(test, mr.iova, 0x10010);
	KUNIT_EXPECT_EQ(test, mr.length, 0x25 + (5ULL << 30));
	/* Capped: a short mapping. */
	k->nr = 0;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_map_mr_klms(&mr, r, 3, 2,
						       dvk_set_klm, k), 2);
	KUNIT_EXPECT_EQ(test, mr.length, 0x25);
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_map_mr_klms(&mr, r, 3, 0,
						       dvk_set_klm, k), -EINVAL);
}

struct dvk_pgsz_case {
	const char *name;
	struct dma_vec_drange r[3];
	unsigned int nr;
	unsigned long bitmap;
	u64 iova;
	unsigned long best;
};

/* 0: no size of the bitmap fits. */
static const struct dvk_pgsz_case dvk_pgsz_cases[] = {
	{ "2 MiB blocks, scattered", { { 0x40000000, SZ_2M },
	  { 0x10a00000, SZ_2M }, { 0x20600000, SZ_2M } }, 3, DVK_PGSZ,
	  0x40000000, SZ_2M },
	{ "iova offset differs from DMA offset", { { 0x40000000, SZ_2M },
	  { 0x10a00000, SZ_2M } }, 2, DVK_PGSZ, 0x1000, SZ_4K },
	{ "one 1 GiB aligned range", { { 0x40000000, SZ_1G } }, 1, DVK_PGSZ,
	  0x40000000, SZ_1G },
	{ "small range: the smallest size spanning it, not 1 GiB",
	  { { 0x40000000, 0x3000 } }, 1, DVK_PGSZ, 0x40000000, SZ_2M },
	{ "small range straddling 2 MiB: one 1 GiB page",
	  { { 0x401ff000, 0x3000 } }, 1, DVK_PGSZ, 0x401ff000, SZ_1G },
	{ "... or two 2 MiB pages without 1 GiB", { { 0x401ff000, 0x3000 } },
	  1, SZ_4K | SZ_2M, 0x401ff000, SZ_2M },
	{ "inner end not 4 KiB aligned", { { 0x40000000, 0x1800 },
	  { 0x80000000, 0x1000 } }, 2, DVK_PGSZ, 0x40000000, 0 },
	{ "... but 2 KiB aligned", { { 0x40000000, 0x1800 },
	  { 0x80000000, 0x1000 } }, 2, DVK_PGSZ | SZ_2K | SZ_1K, 0x40000000,
	  SZ_2K },
	{ "... and 4 KiB is the smallest size", { { 0x40000000, 0x1800 },
	  { 0x80000000, 0x1000 } }, 2, SZ_4K | SZ_2M, 0x40000000, 0 },
	{ "contiguous ranges do not constrain", { { 0x40000000, SZ_1M },
	  { 0x40100000, SZ_1M } }, 2, DVK_PGSZ, 0x40000000, SZ_2M },
	{ "offset first element keeps its offset",
	  { { 0x40000100, SZ_2M - 0x100 }, { 0x60000000, SZ_2M } }, 2,
	  DVK_PGSZ, 0x40000100, SZ_2M },
	{ "no ranges", { { 0x40000000, SZ_2M } }, 0, DVK_PGSZ, 0, 0 },
	{ "iova range wraps", { { 0x40000000, SZ_2M } }, 1, DVK_PGSZ,
	  U64_MAX, 0 },
};

KUNIT_ARRAY_PARAM_DESC(dvk_pgsz, dvk_pgsz_cases, name);

static void dvk_best_page_size(struct kunit *test)
{
	const struct dvk_pgsz_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, dma_vec_rdma_best_page_size(c->r, c->nr,
							  c->bitmap, c->iova),
			c->best);
}

/* ---- RDMA READ/WRITE chains, mapped in one pass ---- */

#define DVK_RW_ORDER	4	/* a block of 16 physically contiguous pages */
#define DVK_RW_BLOCK	(PAGE_SIZE << DVK_RW_ORDER)
#define DVK_RW_MAX	512	/* SGEs a reference holds */

KUNIT_DEFINE_ACTION_WRAPPER(dvk_rw_destroy, dma_vec_rdma_rw_destroy,
			    struct dma_vec_rdma_rw_ctx *);
KUNIT_DEFINE_ACTION_WRAPPER(dvk_table_release, dma_vec_table_release,
			    struct dma_vec_table *);

static void dvk_rw_free_block(void *page)
{
	__free_pages(page, DVK_RW_ORDER);
}

/*
 * The pieces of a one-pass test: the HCA's DMA device, a block of host
 * RAM, a table and a context, released by KUnit if the test does not.
 */
struct dvk_rw_fix {
	struct device *dev;
	phys_addr_t base;
	struct dma_vec_table *tbl;
	struct dma_vec_rdma_rw_ctx *ctx;
	struct ib_sge *ref;
};

static void dvk_rw_fix(struct kunit *test, struct dvk_rw_fix *f)
{
	struct page *block;

	f->dev = kunit_device_register(test, "dvk_rdma_rw");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->dev);
	KUNIT_ASSERT_EQ(test, 0, dma_set_mask_and_coherent(f->dev,
							   DMA_BIT_MASK(64)));
	block = alloc_pages(GFP_KERNEL, DVK_RW_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   dvk_rw_free_block,
							   block));
	f->base = page_to_phys(block);
	f->tbl = kunit_kzalloc(test, sizeof(*f->tbl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->tbl);
	dma_vec_table_init(f->tbl);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   dvk_table_release,
							   f->tbl));
	f->ctx = kunit_kzalloc(test, sizeof(*f->ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->ctx);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   dvk_rw_destroy,
							   f->ctx));
	f->ref = kunit_kcalloc(test, DVK_RW_MAX, sizeof(*f->ref), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->ref);
}

/**
 * struct dvk_rw_params - what a transfer is built under
 * @lim: SGE limits
 * @max_map: mapping size of the device, 0 for none
 * @max_sge: SGEs per work request
 * @read: RDMA READ, else WRITE
 * @max_msg: most bytes of a work request, 0 for no limit
 */
struct dvk_rw_params {
	struct dma_vec_limits lim;
	u64 max_map;
	u32 max_sge;
	bool read;
	u32 max_msg;
};

/*
 * The SGEs of a slice of host memory built the simple way, one step at a
 * time: the device is not behind an IOMMU (a host page's DMA address is
 * its physical one), a range is mapped in pieces of the mapping size from
 * the start of its first page, and a piece is cut at the 32-bit SGE
 * length, the maximum segment size and the message size (moved back to
 * the alignment) and the segment boundary.  Returns the number of SGEs.
 */
static unsigned int dvk_rw_ref(struct kunit *test,
			       const struct dma_vec_slice *slice,
			       const struct dvk_rw_params *p, struct ib_sge *out)
{
	u64 mm = p->max_map ? p->max_map & PAGE_MASK : U64_MAX;
	struct dma_vec_limits lim = p->lim;
	struct dma_vec_iter it;
	unsigned int n = 0;

	if (p->max_msg)
		lim.max_seg = min_t(u64, lim.max_seg,
				    p->max_msg & ~(lim.align - 1));

	mm = clamp_t(u64, mm, PAGE_SIZE, U32_MAX & PAGE_MASK);
	dma_vec_for_each_chunk(slice, NULL, &it) {
		u64 pa = it.paddr, left = it.len;

		while (left) {
			u64 piece = min(left, mm - offset_in_page(pa));

			n = dvk_rw_ref_piece(pa, piece, &lim, out, n,
					     DVK_RW_MAX);
			KUNIT_ASSERT_LE(test, n, DVK_RW_MAX);
			pa += piece;
			left -= piece;
		}
	}
	return n;
}

/*
 * How many SGEs of @ref from @k the work request starting there takes: at
 * most @p->max_sge, and no more bytes than @p->max_msg.
 */
static unsigned int dvk_rw_wr_len(const struct dvk_rw_params *p,
				  const struct ib_sge *ref, unsigned int k,
				  unsigned int nr)
{
	u64 bytes = 0;
	unsigned int n = 0;

	while (k + n < nr && n < p->max_sge &&
	       (!p->max_msg || bytes + ref[k + n].length <= p->max_msg))
		bytes += ref[k + n++].length;
	return n;
}

/* The work requests of @ref. */
static unsigned int dvk_rw_nr_wrs(const struct dvk_rw_params *p,
				  const struct ib_sge *ref, unsigned int nr)
{
	unsigned int k, w = 0;

	for (k = 0; k < nr; w++)
		k += dvk_rw_wr_len(p, ref, k, nr);
	return w;
}

/*
 * The chain of @ctx is @ref cut into work requests of @p->max_sge SGEs
 * and at most @p->max_msg bytes, each at the remote address of its first
 * byte; the context holds it inline exactly when it fits there.
 */
static void dvk_rw_check(struct kunit *test, struct dma_vec_rdma_rw_ctx *ctx,
			 const struct dvk_rw_params *p, const struct ib_sge *ref,
			 unsigned int nr, u64 raddr, int ret)
{
	unsigned int nr_wrs = dvk_rw_nr_wrs(p, ref, nr), w, k = 0;
	const struct ib_send_wr *wr = &ctx->wrs[0].wr;

	KUNIT_ASSERT_EQ(test, ret, (int)nr_wrs);
	KUNIT_ASSERT_EQ(test, ctx->nr_wrs, nr_wrs);
	KUNIT_ASSERT_EQ(test, ctx->nr_sges, nr);
	KUNIT_EXPECT_EQ(test, ctx->wrs == ctx->inl_wrs,
			nr <= DMA_VEC_RDMA_RW_INLINE_SGES &&
			nr_wrs <= DMA_VEC_RDMA_RW_INLINE_WRS);
	KUNIT_EXPECT_PTR_EQ(test, dma_vec_rdma_rw_first_wr(ctx), wr);
	for (w = 0; w < nr_wrs; w++, wr = wr->next) {
		unsigned int i, n = dvk_rw_wr_len(p, ref, k, nr);

		KUNIT_ASSERT_NOT_NULL(test, wr);
		KUNIT_EXPECT_EQ(test, wr->opcode,
				p->read ? IB_WR_RDMA_READ : IB_WR_RDMA_WRITE);
		KUNIT_EXPECT_EQ(test, rdma_wr(wr)->remote_addr, raddr);
		KUNIT_EXPECT_EQ(test, rdma_wr(wr)->rkey, 0x99);
		KUNIT_ASSERT_EQ(test, wr->num_sge, (int)n);
		KUNIT_EXPECT_PTR_EQ(test, wr->sg_list, &ctx->sges[k]);
		for (i = 0; i < n; i++, k++) {
			KUNIT_EXPECT_EQ(test, wr->sg_list[i].addr, ref[k].addr);
			KUNIT_EXPECT_EQ(test, wr->sg_list[i].length,
					ref[k].length);
			KUNIT_EXPECT_EQ(test, wr->sg_list[i].lkey, 0x42);
			raddr += ref[k].length;
		}
	}
	KUNIT_EXPECT_NULL(test, wr);
}

/*
 * Build @slice under @p and compare it with the reference; then destroy.
 * Returns whether the chain was allocated.
 */
static bool dvk_rw_run(struct kunit *test, struct dvk_rw_fix *f,
		       const struct dma_vec_slice *slice,
		       const struct dvk_rw_params *p)
{
	struct dma_vec_rdma_rw_dev dev = {
		.dma_dev = f->dev, .lim = p->lim, .max_map = p->max_map,
		.max_sge = p->read ? 1000 : p->max_sge,
		.max_sge_rd = p->read ? p->max_sge : 1000, .lkey = 0x42,
		.max_msg = p->max_msg,
	};
	unsigned int nr = dvk_rw_ref(test, slice, p, f->ref);
	u64 raddr = 0x7000000;
	bool allocated;
	int ret;

	ret = dma_vec_rdma_rw_init(f->ctx, &dev, slice, raddr, 0x99,
				   p->read ? DMA_FROM_DEVICE : DMA_TO_DEVICE,
				   GFP_KERNEL);
	dvk_rw_check(test, f->ctx, p, f->ref, nr, raddr, ret);
	allocated = f->ctx->wrs != f->ctx->inl_wrs;
	dma_vec_rdma_rw_destroy(f->ctx);
	KUNIT_EXPECT_EQ(test, f->ctx->nr_wrs, 0U);
	KUNIT_EXPECT_PTR_EQ(test, f->ctx->wrs, &f->ctx->inl_wrs[0]);
	KUNIT_EXPECT_EQ(test, f->ctx->io.nr_recs, 0U);
	/* Destroying twice is fine. */
	dma_vec_rdma_rw_destroy(f->ctx);
	return allocated;
}

#define DVK_LIM64K	{ SZ_64K, 0xffffffffULL, 1 }

/**
 * struct dvk_rw_case - one transfer of the one-pass tests
 * @name: description
 * @off: offset of each range in the block
 * @len: length of each range
 * @nr: number of ranges
 * @slice_off: where the transfer starts in the table
 * @slice_len: its length, 0 for the rest of the table
 * @p: what it is built under
 * @nr_sges: SGEs expected
 * @nr_wrs: work requests expected
 */
struct dvk_rw_case {
	const char *name;
	u32 off[8];
	u32 len[8];
	unsigned int nr;
	u32 slice_off;
	u32 slice_len;
	struct dvk_rw_params p;
	unsigned int nr_sges;
	unsigned int nr_wrs;
};

#define DVK_PG(n)	((n) * 0x1000)

static const struct dvk_rw_case dvk_rw_cases[] = {
	{ "one range: one SGE, inline", { 0x100 }, { 0x800 }, 1, 0, 0,
	  { DVK_LIM64K, 0, 4, false, 0 }, 1, 1 },
	{ "adjacent ranges merge in the table", { 0, DVK_PG(1) },
	  { DVK_PG(1), DVK_PG(1) }, 2, 0, 0, { DVK_LIM64K, 0, 4, true, 0 },
	  1, 1 },
	{ "eight pages: inline to the last SGE",
	  { DVK_PG(0), DVK_PG(2), DVK_PG(4), DVK_PG(6), DVK_PG(8),
	    DVK_PG(10), DVK_PG(12), DVK_PG(14) },
	  { 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000 },
	  8, 0, 0, { DVK_LIM64K, 0, 4, false, 0 }, 8, 2 },
	{ "nine SGEs: one allocation",
	  { DVK_PG(0), DVK_PG(2), DVK_PG(4), DVK_PG(6), DVK_PG(8),
	    DVK_PG(10), DVK_PG(12), DVK_PG(14) },
	  { 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x2000 },
	  8, 0, 0, { { 0x1000, 0xffffffffULL, 1 }, 0, 8, false, 0 }, 9, 2 },
	{ "two work requests of one SGE: inline", { 0, DVK_PG(2) },
	  { 0x10, 0x20 }, 2, 0, 0, { DVK_LIM64K, 0, 1, true, 0 }, 2, 2 },
	{ "three work requests of one SGE: one allocation",
	  { 0, DVK_PG(2), DVK_PG(4) }, { 0x10, 0x20, 0x30 }, 3, 0, 0,
	  { DVK_LIM64K, 0, 1, true, 0 }, 3, 3 },
	{ "a boundary every page, unaligned start", { 0x800 }, { 0x3000 }, 1,
	  0, 0, { { SZ_64K, 0xfff, 1 }, 0, 2, false, 0 }, 4, 2 },
	{ "maximum segment not a power of two, aligned cuts", { 0x10 },
	  { 0x5000 }, 1, 0, 0, { { 0x1100, U64_MAX, 0x100 }, 0, 3, false, 0 },
	  5, 2 },
	{ "a mapping size of one page cuts every page", { 0x200 },
	  { 0x3000 }, 1, 0, 0, { DVK_LIM64K, PAGE_SIZE, 8, false, 0 }, 4, 1 },
	{ "a mapping size of three pages", { 0x10 }, { 0x9000 }, 1, 0, 0,
	  { DVK_LIM64K, 3 * PAGE_SIZE, 2, true, 0 }, 4, 2 },
	{ "a message size of 5 KiB: a work request per page",
	  { DVK_PG(0), DVK_PG(2), DVK_PG(4) }, { 0x1000, 0x1000, 0x1000 }, 3,
	  0, 0, { DVK_LIM64K, 0, 4, false, 0x1400 }, 3, 3 },
	{ "a message size below the segment: SGEs cut at it, aligned",
	  { 0x10 }, { 0x3000 }, 1, 0, 0,
	  { { SZ_64K, U64_MAX, 0x100 }, 0, 8, true, 0x1010 }, 4, 3 },
	{ "a slice in the middle of the table",
	  { 0, DVK_PG(3), DVK_PG(7), DVK_PG(12) },
	  { 0x2000, 0x3000, 0x4000, 0x1000 }, 4, 0x1234, 0x4321,
	  { { 0x800, 0xffffffffULL, 1 }, 0, 3, true, 0 }, 9, 3 },
};

KUNIT_ARRAY_PARAM_DESC(dvk_rw, dvk_rw_cases, name);

static void dvk_rw_table(struct kunit *test, struct dvk_rw_fix *f,
			 const u32 *off, const u32 *len, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		KUNIT_ASSERT_EQ(test, 0, dma_vec_append(f->tbl,
							f->base + off[i],
							len[i], NULL,
							GFP_KERNEL));
}

static void dvk_rw_case(struct kunit *test)
{
	const struct dvk_rw_case *c = test->param_value;
	struct dma_vec_slice slice;
	struct dvk_rw_fix f;
	u64 len;

	dvk_rw_fix(test, &f);
	dvk_rw_table(test, &f, c->off, c->len, c->nr);
	len = c->slice_len ? c->slice_len : dma_vec_len(f.tbl) - c->slice_off;
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(f.tbl, c->slice_off, len,
					       &slice));
	KUNIT_ASSERT_EQ(test, dvk_rw_ref(test, &slice, &c->p, f.ref),
			c->nr_sges);
	KUNIT_ASSERT_EQ(test, dvk_rw_nr_wrs(&c->p, f.ref, c->nr_sges),
			c->nr_wrs);
	dvk_rw_run(test, &f, &slice, &c->p);
}

/* xorshift64*: a fixed sequence in both worlds. */
static u64 dvk_rng(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static u64 dvk_rng_range(u64 *s, u64 lo, u64 hi)
{
	return lo + dvk_rng(s) % (hi - lo + 1);
}

/*
 * Random layouts of the block (disjoint ranges in random order, random
 * slices) under random limits, mapping sizes (powers of two or not) and
 * SGEs per work request, READ and WRITE: every chain is the reference, and
 * every allocation the bound sized held the whole transfer.
 */
static void dvk_rw_random(struct kunit *test)
{
	static const u64 maps[] = { 0, PAGE_SIZE, 2 * PAGE_SIZE,
				    3 * PAGE_SIZE, 5 * PAGE_SIZE + 7 };
	u32 off[8], len[8];
	struct dvk_rw_fix f;
	unsigned int round, allocated = 0;
	u64 seed = 0x5eed;

	dvk_rw_fix(test, &f);
	for (round = 0; round < 300; round++) {
		unsigned int i, nr = dvk_rng_range(&seed, 1, 8);
		u32 slot = DVK_RW_BLOCK / nr;
		struct dma_vec_slice slice;
		struct dvk_rw_params p;
		u64 total, s_off, s_len;

		for (i = 0; i < nr; i++) {
			off[i] = i * slot + dvk_rng_range(&seed, 0, slot / 2);
			len[i] = dvk_rng_range(&seed, 1,
					       (i + 1) * slot - off[i]);
		}
		for (i = nr - 1; i > 0; i--) {
			unsigned int j = dvk_rng_range(&seed, 0, i);
			u32 o = off[i], n = len[i];

			off[i] = off[j];
			len[i] = len[j];
			off[j] = o;
			len[j] = n;
		}
		dma_vec_table_release(f.tbl);
		dvk_rw_table(test, &f, off, len, nr);
		total = dma_vec_len(f.tbl);
		s_off = dvk_rng(&seed) & 1 ? dvk_rng_range(&seed, 0,
							   total - 1) : 0;
		s_len = dvk_rng_range(&seed, 1, total - s_off);
		KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(f.tbl, s_off, s_len,
						       &slice));

		p.lim.align = 1ULL << dvk_rng_range(&seed, 0, 3) * 3;
		p.lim.seg_boundary_mask = dvk_rng(&seed) & 1 ? U64_MAX :
			(1ULL << dvk_rng_range(&seed, 9, 16)) - 1;
		p.lim.max_seg = max_t(u64, p.lim.align, 512);
		p.lim.max_seg = dvk_rng_range(&seed, p.lim.max_seg, 3 * SZ_4K);
		p.max_map = maps[dvk_rng_range(&seed, 0, ARRAY_SIZE(maps) - 1)];
		p.max_sge = dvk_rng_range(&seed, 1, 6);
		p.read = dvk_rng(&seed) & 1;
		p.max_msg = dvk_rng(&seed) & 1 ? 0 :
			    dvk_rng_range(&seed, 512, 5 * SZ_4K);
		KUNIT_ASSERT_TRUE(test, dma_vec_limits_valid(&p.lim));
		allocated += dvk_rw_run(test, &f, &slice, &p);
	}
	/* Both sides of the inline capacity were taken. */
	KUNIT_EXPECT_GT(test, allocated, 0U);
	KUNIT_EXPECT_LT(test, allocated, round);
}

/*
 * The bound that sizes the allocation at its tight edge: pieces shorter
 * than the maximum segment, no boundary, no alignment, one per range (a
 * mapping covers each whole) take one SGE each, which is what the bound
 * counts for them.  With eight inline, the ninth SGE moves the chain to
 * an allocation of exactly the SGEs the transfer needs, and of the work
 * requests they fill; one SGE more or fewer moves the edge with it.
 */
static void dvk_rw_bound_exact(struct kunit *test)
{
	struct dma_vec_rdma_rw_dev dev = {
		.lim = { SZ_4K, U64_MAX, 1 }, .max_sge = 4, .max_sge_rd = 4,
		.lkey = 0x42,
	};
	struct dma_vec_slice slice;
	struct dvk_rw_fix f;
	unsigned int nr, i;

	dvk_rw_fix(test, &f);
	dev.dma_dev = f.dev;
	for (nr = 8; nr <= 12; nr++) {
		dma_vec_table_release(f.tbl);
		for (i = 0; i < nr; i++)
			KUNIT_ASSERT_EQ(test, 0,
					dma_vec_append(f.tbl,
						       f.base + i * 0x1000 + 8,
						       0x100, NULL,
						       GFP_KERNEL));
		dma_vec_slice_all(f.tbl, &slice);
		KUNIT_ASSERT_EQ(test, dma_vec_rdma_rw_init(f.ctx, &dev, &slice,
							   0, 1,
							   DMA_TO_DEVICE,
							   GFP_KERNEL),
				(int)DIV_ROUND_UP(nr, 4));
		KUNIT_EXPECT_EQ(test, f.ctx->nr_sges, nr);
		if (nr == 8) {
			KUNIT_EXPECT_PTR_EQ(test, f.ctx->wrs, &f.ctx->inl_wrs[0]);
		} else {
			KUNIT_EXPECT_EQ(test, f.ctx->cap_sges, nr);
			KUNIT_EXPECT_EQ(test, f.ctx->cap_wrs,
					DIV_ROUND_UP(nr, 4));
		}
		dma_vec_rdma_rw_destroy(f.ctx);
	}
}

/* Invalid arguments: -EINVAL, the context untouched, nothing mapped. */
static void dvk_rw_errors(struct kunit *test)
{
	static const u32 off[] = { 0x100, DVK_PG(4) };
	static const u32 len[] = { 0x2000, 0x800 };
	struct dma_vec_rdma_rw_ctx *before;
	struct dma_vec_rdma_rw_dev dev;
	struct dma_vec_slice slice, bad;
	struct dvk_rw_fix f;

	dvk_rw_fix(test, &f);
	dvk_rw_table(test, &f, off, len, 2);
	dma_vec_slice_all(f.tbl, &slice);
	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	memset(f.ctx, 0x3c, sizeof(*f.ctx));
	memcpy(before, f.ctx, sizeof(*before));
	dev = (struct dma_vec_rdma_rw_dev){
		.dma_dev = f.dev, .lim = DVK_LIM64K, .max_sge = 2,
		.max_sge_rd = 1, .lkey = 0x42,
	};

#define DVK_RW_BAD(d, s, raddr, dir)					\
	do {								\
		KUNIT_EXPECT_EQ(test, dma_vec_rdma_rw_init(f.ctx, d, s,	\
							   raddr, 1,	\
							   dir,		\
							   GFP_KERNEL),	\
				-EINVAL);				\
		KUNIT_EXPECT_MEMEQ(test, f.ctx, before, sizeof(*before)); \
	} while (0)

	DVK_RW_BAD(&dev, &slice, 0, DMA_BIDIRECTIONAL);
	DVK_RW_BAD(&dev, &slice, 0, DMA_NONE);
	DVK_RW_BAD(NULL, &slice, 0, DMA_TO_DEVICE);
	DVK_RW_BAD(&dev, NULL, 0, DMA_TO_DEVICE);
	/* The remote range wraps. */
	DVK_RW_BAD(&dev, &slice, U64_MAX - 8, DMA_TO_DEVICE);
	/* An empty slice, one past the table. */
	bad = slice;
	bad.len = 0;
	DVK_RW_BAD(&dev, &bad, 0, DMA_TO_DEVICE);
	bad = slice;
	bad.first = 2;
	DVK_RW_BAD(&dev, &bad, 0, DMA_TO_DEVICE);
	bad = slice;
	bad.len++;
	DVK_RW_BAD(&dev, &bad, 0, DMA_FROM_DEVICE);
	/* No SGE per READ work request. */
	dev.max_sge_rd = 0;
	DVK_RW_BAD(&dev, &slice, 0, DMA_FROM_DEVICE);
	dev.max_sge_rd = 1;
	/* Invalid limits. */
	dev.lim.align = 3;
	DVK_RW_BAD(&dev, &slice, 0, DMA_TO_DEVICE);
	dev.lim.align = 1;
	dev.lim.seg_boundary_mask = 0x3000;
	DVK_RW_BAD(&dev, &slice, 0, DMA_TO_DEVICE);
	dev.lim.seg_boundary_mask = U64_MAX;
	/* A message size below the alignment: no SGE fits it. */
	dev.lim.align = 8;
	dev.max_msg = 7;
	DVK_RW_BAD(&dev, &slice, 0, DMA_TO_DEVICE);
	dev.lim.align = 1;
	dev.max_msg = 0;
	/* No DMA device. */
	dev.dma_dev = NULL;
	DVK_RW_BAD(&dev, &slice, 0, DMA_TO_DEVICE);
#undef DVK_RW_BAD

	/* A zeroed context may be destroyed, and so may a built one twice. */
	memset(f.ctx, 0, sizeof(*f.ctx));
	dma_vec_rdma_rw_destroy(f.ctx);
	dev.dma_dev = f.dev;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_rw_init(f.ctx, &dev, &slice, 0, 1,
						   DMA_TO_DEVICE, GFP_KERNEL),
			1);
	dma_vec_rdma_rw_destroy(f.ctx);
	dma_vec_rdma_rw_destroy(f.ctx);
}

/*
 * A range the mapping refuses (host memory at 16 TiB, where no RAM is)
 * after others were mapped and, with @many, the SGEs moved to an
 * allocation: its error, and the context left empty with nothing mapped
 * or allocated (the userspace platform checks both after every case).
 */
static void dvk_rw_map_error(struct kunit *test)
{
	struct dma_vec_rdma_rw_dev dev = {
		.lim = DVK_LIM64K, .max_sge = 2, .max_sge_rd = 2, .lkey = 0x42,
	};
	struct dma_vec_slice slice;
	struct dvk_rw_fix f;
	unsigned int many, i;

	dvk_rw_fix(test, &f);
	dev.dma_dev = f.dev;
	for (many = 0; many < 2; many++) {
		dma_vec_table_release(f.tbl);
		for (i = 0; i < (many ? 12 : 1); i++)
			KUNIT_ASSERT_EQ(test, 0,
					dma_vec_append(f.tbl,
						       f.base + i * 0x1000,
						       0x800, NULL,
						       GFP_KERNEL));
		KUNIT_ASSERT_EQ(test, 0, dma_vec_append(f.tbl, 1ULL << 44,
							0x1000, NULL,
							GFP_KERNEL));
		dma_vec_slice_all(f.tbl, &slice);
		KUNIT_EXPECT_EQ(test,
				dma_vec_rdma_rw_init(f.ctx, &dev, &slice, 0, 1,
						     DMA_TO_DEVICE,
						     GFP_KERNEL), -EFAULT);
		KUNIT_EXPECT_EQ(test, f.ctx->nr_wrs, 0U);
		KUNIT_EXPECT_EQ(test, f.ctx->nr_sges, 0U);
		KUNIT_EXPECT_PTR_EQ(test, f.ctx->wrs, &f.ctx->inl_wrs[0]);
		KUNIT_EXPECT_EQ(test, f.ctx->io.nr_recs, 0U);
	}
}

static struct kunit_case dma_vec_rdma_cases[] = {
	KUNIT_CASE_PARAM(dvk_mr_pages, dvk_mr_gen_params),
	KUNIT_CASE(dvk_mr_errors),
	KUNIT_CASE(dvk_mr_klms),
	KUNIT_CASE_PARAM(dvk_best_page_size, dvk_pgsz_gen_params),
	KUNIT_CASE_PARAM(dvk_rw_case, dvk_rw_gen_params),
	KUNIT_CASE(dvk_rw_random),
	KUNIT_CASE(dvk_rw_bound_exact),
	KUNIT_CASE(dvk_rw_errors),
	KUNIT_CASE(dvk_rw_map_error),
	{}
};

static struct kunit_suite dma_vec_rdma_suite = {
	.name = "dma_vec_rdma",
	.test_cases = dma_vec_rdma_cases,
};

kunit_test_suite(dma_vec_rdma_suite);

MODULE_DESCRIPTION("KUnit tests for the dma_vec RDMA builders");
MODULE_LICENSE("GPL");
