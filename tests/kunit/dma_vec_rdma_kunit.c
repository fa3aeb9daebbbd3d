// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the dma_vec RDMA builders
 * (drivers/infiniband/core/dma_vec_rdma.c)
 *
 * The DMA ranges are made up (the builders never touch the memory), the
 * MR is a plain struct ib_mr and the driver's page-list callback collects
 * what it is given.  Expected values follow from the rules of
 * ib_sg_to_pages() and ib_umem_find_best_pgsz() in drivers/infiniband/core.
 *
 * One body, two worlds: the userspace build runs this file too (test
 * kunit_rdma, through compat/include/kunit/test.h); tests/user/test_rdma.c
 * adds allocation failures and end-to-end transfers through a simulated
 * HCA.
 */
#include <kunit/test.h>
#include <rdma/dma_vec.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/string.h>

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

static const struct dma_vec_limits dvk_sge_lim = {
	.max_seg = SZ_64K,
	.seg_boundary_mask = 0xffffffffULL,
	.align = 1,
};

static void dvk_sges(struct kunit *test)
{
	static const struct dma_vec_drange r[] = {
		{ 0x1000, 0x100 }, { 0xfffff000, 0x2000 },
		{ 0x200000, 3 * SZ_64K + 5 }, { 0x900000, 0x10 },
	};
	struct dma_vec_rdma_sge_iter si;
	struct ib_sge sge[3];
	unsigned int nr_sges, sges = 0, wrs = 0;
	u64 bytes, total = 0;
	int n, i;

	KUNIT_ASSERT_EQ(test, dma_vec_rdma_count_sges(r, ARRAY_SIZE(r),
						      &dvk_sge_lim, &nr_sges), 0);
	KUNIT_EXPECT_EQ(test, nr_sges, 8);
	KUNIT_ASSERT_EQ(test, dma_vec_rdma_sge_iter_init(&si, r, ARRAY_SIZE(r),
							 &dvk_sge_lim, 7), 0);
	while ((n = dma_vec_rdma_build_sges(&si, sge, 3, &bytes)) > 0) {
		u64 sum = 0;

		for (i = 0; i < n; i++) {
			KUNIT_EXPECT_EQ(test, sge[i].lkey, 7);
			KUNIT_EXPECT_LE(test, sge[i].length, SZ_64K);
			KUNIT_EXPECT_EQ(test, upper_32_bits(sge[i].addr),
					upper_32_bits(sge[i].addr +
						      sge[i].length - 1));
			sum += sge[i].length;
		}
		KUNIT_EXPECT_EQ(test, sum, bytes);
		total += bytes;
		sges += n;
		wrs++;
	}
	KUNIT_EXPECT_EQ(test, n, 0);
	KUNIT_EXPECT_EQ(test, sges, 8);
	KUNIT_EXPECT_EQ(test, wrs, 3);
	KUNIT_EXPECT_EQ(test, total, 0x100 + 0x2000 + 3 * SZ_64K + 5 + 0x10);
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_build_sges(&si, sge, 0, NULL),
			-EINVAL);
}

/* SGE lengths are 32-bit whatever the device says. */
static void dvk_sges_32bit(struct kunit *test)
{
	static const struct dma_vec_drange r[] = { { 0x1000, 10ULL << 30 } };
	struct dma_vec_limits lim = { U64_MAX, U64_MAX, 1 };
	struct dma_vec_rdma_sge_iter si, before;
	struct ib_sge sge[4];
	u64 bytes;

	KUNIT_ASSERT_EQ(test, dma_vec_rdma_sge_iter_init(&si, r, 1, &lim, 1),
			0);
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_build_sges(&si, sge, 4, &bytes), 3);
	KUNIT_EXPECT_EQ(test, sge[0].length, U32_MAX);
	KUNIT_EXPECT_EQ(test, sge[1].length, U32_MAX);
	KUNIT_EXPECT_EQ(test, bytes, 10ULL << 30);
	/* Bad input leaves the cursor alone. */
	memset(&before, 0x5a, sizeof(before));
	si = before;
	lim.align = 3;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_sge_iter_init(&si, r, 1, &lim, 1),
			-EINVAL);
	lim.align = 1;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_sge_iter_init(&si, r, 0, &lim, 1),
			-EINVAL);
	KUNIT_EXPECT_MEMEQ(test, &si, &before, sizeof(si));
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

static void dvk_rw_sges(struct kunit *test)
{
	static const struct dma_vec_drange r[] = {
		{ 0x10000, 0x100 }, { 0x30000, SZ_64K + 0x10 },
		{ 0x50000, 0x30 },
	};
	struct dma_vec_rdma_rw_dev dev = {
		.lim = dvk_sge_lim, .max_sge = 2, .max_sge_rd = 1, .lkey = 0x42,
	};
	struct dma_vec_rdma_rw_ctx ctx;
	struct ib_send_wr *wr;
	u64 raddr = 0x7000000, total = 0;
	int i = 0, j;

	KUNIT_ASSERT_EQ(test, dma_vec_rdma_rw_init(&ctx, &dev, r, 3, raddr,
						   0x99, DMA_TO_DEVICE,
						   GFP_KERNEL), 2);
	for (wr = dma_vec_rdma_rw_first_wr(&ctx); wr; wr = wr->next, i++) {
		KUNIT_EXPECT_EQ(test, wr->opcode, IB_WR_RDMA_WRITE);
		KUNIT_EXPECT_EQ(test, wr->num_sge, 2);
		KUNIT_EXPECT_EQ(test, rdma_wr(wr)->remote_addr, raddr + total);
		KUNIT_EXPECT_EQ(test, rdma_wr(wr)->rkey, 0x99);
		for (j = 0; j < wr->num_sge; j++)
			total += wr->sg_list[j].length;
	}
	KUNIT_EXPECT_EQ(test, i, 2);
	KUNIT_EXPECT_EQ(test, ctx.nr_sges, 4);
	KUNIT_EXPECT_EQ(test, total, 0x100 + SZ_64K + 0x10 + 0x30);
	dma_vec_rdma_rw_destroy(&ctx);
	KUNIT_EXPECT_NULL(test, ctx.wrs);
	/* Destroying twice is fine. */
	dma_vec_rdma_rw_destroy(&ctx);

	/* READ: one SGE per WR. */
	KUNIT_ASSERT_EQ(test, dma_vec_rdma_rw_init(&ctx, &dev, r, 3, raddr,
						   0x99, DMA_FROM_DEVICE,
						   GFP_KERNEL), 4);
	KUNIT_EXPECT_EQ(test, ctx.wrs[3].wr.opcode, IB_WR_RDMA_READ);
	KUNIT_EXPECT_NULL(test, ctx.wrs[3].wr.next);
	KUNIT_EXPECT_EQ(test, ctx.wrs[3].remote_addr, raddr + total - 0x30);
	dma_vec_rdma_rw_destroy(&ctx);
	KUNIT_EXPECT_NULL(test, ctx.wrs);
}

/*
 * A transfer of one SGE keeps its work request in the context (nothing is
 * allocated: the work request and its SGE are the context's own), the
 * chain is one WRITE or READ with the right SGE, and destroying is safe.
 */
static void dvk_rw_single(struct kunit *test)
{
	static const struct dma_vec_drange r = { 0x20000, 0x800 };
	struct dma_vec_rdma_rw_dev dev = {
		.lim = dvk_sge_lim, .max_sge = 4, .max_sge_rd = 1, .lkey = 0x42,
	};
	struct dma_vec_rdma_rw_ctx ctx;
	struct ib_send_wr *wr;
	int dir;

	for (dir = 0; dir < 2; dir++) {
		KUNIT_ASSERT_EQ(test,
				dma_vec_rdma_rw_init(&ctx, &dev, &r, 1, 0x5000,
						     0x77,
						     dir ? DMA_FROM_DEVICE :
							   DMA_TO_DEVICE,
						     GFP_KERNEL), 1);
		KUNIT_EXPECT_PTR_EQ(test, ctx.wrs, &ctx.mr_wr);
		KUNIT_EXPECT_NULL(test, ctx.mr);
		wr = dma_vec_rdma_rw_first_wr(&ctx);
		KUNIT_EXPECT_EQ(test, wr->opcode,
				dir ? IB_WR_RDMA_READ : IB_WR_RDMA_WRITE);
		KUNIT_EXPECT_NULL(test, wr->next);
		KUNIT_ASSERT_EQ(test, wr->num_sge, 1);
		KUNIT_EXPECT_PTR_EQ(test, wr->sg_list, &ctx.mr_sge);
		KUNIT_EXPECT_EQ(test, wr->sg_list[0].addr, r.addr);
		KUNIT_EXPECT_EQ(test, wr->sg_list[0].length, r.len);
		KUNIT_EXPECT_EQ(test, wr->sg_list[0].lkey, 0x42);
		KUNIT_EXPECT_EQ(test, rdma_wr(wr)->remote_addr, 0x5000);
		KUNIT_EXPECT_EQ(test, rdma_wr(wr)->rkey, 0x77);
		dma_vec_rdma_rw_destroy(&ctx);
		KUNIT_EXPECT_NULL(test, ctx.wrs);
		dma_vec_rdma_rw_destroy(&ctx);
	}
}

/* Bad requests leave the context untouched. */
static void dvk_rw_errors(struct kunit *test)
{
	static const struct dma_vec_drange r[] = {
		{ 0x10000, 0x100 }, { 0x30000, 0x2000 },
	};
	static const struct dma_vec_drange c[] = { { 0x10000, 0x3000 } };
	struct ib_mr mr = { .type = IB_MR_TYPE_MEM_REG };
	struct dma_vec_rdma_rw_dev dev = {
		.lim = dvk_sge_lim, .max_sge = 2, .max_sge_rd = 1, .lkey = 0x42,
	};
	struct dma_vec_rdma_rw_ctx ctx, before;
	struct dvk_pages *p;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(&ctx, 0x3c, sizeof(ctx));
	before = ctx;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_rw_init(&ctx, &dev, r, 2, 0, 1,
						   DMA_BIDIRECTIONAL,
						   GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_rw_init(&ctx, &dev, r, 0, 0, 1,
						   DMA_TO_DEVICE, GFP_KERNEL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_rw_init(&ctx, &dev, r, 2,
						   U64_MAX - 8, 1,
						   DMA_TO_DEVICE, GFP_KERNEL),
			-EINVAL);
	/* A forced MR needs an MR. */
	dev.flags = DMA_VEC_RDMA_RW_FORCE_MR;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_rw_init(&ctx, &dev, r, 2, 0, 1,
						   DMA_TO_DEVICE, GFP_KERNEL),
			-EINVAL);
	/* A forced MR cannot cover a gap. */
	dev.mr = &mr;
	dev.pgsz_bitmap = SZ_4K;
	dev.max_pages = 16;
	dev.set_page = dvk_set_page;
	dev.set_page_ctx = p;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_rw_init(&ctx, &dev, r, 2, 0, 1,
						   DMA_TO_DEVICE, GFP_KERNEL),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, p->nr, 0U);
	/* The driver refusing a page part way: -EIO, nothing chained. */
	p->fail_at = 2;
	KUNIT_EXPECT_EQ(test, dma_vec_rdma_rw_init(&ctx, &dev, c, 1, 0, 1,
						   DMA_FROM_DEVICE,
						   GFP_KERNEL), -EIO);
	KUNIT_EXPECT_MEMEQ(test, &ctx, &before, sizeof(ctx));

	/* Below the threshold an unforced MR is not used: SGEs. */
	dev.flags = 0;
	dev.mr_sge_threshold = 1;
	KUNIT_ASSERT_EQ(test, dma_vec_rdma_rw_init(&ctx, &dev, r, 2, 0, 1,
						   DMA_TO_DEVICE, GFP_KERNEL),
			1);
	KUNIT_EXPECT_NULL(test, ctx.mr);
	dma_vec_rdma_rw_destroy(&ctx);
}

static void dvk_rw_mr(struct kunit *test)
{
	static const struct dma_vec_drange r[] = {
		{ 0x40000000, SZ_2M }, { 0x10a00000, SZ_2M },
		{ 0x20600000, 0x1234 },
	};
	struct ib_mr mr = { .type = IB_MR_TYPE_MEM_REG, .lkey = 0x1234 };
	struct dma_vec_rdma_rw_dev dev = {
		.lim = dvk_sge_lim, .max_sge = 2, .max_sge_rd = 1, .lkey = 0x42,
		.mr = &mr, .pgsz_bitmap = DVK_PGSZ, .max_pages = 16,
		.set_page = dvk_set_page, .mr_sge_threshold = 8,
	};
	struct dma_vec_rdma_rw_ctx ctx;
	struct ib_send_wr *wr;
	struct dvk_pages *p;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	dev.set_page_ctx = p;
	KUNIT_ASSERT_EQ(test, dma_vec_rdma_rw_init(&ctx, &dev, r, 3, 0x9000, 7,
						   DMA_FROM_DEVICE,
						   GFP_KERNEL), 2);
	KUNIT_EXPECT_PTR_EQ(test, ctx.mr, &mr);
	KUNIT_EXPECT_NULL(test, ctx.wrs);
	KUNIT_EXPECT_EQ(test, mr.page_size, SZ_2M);
	KUNIT_EXPECT_EQ(test, p->nr, 3);
	wr = dma_vec_rdma_rw_first_wr(&ctx);
	KUNIT_ASSERT_NOT_NULL(test, wr);
	KUNIT_EXPECT_EQ(test, wr->opcode, IB_WR_REG_MR);
	KUNIT_EXPECT_PTR_EQ(test, reg_wr(wr)->mr, &mr);
	KUNIT_EXPECT_EQ(test, reg_wr(wr)->access, IB_ACCESS_LOCAL_WRITE);
	wr = wr->next;
	KUNIT_ASSERT_NOT_NULL(test, wr);
	KUNIT_EXPECT_EQ(test, wr->opcode, IB_WR_RDMA_READ);
	KUNIT_EXPECT_EQ(test, wr->num_sge, 1);
	KUNIT_EXPECT_EQ(test, wr->sg_list[0].addr, 0x40000000);
	KUNIT_EXPECT_EQ(test, wr->sg_list[0].length, 2 * SZ_2M + 0x1234);
	KUNIT_EXPECT_EQ(test, wr->sg_list[0].lkey, 0x1234);
	KUNIT_EXPECT_EQ(test, rdma_wr(wr)->remote_addr, 0x9000);
	KUNIT_EXPECT_NULL(test, wr->next);
	dma_vec_rdma_rw_destroy(&ctx);
}

static struct kunit_case dma_vec_rdma_cases[] = {
	KUNIT_CASE(dvk_sges),
	KUNIT_CASE(dvk_sges_32bit),
	KUNIT_CASE_PARAM(dvk_mr_pages, dvk_mr_gen_params),
	KUNIT_CASE(dvk_mr_errors),
	KUNIT_CASE(dvk_mr_klms),
	KUNIT_CASE_PARAM(dvk_best_page_size, dvk_pgsz_gen_params),
	KUNIT_CASE(dvk_rw_sges),
	KUNIT_CASE(dvk_rw_single),
	KUNIT_CASE(dvk_rw_errors),
	KUNIT_CASE(dvk_rw_mr),
	{}
};

static struct kunit_suite dma_vec_rdma_suite = {
	.name = "dma_vec_rdma",
	.test_cases = dma_vec_rdma_cases,
};

kunit_test_suite(dma_vec_rdma_suite);

MODULE_DESCRIPTION("KUnit tests for the dma_vec RDMA builders");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
