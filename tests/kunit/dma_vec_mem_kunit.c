// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for dma_vec (lib/dma_vec.c) that need a real kernel: vmalloc
 * backed tables, kmalloc'ed memory and real pages behind scatterlists
 * (sg_virt(), sg_copy_to_buffer(), sg_alloc_table_from_pages()) and the DMA
 * API of a KUnit device.
 *
 * Everything that runs in both worlds is in dma_vec_kunit.c, which the
 * userspace build runs too; the userspace-only counterparts of these cases
 * (simulated RAM, failure injection) are in tests/user/.
 */
#include <kunit/device.h>
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
/* Defines struct dma_vec: included to prove dma_vec.h does not clash. */
#include <linux/dmaengine.h>
#include <linux/dma_vec.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "dma_vec_cases.h"
#include "dma_vec_kunit.h"

/* Large enough that kvmalloc() must fall back to vmalloc. */
#define DVK_LARGE_NR	1048576U	/* 2^20 ranges, 16 MiB */

static void dvk_large_table(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_prange *ranges;
	unsigned int i;
	u64 off;

	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_table_reserve(tbl, DVK_LARGE_NR, GFP_KERNEL));
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(tbl->ranges));
	KUNIT_EXPECT_GE(test, dma_vec_table_bytes(tbl),
			DVK_LARGE_NR * sizeof(struct dma_vec_prange));

	/*
	 * Filling the reservation reallocates nothing (the userspace build
	 * proves the same for tables grown one append at a time, in
	 * dma_vec_kunit.c, without vmalloc).
	 */
	ranges = tbl->ranges;
	for (i = 0; i < DVK_LARGE_NR; i++)
		KUNIT_ASSERT_EQ_MSG(test, 0,
				    dma_vec_append(tbl,
						   (phys_addr_t)i * 2 * PAGE_SIZE,
						   PAGE_SIZE, NULL, GFP_KERNEL),
				    "append %u", i);
	KUNIT_EXPECT_PTR_EQ(test, tbl->ranges, ranges);
	KUNIT_EXPECT_GE(test, tbl->cap, DVK_LARGE_NR);
	KUNIT_EXPECT_EQ(test, dma_vec_find(tbl, 12345ULL * PAGE_SIZE + 17, &off),
			12345);
	KUNIT_EXPECT_EQ(test, off, 17ULL);

	dma_vec_table_release(tbl);
	KUNIT_EXPECT_EQ(test, dma_vec_nr_ranges(tbl), 0U);
	KUNIT_EXPECT_NULL(test, tbl->ranges);
}

/* struct dma_vec of dmaengine.h and the dma_vec_* types coexist. */
static void dvk_dmaengine_coexist(struct kunit *test)
{
	struct dma_vec dmaengine_vec = { .addr = 0x1000, .len = 0x200 };
	struct dma_vec_drange dr = {
		.addr = dmaengine_vec.addr,
		.len = dmaengine_vec.len,
	};

	KUNIT_EXPECT_EQ(test, sizeof(struct dma_vec_prange), 16);
	KUNIT_EXPECT_EQ(test, sizeof(struct dma_vec_drange), 16);
	KUNIT_EXPECT_EQ(test, dr.addr, dmaengine_vec.addr);
	KUNIT_EXPECT_EQ(test, dr.len, (u64)dmaengine_vec.len);
}

/* ---- dma_vec_sg_pages ---- */

/* Two kmalloc'ed buffers spanning pages, as one table of two ranges. */
struct dvk_bufs {
	u8 *buf[2];
	size_t off[2];
	size_t len[2];
};

static void dvk_bufs_init(struct kunit *test, struct dvk_bufs *b,
			  struct dma_vec_table *tbl)
{
	unsigned int i;
	size_t j;

	b->off[0] = 100;
	b->len[0] = 2 * PAGE_SIZE + 50;
	b->off[1] = PAGE_SIZE - 8;
	b->len[1] = 16;
	for (i = 0; i < 2; i++) {
		b->buf[i] = kunit_kmalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, b->buf[i]);
		for (j = 0; j < b->len[i]; j++)
			b->buf[i][b->off[i] + j] = dvk_pattern(i * 1000 + j);
		KUNIT_ASSERT_EQ(test, 0,
				dma_vec_append(tbl,
					       virt_to_phys(b->buf[i] + b->off[i]),
					       b->len[i], NULL, GFP_KERNEL));
	}
}

/* Export real kmalloc'ed memory and check it is a true page scatterlist. */
static void dvk_to_sgt_pages(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	struct sg_table *sgt = dvk_sgt(test);
	struct dma_vec_slice slice;
	struct scatterlist *sg;
	struct dvk_bufs b;
	unsigned int i;
	u8 *copy;
	size_t j;

	dvk_bufs_init(test, &b, tbl);
	dma_vec_slice_all(tbl, &slice);
	KUNIT_ASSERT_EQ(test, 0, dma_vec_to_sgt(&slice, sgt, GFP_KERNEL));
	dvk_own_sgt(test, sgt);

	/* kmalloc() memory is physically contiguous: one entry per buffer. */
	KUNIT_ASSERT_EQ(test, sgt->orig_nents, 2U);
	for_each_sgtable_sg(sgt, sg, i) {
		void *va = b.buf[i] + b.off[i];

		KUNIT_EXPECT_PTR_EQ(test, sg_page(sg), virt_to_page(va));
		KUNIT_EXPECT_EQ(test, sg->offset, offset_in_page(va));
		KUNIT_EXPECT_EQ(test, sg->length, b.len[i]);
		KUNIT_EXPECT_EQ(test, sg_phys(sg), virt_to_phys(va));
		KUNIT_EXPECT_PTR_EQ(test, sg_virt(sg), va);
	}

	/* kmap based helpers work on the export. */
	copy = kunit_kzalloc(test, b.len[0] + b.len[1], GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_EXPECT_EQ(test, sg_copy_to_buffer(sgt->sgl, sgt->orig_nents, copy,
						b.len[0] + b.len[1]),
			b.len[0] + b.len[1]);
	KUNIT_EXPECT_MEMEQ(test, copy, b.buf[0] + b.off[0], b.len[0]);
	KUNIT_EXPECT_MEMEQ(test, copy + b.len[0], b.buf[1] + b.off[1],
			   b.len[1]);
	for (j = 0; j < 4; j++)
		KUNIT_EXPECT_EQ(test, copy[j], dvk_pattern(j));
}

#define DVK_NR_PAGES	4

/* Import an sg_table built from real, scattered pages. */
static void dvk_from_sgt_pages(struct kunit *test)
{
	static const struct dma_vec_limits page = {
		.max_seg = PAGE_SIZE,
		.seg_boundary_mask = PAGE_SIZE - 1,
		.align = PAGE_SIZE,
	};
	struct dma_vec_table *tbl = dvk_table(test);
	struct sg_table *sgt = dvk_sgt(test);
	struct page *pages[DVK_NR_PAGES];
	const size_t head = 0x10, size = DVK_NR_PAGES * PAGE_SIZE - 0x30;
	struct dma_vec_slice slice;
	struct dma_vec_iter it;
	unsigned int i, n = 0;

	/* Reverse order: the pages are unlikely to be contiguous. */
	for (i = 0; i < DVK_NR_PAGES; i++)
		pages[DVK_NR_PAGES - 1 - i] = dvk_page(test);
	KUNIT_ASSERT_EQ(test, 0,
			sg_alloc_table_from_pages(sgt, pages, DVK_NR_PAGES,
						  head, size, GFP_KERNEL));
	dvk_own_sgt(test, sgt);

	/* The import appends after what the table already holds. */
	KUNIT_ASSERT_EQ(test, 0, dma_vec_append(tbl, 0x1000, 0x1000, NULL,
						GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_from_sgt(tbl, sgt, NULL, 0, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, dma_vec_len(tbl), 0x1000 + size);
	KUNIT_EXPECT_LE(test, dma_vec_nr_ranges(tbl), 1U + DVK_NR_PAGES);

	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, 0x1000, size, &slice));
	dma_vec_for_each_chunk(&slice, &page, &it) {
		phys_addr_t want = page_to_phys(pages[n]) + (n ? 0 : head);

		KUNIT_ASSERT_LT(test, n, DVK_NR_PAGES);
		KUNIT_EXPECT_EQ_MSG(test, it.paddr, want, "page %u", n);
		KUNIT_EXPECT_NULL(test, it.provider);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, DVK_NR_PAGES);
}

/*
 * The export is a valid scatterlist for the real DMA API: map it for a
 * KUnit device (32-bit DMA mask; UML has HAS_DMA through
 * CONFIG_UML_PCI_OVER_VIRTIO and maps with dma-direct), and walk the DMA
 * side with the constrained DMA iterator under the device's limits.
 */
static void dvk_map_exported_sgt(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	struct sg_table *sgt = dvk_sgt(test);
	struct dma_vec_limits lim = { .align = 1 };
	struct dma_vec_slice slice;
	struct dma_vec_dma_iter dit;
	struct dma_vec_drange *dr;
	struct scatterlist *sg;
	struct device *dev;
	struct dvk_bufs b;
	unsigned int i, nr = 0;
	u64 total = 0;
	int ret;

	dev = kunit_device_register(test, "dma_vec_kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(dev));

	dvk_bufs_init(test, &b, tbl);
	dma_vec_slice_all(tbl, &slice);
	KUNIT_ASSERT_EQ(test, 0, dma_vec_to_sgt(&slice, sgt, GFP_KERNEL));
	dvk_own_sgt(test, sgt);

	ret = dma_map_sgtable(dev, sgt, DMA_BIDIRECTIONAL, 0);
	if (ret)
		kunit_skip(test, "dma_map_sgtable: %d (no DMA ops here)", ret);

	dr = kunit_kcalloc(test, sgt->nents, sizeof(*dr), GFP_KERNEL);
	if (!dr) {
		dma_unmap_sgtable(dev, sgt, DMA_BIDIRECTIONAL, 0);
		KUNIT_FAIL(test, "out of memory");
		return;
	}
	for_each_sgtable_dma_sg(sgt, sg, i) {
		KUNIT_EXPECT_NE(test, sg_dma_address(sg), DMA_MAPPING_ERROR);
		KUNIT_EXPECT_LE(test, sg_dma_address(sg) + sg_dma_len(sg) - 1,
				*dev->dma_mask);
		dr[nr].addr = sg_dma_address(sg);
		dr[nr].len = sg_dma_len(sg);
		nr++;
	}

	lim.max_seg = dma_get_max_seg_size(dev);
	lim.seg_boundary_mask = dma_get_seg_boundary(dev);
	KUNIT_EXPECT_TRUE(test, dma_vec_limits_valid(&lim));
	i = 0;
	dma_vec_for_each_dma_chunk(dr, nr, &lim, &dit) {
		dvk_check_chunk(test, &lim, dit.addr, dit.len, i++);
		total += dit.len;
	}
	KUNIT_EXPECT_EQ(test, total, dma_vec_len(tbl));

	dma_unmap_sgtable(dev, sgt, DMA_BIDIRECTIONAL, 0);
}

static struct kunit_case dma_vec_mem_cases[] = {
	KUNIT_CASE(dvk_large_table),
	KUNIT_CASE(dvk_dmaengine_coexist),
	KUNIT_CASE(dvk_to_sgt_pages),
	KUNIT_CASE(dvk_from_sgt_pages),
	KUNIT_CASE(dvk_map_exported_sgt),
	{}
};

static struct kunit_suite dma_vec_mem_suite = {
	.name = "dma_vec_mem",
	.test_cases = dma_vec_mem_cases,
};

kunit_test_suite(dma_vec_mem_suite);

MODULE_DESCRIPTION("KUnit tests for dma_vec on real memory");
MODULE_LICENSE("GPL");
