/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer harnesses share: a reader that turns the fuzzer's
 * bytes into values (zeros once the input runs out), an invariant check
 * that aborts with a message (libFuzzer then keeps the input as a crash),
 * and the per-input checks of the shim: no leak, no WARN.
 */
#ifndef DMA_VEC_FUZZ_H
#define DMA_VEC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/dma_vec.h>
#include <linux/dma_vec_p2p.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <shim/shim.h>

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline uint64_t fz_bytes(struct fz *f, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		v <<= 8;
		if (f->n) {
			v |= *f->p++;
			f->n--;
		}
	}
	return v;
}

static inline uint8_t fz_u8(struct fz *f)
{
	return fz_bytes(f, 1);
}

static inline uint32_t fz_u32(struct fz *f)
{
	return fz_bytes(f, 4);
}

static inline uint64_t fz_u64(struct fz *f)
{
	return fz_bytes(f, 8);
}

static inline bool fz_more(const struct fz *f)
{
	return f->n != 0;
}

/*
 * A length or address the fuzzer can steer: the selector byte picks small,
 * page-multiple, near-2^32, near-2^64 or raw values, so that the edges are
 * reached without the fuzzer having to guess eight bytes at once.
 */
static inline uint64_t fz_val(struct fz *f)
{
	uint8_t sel = fz_u8(f);

	switch (sel & 7) {
	case 0:
		return fz_u8(f);
	case 1:
		return (uint64_t)fz_u8(f) << 12;
	case 2:
		return ((uint64_t)fz_u8(f) << 12) + (fz_u8(f) & 0xfc);
	case 3:
		return 0x100000000ULL - fz_u8(f);
	case 4:
		return 0 - (uint64_t)fz_u8(f);
	case 5:
		return 0 - ((uint64_t)fz_u8(f) << 12);
	case 6:
		return (uint64_t)fz_u32(f) << (fz_u8(f) & 31);
	default:
		return fz_u64(f);
	}
}

#define FZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

/* Start of one input: reset the shim's counters, silence WARN output. */
static inline long fz_begin(void)
{
	shim_reset();
	shim_set_quiet_warn(!getenv("FZ_VERBOSE"));
	shim_set_quiet_log(true);
	return shim_live_objects();
}

/* End of one input: nothing leaked, and no WARN but @warns expected. */
static inline void fz_end(long live, unsigned long warns)
{
	shim_fail_nth(0);
	FZ_CHECK(shim_live_objects() == live);
	FZ_CHECK(shim_warn_count() == warns);
}

/* A table built by the harness: its bytes in order, for comparisons. */
static inline bool fz_same_table(const struct dma_vec_table *a,
				 const struct dma_vec_prange *r,
				 const struct dma_vec_run *runs,
				 unsigned int nr, unsigned int nr_runs, u64 len)
{
	unsigned int i;

	if (a->nr != nr || a->nr_runs != nr_runs || a->len != len)
		return false;
	for (i = 0; i < nr; i++)
		if (a->ranges[i].paddr != r[i].paddr ||
		    a->ranges[i].len != r[i].len)
			return false;
	for (i = 0; i < nr_runs; i++)
		if (dma_vec_run(a, i)->first != runs[i].first ||
		    dma_vec_run(a, i)->provider != runs[i].provider)
			return false;
	return true;
}

/* Structural invariants of any table. */
static inline void fz_check_table(const struct dma_vec_table *t)
{
	u64 sum = 0;
	unsigned int i;

	FZ_CHECK(t->nr <= t->cap && t->nr <= DMA_VEC_MAX_RANGES);
	FZ_CHECK(!t->nr == !t->nr_runs);
	FZ_CHECK(t->nr_runs <= t->nr);
	for (i = 0; i < t->nr; i++) {
		const struct dma_vec_prange *r = &t->ranges[i];

		FZ_CHECK(r->len);
		FZ_CHECK(r->paddr + (r->len - 1) >= r->paddr);
		FZ_CHECK(!__builtin_add_overflow(sum, r->len, &sum));
		/* Mark 0 is implicit: 16 ranges or fewer have no marks. */
		if (i && !(i & 15))
			FZ_CHECK(t->marks[i >> 4] == sum - r->len);
	}
	FZ_CHECK(sum == t->len);
	if (t->nr_runs)
		FZ_CHECK(dma_vec_run(t, 0)->first == 0);
	for (i = 1; i < t->nr_runs; i++) {
		FZ_CHECK(dma_vec_run(t, i)->first > dma_vec_run(t, i - 1)->first);
		FZ_CHECK(dma_vec_run(t, i)->first < t->nr);
		FZ_CHECK(dma_vec_run(t, i)->provider !=
			 dma_vec_run(t, i - 1)->provider);
	}
	for (i = 0; i < t->nr; i++) {
		const struct dma_vec_provider *p = dma_vec_range_provider(t, i);
		const struct dma_vec_prange *r = &t->ranges[i];

		if (p)
			FZ_CHECK(r->paddr >= p->base &&
				 r->paddr + (r->len - 1) - p->base < p->size);
	}
}

/*
 * The two provider windows every harness attributes ranges to: 128 GiB
 * with a non-zero bus offset, and 1 GiB right after it (contiguous, yet
 * never merged).  Set up once per process.
 */
static inline struct dma_vec_provider *fz_providers(void)
{
	static struct dma_vec_provider prov[2];
	static bool done;

	if (done)
		return prov;
	done = true;
	if (dma_vec_provider_init(&prov[0], NULL, 0, 0x80000000000ULL,
				  0x2000000000ULL, 0x1000000000000ULL, NULL) ||
	    dma_vec_provider_init(&prov[1], NULL, 1, 0x82000000000ULL,
				  0x40000000ULL, 0, NULL))
		abort();
	return prov;
}

#endif /* DMA_VEC_FUZZ_H */
