// SPDX-License-Identifier: GPL-2.0
/*
 * Threaded stress of the lifetime contract (docs/exporter.md, "The
 * contract"): importers map and unmap against providers while exporters
 * revoke them and provide new ones, and user ranges are obtained and
 * released while the address space is munmapped and remapped underneath.
 * Built into every userspace build; `meson test --suite stress` in a
 * -Db_sanitize=thread build runs it under TSan.  Each case is bounded both
 * in iterations and in time (DVT_STRESS_MS, default 1500 ms per case).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/nvme.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <shim/nvme_oracle.h>
#include <shim/sim.h>

#include "dma_vec_nvme.h"
#include "helpers.h"

#define NR_IMPORTERS	2

static unsigned long stress_ms(void)
{
	const char *s = getenv("DVT_STRESS_MS");

	return s ? strtoul(s, NULL, 0) : 1500;
}

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A machine where EP A's BAR 0 is a bus-address peer of EP B and EP C. */
struct machine {
	struct pci_dev *a, *b, *c;
};

static void build_machine(struct machine *m)
{
	struct sim_host_bridge_desc h = { .vendor = 0x8086, .device = 0x1234 };
	struct pci_host_bridge *hb = sim_add_host_bridge(&h);
	struct pci_dev *rp, *down[3];

	assert_non_null(hb);
	rp = sim_add_root_port(hb, PCI_DEVFN(1, 0));
	assert_non_null(sim_add_switch(rp->subordinate, 3, down));
	m->a = sim_add_endpoint(down[0]->subordinate, 0, SZ_1G);
	m->b = sim_add_endpoint(down[1]->subordinate, 0, 0);
	m->c = sim_add_endpoint(down[2]->subordinate, 0, 0);
	assert_non_null(m->a);
	assert_non_null(m->b);
	assert_non_null(m->c);
}

/*
 * Finding 1 of issue 12: two importers map and unmap against one
 * provider while a third thread revokes it (and provides it again).  Each
 * importer keeps its map on the heap and frees it after every unmap, so a
 * revocation that still reads a map it has given up is a use after free.
 * The importers follow the contract: whoever takes the mapping away from
 * the "mapped" state unmaps it, and no importer lock is held across
 * dma_vec_unmap().
 */
enum imp_state { IMP_IDLE, IMP_MAPPED, IMP_UNMAPPING };

struct race_importer {
	pthread_mutex_t lock;
	enum imp_state state;
	struct dma_vec_map *map;
	struct device *dev;
	unsigned long maps, unmaps, invalidates, enodev;
};

struct race {
	pthread_mutex_t lock;		/* the exporter's: guards prov */
	struct dma_vec_provider *prov;
	struct dma_vec_table tbl;	/* built once, on the first provider */
	struct pci_dev *a;
	bool stop;
	unsigned long revokes;
	struct race_importer imp[NR_IMPORTERS];
};

static void race_invalidate(struct dma_vec_map *map, void *priv)
{
	struct race_importer *imp = priv;
	bool mine;

	pthread_mutex_lock(&imp->lock);
	assert_ptr_equal(map, imp->map);
	mine = imp->state == IMP_MAPPED;
	if (mine)
		imp->state = IMP_UNMAPPING;
	imp->invalidates++;
	pthread_mutex_unlock(&imp->lock);
	if (!mine)
		return;
	/* DMA has stopped (there is none here): unmap from the callback. */
	dma_vec_unmap(map);
	pthread_mutex_lock(&imp->lock);
	free(imp->map);
	imp->map = NULL;
	imp->state = IMP_IDLE;
	imp->unmaps++;
	pthread_mutex_unlock(&imp->lock);
}

static const struct dma_vec_map_ops race_ops = {
	.invalidate = race_invalidate,
};

static bool race_stop(struct race *r)
{
	bool stop;

	pthread_mutex_lock(&r->lock);
	stop = r->stop;
	pthread_mutex_unlock(&r->lock);
	return stop;
}

struct race_arg {
	struct race *r;
	struct race_importer *imp;
};

static void *race_importer_fn(void *p)
{
	struct race_arg *a = p;
	struct race_importer *imp = a->imp;
	struct race *r = a->r;

	while (!race_stop(r)) {
		struct dma_vec_map *map;
		bool mine;
		int ret;

		pthread_mutex_lock(&imp->lock);
		if (imp->state != IMP_IDLE) {
			pthread_mutex_unlock(&imp->lock);
			sched_yield();
			continue;
		}
		map = calloc(1, sizeof(*map));
		assert_non_null(map);
		imp->map = map;
		imp->state = IMP_MAPPED;
		pthread_mutex_unlock(&imp->lock);

		/*
		 * The table stays valid: its provider is never freed during
		 * the run, only revoked and made usable again.
		 */
		pthread_mutex_lock(&r->lock);
		ret = dma_vec_map_table(map, &r->tbl, imp->dev,
					DMA_BIDIRECTIONAL, 0, &race_ops, imp,
					GFP_KERNEL);
		pthread_mutex_unlock(&r->lock);
		pthread_mutex_lock(&imp->lock);
		if (ret) {
			assert_int_equal(ret, -ENODEV);
			imp->enodev++;
			free(map);
			imp->map = NULL;
			imp->state = IMP_IDLE;
			pthread_mutex_unlock(&imp->lock);
			continue;
		}
		imp->maps++;
		pthread_mutex_unlock(&imp->lock);

		sched_yield();

		pthread_mutex_lock(&imp->lock);
		mine = imp->state == IMP_MAPPED;
		if (mine)
			imp->state = IMP_UNMAPPING;
		pthread_mutex_unlock(&imp->lock);
		if (!mine)
			continue;
		dma_vec_unmap(map);
		pthread_mutex_lock(&imp->lock);
		free(map);
		imp->map = NULL;
		imp->state = IMP_IDLE;
		imp->unmaps++;
		pthread_mutex_unlock(&imp->lock);
	}
	return NULL;
}

static void *race_revoker_fn(void *p)
{
	struct race *r = p;

	while (!race_stop(r)) {
		dma_vec_provider_revoke(r->prov);
		r->revokes++;
		sched_yield();
		/* The reset is over: the same window, provided again. */
		pthread_mutex_lock(&r->lock);
		assert_int_equal(dma_vec_provider_destroy(r->prov), 0);
		assert_int_equal(dma_vec_provider_init_pci(r->prov, r->a, 0, 0,
							   SZ_1M, NULL), 0);
		pthread_mutex_unlock(&r->lock);
		usleep(100);
	}
	return NULL;
}

static void test_revoke_races_unmap(void **state)
{
	struct race_arg args[NR_IMPORTERS];
	pthread_t imp_t[NR_IMPORTERS], rev_t;
	struct race r = { .lock = PTHREAD_MUTEX_INITIALIZER };
	unsigned long total_maps = 0;
	struct machine m;
	u64 end;
	int i;

	(void)state;
	build_machine(&m);
	r.a = m.a;
	r.prov = malloc(sizeof(*r.prov));
	assert_non_null(r.prov);
	assert_int_equal(dma_vec_provider_init_pci(r.prov, m.a, 0, 0, SZ_1M,
						   NULL), 0);
	dma_vec_table_init(&r.tbl);
	assert_int_equal(dma_vec_append(&r.tbl, r.prov->base + 0x1000, 0x3000,
					r.prov, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_append(&r.tbl, r.prov->base + 0x9000, 0x1000,
					r.prov, GFP_KERNEL), 0);
	for (i = 0; i < NR_IMPORTERS; i++) {
		pthread_mutex_init(&r.imp[i].lock, NULL);
		r.imp[i].dev = i ? &m.c->dev : &m.b->dev;
		args[i].r = &r;
		args[i].imp = &r.imp[i];
		assert_int_equal(pthread_create(&imp_t[i], NULL,
						race_importer_fn, &args[i]), 0);
	}
	assert_int_equal(pthread_create(&rev_t, NULL, race_revoker_fn, &r), 0);

	end = now_ms() + stress_ms();
	while (now_ms() < end)
		usleep(10000);
	pthread_mutex_lock(&r.lock);
	r.stop = true;
	pthread_mutex_unlock(&r.lock);
	for (i = 0; i < NR_IMPORTERS; i++)
		pthread_join(imp_t[i], NULL);
	pthread_join(rev_t, NULL);

	for (i = 0; i < NR_IMPORTERS; i++) {
		struct race_importer *imp = &r.imp[i];

		if (imp->state == IMP_MAPPED) {
			dma_vec_unmap(imp->map);
			free(imp->map);
			imp->unmaps++;
		}
		assert_int_equal(imp->maps, imp->unmaps);
		total_maps += imp->maps;
		print_message("importer %d: %lu maps, %lu invalidations, %lu refused\n",
			      i, imp->maps, imp->invalidates, imp->enodev);
	}
	print_message("%lu revocations\n", r.revokes);
	assert_true(total_maps > 0);
	assert_true(r.revokes > 0);
	assert_int_equal(dma_vec_provider_destroy(r.prov), 0);
	free(r.prov);
	dma_vec_table_release(&r.tbl);
}

/*
 * Everything at once: importers obtain user ranges of an exporter's VMA
 * (dma_vec_from_user()), map them, release the table at once (the map
 * keeps what it needs), unmap and release the pins; the exporter revokes
 * and provides new generations of its provider, freeing a generation when
 * its last pin goes; user space munmaps the VMA and maps anonymous memory
 * or the exporter again in its place.
 */
#define SX_VA		0x7f0000000000UL
#define SX_LEN		0x8000UL
#define SX_CYCLES	200000

struct sx_gen {
	struct dma_vec_provider prov;
	long refs;			/* pins, plus one while current */
};

struct sx {
	pthread_mutex_t lock;		/* the exporter's */
	struct sx_gen *cur;
	struct pci_dev *a;
	struct mm_struct *mm;
	bool stop;
	unsigned long gens, remaps, freed;
	struct sx_imp {
		struct sx *sx;
		struct device *dev;
		pthread_mutex_t lock;
		enum imp_state state;
		struct dma_vec_map *map;
		unsigned long maps, unmaps, invalidates, obtained, refused;
	} imp[NR_IMPORTERS + 1];
};

/* Drop a reference to a generation; the last one destroys it. */
static void sx_gen_put(struct sx *sx, struct sx_gen *g)
{
	bool last;

	pthread_mutex_lock(&sx->lock);
	last = !--g->refs;
	if (last)
		sx->freed++;
	pthread_mutex_unlock(&sx->lock);
	if (!last)
		return;
	assert_int_equal(dma_vec_provider_destroy(&g->prov), 0);
	free(g);
}

static struct sx *sx_of_pin;	/* one rig at a time */

static void sx_release(struct dma_vec_pin *pin)
{
	sx_gen_put(sx_of_pin, pin->cookie);
}

static int sx_p2p_map(struct vm_area_struct *vma, unsigned long start,
		      unsigned long end, bool write, struct dma_vec_table *tbl,
		      struct dma_vec_pin *pin, gfp_t gfp)
{
	struct sx *sx = vma->vm_private_data;
	struct sx_gen *g;
	int ret = -EAGAIN;

	pthread_mutex_lock(&sx->lock);
	g = sx->cur;
	if (g) {
		ret = dma_vec_append(tbl, g->prov.base + (start - vma->vm_start),
				     end - start, &g->prov, gfp);
		if (!ret) {
			g->refs++;
			pin->release = sx_release;
			pin->cookie = g;
		}
	}
	pthread_mutex_unlock(&sx->lock);
	return ret;
}

static const struct vm_operations_struct sx_ops = {
	.p2p_map = sx_p2p_map,
};

static struct sx_gen *sx_gen_new(struct sx *sx)
{
	struct sx_gen *g = calloc(1, sizeof(*g));

	assert_non_null(g);
	assert_int_equal(dma_vec_provider_init_pci(&g->prov, sx->a, 0, 0,
						   SZ_1M, NULL), 0);
	g->refs = 1;
	return g;
}

static bool sx_stop(struct sx *sx)
{
	bool stop;

	pthread_mutex_lock(&sx->lock);
	stop = sx->stop;
	pthread_mutex_unlock(&sx->lock);
	return stop;
}

static void sx_invalidate(struct dma_vec_map *map, void *priv)
{
	struct sx_imp *imp = priv;
	bool mine;

	pthread_mutex_lock(&imp->lock);
	assert_ptr_equal(map, imp->map);
	mine = imp->state == IMP_MAPPED;
	if (mine)
		imp->state = IMP_UNMAPPING;
	imp->invalidates++;
	pthread_mutex_unlock(&imp->lock);
	if (mine) {
		dma_vec_unmap(map);
		pthread_mutex_lock(&imp->lock);
		imp->state = IMP_IDLE;
		pthread_mutex_unlock(&imp->lock);
	}
}

static const struct dma_vec_map_ops sx_map_ops = {
	.invalidate = sx_invalidate,
};

static void *sx_importer_fn(void *p)
{
	struct sx_imp *imp = p;
	struct sx *sx = imp->sx;
	bool callback = imp != &sx->imp[NR_IMPORTERS];
	unsigned long n;

	for (n = 0; n < SX_CYCLES && !sx_stop(sx); n++) {
		struct dma_vec_user u = { };
		struct dma_vec_table tbl;
		struct dma_vec_map *map;
		bool mine = false;
		int ret;

		dma_vec_table_init(&tbl);
		ret = dma_vec_from_user(sx->mm, SX_VA + 0x1000, 0x3000, true,
					&tbl, &u, GFP_KERNEL);
		if (ret) {
			assert_true(ret == -EFAULT || ret == -EOPNOTSUPP ||
				    ret == -EAGAIN);
			dma_vec_table_release(&tbl);
			imp->refused++;
			sched_yield();
			continue;
		}
		imp->obtained++;
		map = calloc(1, sizeof(*map));
		assert_non_null(map);
		pthread_mutex_lock(&imp->lock);
		imp->map = map;
		imp->state = IMP_MAPPED;
		pthread_mutex_unlock(&imp->lock);
		ret = dma_vec_map_table(map, &tbl, imp->dev, DMA_BIDIRECTIONAL,
					0, callback ? &sx_map_ops : NULL, imp,
					GFP_KERNEL);
		/* The map records what it needs: the table can go now. */
		dma_vec_table_release(&tbl);
		if (ret) {
			assert_int_equal(ret, -ENODEV);
			imp->refused++;
		} else {
			imp->maps++;
			sched_yield();
			pthread_mutex_lock(&imp->lock);
			mine = imp->state == IMP_MAPPED;
			if (mine)
				imp->state = IMP_UNMAPPING;
			pthread_mutex_unlock(&imp->lock);
			if (mine)
				dma_vec_unmap(map);
			imp->unmaps++;
		}
		/* Wait for a callback that took the unmap over. */
		pthread_mutex_lock(&imp->lock);
		while (imp->state == IMP_UNMAPPING && !ret && !mine) {
			pthread_mutex_unlock(&imp->lock);
			sched_yield();
			pthread_mutex_lock(&imp->lock);
		}
		imp->state = IMP_IDLE;
		imp->map = NULL;
		pthread_mutex_unlock(&imp->lock);
		free(map);
		/* DMA has stopped and the map is gone: let go of the memory. */
		assert_int_equal(dma_vec_put_user(&u), 0);
	}
	return NULL;
}

static void *sx_exporter_fn(void *p)
{
	struct sx *sx = p;

	while (!sx_stop(sx)) {
		struct sx_gen *old, *new;

		/* A reset: no new pins, every importer told, a new window. */
		pthread_mutex_lock(&sx->lock);
		old = sx->cur;
		sx->cur = NULL;
		pthread_mutex_unlock(&sx->lock);
		dma_vec_provider_revoke(&old->prov);
		sched_yield();
		new = sx_gen_new(sx);
		pthread_mutex_lock(&sx->lock);
		sx->cur = new;
		sx->gens++;
		pthread_mutex_unlock(&sx->lock);
		sx_gen_put(sx, old);
		usleep(200);
	}
	return NULL;
}

static void *sx_munmap_fn(void *p)
{
	struct sx *sx = p;

	while (!sx_stop(sx)) {
		/* munmap, then anonymous memory in its place, then back. */
		mmap_write_lock(sx->mm);
		assert_int_equal(sim_vma_remove(sx->mm, SX_VA), 0);
		assert_non_null(sim_vma_add(sx->mm, SX_VA, SX_VA + SX_LEN,
					    VM_READ | VM_WRITE, NULL, NULL));
		mmap_write_unlock(sx->mm);
		sched_yield();
		mmap_write_lock(sx->mm);
		assert_int_equal(sim_vma_remove(sx->mm, SX_VA), 0);
		mmap_write_unlock(sx->mm);
		sched_yield();
		mmap_write_lock(sx->mm);
		assert_non_null(sim_vma_add(sx->mm, SX_VA, SX_VA + SX_LEN,
					    VM_READ | VM_WRITE | VM_SHARED |
					    VM_IO | VM_PFNMAP, &sx_ops, sx));
		mmap_write_unlock(sx->mm);
		sx->remaps++;
		usleep(500);
	}
	return NULL;
}

static void test_stress_all(void **state)
{
	pthread_t imp_t[NR_IMPORTERS + 1], exp_t, mm_t;
	struct sx *sx = calloc(1, sizeof(*sx));
	struct machine m;
	u64 end;
	int i;

	(void)state;
	assert_non_null(sx);
	build_machine(&m);
	pthread_mutex_init(&sx->lock, NULL);
	sx->a = m.a;
	sx->cur = sx_gen_new(sx);
	sx->mm = sim_mm_create();
	sx_of_pin = sx;
	assert_non_null(sim_vma_add(sx->mm, SX_VA, SX_VA + SX_LEN,
				    VM_READ | VM_WRITE | VM_SHARED | VM_IO |
				    VM_PFNMAP, &sx_ops, sx));
	for (i = 0; i <= NR_IMPORTERS; i++) {
		sx->imp[i].sx = sx;
		sx->imp[i].dev = i % 2 ? &m.c->dev : &m.b->dev;
		pthread_mutex_init(&sx->imp[i].lock, NULL);
		assert_int_equal(pthread_create(&imp_t[i], NULL, sx_importer_fn,
						&sx->imp[i]), 0);
	}
	assert_int_equal(pthread_create(&exp_t, NULL, sx_exporter_fn, sx), 0);
	assert_int_equal(pthread_create(&mm_t, NULL, sx_munmap_fn, sx), 0);

	end = now_ms() + stress_ms();
	while (now_ms() < end)
		usleep(10000);
	pthread_mutex_lock(&sx->lock);
	sx->stop = true;
	pthread_mutex_unlock(&sx->lock);
	for (i = 0; i <= NR_IMPORTERS; i++)
		pthread_join(imp_t[i], NULL);
	pthread_join(exp_t, NULL);
	pthread_join(mm_t, NULL);

	for (i = 0; i <= NR_IMPORTERS; i++) {
		struct sx_imp *imp = &sx->imp[i];

		assert_int_equal(imp->state, IMP_IDLE);
		assert_int_equal(imp->maps, imp->unmaps);
		assert_true(imp->obtained > 0);
		print_message("importer %d: %lu ranges obtained, %lu maps, %lu invalidations, %lu refused\n",
			      i, imp->obtained, imp->maps, imp->invalidates,
			      imp->refused);
	}
	print_message("%lu provider generations, %lu freed, %lu remaps\n",
		      sx->gens, sx->freed, sx->remaps);
	assert_true(sx->gens > 0);
	/* Only the current generation is left, with no pin. */
	assert_int_equal(sx->freed, sx->gens);
	assert_int_equal(sx->cur->refs, 1);
	sx_gen_put(sx, sx->cur);
	sim_mm_destroy(sx->mm);
	free(sx);
}

/*
 * The per-I/O mapping (struct dma_vec_io) and the NVMe request builder
 * on it, under the lifetime rule of <linux/dma_vec_p2p.h>: an I/O is not
 * linked to its providers; its submitter keeps them valid (here: a
 * reference on a provider generation) until dma_vec_io_end(); a provider
 * revoked before a piece is mapped makes that piece fail with -ENODEV,
 * and nothing else does.  Generations are freed, or destroyed and
 * initialised again in the same memory, once their last I/O ended.
 *
 * The simulated DMA API (mapping records, IOMMU, dma_pool, sim_dma()) is
 * single-threaded where the kernel's has its own locks: every call that
 * reaches it is made under sim_lock.  Bus-address pieces, classification
 * and revocation never reach it and run without that lock, so the
 * threads that map only those race with everything else.
 */
static pthread_mutex_t sim_lock = PTHREAD_MUTEX_INITIALIZER;

#define NR_EXP		2	/* providers: EP A's and EP D's BAR 0 */
#define IO_WINDOW	SZ_1M	/* each provider's window */
#define IO_RAM		SZ_128K	/* host memory of each importer */
#define IO_MAX_MAP	SZ_8K	/* host pieces are cut at 8 KiB */
#define NV_MAX		SZ_64K	/* most bytes of one NVMe command */

#define ld_acq(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define st_rel(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

/*
 * Checks in worker threads.  A failed cmocka assertion longjmps to the
 * test in the main thread and its message is only printed once the test
 * ends, so a worker says what failed at once and aborts.
 */
#define t_fail(fmt, ...)						\
	do {								\
		fprintf(stderr, "%s:%d: " fmt "\n", __FILE__, __LINE__,	\
			##__VA_ARGS__);					\
		abort();						\
	} while (0)
#define t_check(c)							\
	do {								\
		if (!(c))						\
			t_fail("%s", #c);				\
	} while (0)
#define t_equal(a, b)							\
	do {								\
		unsigned long long _a = (a), _b = (b);			\
									\
		if (_a != _b)						\
			t_fail("%s: %#llx, expected %s: %#llx", #a, _a,	\
			       #b, _b);					\
	} while (0)
#define t_memeq(a, b, n)						\
	do {								\
		if (memcmp((a), (b), (n)))				\
			t_fail("%s differs from %s", #a, #b);		\
	} while (0)

static u64 rnd_next(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * A machine with one client of every kind of path to two providers, EP A
 * and EP D below one switch of an allow-listed host bridge:
 *   B, B2: below the same switch: bus addresses, no DMA API involved;
 *   G: below the same switch, ACS redirect on its port: host bridge;
 *   C: on another root port of the same host bridge: host bridge;
 *   E: below another allow-listed host bridge, behind an IOMMU: host
 *	bridge, through the IOMMU; E has A's bus number and devfn, in
 *	another domain, so only the domain tells them apart;
 *   F: below a host bridge that is not allow-listed: not supported.
 */
struct iomach {
	struct pci_dev *owner[NR_EXP];
	struct pci_dev *b, *b2, *g, *c, *e, *f;
	u8 *pattern[NR_EXP];		/* what each window holds */
};

static struct pci_host_bridge *io_host(int domain, u16 device, bool iommu)
{
	struct sim_host_bridge_desc d = {
		.domain = domain,
		.vendor = PCI_VENDOR_ID_INTEL,
		.device = device,
		.iommu = iommu,
	};
	struct pci_host_bridge *h = sim_add_host_bridge(&d);

	assert_non_null(h);
	return h;
}

static struct pci_dev *io_ep(struct pci_dev *port, u64 bar0)
{
	struct pci_dev *ep = sim_add_endpoint(port->subordinate, 0, bar0);

	assert_non_null(ep);
	return ep;
}

static void io_expect(struct pci_dev *owner, struct pci_dev *client,
		      enum sim_p2p_type type)
{
	assert_int_equal(sim_expected_map_type(owner, &client->dev, NULL),
			 type);
}

static void build_iomach(struct iomach *m)
{
	struct pci_host_bridge *h0 = io_host(0, 0x2030, false);
	struct pci_host_bridge *h1 = io_host(1, 0x2030, true);
	struct pci_host_bridge *h2 = io_host(2, 0x1234, false);
	struct pci_dev *rp, *down[5];
	unsigned int x;
	u64 o;

	rp = sim_add_root_port(h0, PCI_DEVFN(1, 0));
	assert_non_null(sim_add_switch(rp->subordinate, 5, down));
	m->owner[0] = io_ep(down[0], SZ_4M);
	m->owner[1] = io_ep(down[1], SZ_4M);
	m->b = io_ep(down[2], 0);
	m->b2 = io_ep(down[3], 0);
	m->g = io_ep(down[4], 0);
	sim_set_acs(down[4], PCI_ACS_RR);
	m->c = io_ep(sim_add_root_port(h0, PCI_DEVFN(2, 0)), 0);
	rp = sim_add_root_port(h1, PCI_DEVFN(1, 0));
	assert_non_null(sim_add_switch(rp->subordinate, 1, down));
	m->e = io_ep(down[0], 0);
	m->f = io_ep(sim_add_root_port(h2, PCI_DEVFN(1, 0)), 0);

	assert_int_equal(pci_dev_id(m->e), pci_dev_id(m->owner[0]));
	assert_int_not_equal(pci_domain_nr(m->e->bus),
			     pci_domain_nr(m->owner[0]->bus));
	assert_true(sim_dev_has_iommu(&m->e->dev));
	for (x = 0; x < NR_EXP; x++) {
		io_expect(m->owner[x], m->b, SIM_P2P_BUS_ADDR);
		io_expect(m->owner[x], m->b2, SIM_P2P_BUS_ADDR);
		io_expect(m->owner[x], m->g, SIM_P2P_HOST_BRIDGE);
		io_expect(m->owner[x], m->c, SIM_P2P_HOST_BRIDGE);
		io_expect(m->owner[x], m->e, SIM_P2P_HOST_BRIDGE);
		io_expect(m->owner[x], m->f, SIM_P2P_NOT_SUPPORTED);
		m->pattern[x] = malloc(IO_WINDOW);
		assert_non_null(m->pattern[x]);
		for (o = 0; o < IO_WINDOW; o++)
			m->pattern[x][o] = (u8)(o * 131 + (o >> 9) * 7 +
						x * 0x55);
		assert_int_equal(sim_bar_write(m->owner[x], 0, 0,
					       m->pattern[x], IO_WINDOW), 0);
	}
}

static void free_iomach(struct iomach *m)
{
	unsigned int x;

	for (x = 0; x < NR_EXP; x++)
		free(m->pattern[x]);
}

struct io_exp;

/* One generation of a provider: its window between two resets. */
struct io_gen {
	struct dma_vec_provider prov;
	struct io_exp *exp;
	long refs;		/* I/Os holding it, plus one while current */
	bool revoking;		/* atomic: a revocation started */
	bool revoked;		/* atomic: a revocation returned */
};

/* An exporter: its current generation, under its lock. */
struct io_exp {
	pthread_mutex_t lock;
	struct pci_dev *pdev;
	struct io_gen *cur;
	struct io_gen *spare;	/* destroyed, to be initialised again */
	unsigned long gens, freed, reused;
};

static struct io_gen *io_gen_new(struct io_exp *x)
{
	phys_addr_t base = pci_resource_start(x->pdev, 0);
	struct io_gen *g;
	unsigned long n;
	int ret;

	pthread_mutex_lock(&x->lock);
	g = x->spare;
	x->spare = NULL;
	if (g)
		x->reused++;
	n = x->gens++;
	pthread_mutex_unlock(&x->lock);
	if (!g) {
		/* Fresh memory is garbage: init must set every field. */
		g = malloc(sizeof(*g));
		t_check(g);
		memset(g, 0xa5, sizeof(*g));
	}
	if (n & 1)
		ret = dma_vec_provider_init_pci(&g->prov, x->pdev, 0, 0,
						IO_WINDOW, NULL);
	else
		ret = dma_vec_provider_init(&g->prov, &x->pdev->dev, 0, base,
					    IO_WINDOW,
					    pci_bus_address(x->pdev, 0) - base,
					    NULL);
	t_equal(ret, 0);
	g->exp = x;
	g->refs = 1;
	g->revoking = false;
	g->revoked = false;
	return g;
}

static struct io_gen *io_gen_get(struct io_exp *x)
{
	struct io_gen *g;

	pthread_mutex_lock(&x->lock);
	g = x->cur;
	g->refs++;
	pthread_mutex_unlock(&x->lock);
	return g;
}

/* The last reference destroys: no I/O uses it, and it was revoked. */
static void io_gen_put(struct io_gen *g)
{
	struct io_exp *x = g->exp;
	bool last;

	pthread_mutex_lock(&x->lock);
	last = !--g->refs;
	pthread_mutex_unlock(&x->lock);
	if (!last)
		return;
	t_check(ld_acq(&g->revoked));
	t_equal(dma_vec_provider_destroy(&g->prov), 0);
	pthread_mutex_lock(&x->lock);
	/* Every other one is kept and initialised again in place. */
	x->freed++;
	if (!x->spare && (x->freed & 1)) {
		x->spare = g;
		g = NULL;
	}
	pthread_mutex_unlock(&x->lock);
	free(g);
}

static void io_gen_revoke(struct io_gen *g)
{
	st_rel(&g->revoking, true);
	dma_vec_provider_revoke(&g->prov);
	st_rel(&g->revoked, true);
}

struct io_rig;

/* One importer thread: a device and its host memory. */
struct io_imp {
	struct io_rig *rig;
	const char *name;
	struct pci_dev *pdev;
	bool bus;		/* reaches the providers at bus addresses */
	bool host;		/* maps host memory too */
	u8 *ram;
	phys_addr_t ram_pa;
	u64 seed;
	/* NVMe only */
	struct dma_pool *pool;
	unsigned long pool_pages;
	struct dma_vec_nvme_ctrl ctrl;
	struct nvme_oracle o;
	u8 *media, *want;
	/* counts */
	unsigned long ios, peer, host_pieces, enodev, checked, cmds;
};

#define NR_IO_IMP	5

struct io_rig {
	struct iomach m;
	struct io_exp exp[NR_EXP];
	bool stop;			/* atomic */
	unsigned long swaps, resets;
	struct io_imp imp[NR_IO_IMP];
};

static bool io_stopped(struct io_rig *rig)
{
	return ld_acq(&rig->stop);
}

/* Resets: a new generation of each window, then the old one revoked. */
static void *io_exporter_fn(void *p)
{
	struct io_rig *rig = p;
	unsigned int i;

	while (!io_stopped(rig)) {
		for (i = 0; i < NR_EXP; i++) {
			struct io_exp *x = &rig->exp[i];
			struct io_gen *new = io_gen_new(x), *old;

			pthread_mutex_lock(&x->lock);
			old = x->cur;
			x->cur = new;
			pthread_mutex_unlock(&x->lock);
			io_gen_revoke(old);
			io_gen_put(old);
			rig->swaps++;
		}
		usleep(200);
	}
	return NULL;
}

/* Revocations of the current generation, racing the importers' maps. */
static void *io_revoker_fn(void *p)
{
	struct io_rig *rig = p;
	unsigned int i = 0;

	while (!io_stopped(rig)) {
		struct io_gen *g = io_gen_get(&rig->exp[i++ % NR_EXP]);

		sched_yield();
		io_gen_revoke(g);
		io_gen_put(g);
		rig->resets++;
		usleep(300);
	}
	return NULL;
}

static void io_rig_start(struct io_rig *rig)
{
	unsigned int i;

	build_iomach(&rig->m);
	for (i = 0; i < NR_EXP; i++) {
		pthread_mutex_init(&rig->exp[i].lock, NULL);
		rig->exp[i].pdev = rig->m.owner[i];
		rig->exp[i].cur = io_gen_new(&rig->exp[i]);
	}
}

static void io_rig_stop(struct io_rig *rig)
{
	unsigned int i;

	for (i = 0; i < NR_EXP; i++) {
		struct io_exp *x = &rig->exp[i];

		io_gen_revoke(x->cur);
		io_gen_put(x->cur);
		/* Destroyed: nothing to do but free it. */
		free(x->spare);
		print_message("window %u: %lu generations, %lu destroyed, %lu reused\n",
			      i, x->gens, x->freed, x->reused);
		assert_true(x->freed > 1);
		assert_int_equal(x->freed, x->gens);
	}
	free_iomach(&rig->m);
}

static void io_imp_init(struct io_rig *rig, struct io_imp *imp,
			const char *name, struct pci_dev *pdev, bool bus,
			bool host, unsigned int i)
{
	size_t k;

	imp->rig = rig;
	imp->name = name;
	imp->pdev = pdev;
	imp->bus = bus;
	imp->host = host;
	imp->seed = 0x9e3779b97f4a7c15ULL * (i + 1);
	imp->ram = shim_ram_alloc(IO_RAM, &imp->ram_pa);
	assert_non_null(imp->ram);
	for (k = 0; k < IO_RAM; k++)
		imp->ram[k] = (u8)(k * 29 + i * 0x3b + (k >> 10));
}

/* The device reads the first and last bytes of a piece: @want. */
static void io_dma_check(struct io_imp *imp, const struct dma_vec_drange *d,
			 const u8 *want)
{
	size_t n = min_t(u64, d->len, 16);
	u8 buf[16];

	if (sim_dma(&imp->pdev->dev, d->addr, buf, n, false))
		t_fail("%s: %s", imp->name, sim_last_fault());
	t_memeq(buf, want, n);
	if (sim_dma(&imp->pdev->dev, d->addr + d->len - n, buf, n, false))
		t_fail("%s: %s", imp->name, sim_last_fault());
	t_memeq(buf, want + d->len - n, n);
	imp->checked++;
}

/* Map one range of an I/O, piece by piece; false once a piece failed. */
static bool io_map_range(struct io_imp *imp, struct dma_vec_io *io,
			 struct io_gen *g, phys_addr_t pa, u64 len,
			 unsigned int *recs)
{
	struct iomach *m = &imp->rig->m;
	bool locked = !g || !imp->bus;

	while (len) {
		struct dma_vec_drange d = { };
		const u8 *want;
		bool gone = false;
		int ret;

		if (locked)
			pthread_mutex_lock(&sim_lock);
		if (g)
			gone = ld_acq(&g->revoked);
		ret = dma_vec_io_map(io, pa, len, g ? &g->prov : NULL, &d,
				     GFP_KERNEL);
		if (!ret && locked) {
			want = g ? m->pattern[g->exp - imp->rig->exp] +
				   (pa - g->prov.base) :
				   imp->ram + (pa - imp->ram_pa);
			io_dma_check(imp, &d, want);
		}
		if (locked)
			pthread_mutex_unlock(&sim_lock);

		if (!g) {
			/* Host memory: cut at the mapping size, on a page. */
			if (ret)
				t_fail("%s: host piece: %d", imp->name, ret);
			t_check(d.len && d.len <= len);
			if (d.len < len)
				t_equal((pa + d.len) & ~PAGE_MASK, 0);
			t_check(d.len <= IO_MAX_MAP);
			(*recs)++;
			imp->host_pieces++;
		} else if (ret) {
			/* -ENODEV, and only once a revocation started. */
			if (ret != -ENODEV)
				t_fail("%s: peer piece: %d", imp->name, ret);
			t_check(ld_acq(&g->revoking));
			imp->enodev++;
			return false;
		}
		if (g) {
			/* Revoked before the call: the map must fail. */
			if (gone)
				t_fail("%s: mapped a revoked provider",
				       imp->name);
			t_equal(d.len, len);
			if (imp->bus)
				t_equal(d.addr, pa + g->prov.bus_offset);
			else
				(*recs)++;
			imp->peer++;
		}
		pa += d.len;
		len -= d.len;
	}
	return true;
}

/*
 * Importers map I/Os of host and peer ranges of both windows with
 * dma_vec_io_start()/dma_vec_io_map()/dma_vec_io_end(), more pieces than
 * are recorded inline, while the exporter replaces generations and a
 * reset thread revokes the current ones.  Every peer piece maps or fails
 * with -ENODEV, fails if its generation was revoked before, maps to the
 * right address for the device's path; after dma_vec_io_end() the device
 * has nothing mapped.
 */
static void *io_importer_fn(void *p)
{
	struct io_imp *imp = p;
	struct io_rig *rig = imp->rig;
	struct dma_vec_io *io = malloc(sizeof(*io));
	struct device *dev = &imp->pdev->dev;

	t_check(io);
	while (!io_stopped(rig)) {
		unsigned int nr = 2 + rnd_next(&imp->seed) % 9, recs = 0, i;
		bool stop_at_error = rnd_next(&imp->seed) & 1, ok = true;
		struct io_gen *g[NR_EXP];
		bool check;

		for (i = 0; i < NR_EXP; i++)
			g[i] = io_gen_get(&rig->exp[i]);
		dma_vec_io_start(io, dev, DMA_TO_DEVICE, 0, IO_MAX_MAP);
		for (i = 0; i < nr && (ok || !stop_at_error); i++) {
			unsigned int kind = rnd_next(&imp->seed) %
					    (imp->host ? NR_EXP + 1 : NR_EXP);
			u64 r = rnd_next(&imp->seed), len;
			phys_addr_t pa;

			if (kind == NR_EXP) {
				len = 1 + r % (3 * IO_MAX_MAP);
				pa = imp->ram_pa + (r >> 20) %
				     (IO_RAM - 3 * IO_MAX_MAP);
				ok &= io_map_range(imp, io, NULL, pa, len,
						   &recs);
			} else {
				len = 1 + r % SZ_32K;
				pa = g[kind]->prov.base + (r >> 20) %
				     (IO_WINDOW - SZ_32K);
				ok &= io_map_range(imp, io, g[kind], pa, len,
						   &recs);
			}
		}
		/* Nothing left mapped: checked at every end that unmaps. */
		check = recs || !(imp->ios % 32);
		if (check) {
			pthread_mutex_lock(&sim_lock);
			t_equal(sim_live_mappings(dev), recs);
		}
		dma_vec_io_end(io);
		if (check) {
			t_equal(sim_live_mappings(dev), 0);
			pthread_mutex_unlock(&sim_lock);
		}
		for (i = 0; i < NR_EXP; i++)
			io_gen_put(g[i]);
		imp->ios++;
	}
	free(io);
	return NULL;
}

static void io_run(struct io_rig *rig, void *(*fn)(void *))
{
	pthread_t imp_t[NR_IO_IMP], exp_t, rev_t;
	u64 end;
	int i;

	for (i = 0; i < NR_IO_IMP; i++)
		assert_int_equal(pthread_create(&imp_t[i], NULL, fn,
						&rig->imp[i]), 0);
	assert_int_equal(pthread_create(&exp_t, NULL, io_exporter_fn, rig), 0);
	assert_int_equal(pthread_create(&rev_t, NULL, io_revoker_fn, rig), 0);
	end = now_ms() + stress_ms();
	while (now_ms() < end)
		usleep(10000);
	st_rel(&rig->stop, true);
	for (i = 0; i < NR_IO_IMP; i++)
		pthread_join(imp_t[i], NULL);
	pthread_join(exp_t, NULL);
	pthread_join(rev_t, NULL);
	print_message("%lu generations replaced, %lu revoked in place\n",
		      rig->swaps, rig->resets);
}

static void io_rig_imps(struct io_rig *rig)
{
	struct iomach *m = &rig->m;

	io_imp_init(rig, &rig->imp[0], "B", m->b, true, true, 0);
	io_imp_init(rig, &rig->imp[1], "B2", m->b2, true, false, 1);
	io_imp_init(rig, &rig->imp[2], "G", m->g, false, false, 2);
	io_imp_init(rig, &rig->imp[3], "C", m->c, false, true, 3);
	io_imp_init(rig, &rig->imp[4], "E", m->e, false, true, 4);
}

static void test_io_revoke_races_map(void **state)
{
	struct io_rig *rig = calloc(1, sizeof(*rig));
	unsigned long enodev = 0, peer = 0;
	int i;

	(void)state;
	assert_non_null(rig);
	io_rig_start(rig);
	io_rig_imps(rig);
	io_run(rig, io_importer_fn);

	for (i = 0; i < NR_IO_IMP; i++) {
		struct io_imp *imp = &rig->imp[i];

		print_message("%s: %lu I/Os, %lu peer, %lu host, %lu refused, %lu read\n",
			      imp->name, imp->ios, imp->peer,
			      imp->host_pieces, imp->enodev, imp->checked);
		assert_true(imp->ios > 0);
		enodev += imp->enodev;
		peer += imp->peer;
		shim_ram_free(imp->ram);
	}
	assert_true(peer > 0);
	assert_true(enodev > 0);
	io_rig_stop(rig);
	free(rig);
}

/*
 * The classification cache from cold: in each round two fresh providers
 * (initialised again in the same memory) are classified at once by
 * several threads for every client, each thread in its own order, so
 * that the lock-free "hot" entry changes hands all the time.  Every
 * answer and reason must be the single-threaded one; bus-address clients
 * also map through dma_vec_io_map() (which classifies the same way).  At
 * the end of a round the cache holds exactly one entry per pair: no
 * duplicate, none lost, none freed under a reader.
 */
#define CL_THREADS	4
#define CL_CLIENTS	8
#define CL_ROUNDS	20000

struct cl_rig {
	struct iomach m;
	struct device *client[CL_CLIENTS];
	enum dma_vec_map_type ref[NR_EXP][CL_CLIENTS];
	const char *why[NR_EXP][CL_CLIENTS];
	struct dma_vec_provider prov[NR_EXP];
	pthread_barrier_t start, done;
	bool stop;
};

struct cl_thread {
	struct cl_rig *rig;
	unsigned int idx;
	unsigned long lookups, maps;
};

static void cl_lookup(struct cl_thread *t, struct dma_vec_io *io,
		      unsigned int x, unsigned int c)
{
	struct cl_rig *rig = t->rig;
	struct dma_vec_provider *prov = &rig->prov[x];
	struct dma_vec_drange d;
	enum dma_vec_map_type type;
	const char *why = NULL;
	phys_addr_t pa;

	type = dma_vec_classify(prov, rig->client[c], GFP_KERNEL, &why);
	if (type != rig->ref[x][c] || !why || strcmp(why, rig->why[x][c]))
		t_fail("provider %u, %s: %d (%s), expected %d (%s)", x,
		       dev_name(rig->client[c]), type, why ? why : "",
		       rig->ref[x][c], rig->why[x][c]);
	t->lookups++;
	if (type != DMA_VEC_MAP_BUS_ADDR)
		return;
	pa = prov->base + (c << 12) + t->idx * 4;
	dma_vec_io_start(io, rig->client[c], DMA_FROM_DEVICE, 0, U64_MAX);
	t_equal(dma_vec_io_map(io, pa, 0x100, prov, &d, GFP_KERNEL), 0);
	t_equal(d.addr, pa + prov->bus_offset);
	t_equal(d.len, 0x100);
	dma_vec_io_end(io);
	t->maps++;
}

static void *cl_thread_fn(void *p)
{
	struct cl_thread *t = p;
	struct cl_rig *rig = t->rig;
	struct dma_vec_io *io = malloc(sizeof(*io));
	unsigned int pass, k, x;

	t_check(io);
	for (;;) {
		pthread_barrier_wait(&rig->start);
		if (ld_acq(&rig->stop))
			break;
		for (pass = 0; pass < 3; pass++)
			for (k = 0; k < CL_CLIENTS; k++) {
				/* A permutation of the clients per thread. */
				unsigned int c = (k * (t->idx & 1 ? 3 : 5) +
						  t->idx) % CL_CLIENTS;

				for (x = 0; x < NR_EXP; x++)
					cl_lookup(t, io, (x + pass + t->idx) %
						  NR_EXP, c);
			}
		pthread_barrier_wait(&rig->done);
	}
	free(io);
	return NULL;
}

static void test_classify_cold_race(void **state)
{
	struct cl_rig *rig = calloc(1, sizeof(*rig));
	struct cl_thread t[CL_THREADS];
	pthread_t tid[CL_THREADS];
	unsigned long rounds = 0, multi_log = 0, lookups = 0, maps = 0;
	struct iomach *m;
	unsigned int x, c, i;
	u64 end;

	(void)state;
	assert_non_null(rig);
	m = &rig->m;
	build_iomach(m);
	rig->client[0] = &m->owner[0]->dev;
	rig->client[1] = &m->owner[1]->dev;
	rig->client[2] = &m->b->dev;
	rig->client[3] = &m->b2->dev;
	rig->client[4] = &m->g->dev;
	rig->client[5] = &m->c->dev;
	rig->client[6] = &m->e->dev;
	rig->client[7] = &m->f->dev;
	shim_set_quiet_log(true);

	/* The reference: one thread, one fresh provider per window. */
	for (x = 0; x < NR_EXP; x++) {
		struct dma_vec_provider ref;

		assert_int_equal(dma_vec_provider_init_pci(&ref, m->owner[x],
							   0, 0, IO_WINDOW,
							   NULL), 0);
		for (c = 0; c < CL_CLIENTS; c++) {
			rig->ref[x][c] = dma_vec_classify(&ref,
							  rig->client[c],
							  GFP_KERNEL,
							  &rig->why[x][c]);
			assert_int_equal(rig->ref[x][c],
					 dvt_expected_type(m->owner[x],
							   rig->client[c]));
		}
		assert_int_equal(dma_vec_provider_destroy(&ref), 0);
	}

	pthread_barrier_init(&rig->start, NULL, CL_THREADS + 1);
	pthread_barrier_init(&rig->done, NULL, CL_THREADS + 1);
	for (i = 0; i < CL_THREADS; i++) {
		t[i] = (struct cl_thread){ .rig = rig, .idx = i };
		assert_int_equal(pthread_create(&tid[i], NULL, cl_thread_fn,
						&t[i]), 0);
	}
	end = now_ms() + stress_ms();
	while (rounds < CL_ROUNDS && now_ms() < end) {
		long live;
		unsigned long logs;

		for (x = 0; x < NR_EXP; x++) {
			struct dma_vec_provider *prov = &rig->prov[x];

			assert_int_equal(dma_vec_provider_init_pci(prov,
								   m->owner[x],
								   0, 0,
								   IO_WINDOW,
								   NULL), 0);
		}
		live = shim_live_objects();
		logs = shim_log_count(SHIM_LOG_WARN);
		pthread_barrier_wait(&rig->start);
		pthread_barrier_wait(&rig->done);
		/* One cache entry per (provider, client) pair. */
		assert_int_equal(shim_live_objects() - live,
				 NR_EXP * CL_CLIENTS);
		/* A refusal is logged once per pair, however lookups race. */
		logs = shim_log_count(SHIM_LOG_WARN) - logs;
		if (logs != NR_EXP)
			multi_log++;
		for (x = 0; x < NR_EXP; x++) {
			int ret = dma_vec_provider_destroy(&rig->prov[x]);

			assert_int_equal(ret, 0);
		}
		assert_int_equal(shim_live_objects(), live);
		rounds++;
	}
	st_rel(&rig->stop, true);
	pthread_barrier_wait(&rig->start);
	for (i = 0; i < CL_THREADS; i++) {
		pthread_join(tid[i], NULL);
		lookups += t[i].lookups;
		maps += t[i].maps;
	}
	pthread_barrier_destroy(&rig->start);
	pthread_barrier_destroy(&rig->done);
	print_message("%lu rounds, %lu classifications, %lu maps\n", rounds,
		      lookups, maps);
	print_message("%lu rounds logged a refusal other than once per pair\n",
		      multi_log);
	assert_int_equal(multi_log, 0);
	assert_true(rounds > 0);
	free_iomach(m);
	free(rig);
}

/*
 * The NVMe request path on the same rig: commands of host and peer
 * ranges, as PRPs or SGLs, built with dma_vec_nvme_rq_start(), _add(),
 * _add_ranges() of runs of one owner or _add_table() of a table of them
 * all (whose peer runs are not checked again), and _finish(), while
 * generations are replaced and revoked.  Each command
 * builds or fails with -ENODEV (only if one of its generations was being
 * revoked, and always if one had been before it started); a built one is
 * executed by the controller model, which must read exactly the bytes
 * of its ranges; after dma_vec_nvme_rq_end() only the descriptor pool's
 * pages stay mapped.  B maps only peer ranges at bus addresses with a
 * pool that never grows: it runs without sim_lock.
 */
struct nv_piece {
	phys_addr_t pa;
	u64 len;
	int x;			/* exporter, or -1 for host memory */
};

#define NV_PIECES	5

/* Pieces PRPs can take: inner boundaries on 4 KiB pages. */
static unsigned int nv_layout(struct io_imp *imp, struct io_gen **g,
			      struct nv_piece *pc, u64 *total)
{
	unsigned int nr = 1 + rnd_next(&imp->seed) % NV_PIECES, i;

	*total = 0;
	for (i = 0; i < nr; i++) {
		u64 r = rnd_next(&imp->seed);
		u64 first = i ? 0 : ((r >> 40) % PAGE_SIZE) & ~3ULL;
		unsigned int kind = r % (imp->host ? NR_EXP + 1 : NR_EXP);
		u64 page = (r >> 8) % 16;

		pc[i].x = kind == NR_EXP ? -1 : (int)kind;
		pc[i].pa = (pc[i].x < 0 ? imp->ram_pa :
			    g[kind]->prov.base + ((r >> 16) % 200) * SZ_4K) +
			   page * SZ_4K + first;
		if (i + 1 < nr)
			pc[i].len = (1 + (r >> 24) % 3) * SZ_4K - first;
		else
			pc[i].len = 1 + (r >> 24) % (3 * SZ_4K - first);
		*total += pc[i].len;
	}
	return nr;
}

static void *nv_importer_fn(void *p)
{
	struct io_imp *imp = p;
	struct io_rig *rig = imp->rig;
	struct dma_vec_nvme_rq *rq = malloc(sizeof(*rq));
	struct device *dev = &imp->pdev->dev;

	t_check(rq);
	while (!io_stopped(rig)) {
		struct nvme_oracle_result res;
		struct nv_piece pc[NV_PIECES];
		struct io_gen *g[NR_EXP];
		bool gone = false, revoking = false, locked, sgl, runs;
		union nvme_data_ptr dptr;
		unsigned int nr, i, j, k, how;
		u64 total, off;
		int ret;

		for (i = 0; i < NR_EXP; i++)
			g[i] = io_gen_get(&rig->exp[i]);
		nr = nv_layout(imp, g, pc, &total);
		locked = !imp->bus;
		for (i = 0; i < nr; i++) {
			if (pc[i].x < 0)
				locked = true;
			else
				gone |= ld_acq(&g[pc[i].x]->revoked);
		}
		sgl = rnd_next(&imp->seed) & 1;
		/* Range by range, runs of one owner, or one table. */
		how = rnd_next(&imp->seed) % 3;
		runs = how == 1;

		if (locked)
			pthread_mutex_lock(&sim_lock);
		ret = dma_vec_nvme_rq_start(rq, &imp->ctrl, dev, DMA_TO_DEVICE,
					    0, sgl, total, GFP_KERNEL);
		t_equal(ret, 0);
		i = 0;
		if (how == 2) {
			struct dma_vec_table tbl;

			dma_vec_table_init(&tbl);
			for (i = 0; i < nr; i++)
				t_equal(dma_vec_append(&tbl, pc[i].pa,
						       pc[i].len, pc[i].x < 0 ?
						       NULL :
						       &g[pc[i].x]->prov,
						       GFP_KERNEL), 0);
			ret = dma_vec_nvme_rq_add_table(rq, &tbl);
			dma_vec_table_release(&tbl);
			i = nr;
		}
		for (; !ret && i < nr; i = j) {
			struct dma_vec_provider *prov = pc[i].x < 0 ? NULL :
							&g[pc[i].x]->prov;
			struct dma_vec_prange pr[NV_PIECES];

			/* Runs of one owner, or range by range. */
			for (j = i + 1; runs && j < nr && pc[j].x == pc[i].x; j++)
				;
			for (k = i; k < j; k++)
				pr[k - i] = (struct dma_vec_prange){
					.paddr = pc[k].pa, .len = pc[k].len,
				};
			if (runs)
				ret = dma_vec_nvme_rq_add_ranges(rq, pr, j - i,
								 prov);
			else
				ret = dma_vec_nvme_rq_add(rq, pr[0].paddr,
							  pr[0].len, prov);
		}
		if (!ret)
			ret = dma_vec_nvme_rq_finish(rq, &dptr);
		for (i = 0; i < nr; i++)
			if (pc[i].x >= 0)
				revoking |= ld_acq(&g[pc[i].x]->revoking);
		if (ret) {
			if (ret != -ENODEV)
				t_fail("%s: %d", imp->name, ret);
			t_check(revoking);
			imp->enodev++;
		} else {
			struct nvme_oracle_cmd cmd = {
				.flags = rq->data.sgl ? NVME_CMD_SGL_METABUF :
					 0,
				.write = true,
				.dptr = dptr,
				.len = total,
			};

			if (gone)
				t_fail("%s: built on a revoked provider",
				       imp->name);
			t_equal(rq->data.sgl, sgl);
			if (!locked)
				pthread_mutex_lock(&sim_lock);
			memset(imp->media, 0, total);
			ret = nvme_oracle_exec(&imp->o, &cmd, imp->media, &res);
			if (ret)
				t_fail("%s: oracle %d: %s", imp->name, ret,
				       res.err);
			if (!locked)
				pthread_mutex_unlock(&sim_lock);
			for (i = 0, off = 0; i < nr; off += pc[i++].len)
				memcpy(imp->want + off, pc[i].x < 0 ?
				       imp->ram + (pc[i].pa - imp->ram_pa) :
				       rig->m.pattern[pc[i].x] +
				       (pc[i].pa - g[pc[i].x]->prov.base),
				       pc[i].len);
			t_memeq(imp->media, imp->want, total);
			/* PRP1: the first byte, where the path puts it. */
			if (!sgl && pc[0].x >= 0 && imp->bus)
				t_equal(le64_to_cpu(dptr.prp1), pc[0].pa +
					g[pc[0].x]->prov.bus_offset);
			else if (!sgl && pc[0].x < 0 &&
				 !sim_dev_has_iommu(dev))
				t_equal(le64_to_cpu(dptr.prp1), pc[0].pa);
			imp->cmds++;
		}
		dma_vec_nvme_rq_end(rq);
		t_equal(shim_dma_pool_in_use(imp->pool), 0);
		if (locked) {
			t_equal(sim_live_mappings(dev),
				shim_dma_pool_pages(imp->pool));
			pthread_mutex_unlock(&sim_lock);
		} else {
			/* Never grown: the pool mapped nothing meanwhile. */
			t_equal(shim_dma_pool_pages(imp->pool),
				imp->pool_pages);
		}
		for (i = 0; i < NR_EXP; i++)
			io_gen_put(g[i]);
		imp->ios++;
	}
	free(rq);
	return NULL;
}

static void test_nvme_rq_revoke_races(void **state)
{
	struct io_rig *rig = calloc(1, sizeof(*rig));
	unsigned long enodev = 0, cmds = 0;
	int i;

	(void)state;
	assert_non_null(rig);
	io_rig_start(rig);
	io_rig_imps(rig);
	/* B maps peer ranges only; B2 host ones too. */
	rig->imp[0].host = false;
	rig->imp[1].host = true;
	for (i = 0; i < NR_IO_IMP; i++) {
		struct io_imp *imp = &rig->imp[i];
		dma_addr_t dma[2];
		void *va[2];
		int k;

		imp->pool = dma_pool_create("stress", &imp->pdev->dev, SZ_4K,
					    SZ_4K, 0);
		assert_non_null(imp->pool);
		/* Two pages: more than one command takes. */
		for (k = 0; k < 2; k++) {
			va[k] = dma_pool_alloc(imp->pool, GFP_KERNEL, &dma[k]);
			assert_non_null(va[k]);
		}
		for (k = 0; k < 2; k++)
			dma_pool_free(imp->pool, va[k], dma[k]);
		imp->pool_pages = shim_dma_pool_pages(imp->pool);
		imp->ctrl = (struct dma_vec_nvme_ctrl){
			.pool = imp->pool,
			.pool_block = SZ_4K,
			.max_map = SZ_16K,
			.page_shift = 12,
			.sgls = DMA_VEC_NVME_SGLS,
		};
		imp->o = (struct nvme_oracle){
			.dev = &imp->pdev->dev,
			.sgls = NVME_ORACLE_SGLS_BYTE,
		};
		imp->media = malloc(NV_MAX);
		imp->want = malloc(NV_MAX);
		assert_non_null(imp->media);
		assert_non_null(imp->want);
	}
	io_run(rig, nv_importer_fn);

	for (i = 0; i < NR_IO_IMP; i++) {
		struct io_imp *imp = &rig->imp[i];

		print_message("%s: %lu commands, %lu executed, %lu refused\n",
			      imp->name, imp->ios, imp->cmds, imp->enodev);
		assert_true(imp->ios > 0);
		enodev += imp->enodev;
		cmds += imp->cmds;
		dma_pool_destroy(imp->pool);
		free(imp->media);
		free(imp->want);
		shim_ram_free(imp->ram);
	}
	assert_true(cmds > 0);
	assert_true(enodev > 0);
	io_rig_stop(rig);
	free(rig);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, dvt_sim_setup, \
						dvt_sim_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_revoke_races_unmap),
		T(test_stress_all),
		T(test_io_revoke_races_map),
		T(test_classify_cold_race),
		T(test_nvme_rq_revoke_races),
	};

	return cmocka_run_group_tests_name("stress", tests, NULL, NULL);
}
