// SPDX-License-Identifier: GPL-2.0
/*
 * NVMe data pointers built from dma_vec mappings, executed end to end by
 * the controller oracle (nvme_oracle.c) on the simulated platform: host
 * memory, BAR memory by bus address below a switch, and BAR memory through
 * an IOMMU-translated host bridge; hand-made layouts, thousands of random
 * ones, invalid commands the oracle must reject, allocation and mapping
 * failures, and MDTS.  The layouts themselves, checked entry by entry
 * against the NVMe specification, are the shared body
 * tests/kunit/dma_vec_nvme_kunit.c (test kunit_nvme here, KUnit in the
 * kernel).
 *
 * DMA_VEC_NVME_ITERS sets the random commands per topology (default 500,
 * 200 under valgrind); DMA_VEC_NVME_SEED the seed; DMA_VEC_NVME_FILTER a
 * pattern of the tests to run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/align.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec_p2p.h>
#include <linux/dmapool.h>
#include <linux/math.h>
#include <linux/nvme.h>
#include <linux/pci.h>
#include <linux/pfn.h>
#include <linux/sizes.h>
#include <shim/sim.h>

#include "dma_vec_nvme.h"
#include "helpers.h"
#include <shim/nvme_oracle.h>

#define ARENA		(20U << 20)	/* host RAM per test */
#define RANDOM_SPAN	(8U << 20)	/* what random layouts spread over */
#define BAR_SIZE	(8U << 20)	/* provider BAR 0 */
#define NR_PS		3

static const unsigned int page_shifts[NR_PS] = { 12, 13, 16 };

enum topo {
	TOPO_HOST,		/* host memory only */
	TOPO_SWITCH,		/* provider and controller below one switch */
	TOPO_HOST_BRIDGE,	/* different root ports of 8086:2030 */
};

struct env {
	struct device *dev;		/* the NVMe controller */
	struct pci_dev *ctrl;
	struct pci_dev *gpu;		/* the provider's device, or NULL */
	struct dma_vec_provider prov;
	phys_addr_t bar_pa;
	struct dma_pool *pool[NR_PS];
	struct dma_pool *small;		/* nvme-pci's small PRP list pool */
	void *ram_alloc;
	u8 *ram;
	phys_addr_t ram_pa;
	u8 *media;			/* the controller's side of a command */
	u8 *ref;			/* the expected bytes */
	unsigned long built[2];		/* commands built: PRP, SGL */
	unsigned long built_rq;		/* ... and per I/O (run_case_rq()) */
	struct dma_vec_nvme_rq rq;
};

static u64 rng_state;

static u64 rnd64(void)
{
	u64 x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static u64 rnd(u64 n)
{
	return n ? rnd64() % n : 0;
}

static void rnd_fill(void *buf, size_t len)
{
	u8 *p = buf;
	size_t i;
	u64 v;

	for (i = 0; i + 8 <= len; i += 8) {
		v = rnd64();
		memcpy(p + i, &v, 8);
	}
	v = rnd64();
	memcpy(p + i, &v, len - i);
}

static struct pci_host_bridge *add_host(int domain, bool iommu)
{
	struct sim_host_bridge_desc d = {
		.domain = domain,
		.vendor = PCI_VENDOR_ID_INTEL,
		.device = 0x2030,
		.iommu = iommu,
	};

	return sim_add_host_bridge(&d);
}

static void env_init(struct env *e, enum topo topo, bool iommu)
{
	struct pci_host_bridge *h;
	struct pci_dev *rp, *rp2, *dsp[2];
	unsigned int i;

	memset(e, 0, sizeof(*e));
	switch (topo) {
	case TOPO_HOST:
		h = add_host(0, iommu);
		rp = sim_add_root_port(h, PCI_DEVFN(1, 0));
		e->ctrl = sim_add_endpoint(rp->subordinate, 0, 0);
		break;
	case TOPO_SWITCH:
		h = add_host(0, iommu);
		rp = sim_add_root_port(h, PCI_DEVFN(1, 0));
		sim_add_switch(rp->subordinate, 2, dsp);
		e->ctrl = sim_add_endpoint(dsp[0]->subordinate, 0, 0);
		e->gpu = sim_add_endpoint(dsp[1]->subordinate, 0, BAR_SIZE);
		assert_int_equal(sim_expected_map_type(e->gpu, &e->ctrl->dev,
						       NULL), SIM_P2P_BUS_ADDR);
		break;
	case TOPO_HOST_BRIDGE:
		h = add_host(0, iommu);
		rp = sim_add_root_port(h, PCI_DEVFN(1, 0));
		rp2 = sim_add_root_port(h, PCI_DEVFN(2, 0));
		e->ctrl = sim_add_endpoint(rp->subordinate, 0, 0);
		e->gpu = sim_add_endpoint(rp2->subordinate, 0, BAR_SIZE);
		assert_int_equal(sim_expected_map_type(e->gpu, &e->ctrl->dev,
						       NULL),
				 SIM_P2P_HOST_BRIDGE);
		break;
	}
	e->dev = &e->ctrl->dev;
	assert_int_equal(sim_dev_has_iommu(e->dev), iommu);
	if (e->gpu) {
		assert_int_equal(dma_vec_provider_init_pci(&e->prov, e->gpu, 0,
							   0, 0, NULL), 0);
		e->bar_pa = pci_resource_start(e->gpu, 0);
	}
	for (i = 0; i < NR_PS; i++) {
		size_t ps = 1UL << page_shifts[i];

		e->pool[i] = dma_pool_create("nvme prp list", e->dev, ps, ps,
					     0);
		assert_non_null(e->pool[i]);
	}
	e->small = dma_pool_create("nvme prp list 256", e->dev,
				   DMA_VEC_NVME_SMALL_BLOCK,
				   DMA_VEC_NVME_SMALL_BLOCK, 0);
	assert_non_null(e->small);
	/* The arena is aligned to the largest controller page. */
	e->ram_alloc = shim_ram_alloc(ARENA + SZ_64K, &e->ram_pa);
	assert_non_null(e->ram_alloc);
	e->ram = (u8 *)e->ram_alloc + (ALIGN(e->ram_pa, SZ_64K) - e->ram_pa);
	e->ram_pa = ALIGN(e->ram_pa, SZ_64K);
	e->media = malloc(ARENA + BAR_SIZE);
	e->ref = malloc(ARENA + BAR_SIZE);
	assert_non_null(e->media);
	assert_non_null(e->ref);
}

static unsigned long env_pool_pages(const struct env *e)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < NR_PS; i++)
		n += shim_dma_pool_pages(e->pool[i]);
	return n + shim_dma_pool_pages(e->small);
}

/* Live allocations, less a pool page and its mapping for each pool page. */
static long env_live(const struct env *e)
{
	return shim_live_objects() - 2 * (long)env_pool_pages(e);
}

static void env_fini(struct env *e)
{
	unsigned int i;

	for (i = 0; i < NR_PS; i++) {
		assert_int_equal(shim_dma_pool_in_use(e->pool[i]), 0);
		dma_pool_destroy(e->pool[i]);
	}
	assert_int_equal(shim_dma_pool_in_use(e->small), 0);
	dma_pool_destroy(e->small);
	assert_int_equal(sim_live_mappings(NULL), 0);
	if (e->gpu)
		dma_vec_provider_destroy(&e->prov);
	shim_ram_free(e->ram_alloc);
	free(e->media);
	free(e->ref);
}

static unsigned int ps_index(unsigned int page_shift)
{
	unsigned int i;

	for (i = 0; i < NR_PS; i++)
		if (page_shifts[i] == page_shift)
			return i;
	fail_msg("page shift %u", page_shift);
	return 0;
}

/* A piece of the transfer: bytes of the arena or of the provider's BAR. */
struct piece {
	bool bar;
	u64 off;
	u64 len;
};

enum setup_fn { SETUP_PRPS, SETUP_SGLS, SETUP_DATA };

static const char *const setup_names[] = { "prps", "sgls", "data" };

struct nvme_case {
	unsigned int page_shift;
	unsigned int sgls;
	unsigned int threshold;
	u64 mdts;
	enum setup_fn setup;
	bool write;
};

static int call_setup(const struct nvme_case *k,
		      const struct dma_vec_nvme_ctrl *ctrl,
		      const struct dma_vec_drange *r, unsigned int nr,
		      union nvme_data_ptr *dptr, struct dma_vec_nvme_data *data)
{
	switch (k->setup) {
	case SETUP_PRPS:
		return dma_vec_nvme_setup_prps(ctrl, r, nr, dptr, data,
					       GFP_KERNEL);
	case SETUP_SGLS:
		return dma_vec_nvme_setup_sgls(ctrl, r, nr, dptr, data,
					       GFP_KERNEL);
	default:
		return dma_vec_nvme_setup_data(ctrl, r, nr, dptr, data,
					       GFP_KERNEL);
	}
}

/*
 * The expected outcome, from the DMA ranges and the documented contract:
 * PRPs need the first range dword aligned and every range boundary on a
 * controller page boundary on both sides; dword SGLs need every data block
 * dword aligned in address and length; setup_data prefers SGLs from the
 * threshold on, or when PRPs cannot do it, and PRPs when SGLs cannot.
 */
static bool prp_expressible(const struct dma_vec_drange *r, unsigned int nr,
			    u64 ps)
{
	unsigned int i;

	if (r[0].addr & 3)
		return false;
	for (i = 0; i + 1 < nr; i++)
		if (((r[i].addr + r[i].len) & (ps - 1)) ||
		    (r[i + 1].addr & (ps - 1)))
			return false;
	return true;
}

static bool sgl_dword_ok(const struct dma_vec_drange *r, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if ((r[i].addr | r[i].len) & 3)
			return false;
	return true;
}

static int expect_ret(const struct nvme_case *k, const struct dma_vec_drange *r,
		      unsigned int nr, u64 len, bool *sgl)
{
	bool sgl_sup = k->sgls == DMA_VEC_NVME_SGLS ||
		       k->sgls == DMA_VEC_NVME_SGLS_DWORD;
	bool prp_ok = prp_expressible(r, nr, 1ULL << k->page_shift);
	int sgl_ret = k->sgls == DMA_VEC_NVME_SGLS_DWORD &&
		      !sgl_dword_ok(r, nr) ? -EINVAL : 0;

	*sgl = false;
	if (k->setup == SETUP_SGLS && !sgl_sup)
		return -EOPNOTSUPP;
	if (k->mdts && len > k->mdts)
		return -E2BIG;
	switch (k->setup) {
	case SETUP_PRPS:
		return prp_ok ? 0 : -EINVAL;
	case SETUP_SGLS:
		*sgl = true;
		return sgl_ret;
	default:
		/* Threshold SGLs the layout cannot align fall back to PRPs. */
		if (sgl_sup && k->threshold && !sgl_ret &&
		    (len + nr - 1) / nr >= k->threshold) {
			*sgl = true;
			return 0;
		}
		if (prp_ok)
			return 0;
		*sgl = sgl_sup;
		return sgl_sup ? sgl_ret : -EINVAL;
	}
}

/* Descriptor pages for @n entries of which a page holds @per. */
static unsigned int list_pages(u64 n, u64 per)
{
	if (!n)
		return 0;
	if (n <= per)
		return 1;
	return 1 + (unsigned int)DIV_ROUND_UP(n - per, per - 1);
}

static u64 prp_entries(const struct dma_vec_drange *r, unsigned int nr, u64 ps)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		n += (r[i].addr + r[i].len - 1) / ps - r[i].addr / ps + 1;
	return n;
}

static u64 sgl_entries(const struct dma_vec_drange *r, unsigned int nr)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		n += DIV_ROUND_UP(r[i].len, 0xfffffffcULL);
	return n;
}

static char layout_buf[4096];

static const char *layout_str(const struct nvme_case *k, const struct piece *p,
			      unsigned int nr, const struct dma_vec_map *map)
{
	size_t n = 0, sz = sizeof(layout_buf);
	unsigned int i;

	n += snprintf(layout_buf + n, sz - n,
		      "seed %#llx ps %u sgls %u thr %u mdts %#llx setup %s %s; pieces:",
		      (unsigned long long)rng_state, 1U << k->page_shift,
		      k->sgls, k->threshold, (unsigned long long)k->mdts,
		      setup_names[k->setup], k->write ? "write" : "read");
	for (i = 0; i < nr && n < sz - 64; i++)
		n += snprintf(layout_buf + n, sz - n, " %s+%#llx/%#llx",
			      p[i].bar ? "bar" : "ram",
			      (unsigned long long)p[i].off,
			      (unsigned long long)p[i].len);
	if (map && n < sz - 64)
		n += snprintf(layout_buf + n, sz - n, "; dma:");
	for (i = 0; map && i < map->nr && n < sz - 64; i++)
		n += snprintf(layout_buf + n, sz - n, " %#llx/%#llx",
			      (unsigned long long)map->ranges[i].addr,
			      (unsigned long long)map->ranges[i].len);
	return layout_buf;
}

static void piece_rw(struct env *e, const struct piece *p, void *buf,
		     bool to_mem)
{
	if (!p->bar) {
		if (to_mem)
			memcpy(e->ram + p->off, buf, p->len);
		else
			memcpy(buf, e->ram + p->off, p->len);
		return;
	}
	if (to_mem)
		assert_int_equal(sim_bar_write(e->gpu, 0, p->off, buf, p->len),
				 0);
	else
		assert_int_equal(sim_bar_read(e->gpu, 0, p->off, buf, p->len),
				 0);
}

static void table_build(struct env *e, struct dma_vec_table *tbl,
			const struct piece *p, unsigned int nr)
{
	unsigned int i;

	dma_vec_table_init(tbl);
	for (i = 0; i < nr; i++)
		assert_int_equal(dma_vec_append(tbl, p[i].bar ?
						e->bar_pa + p[i].off :
						e->ram_pa + p[i].off,
						p[i].len,
						p[i].bar ? &e->prov : NULL,
						GFP_KERNEL), 0);
}

static struct dma_vec_nvme_ctrl case_ctrl(struct env *e,
					  const struct nvme_case *k)
{
	struct dma_vec_nvme_ctrl c = {
		.pool = e->pool[ps_index(k->page_shift)],
		.pool_block = 1UL << k->page_shift,
		.max_transfer = k->mdts,
		.page_shift = k->page_shift,
		.sgls = k->sgls,
		.sgl_threshold = k->threshold,
	};

	return c;
}

static struct nvme_oracle case_oracle(struct env *e, const struct nvme_case *k)
{
	struct nvme_oracle o = {
		.dev = e->dev,
		.mps = k->page_shift - 12,
		.sgls = k->sgls,
	};

	return o;
}

/* How run_case_rq() gives the ranges of a command to the per-I/O path. */
enum rq_feed {
	FEED_RUNS,	/* one dma_vec_nvme_rq_add_ranges() per run of an owner */
	FEED_RANGES,	/* one dma_vec_nvme_rq_add() per range */
	FEED_TABLE,	/* one dma_vec_nvme_rq_add_table() of them all */
	NR_FEEDS,
};

/*
 * The command of run_case() as nvme-pci's per-I/O path builds it, on a
 * device without an IOMMU (where both paths see the same DMA addresses):
 * dma_vec_nvme_rq_start(), the ranges fed one of three ways (enum
 * rq_feed), dma_vec_nvme_rq_finish().  At random: the small pool for
 * short PRP lists (a list that fits it must come from it), host pages
 * vouched for (the test's are RAM, so this changes nothing), host pieces
 * cut at a mapping size of 1 to 64 pages (PRPs of 4 KiB pages, which the
 * cut does not change), and one of the first four allocations failing.  The controller description is freed
 * between the finish and the end, as nvme-pci's on-stack one is.  The
 * same answer as the setup function (@want), or -ENOMEM if an injected
 * failure fired; on success the same entries (@ents, in @pages list
 * pages) moving the same bytes, else a data pointer untouched.  Never
 * more PRP entries than the command takes; nothing is left mapped or
 * allocated.
 */
static void run_case_rq(struct env *e, const struct nvme_case *k,
			const struct piece *p, unsigned int nr, u64 len,
			int want, u64 ents, unsigned int pages)
{
	struct dma_vec_nvme_ctrl *ctrl = malloc(sizeof(*ctrl));
	struct nvme_oracle o = case_oracle(e, k);
	struct nvme_oracle_cmd cmd = { .write = k->write, .len = len };
	/* Room for every range cut in two. */
	struct dma_vec_prange *pr = calloc(2 * nr + 1, sizeof(*pr));
	struct dma_vec_nvme_rq *rq = &e->rq;
	enum rq_feed feed = rnd(NR_FEEDS);
	bool inject = !rnd(3), vouch = rnd(2), small = rnd(2);
	struct nvme_oracle_result res;
	union nvme_data_ptr dptr0;
	struct dma_vec_table tbl;
	struct dma_pool *pool;
	unsigned int i, j;
	long live;
	u64 off;
	int ret;

	assert_non_null(ctrl);
	assert_non_null(pr);
	*ctrl = case_ctrl(e, k);
	pool = ctrl->pool;
	if (small)
		ctrl->small_pool = e->small;
	if (k->page_shift == 12 && k->setup == SETUP_PRPS && rnd(2))
		ctrl->max_map = SZ_4K * (1 + rnd(rnd(2) ? 4 : 64));
	memset(&cmd.dptr, 0xcc, sizeof(cmd.dptr));
	dptr0 = cmd.dptr;
	if (feed == FEED_TABLE)
		table_build(e, &tbl, p, nr);
	live = env_live(e);
	if (inject)
		shim_fail_nth(1 + rnd(4));
	ret = dma_vec_nvme_rq_start(rq, ctrl, e->dev, k->write ?
				    DMA_TO_DEVICE : DMA_FROM_DEVICE, 0,
				    k->setup == SETUP_SGLS, len, GFP_KERNEL);
	if (!ret && vouch)
		dma_vec_nvme_rq_host_pages(rq);
	if (!ret && feed == FEED_TABLE)
		ret = dma_vec_nvme_rq_add_table(rq, &tbl);
	for (i = 0; !ret && feed == FEED_RANGES && i < nr; i++)
		ret = dma_vec_nvme_rq_add(rq, (p[i].bar ? e->bar_pa :
					       e->ram_pa) + p[i].off,
					  p[i].len, p[i].bar ? &e->prov : NULL);
	for (i = 0; !ret && feed == FEED_RUNS && i < nr; i = j) {
		unsigned int n = 0, at, c;

		for (j = i; j < nr && p[j].bar == p[i].bar; j++) {
			u64 pa = (p[j].bar ? e->bar_pa : e->ram_pa) + p[j].off;
			u64 l = p[j].len, cut;

			/*
			 * A valid command's range may come in two contiguous
			 * pieces (a run's batch ends inside it): merged, they
			 * build the same command.
			 */
			if (!want && l > 1 && !rnd(4)) {
				cut = 1 + rnd(l - 1);
				pr[n].paddr = pa;
				pr[n++].len = cut;
				pa += cut;
				l -= cut;
			}
			pr[n].paddr = pa;
			pr[n++].len = l;
		}
		/* A run in one call, or cut into several. */
		for (at = 0; !ret && at < n; at += c) {
			c = rnd(2) ? n - at : 1 + rnd(n - at);
			ret = dma_vec_nvme_rq_add_ranges(rq, pr + at, c,
							 p[i].bar ? &e->prov :
								    NULL);
		}
		/* The array is the caller's again once the call returned. */
		memset(pr, 0xa5, n * sizeof(*pr));
	}
	if (!ret)
		ret = dma_vec_nvme_rq_finish(rq, &cmd.dptr);
	memset(ctrl, 0x6b, sizeof(*ctrl));
	free(ctrl);
	if (inject) {
		if (ret == -ENOMEM && !shim_fail_pending())
			want = -ENOMEM;
		shim_fail_nth(0);
	}
	if (ret != want)
		fail_msg("per I/O (feed %d): %d, expected %d: %s", feed, ret,
			 want, layout_str(k, p, nr, NULL));
	if (!rq->sgl && rq->nents > rq->total)
		fail_msg("per I/O (feed %d): %u PRP entries of %u: %s", feed,
			 rq->nents, rq->total, layout_str(k, p, nr, NULL));
	if (ret) {
		assert_memory_equal(&cmd.dptr, &dptr0, sizeof(cmd.dptr));
	} else {
		cmd.flags = rq->data.sgl ? NVME_CMD_SGL_METABUF : 0;
		assert_int_equal(rq->data.sgl, k->setup == SETUP_SGLS);
		assert_int_equal(rq->data.nr_pages, pages);
		/*
		 * As nvme-pci: a PRP list that fits a small block comes from
		 * the small pool when there is one, any other from the page
		 * pool.
		 */
		if (pages == 1 && k->setup != SETUP_SGLS)
			assert_ptr_equal(rq->data.pool,
					 small && (rq->total - 1) * 8 <= 256 ?
					 e->small : pool);
		/* A write sends what memory holds; a read lands new bytes. */
		if (k->write)
			memset(e->media, 0, len);
		else
			rnd_fill(e->media, len);
		memcpy(e->ref, e->media, len);
		if (nvme_oracle_exec(&o, &cmd, e->media, &res))
			fail_msg("per I/O: oracle: %s: %s", res.err,
				 layout_str(k, p, nr, NULL));
		assert_int_equal(res.extents, ents);
		assert_int_equal(res.lists, pages);
		for (i = 0, off = 0; i < nr; off += p[i].len, i++)
			piece_rw(e, &p[i], e->ref + off, false);
		if (memcmp(e->media, e->ref, len))
			fail_msg("per I/O: data mismatch: %s",
				 layout_str(k, p, nr, NULL));
		e->built_rq++;
	}
	dma_vec_nvme_rq_end(rq);
	if (env_live(e) != live)
		fail_msg("per I/O (feed %d, failure %d): %ld allocations left: %s",
			 feed, inject, env_live(e) - live,
			 layout_str(k, p, nr, NULL));
	if (feed == FEED_TABLE)
		dma_vec_table_release(&tbl);
	free(pr);
	assert_int_equal(shim_dma_pool_in_use(pool), 0);
	assert_int_equal(shim_dma_pool_in_use(e->small), 0);
	assert_int_equal(sim_live_mappings(e->dev), env_pool_pages(e));
}

/*
 * One command end to end: table, mapping, data pointer, the oracle, the
 * bytes.  Returns what the setup function returned.
 */
static int run_case(struct env *e, const struct nvme_case *k,
		    const struct piece *p, unsigned int nr)
{
	struct dma_vec_nvme_ctrl ctrl = case_ctrl(e, k);
	struct nvme_oracle o = case_oracle(e, k);
	struct dma_vec_nvme_data data, data0;
	union nvme_data_ptr dptr, dptr0;
	struct nvme_oracle_result res;
	struct nvme_oracle_cmd cmd;
	struct dma_vec_table tbl;
	struct dma_vec_map map = { };
	unsigned long pool_pages;
	unsigned int pages = 0;
	u8 *media, *ref;
	u64 len = 0, off, ents = 0;
	bool want_sgl;
	unsigned int i;
	int ret, want;

	for (i = 0; i < nr; i++)
		len += p[i].len;
	assert_true(len <= ARENA + BAR_SIZE);
	media = e->media;
	ref = e->ref;

	/* A write sends what memory holds; a read must land it there. */
	rnd_fill(ref, len);
	rnd_fill(media, len);
	for (i = 0, off = 0; i < nr; off += p[i].len, i++)
		piece_rw(e, &p[i], (k->write ? ref : media) + off, true);

	table_build(e, &tbl, p, nr);
	assert_int_equal(dma_vec_len(&tbl), len);
	assert_int_equal(dma_vec_map_table(&map, &tbl, e->dev,
					   k->write ? DMA_TO_DEVICE :
					   DMA_FROM_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), 0);

	memset(&dptr, 0xcc, sizeof(dptr));
	memset(&data, 0xcc, sizeof(data));
	dptr0 = dptr;
	data0 = data;
	ret = call_setup(k, &ctrl, map.ranges, map.nr, &dptr, &data);
	want = expect_ret(k, map.ranges, map.nr, len, &want_sgl);
	if (ret != want)
		fail_msg("setup_%s returned %d, expected %d: %s",
			 setup_names[k->setup], ret, want,
			 layout_str(k, p, nr, &map));

	if (ret) {
		assert_memory_equal(&dptr, &dptr0, sizeof(dptr));
		assert_memory_equal(&data, &data0, sizeof(data));
	} else {
		u64 ps = 1ULL << k->page_shift;

		ents = want_sgl ? sgl_entries(map.ranges, map.nr) :
		       prp_entries(map.ranges, map.nr, ps);

		if (data.sgl != want_sgl)
			fail_msg("built %s, expected %s: %s",
				 data.sgl ? "SGL" : "PRP",
				 want_sgl ? "SGL" : "PRP",
				 layout_str(k, p, nr, &map));
		pages = want_sgl ? (ents > 1 ? list_pages(ents, ps / 16) : 0) :
			(ents > 2 ? list_pages(ents - 1, ps / 8) : 0);
		assert_int_equal(data.nr_pages, pages);

		cmd = (struct nvme_oracle_cmd){
			.flags = data.sgl ? NVME_CMD_SGL_METABUF : 0,
			.write = k->write,
			.dptr = dptr,
			.len = len,
		};
		/* The controller's side: what it sends, or room for it. */
		if (!k->write)
			memcpy(media, ref, len);
		else
			memset(media, 0, len);
		ret = nvme_oracle_exec(&o, &cmd, media, &res);
		if (ret)
			fail_msg("oracle: %d %s: %s", ret, res.err,
				 layout_str(k, p, nr, &map));
		assert_int_equal(res.sgl, data.sgl);
		assert_int_equal(res.lists, pages);
		assert_int_equal(res.extents, ents);
		e->built[data.sgl]++;
		dma_vec_nvme_free_data(&data);
		assert_int_equal(shim_dma_pool_in_use(ctrl.pool), 0);
	}
	pool_pages = env_pool_pages(e);
	dma_vec_unmap(&map);
	assert_int_equal(sim_live_mappings(e->dev), pool_pages);
	assert_int_equal(sim_faults(), 0);

	if (!want) {
		/* Byte for byte: what memory holds now, or what was sent. */
		if (!k->write)
			for (i = 0, off = 0; i < nr; off += p[i].len, i++)
				piece_rw(e, &p[i], media + off, false);
		if (memcmp(media, ref, len))
			fail_msg("data mismatch: %s",
				 layout_str(k, p, nr, NULL));
	}
	if (k->setup != SETUP_DATA && !sim_dev_has_iommu(e->dev))
		run_case_rq(e, k, p, nr, len, want, ents, pages);
	dma_vec_table_release(&tbl);
	return want;
}

/* Every setup function, both directions, a set of controller modes. */
static void run_all(struct env *e, const struct piece *p, unsigned int nr,
		    unsigned int page_shift)
{
	static const unsigned int sgls[] = { 0, DMA_VEC_NVME_SGLS,
					     DMA_VEC_NVME_SGLS_DWORD };
	unsigned int s, f, w;

	for (s = 0; s < ARRAY_SIZE(sgls); s++)
		for (f = SETUP_PRPS; f <= SETUP_DATA; f++)
			for (w = 0; w < 2; w++) {
				struct nvme_case k = {
					.page_shift = page_shift,
					.sgls = sgls[s],
					.threshold = f == SETUP_DATA && s ?
						     SZ_32K : 0,
					.setup = f,
					.write = w,
				};

				run_case(e, &k, p, nr);
			}
}

/* Hand-made layouts in host RAM or the BAR (@bar), for 4 KiB pages. */
static void fixed_layouts(struct env *e, bool bar)
{
	static const struct {
		unsigned int nr;
		struct piece p[4];
	} cases[] = {
		{ 1, { { 0, 0x10, 0x100 } } },			/* one page */
		{ 1, { { 0, 0x800, 0x1000 } } },		/* two pages */
		{ 1, { { 0, 0x0, 0x3000 } } },			/* PRP list */
		{ 1, { { 0, 0x204, 0x280000 } } },		/* chained */
		{ 2, { { 0, 0x3000, 0x1000 }, { 0, 0x10000, 0x2000 } } },
		{ 3, { { 0, 0x1f00, 0x100 }, { 0, 0x20000, 0x4000 },
		       { 0, 0x40000, 0x10 } } },
		{ 2, { { 0, 0x100, 0x100 }, { 0, 0x300, 0x100 } } }, /* gap */
		{ 2, { { 0, 0x1001, 0x7 }, { 0, 0x5000, 0x1003 } } },
	};
	unsigned int i, j, ps;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct piece p[4];

		for (j = 0; j < cases[i].nr; j++) {
			p[j] = cases[i].p[j];
			p[j].bar = bar;
		}
		for (ps = 0; ps < NR_PS; ps++)
			run_all(e, p, cases[i].nr, page_shifts[ps]);
	}
}

/* (a) host memory, without and with an IOMMU (one IOVA or per range). */
static void test_host_memory(void **state)
{
	struct env e;
	unsigned int v;

	for (v = 0; v < 3; v++) {
		env_init(&e, TOPO_HOST, v > 0);
		sim_set_iova_api(v != 2);
		fixed_layouts(&e, false);
		env_fini(&e);
		dvt_resim();
	}
	(void)state;
}

/* (b) BAR memory by PCI bus address: controller and provider below a switch. */
static void test_bar_bus_addr(void **state)
{
	struct piece mixed[3] = {
		{ true, 0x1000, 0x3000 }, { false, 0x8000, 0x2000 },
		{ true, 0x20000, 0x1800 },
	};
	struct dma_vec_table tbl;
	struct dma_vec_map map = { };
	struct env e;

	env_init(&e, TOPO_SWITCH, true);
	/* Bus addresses: the BAR's bus address, no IOMMU, no mapping. */
	table_build(&e, &tbl, mixed, 1);
	assert_int_equal(dma_vec_map_table(&map, &tbl, e.dev, DMA_TO_DEVICE,
					   0, NULL, NULL, GFP_KERNEL), 0);
	assert_int_equal(map.run_types[0], DMA_VEC_MAP_BUS_ADDR);
	assert_int_equal(map.ranges[0].addr,
			 pci_bus_address(e.gpu, 0) + 0x1000);
	assert_int_not_equal(map.ranges[0].addr, e.bar_pa + 0x1000);
	assert_int_equal(sim_live_mappings(e.dev), env_pool_pages(&e));
	dma_vec_unmap(&map);
	dma_vec_table_release(&tbl);

	fixed_layouts(&e, true);
	run_all(&e, mixed, 3, 12);
	run_all(&e, mixed, 3, 13);
	env_fini(&e);
	(void)state;
}

/* (c) BAR memory through an allow-listed host bridge with an IOMMU. */
static void test_bar_host_bridge(void **state)
{
	struct piece mixed[3] = {
		{ true, 0x1000, 0x3000 }, { false, 0x8000, 0x2000 },
		{ true, 0x20000, 0x1800 },
	};
	struct dma_vec_table tbl;
	struct dma_vec_map map = { };
	struct env e;
	unsigned int v;

	for (v = 0; v < 2; v++) {
		env_init(&e, TOPO_HOST_BRIDGE, true);
		sim_set_iova_api(v == 0);
		table_build(&e, &tbl, mixed, 1);
		assert_int_equal(dma_vec_map_table(&map, &tbl, e.dev,
						   DMA_FROM_DEVICE, 0, NULL,
						   NULL, GFP_KERNEL), 0);
		assert_int_equal(map.run_types[0],
				 DMA_VEC_MAP_THRU_HOST_BRIDGE);
		/* An IOVA: neither the CPU nor the bus address. */
		assert_int_not_equal(map.ranges[0].addr, e.bar_pa + 0x1000);
		assert_int_not_equal(map.ranges[0].addr,
				     pci_bus_address(e.gpu, 0) + 0x1000);
		dma_vec_unmap(&map);
		dma_vec_table_release(&tbl);

		fixed_layouts(&e, true);
		run_all(&e, mixed, 3, 12);
		run_all(&e, mixed, 3, 16);
		env_fini(&e);
		dvt_resim();
	}
	(void)state;
}

/* Random layouts. */

static unsigned int iterations(void)
{
	const char *s = getenv("DMA_VEC_NVME_ITERS");
	const char *pre = getenv("LD_PRELOAD");

	if (s && atoi(s) > 0)
		return (unsigned int)atoi(s);
	/* Valgrind preloads its vgpreload_*.so into the client. */
	if (pre && strstr(pre, "vgpreload"))
		return 200;
	return 500;
}


/*
 * Up to @max pieces at increasing offsets of the arena and of the BAR:
 * either PRP-friendly (every inner boundary on a controller page) or with
 * random alignment of starts, ends and gaps.  Returns the count.
 */
static unsigned int gen_layout(const struct env *e, u64 ps, struct piece *p,
			       unsigned int max)
{
	u64 cursor[2] = { rnd(2) ? 0 : rnd(ps) & ~3ULL, rnd(SZ_64K) };
	u64 limit[2] = { RANDOM_SPAN, BAR_SIZE };
	unsigned int target, i, nr = 0;
	bool friendly = rnd(2);
	u64 cap;
	int r = (int)rnd(100);

	target = r < 40 ? 1 + rnd(4) : r < 75 ? 5 + rnd(28) :
		 r < 95 ? 33 + rnd(170) : 201 + rnd(max - 200);
	cap = max_t(u64, RANDOM_SPAN / 2 / target, 64);
	for (i = 0; i < target; i++) {
		bool bar = e->gpu && rnd(2);
		u64 *c = &cursor[bar], start, len;

		if (friendly) {
			if (!nr) {
				start = *c;
				len = ps - (start & (ps - 1)) +
				      rnd(cap / ps + 1) * ps;
			} else {
				start = ALIGN(*c, ps) + rnd(3) * ps;
				len = (1 + rnd(cap / ps + 1)) * ps;
				if (i == target - 1)
					len = 1 + rnd(len);
			}
		} else {
			switch (rnd(3)) {
			case 0:
				start = *c + rnd(2 * ps);
				break;
			case 1:
				start = ALIGN(*c, 4) + 4 * rnd(ps / 2);
				break;
			default:
				start = ALIGN(*c, ps) + ps * rnd(2);
				break;
			}
			if (!rnd(4))
				start = *c;	/* adjacent: may merge */
			switch (rnd(3)) {
			case 0:
				len = 1 + rnd(min_t(u64, cap, 3 * ps));
				break;
			case 1:
				len = 4 * (1 + rnd(min_t(u64, cap, 3 * ps) / 4));
				break;
			default:
				len = ps * (1 + rnd(max_t(u64, cap / ps, 1)));
				break;
			}
		}
		if (start + len > limit[bar])
			break;
		p[nr++] = (struct piece){ bar, start, len };
		*c = start + len;
	}
	if (!nr) {
		/* Even the first piece did not fit: one small one. */
		p[0] = (struct piece){ false, 0x40, 0x200 };
		nr = 1;
	}
	return nr;
}

#define MAX_PIECES	600

static void random_commands(enum topo topo, bool iommu, bool iova_api,
			    u64 seed)
{
	static const unsigned int thresholds[] = { 0, SZ_4K, SZ_32K, SZ_1M };
	unsigned int n = iterations(), i, ok = 0, rejected = 0;
	struct piece *p = calloc(MAX_PIECES, sizeof(*p));
	const char *s = getenv("DMA_VEC_NVME_SEED");
	unsigned long prp, sgl, rq;
	struct env e;

	assert_non_null(p);
	rng_state = s ? strtoull(s, NULL, 0) : seed;
	if (!rng_state)
		rng_state = seed;
	env_init(&e, topo, iommu);
	sim_set_iova_api(iova_api);
	for (i = 0; i < n; i++) {
		struct nvme_case k = {
			.page_shift = page_shifts[rnd(NR_PS)],
			.sgls = (unsigned int)(rnd(5) + 1) / 2,
			.threshold = thresholds[rnd(ARRAY_SIZE(thresholds))],
			.setup = (enum setup_fn)rnd(3),
			.write = rnd(2),
		};
		unsigned int nr = gen_layout(&e, 1ULL << k.page_shift, p,
					     MAX_PIECES);
		u64 len = 0;
		unsigned int j;

		for (j = 0; j < nr; j++)
			len += p[j].len;
		switch (rnd(12)) {
		case 0:
			k.mdts = len - 1 - rnd(len);	/* -E2BIG, or 0 */
			break;
		case 1:
			k.mdts = len;
			break;
		default:
			break;
		}
		if (run_case(&e, &k, p, nr))
			rejected++;
		else
			ok++;
	}
	prp = e.built[0];
	sgl = e.built[1];
	rq = e.built_rq;
	env_fini(&e);
	free(p);
	/* The mix must exercise every outcome. */
	assert_int_equal(prp + sgl, ok);
	assert_true(prp > n / 10 && sgl > n / 10);
	assert_true(rejected > n / 20);
	/* Without an IOMMU, per I/O too. */
	assert_true(iommu ? !rq : rq > n / 10);
	if (getenv("SHIM_VERBOSE"))
		fprintf(stderr, "nvme random: %u commands, %lu PRP, %lu SGL, %u rejected, %lu per I/O\n",
			n, prp, sgl, rejected, rq);
}

static void test_random_host(void **state)
{
	random_commands(TOPO_HOST, false, false, 0x9e3779b97f4a7c15ULL);
	(void)state;
}

static void test_random_host_iommu(void **state)
{
	random_commands(TOPO_HOST, true, true, 0x2545f4914f6cdd1dULL);
	dvt_resim();
	random_commands(TOPO_HOST, true, false, 0x1d8e4e27c47d124fULL);
	(void)state;
}

static void test_random_bus_addr(void **state)
{
	random_commands(TOPO_SWITCH, false, false, 0xd1b54a32d192ed03ULL);
	(void)state;
}

static void test_random_host_bridge(void **state)
{
	random_commands(TOPO_HOST_BRIDGE, true, true, 0xaef17502108ef2d9ULL);
	dvt_resim();
	random_commands(TOPO_HOST_BRIDGE, true, false, 0x94d049bb133111ebULL);
	(void)state;
}

/*
 * Layouts PRPs cannot express: setup_prps says -EINVAL, setup_data falls
 * back to SGLs where the controller has them.
 */
static void test_prp_inexpressible(void **state)
{
	static const struct piece layouts[][2] = {
		{ { 0, 0x2, 0x100 }, { 0, 0, 0 } },	/* PRP1 not dword */
		{ { 0, 0x0, 0x1800 }, { 0, 0x4000, 0x1000 } },	/* short end */
		{ { 0, 0x0, 0x1000 }, { 0, 0x4100, 0x1000 } },	/* offset */
	};
	struct env e;
	unsigned int i;

	env_init(&e, TOPO_HOST, false);
	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		unsigned int nr = layouts[i][1].len ? 2 : 1;
		struct nvme_case k = { .page_shift = 12, .write = true };

		k.setup = SETUP_PRPS;
		assert_int_equal(run_case(&e, &k, layouts[i], nr), -EINVAL);
		k.setup = SETUP_DATA;
		assert_int_equal(run_case(&e, &k, layouts[i], nr), -EINVAL);
		k.sgls = DMA_VEC_NVME_SGLS;
		assert_int_equal(run_case(&e, &k, layouts[i], nr), 0);
		k.sgls = DMA_VEC_NVME_SGLS_DWORD;
		assert_int_equal(run_case(&e, &k, layouts[i], nr),
				 i == 0 ? -EINVAL : 0);
		k.setup = SETUP_SGLS;
		k.sgls = 0;
		assert_int_equal(run_case(&e, &k, layouts[i], nr),
				 -EOPNOTSUPP);
	}
	env_fini(&e);
	(void)state;
}

/*
 * Where descriptor pages fill up: @n PRP list entries (after PRP1) or @n
 * SGL data descriptors, in both directions.
 */
static void boundary_case(struct env *e, struct piece *p, unsigned int shift,
			  bool sgl, u64 n)
{
	u64 ps = 1ULL << shift;
	unsigned int nr = 1, m, w;

	if (!sgl) {
		p[0] = (struct piece){ false, 0x100, (n + 1) * ps - 0x100 };
	} else {
		for (m = 0; m < n; m++)
			p[m] = (struct piece){ false, m * 0x2000 + 0x40,
					       0x1000 + m };
		nr = (unsigned int)n;
	}
	for (w = 0; w < 2; w++) {
		struct nvme_case k = {
			.page_shift = shift,
			.sgls = sgl ? DMA_VEC_NVME_SGLS : 0,
			.setup = sgl ? SETUP_SGLS : SETUP_PRPS,
			.write = w,
		};

		assert_int_equal(run_case(e, &k, p, nr), 0);
	}
}

/*
 * One entry below, at and above a full first descriptor page and a full
 * second one, for 4 KiB and 8 KiB controller pages.
 */
static void test_page_boundaries(void **state)
{
	struct piece *p = calloc(2100, sizeof(*p));
	struct env e;
	unsigned int s, sgl, full;
	int d;

	assert_non_null(p);
	env_init(&e, TOPO_HOST, false);
	for (s = 0; s < 2; s++) {
		for (sgl = 0; sgl < 2; sgl++) {
			u64 per = (1ULL << page_shifts[s]) / (sgl ? 16 : 8);

			for (full = 1; full <= 2; full++)
				for (d = -1; d <= 1; d++)
					boundary_case(&e, p, page_shifts[s],
						      sgl, full * per -
						      (full - 1) + d);
		}
	}
	env_fini(&e);
	free(p);
	(void)state;
}

/* MDTS: one byte over is -E2BIG from every builder, exactly is fine. */
static void test_mdts(void **state)
{
	struct piece p = { false, 0x40, 0x23000 };
	struct env e;
	unsigned int f;

	env_init(&e, TOPO_HOST, false);
	for (f = SETUP_PRPS; f <= SETUP_DATA; f++) {
		struct nvme_case k = {
			.page_shift = 12, .sgls = DMA_VEC_NVME_SGLS,
			.setup = f, .mdts = p.len - 1,
		};

		assert_int_equal(run_case(&e, &k, &p, 1), -E2BIG);
		k.mdts = p.len;
		assert_int_equal(run_case(&e, &k, &p, 1), 0);
		k.mdts = 0;
		assert_int_equal(run_case(&e, &k, &p, 1), 0);
	}
	env_fini(&e);
	(void)state;
}

/*
 * Ranges beyond 4 GiB: SGL data blocks are cut below 4 GiB on dwords and
 * a 64 KiB-page PRP list runs to 17 chained pages.  The oracle parses the
 * data pointers (reading every descriptor) without moving 8 GiB.
 */
static void test_huge_range(void **state)
{
	struct pci_host_bridge *h = add_host(0, false);
	struct pci_dev *rp = sim_add_root_port(h, PCI_DEVFN(1, 0));
	struct pci_dev *dsp[2], *ctrl, *gpu;
	struct dma_vec_provider prov;
	struct dma_vec_drange r[2];
	struct dma_vec_nvme_ctrl c = { .page_shift = 16, .pool_block = SZ_64K };
	struct nvme_oracle o = { .mps = 4 };
	struct nvme_oracle_result res;
	struct nvme_oracle_cmd cmd = { .write = true };
	struct dma_vec_nvme_data data;
	struct dma_pool *pool;
	u64 len = (8ULL << 30) + 0x10000 + 0x123;
	unsigned int s;

	sim_add_switch(rp->subordinate, 2, dsp);
	ctrl = sim_add_endpoint(dsp[0]->subordinate, 0, 0);
	gpu = sim_add_endpoint(dsp[1]->subordinate, 0, 16ULL << 30);
	assert_int_equal(dma_vec_provider_init_pci(&prov, gpu, 0, 0, 0, NULL),
			 0);
	pool = dma_pool_create("nvme", &ctrl->dev, SZ_64K, SZ_64K, 0);
	assert_non_null(pool);
	o.dev = &ctrl->dev;
	c.pool = pool;
	r[0].addr = pci_bus_address(gpu, 0) + 0x10000;
	r[0].len = len;
	cmd.len = len;

	for (s = DMA_VEC_NVME_SGLS; s <= DMA_VEC_NVME_SGLS_DWORD; s++) {
		c.sgls = s;
		o.sgls = s;
		r[0].len = s == DMA_VEC_NVME_SGLS ? len : len & ~3ULL;
		cmd.len = r[0].len;
		assert_int_equal(dma_vec_nvme_setup_sgls(&c, r, 1, &cmd.dptr,
							 &data, GFP_KERNEL), 0);
		cmd.flags = NVME_CMD_SGL_METABUF;
		assert_int_equal(nvme_oracle_exec(&o, &cmd, NULL, &res), 0);
		assert_int_equal(res.descs, 3);
		assert_int_equal(res.lists, 1);
		dma_vec_nvme_free_data(&data);
	}

	c.sgls = 0;
	r[0].len = len;
	cmd.len = len;
	cmd.flags = 0;
	assert_int_equal(dma_vec_nvme_setup_prps(&c, r, 1, &cmd.dptr, &data,
						 GFP_KERNEL), 0);
	assert_int_equal(data.nr_pages, list_pages(DIV_ROUND_UP(len, SZ_64K),
						   SZ_64K / 8));
	assert_int_equal(nvme_oracle_exec(&o, &cmd, NULL, &res), 0);
	assert_int_equal(res.lists, data.nr_pages);
	dma_vec_nvme_free_data(&data);

	dma_pool_destroy(pool);
	dma_vec_provider_destroy(&prov);
	(void)state;
}

/* Hand-made commands: the oracle must reject every invalid one. */

struct neg {
	struct env e;
	struct nvme_oracle o;
	dma_addr_t buf;			/* the arena, mapped bidirectional */
	void *pg[4];			/* descriptor pages */
	dma_addr_t pg_dma[4];
};

static void neg_init(struct neg *n)
{
	unsigned int i;

	env_init(&n->e, TOPO_HOST, false);
	n->o = (struct nvme_oracle){ .dev = n->e.dev, .sgls = 1 };
	n->buf = dma_map_page(n->e.dev, pfn_to_page(PHYS_PFN(n->e.ram_pa)), 0,
			      ARENA, DMA_BIDIRECTIONAL);
	assert_false(dma_mapping_error(n->e.dev, n->buf));
	memset(n->e.ram, 0x5a, ARENA);
	for (i = 0; i < 4; i++) {
		n->pg[i] = dma_pool_zalloc(n->e.pool[0], GFP_KERNEL,
					   &n->pg_dma[i]);
		assert_non_null(n->pg[i]);
	}
}

static void neg_fini(struct neg *n)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		dma_pool_free(n->e.pool[0], n->pg[i], n->pg_dma[i]);
	dma_unmap_page(n->e.dev, n->buf, ARENA, DMA_BIDIRECTIONAL);
	env_fini(&n->e);
}

static void sgl_set(struct nvme_sgl_desc *d, u64 addr, u32 len, u8 type)
{
	memset(d, 0, sizeof(*d));
	d->addr = cpu_to_le64(addr);
	d->length = cpu_to_le32(len);
	d->type = type << 4;
}

static void expect_reject(struct neg *n, const struct nvme_oracle_cmd *cmd,
			  const char *what)
{
	struct nvme_oracle_result res;
	u8 *media = calloc(1, cmd->len ? cmd->len : 1);
	int ret;

	assert_non_null(media);
	ret = nvme_oracle_exec(&n->o, cmd, media, &res);
	if (ret != -EINVAL || !strstr(res.err, what))
		fail_msg("oracle returned %d \"%s\", expected -EINVAL \"%s\"",
			 ret, res.err, what);
	free(media);
}

static void expect_accept(struct neg *n, const struct nvme_oracle_cmd *cmd)
{
	struct nvme_oracle_result res;
	u8 *media = calloc(1, cmd->len);
	int ret;

	assert_non_null(media);
	ret = nvme_oracle_exec(&n->o, cmd, media, &res);
	if (ret)
		fail_msg("oracle returned %d \"%s\"", ret, res.err);
	free(media);
}

static void test_oracle_rejects_prp(void **state)
{
	struct nvme_oracle_cmd cmd = { .write = true };
	struct neg n;
	__le64 *l0, *l1;
	dma_addr_t b;

	neg_init(&n);
	b = n.buf;
	l0 = n.pg[0];
	l1 = n.pg[1];

	/* PRP1 dword alignment; PRP2 unused must be zero. */
	cmd.len = 0x100;
	cmd.dptr.prp1 = cpu_to_le64(b + 2);
	expect_reject(&n, &cmd, "not dword aligned");
	cmd.dptr.prp1 = cpu_to_le64(b + 4);
	cmd.dptr.prp2 = cpu_to_le64(b + 0x1000);
	expect_reject(&n, &cmd, "unused");
	cmd.dptr.prp2 = 0;
	expect_accept(&n, &cmd);

	/* Two pages: PRP2 is the second page, at offset 0. */
	cmd.len = 0x1800;
	cmd.dptr.prp1 = cpu_to_le64(b + 0x800);
	cmd.dptr.prp2 = cpu_to_le64(b + 0x3008);
	expect_reject(&n, &cmd, "second page");
	cmd.dptr.prp2 = cpu_to_le64(b + 0x3000);
	expect_accept(&n, &cmd);

	/* A list: the pointer qword aligned, entries page aligned. */
	cmd.len = 0x3000;
	cmd.dptr.prp1 = cpu_to_le64(b);
	l0[0] = cpu_to_le64(b + 0x5000);
	l0[1] = cpu_to_le64(b + 0x7000);
	cmd.dptr.prp2 = cpu_to_le64(n.pg_dma[0] + 4);
	expect_reject(&n, &cmd, "qword");
	cmd.dptr.prp2 = cpu_to_le64(n.pg_dma[0]);
	expect_accept(&n, &cmd);
	l0[1] = cpu_to_le64(b + 0x7200);
	expect_reject(&n, &cmd, "entry 1 is");

	/*
	 * A list pointer with an offset: the list ends with its page, two
	 * slots here, so the second chains for four more pages.
	 */
	cmd.len = 0x5000;
	cmd.dptr.prp2 = cpu_to_le64(n.pg_dma[0] + 0x1000 - 16);
	l0[510] = cpu_to_le64(b + 0x2000);
	l0[511] = cpu_to_le64(n.pg_dma[1]);
	l1[0] = cpu_to_le64(b + 0x4000);
	l1[1] = cpu_to_le64(b + 0x6000);
	l1[2] = cpu_to_le64(b + 0x9000);
	expect_accept(&n, &cmd);
	/* The chain pointer must be page aligned. */
	l0[511] = cpu_to_le64(n.pg_dma[1] + 8);
	expect_reject(&n, &cmd, "chains to the next list page");
	/* A data entry where the chain belongs: its page is read as a list. */
	l0[511] = cpu_to_le64(b + 0x8000);
	expect_reject(&n, &cmd, "must have offset 0");

	/* A list pointer to memory the controller cannot reach. */
	l0[511] = cpu_to_le64(n.pg_dma[1]);
	cmd.dptr.prp2 = cpu_to_le64(b + ARENA + 0x10000);
	{
		struct nvme_oracle_result res;
		u8 *media = calloc(1, cmd.len);

		assert_non_null(media);
		dvt_expect_fault(nvme_oracle_exec(&n.o, &cmd, media, &res),
				 "not mapped");
		assert_non_null(strstr(res.err, "PRP list 1"));
		free(media);
	}
	neg_fini(&n);
	(void)state;
}

static void test_oracle_rejects_sgl(void **state)
{
	struct nvme_oracle_cmd cmd = { .flags = NVME_CMD_SGL_METABUF };
	struct nvme_sgl_desc *s0, *s1;
	struct nvme_oracle_result res;
	struct neg n;
	dma_addr_t b;
	u8 *media;
	unsigned int i;

	neg_init(&n);
	b = n.buf;
	s0 = n.pg[0];
	s1 = n.pg[1];

	/*
	 * The valid base: SGL1 -> segment [data, data, last segment] ->
	 * last segment [data, data]: 0x100 + 0x33 + 0x1000 + 0x7 bytes.
	 */
	cmd.len = 0x100 + 0x33 + 0x1000 + 0x7;
	sgl_set(&cmd.dptr.sgl, n.pg_dma[0], 48, NVME_SGL_FMT_SEG_DESC);
	sgl_set(&s0[0], b + 0x10, 0x100, NVME_SGL_FMT_DATA_DESC);
	sgl_set(&s0[1], b + 0x2001, 0x33, NVME_SGL_FMT_DATA_DESC);
	sgl_set(&s0[2], n.pg_dma[1], 32, NVME_SGL_FMT_LAST_SEG_DESC);
	sgl_set(&s1[0], b + 0x5000, 0x1000, NVME_SGL_FMT_DATA_DESC);
	sgl_set(&s1[1], b + 0x9003, 0x7, NVME_SGL_FMT_DATA_DESC);
	expect_accept(&n, &cmd);

	/* SGL support and PSDT. */
	n.o.sgls = 0;
	expect_reject(&n, &cmd, "does not support");
	n.o.sgls = 3;
	expect_reject(&n, &cmd, "does not support");
	n.o.sgls = 1;
	cmd.flags = NVME_CMD_SGL_ALL;
	expect_reject(&n, &cmd, "PSDT 11b");
	cmd.flags = NVME_CMD_SGL_METASEG;
	expect_accept(&n, &cmd);
	cmd.flags = NVME_CMD_SGL_METABUF;

	/* A segment descriptor in the middle of a segment. */
	s0[1].type = NVME_SGL_FMT_SEG_DESC << 4;
	expect_reject(&n, &cmd, "not the last of its segment");
	s0[1].type = NVME_SGL_FMT_LAST_SEG_DESC << 4;
	expect_reject(&n, &cmd, "not the last of its segment");
	sgl_set(&s0[1], b + 0x2001, 0x33, NVME_SGL_FMT_DATA_DESC);

	/* A segment descriptor inside the last segment. */
	sgl_set(&s1[2], n.pg_dma[2], 16, NVME_SGL_FMT_SEG_DESC);
	s0[2].length = cpu_to_le32(48);
	expect_reject(&n, &cmd, "in the last segment");
	s0[2].length = cpu_to_le32(32);

	/* A Segment (not last) that ends with a data block. */
	s0[2].type = NVME_SGL_FMT_SEG_DESC << 4;
	expect_reject(&n, &cmd, "ends without a Segment");
	s0[2].type = NVME_SGL_FMT_LAST_SEG_DESC << 4;

	/* Segment lengths: non-zero multiples of 16. */
	s0[2].length = cpu_to_le32(24);
	expect_reject(&n, &cmd, "multiple of 16");
	s0[2].length = cpu_to_le32(0);
	expect_reject(&n, &cmd, "multiple of 16");
	s0[2].length = cpu_to_le32(32);
	cmd.dptr.sgl.length = cpu_to_le32(40);
	expect_reject(&n, &cmd, "multiple of 16");
	cmd.dptr.sgl.length = cpu_to_le32(48);

	/* The data described must be the transfer length. */
	cmd.len += 1;
	expect_reject(&n, &cmd, "the SGL describes");
	cmd.len -= 2;
	expect_reject(&n, &cmd, "overrun");
	cmd.len += 1;
	s1[1].length = 0;
	expect_reject(&n, &cmd, "zero-length Data Block");
	s1[1].length = cpu_to_le32(0x7);

	/* Reserved bytes and sub types. */
	for (i = 0; i < 3; i++) {
		s1[0].rsvd[i] = 1;
		expect_reject(&n, &cmd, "reserved bytes");
		s1[0].rsvd[i] = 0;
	}
	cmd.dptr.sgl.rsvd[2] = 0x80;
	expect_reject(&n, &cmd, "SGL1: reserved bytes");
	cmd.dptr.sgl.rsvd[2] = 0;
	s0[0].type = NVME_SGL_FMT_OFFSET;
	expect_reject(&n, &cmd, "sub type");
	s0[0].type = NVME_KEY_SGL_FMT_DATA_DESC << 4;
	expect_reject(&n, &cmd, "type 0x4 is invalid");
	s0[0].type = 0;

	/* Dword alignment when SGLS bits 1:0 say so. */
	n.o.sgls = 2;
	expect_reject(&n, &cmd, "not dword aligned");
	n.o.sgls = 1;

	/*
	 * Bit buckets: only when supported, only when the controller writes
	 * host memory; the bytes they take are dropped.
	 */
	sgl_set(&s1[1], 0, 0x7, 1);
	expect_reject(&n, &cmd, "SGLS bit 16");
	n.o.bit_bucket = true;
	cmd.write = true;
	expect_reject(&n, &cmd, "reads host memory");
	cmd.write = false;
	s1[1].addr = cpu_to_le64(b);
	expect_reject(&n, &cmd, "non-zero (reserved) address");
	s1[1].addr = 0;
	media = malloc(cmd.len);
	assert_non_null(media);
	memset(media, 0x11, cmd.len);
	memset(media + cmd.len - 7, 0x22, 7);
	memset(n.e.ram + 0x9003, 0x5a, 7);
	assert_int_equal(nvme_oracle_exec(&n.o, &cmd, media, &res), 0);
	assert_int_equal(res.bucket_bytes, 7);
	assert_int_equal(n.e.ram[0x5000], 0x11);
	assert_int_equal(n.e.ram[0x9003], 0x5a);
	free(media);
	sgl_set(&cmd.dptr.sgl, 0, 0x10, 1);
	expect_reject(&n, &cmd, "Bit Bucket cannot be the first");

	/* A single data block in the command. */
	sgl_set(&cmd.dptr.sgl, b + 3, 0x123, NVME_SGL_FMT_DATA_DESC);
	cmd.len = 0x123;
	expect_accept(&n, &cmd);
	cmd.len = 0x124;
	expect_reject(&n, &cmd, "the SGL describes");

	/* A segment pointing at itself is not followed forever. */
	n.o.max_segments = 64;
	sgl_set(&cmd.dptr.sgl, n.pg_dma[2], 16, NVME_SGL_FMT_SEG_DESC);
	sgl_set((struct nvme_sgl_desc *)n.pg[2], n.pg_dma[2], 16,
		NVME_SGL_FMT_SEG_DESC);
	expect_reject(&n, &cmd, "more than 64 SGL segments");
	neg_fini(&n);
	(void)state;
}

/*
 * Allocation failures: every allocation of a multi-page PRP and of a
 * chained SGL fails in turn, each time -ENOMEM with the data pointer and
 * data untouched, nothing leaked and nothing left in the pool; then the
 * same with the pool page DMA mappings.
 */
static void failinj(struct env *e, const struct piece *p, unsigned int nr,
		    enum setup_fn f, unsigned int min_pages)
{
	struct nvme_case k = {
		.page_shift = 12, .sgls = DMA_VEC_NVME_SGLS, .setup = f,
		.write = true,
	};
	struct dma_vec_nvme_ctrl ctrl = case_ctrl(e, &k);
	struct nvme_oracle o = case_oracle(e, &k);
	struct nvme_oracle_cmd cmd = {
		.flags = f == SETUP_SGLS ? NVME_CMD_SGL_METABUF : 0,
		.write = true,
	};
	struct dma_vec_nvme_data data, data0;
	union nvme_data_ptr dptr0;
	struct dma_vec_table tbl;
	struct dma_vec_map map = { };
	unsigned long calls = 0, fails = 0, n, maps = 0;
	unsigned long map_live;
	unsigned int pass;
	long live;
	int ret;

	table_build(e, &tbl, p, nr);
	cmd.len = dma_vec_len(&tbl);
	assert_int_equal(dma_vec_map_table(&map, &tbl, e->dev, DMA_TO_DEVICE,
					   0, NULL, NULL, GFP_KERNEL), 0);
	map_live = sim_live_mappings(e->dev) - env_pool_pages(e);

	/* pass 0: kmalloc and friends; pass 1: DMA mappings of pool pages. */
	for (pass = 0; pass < 2; pass++) {
		for (n = 1;; n++) {
			unsigned long c0, m0;

			live = shim_live_objects();
			/* A fresh pool each time: every page is new. */
			ctrl.pool = dma_pool_create("fi", e->dev, SZ_4K, SZ_4K,
						    0);
			assert_non_null(ctrl.pool);
			c0 = shim_alloc_calls();
			m0 = sim_map_calls();
			memset(&cmd.dptr, 0xcc, sizeof(cmd.dptr));
			memset(&data, 0xa5, sizeof(data));
			dptr0 = cmd.dptr;
			data0 = data;
			if (pass)
				sim_fail_map_nth(n);
			else
				shim_fail_nth(n);
			ret = call_setup(&k, &ctrl, map.ranges, map.nr,
					 &cmd.dptr, &data);
			if (pass ? sim_fail_map_pending() : shim_fail_pending()) {
				shim_fail_nth(0);
				sim_fail_map_nth(0);
				assert_int_equal(ret, 0);
				assert_true(data.nr_pages >= min_pages);
				if (pass)
					maps = sim_map_calls() - m0;
				else
					calls = shim_alloc_calls() - c0;
				ret = nvme_oracle_exec(&o, &cmd, NULL, NULL);
				assert_int_equal(ret, 0);
				dma_vec_nvme_free_data(&data);
				dma_pool_destroy(ctrl.pool);
				break;
			}
			fails++;
			assert_int_equal(ret, -ENOMEM);
			assert_memory_equal(&cmd.dptr, &dptr0,
					    sizeof(dptr0));
			assert_memory_equal(&data, &data0, sizeof(data0));
			/* Pool pages stay in the pool, blocks do not. */
			assert_int_equal(shim_dma_pool_in_use(ctrl.pool), 0);
			dma_pool_destroy(ctrl.pool);
			assert_int_equal(shim_live_objects(), live);
			assert_int_equal(sim_live_mappings(e->dev),
					 env_pool_pages(e) + map_live);
		}
		/* Each allocation (each mapping) was failed exactly once. */
		assert_int_equal(n - 1, pass ? maps : calls);
	}
	assert_true(fails >= 2 * min_pages + 1);
	dma_vec_unmap(&map);
	dma_vec_table_release(&tbl);
	assert_int_equal(sim_live_mappings(e->dev), env_pool_pages(e));
}

static void test_failinj(void **state)
{
	/* 3 MiB contiguous: 768 PRP entries, two chained list pages. */
	struct piece prp = { false, 0x200, 3U << 20 };
	struct piece *sgl = calloc(300, sizeof(*sgl));
	struct env e;
	unsigned int i;

	assert_non_null(sgl);
	/* 300 ranges with gaps: two chained SGL segments. */
	for (i = 0; i < 300; i++)
		sgl[i] = (struct piece){ false, i * 0x2000 + 0x10, 0x1000 };
	env_init(&e, TOPO_HOST, true);
	failinj(&e, &prp, 1, SETUP_PRPS, 2);
	failinj(&e, sgl, 300, SETUP_SGLS, 2);
	env_fini(&e);
	free(sgl);
	(void)state;
}

/* The dma_pool shim: alignment, boundaries, zeroing, misuse, leaks. */
static void test_dma_pool(void **state)
{
	struct pci_host_bridge *h = add_host(0, true);
	struct pci_dev *rp = sim_add_root_port(h, PCI_DEVFN(1, 0));
	struct pci_dev *ep = sim_add_endpoint(rp->subordinate, 0, 0);
	struct dma_pool *pool;
	dma_addr_t dma[40];
	void *va[40];
	unsigned int i, j;
	u8 *z;

	assert_null(dma_pool_create("bad", &ep->dev, 64, 3, 0));
	assert_null(dma_pool_create("bad", &ep->dev, 128, 64, 64));
	assert_null(dma_pool_create("bad", &ep->dev, 0, 64, 0));

	/* 96-byte blocks, 32-byte aligned, never crossing 256 bytes. */
	pool = dma_pool_create("small", &ep->dev, 96, 32, 256);
	assert_non_null(pool);
	for (i = 0; i < 40; i++) {
		va[i] = dma_pool_alloc(pool, GFP_KERNEL, &dma[i]);
		assert_non_null(va[i]);
		assert_int_equal(dma[i] & 31, 0);
		assert_int_equal(dma[i] / 256, (dma[i] + 95) / 256);
		for (j = 0; j < i; j++)
			assert_true(va[j] != va[i] && dma[j] != dma[i]);
		/* The device reads what the CPU wrote. */
		memset(va[i], (int)i, 96);
	}
	for (i = 0; i < 40; i++) {
		u8 buf[96];

		assert_int_equal(sim_dma(&ep->dev, dma[i], buf, 96, false),
				 0);
		assert_int_equal(buf[0], i);
		assert_int_equal(buf[95], i);
	}
	/* Two blocks per 256 bytes, 32 per pool page. */
	assert_int_equal(shim_dma_pool_in_use(pool), 40);
	assert_int_equal(shim_dma_pool_pages(pool), 2);
	for (i = 0; i < 40; i += 2)
		dma_pool_free(pool, va[i], dma[i]);
	z = dma_pool_zalloc(pool, GFP_KERNEL, &dma[0]);
	assert_non_null(z);
	for (i = 0; i < 96; i++)
		assert_int_equal(z[i], 0);
	va[0] = z;
	assert_int_equal(shim_dma_pool_pages(pool), 2);

	/* A wrong DMA address or a foreign pointer: WARN, nothing freed. */
	dvt_expect_warns(2);
	shim_set_quiet_log(true);
	dma_pool_free(pool, va[1], dma[1] + 96);
	dma_pool_free(pool, (u8 *)va[1] + 1, dma[1]);
	assert_int_equal(shim_dma_pool_in_use(pool), 21);
	for (i = 0; i < 40; i++)
		if (i == 0 || (i & 1))
			dma_pool_free(pool, va[i], dma[i]);
	assert_int_equal(shim_dma_pool_in_use(pool), 0);
	dma_pool_destroy(pool);

	/* Destroying a pool with busy blocks is a leak: WARN. */
	pool = dma_pool_create("leaky", &ep->dev, SZ_4K, SZ_4K, 0);
	assert_non_null(pool);
	assert_non_null(dma_pool_alloc(pool, GFP_KERNEL, &dma[0]));
	dvt_expect_warns(1);
	dma_pool_destroy(pool);
	assert_non_null(strstr(shim_log_last(), "busy"));
	dma_pool_destroy(NULL);
	(void)state;
}

#define SIM_TEST(f)	cmocka_unit_test_setup_teardown(f, dvt_sim_setup, \
							dvt_sim_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		SIM_TEST(test_dma_pool),
		SIM_TEST(test_host_memory),
		SIM_TEST(test_bar_bus_addr),
		SIM_TEST(test_bar_host_bridge),
		SIM_TEST(test_prp_inexpressible),
		SIM_TEST(test_page_boundaries),
		SIM_TEST(test_mdts),
		SIM_TEST(test_huge_range),
		SIM_TEST(test_oracle_rejects_prp),
		SIM_TEST(test_oracle_rejects_sgl),
		SIM_TEST(test_failinj),
		SIM_TEST(test_random_host),
		SIM_TEST(test_random_host_iommu),
		SIM_TEST(test_random_bus_addr),
		SIM_TEST(test_random_host_bridge),
	};
	const char *filter = getenv("DMA_VEC_NVME_FILTER");

	if (filter)
		cmocka_set_test_filter(filter);
	return cmocka_run_group_tests_name("nvme", tests, NULL, NULL);
}
