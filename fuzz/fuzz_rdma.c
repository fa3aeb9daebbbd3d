// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the RDMA builders (SGEs and MR page lists).
 *
 * The input gives up to 8 DMA ranges (misaligned, empty, wrapping, ending
 * at 2^64), SGE limits and an MR page size.  SGEs handed out work request
 * by work request must cover the ranges byte for byte, in order, each
 * within 32 bits and the limits, as many as dma_vec_rdma_count_sges()
 * announced; the page list of dma_vec_rdma_map_mr_pages() must be page
 * aligned, follow the ib_sg_to_pages() rules, and agree with
 * dma_vec_rdma_count_mr_pages().  Refusals leave the outputs untouched.
 */
#include <rdma/dma_vec.h>

#include "fuzz.h"

#define FZ_MAX_PAGES	4096

struct pages {
	u64 addr[FZ_MAX_PAGES];
	unsigned int n;
	unsigned int fail_at;
};

static int set_page(void *ctx, u64 addr)
{
	struct pages *p = ctx;

	if (p->n == p->fail_at)
		return -ENOMEM;
	p->addr[p->n++] = addr;
	return 0;
}

static bool ranges_ok(const struct dma_vec_drange *r, unsigned int nr)
{
	u64 total = 0;
	unsigned int i;

	if (!nr)
		return false;
	for (i = 0; i < nr; i++)
		if (!r[i].len || r[i].addr + (r[i].len - 1) < r[i].addr ||
		    __builtin_add_overflow(total, r[i].len, &total))
			return false;
	return true;
}

static bool lim_valid(const struct dma_vec_limits *l)
{
	u64 m = l->seg_boundary_mask;

	return l->align && !(l->align & (l->align - 1)) &&
	       l->max_seg >= l->align && !(m & (m + 1)) && m >= l->align - 1;
}

static void check_sges(const struct dma_vec_drange *r, unsigned int nr,
		       const struct dma_vec_limits *l, unsigned int max_sge)
{
	struct dma_vec_rdma_sge_iter si;
	struct ib_sge sge[32];
	unsigned int count = 0x5a5a, seen = 0, idx = 0;
	u64 off = 0;
	int ret, n;

	ret = dma_vec_rdma_count_sges(r, nr, l, &count);
	if (!ranges_ok(r, nr) || !lim_valid(l)) {
		FZ_CHECK(ret == -EINVAL && count == 0x5a5a);
		FZ_CHECK(dma_vec_rdma_sge_iter_init(&si, r, nr, l, 7) ==
			 -EINVAL);
		return;
	}
	FZ_CHECK(!ret);
	FZ_CHECK(!dma_vec_rdma_sge_iter_init(&si, r, nr, l, 7));
	while ((n = dma_vec_rdma_build_sges(&si, sge, max_sge, NULL)) > 0) {
		int i;

		FZ_CHECK((unsigned int)n <= max_sge);
		for (i = 0; i < n; i++) {
			u64 a = sge[i].addr, len = sge[i].length;

			FZ_CHECK(idx < nr);
			FZ_CHECK(a == r[idx].addr + off);
			FZ_CHECK(len && len <= r[idx].len - off);
			FZ_CHECK(len <= l->max_seg && sge[i].lkey == 7);
			FZ_CHECK((a & ~l->seg_boundary_mask) ==
				 ((a + (len - 1)) & ~l->seg_boundary_mask));
			off += len;
			if (off == r[idx].len) {
				idx++;
				off = 0;
			}
			seen++;
		}
	}
	FZ_CHECK(!n);
	FZ_CHECK(idx == nr && !off && seen == count);
}

static void check_mr(const struct dma_vec_drange *r, unsigned int nr,
		     unsigned int page_size, unsigned int fail_at)
{
	static struct pages p;
	struct ib_mr mr, pmr;
	u64 pages = 7, bytes = 7, mask = (u64)page_size - 1;
	unsigned int i;
	int ret, n;

	ret = dma_vec_rdma_count_mr_pages(r, nr, page_size, &pages, &bytes);
	if (!ranges_ok(r, nr) || !page_size || (page_size & mask)) {
		FZ_CHECK(ret == -EINVAL && pages == 7 && bytes == 7);
		return;
	}
	FZ_CHECK(!ret && pages >= 1 && bytes >= 1);
	memset(&mr, 0x5a, sizeof(mr));
	mr.type = IB_MR_TYPE_MEM_REG;
	pmr = mr;
	p.n = 0;
	p.fail_at = fail_at;
	n = dma_vec_rdma_map_mr_pages(&mr, r, nr, page_size, FZ_MAX_PAGES,
				      set_page, &p);
	if (n < 0) {
		FZ_CHECK(n == -ENOMEM && fail_at == 0);
		FZ_CHECK(!memcmp(&mr, &pmr, sizeof(mr)));
		return;
	}
	FZ_CHECK((unsigned int)n == p.n && n >= 1);
	FZ_CHECK(mr.iova == r[0].addr && mr.page_size == page_size);
	for (i = 0; i < p.n; i++)
		FZ_CHECK(!(p.addr[i] & mask));
	FZ_CHECK(p.addr[0] == (r[0].addr & ~mask));
	/* Not cut short by the capacity or the callback: the count agrees. */
	if (pages <= FZ_MAX_PAGES && fail_at > pages) {
		FZ_CHECK((u64)n == pages);
		FZ_CHECK(mr.length == bytes);
	} else {
		FZ_CHECK((u64)n <= pages && mr.length <= bytes);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct dma_vec_drange r[8];
	struct dma_vec_limits l;
	unsigned int i, nr, max_sge, page_size;
	uint8_t flags;
	long live;

	live = fz_begin();
	flags = fz_u8(&f);
	nr = fz_u8(&f) % 9;
	for (i = 0; i < nr; i++) {
		uint8_t sel = fz_u8(&f);

		r[i].addr = fz_val(&f);
		if (sel & 1)
			r[i].addr &= ~0xfffULL;
		if (sel & 2 && i)
			r[i].addr = r[i - 1].addr + r[i - 1].len;
		r[i].len = fz_u32(&f) % (1U << 26);
		if (sel & 4)
			r[i].len &= ~0xfffULL;
		if (sel & 8) {	/* up to, or past, the top */
			r[i].addr = 0 - ((u64)(fz_u8(&f) + 1) << 12);
			r[i].len = 0 - r[i].addr + (sel >> 4);
		}
	}
	l.align = 1ULL << (fz_u8(&f) % 24);
	l.max_seg = fz_val(&f);
	l.seg_boundary_mask = flags & 1 ? fz_val(&f) :
			      (1ULL << (12 + fz_u8(&f) % 52)) - 1;
	/* Keep walks short: no cut below 4 KiB but at range ends. */
	if (lim_valid(&l)) {
		if (l.max_seg < 4096)
			l.max_seg = 4096 > l.align ? 4096 : l.align;
		if (l.seg_boundary_mask < 4095)
			l.seg_boundary_mask = 4095;
	}
	max_sge = fz_u8(&f) % 32 + 1;
	page_size = flags & 2 ? fz_u32(&f) : 1U << (12 + fz_u8(&f) % 10);

	check_sges(r, nr, &l, max_sge);
	check_mr(r, nr, page_size, flags & 4 ? fz_u8(&f) % 4 : UINT_MAX);
	fz_end(live, 0);
	return 0;
}
