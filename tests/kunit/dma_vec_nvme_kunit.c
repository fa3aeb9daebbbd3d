// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the dma_vec NVMe data pointer builders
 * (drivers/nvme/host/dma_vec_nvme.c)
 *
 * The DMA ranges are made up (the builders never touch the memory), the
 * descriptor pages come from a real dma_pool of a kunit_device_register()
 * device.  Every expected value follows from the NVMe base specification:
 * PRP entries are the pages a transfer touches, PRP2 is the second one or
 * a pointer to a PRP list whose pages chain through their last entry; SGL
 * descriptors are 16 bytes with the type in the high nibble of byte 15,
 * and a segment descriptor may only be the last one of a segment.
 *
 * One body, two worlds: the userspace build runs this file too (test
 * kunit_nvme, through compat/include/kunit/test.h), with the simulated
 * platform's dma_pool and leak and fault checks around every case; there
 * tests/user/test_nvme.c also runs the commands end to end on a simulated
 * controller.
 */
#include <kunit/device.h>
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec_p2p.h>
#include <linux/dmapool.h>
#include <linux/gfp.h>
#include <linux/math.h>
#include <linux/module.h>
#include <linux/nvme.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dma_vec_nvme.h"

/* SGL descriptor type bytes: type in bits 7:4, sub type 0 (address). */
#define DVK_SGL_DATA		0x00
#define DVK_SGL_SEGMENT		0x20
#define DVK_SGL_LAST_SEGMENT	0x30

#define DVK_PAGE		0x1000U
/* Entries of one 4 KiB PRP list page and of one SGL segment. */
#define DVK_PRPS_PER_PAGE	(DVK_PAGE / 8)
#define DVK_SGLS_PER_PAGE	(DVK_PAGE / 16)
/* Made-up DMA addresses above 4 GiB, far enough apart not to touch. */
#define DVK_B			0x1234500000ULL
#define DVK_C			0x2000000000ULL
#define DVK_D			0x3000000000ULL

static_assert(sizeof(struct nvme_sgl_desc) == 16);
static_assert(sizeof(union nvme_data_ptr) == 16);

KUNIT_DEFINE_ACTION_WRAPPER(dvk_pool_destroy, dma_pool_destroy,
			    struct dma_pool *);
KUNIT_DEFINE_ACTION_WRAPPER(dvk_free_data, dma_vec_nvme_free_data,
			    struct dma_vec_nvme_data *);

/* A controller with 4 KiB pages and its descriptor pool. */
static struct dma_vec_nvme_ctrl *dvk_ctrl(struct kunit *test,
					  unsigned int sgls)
{
	struct dma_vec_nvme_ctrl *ctrl;
	struct device *dev;
	dma_addr_t dma;
	void *probe;

	dev = kunit_device_register(test, "dvk_nvme");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	ctrl = kunit_kzalloc(test, sizeof(*ctrl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctrl);
	ctrl->pool = dma_pool_create("dvk", dev, DVK_PAGE, DVK_PAGE, 0);
	KUNIT_ASSERT_NOT_NULL(test, ctrl->pool);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvk_pool_destroy,
						  ctrl->pool));
	probe = dma_pool_alloc(ctrl->pool, GFP_KERNEL, &dma);
	if (!probe)
		kunit_skip(test, "dma_pool_alloc: no coherent DMA memory here");
	dma_pool_free(ctrl->pool, probe, dma);
	ctrl->pool_block = DVK_PAGE;
	ctrl->page_shift = 12;
	ctrl->sgls = sgls;
	return ctrl;
}

/* Descriptor pages freed by KUnit unless the test frees them first. */
static struct dma_vec_nvme_data *dvk_data(struct kunit *test)
{
	struct dma_vec_nvme_data *data;

	data = kunit_kzalloc(test, sizeof(*data), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvk_free_data, data));
	return data;
}

/*
 * Free @data and check that its pages really went back to the pool: the
 * pool hands out its free blocks last-freed first, so the next nr_pages
 * allocations must return exactly the freed pages.
 */
static void dvk_free_check(struct kunit *test,
			   const struct dma_vec_nvme_ctrl *ctrl,
			   struct dma_vec_nvme_data *data)
{
	unsigned int nr = data->nr_pages, i, j;
	struct dma_vec_nvme_page *old, *again;

	old = kunit_kcalloc(test, nr + 1, sizeof(*old), GFP_KERNEL);
	again = kunit_kcalloc(test, nr + 1, sizeof(*again), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, old);
	KUNIT_ASSERT_NOT_NULL(test, again);
	if (nr)
		memcpy(old, data->pages, nr * sizeof(*old));

	dma_vec_nvme_free_data(data);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(data, sizeof(*data)));

	for (i = 0; i < nr; i++) {
		again[i].va = dma_pool_alloc(ctrl->pool, GFP_KERNEL,
					     &again[i].dma);
		KUNIT_EXPECT_NOT_NULL(test, again[i].va);
	}
	for (i = 0; i < nr; i++) {
		for (j = 0; j < nr; j++)
			if (again[j].va == old[i].va && again[j].dma == old[i].dma)
				break;
		KUNIT_EXPECT_LT_MSG(test, j, nr, "page %u was not freed", i);
	}
	for (i = 0; i < nr; i++)
		if (again[i].va)
			dma_pool_free(ctrl->pool, again[i].va, again[i].dma);
}

/* The PRP entries of a transfer: its first byte, then every page start. */
static unsigned int dvk_prp_entries(const struct dma_vec_drange *r,
				    unsigned int nr, u64 *out, unsigned int max)
{
	unsigned int n = 0, i;

	for (i = 0; i < nr; i++) {
		u64 a = r[i].addr, end = r[i].addr + r[i].len;

		for (; a < end; a = (a | (DVK_PAGE - 1)) + 1) {
			if (n < max)
				out[n] = a;
			n++;
		}
	}
	return n;
}

/*
 * Check a PRP data pointer against the PRP entries of @r: PRP1 is entry
 * 0; PRP2 is entry 1 if there are exactly two, else a list whose pages
 * hold 512 entries, the last one pointing to the next page when more
 * entries follow.  @list_pages is the expected number of list pages.
 */
static void dvk_check_prps(struct kunit *test, const struct dma_vec_drange *r,
			   unsigned int nr, const union nvme_data_ptr *dptr,
			   const struct dma_vec_nvme_data *data,
			   unsigned int list_pages)
{
	unsigned int n, idx = 1, page = 0, slot;
	u64 *e, list_dma;

	n = dvk_prp_entries(r, nr, NULL, 0);
	e = kunit_kcalloc(test, n, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	dvk_prp_entries(r, nr, e, n);

	KUNIT_EXPECT_FALSE(test, data->sgl);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr->prp1), e[0]);
	KUNIT_ASSERT_EQ(test, data->nr_pages, list_pages);
	if (n == 1) {
		KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr->prp2), 0);
		return;
	}
	if (n == 2) {
		KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr->prp2), e[1]);
		return;
	}

	list_dma = le64_to_cpu(dptr->prp2);
	while (idx < n) {
		const __le64 *list;

		KUNIT_ASSERT_LT(test, page, data->nr_pages);
		KUNIT_ASSERT_EQ_MSG(test, list_dma, data->pages[page].dma,
				    "list page %u", page);
		KUNIT_EXPECT_EQ(test, list_dma & 7, 0);
		list = data->pages[page].va;
		for (slot = 0; slot < DVK_PRPS_PER_PAGE && idx < n; slot++) {
			/* The last slot chains when more than one is left. */
			if (slot == DVK_PRPS_PER_PAGE - 1 && n - idx > 1) {
				list_dma = le64_to_cpu(list[slot]);
				break;
			}
			KUNIT_ASSERT_EQ_MSG(test, le64_to_cpu(list[slot]),
					    e[idx], "entry %u", idx);
			idx++;
		}
		page++;
	}
	KUNIT_EXPECT_EQ(test, page, list_pages);
}

static int dvk_prps(const struct dma_vec_nvme_ctrl *ctrl,
		    const struct dma_vec_drange *r, unsigned int nr,
		    union nvme_data_ptr *dptr, struct dma_vec_nvme_data *data)
{
	return dma_vec_nvme_setup_prps(ctrl, r, nr, dptr, data, GFP_KERNEL);
}

/* ---- PRPs ---- */

static void dvk_prp_small(struct kunit *test)
{
	const struct dma_vec_nvme_ctrl *ctrl = dvk_ctrl(test, 0);
	struct dma_vec_nvme_data *data = dvk_data(test);
	union nvme_data_ptr dptr;
	const struct dma_vec_drange one[] = { { DVK_B + 0x200, 0x800 } };
	const struct dma_vec_drange two[] = { { DVK_B + 0x200, 0x1000 } };
	const struct dma_vec_drange two_ranges[] = {
		{ DVK_B, 0x1000 }, { DVK_C, 0x1000 },
	};
	const struct dma_vec_drange list[] = {
		{ DVK_B + 0xe00, 0x200 }, { DVK_C, 0x2000 }, { DVK_D, 0x100 },
	};
	const __le64 *l;

	/* One page, at a dword offset: PRP2 unused. */
	memset(&dptr, 0xa5, sizeof(dptr));
	KUNIT_ASSERT_EQ(test, 0, dvk_prps(ctrl, one, 1, &dptr, data));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp1), DVK_B + 0x200);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp2), 0);
	KUNIT_EXPECT_EQ(test, data->nr_pages, 0U);
	KUNIT_EXPECT_FALSE(test, data->sgl);
	dvk_free_check(test, ctrl, data);

	/* Two pages: PRP2 is the second page. */
	KUNIT_ASSERT_EQ(test, 0, dvk_prps(ctrl, two, 1, &dptr, data));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp1), DVK_B + 0x200);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp2), DVK_B + 0x1000);
	KUNIT_EXPECT_EQ(test, data->nr_pages, 0U);
	dvk_free_check(test, ctrl, data);

	KUNIT_ASSERT_EQ(test, 0,
			dvk_prps(ctrl, two_ranges, 2, &dptr, data));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp1), DVK_B);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp2), DVK_C);
	dvk_free_check(test, ctrl, data);

	/* Four pages: PRP2 points to a list of the other three. */
	KUNIT_ASSERT_EQ(test, 0, dvk_prps(ctrl, list, 3, &dptr, data));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp1), DVK_B + 0xe00);
	KUNIT_ASSERT_EQ(test, data->nr_pages, 1U);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp2), data->pages[0].dma);
	l = data->pages[0].va;
	KUNIT_EXPECT_EQ(test, le64_to_cpu(l[0]), DVK_C);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(l[1]), DVK_C + 0x1000);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(l[2]), DVK_D);
	dvk_check_prps(test, list, 3, &dptr, data, 1);
	dvk_free_check(test, ctrl, data);
}

/**
 * struct dvk_prp_list_case - a transfer of whole pages with a PRP list
 * @name: case name
 * @pages: pages of the transfer, so @pages - 1 list entries
 * @list_pages: PRP list pages the spec layout needs
 */
struct dvk_prp_list_case {
	const char *name;
	unsigned int pages;
	unsigned int list_pages;
};

static const struct dvk_prp_list_case dvk_prp_list_cases[] = {
	{ "3 pages, one list page", 3, 1 },
	{ "513 pages, list page exactly full", 513, 1 },
	{ "514 pages, chained to a second list page", 514, 2 },
	{ "1024 pages, second list page exactly full", 1024, 2 },
	{ "1025 pages, two chains", 1025, 3 },
};

static_assert(ARRAY_SIZE(dvk_prp_list_cases) == 5);

KUNIT_ARRAY_PARAM_DESC(dvk_prp_list, dvk_prp_list_cases, name);

static void dvk_prp_list_case(struct kunit *test)
{
	const struct dvk_prp_list_case *c = test->param_value;
	const struct dma_vec_nvme_ctrl *ctrl = dvk_ctrl(test, 0);
	struct dma_vec_nvme_data *data = dvk_data(test);
	union nvme_data_ptr dptr;
	/* One range, starting at an offset into its first page. */
	const struct dma_vec_drange r = {
		DVK_B + 0x100, (u64)c->pages * DVK_PAGE - 0x100,
	};

	KUNIT_ASSERT_EQ(test, dvk_prp_entries(&r, 1, NULL, 0), c->pages);
	KUNIT_ASSERT_EQ(test, 0, dvk_prps(ctrl, &r, 1, &dptr, data));
	dvk_check_prps(test, &r, 1, &dptr, data, c->list_pages);
	dvk_free_check(test, ctrl, data);
}

/* Layouts PRPs cannot express; on error nothing is touched. */
static void dvk_prp_errors(struct kunit *test)
{
	struct dma_vec_nvme_ctrl *ctrl = dvk_ctrl(test, 0);
	struct dma_vec_nvme_data *data = dvk_data(test);
	union nvme_data_ptr dptr, pattern;
	const struct dma_vec_drange ends_short[] = {
		{ DVK_B, 0x800 }, { DVK_C, 0x1000 },
	};
	const struct dma_vec_drange starts_late[] = {
		{ DVK_B, 0x1000 }, { DVK_C + 0x200, 0x100 },
	};
	const struct dma_vec_drange middle_short[] = {
		{ DVK_B, 0x1000 }, { DVK_C, 0x800 }, { DVK_D, 0x1000 },
	};
	const struct dma_vec_drange odd_prp1[] = { { DVK_B + 2, 0x100 } };
	const struct dma_vec_drange empty[] = { { DVK_B, 0 } };
	const struct dma_vec_drange big[] = { { DVK_B, 0x3000 } };
	struct dma_vec_nvme_data before;

	memset(&pattern, 0xa5, sizeof(pattern));
	dptr = pattern;
	before = *data;
	KUNIT_EXPECT_EQ(test, dvk_prps(ctrl, ends_short, 2, &dptr, data),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			dvk_prps(ctrl, starts_late, 2, &dptr, data),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			dvk_prps(ctrl, middle_short, 3, &dptr, data),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dvk_prps(ctrl, odd_prp1, 1, &dptr, data),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dvk_prps(ctrl, empty, 1, &dptr, data),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dvk_prps(ctrl, big, 0, &dptr, data),
			-EINVAL);
	ctrl->max_transfer = 0x2000;
	KUNIT_EXPECT_EQ(test, dvk_prps(ctrl, big, 1, &dptr, data),
			-E2BIG);
	KUNIT_EXPECT_MEMEQ(test, &dptr, &pattern, sizeof(dptr));
	KUNIT_EXPECT_MEMEQ(test, data, &before, sizeof(before));

	/* At the limit it fits. */
	ctrl->max_transfer = 0x3000;
	KUNIT_ASSERT_EQ(test, 0, dvk_prps(ctrl, big, 1, &dptr, data));
	dvk_check_prps(test, big, 1, &dptr, data, 1);
	dvk_free_check(test, ctrl, data);
}

/* ---- SGLs ---- */

static int dvk_sgls(const struct dma_vec_nvme_ctrl *ctrl,
		    const struct dma_vec_drange *r, unsigned int nr,
		    union nvme_data_ptr *dptr, struct dma_vec_nvme_data *data)
{
	return dma_vec_nvme_setup_sgls(ctrl, r, nr, dptr, data, GFP_KERNEL);
}

static bool dvk_rsvd_zero(const struct nvme_sgl_desc *d)
{
	return mem_is_zero(d->rsvd, sizeof(d->rsvd));
}

/*
 * Check an SGL data pointer against the data blocks @r: an inline data
 * block for one, else a chain of segments in which only the last
 * descriptor of a segment may point to the next one; a segment pointed to
 * by a last segment descriptor has none, a segment pointed to by a segment
 * descriptor ends with one.  Segments are filled up, so there are
 * @nr_segs of them.
 */
static void dvk_check_sgls(struct kunit *test, const struct dma_vec_drange *r,
			   unsigned int nr, const union nvme_data_ptr *dptr,
			   const struct dma_vec_nvme_data *data,
			   unsigned int nr_segs)
{
	const struct nvme_sgl_desc *link = &dptr->sgl;
	unsigned int idx = 0, page = 0;

	KUNIT_EXPECT_TRUE(test, data->sgl);
	KUNIT_EXPECT_TRUE(test, dvk_rsvd_zero(link));
	if (nr == 1) {
		KUNIT_EXPECT_EQ(test, link->type, DVK_SGL_DATA);
		KUNIT_EXPECT_EQ(test, le64_to_cpu(link->addr), r[0].addr);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(link->length), r[0].len);
		KUNIT_EXPECT_EQ(test, data->nr_pages, 0U);
		return;
	}

	while (link) {
		const struct nvme_sgl_desc *seg, *next = NULL;
		unsigned int cnt, k;

		KUNIT_ASSERT_TRUE(test, link->type == DVK_SGL_SEGMENT ||
				  link->type == DVK_SGL_LAST_SEGMENT);
		KUNIT_ASSERT_LT(test, page, data->nr_pages);
		KUNIT_ASSERT_EQ_MSG(test, le64_to_cpu(link->addr),
				    data->pages[page].dma, "segment %u", page);
		KUNIT_ASSERT_EQ(test, le32_to_cpu(link->length) % 16, 0);
		cnt = le32_to_cpu(link->length) / 16;
		KUNIT_ASSERT_GE(test, cnt, 1U);
		KUNIT_ASSERT_LE(test, cnt, DVK_SGLS_PER_PAGE);
		seg = data->pages[page].va;
		for (k = 0; k < cnt; k++) {
			const struct nvme_sgl_desc *d = &seg[k];

			KUNIT_EXPECT_TRUE(test, dvk_rsvd_zero(d));
			if (d->type != DVK_SGL_DATA) {
				KUNIT_ASSERT_EQ_MSG(test, k, cnt - 1,
						    "segment %u: link inside",
						    page);
				next = d;
				break;
			}
			KUNIT_ASSERT_LT(test, idx, nr);
			KUNIT_ASSERT_EQ_MSG(test, le64_to_cpu(d->addr),
					    r[idx].addr, "descriptor %u", idx);
			KUNIT_ASSERT_EQ_MSG(test, le32_to_cpu(d->length),
					    r[idx].len, "descriptor %u", idx);
			idx++;
		}
		/* Full segments but the last. */
		if (next)
			KUNIT_EXPECT_EQ(test, cnt, DVK_SGLS_PER_PAGE);
		KUNIT_EXPECT_EQ_MSG(test, link->type,
				    next ? DVK_SGL_SEGMENT : DVK_SGL_LAST_SEGMENT,
				    "descriptor pointing to segment %u", page);
		link = next;
		page++;
	}
	KUNIT_EXPECT_EQ(test, idx, nr);
	KUNIT_EXPECT_EQ(test, page, nr_segs);
	KUNIT_EXPECT_EQ(test, data->nr_pages, nr_segs);
}

/* @n data blocks of odd sizes, 8 KiB apart. */
static struct dma_vec_drange *dvk_blocks(struct kunit *test, unsigned int n)
{
	struct dma_vec_drange *r = kunit_kcalloc(test, n, sizeof(*r),
						 GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < n; i++) {
		r[i].addr = DVK_B + (u64)i * 0x2000 + 0x10 * (i % 7);
		r[i].len = 0x200 + 3 * i;
	}
	return r;
}

static void dvk_sgl_inline(struct kunit *test)
{
	const struct dma_vec_nvme_ctrl *ctrl = dvk_ctrl(test, DMA_VEC_NVME_SGLS);
	struct dma_vec_nvme_data *data = dvk_data(test);
	const struct dma_vec_drange r = { DVK_B + 3, 0x1235 };
	union nvme_data_ptr dptr;

	memset(&dptr, 0xa5, sizeof(dptr));
	KUNIT_ASSERT_EQ(test, 0, dvk_sgls(ctrl, &r, 1, &dptr, data));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.sgl.addr), DVK_B + 3);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(dptr.sgl.length), 0x1235);
	KUNIT_EXPECT_EQ(test, dptr.sgl.type, DVK_SGL_DATA);
	dvk_check_sgls(test, &r, 1, &dptr, data, 0);
	dvk_free_check(test, ctrl, data);
}

/**
 * struct dvk_sgl_case - a transfer of several data blocks
 * @name: case name
 * @blocks: number of data blocks
 * @segs: SGL segments the spec layout needs with full segments
 */
struct dvk_sgl_case {
	const char *name;
	unsigned int blocks;
	unsigned int segs;
};

static const struct dvk_sgl_case dvk_sgl_cases[] = {
	{ "2 blocks, one segment", 2, 1 },
	{ "256 blocks, one full segment", 256, 1 },
	{ "257 blocks, chained to a last segment", 257, 2 },
	{ "511 blocks, last segment full", 511, 2 },
	{ "512 blocks, three segments", 512, 3 },
	{ "600 blocks, three segments", 600, 3 },
};

static_assert(ARRAY_SIZE(dvk_sgl_cases) == 6);

KUNIT_ARRAY_PARAM_DESC(dvk_sgl, dvk_sgl_cases, name);

static void dvk_sgl_case(struct kunit *test)
{
	const struct dvk_sgl_case *c = test->param_value;
	const struct dma_vec_nvme_ctrl *ctrl = dvk_ctrl(test, DMA_VEC_NVME_SGLS);
	struct dma_vec_nvme_data *data = dvk_data(test);
	struct dma_vec_drange *r = dvk_blocks(test, c->blocks);
	union nvme_data_ptr dptr;

	KUNIT_ASSERT_EQ(test, 0,
			dvk_sgls(ctrl, r, c->blocks, &dptr, data));
	/* The data pointer covers the whole first segment. */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(dptr.sgl.length),
			16 * min(c->blocks, DVK_SGLS_PER_PAGE));
	KUNIT_EXPECT_EQ(test, dptr.sgl.type,
			c->segs == 1 ? DVK_SGL_LAST_SEGMENT : DVK_SGL_SEGMENT);
	dvk_check_sgls(test, r, c->blocks, &dptr, data, c->segs);
	dvk_free_check(test, ctrl, data);
}

/* A data block holds at most 4 GiB - 1 bytes: bigger ranges are split. */
static void dvk_sgl_split(struct kunit *test)
{
	const struct dma_vec_nvme_ctrl *ctrl = dvk_ctrl(test, DMA_VEC_NVME_SGLS);
	struct dma_vec_nvme_data *data = dvk_data(test);
	const struct dma_vec_drange r = { DVK_B, SZ_4G + 0x10 };
	const struct nvme_sgl_desc *seg;
	union nvme_data_ptr dptr;
	u64 addr = DVK_B;
	unsigned int i, cnt;

	KUNIT_ASSERT_EQ(test, 0, dvk_sgls(ctrl, &r, 1, &dptr, data));
	KUNIT_EXPECT_EQ(test, dptr.sgl.type, DVK_SGL_LAST_SEGMENT);
	KUNIT_ASSERT_EQ(test, data->nr_pages, 1U);
	cnt = le32_to_cpu(dptr.sgl.length) / 16;
	KUNIT_EXPECT_EQ(test, cnt, 2U);
	seg = data->pages[0].va;
	for (i = 0; i < cnt; i++) {
		KUNIT_EXPECT_EQ(test, seg[i].type, DVK_SGL_DATA);
		KUNIT_EXPECT_EQ(test, le64_to_cpu(seg[i].addr), addr);
		KUNIT_EXPECT_NE(test, le32_to_cpu(seg[i].length), 0);
		addr += le32_to_cpu(seg[i].length);
	}
	KUNIT_EXPECT_EQ(test, addr, DVK_B + SZ_4G + 0x10);
	dvk_free_check(test, ctrl, data);
}

static void dvk_sgl_errors(struct kunit *test)
{
	struct dma_vec_nvme_ctrl *ctrl = dvk_ctrl(test, 0);
	struct dma_vec_nvme_data *data = dvk_data(test);
	const struct dma_vec_drange ok[] = { { DVK_B, 0x100 } };
	const struct dma_vec_drange odd_addr[] = { { DVK_B + 1, 0x100 } };
	const struct dma_vec_drange odd_len[] = {
		{ DVK_B, 0x100 }, { DVK_C, 0x101 },
	};
	const struct dma_vec_drange big[] = { { DVK_B, 0x3000 } };
	union nvme_data_ptr dptr, pattern;
	struct dma_vec_nvme_data before;

	memset(&pattern, 0xa5, sizeof(pattern));
	dptr = pattern;
	before = *data;
	/* No SGL support, or the reserved value 11b. */
	KUNIT_EXPECT_EQ(test, dvk_sgls(ctrl, ok, 1, &dptr, data),
			-EOPNOTSUPP);
	ctrl->sgls = 3;
	KUNIT_EXPECT_EQ(test, dvk_sgls(ctrl, ok, 1, &dptr, data),
			-EOPNOTSUPP);

	/* Dword alignment and granularity. */
	ctrl->sgls = DMA_VEC_NVME_SGLS_DWORD;
	KUNIT_EXPECT_EQ(test, dvk_sgls(ctrl, odd_addr, 1, &dptr, data),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dvk_sgls(ctrl, odd_len, 2, &dptr, data),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dvk_sgls(ctrl, ok, 0, &dptr, data),
			-EINVAL);
	ctrl->max_transfer = 0x2000;
	KUNIT_EXPECT_EQ(test, dvk_sgls(ctrl, big, 1, &dptr, data),
			-E2BIG);
	KUNIT_EXPECT_MEMEQ(test, &dptr, &pattern, sizeof(dptr));
	KUNIT_EXPECT_MEMEQ(test, data, &before, sizeof(before));

	KUNIT_ASSERT_EQ(test, 0, dvk_sgls(ctrl, ok, 1, &dptr, data));
	dvk_check_sgls(test, ok, 1, &dptr, data, 0);
	dvk_free_check(test, ctrl, data);

	/* Byte granularity accepts both. */
	ctrl->sgls = DMA_VEC_NVME_SGLS;
	KUNIT_ASSERT_EQ(test, 0,
			dvk_sgls(ctrl, odd_len, 2, &dptr, data));
	dvk_check_sgls(test, odd_len, 2, &dptr, data, 1);
	dvk_free_check(test, ctrl, data);
}

/* ---- choosing between them ---- */

static void dvk_data_choice(struct kunit *test)
{
	struct dma_vec_nvme_ctrl *ctrl = dvk_ctrl(test, DMA_VEC_NVME_SGLS);
	struct dma_vec_nvme_data *data = dvk_data(test);
	const struct dma_vec_drange small[] = {
		{ DVK_B, 0x1000 }, { DVK_C, 0x1000 }, { DVK_D, 0x1000 },
	};
	const struct dma_vec_drange large[] = {
		{ DVK_B, SZ_64K }, { DVK_C, SZ_64K },
	};
	/* 0xffff bytes in two ranges: 0x8000 on average, rounded up. */
	const struct dma_vec_drange at_threshold[] = {
		{ DVK_B, 0x8000 }, { DVK_C, 0x7fff },
	};
	const struct dma_vec_drange below[] = {
		{ DVK_B, 0x8000 }, { DVK_C, 0x7ffe },
	};
	const struct dma_vec_drange gap[] = {
		{ DVK_B, 0x800 }, { DVK_C, 0x800 },
	};
	/* Contiguous in DMA space, but the range boundary is inside a page. */
	const struct dma_vec_drange split[] = {
		{ DVK_B, 0x1100 }, { DVK_B + 0x1100, 0x1f00 },
	};
	union nvme_data_ptr dptr;

	ctrl->sgl_threshold = SZ_32K;
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_nvme_setup_data(ctrl, small, 3, &dptr, data,
						GFP_KERNEL));
	dvk_check_prps(test, small, 3, &dptr, data, 1);
	dvk_free_check(test, ctrl, data);

	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_nvme_setup_data(ctrl, large, 2, &dptr, data,
						GFP_KERNEL));
	dvk_check_sgls(test, large, 2, &dptr, data, 1);
	dvk_free_check(test, ctrl, data);

	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_nvme_setup_data(ctrl, at_threshold, 2, &dptr,
						data, GFP_KERNEL));
	dvk_check_sgls(test, at_threshold, 2, &dptr, data, 1);
	dvk_free_check(test, ctrl, data);

	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_nvme_setup_data(ctrl, below, 2, &dptr, data,
						GFP_KERNEL));
	dvk_check_prps(test, below, 2, &dptr, data, 1);
	dvk_free_check(test, ctrl, data);

	/* PRPs cannot express a gap: SGLs although the ranges are small. */
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_nvme_setup_data(ctrl, gap, 2, &dptr, data,
						GFP_KERNEL));
	dvk_check_sgls(test, gap, 2, &dptr, data, 1);
	dvk_free_check(test, ctrl, data);

	/* Every range boundary must be page aligned for PRPs. */
	KUNIT_EXPECT_EQ(test, dvk_prps(ctrl, split, 2, &dptr, data), -EINVAL);
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_nvme_setup_data(ctrl, split, 2, &dptr, data,
						GFP_KERNEL));
	dvk_check_sgls(test, split, 2, &dptr, data, 1);
	dvk_free_check(test, ctrl, data);

	/* Threshold 0: PRPs whenever they can. */
	ctrl->sgl_threshold = 0;
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_nvme_setup_data(ctrl, large, 2, &dptr, data,
						GFP_KERNEL));
	dvk_check_prps(test, large, 2, &dptr, data, 1);
	dvk_free_check(test, ctrl, data);

	/* Without SGL support: PRPs or nothing. */
	ctrl->sgls = 0;
	ctrl->sgl_threshold = SZ_32K;
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_nvme_setup_data(ctrl, large, 2, &dptr, data,
						GFP_KERNEL));
	dvk_check_prps(test, large, 2, &dptr, data, 1);
	dvk_free_check(test, ctrl, data);
	KUNIT_EXPECT_EQ(test,
			dma_vec_nvme_setup_data(ctrl, gap, 2, &dptr, data,
						GFP_KERNEL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, data->nr_pages, 0U);
}

/* Freeing an empty command, or twice, does nothing. */
static void dvk_free_empty(struct kunit *test)
{
	const struct dma_vec_nvme_ctrl *ctrl = dvk_ctrl(test, DMA_VEC_NVME_SGLS);
	struct dma_vec_nvme_data *data = dvk_data(test);
	struct dma_vec_drange *r = dvk_blocks(test, 300);
	union nvme_data_ptr dptr;

	dma_vec_nvme_free_data(data);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(data, sizeof(*data)));
	KUNIT_ASSERT_EQ(test, 0, dvk_sgls(ctrl, r, 300, &dptr, data));
	KUNIT_EXPECT_EQ(test, data->nr_pages, 2U);
	dvk_free_check(test, ctrl, data);
	dma_vec_nvme_free_data(data);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(data, sizeof(*data)));
}

/* ---- One pass: host pages mapped straight into PRPs and SGLs ---- */

#define DVK_RQ_ORDER	4	/* a block of 16 physically contiguous pages */

KUNIT_DEFINE_ACTION_WRAPPER(dvk_rq_end, dma_vec_nvme_rq_end,
			    struct dma_vec_nvme_rq *);

static void dvk_free_block(void *page)
{
	__free_pages(page, DVK_RQ_ORDER);
}

/*
 * The pieces of a one-pass test: a controller, its device, a block of
 * host RAM and a request state that KUnit ends if the test does not.
 */
struct dvk_rq_fix {
	struct dma_vec_nvme_ctrl *ctrl;
	struct device *dev;
	phys_addr_t base;
	struct dma_vec_nvme_rq *rq;
};

static void dvk_rq_fix(struct kunit *test, struct dvk_rq_fix *f,
		       unsigned int sgls)
{
	struct page *block;

	f->ctrl = dvk_ctrl(test, sgls);
	f->dev = kunit_device_register(test, "dvk_nvme_rq");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->dev);
	/*
	 * As nvme-pci's probe does.  In the kernel this also sets up the DMA
	 * sync state: on a coherent machine unmapping then does nothing and
	 * the inline path of dma_vec_io_map() records nothing, while the
	 * userspace platform counts every unmap and records every piece.
	 */
	KUNIT_ASSERT_EQ(test, 0, dma_set_mask_and_coherent(f->dev,
							   DMA_BIT_MASK(64)));
	block = alloc_pages(GFP_KERNEL, DVK_RQ_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvk_free_block, block));
	f->base = page_to_phys(block);
	f->rq = kunit_kzalloc(test, sizeof(*f->rq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->rq);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvk_rq_end, f->rq));
}

/**
 * struct dvk_rq_case - one request of the one-pass tests
 * @name: description
 * @off: offset of each range in the block
 * @len: length of each range
 * @nr: number of ranges
 * @sgl: build an SGL rather than PRPs
 * @max_map: the controller's maximum mapping size, 0 for none
 * @nr_dma: DMA ranges expected: the ranges with the adjacent ones merged
 */
struct dvk_rq_case {
	const char *name;
	u32 off[5];
	u32 len[5];
	unsigned int nr;
	bool sgl;
	u64 max_map;
	unsigned int nr_dma;
};

static const struct dvk_rq_case dvk_rq_cases[] = {
	{ "PRP: one sub-page range", { 0x200 }, { 0xe00 }, 1, false, 0, 1 },
	{ "PRP: two adjacent pages merge", { 0, 0x1000 }, { 0x1000, 0x1000 },
	  2, false, 0, 1 },
	{ "PRP: four scattered pages", { 0, 0x2000, 0x4000, 0x6000 },
	  { 0x1000, 0x1000, 0x1000, 0x1000 }, 4, false, 0, 4 },
	{ "PRP: offset start, then runs", { 0x200, 0x2000, 0x5000, 0x8000 },
	  { 0xe00, 0x3000, 0x1000, 0x2000 }, 4, false, 0, 3 },
	{ "PRP: 64 KiB cut at an 8 KiB mapping size", { 0 }, { 0x10000 }, 1,
	  false, 0x2000, 1 },
	{ "SGL: one range inline", { 0x10 }, { 0x333 }, 1, true, 0, 1 },
	{ "SGL: four scattered pages", { 0, 0x2000, 0x4000, 0x6000 },
	  { 0x1000, 0x1000, 0x1000, 0x1000 }, 4, true, 0, 4 },
	{ "SGL: odd blocks, two merge", { 0x10, 0x110, 0x1000, 0x3004 },
	  { 0x100, 0x20, 0x333, 0x8 }, 4, true, 0, 3 },
};

KUNIT_ARRAY_PARAM_DESC(dvk_rq, dvk_rq_cases, name);

/*
 * A request of host pages through dma_vec_nvme_rq_*() gets exactly the
 * descriptors the table builders make of its DMA ranges (the device is
 * not behind an IOMMU: a host page's DMA address is its physical one).
 */
static void dvk_rq_case(struct kunit *test)
{
	const struct dvk_rq_case *c = test->param_value;
	struct dma_vec_drange *want;
	union nvme_data_ptr dptr;
	struct dvk_rq_fix f;
	unsigned int i, n = 0;
	u64 len = 0;

	dvk_rq_fix(test, &f, c->sgl ? DMA_VEC_NVME_SGLS : 0);
	f.ctrl->max_map = c->max_map;
	want = kunit_kcalloc(test, c->nr, sizeof(*want), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	for (i = 0; i < c->nr; i++) {
		u64 pa = f.base + c->off[i];

		if (n && want[n - 1].addr + want[n - 1].len == pa)
			want[n - 1].len += c->len[i];
		else
			want[n++] = (struct dma_vec_drange){ pa, c->len[i] };
		len += c->len[i];
	}
	KUNIT_ASSERT_EQ(test, n, c->nr_dma);

	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_nvme_rq_start(f.rq, f.ctrl, f.dev,
					      DMA_TO_DEVICE, 0, c->sgl, len,
					      GFP_KERNEL));
	for (i = 0; i < c->nr; i++)
		KUNIT_ASSERT_EQ(test, 0,
				dma_vec_nvme_rq_add(f.rq, f.base + c->off[i],
						    c->len[i], NULL));
	KUNIT_ASSERT_EQ(test, 0, dma_vec_nvme_rq_finish(f.rq, &dptr));
	/* Every piece recorded, or none: as the device's unmaps count. */
	if (f.rq->io.need_unmap)
		KUNIT_EXPECT_GE(test, f.rq->io.nr_recs, n);
	else
		KUNIT_EXPECT_EQ(test, f.rq->io.nr_recs, 0U);
	if (c->sgl) {
		dvk_check_sgls(test, want, n, &dptr, &f.rq->data,
			       n > 1 ? 1 : 0);
	} else {
		unsigned int e = dvk_prp_entries(want, n, NULL, 0);

		dvk_check_prps(test, want, n, &dptr, &f.rq->data,
			       e > 2 ? DIV_ROUND_UP(e - 2, DVK_PRPS_PER_PAGE - 1)
				     : 0);
	}
	dma_vec_nvme_rq_end(f.rq);
	KUNIT_EXPECT_EQ(test, f.rq->data.nr_pages, 0U);
	KUNIT_EXPECT_EQ(test, f.rq->io.nr_recs, 0U);
}

/*
 * Requests of many separate pages, as a block request of 4 KiB bvecs
 * arrives: every even page of the block in turn (ranges of @pages pages
 * with a page between them), so no two ranges in a row are adjacent,
 * around the sizes where a PRP list page fills and chains; @half ends the
 * request with half a page.  With @batch, the
 * ranges go in @batch at a time through dma_vec_nvme_rq_add_ranges(),
 * whose one-loop path maps host pages in turn.  The descriptors must be
 * exactly those of the table builder, and nothing may stay held.
 */
static void dvk_rq_pages(struct kunit *test, struct dvk_rq_fix *f,
			 unsigned int nr, bool half, unsigned int batch,
			 unsigned int pages)
{
	struct dma_vec_prange *pr;
	struct dma_vec_drange *want;
	union nvme_data_ptr dptr;
	unsigned int i, e;
	u64 len = 0;

	want = kunit_kcalloc(test, nr, sizeof(*want), GFP_KERNEL);
	pr = kunit_kcalloc(test, nr, sizeof(*pr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, pr);
	for (i = 0; i < nr; i++) {
		want[i].addr = f->base +
			       (i % (16 / (pages + 1))) * (pages + 1) * DVK_PAGE;
		want[i].len = half && i == nr - 1 ? DVK_PAGE / 2 :
			      pages * DVK_PAGE;
		pr[i].paddr = want[i].addr;
		pr[i].len = want[i].len;
		len += want[i].len;
	}
	KUNIT_ASSERT_EQ(test, 0, dma_vec_nvme_rq_start(f->rq, f->ctrl, f->dev,
						       DMA_FROM_DEVICE, 0,
						       false, len, GFP_KERNEL));
	for (i = 0; i < nr; i += batch ? batch : 1)
		KUNIT_ASSERT_EQ_MSG(test, 0, batch ?
				    dma_vec_nvme_rq_add_ranges(f->rq, pr + i,
							       min(batch,
								   nr - i),
							       NULL) :
				    dma_vec_nvme_rq_add(f->rq, pr[i].paddr,
							pr[i].len, NULL),
				    "range %u of %u", i, nr);
	KUNIT_ASSERT_EQ(test, 0, dma_vec_nvme_rq_finish(f->rq, &dptr));
	e = dvk_prp_entries(want, nr, NULL, 0);
	KUNIT_EXPECT_EQ(test, e, nr * pages - (half ? pages - 1 : 0));
	dvk_check_prps(test, want, nr, &dptr, &f->rq->data,
		       e > 2 ? DIV_ROUND_UP(e - 2, DVK_PRPS_PER_PAGE - 1) : 0);
	dma_vec_nvme_rq_end(f->rq);
	KUNIT_EXPECT_EQ(test, f->rq->data.nr_pages, 0U);
	KUNIT_EXPECT_EQ(test, f->rq->io.nr_recs, 0U);
}

static void dvk_rq_many_pages(struct kunit *test)
{
	static const unsigned int nrs[] = {
		1, 2, 3, 4, 32, 33, 511, 512, 513, 514, 1024, 1025, 1026, 1030
	};
	static const unsigned int batches[] = { 0, 16, 1030 };
	struct dvk_rq_fix f;
	unsigned int i, b;

	dvk_rq_fix(test, &f, 0);
	for (b = 0; b < ARRAY_SIZE(batches); b++) {
		for (i = 0; i < ARRAY_SIZE(nrs); i++) {
			dvk_rq_pages(test, &f, nrs[i], false, batches[b], 1);
			dvk_rq_pages(test, &f, nrs[i], true, batches[b], 1);
		}
	}
	/* Ranges of three pages, each cut at a two-page mapping size. */
	f.ctrl->max_map = 2 * DVK_PAGE;
	for (b = 0; b < ARRAY_SIZE(batches); b++) {
		dvk_rq_pages(test, &f, 200, false, batches[b], 3);
		dvk_rq_pages(test, &f, 401, true, batches[b], 3);
	}
}

/*
 * Inside a list of many pages, a range that ends inside a controller page
 * before another range is refused, as is one that starts inside one,
 * range by range and in the one-loop path of dma_vec_nvme_rq_add_ranges();
 * the request then ends with nothing held.
 */
static void dvk_rq_many_errors(struct kunit *test)
{
	static const struct {
		unsigned int at;
		u32 off, len;
	} bad[] = {
		{ 3, 0, DVK_PAGE / 2 },		/* ends inside a page */
		{ 3, DVK_PAGE / 2, DVK_PAGE / 2 }, /* starts inside one */
		{ 600, 0, DVK_PAGE - 8 },	/* the same on a second page */
		{ 600, 8, DVK_PAGE - 8 },
	};
	struct dma_vec_prange *pr;
	union nvme_data_ptr dptr;
	struct dvk_rq_fix f;
	unsigned int b, i, batched;

	dvk_rq_fix(test, &f, 0);
	pr = kunit_kcalloc(test, 608, sizeof(*pr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pr);
	for (b = 0; b < 2 * ARRAY_SIZE(bad); b++) {
		unsigned int nr = bad[b / 2].at + 8;
		u64 len = (u64)(nr - 1) * DVK_PAGE + bad[b / 2].len;
		int ret = 0;

		batched = b % 2;
		for (i = 0; i < nr; i++) {
			pr[i].paddr = f.base + (i % 8) * 2 * DVK_PAGE;
			pr[i].len = DVK_PAGE;
		}
		pr[bad[b / 2].at].paddr += bad[b / 2].off;
		pr[bad[b / 2].at].len = bad[b / 2].len;
		KUNIT_ASSERT_EQ(test, 0,
				dma_vec_nvme_rq_start(f.rq, f.ctrl, f.dev,
						      DMA_FROM_DEVICE, 0,
						      false, len, GFP_KERNEL));
		if (batched)
			ret = dma_vec_nvme_rq_add_ranges(f.rq, pr, nr, NULL);
		for (i = 0; !batched && !ret && i < nr; i++)
			ret = dma_vec_nvme_rq_add(f.rq, pr[i].paddr, pr[i].len,
						  NULL);
		if (!ret)
			ret = dma_vec_nvme_rq_finish(f.rq, &dptr);
		KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "case %u", b);
		dma_vec_nvme_rq_end(f.rq);
		KUNIT_EXPECT_EQ(test, f.rq->data.nr_pages, 0U);
		KUNIT_EXPECT_EQ(test, f.rq->io.nr_recs, 0U);
	}
}

/*
 * dma_vec_io_map_host() maps a batch of host ranges with one call (in the
 * kernel, one dma_map_pranges() loop), stops at the first range it
 * refuses, nothing of which is mapped, or after one cut at the mapping
 * size, and records what it mapped exactly when unmapping counts; the
 * same with the pages vouched for (dma_vec_io_host_pages()), which still
 * refuses empty and wrapping ranges, and whose vouch ends with its I/O:
 * the range outside RAM is refused by the I/O started after them.
 * __dma_vec_io_map_host() maps a checked batch the same, and checks it
 * on an I/O that did not vouch.
 * dma_map_pranges() maps nothing when asked for nothing and stops at an
 * empty range, the ranges before it mapped.
 */
static void dvk_io_map_host(struct kunit *test)
{
	static const struct {
		unsigned int at;
		phys_addr_t paddr;	/* 0: the page of the block */
		u64 len;
		int ret;
		unsigned int mapped;
	} cases[] = {
		{ 0, 0, DVK_PAGE, 0, 12 },		/* all of them */
		{ 4, 0, 0, -EINVAL, 4 },		/* empty */
		{ 0, PHYS_ADDR_MAX - DVK_PAGE + 1, 2 * DVK_PAGE,
		  -EOVERFLOW, 0 },
		{ 11, PHYS_ADDR_MAX - DVK_PAGE + 1, DVK_PAGE, -EFAULT, 11 },
		{ 5, 0, 3 * DVK_PAGE, 0, 6 },		/* cut at two pages */
	};
	struct dma_vec_prange in[12];
	struct dma_vec_drange out[12];
	struct dma_vec_io *io;
	struct dvk_rq_fix f;
	unsigned int c, i, n, v;
	int ret;

	dvk_rq_fix(test, &f, 0);
	io = &f.rq->io;
	for (v = 0; v < 2 * ARRAY_SIZE(cases); v++) {
		/* The vouched-for pass first, on the same I/O state. */
		bool pages = v < ARRAY_SIZE(cases);

		c = v % ARRAY_SIZE(cases);
		/* Never map what is not RAM through a made-up page. */
		if (pages && cases[c].ret == -EFAULT)
			continue;
		for (i = 0; i < ARRAY_SIZE(in); i++) {
			/* Every other page, the first from its middle. */
			in[i].paddr = f.base + (i % 8) * 2 * DVK_PAGE +
				      (i ? 0 : 0x200);
			in[i].len = DVK_PAGE - (i ? 0 : 0x200);
		}
		if (cases[c].paddr)
			in[cases[c].at].paddr = cases[c].paddr;
		in[cases[c].at].len = cases[c].len;
		dma_vec_io_start(io, f.dev, DMA_TO_DEVICE, 0, 2 * DVK_PAGE);
		if (pages)
			dma_vec_io_host_pages(io);
		/* No made-up page mapped, had the vouch leaked. */
		else if (cases[c].ret == -EFAULT)
			KUNIT_ASSERT_FALSE(test, io->host_pages);
		n = U32_MAX;
		ret = dma_vec_io_map_host(io, in, out, ARRAY_SIZE(in),
					  GFP_KERNEL, &n);
		KUNIT_EXPECT_EQ_MSG(test, ret, cases[c].ret, "case %u pages %d",
				    c, pages);
		KUNIT_EXPECT_EQ_MSG(test, n, cases[c].mapped,
				    "case %u pages %d", c, pages);
		for (i = 0; i < n && i < ARRAY_SIZE(in); i++) {
			u64 want = min_t(u64, in[i].len, 2 * DVK_PAGE);

			/* Not behind an IOMMU: the DMA address is physical. */
			KUNIT_EXPECT_EQ(test, out[i].addr, in[i].paddr);
			KUNIT_EXPECT_EQ(test, out[i].len, want);
		}
		KUNIT_EXPECT_EQ(test, io->nr_recs, io->need_unmap ? n : 0);
		dma_vec_io_end(io);
	}

	/*
	 * A batch its caller checked (__dma_vec_io_map_host()): straight to
	 * the DMA layer on an I/O that vouched for its pages, checked as
	 * above on one that did not, which refuses the range outside RAM.
	 */
	for (v = 0; v < 2; v++) {
		for (i = 0; i < ARRAY_SIZE(in); i++) {
			in[i].paddr = f.base + (i % 8) * 2 * DVK_PAGE;
			in[i].len = DVK_PAGE;
		}
		dma_vec_io_start(io, f.dev, DMA_TO_DEVICE, 0, 2 * DVK_PAGE);
		if (!v) {
			dma_vec_io_host_pages(io);
		} else {
			KUNIT_ASSERT_FALSE(test, io->host_pages);
			in[11].paddr = PHYS_ADDR_MAX - DVK_PAGE + 1;
		}
		n = U32_MAX;
		ret = __dma_vec_io_map_host(io, in, out, ARRAY_SIZE(in),
					    GFP_KERNEL, &n);
		KUNIT_EXPECT_EQ(test, ret, v ? -EFAULT : 0);
		KUNIT_EXPECT_EQ(test, n, v ? 11U : 12U);
		for (i = 0; i < n && i < ARRAY_SIZE(in); i++) {
			KUNIT_EXPECT_EQ(test, out[i].addr, in[i].paddr);
			KUNIT_EXPECT_EQ(test, out[i].len, (u64)DVK_PAGE);
		}
		KUNIT_EXPECT_EQ(test, io->nr_recs, io->need_unmap ? n : 0);
		dma_vec_io_end(io);
	}

	/* dma_map_pranges() itself: none asked, and an empty range. */
	KUNIT_EXPECT_EQ(test, dma_map_pranges(f.dev, in, out, 0, DMA_TO_DEVICE,
					      0), 0U);
	in[2].len = 0;
	n = dma_map_pranges(f.dev, in, out, 4, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, n, 2U);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, out[i].addr, in[i].paddr);
		dma_unmap_page_attrs(f.dev, out[i].addr, out[i].len,
				     DMA_TO_DEVICE, 0);
	}
}

/*
 * dma_vec_io_map() of host memory vouched for as pages: mapped as before
 * (cut at the mapping size out of line), empty and wrapping ranges still
 * refused; the next I/O on the same state checks for RAM again.
 */
static void dvk_io_host_pages(struct kunit *test)
{
	phys_addr_t top = PHYS_ADDR_MAX - DVK_PAGE + 1;
	struct dma_vec_drange d;
	struct dma_vec_io *io;
	struct dvk_rq_fix f;

	dvk_rq_fix(test, &f, 0);
	io = &f.rq->io;
	dma_vec_io_start(io, f.dev, DMA_TO_DEVICE, 0, 2 * DVK_PAGE);
	dma_vec_io_host_pages(io);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			dma_vec_io_map(io, f.base, 0, NULL, &d, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, -EOVERFLOW,
			dma_vec_io_map(io, top, 2 * DVK_PAGE, NULL, &d,
				       GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, 0,
			dma_vec_io_map(io, f.base + 0x200, DVK_PAGE, NULL, &d,
				       GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, d.addr, (dma_addr_t)f.base + 0x200);
	KUNIT_EXPECT_EQ(test, d.len, (u64)DVK_PAGE);
	KUNIT_EXPECT_EQ(test, 0,
			dma_vec_io_map(io, f.base + 0x200, 3 * DVK_PAGE, NULL,
				       &d, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, d.len, (u64)2 * DVK_PAGE - 0x200);
	KUNIT_EXPECT_EQ(test, io->nr_recs, io->need_unmap ? 2U : 0U);
	dma_vec_io_end(io);

	dma_vec_io_start(io, f.dev, DMA_TO_DEVICE, 0, 2 * DVK_PAGE);
	/* Never through a made-up page, should the vouch have leaked. */
	KUNIT_ASSERT_FALSE(test, io->host_pages);
	KUNIT_EXPECT_EQ(test, -EFAULT,
			dma_vec_io_map(io, top, DVK_PAGE, NULL, &d,
				       GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, io->nr_recs, 0U);
	dma_vec_io_end(io);
}

/*
 * Start a request of @len bytes, add one or two ranges (@len1 0 for one),
 * and expect dma_vec_nvme_rq_finish() to return @ret, leaving the data
 * pointer untouched on error; then end it, with nothing left held.
 */
static void dvk_rq_expect(struct kunit *test, struct dvk_rq_fix *f, u64 len,
			  phys_addr_t pa0, u64 len0, phys_addr_t pa1, u64 len1,
			  int ret)
{
	union nvme_data_ptr dptr, before;

	memset(&dptr, 0x5a, sizeof(dptr));
	before = dptr;
	KUNIT_ASSERT_EQ(test, 0, dma_vec_nvme_rq_start(f->rq, f->ctrl, f->dev,
						       DMA_TO_DEVICE, 0, false,
						       len, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, 0, dma_vec_nvme_rq_add(f->rq, pa0, len0, NULL));
	if (len1)
		KUNIT_EXPECT_EQ(test, 0,
				dma_vec_nvme_rq_add(f->rq, pa1, len1, NULL));
	KUNIT_EXPECT_EQ(test, dma_vec_nvme_rq_finish(f->rq, &dptr), ret);
	if (ret)
		KUNIT_EXPECT_TRUE(test, !memcmp(&dptr, &before, sizeof(dptr)));
	/* Even on error, never an entry beyond what the command takes. */
	KUNIT_EXPECT_LE(test, f->rq->nents, f->rq->total);
	dma_vec_nvme_rq_end(f->rq);
	KUNIT_EXPECT_EQ(test, f->rq->data.nr_pages, 0U);
	KUNIT_EXPECT_EQ(test, f->rq->io.nr_recs, 0U);
}

/*
 * A command of one range: one or two controller pages are written inline
 * (PRP1, PRP2), more take the general path; every offset and length around
 * the page edges gives the PRPs of the table builder, and a start off a
 * dword is refused with -EINVAL by the general path.
 */
static void dvk_rq_one_range(struct kunit *test)
{
	static const u32 offs[] = { 0, 4, 8, 0x200, DVK_PAGE - 8, DVK_PAGE - 4 };
	static const u32 lens[] = {
		4, 8, 0x200, DVK_PAGE - 4, DVK_PAGE, DVK_PAGE + 4,
		2 * DVK_PAGE - 8, 2 * DVK_PAGE, 2 * DVK_PAGE + 4, 3 * DVK_PAGE,
	};
	struct dvk_rq_fix f;
	unsigned int o, l;

	dvk_rq_fix(test, &f, 0);
	for (o = 0; o < ARRAY_SIZE(offs); o++) {
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			struct dma_vec_drange want = {
				.addr = f.base + offs[o], .len = lens[l],
			};
			union nvme_data_ptr dptr;
			unsigned int e;

			KUNIT_ASSERT_EQ(test, 0,
					dma_vec_nvme_rq_start(f.rq, f.ctrl,
							      f.dev,
							      DMA_TO_DEVICE, 0,
							      false, want.len,
							      GFP_KERNEL));
			KUNIT_ASSERT_EQ(test, 0,
					dma_vec_nvme_rq_add(f.rq, want.addr,
							    want.len, NULL));
			KUNIT_ASSERT_EQ_MSG(test, 0,
					    dma_vec_nvme_rq_finish(f.rq, &dptr),
					    "offset %#x length %#x", offs[o],
					    lens[l]);
			e = dvk_prp_entries(&want, 1, NULL, 0);
			dvk_check_prps(test, &want, 1, &dptr, &f.rq->data,
				       e > 2 ? DIV_ROUND_UP(e - 2,
							    DVK_PRPS_PER_PAGE - 1) :
					       0);
			KUNIT_EXPECT_FALSE(test, f.rq->data.sgl);
			dma_vec_nvme_rq_end(f.rq);
			KUNIT_EXPECT_EQ(test, f.rq->data.nr_pages, 0U);
			KUNIT_EXPECT_EQ(test, f.rq->io.nr_recs, 0U);
		}
	}
	dvk_rq_expect(test, &f, 0x1000, f.base + 2, 0x1000, 0, 0, -EINVAL);
	dvk_rq_expect(test, &f, 0x800, f.base + 0x402, 0x800, 0, 0, -EINVAL);
}

/*
 * Every refusal of the one-pass path: the error, then an end that leaves
 * nothing allocated nor mapped (the userspace run checks both).
 */
static void dvk_rq_errors(struct kunit *test)
{
	struct dma_vec_nvme_rq *rq;
	struct dvk_rq_fix f;

	dvk_rq_fix(test, &f, 0);
	rq = f.rq;

	/* Refused at the start. */
	KUNIT_EXPECT_EQ(test, dma_vec_nvme_rq_start(rq, f.ctrl, f.dev,
						    DMA_TO_DEVICE, 0, false, 0,
						    GFP_KERNEL), -EINVAL);
	dma_vec_nvme_rq_end(rq);
	KUNIT_EXPECT_EQ(test, dma_vec_nvme_rq_start(rq, f.ctrl, f.dev,
						    DMA_TO_DEVICE, 0, true,
						    0x1000, GFP_KERNEL),
			-EOPNOTSUPP);
	dma_vec_nvme_rq_end(rq);
	f.ctrl->max_transfer = 0x2000;
	KUNIT_EXPECT_EQ(test, dma_vec_nvme_rq_start(rq, f.ctrl, f.dev,
						    DMA_TO_DEVICE, 0, false,
						    0x3000, GFP_KERNEL), -E2BIG);
	dma_vec_nvme_rq_end(rq);
	f.ctrl->max_transfer = 0;

	/* An empty range, and one that wraps. */
	KUNIT_ASSERT_EQ(test, 0, dma_vec_nvme_rq_start(rq, f.ctrl, f.dev,
						       DMA_TO_DEVICE, 0, false,
						       0x1000, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, dma_vec_nvme_rq_add(rq, f.base, 0, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_nvme_rq_add(rq, (phys_addr_t)-0x1000,
						  0x2000, NULL), -EOVERFLOW);
	dma_vec_nvme_rq_end(rq);

	/* More bytes than announced, then fewer. */
	dvk_rq_expect(test, &f, 0x1000, f.base, 0x2000, 0, 0, -EINVAL);
	dvk_rq_expect(test, &f, 0x9000, f.base, 0x4000, 0, 0, -EINVAL);
	/*
	 * A last range one byte longer than what is left, after the list is
	 * set up: refused before one more entry than the command takes is
	 * written.
	 */
	dvk_rq_expect(test, &f, 0x3000, f.base, 0x1000, f.base + 0x2000,
		      0x2001, -EINVAL);
	/* Layouts PRPs cannot express: an inner gap, a first odd byte. */
	dvk_rq_expect(test, &f, 0x1800, f.base, 0x800, f.base + 0x2000, 0x1000,
		      -EINVAL);
	dvk_rq_expect(test, &f, 0x100, f.base + 1, 0x100, 0, 0, -EINVAL);
	/* Host memory without a struct page. */
	dvk_rq_expect(test, &f, 0x1000, 0xfff000000000ULL, 0x1000, 0, 0,
		      -EFAULT);

	/* And the state is good for the next request. */
	dvk_rq_expect(test, &f, 0x3000, f.base, 0x3000, 0, 0, 0);
}

/*
 * nvme-pci describes the controller on the submitter's stack: the end of
 * a command, after a good finish or an error, must not read it.  The
 * description is freed before the end, so that a read is a use after free
 * under KASAN and ASan.
 */
static void dvk_rq_ctrl_gone(struct kunit *test)
{
	struct dma_vec_nvme_ctrl *ctrl;
	union nvme_data_ptr dptr;
	struct dvk_rq_fix f;
	int i;

	dvk_rq_fix(test, &f, 0);
	for (i = 0; i < 2; i++) {
		ctrl = kmalloc(sizeof(*ctrl), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, ctrl);
		*ctrl = *f.ctrl;
		KUNIT_ASSERT_EQ(test, 0,
				dma_vec_nvme_rq_start(f.rq, ctrl, f.dev,
						      DMA_TO_DEVICE, 0, false,
						      0x3000, GFP_KERNEL));
		KUNIT_EXPECT_EQ(test, 0,
				dma_vec_nvme_rq_add(f.rq, f.base, 0x1000, NULL));
		/* The second pass adds a byte more than announced. */
		KUNIT_EXPECT_EQ(test, 0,
				dma_vec_nvme_rq_add(f.rq, f.base + 0x2000,
						    0x2000 + i, NULL));
		KUNIT_EXPECT_EQ(test, dma_vec_nvme_rq_finish(f.rq, &dptr),
				i ? -EINVAL : 0);
		KUNIT_EXPECT_EQ(test, f.rq->data.nr_pages, 1U);
		kfree(ctrl);
		dma_vec_nvme_rq_end(f.rq);
		KUNIT_EXPECT_EQ(test, f.rq->data.nr_pages, 0U);
		KUNIT_EXPECT_EQ(test, f.rq->io.nr_recs, 0U);
	}
}

static struct kunit_case dma_vec_nvme_cases[] = {
	KUNIT_CASE(dvk_prp_small),
	KUNIT_CASE_PARAM(dvk_prp_list_case, dvk_prp_list_gen_params),
	KUNIT_CASE(dvk_prp_errors),
	KUNIT_CASE(dvk_sgl_inline),
	KUNIT_CASE_PARAM(dvk_sgl_case, dvk_sgl_gen_params),
	KUNIT_CASE(dvk_sgl_split),
	KUNIT_CASE(dvk_sgl_errors),
	KUNIT_CASE(dvk_data_choice),
	KUNIT_CASE(dvk_free_empty),
	KUNIT_CASE_PARAM(dvk_rq_case, dvk_rq_gen_params),
	KUNIT_CASE(dvk_rq_many_pages),
	KUNIT_CASE(dvk_rq_one_range),
	KUNIT_CASE(dvk_rq_many_errors),
	KUNIT_CASE(dvk_io_map_host),
	KUNIT_CASE(dvk_io_host_pages),
	KUNIT_CASE(dvk_rq_errors),
	KUNIT_CASE(dvk_rq_ctrl_gone),
	{}
};

static struct kunit_suite dma_vec_nvme_suite = {
	.name = "dma_vec_nvme",
	.test_cases = dma_vec_nvme_cases,
};

kunit_test_suite(dma_vec_nvme_suite);

MODULE_DESCRIPTION("KUnit tests for the dma_vec NVMe data pointer builders");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
