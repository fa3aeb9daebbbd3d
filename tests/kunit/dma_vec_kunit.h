/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the dma_vec KUnit suites.
 */
#ifndef _DMA_VEC_KUNIT_H
#define _DMA_VEC_KUNIT_H

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/dma_vec.h>

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

#endif /* _DMA_VEC_KUNIT_H */
