// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit test of the dma_vec lifetime contract under concurrency
 * (drivers/pci/dma_vec_p2p.c): several kthreads map and unmap one table
 * against a provider while another kthread revokes the provider and
 * provides the window again.  Maps are allocated and freed per cycle, so
 * KASAN reports any access the P2P layer makes to a map it gave up; with
 * lockdep (tests/kunit/lockdep/.kunitconfig) the locking order of maps,
 * providers and importer callbacks is checked on every run.
 *
 * The provider and clients are hand-made PCI functions below one bridge
 * without ACS, never registered: the classification is a bus address,
 * so no DMA API call is made and the test needs no IOMMU.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma_vec.h>
#include <linux/dma_vec_p2p.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#define DVC_NR_IMPORTERS	3
#define DVC_RUN_MS		1000
#define DVC_BASE		0x2000000000ULL
#define DVC_BUS_OFFSET		0x100000000ULL

/* A bridge with the provider's function and the clients below it. */
struct dvc_topo {
	struct pci_bus root, sec;
	struct pci_dev bridge;
	struct pci_dev fn[1 + DVC_NR_IMPORTERS];
};

static void dvc_topo_init(struct dvc_topo *t)
{
	unsigned int i;

	t->sec.parent = &t->root;
	t->sec.self = &t->bridge;
	t->sec.number = 1;
	t->bridge.bus = &t->root;
	t->bridge.dev.bus = &pci_bus_type;
	t->bridge.subordinate = &t->sec;
	for (i = 0; i < ARRAY_SIZE(t->fn); i++) {
		t->fn[i].bus = &t->sec;
		t->fn[i].devfn = PCI_DEVFN(i, 0);
		t->fn[i].dev.bus = &pci_bus_type;
		dev_set_name(&t->fn[i].dev, "dvc-fn%u", i);
	}
}

static void dvc_topo_release(struct dvc_topo *t)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t->fn); i++)
		kfree_const(t->fn[i].dev.kobj.name);
}

enum dvc_state { DVC_IDLE, DVC_MAPPED, DVC_UNMAPPING };

/*
 * One importer: it owns @map while @state is not IDLE; whoever moves it
 * from MAPPED to UNMAPPING (the thread or the invalidate callback) unmaps
 * it, and nobody holds @lock across dma_vec_unmap().
 */
struct dvc_importer {
	struct dvc_ctx *ctx;
	struct device *dev;
	/* Protects state, map and the counters the callback updates. */
	spinlock_t lock;
	enum dvc_state state;
	struct dma_vec_map *map;
	bool callback;
	unsigned long maps, unmaps, invalidated, refused;
	int err;
};

struct dvc_ctx {
	struct mutex exporter;		/* guards prov against re-provide */
	struct dma_vec_provider *prov;
	struct dma_vec_table tbl;
	struct device *owner;
	unsigned long deadline;
	unsigned long revokes;
	int err;
	struct dvc_importer imp[DVC_NR_IMPORTERS];
	struct completion done[DVC_NR_IMPORTERS + 1];
};

static void dvc_release_map(struct dvc_importer *imp)
{
	spin_lock(&imp->lock);
	kfree(imp->map);
	imp->map = NULL;
	imp->unmaps++;
	imp->state = DVC_IDLE;
	spin_unlock(&imp->lock);
}

static void dvc_invalidate(struct dma_vec_map *map, void *priv)
{
	struct dvc_importer *imp = priv;
	bool mine;

	spin_lock(&imp->lock);
	if (imp->map != map)
		imp->err = -EFAULT;
	mine = imp->state == DVC_MAPPED;
	if (mine)
		imp->state = DVC_UNMAPPING;
	imp->invalidated++;
	spin_unlock(&imp->lock);
	if (!mine)
		return;
	dma_vec_unmap(map);
	dvc_release_map(imp);
}

static const struct dma_vec_map_ops dvc_ops = {
	.invalidate = dvc_invalidate,
};

static int dvc_importer_fn(void *data)
{
	struct dvc_importer *imp = data;
	struct dvc_ctx *ctx = imp->ctx;
	unsigned int i = imp - ctx->imp;

	while (time_before(jiffies, ctx->deadline)) {
		struct dma_vec_map *map;
		bool mine;
		int ret;

		spin_lock(&imp->lock);
		if (imp->state != DVC_IDLE) {
			spin_unlock(&imp->lock);
			cond_resched();
			continue;
		}
		spin_unlock(&imp->lock);
		map = kzalloc(sizeof(*map), GFP_KERNEL);
		if (!map) {
			imp->err = -ENOMEM;
			break;
		}
		spin_lock(&imp->lock);
		imp->map = map;
		imp->state = DVC_MAPPED;
		spin_unlock(&imp->lock);

		mutex_lock(&ctx->exporter);
		/* Even importers map with GFP_ATOMIC, as an I/O path does. */
		ret = dma_vec_map_table(map, &ctx->tbl, imp->dev,
					DMA_BIDIRECTIONAL, 0,
					imp->callback ? &dvc_ops : NULL, imp,
					i % 2 ? GFP_KERNEL : GFP_ATOMIC);
		mutex_unlock(&ctx->exporter);
		if (ret) {
			if (ret != -ENODEV)
				imp->err = ret;
			imp->refused++;
			dvc_release_map(imp);
			imp->unmaps--;
			/* Revoked: let the exporter provide it again. */
			usleep_range(20, 50);
			continue;
		}
		imp->maps++;
		cond_resched();

		spin_lock(&imp->lock);
		mine = imp->state == DVC_MAPPED;
		if (mine)
			imp->state = DVC_UNMAPPING;
		spin_unlock(&imp->lock);
		if (!mine)
			continue;
		if (imp->callback) {
			dma_vec_unmap(map);
		} else {
			/* No callback: unmap is allowed in atomic context. */
			local_irq_disable();
			dma_vec_unmap(map);
			local_irq_enable();
		}
		dvc_release_map(imp);
		cond_resched();
	}
	complete(&ctx->done[i]);
	return 0;
}

static int dvc_revoker_fn(void *data)
{
	struct dvc_ctx *ctx = data;

	while (time_before(jiffies, ctx->deadline)) {
		dma_vec_provider_revoke(ctx->prov);
		ctx->revokes++;
		usleep_range(50, 100);
		/* The reset is over: the same window, provided again. */
		mutex_lock(&ctx->exporter);
		if (dma_vec_provider_destroy(ctx->prov) ||
		    dma_vec_provider_init(ctx->prov, ctx->owner, 0, DVC_BASE,
					  SZ_1M, DVC_BUS_OFFSET, NULL))
			ctx->err = -EBUSY;
		mutex_unlock(&ctx->exporter);
		usleep_range(200, 400);
	}
	complete(&ctx->done[DVC_NR_IMPORTERS]);
	return 0;
}

static void dvc_revoke_races_unmap(struct kunit *test)
{
	struct dvc_topo *t;
	struct dvc_ctx *ctx;
	unsigned int i;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	dvc_topo_init(t);
	mutex_init(&ctx->exporter);
	ctx->owner = &t->fn[0].dev;
	ctx->prov = kzalloc(sizeof(*ctx->prov), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->prov);
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_provider_init(ctx->prov, ctx->owner, 0,
					      DVC_BASE, SZ_1M,
					      DVC_BUS_OFFSET, NULL));
	dma_vec_table_init(&ctx->tbl);
	KUNIT_ASSERT_EQ(test, 0, dma_vec_append(&ctx->tbl, DVC_BASE + 0x1000,
						0x3000, ctx->prov, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, 0, dma_vec_append(&ctx->tbl, DVC_BASE + 0x9000,
						0x1000, ctx->prov, GFP_KERNEL));
	ctx->deadline = jiffies + msecs_to_jiffies(DVC_RUN_MS);

	for (i = 0; i <= DVC_NR_IMPORTERS; i++)
		init_completion(&ctx->done[i]);
	for (i = 0; i < DVC_NR_IMPORTERS; i++) {
		struct dvc_importer *imp = &ctx->imp[i];
		struct task_struct *task;

		imp->ctx = ctx;
		imp->dev = &t->fn[1 + i].dev;
		imp->callback = i != DVC_NR_IMPORTERS - 1;
		spin_lock_init(&imp->lock);
		task = kthread_run(dvc_importer_fn, imp, "dvc-imp%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	}
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(dvc_revoker_fn, ctx,
						    "dvc-revoke")));
	for (i = 0; i <= DVC_NR_IMPORTERS; i++)
		wait_for_completion(&ctx->done[i]);

	for (i = 0; i < DVC_NR_IMPORTERS; i++) {
		struct dvc_importer *imp = &ctx->imp[i];

		if (imp->state == DVC_MAPPED) {
			dma_vec_unmap(imp->map);
			dvc_release_map(imp);
		}
		KUNIT_EXPECT_EQ(test, imp->err, 0);
		KUNIT_EXPECT_EQ(test, imp->state, DVC_IDLE);
		KUNIT_EXPECT_EQ(test, imp->maps, imp->unmaps);
		KUNIT_EXPECT_GT(test, imp->maps, 0UL);
		kunit_info(test, "importer %u: %lu maps, %lu invalidated, %lu refused\n",
			   i, imp->maps, imp->invalidated, imp->refused);
	}
	kunit_info(test, "%lu revocations\n", ctx->revokes);
	KUNIT_EXPECT_EQ(test, ctx->err, 0);
	KUNIT_EXPECT_GT(test, ctx->revokes, 0UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&ctx->prov->__p2p.maps));
	KUNIT_EXPECT_EQ(test, dma_vec_provider_destroy(ctx->prov), 0);
	dma_vec_table_release(&ctx->tbl);
	kfree(ctx->prov);
	dvc_topo_release(t);
}

/*
 * The map records what unmap and sync need: the table may go first, and
 * mapping into a live map is refused with nothing changed.
 */
static void dvc_map_outlives_table(struct kunit *test)
{
	struct dma_vec_provider *prov;
	struct dma_vec_map *map, before;
	struct dma_vec_table *tbl;
	struct dvc_topo *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	prov = kunit_kzalloc(test, sizeof(*prov), GFP_KERNEL);
	map = kunit_kzalloc(test, sizeof(*map), GFP_KERNEL);
	tbl = kzalloc(sizeof(*tbl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, prov);
	KUNIT_ASSERT_NOT_NULL(test, map);
	KUNIT_ASSERT_NOT_NULL(test, tbl);
	dvc_topo_init(t);
	KUNIT_ASSERT_EQ(test, 0, dma_vec_provider_init(prov, &t->fn[0].dev, 0,
						       DVC_BASE, SZ_1M,
						       DVC_BUS_OFFSET, NULL));
	dma_vec_table_init(tbl);
	KUNIT_ASSERT_EQ(test, 0, dma_vec_append(tbl, DVC_BASE, 0x2000, prov,
						GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_map_table(map, tbl, &t->fn[1].dev,
					  DMA_TO_DEVICE, 0, NULL, NULL,
					  GFP_KERNEL));
	before = *map;
	KUNIT_EXPECT_EQ(test, -EBUSY,
			dma_vec_map_table(map, tbl, &t->fn[1].dev,
					  DMA_TO_DEVICE, 0, NULL, NULL,
					  GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, memcmp(map, &before, sizeof(before)), 0);
	/* Destroying the provider while mapped is refused. */
	KUNIT_EXPECT_EQ(test, -EBUSY, dma_vec_provider_destroy(prov));

	/* The table goes first: KASAN catches any later read of it. */
	dma_vec_table_release(tbl);
	kfree(tbl);
	dma_vec_map_sync_for_cpu(map);
	dma_vec_unmap(map);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(map, sizeof(*map)));
	KUNIT_EXPECT_EQ(test, 0, dma_vec_provider_destroy(prov));
	dvc_topo_release(t);
}

static struct kunit_case dma_vec_contract_cases[] = {
	KUNIT_CASE(dvc_map_outlives_table),
	KUNIT_CASE_SLOW(dvc_revoke_races_unmap),
	{}
};

static struct kunit_suite dma_vec_contract_suite = {
	.name = "dma_vec_contract",
	.test_cases = dma_vec_contract_cases,
};

kunit_test_suite(dma_vec_contract_suite);

MODULE_DESCRIPTION("KUnit test of the dma_vec lifetime contract");
MODULE_LICENSE("GPL");
