// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the catalogue of bad inputs (docs/bad-input.md) in the kernel.
 *
 * The rows are those of tests/user/test_badinput.c, from the shared table
 * dma_vec_badinput_cases.h.  Every core row runs here on a fresh fixture
 * with real RAM pages; the rows of the P2P, NVMe and RDMA helpers (other
 * subsystems) and those that need an allocation to fail on demand are
 * skipped, and run in userspace only.
 */
#include <kunit/test.h>
#include <linux/dma_vec.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dma_vec_kunit.h"

/* The kernel has no allocation failure on demand for these rows. */
static void dvb_fail_nth(unsigned int n)
{
}

#include "dma_vec_badinput_cases.h"

static void dvb_case_desc(const struct dvb_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dvb, dvb_cases, dvb_case_desc);

/* The fixture's RAM: four pages, freed by KUnit whatever the outcome. */
static void dvb_free_pages(void *page)
{
	__free_pages(page, 2);
}

/* A copy of the parts of a table a bad call must not change. */
struct dvb_snap {
	struct dma_vec_prange ranges[4];
	struct dma_vec_run runs[4];
	unsigned int nr, nr_runs;
	u64 len;
};

static void dvb_snap_take(struct dvb_snap *s, const struct dma_vec_table *t)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->nr = t->nr;
	s->nr_runs = t->nr_runs;
	s->len = t->len;
	for (i = 0; i < t->nr && i < ARRAY_SIZE(s->ranges); i++)
		s->ranges[i] = t->ranges[i];
	for (i = 0; i < t->nr_runs && i < ARRAY_SIZE(s->runs); i++)
		s->runs[i] = *dma_vec_run(t, i);
}

static void dvb_snap_check(struct kunit *test, const struct dvb_snap *s,
			   const struct dma_vec_table *t)
{
	struct dvb_snap now;

	dvb_snap_take(&now, t);
	KUNIT_EXPECT_EQ(test, now.nr, s->nr);
	KUNIT_EXPECT_EQ(test, now.nr_runs, s->nr_runs);
	KUNIT_EXPECT_EQ(test, now.len, s->len);
	KUNIT_EXPECT_MEMEQ(test, now.ranges, s->ranges, sizeof(now.ranges));
	KUNIT_EXPECT_MEMEQ(test, now.runs, s->runs, sizeof(now.runs));
}

static void dvb_row(struct kunit *test)
{
	const struct dvb_case *c = test->param_value;
	struct dma_vec_provider *provs;
	struct dvb_fix f = { };
	struct dvb_snap snap;
	struct page *ram;
	unsigned int i;

	if (c->op >= DVB_NR_CORE_OPS)
		kunit_skip(test, "P2P, NVMe and RDMA rows run in userspace");
	if (c->failinj)
		kunit_skip(test, "needs an allocation failure on demand");

	ram = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, ram);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvb_free_pages, ram));
	f.ram = page_address(ram);
	f.ram_pa = page_to_phys(ram);
	f.buf = kunit_kmalloc(test, DVB_BUF_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f.buf);

	/* The core reads a provider's description only. */
	provs = kunit_kcalloc(test, DVC_NR_PROVIDERS, sizeof(*provs),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, provs);
	for (i = 0; i < DVC_NR_PROVIDERS; i++) {
		provs[i].base = dvc_providers[i].base;
		provs[i].size = dvc_providers[i].size;
		provs[i].bus_offset = dvc_providers[i].bus_offset;
		f.prov[i] = &provs[i];
	}

	f.tbl = dvk_table(test);
	f.other = dvk_table(test);
	KUNIT_ASSERT_EQ(test, 0, dvb_fixture_build(&f, f.tbl, c->fix));
	KUNIT_ASSERT_EQ(test, 0, dvb_fixture_build(&f, f.other, c->fix));
	dvb_snap_take(&snap, f.tbl);

	KUNIT_EXPECT_EQ_MSG(test, dvb_call_core(c, &f), c->ret,
			    "%s (%u WARN expected)", c->name, c->warns);
	dvb_snap_check(test, &snap, f.tbl);
}

static struct kunit_case dvb_test_cases[] = {
	KUNIT_CASE_PARAM(dvb_row, dvb_gen_params),
	{}
};

static struct kunit_suite dvb_test_suite = {
	.name = "dma_vec_badinput",
	.test_cases = dvb_test_cases,
};

kunit_test_suite(dvb_test_suite);

MODULE_DESCRIPTION("KUnit catalogue of bad inputs for dma_vec");
MODULE_LICENSE("GPL");
