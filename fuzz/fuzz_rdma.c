// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the RDMA builders (RDMA READ/WRITE chains and MR page
 * lists).
 *
 * The input gives up to 8 DMA ranges (misaligned, empty, wrapping, ending
 * at 2^64), SGE limits, a mapping size, SGEs per work request and an MR
 * page size.  The same ranges, folded into 64 KiB of host RAM, feed the
 * one-pass builder dma_vec_rdma_rw_init(), whose chain must cover them
 * byte for byte, in order, each SGE within 32 bits and the limits (see
 * check_rw()); the page list of dma_vec_rdma_map_mr_pages() must be page
 * aligned, follow the ib_sg_to_pages() rules, and agree with
 * dma_vec_rdma_count_mr_pages().  Refusals leave the outputs untouched.
 */
#include <rdma/dma_vec.h>
#include <shim/sim.h>

#include "fuzz.h"

#define FZ_MAX_PAGES	4096
#define FZ_RAM		0x10000

static struct device *dev;
static phys_addr_t ram_pa;

static void init_once(void)
{
	static const struct sim_dev_desc desc = { .dma_bits = 64 };

	if (!dev) {
		dev = sim_add_device("fuzz-rdma", NULL, &desc);
		FZ_CHECK(dev && shim_ram_alloc(FZ_RAM, &ram_pa));
	}
}

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

/*
 * The one-pass builder on host RAM of a simulated device without an IOMMU
 * (DMA address == physical address): the input's ranges are pieces of
 * that RAM, or (@bad) end with one where no RAM is.  A chain must cover
 * the table byte for byte in order, SGEs within 32 bits and the limits,
 * work requests full but the last at the remote address of their first
 * byte; refusals leave the context untouched (invalid arguments) or empty
 * (a range the mapping refused); nothing stays mapped.
 */
static void check_rw(const struct dma_vec_drange *r, unsigned int nr,
		     const struct dma_vec_limits *l, unsigned int max_sge,
		     u64 max_map, bool read, bool bad)
{
	static struct dma_vec_rdma_rw_ctx ctx, pctx;
	struct dma_vec_rdma_rw_dev d = {
		.dma_dev = dev, .lim = *l, .max_map = max_map,
		.max_sge = max_sge, .max_sge_rd = max_sge, .lkey = 7,
	};
	u64 mseg = l->max_seg < U32_MAX ? l->max_seg : U32_MAX;
	u64 raddr = 0x10000, total = 0;
	struct dma_vec_table tbl;
	struct dma_vec_slice slice;
	struct dma_vec_iter it;
	const struct ib_send_wr *wr;
	unsigned int i, k = 0;
	u64 pos = 0, left = 0;
	int ret;

	dma_vec_table_init(&tbl);
	for (i = 0; i < nr; i++) {
		u64 off = r[i].addr % FZ_RAM, len = r[i].len % (FZ_RAM - off);

		if (len)
			FZ_CHECK(!dma_vec_append(&tbl, ram_pa + off, len, NULL,
						 GFP_KERNEL));
	}
	if (bad)
		FZ_CHECK(!dma_vec_append(&tbl, 1ULL << 44, 0x1000, NULL,
					 GFP_KERNEL));
	dma_vec_slice_all(&tbl, &slice);
	memset(&ctx, 0x5a, sizeof(ctx));
	pctx = ctx;
	ret = dma_vec_rdma_rw_init(&ctx, &d, &slice, raddr, 9,
				   read ? DMA_FROM_DEVICE : DMA_TO_DEVICE,
				   GFP_KERNEL);
	if (!tbl.nr || !lim_valid(l)) {
		FZ_CHECK(ret == -EINVAL && !memcmp(&ctx, &pctx, sizeof(ctx)));
	} else if (bad) {
		FZ_CHECK(ret == -EFAULT && !ctx.nr_wrs &&
			 ctx.wrs == ctx.inl_wrs);
	} else {
		FZ_CHECK(ret > 0 && (unsigned int)ret == ctx.nr_wrs);
		FZ_CHECK(ctx.nr_sges <= ctx.cap_sges);
		dma_vec_iter_init(&it, &slice, NULL);
		wr = dma_vec_rdma_rw_first_wr(&ctx);
		for (i = 0; i < ctx.nr_wrs; i++, wr = wr->next) {
			int j;

			FZ_CHECK(wr && wr->num_sge >= 1 &&
				 (unsigned int)wr->num_sge <= max_sge);
			FZ_CHECK(wr->next ? (unsigned int)wr->num_sge ==
					    max_sge : i + 1 == ctx.nr_wrs);
			FZ_CHECK(rdma_wr(wr)->remote_addr == raddr + total);
			FZ_CHECK(wr->opcode == (read ? IB_WR_RDMA_READ :
					       IB_WR_RDMA_WRITE));
			for (j = 0; j < wr->num_sge; j++, k++) {
				const struct ib_sge *sge = &wr->sg_list[j];
				u64 a = sge->addr, len = sge->length;

				FZ_CHECK(sge == &ctx.sges[k] && sge->lkey == 7);
				if (!left) {
					FZ_CHECK(dma_vec_iter_next(&it));
					pos = it.paddr;
					left = it.len;
				}
				FZ_CHECK(a == pos && len && len <= left);
				FZ_CHECK(len <= mseg);
				FZ_CHECK((a & ~l->seg_boundary_mask) ==
					 ((a + (len - 1)) &
					  ~l->seg_boundary_mask));
				pos += len;
				left -= len;
				total += len;
			}
		}
		FZ_CHECK(!wr && !left && !dma_vec_iter_next(&it));
		FZ_CHECK(k == ctx.nr_sges && total == dma_vec_len(&tbl));
		dma_vec_rdma_rw_destroy(&ctx);
	}
	FZ_CHECK(!sim_live_mappings(dev));
	dma_vec_table_release(&tbl);
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

	init_once();
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

	check_rw(r, nr, &l, max_sge, (u64)fz_u8(&f) << 10, flags & 8,
		 flags & 16);
	check_mr(r, nr, page_size, flags & 4 ? fz_u8(&f) % 4 : UINT_MAX);
	fz_end(live, 0);
	return 0;
}
