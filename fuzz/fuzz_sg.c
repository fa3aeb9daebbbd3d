// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: scatterlist import (dma_vec_from_sgt()) and export
 * (dma_vec_to_sgt()).
 *
 * The input builds a table prefix, then a scatterlist of page entries
 * (host or provider addresses, any offset and length, entries without a
 * page), a provider array (or NULL with a count), and an allocation to
 * fail.  An import that fails must leave the table exactly as it was; one
 * that succeeds must append the entries' bytes in order with the right
 * owners.  Then a slice is exported: the export must succeed exactly when
 * the slice is non-empty host memory, with page-aligned cuts, entries
 * below 4 GiB and the slice's bytes in order; and importing the export
 * again must give the same bytes.
 */
#include <linux/dma_vec_p2p.h>
#include <linux/pfn.h>
#include <linux/scatterlist.h>

#include "fuzz.h"

/* The provider windows of fuzz.h, set up by the first input. */
static struct dma_vec_provider *prov;

#define FZ_SG_MAX	16


/* Walk two byte sequences (tables or slices) side by side. */
static bool same_bytes(const struct dma_vec_slice *a,
		       const struct dma_vec_slice *b)
{
	struct dma_vec_iter ia, ib;
	u64 la = 0, lb = 0;
	phys_addr_t pa = 0, pb = 0;

	if (a->len != b->len || dma_vec_iter_init(&ia, a, NULL) ||
	    dma_vec_iter_init(&ib, b, NULL))
		return false;
	for (;;) {
		u64 n;

		if (!la && dma_vec_iter_next(&ia)) {
			pa = ia.paddr;
			la = ia.len;
		}
		if (!lb && dma_vec_iter_next(&ib)) {
			pb = ib.paddr;
			lb = ib.len;
		}
		if (!la || !lb)
			return !la && !lb;
		if (pa != pb)
			return false;
		n = la < lb ? la : lb;
		pa += n;
		pb += n;
		la -= n;
		lb -= n;
	}
}

static void check_export(const struct dma_vec_table *t, u64 off, u64 len)
{
	struct dma_vec_iter it;
	struct dma_vec_slice s, back_all;
	struct dma_vec_table back;
	struct sg_table sgt;
	struct scatterlist *sg;
	bool host = true;
	unsigned int i;
	u64 sum = 0;
	int ret;

	if (dma_vec_slice(t, off, len, &s))
		abort();
	if (dma_vec_iter_init(&it, &s, NULL))
		abort();
	while (dma_vec_iter_next(&it))
		host &= !it.provider;
	ret = dma_vec_to_sgt(&s, &sgt, GFP_KERNEL);
	if (!len) {
		FZ_CHECK(ret == -EINVAL);
		return;
	}
	if (!host) {
		FZ_CHECK(ret == -EOPNOTSUPP);
		return;
	}
	if (ret == -ENOMEM)
		return;
	FZ_CHECK(!ret);
	for_each_sgtable_sg(&sgt, sg, i) {
		FZ_CHECK(sg->length && sg->length <= 0xfffff000U);
		FZ_CHECK(sg->offset < PAGE_SIZE);
		if (i)
			FZ_CHECK(!sg->offset ||
				 sg_phys(sg) != sg_phys(sg - 1) + (sg - 1)->length);
		sum += sg->length;
	}
	FZ_CHECK(sum == len);
	dma_vec_table_init(&back);
	ret = dma_vec_from_sgt(&back, &sgt, NULL, 0, GFP_KERNEL);
	if (!ret) {
		dma_vec_slice_all(&back, &back_all);
		FZ_CHECK(same_bytes(&s, &back_all));
		fz_check_table(&back);
	}
	dma_vec_table_release(&back);
	sg_free_table(&sgt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dma_vec_provider *provs[2] = { &prov[0], &prov[1] };
	struct fz f = { data, size };
	struct dma_vec_prange before_r[4];
	struct dma_vec_run before_runs[4];
	unsigned int i, nr, nents, before_nr, before_nr_runs;
	struct dma_vec_table t;
	struct dma_vec_slice all, tail;
	struct scatterlist *sg;
	struct sg_table sgt;
	bool valid = true, null_provs;
	u64 before_len, add = 0;
	uint8_t flags, fail;
	long live;
	int ret;

	prov = fz_providers();
	live = fz_begin();
	dma_vec_table_init(&t);
	flags = fz_u8(&f);
	nr = fz_u8(&f) % 4;
	for (i = 0; i < nr; i++)
		(void)dma_vec_append(&t, 0x10000000ULL + fz_u32(&f),
				     fz_u8(&f) + 1, NULL, GFP_KERNEL);
	before_nr = t.nr;
	before_nr_runs = t.nr_runs;
	before_len = t.len;
	for (i = 0; i < t.nr; i++)
		before_r[i] = t.ranges[i];
	for (i = 0; i < t.nr_runs; i++)
		before_runs[i] = *dma_vec_run(&t, i);

	nents = fz_u8(&f) % FZ_SG_MAX + 1;
	if (sg_alloc_table(&sgt, nents, GFP_KERNEL))
		abort();
	for_each_sgtable_sg(&sgt, sg, i) {
		uint8_t kind = fz_u8(&f);
		u64 pa = fz_val(&f);
		unsigned int len = kind & 0x80 ? fz_u32(&f) : fz_u32(&f) % 0x40000;

		if ((kind & 3) == 1)
			pa = prov[0].base + pa % prov[0].size;
		else if ((kind & 3) == 2)
			pa = prov[1].base + pa % prov[1].size;
		if (kind & 0x40) {
			sg_set_page(sg, NULL, len, 0);
			valid = false;
			continue;
		}
		pa &= (1ULL << 52) - 1;		/* a pfn the fake memmap holds */
		sg_set_page(sg, pfn_to_page(PHYS_PFN(pa)), len,
			    offset_in_page(pa));
		pa = sg_phys(sg);
		if (!len || pa + (len - 1) < pa ||
		    __builtin_add_overflow(add, (u64)len, &add))
			valid = false;
	}
	null_provs = flags & 1;
	if (null_provs)
		valid = false;
	fail = fz_u8(&f);
	if (fail < 16)
		shim_fail_nth(fail % 3 + 1);
	ret = dma_vec_from_sgt(&t, &sgt, null_provs ? NULL : provs,
			       null_provs ? 2 : (flags >> 1) % 3, GFP_KERNEL);
	shim_fail_nth(0);
	fz_check_table(&t);
	if (ret) {
		/* Failed: nothing changed.  (A range past a provider's
		 * window end is refused too, so failure may be valid input.) */
		FZ_CHECK(fz_same_table(&t, before_r, before_runs, before_nr,
				       before_nr_runs, before_len));
		FZ_CHECK(ret == -EINVAL || ret == -ERANGE || ret == -ENOMEM ||
			 ret == -EOVERFLOW || ret == -E2BIG);
		if (null_provs)
			FZ_CHECK(ret == -EINVAL);
	} else {
		FZ_CHECK(valid);
		FZ_CHECK(t.len == before_len + add);
		/* The new bytes are the entries' bytes, in order. */
		if (dma_vec_slice(&t, before_len, add, &tail))
			abort();
		{
			struct dma_vec_table ref;
			struct dma_vec_slice ref_all;

			dma_vec_table_init(&ref);
			for_each_sgtable_sg(&sgt, sg, i)
				if (dma_vec_append(&ref, sg_phys(sg), sg->length,
						   NULL, GFP_KERNEL))
					abort();
			dma_vec_slice_all(&ref, &ref_all);
			FZ_CHECK(same_bytes(&tail, &ref_all));
			dma_vec_table_release(&ref);
		}
	}
	sg_free_table(&sgt);

	dma_vec_slice_all(&t, &all);
	if (t.len) {
		u64 off = fz_val(&f) % t.len;

		check_export(&t, off, fz_val(&f) % (t.len - off + 1));
	}
	dma_vec_table_release(&t);
	fz_end(live, 0);
	return 0;
}
