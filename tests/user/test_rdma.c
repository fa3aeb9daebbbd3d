// SPDX-License-Identifier: GPL-2.0
/*
 * RDMA: the one-pass RDMA READ/WRITE builder of
 * drivers/conversions/rdma/dma_vec_rdma.c on the simulated platform (its
 * host-memory cases are the shared body tests/kunit/dma_vec_rdma_kunit.c):
 * chains compared with a reference on random layouts of host and peer
 * memory, allocation failures at every step with nothing left mapped or
 * allocated; and end-to-end RDMA READ/WRITE between two simulated hosts
 * through a simulated HCA (hca_sim.c): host memory, a GPU BAR reached by
 * bus address below a common switch and through the host bridge (with and
 * without an IOMMU), invalid requests rejected by the HCA, a soft HCA
 * serving BAR memory by CPU copies, and the MR translation size of a
 * fragmented 128 GiB BAR.
 */
#include <stdlib.h>

#include <linux/dma-mapping.h>
#include <linux/math.h>
#include <rdma/dma_vec.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <shim/sim.h>

#include <shim/hca_sim.h>
#include "dma_vec_rdma_ref.h"
#include "helpers.h"

/* A small deterministic PRNG (xorshift64*). */
static u64 rng_state;

static void rng_seed(u64 seed)
{
	rng_state = seed | 1;
}

static u64 rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A value in [lo, hi]. */
static u64 rng_range(u64 lo, u64 hi)
{
	return lo + rng() % (hi - lo + 1);
}

static void rng_fill(u8 *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(rng() >> 32);
}

/* --- The two-host machine --- */

#define GPU_BAR		SZ_64M
#define POOL_SIZE	(512 * 1024)

struct rig {
	struct pci_dev *hca_a, *gpu_sw, *gpu_rp, *hca_b;
	struct hca a, b;
};

static struct pci_dev *add_ep(struct pci_bus *bus, u64 bar0)
{
	struct sim_pci_desc d = {
		.type = PCI_EXP_TYPE_ENDPOINT,
		.vendor = 0x15b3,
		.device = 0x1021,
		.dma_bits = 64,
	};
	struct pci_dev *ep;

	d.bar[0].size = bar0;
	d.bar[0].prefetch = true;
	ep = sim_add_pci(bus, &d);
	assert_non_null(ep);
	return ep;
}

/*
 * Host A: an allow-listed host bridge; a switch with the HCA and a GPU
 * (bus addresses), and a GPU on its own root port (through the host
 * bridge).  Host B: another host bridge with the peer HCA.
 */
static void build_rig(struct rig *r, bool iommu, u64 gpu_bar)
{
	struct sim_host_bridge_desc ha = {
		.domain = 0, .vendor = PCI_VENDOR_ID_INTEL, .device = 0x3c00,
		.iommu = iommu,
	};
	struct sim_host_bridge_desc hb = ha;
	struct pci_host_bridge *a, *b;
	struct pci_dev *down[2], *rp;

	hb.domain = 1;
	a = sim_add_host_bridge(&ha);
	b = sim_add_host_bridge(&hb);
	assert_non_null(a);
	assert_non_null(b);
	rp = sim_add_root_port(a, PCI_DEVFN(1, 0));
	assert_non_null(sim_add_switch(rp->subordinate, 2, down));
	r->hca_a = add_ep(down[0]->subordinate, 0);
	r->gpu_sw = add_ep(down[1]->subordinate, gpu_bar);
	rp = sim_add_root_port(a, PCI_DEVFN(2, 0));
	r->gpu_rp = add_ep(rp->subordinate, gpu_bar);
	rp = sim_add_root_port(b, PCI_DEVFN(1, 0));
	r->hca_b = add_ep(rp->subordinate, 0);
	hca_init(&r->a, &r->hca_a->dev, false);
	hca_init(&r->b, &r->hca_b->dev, false);
}

/* A window of host RAM or of a GPU BAR, with a shadow of its contents. */
struct pool {
	u8 *va;
	phys_addr_t pa;
	struct pci_dev *gpu;
	struct dma_vec_provider *prov;
	u64 bar_off;
	u8 *shadow;
};

static void pool_io(struct pool *p, u64 off, void *buf, size_t len, bool write)
{
	if (!p->gpu) {
		if (write)
			memcpy(p->va + off, buf, len);
		else
			memcpy(buf, p->va + off, len);
	} else if (write) {
		assert_int_equal(sim_bar_write(p->gpu, 0, p->bar_off + off, buf,
					       len), 0);
	} else {
		assert_int_equal(sim_bar_read(p->gpu, 0, p->bar_off + off, buf,
					      len), 0);
	}
}

static void pool_init(struct pool *p, struct pci_dev *gpu,
		      struct dma_vec_provider *prov, u64 bar_off)
{
	memset(p, 0, sizeof(*p));
	p->shadow = malloc(POOL_SIZE);
	assert_non_null(p->shadow);
	if (gpu) {
		p->gpu = gpu;
		p->prov = prov;
		p->bar_off = bar_off;
		p->pa = prov->base + bar_off;
	} else {
		p->va = shim_ram_alloc(POOL_SIZE, &p->pa);
		assert_non_null(p->va);
	}
	rng_fill(p->shadow, POOL_SIZE);
	pool_io(p, 0, p->shadow, POOL_SIZE, true);
}

static void pool_check(struct pool *p)
{
	u8 *now = malloc(POOL_SIZE);

	assert_non_null(now);
	pool_io(p, 0, now, POOL_SIZE, false);
	assert_memory_equal(now, p->shadow, POOL_SIZE);
	free(now);
}

static void pool_fini(struct pool *p)
{
	if (!p->gpu)
		shim_ram_free(p->va);
	free(p->shadow);
}

#define MAX_PIECES	16

struct layout {
	u64 off[MAX_PIECES];
	u64 len[MAX_PIECES];
	unsigned int nr;
	u64 total;
};

/*
 * Disjoint pieces of a pool in random order: arbitrary offsets and
 * lengths, or (@pages) page-list friendly: every piece page aligned except
 * the start of the first and the end of the last.
 */
static void layout_gen(struct layout *l, bool pages, u64 max_len)
{
	unsigned int i;
	u64 slot;

	l->nr = rng_range(1, MAX_PIECES);
	slot = (POOL_SIZE / l->nr) & ~(u64)(SZ_4K - 1);
	l->total = 0;
	for (i = 0; i < l->nr; i++) {
		u64 room = min_t(u64, slot, max_len);

		if (pages) {
			l->off[i] = i * slot;
			l->len[i] = rng_range(1, room / SZ_4K) * SZ_4K;
		} else {
			l->off[i] = i * slot + rng_range(0, slot / 2);
			l->len[i] = rng_range(1, min_t(u64, room,
						       slot - (l->off[i] - i * slot)));
		}
	}
	for (i = l->nr - 1; i > 0; i--) {
		unsigned int j = rng_range(0, i);
		u64 o = l->off[i], n = l->len[i];

		l->off[i] = l->off[j];
		l->len[i] = l->len[j];
		l->off[j] = o;
		l->len[j] = n;
	}
	if (pages) {
		u64 head = rng_range(0, SZ_4K - 1) & ~3ULL;
		u64 tail = rng_range(0, SZ_4K - 1);

		if (head < l->len[0]) {
			l->off[0] += head;
			l->len[0] -= head;
		}
		if (tail < l->len[l->nr - 1])
			l->len[l->nr - 1] -= tail;
	}
	for (i = 0; i < l->nr; i++)
		l->total += l->len[i];
}

static void layout_table(const struct layout *l, const struct pool *p,
			 struct dma_vec_table *tbl)
{
	unsigned int i;

	dma_vec_table_init(tbl);
	for (i = 0; i < l->nr; i++)
		assert_int_equal(dma_vec_append(tbl, p->pa + l->off[i], l->len[i],
						p->prov, GFP_KERNEL), 0);
}

/* Linear bytes [off, off + len) of a layout, in or out of @buf. */
static void layout_io(const struct layout *l, struct pool *p, u64 off,
		      u8 *buf, u64 len, bool write, bool shadow)
{
	unsigned int i;

	for (i = 0; i < l->nr && len; i++) {
		u64 n;

		if (off >= l->len[i]) {
			off -= l->len[i];
			continue;
		}
		n = min(len, l->len[i] - off);
		if (shadow && write)
			memcpy(p->shadow + l->off[i] + off, buf, n);
		else if (shadow)
			memcpy(buf, p->shadow + l->off[i] + off, n);
		else
			pool_io(p, l->off[i] + off, buf, n, write);
		off = 0;
		buf += n;
		len -= n;
	}
}

struct side {
	struct layout l;
	struct dma_vec_table tbl;
	struct dma_vec_map m;
	struct hca_mr mr;
};

static void side_map(struct side *s, struct pool *p, struct hca *h,
		     bool pages, u64 max_len)
{
	layout_gen(&s->l, pages, max_len);
	layout_table(&s->l, p, &s->tbl);
	memset(&s->m, 0, sizeof(s->m));
	assert_int_equal(dma_vec_map_table(&s->m, &s->tbl, h->dev,
					   DMA_BIDIRECTIONAL, 0, NULL, NULL,
					   GFP_KERNEL), 0);
}

static void side_unmap(struct side *s)
{
	dma_vec_unmap(&s->m);
	dma_vec_table_release(&s->tbl);
}

/* The remote side registers its buffer as an MR open to remote access. */
static void remote_mr(struct side *s, struct hca *h, bool pages)
{
	int n;

	if (pages) {
		unsigned long pgsz = dma_vec_rdma_best_page_size(s->m.ranges,
								 s->m.nr,
								 h->pgsz_bitmap,
								 s->m.ranges[0].addr);

		assert_true(pgsz >= SZ_4K);
		assert_int_equal(hca_mr_alloc(h, &s->mr, IB_MR_TYPE_MEM_REG,
					      1024), 0);
		n = dma_vec_rdma_map_mr_pages(&s->mr.ibmr, s->m.ranges, s->m.nr,
					      pgsz, 1024, hca_set_page,
					      &s->mr);
	} else {
		assert_int_equal(hca_mr_alloc(h, &s->mr, IB_MR_TYPE_SG_GAPS,
					      1024), 0);
		n = dma_vec_rdma_map_mr_klms(&s->mr.ibmr, s->m.ranges, s->m.nr,
					     1024, hca_set_klm, &s->mr);
	}
	assert_true(n > 0);
	assert_int_equal(s->mr.ibmr.length, s->l.total);
	assert_int_equal(hca_mr_register(&s->mr, IB_ACCESS_REMOTE_READ |
					 IB_ACCESS_REMOTE_WRITE), 0);
}

/* --- The one-pass builder --- */

static void rw_dev_init(struct dma_vec_rdma_rw_dev *d, struct hca *h,
			u32 lkey)
{
	memset(d, 0, sizeof(*d));
	d->dma_dev = h->dev;
	dma_vec_dev_limits(h->dev, &d->lim);
	d->max_map = dma_max_mapping_size(h->dev);
	d->max_sge = h->max_sge;
	d->max_sge_rd = h->max_sge_rd;
	d->lkey = lkey;
}

/* Random SGE limits, mapping size and SGEs per work request. */
static void rw_dev_shuffle(struct dma_vec_rdma_rw_dev *d, struct hca *h)
{
	d->max_sge = rng_range(1, h->max_sge);
	d->max_sge_rd = rng_range(1, h->max_sge_rd);
	if (rng() & 1)
		d->lim.max_seg = rng_range(512, 3 * SZ_4K);
	if (rng() & 1)
		d->lim.seg_boundary_mask = (1ULL << rng_range(12, 16)) - 1;
	if (rng() & 1)
		d->max_map = rng_range(1, 5) * SZ_4K + (rng() & 1 ? 0 : 7);
}

#define REF_MAX		512

/*
 * The SGEs of @slice built the simple way, on a platform without an IOMMU:
 * the DMA address of host memory and of peer memory through the host
 * bridge is the physical one, that of peer memory below a common switch
 * the physical one plus the bus offset; host ranges are mapped in pieces
 * of the mapping size from the start of their first page; a piece is cut
 * by dvk_rw_ref_piece().
 */
static unsigned int ref_sges(const struct dma_vec_slice *slice,
			     const struct dma_vec_rdma_rw_dev *d,
			     struct ib_sge *out)
{
	u64 mm = d->max_map ? d->max_map & PAGE_MASK : U64_MAX;
	struct dma_vec_iter it;
	unsigned int n = 0;

	mm = clamp_t(u64, mm, PAGE_SIZE, U32_MAX & PAGE_MASK);
	dma_vec_for_each_chunk(slice, NULL, &it) {
		struct dma_vec_provider *prov = it.provider;
		u64 pa = it.paddr, left = it.len, off = 0;

		if (prov && dma_vec_classify(prov, d->dma_dev, GFP_KERNEL,
					     NULL) == DMA_VEC_MAP_BUS_ADDR)
			off = prov->bus_offset;
		while (left) {
			u64 piece = prov ? left :
				    min(left, mm - offset_in_page(pa));

			n = dvk_rw_ref_piece(pa + off, piece, &d->lim, out, n,
					     REF_MAX);
			assert_true(n <= REF_MAX);
			pa += piece;
			left -= piece;
		}
	}
	return n;
}

/*
 * What every chain must be: work requests of at most max_sge SGEs, all
 * full but the last, at the remote address of their first byte, SGEs
 * within the limits with the local key, @len bytes in all; and, given a
 * reference, exactly its SGEs.
 */
static void check_chain(const struct dma_vec_rdma_rw_ctx *ctx,
			const struct dma_vec_rdma_rw_dev *d, bool read,
			u64 raddr, u32 rkey, u64 len, const struct ib_sge *ref,
			unsigned int nr_ref, int n)
{
	u32 max_sge = read ? d->max_sge_rd : d->max_sge;
	const struct ib_send_wr *wr = &ctx->wrs[0].wr;
	unsigned int k = 0;
	int w;

	assert_int_equal(n, ctx->nr_wrs);
	assert_int_equal(ctx->nr_wrs, DIV_ROUND_UP(ctx->nr_sges, max_sge));
	assert_true(ctx->nr_sges <= ctx->cap_sges);
	assert_true(ctx->nr_wrs <= ctx->cap_wrs);
	for (w = 0; w < n; w++, wr = wr->next) {
		int i;

		assert_non_null(wr);
		assert_int_equal(wr->opcode,
				 read ? IB_WR_RDMA_READ : IB_WR_RDMA_WRITE);
		assert_int_equal(wr->num_sge,
				 min(max_sge, ctx->nr_sges - k));
		assert_ptr_equal(wr->sg_list, &ctx->sges[k]);
		assert_int_equal(rdma_wr(wr)->remote_addr, raddr);
		assert_int_equal(rdma_wr(wr)->rkey, rkey);
		for (i = 0; i < wr->num_sge; i++, k++) {
			const struct ib_sge *sge = &wr->sg_list[i];
			u64 last = sge->addr + sge->length - 1;

			assert_true(sge->length && sge->length <= d->lim.max_seg);
			assert_int_equal(sge->addr & ~d->lim.seg_boundary_mask,
					 last & ~d->lim.seg_boundary_mask);
			assert_int_equal(sge->lkey, d->lkey);
			if (ref) {
				assert_true(k < nr_ref);
				assert_int_equal(sge->addr, ref[k].addr);
				assert_int_equal(sge->length, ref[k].length);
			}
			raddr += sge->length;
			len -= sge->length;
		}
	}
	assert_null(wr);
	assert_int_equal(len, 0);
	if (ref)
		assert_int_equal(k, nr_ref);
}

/*
 * One RDMA READ or WRITE of random layouts between @lp (host A side, a
 * table mapped by the builder) and @rp (host B side, an MR), byte-verified
 * against the shadows; with @exact (no IOMMU) the chain is compared with
 * the reference.  Returns the WRs executed.
 */
static unsigned long one_xfer(struct hca *ha, struct hca *hb, struct pool *lp,
			      struct pool *rp, bool read, bool exact)
{
	static struct ib_sge ref[REF_MAX];
	struct dma_vec_rdma_rw_ctx ctx;
	struct dma_vec_rdma_rw_dev d;
	struct dma_vec_slice slice;
	struct layout loc;
	struct dma_vec_table tbl;
	struct side rem;
	unsigned long wrs0 = ha->wrs;
	bool rpages = rng() & 1;
	unsigned int nr_ref = 0;
	u64 roff, len, raddr;
	u32 lkey;
	u8 *data;
	int n;

	layout_gen(&loc, rng() & 1, 48 * 1024);
	layout_table(&loc, lp, &tbl);
	side_map(&rem, rp, hb, rpages, 96 * 1024);
	remote_mr(&rem, hb, rpages);

	/* The transfer: a prefix of the local layout that fits remotely. */
	roff = rng_range(0, rem.l.total / 4);
	len = min(loc.total, rem.l.total - roff);
	assert_int_equal(dma_vec_slice(&tbl, 0, len, &slice), 0);

	/* New source bytes, and what the destination must then hold. */
	data = malloc(len);
	assert_non_null(data);
	rng_fill(data, len);
	if (read) {
		layout_io(&rem.l, rp, roff, data, len, true, false);
		layout_io(&rem.l, rp, roff, data, len, true, true);
		layout_io(&loc, lp, 0, data, len, true, true);
	} else {
		layout_io(&loc, lp, 0, data, len, true, false);
		layout_io(&loc, lp, 0, data, len, true, true);
		layout_io(&rem.l, rp, roff, data, len, true, true);
	}

	lkey = hca_reg_dma(ha, IB_ACCESS_LOCAL_WRITE);
	assert_int_not_equal(lkey, 0);
	rw_dev_init(&d, ha, lkey);
	rw_dev_shuffle(&d, ha);
	if (exact)
		nr_ref = ref_sges(&slice, &d, ref);
	raddr = rem.mr.ibmr.iova + roff;
	n = dma_vec_rdma_rw_init(&ctx, &d, &slice, raddr, rem.mr.ibmr.rkey,
				 read ? DMA_FROM_DEVICE : DMA_TO_DEVICE,
				 GFP_KERNEL);
	assert_true(n > 0);
	check_chain(&ctx, &d, read, raddr, rem.mr.ibmr.rkey, len,
		    exact ? ref : NULL, nr_ref, n);
	/* The table is not read again once the chain is built. */
	dma_vec_table_release(&tbl);
	assert_int_equal(hca_post(ha, dma_vec_rdma_rw_first_wr(&ctx), hb), 0);
	assert_int_equal(ha->wrs - wrs0, n);
	pool_check(lp);
	pool_check(rp);

	dma_vec_rdma_rw_destroy(&ctx);
	hca_dereg(ha, lkey);
	hca_mr_free(&rem.mr);
	side_unmap(&rem);
	free(data);
	return n;
}

static void provider_on(struct dma_vec_provider *prov, struct pci_dev *gpu,
			void __iomem *cpu)
{
	assert_int_equal(dma_vec_provider_init_pci(prov, gpu, 0, 0, 0, cpu), 0);
}

static void test_e2e_random(void **state)
{
	unsigned long wrs = 0, xfers = 0;
	unsigned int iommu;

	(void)state;
	rng_seed(0x5eed);
	for (iommu = 0; iommu < 2; iommu++) {
		struct dma_vec_provider psw, prp;
		struct pool host_a, host_b, gsw, grp;
		struct pool *local[] = { &host_a, &gsw, &grp };
		struct rig r;
		unsigned int k, i;

		dvt_resim();
		build_rig(&r, iommu, GPU_BAR);
		provider_on(&psw, r.gpu_sw, NULL);
		provider_on(&prp, r.gpu_rp, NULL);
		pool_init(&host_a, NULL, NULL, 0);
		pool_init(&host_b, NULL, NULL, 0);
		pool_init(&gsw, r.gpu_sw, &psw, SZ_32M + SZ_4K);
		pool_init(&grp, r.gpu_rp, &prp, SZ_16M);
		/* The GPU under the HCA's switch is reached by bus address. */
		assert_int_equal(dma_vec_classify(&psw, r.a.dev, GFP_KERNEL,
						  NULL), DMA_VEC_MAP_BUS_ADDR);
		assert_int_equal(dma_vec_classify(&prp, r.a.dev, GFP_KERNEL,
						  NULL),
				 DMA_VEC_MAP_THRU_HOST_BRIDGE);
		for (k = 0; k < ARRAY_SIZE(local); k++) {
			for (i = 0; i < 120; i++) {
				wrs += one_xfer(&r.a, &r.b, local[k], &host_b,
						i & 1, !iommu);
				xfers++;
			}
		}
		assert_int_equal(r.a.rejects, 0);
		pool_fini(&host_a);
		pool_fini(&host_b);
		pool_fini(&gsw);
		pool_fini(&grp);
		dma_vec_provider_destroy(&psw);
		dma_vec_provider_destroy(&prp);
	}
	print_message("  %lu transfers, %lu work requests, byte-verified\n",
		      xfers, wrs);
	assert_true(wrs >= 2000);
}

/*
 * GPU memory on the remote side: host B's HCA reads and writes host A's
 * GPU BAR, which host A's HCA reaches by bus address below their switch
 * (the IOMMU of host A is bypassed), through MRs registered on host A.
 */
static void test_e2e_remote_bar(void **state)
{
	struct dma_vec_provider prov;
	struct pool host_b, gpu;
	unsigned long wrs = 0;
	struct rig r;
	unsigned int i;

	(void)state;
	rng_seed(77);
	build_rig(&r, true, GPU_BAR);
	provider_on(&prov, r.gpu_sw, NULL);
	pool_init(&host_b, NULL, NULL, 0);
	pool_init(&gpu, r.gpu_sw, &prov, 0);
	for (i = 0; i < 120; i++)
		wrs += one_xfer(&r.b, &r.a, &host_b, &gpu, i & 1, false);
	assert_int_equal(r.b.rejects, 0);
	print_message("  120 transfers with a remote BAR, %lu work requests\n",
		      wrs);
	pool_fini(&host_b);
	pool_fini(&gpu);
	dma_vec_provider_destroy(&prov);
}

/*
 * Allocation failures at every step of a build that needs them all: host
 * pieces behind an IOMMU (each recorded for unmapping, past the inline
 * records), peer pieces by bus address and through the host bridge, more
 * SGEs and work requests than the context holds inline: two allocations,
 * the records past the inline ones and the chain.  Each failure gives
 * -ENOMEM (or -EIO, were the DMA layer's own allocation to fail) with
 * nothing left mapped or allocated; then the build succeeds.
 */
static void test_rw_failinj(void **state)
{
	struct dma_vec_provider psw, prp;
	struct pool host, gsw, grp;
	struct pool *pools[] = { &host, &gsw, &grp };
	struct dma_vec_rdma_rw_ctx ctx;
	struct dma_vec_rdma_rw_dev d;
	struct dma_vec_table tbl;
	struct dma_vec_slice slice;
	unsigned long nth, failures = 0;
	struct rig r;
	unsigned int i;
	long live;
	int ret;

	(void)state;
	build_rig(&r, true, GPU_BAR);
	provider_on(&psw, r.gpu_sw, NULL);
	provider_on(&prp, r.gpu_rp, NULL);
	pool_init(&host, NULL, NULL, 0);
	pool_init(&gsw, r.gpu_sw, &psw, 0);
	pool_init(&grp, r.gpu_rp, &prp, 0);
	/* Classified once: the classification cache is not per transfer. */
	dma_vec_classify(&psw, r.a.dev, GFP_KERNEL, NULL);
	dma_vec_classify(&prp, r.a.dev, GFP_KERNEL, NULL);
	dma_vec_table_init(&tbl);
	for (i = 0; i < 12; i++)
		assert_int_equal(dma_vec_append(&tbl, pools[i % 3]->pa +
						i * SZ_8K + 0x10, 0x1800,
						pools[i % 3]->prov,
						GFP_KERNEL), 0);
	dma_vec_slice_all(&tbl, &slice);
	rw_dev_init(&d, &r.a, 0x42);
	d.max_sge = 2;

	for (nth = 1;; nth++) {
		live = shim_live_objects();
		shim_fail_nth(nth);
		ret = dma_vec_rdma_rw_init(&ctx, &d, &slice, 0x1000, 1,
					   DMA_TO_DEVICE, GFP_KERNEL);
		if (ret > 0)
			break;
		assert_true(ret == -ENOMEM || ret == -EIO);
		assert_int_equal(ctx.nr_wrs, 0);
		assert_ptr_equal(ctx.wrs, ctx.inl_wrs);
		assert_int_equal(sim_live_mappings(r.a.dev), 0);
		assert_int_equal(shim_live_objects(), live);
		failures++;
	}
	/* It succeeded because it made fewer than @nth allocations. */
	assert_true(shim_fail_pending());
	shim_fail_nth(0);
	check_chain(&ctx, &d, false, 0x1000, 1, dma_vec_len(&tbl), NULL, 0,
		    ret);
	assert_ptr_not_equal(ctx.wrs, ctx.inl_wrs);
	print_message("  %lu allocation failures, each undone\n", failures);
	/* The mapping records past the inline ones, then the chain. */
	assert_int_equal(failures, 2);
	dma_vec_rdma_rw_destroy(&ctx);
	assert_int_equal(sim_live_mappings(r.a.dev), 0);

	dma_vec_table_release(&tbl);
	pool_fini(&host);
	pool_fini(&gsw);
	pool_fini(&grp);
	dma_vec_provider_destroy(&psw);
	dma_vec_provider_destroy(&prp);
}

/* --- Requests the HCA must refuse --- */

struct bad_rig {
	struct rig r;
	struct pool lp, rp;
	struct side loc, rem;
	u32 lkey;
	struct ib_sge sge[8];
	struct ib_rdma_wr wr;
};

static void bad_setup(struct bad_rig *b)
{
	memset(b, 0, sizeof(*b));
	build_rig(&b->r, true, 0);
	pool_init(&b->lp, NULL, NULL, 0);
	pool_init(&b->rp, NULL, NULL, 0);
	side_map(&b->loc, &b->lp, &b->r.a, true, 48 * 1024);
	side_map(&b->rem, &b->rp, &b->r.b, true, 96 * 1024);
	remote_mr(&b->rem, &b->r.b, true);
	b->lkey = hca_reg_phys(&b->r.a, b->loc.m.ranges, b->loc.m.nr,
			       IB_ACCESS_LOCAL_WRITE);
	b->sge[0].addr = b->loc.m.ranges[0].addr;
	b->sge[0].length = min_t(u64, b->loc.m.ranges[0].len, 256);
	b->sge[0].lkey = b->lkey;
	b->wr.wr.opcode = IB_WR_RDMA_WRITE;
	b->wr.wr.sg_list = b->sge;
	b->wr.wr.num_sge = 1;
	b->wr.remote_addr = b->rem.mr.ibmr.iova;
	b->wr.rkey = b->rem.mr.ibmr.rkey;
}

static void bad_teardown(struct bad_rig *b)
{
	/* Nothing moved. */
	pool_check(&b->lp);
	pool_check(&b->rp);
	hca_mr_free(&b->rem.mr);
	side_unmap(&b->loc);
	side_unmap(&b->rem);
	pool_fini(&b->lp);
	pool_fini(&b->rp);
}

static int bad_post(struct bad_rig *b, int want, const char *why)
{
	unsigned long rejects = b->r.a.rejects;
	int ret = hca_post(&b->r.a, &b->wr.wr, &b->r.b);

	assert_int_equal(ret, want);
	assert_int_equal(b->r.a.rejects, rejects + 1);
	if (!strstr(b->r.a.last_reject, why))
		fail_msg("reject \"%s\" is not \"%s\"", b->r.a.last_reject, why);
	return ret;
}

static void test_reject(void **state)
{
	struct bad_rig *b = calloc(1, sizeof(*b));
	struct hca_mr mr;
	u64 len;
	int i;

	(void)state;
	assert_non_null(b);
	bad_setup(b);
	/* The well-formed request works (then its effect goes to the shadow). */
	assert_int_equal(hca_post(&b->r.a, &b->wr.wr, &b->r.b), 0);
	{
		u8 tmp[256];

		layout_io(&b->loc.l, &b->lp, 0, tmp, b->sge[0].length, false,
			  true);
		layout_io(&b->rem.l, &b->rp, 0, tmp, b->sge[0].length, true,
			  true);
	}

	b->sge[0].lkey = b->lkey + 0x100;
	bad_post(b, -EINVAL, "bad lkey");
	b->sge[0].lkey = b->lkey;
	b->wr.rkey ^= 0x300;
	bad_post(b, -EINVAL, "bad rkey");
	b->wr.rkey ^= 0x300;
	/* Past the end of the remote MR. */
	b->wr.remote_addr = b->rem.mr.ibmr.iova + b->rem.mr.ibmr.length - 8;
	bad_post(b, -EINVAL, "outside the MR");
	b->wr.remote_addr = b->rem.mr.ibmr.iova - 1;
	bad_post(b, -EINVAL, "outside the MR");
	b->wr.remote_addr = b->rem.mr.ibmr.iova;
	/* Past the end of the local region. */
	len = b->sge[0].length;
	b->sge[0].length = b->loc.m.ranges[0].len + 1;
	bad_post(b, -EINVAL, "SGE outside");
	b->sge[0].length = len;
	/* Too many SGEs. */
	for (i = 1; i < 8; i++)
		b->sge[i] = b->sge[0];
	b->wr.wr.num_sge = b->r.a.max_sge + 1;
	bad_post(b, -E2BIG, "too many SGEs");
	b->wr.wr.opcode = IB_WR_RDMA_READ;
	b->wr.wr.num_sge = b->r.a.max_sge_rd + 1;
	bad_post(b, -E2BIG, "too many SGEs");
	b->wr.wr.num_sge = 1;
	/* Missing access flags, remote and local. */
	b->rem.mr.access = IB_ACCESS_REMOTE_WRITE;
	bad_post(b, -EACCES, "no remote access");
	b->rem.mr.access = IB_ACCESS_REMOTE_READ;
	b->wr.wr.opcode = IB_WR_RDMA_WRITE;
	bad_post(b, -EACCES, "no remote access");
	b->rem.mr.access = IB_ACCESS_REMOTE_READ | IB_ACCESS_REMOTE_WRITE;
	hca_dereg(&b->r.a, b->lkey);
	b->lkey = hca_reg_phys(&b->r.a, b->loc.m.ranges, b->loc.m.nr, 0);
	b->sge[0].lkey = b->lkey;
	b->wr.wr.opcode = IB_WR_RDMA_READ;
	bad_post(b, -EACCES, "no local write");
	/* An invalidated MR. */
	b->wr.wr.opcode = IB_WR_RDMA_WRITE;
	hca_mr_invalidate(&b->rem.mr);
	bad_post(b, -EINVAL, "outside the MR");
	assert_int_equal(hca_mr_register(&b->rem.mr, IB_ACCESS_REMOTE_WRITE), 0);

	/* A misaligned page list, a short one, a page size the HCA lacks. */
	assert_int_equal(hca_mr_alloc(&b->r.a, &mr, IB_MR_TYPE_MEM_REG, 8), 0);
	mr.ibmr.iova = 0x10000;
	mr.ibmr.length = 0x2000;
	mr.ibmr.page_size = SZ_4K;
	hca_set_page(&mr, 0x10000);
	hca_set_page(&mr, 0x11800);
	assert_int_equal(hca_mr_register(&mr, 0), -EINVAL);
	assert_string_equal(b->r.a.last_reject, "misaligned page list");
	hca_mr_reset(&mr);
	hca_set_page(&mr, 0x10000);
	assert_int_equal(hca_mr_register(&mr, 0), -EINVAL);
	assert_string_equal(b->r.a.last_reject, "page list too short");
	mr.ibmr.page_size = SZ_8K;
	assert_int_equal(hca_mr_register(&mr, 0), -EINVAL);
	assert_string_equal(b->r.a.last_reject, "unsupported page size");
	/* ... also as a REG_MR work request. */
	{
		struct ib_reg_wr reg = {
			.wr = { .opcode = IB_WR_REG_MR },
			.mr = &mr.ibmr,
			.key = mr.ibmr.lkey,
		};

		assert_int_equal(hca_post(&b->r.a, &reg.wr, &b->r.b), -EINVAL);
		reg.key ^= 0x100;
		assert_int_equal(hca_post(&b->r.a, &reg.wr, &b->r.b), -EINVAL);
		assert_string_equal(b->r.a.last_reject, "bad REG_MR");
	}
	hca_mr_free(&mr);
	hca_dereg(&b->r.a, b->lkey);
	bad_teardown(b);
	free(b);
}

/* --- A soft HCA (rxe/siw) serves BAR memory by CPU copies --- */

#define SOFT_SGE	8192
#define SOFT_MAX_SGES	(POOL_SIZE / SOFT_SGE + 1)

struct soft_chain {
	struct ib_rdma_wr wrs[SOFT_MAX_SGES];
	struct ib_sge sges[SOFT_MAX_SGES];
};

/* Table offsets [0, @len) in SGEs of 8 KiB, four per work request. */
static void soft_chain(struct soft_chain *c, u64 len, u32 lkey, u64 raddr,
		       u32 rkey, bool read)
{
	unsigned int n = 0, w = 0;
	u64 off;

	memset(c, 0, sizeof(*c));
	for (off = 0; off < len; off += SOFT_SGE, n++) {
		struct ib_rdma_wr *wr = &c->wrs[w];

		assert_true(n < SOFT_MAX_SGES);
		c->sges[n].addr = off;
		c->sges[n].length = min_t(u64, SOFT_SGE, len - off);
		c->sges[n].lkey = lkey;
		if (!wr->wr.num_sge) {
			wr->wr.opcode = read ? IB_WR_RDMA_READ :
					       IB_WR_RDMA_WRITE;
			wr->wr.sg_list = &c->sges[n];
			wr->remote_addr = raddr + off;
			wr->rkey = rkey;
			if (w)
				c->wrs[w - 1].wr.next = &wr->wr;
		}
		if (++wr->wr.num_sge == 4)
			w++;
	}
}

static void test_soft_hca(void **state)
{
	static struct soft_chain sc;
	struct dma_vec_provider prov, bare;
	struct pool host_a, gpu, host_b;
	struct dma_vec_table tbl;
	struct side rem;
	void __iomem *cpu;
	struct rig r;
	unsigned int i;
	u8 *data;
	u32 key;

	(void)state;
	rng_seed(99);
	build_rig(&r, true, SZ_4M);
	/* rxe: no DMA of its own, CPU addresses only. */
	hca_init(&r.a, r.a.dev, true);
	cpu = pci_iomap(r.gpu_sw, 0, 0);
	assert_non_null(cpu);
	provider_on(&prov, r.gpu_sw, cpu);
	provider_on(&bare, r.gpu_rp, NULL);
	pool_init(&host_a, NULL, NULL, 0);
	pool_init(&gpu, r.gpu_sw, &prov, SZ_1M);
	pool_init(&host_b, NULL, NULL, 0);

	for (i = 0; i < 20; i++) {
		bool read = i & 1;
		struct layout l;
		u64 len;

		/* Host and BAR pieces in one table. */
		layout_gen(&l, false, 32 * 1024);
		dma_vec_table_init(&tbl);
		{
			unsigned int j;

			for (j = 0; j < l.nr; j++) {
				struct pool *p = j & 1 ? &gpu : &host_a;

				assert_int_equal(dma_vec_append(&tbl,
								p->pa + l.off[j],
								l.len[j], p->prov,
								GFP_KERNEL), 0);
			}
		}
		side_map(&rem, &host_b, &r.b, false, 96 * 1024);
		remote_mr(&rem, &r.b, false);
		len = min(dma_vec_len(&tbl), rem.l.total);

		data = malloc(len);
		assert_non_null(data);
		rng_fill(data, len);
		{
			struct dma_vec_slice s;

			assert_int_equal(dma_vec_slice(&tbl, 0, len, &s), 0);
			if (read) {
				layout_io(&rem.l, &host_b, 0, data, len, true,
					  false);
				layout_io(&rem.l, &host_b, 0, data, len, true,
					  true);
			} else {
				assert_int_equal(dma_vec_copy_from_buf(&s, data),
						 0);
			}
		}

		/*
		 * The soft device's "DMA addresses" are table offsets, as
		 * rxe's are virtual addresses: nothing is mapped, so the
		 * chain is made by hand (rdma_rw refuses such a device for
		 * dma_vec, ib_uses_virt_dma()).
		 */
		key = hca_reg_table(&r.a, &tbl, IB_ACCESS_LOCAL_WRITE);
		soft_chain(&sc, len, key, rem.mr.ibmr.iova, rem.mr.ibmr.rkey,
			   read);
		assert_int_equal(hca_post(&r.a, &sc.wrs[0].wr, &r.b), 0);
		/* The soft HCA mapped nothing for DMA. */
		assert_int_equal(sim_live_mappings(r.a.dev), 0);
		{
			u8 *got = malloc(len);
			struct dma_vec_slice s;

			assert_non_null(got);
			if (read) {
				assert_int_equal(dma_vec_slice(&tbl, 0, len, &s),
						 0);
				assert_int_equal(dma_vec_copy_to_buf(&s, got), 0);
			} else {
				layout_io(&rem.l, &host_b, 0, got, len, false,
					  false);
				layout_io(&rem.l, &host_b, 0, data, len, true,
					  true);
			}
			assert_memory_equal(got, data, len);
			free(got);
		}
		/* Keep the local shadows in step with what the CPU wrote. */
		{
			u8 *now = malloc(POOL_SIZE);

			assert_non_null(now);
			pool_io(&host_a, 0, now, POOL_SIZE, false);
			memcpy(host_a.shadow, now, POOL_SIZE);
			pool_io(&gpu, 0, now, POOL_SIZE, false);
			memcpy(gpu.shadow, now, POOL_SIZE);
			free(now);
		}
		pool_check(&host_b);
		hca_dereg(&r.a, key);
		hca_mr_free(&rem.mr);
		side_unmap(&rem);
		dma_vec_table_release(&tbl);
		free(data);
	}

	/* A provider without a CPU mapping cannot be served by CPU copies. */
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, bare.base, SZ_4K, &bare,
					GFP_KERNEL), 0);
	key = hca_reg_table(&r.a, &tbl, IB_ACCESS_LOCAL_WRITE);
	side_map(&rem, &host_b, &r.b, false, 96 * 1024);
	remote_mr(&rem, &r.b, false);
	{
		struct ib_sge sge = { .addr = 0, .length = 64, .lkey = key };
		struct ib_rdma_wr wr = {
			.wr = { .opcode = IB_WR_RDMA_WRITE, .sg_list = &sge,
				.num_sge = 1 },
			.remote_addr = rem.mr.ibmr.iova,
			.rkey = rem.mr.ibmr.rkey,
		};

		assert_int_equal(hca_post(&r.a, &wr.wr, &r.b), -EOPNOTSUPP);
	}
	pool_check(&host_b);
	hca_dereg(&r.a, key);
	hca_mr_free(&rem.mr);
	side_unmap(&rem);
	dma_vec_table_release(&tbl);

	pool_fini(&host_a);
	pool_fini(&gpu);
	pool_fini(&host_b);
	dma_vec_provider_destroy(&prov);
	dma_vec_provider_destroy(&bare);
}

/* --- The example number: a fragmented 128 GiB BAR --- */

/*
 * READ/WRITE chains over all of a 128 GiB BAR that host A's HCA reaches by
 * bus address: in 2 MiB blocks (@tbl) with 512-byte SGEs, the bound on
 * the chain passes what one allocation may take and the call is refused
 * with -E2BIG, nothing left mapped; as one range, 2 GiB messages cut it
 * into a work request per 2 GiB, each of one SGE.
 */
static void rw_bar_whole(struct rig *r, struct dma_vec_provider *prov,
			 const struct dma_vec_table *tbl)
{
	struct dma_vec_rdma_rw_ctx *ctx = calloc(1, sizeof(*ctx));
	struct dma_vec_rdma_rw_dev d;
	struct dma_vec_table one;
	struct dma_vec_slice s;
	u64 raddr = 0;
	unsigned int i;

	assert_non_null(ctx);
	rw_dev_init(&d, &r->a, 0x42);
	d.lim.max_seg = 512;
	d.lim.seg_boundary_mask = U64_MAX;
	d.lim.align = 1;
	dma_vec_slice_all(tbl, &s);
	assert_int_equal(dma_vec_rdma_rw_init(ctx, &d, &s, 0, 1, DMA_TO_DEVICE,
					      GFP_KERNEL), -E2BIG);
	assert_int_equal(ctx->nr_wrs, 0);
	assert_int_equal(sim_live_mappings(r->a.dev), 0);

	d.lim.max_seg = U64_MAX;
	d.max_sge = 30;
	d.max_msg = SZ_2G;
	dma_vec_table_init(&one);
	assert_int_equal(dma_vec_append(&one, prov->base, prov->size, prov,
					GFP_KERNEL), 0);
	dma_vec_slice_all(&one, &s);
	assert_int_equal(dma_vec_rdma_rw_init(ctx, &d, &s, 0, 1, DMA_TO_DEVICE,
					      GFP_KERNEL),
			 (int)(prov->size / SZ_2G));
	for (i = 0; i < ctx->nr_wrs; i++) {
		const struct ib_rdma_wr *wr = &ctx->wrs[i];

		assert_int_equal(wr->wr.num_sge, 1);
		assert_int_equal(wr->wr.sg_list[0].length, SZ_2G);
		assert_int_equal(wr->wr.sg_list[0].addr,
				 prov->base + prov->bus_offset + raddr);
		assert_int_equal(wr->remote_addr, raddr);
		raddr += SZ_2G;
	}
	dma_vec_rdma_rw_destroy(ctx);
	assert_int_equal(sim_live_mappings(r->a.dev), 0);
	dma_vec_table_release(&one);
	free(ctx);
}


static void test_bar_128g_mr_entries(void **state)
{
	const u64 bar = 128ULL << 30, block = SZ_2M;
	const unsigned int nr = bar / block;
	struct dma_vec_provider prov;
	struct dma_vec_table tbl;
	struct dma_vec_map m = { };
	unsigned long pgsz;
	u64 pages_best, pages_4k, bytes;
	unsigned int *order, i;
	struct hca_mr mr;
	struct rig r;
	int n;

	(void)state;
	rng_seed(128);
	build_rig(&r, false, bar);
	provider_on(&prov, r.gpu_sw, NULL);
	/* Every 2 MiB block of the BAR, in a random order: no two merge. */
	order = malloc(nr * sizeof(*order));
	assert_non_null(order);
	for (i = 0; i < nr; i++)
		order[i] = i;
	for (i = nr - 1; i > 0; i--) {
		unsigned int j = rng_range(0, i), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_table_reserve(&tbl, nr, GFP_KERNEL), 0);
	for (i = 0; i < nr; i++)
		assert_int_equal(dma_vec_append(&tbl, prov.base + order[i] * block,
						block, &prov, GFP_KERNEL), 0);
	assert_true(dma_vec_nr_ranges(&tbl) > nr / 2);
	assert_int_equal(dma_vec_map_table(&m, &tbl, r.a.dev, DMA_BIDIRECTIONAL,
					   0, NULL, NULL, GFP_KERNEL), 0);

	pgsz = dma_vec_rdma_best_page_size(m.ranges, m.nr, r.a.pgsz_bitmap,
					   m.ranges[0].addr);
	assert_int_equal(pgsz, SZ_2M);
	assert_int_equal(dma_vec_rdma_count_mr_pages(m.ranges, m.nr, pgsz,
						     &pages_best, &bytes), 0);
	assert_int_equal(bytes, bar);
	assert_int_equal(dma_vec_rdma_count_mr_pages(m.ranges, m.nr, SZ_4K,
						     &pages_4k, &bytes), 0);
	assert_int_equal(bytes, bar);
	print_message("  128 GiB BAR in 2 MiB blocks, %u DMA ranges: MR "
		      "translation entries %llu with %lu KiB pages (%llu KiB "
		      "at 8 B each), %llu with 4 KiB pages (%llu KiB): %llux "
		      "fewer\n", m.nr, (unsigned long long)pages_best,
		      pgsz >> 10, (unsigned long long)pages_best * 8 >> 10,
		      (unsigned long long)pages_4k,
		      (unsigned long long)pages_4k * 8 >> 10,
		      (unsigned long long)(pages_4k / pages_best));
	assert_int_equal(pages_best, nr);
	assert_int_equal(pages_4k, pages_best * 512);

	/* Register it for real and write through it into a random block. */
	assert_int_equal(hca_mr_alloc(&r.a, &mr, IB_MR_TYPE_MEM_REG, nr), 0);
	n = dma_vec_rdma_map_mr_pages(&mr.ibmr, m.ranges, m.nr, pgsz, nr,
				      hca_set_page, &mr);
	assert_int_equal(n, nr);
	assert_int_equal(mr.ibmr.length, bar);
	assert_int_equal(hca_mr_register(&mr, IB_ACCESS_REMOTE_WRITE |
					 IB_ACCESS_REMOTE_READ), 0);
	{
		u8 *src, got[SZ_8K];
		phys_addr_t pa;
		struct dma_vec_table ht;
		struct dma_vec_map hm = { };
		struct ib_sge sge;
		struct ib_rdma_wr wr = { .wr = { .opcode = IB_WR_RDMA_WRITE } };
		/* Straddle two blocks of the MR. */
		u64 at = 777 * block - SZ_4K;
		u32 lkey;

		src = shim_ram_alloc(SZ_8K, &pa);
		assert_non_null(src);
		rng_fill(src, SZ_8K);
		dma_vec_table_init(&ht);
		assert_int_equal(dma_vec_append(&ht, pa, SZ_8K, NULL, GFP_KERNEL),
				 0);
		assert_int_equal(dma_vec_map_table(&hm, &ht, r.b.dev,
						   DMA_TO_DEVICE, 0, NULL, NULL,
						   GFP_KERNEL), 0);
		lkey = hca_reg_phys(&r.b, hm.ranges, hm.nr, 0);
		sge.addr = hm.ranges[0].addr;
		sge.length = SZ_8K;
		sge.lkey = lkey;
		wr.wr.sg_list = &sge;
		wr.wr.num_sge = 1;
		wr.remote_addr = mr.ibmr.iova + at;
		wr.rkey = mr.ibmr.rkey;
		assert_int_equal(hca_post(&r.b, &wr.wr, &r.a), 0);
		assert_int_equal(sim_bar_read(r.gpu_sw, 0,
					      (u64)order[776] * block + block - SZ_4K,
					      got, SZ_4K), 0);
		assert_memory_equal(got, src, SZ_4K);
		assert_int_equal(sim_bar_read(r.gpu_sw, 0, (u64)order[777] * block,
					      got, SZ_4K), 0);
		assert_memory_equal(got, src + SZ_4K, SZ_4K);
		hca_dereg(&r.b, lkey);
		dma_vec_unmap(&hm);
		dma_vec_table_release(&ht);
		shim_ram_free(src);
	}
	hca_mr_free(&mr);
	dma_vec_unmap(&m);
	rw_bar_whole(&r, &prov, &tbl);
	dma_vec_table_release(&tbl);
	dma_vec_provider_destroy(&prov);
	free(order);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rw_failinj,
						dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_e2e_random, dvt_sim_setup,
						dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_e2e_remote_bar,
						dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_reject, dvt_sim_setup,
						dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_soft_hca, dvt_sim_setup,
						dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_bar_128g_mr_entries,
						dvt_sim_setup, dvt_sim_teardown),
	};

	return cmocka_run_group_tests_name("rdma", tests, NULL, NULL);
}
