// SPDX-License-Identifier: GPL-2.0
/*
 * The NVMe request path (dma_vec_nvme_rq_start()/_add()/_finish()/_end())
 * over peer memory reached at its bus address, single-threaded and
 * deterministic: the controller and the provider's BAR sit below one
 * switch, so after the first range of a PRP command every peer range goes
 * through the inline cases of dma_vec_io_map() and
 * dma_vec_nvme_rq_prp_fast().  Each command is executed by the controller
 * model (nvme_oracle.c), its PRP entries are checked one by one against
 * the bus addresses of its ranges, and afterwards nothing is left
 * allocated or mapped.  Bad inputs are refused with their errno, at the
 * call that maps the bad range, also through dma_vec_io_map() directly.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/align.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec_p2p.h>
#include <linux/dmapool.h>
#include <linux/math.h>
#include <linux/nvme.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <shim/nvme_oracle.h>
#include <shim/sim.h>

#include "dma_vec_nvme.h"
#include "helpers.h"

#define BAR_SIZE	SZ_16M		/* the provider's BAR 0 */
#define WIN_OFF		SZ_1M		/* the window inside it */
#define WIN_SIZE	(12U << 20)
#define RAM_SIZE	SZ_16M		/* host memory */
#define MEDIA_SIZE	SZ_8M		/* most bytes of one command */
#define PG		SZ_4K		/* controller page: CC.MPS = 0 */
#define PER_LIST	(PG / 8)	/* PRP entries per list page */
#define MAX_PIECES	2100

struct piece {
	bool host;	/* host memory; peer memory of the window otherwise */
	u64 off;	/* from the start of the window or of host memory */
	u64 len;
};

struct rig {
	struct pci_dev *nvme, *gpu;
	struct device *dev;
	struct dma_vec_provider prov;
	phys_addr_t win;		/* prov.base */
	u8 *bar;			/* what BAR 0 holds */
	void *ram_alloc;
	u8 *ram;			/* host memory, page aligned */
	u8 *ram_ref;			/* what it holds */
	phys_addr_t ram_pa;
	struct dma_pool *pool;
	struct dma_vec_nvme_ctrl ctrl;
	struct nvme_oracle o;
	u8 *media;
	u8 *want;
	u64 *prps;			/* the expected PRP entries */
	struct dma_vec_nvme_rq rq;
	struct piece p[MAX_PIECES];
};

static void fill(u8 *buf, size_t len, u64 seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		buf[i] = (u8)(seed >> 56);
	}
}

/*
 * Init the provider and classify it for the controller: the class is
 * cached with the provider until it is destroyed, so the first command
 * would otherwise leave that allocation behind.
 */
static void prov_init(struct rig *r)
{
	const char *why;

	assert_int_equal(dma_vec_provider_init_pci(&r->prov, r->gpu, 0,
						   WIN_OFF, WIN_SIZE, NULL), 0);
	assert_int_equal(dma_vec_classify(&r->prov, r->dev, GFP_KERNEL, &why),
			 DMA_VEC_MAP_BUS_ADDR);
}

static struct rig *rig_init(void)
{
	struct sim_host_bridge_desc h = {
		.vendor = PCI_VENDOR_ID_INTEL,
		.device = 0x2030,
	};
	struct rig *r = calloc(1, sizeof(*r));
	struct pci_host_bridge *hb;
	struct pci_dev *rp, *down[2];

	assert_non_null(r);
	hb = sim_add_host_bridge(&h);
	assert_non_null(hb);
	rp = sim_add_root_port(hb, PCI_DEVFN(1, 0));
	assert_non_null(rp);
	assert_non_null(sim_add_switch(rp->subordinate, 2, down));
	r->nvme = sim_add_endpoint(down[0]->subordinate, 0, 0);
	r->gpu = sim_add_endpoint(down[1]->subordinate, 0, BAR_SIZE);
	assert_non_null(r->nvme);
	assert_non_null(r->gpu);
	r->dev = &r->nvme->dev;
	assert_int_equal(sim_expected_map_type(r->gpu, r->dev, NULL),
			 SIM_P2P_BUS_ADDR);
	assert_false(sim_dev_has_iommu(r->dev));

	prov_init(r);
	r->win = r->prov.base;
	assert_int_equal(r->win, pci_resource_start(r->gpu, 0) + WIN_OFF);
	assert_int_equal(r->prov.size, WIN_SIZE);
	/* A bus address differs from the CPU one: PRPs must show which. */
	assert_int_not_equal(r->prov.bus_offset, 0);
	assert_int_equal(r->prov.bus_offset, pci_bus_address(r->gpu, 0) -
			 pci_resource_start(r->gpu, 0));

	r->bar = malloc(BAR_SIZE);
	assert_non_null(r->bar);
	fill(r->bar, BAR_SIZE, 1);
	assert_int_equal(sim_bar_write(r->gpu, 0, 0, r->bar, BAR_SIZE), 0);

	r->ram_alloc = shim_ram_alloc(RAM_SIZE + PG, &r->ram_pa);
	assert_non_null(r->ram_alloc);
	r->ram = (u8 *)r->ram_alloc + (ALIGN(r->ram_pa, PG) - r->ram_pa);
	r->ram_pa = ALIGN(r->ram_pa, PG);
	r->ram_ref = malloc(RAM_SIZE);
	assert_non_null(r->ram_ref);
	fill(r->ram_ref, RAM_SIZE, 2);
	memcpy(r->ram, r->ram_ref, RAM_SIZE);

	r->media = malloc(MEDIA_SIZE);
	r->want = malloc(MEDIA_SIZE);
	r->prps = malloc(MEDIA_SIZE / PG * 2 * sizeof(u64));
	assert_non_null(r->media);
	assert_non_null(r->want);
	assert_non_null(r->prps);
	r->ctrl = (struct dma_vec_nvme_ctrl){
		.pool_block = PG,
		.page_shift = 12,
		.sgls = DMA_VEC_NVME_SGLS,
	};
	r->o = (struct nvme_oracle){
		.dev = r->dev,
		.sgls = NVME_ORACLE_SGLS_BYTE,
	};
	return r;
}

static void rig_fini(struct rig *r)
{
	assert_int_equal(sim_live_mappings(NULL), 0);
	assert_int_equal(dma_vec_provider_destroy(&r->prov), 0);
	shim_ram_free(r->ram_alloc);
	free(r->ram_ref);
	free(r->bar);
	free(r->media);
	free(r->want);
	free(r->prps);
	free(r);
}

static phys_addr_t piece_pa(const struct rig *r, const struct piece *p)
{
	return (p->host ? r->ram_pa : r->win) + p->off;
}

/* Without an IOMMU, host memory is at its physical address too. */
static u64 piece_dma(const struct rig *r, const struct piece *p)
{
	return p->host ? r->ram_pa + p->off :
	       r->win + p->off + r->prov.bus_offset;
}

static u8 *piece_mem(const struct rig *r, const struct piece *p)
{
	return p->host ? r->ram_ref + p->off : r->bar + WIN_OFF + p->off;
}

static u64 pieces_len(const struct piece *p, unsigned int nr)
{
	u64 len = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		len += p[i].len;
	return len;
}

static int add(struct rig *r, struct piece p)
{
	return dma_vec_nvme_rq_add(&r->rq, piece_pa(r, &p), p.len,
				   p.host ? NULL : &r->prov);
}

/*
 * Add the pieces as a dma_vec table, with dma_vec_nvme_rq_add_table() (the
 * pageless path of nvme-pci) instead of range by range.
 */
static bool use_table;

static int add_table(struct rig *r, const struct piece *p, unsigned int nr)
{
	struct dma_vec_table t;
	unsigned int i;
	int ret;

	dma_vec_table_init(&t);
	for (i = 0; i < nr; i++)
		assert_int_equal(dma_vec_append(&t, piece_pa(r, &p[i]),
						p[i].len,
						p[i].host ? NULL : &r->prov,
						GFP_KERNEL), 0);
	ret = dma_vec_nvme_rq_add_table(&r->rq, &t);
	/* What is pending was copied: the table may go at once. */
	dma_vec_table_release(&t);
	return ret;
}

/*
 * Add the pieces as nvme-pci's bvec path does: the host memory vouched for
 * as struct pages (dma_vec_nvme_rq_host_pages()), each run of one owner
 * with one dma_vec_nvme_rq_add_ranges() call.  No pfn_valid() is called.
 */
static bool use_pages;
/* With use_pages: when not 0, calls of at most this many ranges. */
static unsigned int pages_split;

/* The pieces of @p from @i that belong to its owner, as ranges. */
static unsigned int owner_run(const struct rig *r, const struct piece *p,
			      unsigned int i, unsigned int nr,
			      struct dma_vec_prange *out)
{
	unsigned int n;

	for (n = 0; i + n < nr && p[i + n].host == p[i].host; n++) {
		out[n].paddr = piece_pa(r, &p[i + n]);
		out[n].len = p[i + n].len;
	}
	return n;
}

static int add_pages(struct rig *r, const struct piece *p, unsigned int nr,
		     unsigned int *at)
{
	static struct dma_vec_prange run[MAX_PIECES];
	unsigned int i, n;
	int ret = 0;

	dma_vec_nvme_rq_host_pages(&r->rq);
	for (i = 0; !ret && i < nr; i += n) {
		n = owner_run(r, p, i, nr, run);
		if (pages_split && n > pages_split)
			n = pages_split;
		ret = dma_vec_nvme_rq_add_ranges(&r->rq, run, n,
						 p[i].host ? NULL : &r->prov);
		*at = i;
	}
	if (!ret)
		*at = nr;
	return ret;
}

/*
 * Build a PRP command of @len bytes from @p; *@at is the index of the
 * call that failed (@nr for dma_vec_nvme_rq_finish(); 0 for
 * dma_vec_nvme_rq_add_table() with use_table; the first piece of the run
 * with use_pages).  The descriptor pool is the caller's: r->ctrl.pool.
 */
static int build(struct rig *r, const struct piece *p, unsigned int nr,
		 enum dma_data_direction dir, u64 len, union nvme_data_ptr *dptr,
		 unsigned int *at)
{
	unsigned long before = shim_pfn_valid_calls();
	bool host = false;
	unsigned int i;
	int ret;

	assert_int_equal(dma_vec_nvme_rq_start(&r->rq, &r->ctrl, r->dev, dir,
					       0, false, len, GFP_KERNEL), 0);
	if (use_table) {
		ret = add_table(r, p, nr);
		*at = ret ? 0 : nr;
		if (!ret)
			ret = dma_vec_nvme_rq_finish(&r->rq, dptr);
		/* A table's host memory is always checked to be RAM. */
		for (i = 0; !ret && i < nr; i++)
			host |= p[i].host;
		if (host)
			assert_true(shim_pfn_valid_calls() > before);
		return ret;
	}
	if (use_pages) {
		ret = add_pages(r, p, nr, at);
		if (!ret)
			ret = dma_vec_nvme_rq_finish(&r->rq, dptr);
		assert_int_equal(shim_pfn_valid_calls(), before);
		return ret;
	}
	for (i = 0; i < nr; i++) {
		ret = add(r, p[i]);
		if (ret) {
			*at = i;
			return ret;
		}
		host |= p[i].host;
	}
	*at = nr;
	ret = dma_vec_nvme_rq_finish(&r->rq, dptr);
	/* Not vouched for: host memory is checked to be RAM. */
	if (!ret && host)
		assert_true(shim_pfn_valid_calls() > before);
	return ret;
}

/* The PRP entries the NVMe specification gives for @p. */
static unsigned int expected_prps(const struct rig *r, const struct piece *p,
				  unsigned int nr)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++) {
		u64 a = piece_dma(r, &p[i]), end = a + p[i].len;

		if (!i)
			r->prps[n++] = a;
		for (a = ALIGN(a + !i, PG); a < end; a += PG)
			r->prps[n++] = a;
	}
	return n;
}

/* The data pointer and list pages hold exactly the expected entries. */
static void check_prps(const struct rig *r, const union nvme_data_ptr *dptr,
		       unsigned int n)
{
	const struct dma_vec_nvme_data *data = &r->rq.data;
	unsigned int k = 1, pg = 0, slot = 0;
	const __le64 *list;

	assert_int_equal(le64_to_cpu(dptr->prp1), r->prps[0]);
	if (n <= 2) {
		if (n == 2)
			assert_int_equal(le64_to_cpu(dptr->prp2), r->prps[1]);
		assert_int_equal(data->nr_pages, 0);
		return;
	}
	assert_true(data->nr_pages > 0);
	assert_int_equal(le64_to_cpu(dptr->prp2), data->pages[0].dma);
	list = data->pages[0].va;
	while (k < n) {
		if (slot == PER_LIST - 1 && n - k > 1) {
			/* The last slot chains to the next list page. */
			assert_true(pg + 1 < data->nr_pages);
			assert_int_equal(le64_to_cpu(list[slot]),
					 data->pages[pg + 1].dma);
			list = data->pages[++pg].va;
			slot = 0;
			continue;
		}
		if (le64_to_cpu(list[slot]) != r->prps[k])
			fail_msg("PRP entry %u (list page %u slot %u): %#llx, expected %#llx",
				 k, pg, slot,
				 (unsigned long long)le64_to_cpu(list[slot]),
				 (unsigned long long)r->prps[k]);
		slot++;
		k++;
	}
	assert_int_equal(pg + 1, data->nr_pages);
}

/* Nothing allocated and nothing mapped beyond what the test started with. */
static void check_clean(struct rig *r, long live)
{
	assert_int_equal(shim_dma_pool_in_use(r->ctrl.pool), 0);
	dma_pool_destroy(r->ctrl.pool);
	r->ctrl.pool = NULL;
	assert_int_equal(sim_live_mappings(r->dev), 0);
	assert_int_equal(shim_live_objects(), live);
}

static void new_pool(struct rig *r)
{
	r->ctrl.pool = dma_pool_create("prp list", r->dev, PG, PG, 0);
	assert_non_null(r->ctrl.pool);
}

/* Write: the controller reads exactly the bytes of the ranges. */
static void run_write(struct rig *r, const struct piece *p, unsigned int nr)
{
	u64 len = pieces_len(p, nr), off = 0;
	struct nvme_oracle_result res;
	struct nvme_oracle_cmd cmd = { .write = true, .len = len };
	long live = shim_live_objects();
	unsigned int i, n, at;

	assert_true(len <= MEDIA_SIZE);
	new_pool(r);
	assert_int_equal(build(r, p, nr, DMA_TO_DEVICE, len, &cmd.dptr, &at),
			 0);
	assert_false(r->rq.data.sgl);
	n = expected_prps(r, p, nr);
	check_prps(r, &cmd.dptr, n);
	for (i = 0; i < nr; off += p[i++].len)
		memcpy(r->want + off, piece_mem(r, &p[i]), p[i].len);
	memset(r->media, 0x5a, len);
	if (nvme_oracle_exec(&r->o, &cmd, r->media, &res))
		fail_msg("oracle: %s", res.err);
	assert_false(res.sgl);
	assert_int_equal(res.extents, n);
	assert_int_equal(res.lists, r->rq.data.nr_pages);
	assert_memory_equal(r->media, r->want, len);
	dma_vec_nvme_rq_end(&r->rq);
	check_clean(r, live);
}

/*
 * Read: the controller writes exactly the bytes of the ranges, in the
 * window and in host memory, and nothing around them.
 */
static void run_read(struct rig *r, const struct piece *p, unsigned int nr,
		     u64 seed)
{
	u64 len = pieces_len(p, nr), off = 0;
	struct nvme_oracle_result res;
	struct nvme_oracle_cmd cmd = { .write = false, .len = len };
	long live = shim_live_objects();
	unsigned int i, n, at;
	u8 *bar;

	new_pool(r);
	assert_int_equal(build(r, p, nr, DMA_FROM_DEVICE, len, &cmd.dptr,
			       &at), 0);
	n = expected_prps(r, p, nr);
	check_prps(r, &cmd.dptr, n);
	fill(r->media, len, seed);
	if (nvme_oracle_exec(&r->o, &cmd, r->media, &res))
		fail_msg("oracle: %s", res.err);
	assert_int_equal(res.extents, n);
	dma_vec_nvme_rq_end(&r->rq);
	check_clean(r, live);

	for (i = 0; i < nr; off += p[i++].len)
		memcpy(piece_mem(r, &p[i]), r->media + off, p[i].len);
	bar = malloc(BAR_SIZE);
	assert_non_null(bar);
	assert_int_equal(sim_bar_read(r->gpu, 0, 0, bar, BAR_SIZE), 0);
	assert_memory_equal(bar, r->bar, BAR_SIZE);
	free(bar);
	assert_memory_equal(r->ram, r->ram_ref, RAM_SIZE);
}

static void run_ok(struct rig *r, const struct piece *p, unsigned int nr)
{
	run_write(r, p, nr);
	run_read(r, p, nr, nr * 7 + 3);
	/* What was read is what a write moves again. */
	run_write(r, p, nr);
	/* The same pieces as a table, through dma_vec_nvme_rq_add_table(). */
	use_table = true;
	run_write(r, p, nr);
	run_read(r, p, nr, nr * 11 + 5);
	run_write(r, p, nr);
	use_table = false;
	/*
	 * As nvme-pci's bvec path in the kernel: host pages vouched for, runs
	 * of one owner per call, on a device whose unmaps do nothing.
	 */
	use_pages = true;
	sim_dev_set_skip_sync(r->dev, true);
	run_write(r, p, nr);
	run_read(r, p, nr, nr * 13 + 7);
	sim_dev_set_skip_sync(r->dev, false);
	use_pages = false;
}

/*
 * A command that must fail with @want at call @want_at; afterwards the
 * data pointer is untouched and nothing is allocated or mapped.
 */
static void run_err(struct rig *r, const struct piece *p, unsigned int nr,
		    u64 len, int want, unsigned int want_at)
{
	union nvme_data_ptr dptr, dptr0;
	long live = shim_live_objects();
	unsigned int at = ~0U;
	int ret;

	new_pool(r);
	memset(&dptr, 0xcc, sizeof(dptr));
	dptr0 = dptr;
	ret = build(r, p, nr, DMA_TO_DEVICE, len, &dptr, &at);
	if (ret != want || at != want_at)
		fail_msg("%d at call %u, expected %d at call %u", ret, at, want,
			 want_at);
	/* Never more PRP entries than the command takes. */
	if (!r->rq.sgl && r->rq.nents > r->rq.total)
		fail_msg("%u PRP entries of %u", r->rq.nents, r->rq.total);
	assert_memory_equal(&dptr, &dptr0, sizeof(dptr));
	dma_vec_nvme_rq_end(&r->rq);
	check_clean(r, live);
}

/* Whether dma_vec_append() takes every piece: a table can hold them. */
static bool table_holds(struct rig *r, const struct piece *p, unsigned int nr)
{
	struct dma_vec_table t;
	unsigned int i;
	int ret = 0;

	dma_vec_table_init(&t);
	for (i = 0; !ret && i < nr; i++)
		ret = dma_vec_append(&t, piece_pa(r, &p[i]), p[i].len,
				     p[i].host ? NULL : &r->prov, GFP_KERNEL);
	dma_vec_table_release(&t);
	return !ret;
}

/*
 * run_err() range by range, then as nvme-pci's bvec path adds the same
 * pieces (one dma_vec_nvme_rq_add_ranges() call per run of an owner,
 * which takes the one-loop paths): the same error, reported by the call
 * that holds piece @want_at (or by the finish, when that is @nr).  When
 * a table can hold the pieces (the error is the command's, not a
 * range's), the same error from dma_vec_nvme_rq_add_table(), whose peer
 * loop does not check the ranges again: from the call itself, or from
 * the finish when the last piece is the one refused.
 */
static void run_err_paths(struct rig *r, const struct piece *p,
			  unsigned int nr, u64 len, int want,
			  unsigned int want_at)
{
	unsigned int at = want_at;

	run_err(r, p, nr, len, want, want_at);
	/* The first piece of the run of one owner that holds @want_at. */
	while (at < nr && at && p[at - 1].host == p[want_at].host)
		at--;
	use_pages = true;
	sim_dev_set_skip_sync(r->dev, true);
	run_err(r, p, nr, len, want, at);
	sim_dev_set_skip_sync(r->dev, false);
	use_pages = false;
	if (table_holds(r, p, nr)) {
		use_table = true;
		run_err(r, p, nr, len, want, want_at < nr ? 0 : nr);
		use_table = false;
	}
}

/* Peer page @i of a layout where no two pages are adjacent. */
static struct piece peer_page(unsigned int i, u64 len)
{
	return (struct piece){ false, (u64)i * 2 * PG + PG, len };
}

static struct piece host_page(unsigned int i, u64 len)
{
	return (struct piece){ true, (u64)i * 2 * PG + PG, len };
}

/* 1. N separate peer pages, with and without a final half page. */
static void test_peer_pages(void **state)
{
	static const unsigned int ns[] = {
		1, 2, 3, 4, 32, 33, 511, 512, 513, 514, 1024, 1025, 1030,
	};
	struct rig *r = rig_init();
	unsigned int k, i, half;

	for (k = 0; k < ARRAY_SIZE(ns); k++) {
		for (half = 0; half < 2; half++) {
			unsigned int nr = ns[k] + half;

			for (i = 0; i < ns[k]; i++)
				r->p[i] = peer_page(i, PG);
			if (half)
				r->p[i] = peer_page(i, PG / 2);
			run_ok(r, r->p, nr);
		}
	}
	rig_fini(r);
	(void)state;
}

/* The first range may start anywhere on a dword: PRP1 carries the offset. */
static void test_peer_first_offset(void **state)
{
	static const u64 offs[] = { 4, 0x200, PG - 4 };
	struct rig *r = rig_init();
	unsigned int k, i;

	for (k = 0; k < ARRAY_SIZE(offs); k++) {
		for (i = 0; i < 515; i++)
			r->p[i] = peer_page(i, PG);
		r->p[0].off += offs[k];
		r->p[0].len -= offs[k];
		r->p[i - 1].len = 100;
		run_ok(r, r->p, i);
	}
	rig_fini(r);
	(void)state;
}

/*
 * Host pages interleaved with peer pages, every few ranges a host one,
 * over three list pages: host ranges take the recorded path, peer ones
 * the inline one.
 */
static void test_mixed_interleaved(void **state)
{
	static const unsigned int every[] = { 2, 3, 7 };
	struct rig *r = rig_init();
	unsigned int k, i;

	for (k = 0; k < ARRAY_SIZE(every); k++) {
		for (i = 0; i < 1100; i++)
			r->p[i] = i % every[k] == 1 ? host_page(i, PG) :
				  peer_page(i, PG);
		run_ok(r, r->p, i);
		/* A host first range, then peer ones. */
		r->p[0] = host_page(0, PG);
		r->p[i - 1].len = PG / 2;
		run_ok(r, r->p, i);
	}
	rig_fini(r);
	(void)state;
}

/*
 * Runs of host pages of every length from 1 to 40 between peer runs, a
 * command of host pages alone, and host ranges of three pages cut at a
 * two-page mapping size: through a table, each run of host memory goes
 * into the PRP list in the one-loop path of dma_vec_nvme_rq_add_ranges(),
 * mapping page by page, across list pages.
 */
static void test_host_runs(void **state)
{
	struct rig *r = rig_init();
	unsigned int i, k, run;

	for (i = 0, run = 1; i < 1100; run = run % 40 + 1) {
		for (k = 0; k < run && i < 1100; k++, i++)
			r->p[i] = host_page(i, PG);
		for (k = 0; k < 3 && i < 1100; k++, i++)
			r->p[i] = peer_page(i, PG);
	}
	run_ok(r, r->p, i);
	for (i = 0; i < 1030; i++)
		r->p[i] = host_page(i, PG);
	r->p[i - 1].len = PG / 2;
	run_ok(r, r->p, i);

	/*
	 * The device maps at most two pages at a time (a longer mapping is a
	 * DMA API error): runs of 7 host ranges go range by range, runs of
	 * 20 through the one-loop path, which must leave each range to the
	 * path that cuts it.
	 */
	r->ctrl.max_map = 2 * PG;
	sim_dev_set_max_mapping(r->dev, 2 * PG);
	for (i = 0; i < 400; i++)
		r->p[i] = (struct piece){ i % 8 != 7, (u64)i * 4 * PG + PG,
					  3 * PG };
	run_ok(r, r->p, i);
	for (i = 0; i < 420; i++)
		r->p[i] = (struct piece){ i % 21 != 20, (u64)i * 4 * PG + PG,
					  3 * PG };
	run_ok(r, r->p, i);
	sim_dev_set_max_mapping(r->dev, 0);
	r->ctrl.max_map = 0;
	rig_fini(r);
	(void)state;
}

/*
 * Bad ranges deep in a run of host pages: a boundary inside a page, more
 * bytes than announced, a mapping the DMA layer refuses, and (not in a
 * table) an empty range and one that wraps; refused at the
 * call that maps them, range by range or through a table, and nothing is
 * left allocated or mapped.
 */
static void test_host_run_errors(void **state)
{
	struct rig *r = rig_init();
	struct piece *p = r->p;
	unsigned int i, mode, one;

	for (i = 0; i < 600; i++)
		p[i] = host_page(i, PG);
	/* Range by range, as a table, as vouched-for pages in one run. */
	for (mode = 0; mode < 3; mode++) {
		use_table = mode == 1;
		use_pages = mode == 2;
		one = mode == 0;
		/* Found as piece 301 is written after it. */
		p[300].len = PG / 2;
		run_err(r, p, 600, pieces_len(p, 600), -EINVAL,
			one ? 302 : 0);
		p[300].len = PG;
		run_err(r, p, 600, 450 * PG, -EINVAL, one ? 451 : 0);
		/*
		 * The 400th mapping operation: piece 397's, made as piece 398
		 * comes (the pool maps its descriptor pages too).
		 */
		sim_fail_map_nth(400);
		run_err(r, p, 600, pieces_len(p, 600), -EIO, one ? 398 : 0);
		assert_false(sim_fail_map_pending());
		if (use_table)
			continue;	/* a table holds neither */
		/* An empty range, and one that wraps, in the middle. */
		p[300].len = 0;
		run_err(r, p, 600, pieces_len(p, 600), -EINVAL, one ? 300 : 0);
		p[300].len = PG;
		p[300].off = ~0ULL - r->ram_pa - PG / 2;
		run_err(r, p, 600, pieces_len(p, 600), -EOVERFLOW,
			one ? 300 : 0);
		p[300] = host_page(300, PG);
	}
	use_table = false;
	use_pages = false;
	rig_fini(r);
	(void)state;
}

/*
 * Small commands of host memory alone, as nvme-pci's bvec path gives them
 * (vouched pages, one dma_vec_nvme_rq_add_ranges() call per run): 2 to 4
 * pages (PRP2, then a list), around a small list block (33 and 34 pages)
 * and past one list page (514), with a first offset and a short last page;
 * runs cut into calls of 2 and 3 ranges, one page in two ranges cut
 * between two calls (they merge, as range by range); and the errors of
 * the first ranges, nothing left allocated or mapped.
 */
static void test_host_small(void **state)
{
	static const unsigned int ns[] = {
		2, 3, 4, 33, 34, 514,
	};
	static const unsigned int splits[] = { 0, 2, 3 };
	struct rig *r = rig_init();
	struct piece *p = r->p;
	long live = shim_live_objects();
	union nvme_data_ptr dptr, dptr0;
	unsigned int k, i, s, n, at;

	for (s = 0; s < ARRAY_SIZE(splits); s++) {
		pages_split = splits[s];
		/* Cut into calls: the small counts. */
		for (k = 0; k < (s ? 3 : ARRAY_SIZE(ns)); k++) {
			for (i = 0; i < ns[k]; i++)
				p[i] = host_page(i, PG);
			run_ok(r, p, i);
			p[0].off += 0x204;
			p[0].len -= 0x204;
			p[i - 1].len = 100;
			run_ok(r, p, i);
		}
		p[0] = host_page(0, PG);
		p[1] = (struct piece){ true, 3 * PG, PG / 2 + 8 };
		p[2] = (struct piece){ true, 3 * PG + PG / 2 + 8, PG / 2 - 8 };
		p[3] = host_page(2, PG);
		run_ok(r, p, 4);
	}
	pages_split = 0;

	use_pages = true;
	for (i = 0; i < 6; i++)
		p[i] = host_page(i, PG);
	/* A first address not on a dword. */
	p[0].off += 2;
	p[0].len -= 2;
	run_err(r, p, 6, pieces_len(p, 6), -EINVAL, 0);
	p[0] = host_page(0, PG);
	/* A boundary inside a page. */
	p[2].len = PG / 2;
	run_err(r, p, 6, pieces_len(p, 6), -EINVAL, 0);
	p[2].len = PG;
	/* More bytes than announced, and fewer. */
	run_err(r, p, 6, 4 * PG, -EINVAL, 0);
	run_err(r, p, 6, 8 * PG, -EINVAL, 6);
	/*
	 * Each mapping refused in turn, in the order they are made: page 0
	 * (when page 1 comes), the list page (the pool maps its pages, so
	 * -ENOMEM), pages 1 to 4, page 5 at the finish.
	 */
	for (n = 1; n <= 7; n++) {
		sim_fail_map_nth(n);
		run_err(r, p, 6, 6 * PG, n == 2 ? -ENOMEM : -EIO,
			n == 7 ? 6 : 0);
		assert_false(sim_fail_map_pending());
	}
	/* The list page cannot be allocated; the data pointer is untouched. */
	new_pool(r);
	memset(&dptr, 0xcc, sizeof(dptr));
	dptr0 = dptr;
	shim_fail_nth(1);
	assert_int_equal(build(r, p, 6, DMA_TO_DEVICE, 6 * PG, &dptr, &at),
			 -ENOMEM);
	assert_false(shim_fail_pending());
	assert_int_equal(at, 0);
	assert_memory_equal(&dptr, &dptr0, sizeof(dptr));
	dma_vec_nvme_rq_end(&r->rq);
	check_clean(r, live);
	use_pages = false;
	rig_fini(r);
	(void)state;
}

/* Layouts built piece by piece, with a gap of a page after each. */
struct layout {
	struct piece *p;
	unsigned int nr;
	u64 peer, host;		/* next free offsets */
	unsigned int ents;	/* PRP entries so far */
};

static void put(struct layout *l, bool host, u64 len)
{
	u64 *off = host ? &l->host : &l->peer;

	l->p[l->nr++] = (struct piece){ host, *off, len };
	*off += ALIGN(len, PG) + PG;
	l->ents += DIV_ROUND_UP(len, PG);
}

/* Three contiguous peer pages: one range, or three that merge. */
static void put3(struct layout *l, bool merged)
{
	if (!merged) {
		put(l, false, 3 * PG);
		return;
	}
	l->p[l->nr++] = (struct piece){ false, l->peer, PG };
	l->p[l->nr++] = (struct piece){ false, l->peer + PG, PG };
	l->p[l->nr++] = (struct piece){ false, l->peer + 2 * PG, PG };
	l->peer += 4 * PG;
	l->ents += 3;
}

/*
 * Peer ranges of three pages, added whole or page by page (merged), put
 * across the end of the first and of the second list page at each of
 * their offsets, with host pages among the single pages.
 */
static void test_peer_long_ranges(void **state)
{
	struct rig *r = rig_init();
	unsigned int skew, merged;

	for (merged = 0; merged < 2; merged++) {
		for (skew = 0; skew < 6; skew++) {
			struct layout l = { .p = r->p, .peer = PG, .host = PG };

			while (l.ents < 505 + skew)
				put(&l, l.nr % 5 == 4, PG);
			/* PRP entry 511 is the last of the first list page. */
			while (l.ents < 530)
				put3(&l, merged);
			while (l.ents < 1010 + skew)
				put(&l, l.nr % 5 == 4, PG);
			/* ... and entry 1022 of the second. */
			while (l.ents < 1040)
				put3(&l, merged);
			put(&l, true, PG / 4);
			run_ok(r, r->p, l.nr);
		}
	}
	rig_fini(r);
	(void)state;
}

/* 2. Bad ranges in a command: refused where they are mapped, no leak. */
static void test_rq_window(void **state)
{
	struct rig *r = rig_init();
	struct piece *p = r->p;
	unsigned int i, nr, pos, k;
	u64 off;

	/*
	 * With host pages among them (records to undo after the error), and
	 * peer pages only (one long run of the provider).
	 */
	for (k = 0; k < 4; k++) {
		pos = k & 1 ? 599 : 1;
		for (i = 0; i < pos; i++)
			p[i] = k < 2 && i % 3 == 2 ? host_page(i, PG) :
			       peer_page(i, PG);
		/* Crosses the end of the window by a page. */
		p[pos] = (struct piece){ false, WIN_SIZE - PG, 2 * PG };
		p[pos + 1] = peer_page(pos + 1, PG);
		nr = pos + 2;
		run_err_paths(r, p, nr, pieces_len(p, nr), -ERANGE, pos + 1);
		/* ... as the last range: at finish. */
		run_err_paths(r, p, pos + 1, pieces_len(p, pos + 1), -ERANGE,
			      pos + 1);
		/* By one byte. */
		p[pos].len = PG + 1;
		run_err_paths(r, p, pos + 1, pieces_len(p, pos + 1), -ERANGE,
			      pos + 1);
		/* Exactly to the end: fine. */
		p[pos].len = PG;
		run_ok(r, p, pos + 1);
		/* Starts below the window. */
		p[pos] = (struct piece){ false, -(u64)PG, 2 * PG };
		run_err_paths(r, p, nr, pieces_len(p, nr), -ERANGE, pos + 1);
		/* Wholly outside the window, inside the BAR. */
		p[pos] = (struct piece){ false, WIN_SIZE, PG };
		run_err_paths(r, p, nr, pieces_len(p, nr), -ERANGE, pos + 1);
	}
	/* Below the window as the first range. */
	p[0] = (struct piece){ false, -(u64)PG, 2 * PG };
	p[1] = peer_page(1, PG);
	p[2] = peer_page(2, PG);
	run_err_paths(r, p, 3, pieces_len(p, 3), -ERANGE, 1);
	/*
	 * Past its end as the first range (a peer run sets up the list at
	 * it), by a page and by a byte.
	 */
	p[0] = (struct piece){ false, WIN_SIZE - PG, 2 * PG };
	run_err_paths(r, p, 3, pieces_len(p, 3), -ERANGE, 1);
	p[0].len = PG + 1;
	run_err_paths(r, p, 3, pieces_len(p, 3), -ERANGE, 1);

	/*
	 * Bus addresses that reach 2^64: the window's last page, then a page
	 * half way once the bus window wraps inside it.  Either overflows.
	 */
	off = r->prov.bus_offset;
	for (k = 0; k < 2; k++) {
		u64 top = k ? WIN_SIZE / 2 : WIN_SIZE;

		r->prov.bus_offset = -(r->win + top);
		for (i = 0; i < 40; i++)
			p[i] = peer_page(i, PG);
		p[20] = (struct piece){ false, top - PG, PG };
		run_err_paths(r, p, 40, pieces_len(p, 40), -EOVERFLOW, 21);
		/* ... as the last range: at finish. */
		run_err_paths(r, p, 21, pieces_len(p, 21), -EOVERFLOW, 21);
	}
	/*
	 * Bus addresses ending inside the last controller page below 2^64:
	 * with a bus offset a byte short of a page, pieces a byte into a page
	 * are on bus pages, and the window's last piece ends a byte below
	 * 2^64.  It is written (no entry may step past 2^64), and the next
	 * piece cannot follow its end.
	 */
	r->prov.bus_offset = -(r->win + WIN_SIZE) - 1;
	for (i = 0; i < 40; i++) {
		p[i] = peer_page(i, PG);
		p[i].off++;
	}
	p[20] = (struct piece){ false, WIN_SIZE - PG + 1, PG - 1 };
	run_err_paths(r, p, 40, pieces_len(p, 40), -EINVAL, 22);
	r->prov.bus_offset = off;
	rig_fini(r);
	(void)state;
}

/*
 * Revocation after some pages were added: the next range mapped fails
 * with -ENODEV, whenever that is, and nothing is left behind.
 */
static void test_rq_revoked(void **state)
{
	struct rig *r = rig_init();
	union nvme_data_ptr dptr;
	unsigned int i, k;
	long live;

	for (k = 0; k < 3; k++) {
		live = shim_live_objects();
		new_pool(r);
		assert_int_equal(dma_vec_nvme_rq_start(&r->rq, &r->ctrl,
						       r->dev, DMA_TO_DEVICE,
						       0, false, 700 * PG,
						       GFP_KERNEL), 0);
		for (i = 0; i < 600; i++)
			assert_int_equal(add(r, i % 4 == 2 ? host_page(i, PG) :
					     peer_page(i, PG)), 0);
		/* Range 599 (peer) is pending, not mapped yet. */
		dma_vec_provider_revoke(&r->prov);
		if (k == 0) {
			/* Mapped when the next one comes. */
			assert_int_equal(add(r, host_page(600, PG)), -ENODEV);
		} else if (k == 1) {
			/* Mapped at finish. */
			memset(&dptr, 0xcc, sizeof(dptr));
			assert_int_equal(dma_vec_nvme_rq_finish(&r->rq, &dptr),
					 -ENODEV);
			for (i = 0; i < sizeof(dptr); i++)
				assert_int_equal(((u8 *)&dptr)[i], 0xcc);
		} else {
			/* A contiguous peer page merges: still pending. */
			struct piece p = peer_page(599, PG);

			p.off += PG;
			assert_int_equal(add(r, p), 0);
			assert_int_equal(add(r, host_page(601, PG)), -ENODEV);
		}
		dma_vec_nvme_rq_end(&r->rq);
		check_clean(r, live);
		assert_int_equal(dma_vec_provider_destroy(&r->prov), 0);
		prov_init(r);
	}

	/* Revoked with a host range pending: that one maps, the next not. */
	live = shim_live_objects();
	new_pool(r);
	assert_int_equal(dma_vec_nvme_rq_start(&r->rq, &r->ctrl, r->dev,
					       DMA_TO_DEVICE, 0, false,
					       10 * PG, GFP_KERNEL), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(add(r, i == 4 ? host_page(i, PG) :
				     peer_page(i, PG)), 0);
	dma_vec_provider_revoke(&r->prov);
	assert_int_equal(add(r, peer_page(5, PG)), 0);
	assert_int_equal(add(r, peer_page(6, PG)), -ENODEV);
	dma_vec_nvme_rq_end(&r->rq);
	check_clean(r, live);
	rig_fini(r);
	(void)state;
}

/* Boundaries PRPs cannot express, and lengths that do not add up. */
static void test_rq_layout(void **state)
{
	struct rig *r = rig_init();
	struct piece *p = r->p;
	unsigned int i, pos, k;
	long live;
	u64 len;

	/* With host pages among them, and peer pages only. */
	for (k = 0; k < 4; k++) {
		pos = k & 1 ? 599 : 1;
		for (i = 0; i < pos + 3; i++)
			p[i] = k < 2 && i % 3 == 2 ? host_page(i, PG) :
			       peer_page(i, PG);
		/* A peer range ending inside a page, then another range. */
		p[pos] = peer_page(pos, PG / 2);
		p[pos + 1] = peer_page(pos + 1, PG);
		run_err_paths(r, p, pos + 3, pieces_len(p, pos + 3), -EINVAL,
			      pos + 2);
		run_err_paths(r, p, pos + 2, pieces_len(p, pos + 2), -EINVAL,
			      pos + 2);
		/* A peer range starting inside a page after the first. */
		p[pos] = peer_page(pos, PG);
		p[pos + 1].off += 0x200;
		p[pos + 1].len -= 0x200;
		run_err_paths(r, p, pos + 3, pieces_len(p, pos + 3), -EINVAL,
			      pos + 2);
		p[pos + 1] = peer_page(pos + 1, PG);

		/* More bytes than announced: a page, or a byte, too many. */
		len = pieces_len(p, pos + 3);
		run_err_paths(r, p, pos + 3, len - PG, -EINVAL, pos + 3);
		run_err_paths(r, p, pos + 3, len - 1, -EINVAL, pos + 3);
		/* ... in the middle of the command. */
		run_err_paths(r, p, pos + 3, pieces_len(p, pos) + PG / 2,
			      -EINVAL, pos + 1);
		/* ... in a range merged from contiguous pages. */
		p[pos + 2] = (struct piece){ false, p[pos + 1].off + PG, PG };
		run_err_paths(r, p, pos + 3, len - PG, -EINVAL, pos + 3);
		/* Fewer bytes than announced. */
		run_err_paths(r, p, pos + 3, len + PG, -EINVAL, pos + 3);
		run_ok(r, p, pos + 3);
	}

	/*
	 * More than announced in a run that starts the command (its loop
	 * sets up the list): refused at the range that does not fit, before
	 * the list takes it.
	 */
	for (i = 0; i < 5; i++)
		p[i] = peer_page(i, PG);
	run_err_paths(r, p, 5, 3 * PG + PG / 2, -EINVAL, 4);

	/* The first range half a page, then two more: the fast path. */
	p[0] = peer_page(0, PG / 2);
	p[1] = peer_page(1, PG);
	p[2] = peer_page(2, PG);
	run_err_paths(r, p, 3, pieces_len(p, 3), -EINVAL, 2);

	/* rq_add() itself: an empty range, a range that wraps. */
	live = shim_live_objects();
	new_pool(r);
	assert_int_equal(dma_vec_nvme_rq_start(&r->rq, &r->ctrl, r->dev,
					       DMA_TO_DEVICE, 0, false,
					       4 * PG, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_nvme_rq_add(&r->rq, r->win, PG, &r->prov), 0);
	assert_int_equal(dma_vec_nvme_rq_add(&r->rq, r->win + 2 * PG, 0,
					     &r->prov), -EINVAL);
	assert_int_equal(dma_vec_nvme_rq_add(&r->rq, r->win + 2 * PG,
					     -(u64)PG, &r->prov), -EOVERFLOW);
	dma_vec_nvme_rq_end(&r->rq);
	check_clean(r, live);
	rig_fini(r);
	(void)state;
}

/*
 * 3. dma_vec_io_map() on a provider the I/O has classified as reached at
 * its bus address: the inline case.  Each call starts with that state
 * (checked), and an error leaves it, maps nothing and records nothing.
 */
struct io_case {
	s64 off;	/* from the start of the window */
	u64 len;
	int ret;
};

static void test_io_inline(void **state)
{
	static const struct io_case cases[] = {
		{ -(s64)PG, 2 * PG, -ERANGE },	/* starts below */
		{ -1, 1, -ERANGE },
		{ -1, 2, -ERANGE },
		{ -(s64)WIN_OFF, PG, -ERANGE },	/* start of the BAR */
		{ WIN_SIZE - PG, 2 * PG, -ERANGE },	/* ends beyond */
		{ WIN_SIZE - 1, 2, -ERANGE },
		{ WIN_SIZE, 1, -ERANGE },
		{ WIN_SIZE, PG, -ERANGE },
		{ 0, WIN_SIZE + 1, -ERANGE },	/* one byte more */
		{ 1, WIN_SIZE, -ERANGE },
		{ PG, 0, -EINVAL },
		{ 0, 0, -EINVAL },
		{ WIN_SIZE, 0, -EINVAL },
		{ PG, U64_MAX, -EOVERFLOW },	/* wraps */
		{ PG, -(u64)PG, -EOVERFLOW },
		{ 0, WIN_SIZE, 0 },		/* to its last byte */
		{ WIN_SIZE - 1, 1, 0 },
		{ WIN_SIZE - PG, PG, 0 },
		{ 0x123, 0x4567, 0 },
	};
	struct rig *r = rig_init();
	struct dma_vec_drange d;
	struct dma_vec_io io;
	unsigned int i;
	u8 buf[16];
	long live;

	dma_vec_io_start(&io, r->dev, DMA_TO_DEVICE, 0, U64_MAX);
	/* The first piece classifies the provider for the I/O. */
	assert_int_equal(dma_vec_io_map(&io, r->win, PG, &r->prov, &d,
					GFP_KERNEL), 0);
	assert_int_equal(d.addr, r->win + r->prov.bus_offset);
	live = shim_live_objects();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct io_case *c = &cases[i];
		phys_addr_t pa = r->win + c->off;
		int ret;

		/* The state that takes the inline case. */
		assert_ptr_equal(io.prov, &r->prov);
		assert_int_equal(io.type, DMA_VEC_MAP_BUS_ADDR);
		memset(&d, 0xa5, sizeof(d));
		ret = dma_vec_io_map(&io, pa, c->len, &r->prov, &d,
				     GFP_KERNEL);
		if (ret != c->ret)
			fail_msg("case %u: %d, expected %d", i, ret, c->ret);
		assert_int_equal(io.nr_recs, 0);
		assert_int_equal(sim_live_mappings(r->dev), 0);
		assert_int_equal(shim_live_objects(), live);
		if (ret)
			continue;
		assert_int_equal(d.addr, pa + r->prov.bus_offset);
		assert_int_equal(d.len, c->len);
		/* The device reaches the last byte at that address. */
		assert_int_equal(sim_dma(r->dev, d.addr + d.len - 1, buf, 1,
					 false), 0);
		assert_int_equal(buf[0], r->bar[WIN_OFF + c->off + c->len - 1]);
	}

	/* Revoked: every range of the window, in the inline state. */
	dma_vec_provider_revoke(&r->prov);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct io_case *c = &cases[i];
		int ret;

		if (c->ret)
			continue;
		assert_ptr_equal(io.prov, &r->prov);
		assert_int_equal(io.type, DMA_VEC_MAP_BUS_ADDR);
		ret = dma_vec_io_map(&io, r->win + c->off, c->len, &r->prov,
				     &d, GFP_KERNEL);
		if (ret != -ENODEV)
			fail_msg("revoked, case %u: %d", i, ret);
		assert_int_equal(io.nr_recs, 0);
	}
	dma_vec_io_end(&io);
	assert_int_equal(sim_live_mappings(r->dev), 0);
	assert_int_equal(shim_live_objects(), live);
	rig_fini(r);
	(void)state;
}

/*
 * 4. The provider's last answer (its hot entry) serves the first peer
 * piece of an I/O inline only when it was for the I/O's device and gave
 * the bus address: an answer for another client, or for no PCI function,
 * is never taken for it.
 */
static void test_io_hot_entry(void **state)
{
	struct sim_host_bridge_desc h = {
		.vendor = PCI_VENDOR_ID_INTEL,
		.device = 0x2030,
	};
	struct rig *r = rig_init();
	struct pci_host_bridge *hb;
	struct device *other, *plain;
	struct dma_vec_drange d;
	struct dma_vec_io io;
	struct pci_dev *rp;
	enum sim_p2p_type t;
	const char *why;
	int ret;

	/* A client in another hierarchy, and a device that is no function. */
	hb = sim_add_host_bridge(&h);
	assert_non_null(hb);
	rp = sim_add_root_port(hb, PCI_DEVFN(1, 0));
	assert_non_null(rp);
	other = &sim_add_endpoint(rp->subordinate, 0, 0)->dev;
	plain = sim_add_device("plain", NULL, NULL);
	assert_non_null(plain);
	t = sim_expected_map_type(r->gpu, other, NULL);
	assert_int_not_equal(t, SIM_P2P_BUS_ADDR);

	/* The other client asked last: its answer is the hot one. */
	assert_int_not_equal(dma_vec_classify(&r->prov, other, GFP_KERNEL,
					      &why), DMA_VEC_MAP_BUS_ADDR);
	dma_vec_io_start(&io, r->dev, DMA_TO_DEVICE, 0, U64_MAX);
	assert_int_equal(dma_vec_io_map(&io, r->win, PG, &r->prov, &d,
					GFP_KERNEL), 0);
	assert_int_equal(d.addr, r->win + r->prov.bus_offset);
	assert_ptr_equal(io.prov, &r->prov);
	assert_true(io.p2p);
	dma_vec_io_end(&io);

	/* Now the NVMe's answer is the hot one; the other must not take it. */
	dma_vec_io_start(&io, other, DMA_TO_DEVICE, 0, U64_MAX);
	ret = dma_vec_io_map(&io, r->win + PG, PG, &r->prov, &d, GFP_KERNEL);
	if (t == SIM_P2P_NOT_SUPPORTED) {
		assert_int_equal(ret, -EREMOTEIO);
		assert_int_equal(io.nr_recs, 0);
	} else {
		/* Through the host bridge: an MMIO mapping, recorded. */
		assert_int_equal(ret, 0);
		assert_int_equal(io.nr_recs, 1);
		assert_int_equal(io.type, DMA_VEC_MAP_THRU_HOST_BRIDGE);
	}
	dma_vec_io_end(&io);
	assert_int_equal(sim_live_mappings(other), 0);

	dma_vec_io_start(&io, plain, DMA_TO_DEVICE, 0, U64_MAX);
	assert_int_equal(dma_vec_io_map(&io, r->win, PG, &r->prov, &d,
					GFP_KERNEL), -EREMOTEIO);
	dma_vec_io_end(&io);

	/* Made hot again by a lookup, the NVMe's answer serves inline. */
	assert_int_equal(dma_vec_classify(&r->prov, r->dev, GFP_KERNEL, &why),
			 DMA_VEC_MAP_BUS_ADDR);
	dma_vec_io_start(&io, r->dev, DMA_TO_DEVICE, 0, U64_MAX);
	assert_null(io.prov);
	assert_false(io.p2p);
	assert_int_equal(dma_vec_io_map(&io, r->win + 2 * PG, 3 * PG, &r->prov,
					&d, GFP_KERNEL), 0);
	assert_int_equal(d.addr, r->win + 2 * PG + r->prov.bus_offset);
	assert_int_equal(d.len, 3 * PG);
	assert_ptr_equal(io.prov, &r->prov);
	assert_int_equal(io.type, DMA_VEC_MAP_BUS_ADDR);
	assert_true(io.p2p);
	assert_int_equal(io.nr_recs, 0);
	dma_vec_io_end(&io);
	assert_int_equal(sim_live_mappings(r->dev), 0);
	rig_fini(r);
	(void)state;
}

/*
 * 5. dma_vec_nvme_rq_add_table() and _add_ranges() refuse what
 * dma_vec_nvme_rq_add() refuses, also inside their one-loop path: a
 * provider revoked between two runs, a boundary inside a page, more bytes
 * than announced, an empty table; the command then ends with nothing held.
 */
static int table_err(struct rig *r, const struct piece *p, unsigned int nr,
		     u64 len)
{
	long live = shim_live_objects();
	union nvme_data_ptr dptr;
	int ret;

	new_pool(r);
	assert_int_equal(dma_vec_nvme_rq_start(&r->rq, &r->ctrl, r->dev,
					       DMA_TO_DEVICE, 0, false, len,
					       GFP_KERNEL), 0);
	ret = add_table(r, p, nr);
	if (!ret)
		ret = dma_vec_nvme_rq_finish(&r->rq, &dptr);
	dma_vec_nvme_rq_end(&r->rq);
	check_clean(r, live);
	return ret;
}

static void test_table_errors(void **state)
{
	struct rig *r = rig_init();
	struct dma_vec_prange pr[40];
	struct dma_vec_table empty;
	long live;
	unsigned int i;

	for (i = 0; i < 40; i++)
		r->p[i] = peer_page(i, PG);
	/* A boundary inside a page, deep inside the one-loop path. */
	r->p[25].len = PG / 2;
	assert_int_equal(table_err(r, r->p, 40, 40 * PG - PG / 2), -EINVAL);
	r->p[25].len = PG;
	/* More than announced: caught when the list would take it. */
	assert_int_equal(table_err(r, r->p, 40, 30 * PG), -EINVAL);
	/* The whole table: fine. */
	assert_int_equal(table_err(r, r->p, 40, 40 * PG), 0);

	for (i = 0; i < 40; i++) {
		pr[i].paddr = piece_pa(r, &r->p[i]);
		pr[i].len = PG;
	}
	/*
	 * Ranges no table holds, deep in the one-loop path: empty, wrapping.
	 * No ranges at all adds nothing.
	 */
	for (i = 0; i < 3; i++) {
		static const int want[] = { -EINVAL, -EOVERFLOW, 0 };
		union nvme_data_ptr dptr;

		live = shim_live_objects();
		new_pool(r);
		assert_int_equal(dma_vec_nvme_rq_start(&r->rq, &r->ctrl, r->dev,
						       DMA_TO_DEVICE, 0, false,
						       40 * PG, GFP_KERNEL), 0);
		if (i == 2) {
			assert_int_equal(dma_vec_nvme_rq_add_ranges(&r->rq, pr,
								     0,
								     &r->prov),
					 0);
			assert_int_equal(r->rq.plen, 0);
			assert_int_equal(r->rq.done, 0);
		}
		pr[25].len = i == 0 ? 0 : i == 1 ? -pr[25].paddr : PG;
		assert_int_equal(dma_vec_nvme_rq_add_ranges(&r->rq, pr, 40,
							    &r->prov), want[i]);
		if (!want[i])
			assert_int_equal(dma_vec_nvme_rq_finish(&r->rq, &dptr),
					 0);
		/* The ranges before it went in: a list was started. */
		assert_true(r->rq.data.nr_pages > 0);
		dma_vec_nvme_rq_end(&r->rq);
		check_clean(r, live);
	}

	/*
	 * A range outside the window left pending by the general path, then
	 * a table of the same provider: its loop, which checks the table's
	 * ranges no more, must not write the pending one either.
	 */
	live = shim_live_objects();
	new_pool(r);
	assert_int_equal(dma_vec_nvme_rq_start(&r->rq, &r->ctrl, r->dev,
					       DMA_TO_DEVICE, 0, false, 40 * PG,
					       GFP_KERNEL), 0);
	assert_int_equal(add(r, r->p[0]), 0);
	assert_int_equal(add(r, ((struct piece){ false, WIN_SIZE - PG,
						 2 * PG })), 0);
	assert_non_null(r->rq.list);
	assert_int_equal(add_table(r, r->p + 2, 37), -ERANGE);
	dma_vec_nvme_rq_end(&r->rq);
	check_clean(r, live);

	/* Revoked between two runs of the same provider. */
	live = shim_live_objects();
	new_pool(r);
	assert_int_equal(dma_vec_nvme_rq_start(&r->rq, &r->ctrl, r->dev,
					       DMA_TO_DEVICE, 0, false, 40 * PG,
					       GFP_KERNEL), 0);
	assert_int_equal(dma_vec_nvme_rq_add_ranges(&r->rq, pr, 20, &r->prov),
			 0);
	assert_ptr_equal(r->rq.io.prov, &r->prov);
	dma_vec_provider_revoke(&r->prov);
	assert_int_equal(dma_vec_nvme_rq_add_ranges(&r->rq, pr + 20, 20,
						    &r->prov), -ENODEV);
	dma_vec_nvme_rq_end(&r->rq);
	check_clean(r, live);
	assert_int_equal(dma_vec_provider_destroy(&r->prov), 0);
	prov_init(r);

	/* Nothing to add. */
	dma_vec_table_init(&empty);
	new_pool(r);
	assert_int_equal(dma_vec_nvme_rq_start(&r->rq, &r->ctrl, r->dev,
					       DMA_TO_DEVICE, 0, false, PG,
					       GFP_KERNEL), 0);
	assert_int_equal(dma_vec_nvme_rq_add_table(&r->rq, &empty), -EINVAL);
	dma_vec_nvme_rq_end(&r->rq);
	dma_pool_destroy(r->ctrl.pool);
	r->ctrl.pool = NULL;
	rig_fini(r);
	(void)state;
}

#define SIM_TEST(f)	cmocka_unit_test_setup_teardown(f, dvt_sim_setup, \
							dvt_sim_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		SIM_TEST(test_peer_pages),
		SIM_TEST(test_peer_first_offset),
		SIM_TEST(test_mixed_interleaved),
		SIM_TEST(test_host_runs),
		SIM_TEST(test_host_run_errors),
		SIM_TEST(test_host_small),
		SIM_TEST(test_peer_long_ranges),
		SIM_TEST(test_rq_window),
		SIM_TEST(test_rq_revoked),
		SIM_TEST(test_rq_layout),
		SIM_TEST(test_io_inline),
		SIM_TEST(test_io_hot_entry),
		SIM_TEST(test_table_errors),
	};

	return cmocka_run_group_tests_name("nvme_peer", tests, NULL, NULL);
}
