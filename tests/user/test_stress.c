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
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-mapping.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <shim/sim.h>

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

#define T(f)	cmocka_unit_test_setup_teardown(f, dvt_sim_setup, \
						dvt_sim_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_revoke_races_unmap),
		T(test_stress_all),
	};

	return cmocka_run_group_tests_name("stress", tests, NULL, NULL);
}
