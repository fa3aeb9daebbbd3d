/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the dma_vec KUnit suites, and through
 * tests/user/helpers.c by the userspace-only CMocka suites too: a table
 * released when the test ends, the structural invariants of a table, and
 * snapshots for "nothing changed" checks.
 */
#ifndef _DMA_VEC_KUNIT_H
#define _DMA_VEC_KUNIT_H

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/dma_vec.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

/* White-box checks: the lookup-mark stride private to lib/dma_vec.c. */
#define DVK_MARK_STRIDE	16U

KUNIT_DEFINE_ACTION_WRAPPER(dvk_free_page, __free_page, struct page *);

/* A zeroed page of RAM, freed by KUnit. */
static inline struct page *dvk_page(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvk_free_page, page));
	return page;
}

/* The byte pattern the copy tests write and check. */
static inline u8 dvk_pattern(size_t i)
{
	return (u8)(i * 7 + 3);
}

KUNIT_DEFINE_ACTION_WRAPPER(dvk_sg_free_table, sg_free_table,
			    struct sg_table *);

/* An sg_table freed by KUnit once filled (dvk_own_sgt()). */
static inline struct sg_table *dvk_sgt(struct kunit *test)
{
	struct sg_table *sgt;

	sgt = kunit_kzalloc(test, sizeof(*sgt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sgt);
	return sgt;
}

static inline void dvk_own_sgt(struct kunit *test, struct sg_table *sgt)
{
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvk_sg_free_table, sgt));
}

/* A chunk must honour the limits it was cut under. */
static inline void dvk_check_chunk(struct kunit *test,
				   const struct dma_vec_limits *lim, u64 addr,
				   u64 len, unsigned int n)
{
	u64 mask = lim->seg_boundary_mask;

	KUNIT_EXPECT_GT_MSG(test, len, 0ULL, "chunk %u", n);
	KUNIT_EXPECT_LE_MSG(test, len, lim->max_seg, "chunk %u", n);
	KUNIT_EXPECT_EQ_MSG(test, addr & ~mask, (addr + len - 1) & ~mask,
			    "chunk %u crosses a segment boundary", n);
}

KUNIT_DEFINE_ACTION_WRAPPER(dvk_table_release, dma_vec_table_release,
			    struct dma_vec_table *);

/* A table released by KUnit when the test ends, whatever the outcome. */
static inline struct dma_vec_table *dvk_table(struct kunit *test)
{
	struct dma_vec_table *tbl;

	tbl = kunit_kzalloc(test, sizeof(*tbl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tbl);
	dma_vec_table_init(tbl);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvk_table_release, tbl));
	return tbl;
}

/* Structural invariants every table must keep. */
static inline void dvk_check_invariants(struct kunit *test,
					const struct dma_vec_table *t)
{
	unsigned int i, run = 0;
	u64 sum = 0;

	KUNIT_ASSERT_LE(test, t->nr, t->cap);
	KUNIT_ASSERT_LE(test, t->nr_runs, t->nr);
	KUNIT_ASSERT_EQ(test, !t->nr, !t->nr_runs);
	if (t->nr_runs)
		KUNIT_EXPECT_EQ(test, dma_vec_run(t, 0)->first, 0U);
	for (i = 1; i < t->nr_runs; i++) {
		const struct dma_vec_run *prev = dma_vec_run(t, i - 1);
		const struct dma_vec_run *cur = dma_vec_run(t, i);

		KUNIT_ASSERT_GT_MSG(test, cur->first, prev->first, "run %u", i);
		KUNIT_ASSERT_LT_MSG(test, cur->first, t->nr, "run %u", i);
		KUNIT_EXPECT_PTR_NE(test, cur->provider, prev->provider);
	}
	for (i = 0; i < t->nr; i++) {
		const struct dma_vec_prange *r = &t->ranges[i];
		struct dma_vec_provider *p;

		while (run + 1 < t->nr_runs &&
		       dma_vec_run(t, run + 1)->first <= i)
			run++;
		p = dma_vec_run(t, run)->provider;
		KUNIT_EXPECT_PTR_EQ_MSG(test, dma_vec_range_provider(t, i), p,
					"range %u", i);
		KUNIT_ASSERT_GT_MSG(test, r->len, 0ULL, "range %u", i);
		KUNIT_EXPECT_GE_MSG(test, r->paddr + (r->len - 1), r->paddr,
				    "range %u wraps", i);
		if (p) {
			KUNIT_EXPECT_GE_MSG(test, r->paddr, p->base,
					    "range %u", i);
			KUNIT_EXPECT_LT_MSG(test, r->paddr + (r->len - 1) - p->base,
					    p->size, "range %u", i);
		}
		/* Mark 0 is implicit: a table of 16 ranges or fewer has none. */
		if (i && !(i % DVK_MARK_STRIDE))
			KUNIT_EXPECT_EQ_MSG(test, t->marks[i / DVK_MARK_STRIDE],
					    sum, "mark of range %u", i);
		/* Mergeable neighbours inside one run must have been merged. */
		if (i && dma_vec_run(t, run)->first != i)
			KUNIT_EXPECT_FALSE_MSG(test, r->paddr > r[-1].paddr &&
					       r->paddr - r[-1].paddr == r[-1].len,
					       "ranges %u and %u", i - 1, i);
		sum += r->len;
	}
	KUNIT_EXPECT_EQ(test, sum, t->len);
}

/* A copy of a table's contents, for "nothing changed" checks. */
struct dvk_snapshot {
	struct dma_vec_prange *ranges;
	struct dma_vec_run *runs;
	unsigned int nr;
	unsigned int nr_runs;
	u64 len;
};

static inline void dvk_snapshot_take(struct kunit *test,
				     struct dvk_snapshot *s,
				     const struct dma_vec_table *t)
{
	unsigned int i;

	s->nr = t->nr;
	s->nr_runs = t->nr_runs;
	s->len = t->len;
	s->ranges = kunit_kcalloc(test, t->nr + 1, sizeof(*s->ranges),
				  GFP_KERNEL);
	s->runs = kunit_kcalloc(test, t->nr_runs + 1, sizeof(*s->runs),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->ranges);
	KUNIT_ASSERT_NOT_NULL(test, s->runs);
	if (t->nr)
		memcpy(s->ranges, t->ranges, t->nr * sizeof(*s->ranges));
	for (i = 0; i < t->nr_runs; i++)
		s->runs[i] = *dma_vec_run(t, i);
}

static inline void dvk_snapshot_check(struct kunit *test,
				      const struct dvk_snapshot *s,
				      const struct dma_vec_table *t)
{
	unsigned int i;

	KUNIT_ASSERT_EQ(test, t->nr, s->nr);
	KUNIT_ASSERT_EQ(test, t->nr_runs, s->nr_runs);
	KUNIT_EXPECT_EQ(test, t->len, s->len);
	for (i = 0; i < s->nr; i++) {
		KUNIT_EXPECT_EQ_MSG(test, t->ranges[i].paddr,
				    s->ranges[i].paddr, "range %u", i);
		KUNIT_EXPECT_EQ_MSG(test, t->ranges[i].len, s->ranges[i].len,
				    "range %u", i);
	}
	for (i = 0; i < s->nr_runs; i++) {
		KUNIT_EXPECT_EQ_MSG(test, dma_vec_run(t, i)->first,
				    s->runs[i].first, "run %u", i);
		KUNIT_EXPECT_PTR_EQ_MSG(test, dma_vec_run(t, i)->provider,
					s->runs[i].provider, "run %u", i);
	}
	dvk_check_invariants(test, t);
}

static inline void dvk_snapshot_drop(struct kunit *test, struct dvk_snapshot *s)
{
	kunit_kfree(test, s->ranges);
	kunit_kfree(test, s->runs);
}

#endif /* _DMA_VEC_KUNIT_H */
