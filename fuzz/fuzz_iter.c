// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: both constrained iterators.
 *
 * The input gives a set of limits (valid or not), a table (host and
 * provider ranges) with a slice of it, and an array of DMA ranges (empty,
 * wrapping or ending at 2^64 allowed).  Each iterator must refuse exactly
 * what its documentation says, yield nothing then, and otherwise yield
 * chunks that cover the input byte for byte, in order, each non-empty,
 * inside one range, never wrapping, never longer than max_seg and never
 * crossing a segment boundary, with the right provider; the DMA walk
 * covers the ranges before the first empty or wrapping one, then stops
 * there with the errno dma_vec_dma_iter_error() documents.
 */
#include <linux/dma_vec_p2p.h>

#include "fuzz.h"

/* The provider windows of fuzz.h, set up by the first input. */
static struct dma_vec_provider *prov;


static bool lim_valid(const struct dma_vec_limits *l)
{
	u64 m = l->seg_boundary_mask;

	return l->align && !(l->align & (l->align - 1)) &&
	       l->max_seg >= l->align && !(m & (m + 1)) && m >= l->align - 1;
}

static void check_chunk(const struct dma_vec_limits *l, u64 addr, u64 len)
{
	FZ_CHECK(len);
	FZ_CHECK(addr + (len - 1) >= addr);
	FZ_CHECK(len <= l->max_seg);
	FZ_CHECK((addr & ~l->seg_boundary_mask) ==
		 ((addr + (len - 1)) & ~l->seg_boundary_mask));
}

static void walk_table(const struct dma_vec_table *t,
		       const struct dma_vec_slice *s,
		       const struct dma_vec_limits *l, bool use_lim)
{
	static const struct dma_vec_limits none = { U64_MAX, U64_MAX, 1 };
	const struct dma_vec_limits *cl = use_lim ? l : &none;
	struct dma_vec_iter it;
	unsigned int idx = s->first;
	u64 off = s->first_off, left = s->len, n = 0;
	int ret = dma_vec_iter_init(&it, s, use_lim ? l : NULL);

	if (use_lim && !lim_valid(l)) {
		FZ_CHECK(ret == -EINVAL && !dma_vec_iter_next(&it));
		return;
	}
	FZ_CHECK(!ret);
	while (dma_vec_iter_next(&it)) {
		/* The reference position: range idx, offset off. */
		if (off == t->ranges[idx].len) {
			idx++;
			off = 0;
		}
		FZ_CHECK(idx < t->nr);
		FZ_CHECK(it.paddr == t->ranges[idx].paddr + off);
		FZ_CHECK(it.len <= t->ranges[idx].len - off);
		FZ_CHECK(it.len <= left);
		FZ_CHECK(it.provider == dma_vec_range_provider(t, idx));
		check_chunk(cl, it.paddr, it.len);
		off += it.len;
		left -= it.len;
		FZ_CHECK(++n <= (1U << 20));
	}
	FZ_CHECK(!left);
}

/* Index of the first empty or wrapping range (nr if none), and its errno. */
static unsigned int first_bad(const struct dma_vec_drange *d, unsigned int nr,
			      int *err)
{
	unsigned int i;

	*err = 0;
	for (i = 0; i < nr; i++) {
		if (!d[i].len) {
			*err = -EINVAL;
			break;
		}
		if (d[i].addr + (d[i].len - 1) < d[i].addr) {
			*err = -EOVERFLOW;
			break;
		}
	}
	return i;
}

static void walk_dma(const struct dma_vec_drange *d, unsigned int nr,
		     const struct dma_vec_limits *l, bool use_lim)
{
	static const struct dma_vec_limits none = { U64_MAX, U64_MAX, 1 };
	const struct dma_vec_limits *cl = use_lim ? l : &none;
	struct dma_vec_dma_iter it;
	unsigned int idx = 0, good;
	u64 off = 0, n = 0;
	int ret = dma_vec_dma_iter_init(&it, d, nr, use_lim ? l : NULL);
	int err;

	if (use_lim && !lim_valid(l)) {
		FZ_CHECK(ret == -EINVAL);
		FZ_CHECK(!dma_vec_dma_iter_next(&it));
		return;
	}
	/* Bad ranges are the walk's business, not init's. */
	FZ_CHECK(!ret);
	good = first_bad(d, nr, &err);
	while (dma_vec_dma_iter_next(&it)) {
		FZ_CHECK(idx < good);
		FZ_CHECK(it.addr == d[idx].addr + off);
		FZ_CHECK(it.len <= d[idx].len - off);
		check_chunk(cl, it.addr, it.len);
		off += it.len;
		if (off == d[idx].len) {
			idx++;
			off = 0;
		}
		/* Bound the walk; limits may cut ranges fine. */
		if (++n > (1U << 16))
			return;
	}
	/* Every good range covered, then a stop for good at the bad one. */
	FZ_CHECK(idx == good && !off);
	FZ_CHECK(dma_vec_dma_iter_error(&it) == err);
	FZ_CHECK(it.idx == good);
	FZ_CHECK(!dma_vec_dma_iter_next(&it));
	FZ_CHECK(dma_vec_dma_iter_error(&it) == err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct dma_vec_drange d[16];
	struct dma_vec_limits l;
	struct dma_vec_table t;
	struct dma_vec_slice s;
	unsigned int i, nr;
	uint8_t flags;
	long live;

	prov = fz_providers();
	live = fz_begin();
	flags = fz_u8(&f);
	l.align = flags & 1 ? fz_val(&f) : 1ULL << (fz_u8(&f) % 40);
	l.max_seg = fz_val(&f);
	l.seg_boundary_mask = flags & 2 ? fz_val(&f) :
			      (fz_u8(&f) % 65 == 64 ? U64_MAX :
			       (1ULL << (fz_u8(&f) % 64)) - 1);
	/* Keep valid walks bounded: no cut below 4 KiB but at range ends. */
	if (lim_valid(&l)) {
		if (l.max_seg < 4096)
			l.max_seg = 4096;
		if (l.seg_boundary_mask < 4095)
			l.seg_boundary_mask = 4095;
	}

	dma_vec_table_init(&t);
	nr = fz_u8(&f) % 12;
	for (i = 0; i < nr; i++) {
		uint8_t who = fz_u8(&f) % 3;
		struct dma_vec_provider *p = who ? &prov[who - 1] : NULL;
		u64 a = fz_val(&f), len = fz_u32(&f) % (1U << 24) + 1;

		if (p)
			a = p->base + a % (p->size - len);
		/* Refusals are the table harness's business. */
		(void)dma_vec_append(&t, a, len, p, GFP_KERNEL);
	}
	if (t.len) {
		u64 off = fz_val(&f) % t.len;

		if (dma_vec_slice(&t, off, fz_val(&f) % (t.len - off + 1), &s))
			abort();
	} else {
		dma_vec_slice_all(&t, &s);
	}
	walk_table(&t, &s, &l, flags & 4);

	nr = fz_u8(&f) % 16;
	for (i = 0; i < nr; i++) {
		d[i].addr = fz_val(&f);
		d[i].len = flags & 8 ? fz_val(&f) : fz_u32(&f) % (1U << 26);
	}
	walk_dma(d, nr, &l, flags & 16);

	dma_vec_table_release(&t);
	fz_end(live, 0);
	return 0;
}
