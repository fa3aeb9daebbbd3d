/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the CMocka suites: per-test leak and WARN checks, table
 * snapshots for "nothing changed" assertions, invariant checks, and the
 * providers of the shared case tables.
 */
#ifndef DMA_VEC_TEST_HELPERS_H
#define DMA_VEC_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/dma_vec.h>
#include <linux/dma_vec_p2p.h>
#include <linux/dma_vec_user.h>
#include <shim/shim.h>

#include "dma_vec_cases.h"
#include "dma_vec_p2p_cases.h"

struct kunit;

/* White-box checks: the bit of &dma_vec_map.flags private to the P2P layer. */
#define DVT_MAP_REVOKED	0

/* Providers built from dvc_providers, without CPU mappings. */
extern struct dma_vec_provider dvt_prov[DVC_NR_PROVIDERS];

struct dma_vec_provider *dvt_provider(int idx);

/* CMocka setup/teardown: reset the shim; on teardown fail on leaks, on
 * kmaps left mapped and on WARNs the test did not consume. */
int dvt_setup(void **state);
int dvt_teardown(void **state);

/* A test that expects WARNs takes them with this (and silences them). */
void dvt_expect_warns(unsigned long n);

/*
 * Setup/teardown for tests on the simulated platform: a fresh machine per
 * test; on teardown fail on unexpected DMA faults or DMA API misuse, on
 * live mappings and on unbalanced device references, then the checks of
 * dvt_teardown().
 */
int dvt_sim_setup(void **state);
int dvt_sim_teardown(void **state);

/* A new machine within a test; the old one must be clean. */
void dvt_resim(void);

/* @ret must be a DMA fault whose report contains @what (if not NULL). */
void dvt_expect_fault(int ret, const char *what);

/* One DMA API misuse must have been reported, containing @what. */
void dvt_expect_map_error(const char *what);

struct dvt_snapshot {
	struct dma_vec_prange *ranges;
	struct dma_vec_run *runs;
	unsigned int nr;
	unsigned int nr_runs;
	u64 len;
};

void dvt_snapshot_take(struct dvt_snapshot *s, const struct dma_vec_table *t);
void dvt_snapshot_check(const struct dvt_snapshot *s,
			const struct dma_vec_table *t);
void dvt_snapshot_drop(struct dvt_snapshot *s);

/* Structural invariants every table must keep (dvk_check_invariants()). */
void dvt_check_invariants(const struct dma_vec_table *t);

/*
 * KUnit-style checks from CMocka tests (kunit_shim.c): dvt_kunit_run() runs
 * @fn(@test, @arg) until it returns or a KUNIT_ASSERT_*() in it fails, and
 * says whether anything failed; dvt_kunit_end() releases what the test
 * allocated.  dvt_kunit_call() does both for a throw-away test and fails
 * the current CMocka test if the check failed.
 */
int dvt_kunit_run(struct kunit *test,
		  void (*fn)(struct kunit *test, const void *arg),
		  const void *arg);
void dvt_kunit_end(struct kunit *test);
void dvt_kunit_call(void (*fn)(struct kunit *test, const void *arg),
		    const void *arg);

/* Append each range of a case, asserting success. */
void dvt_build(struct dma_vec_table *t, const struct dvc_range *r,
	       unsigned int nr);

/*
 * What dma_vec_classify() must answer for @client and the provider
 * function @owner: the simulator's own model of the PCI topology.
 */
enum dma_vec_map_type dvt_expected_type(struct pci_dev *owner,
					struct device *client);

#endif /* DMA_VEC_TEST_HELPERS_H */
