// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include <linux/slab.h>
#include <shim/sim.h>

#include "dma_vec_kunit.h"
#include "helpers.h"

struct dma_vec_provider dvt_prov[DVC_NR_PROVIDERS];

static long live_at_setup;
static unsigned long warns_expected;

struct dma_vec_provider *dvt_provider(int idx)
{
	return idx == DVC_HOST ? NULL : &dvt_prov[idx];
}

int dvt_setup(void **state)
{
	unsigned int i;

	(void)state;
	shim_reset();
	warns_expected = 0;
	live_at_setup = shim_live_objects();
	for (i = 0; i < DVC_NR_PROVIDERS; i++)
		assert_int_equal(dma_vec_provider_init(&dvt_prov[i], NULL,
						       (int)i,
						       dvc_providers[i].base,
						       dvc_providers[i].size,
						       dvc_providers[i].bus_offset,
						       NULL), 0);
	return 0;
}

int dvt_teardown(void **state)
{
	(void)state;
	assert_int_equal(shim_live_objects(), live_at_setup);
	assert_int_equal(shim_kmaps_live(), 0);
	assert_int_equal(shim_warn_count(), warns_expected);
	shim_reset();
	return 0;
}

static unsigned long faults_expected;
static unsigned long errors_expected;

int dvt_sim_setup(void **state)
{
	int ret = dvt_setup(state);

	sim_reset();
	faults_expected = 0;
	errors_expected = 0;
	return ret;
}

static void dvt_sim_check(void)
{
	if (sim_faults() != faults_expected)
		fail_msg("%lu DMA faults, %lu expected; last: %s", sim_faults(),
			 faults_expected, sim_last_fault());
	if (sim_mapping_errors() != errors_expected)
		fail_msg("%lu DMA API errors, %lu expected; last: %s",
			 sim_mapping_errors(), errors_expected,
			 sim_last_mapping_error());
	assert_int_equal(sim_live_mappings(NULL), 0);
	assert_int_equal(sim_device_refs(), 0);
}

int dvt_sim_teardown(void **state)
{
	dvt_sim_check();
	sim_reset();
	return dvt_teardown(state);
}

void dvt_resim(void)
{
	dvt_sim_check();
	sim_reset();
	faults_expected = 0;
	errors_expected = 0;
}

void dvt_expect_fault(int ret, const char *what)
{
	assert_int_equal(ret, -EFAULT);
	faults_expected++;
	assert_int_equal(sim_faults(), faults_expected);
	if (what && !strstr(sim_last_fault(), what))
		fail_msg("fault report \"%s\" lacks \"%s\"", sim_last_fault(),
			 what);
}

void dvt_expect_map_error(const char *what)
{
	errors_expected++;
	assert_int_equal(sim_mapping_errors(), errors_expected);
	if (what && !strstr(sim_last_mapping_error(), what))
		fail_msg("error report \"%s\" lacks \"%s\"",
			 sim_last_mapping_error(), what);
}

void dvt_expect_warns(unsigned long n)
{
	warns_expected += n;
	shim_set_quiet_warn(true);
}

void dvt_snapshot_take(struct dvt_snapshot *s, const struct dma_vec_table *t)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->nr = t->nr;
	s->nr_runs = t->nr_runs;
	s->len = t->len;
	s->ranges = malloc(sizeof(*s->ranges) * (t->nr + 1));
	s->runs = malloc(sizeof(*s->runs) * (t->nr_runs + 1));
	assert_non_null(s->ranges);
	assert_non_null(s->runs);
	if (t->nr)
		memcpy(s->ranges, t->ranges, sizeof(*s->ranges) * t->nr);
	for (i = 0; i < t->nr_runs; i++)
		s->runs[i] = *dma_vec_run(t, i);
}

struct dvt_snapshot_pair {
	const struct dvt_snapshot *s;
	const struct dma_vec_table *t;
};

static void snapshot_check(struct kunit *test, const void *arg)
{
	const struct dvt_snapshot_pair *p = arg;
	const struct dvk_snapshot s = {
		.ranges = p->s->ranges,
		.runs = p->s->runs,
		.nr = p->s->nr,
		.nr_runs = p->s->nr_runs,
		.len = p->s->len,
	};

	dvk_snapshot_check(test, &s, p->t);
}

void dvt_snapshot_check(const struct dvt_snapshot *s,
			const struct dma_vec_table *t)
{
	const struct dvt_snapshot_pair p = { s, t };

	dvt_kunit_call(snapshot_check, &p);
}

void dvt_snapshot_drop(struct dvt_snapshot *s)
{
	free(s->ranges);
	free(s->runs);
	memset(s, 0, sizeof(*s));
}

static void check_invariants(struct kunit *test, const void *t)
{
	dvk_check_invariants(test, t);
}

void dvt_check_invariants(const struct dma_vec_table *t)
{
	dvt_kunit_call(check_invariants, t);
}

void dvt_build(struct dma_vec_table *t, const struct dvc_range *r,
	       unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		assert_int_equal(dma_vec_append(t, r[i].paddr, r[i].len,
						dvt_provider(r[i].prov),
						GFP_KERNEL), 0);
}

enum dma_vec_map_type dvt_expected_type(struct pci_dev *owner,
					struct device *client)
{
	switch (sim_expected_map_type(owner, client, NULL)) {
	case SIM_P2P_BUS_ADDR:
		return DMA_VEC_MAP_BUS_ADDR;
	case SIM_P2P_HOST_BRIDGE:
		return DMA_VEC_MAP_THRU_HOST_BRIDGE;
	default:
		return DMA_VEC_MAP_NOT_SUPPORTED;
	}
}
