// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the dma_vec P2P helpers (drivers/pci/p2pdma_vec.c and
 * mm/dma_vec_user.c)
 *
 * The topology matrix of dma_vec_cases.h runs on hand-made PCI objects:
 * host bridges, buses and functions linked the way the PCI core links
 * them, never registered, with a config space accessor that only knows
 * the ACS control register.  Mapping uses the real DMA API on a
 * kunit_device_register() device.  User addresses come from the KUnit
 * test's own mm, with VMAs of an anonymous-inode file whose mmap installs
 * p2p_map, whose pins are released through struct dma_vec_pin.
 */
#include <kunit/device.h>
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec.h>
#include <linux/dma_vec_p2p.h>
#include <linux/dma_vec_user.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#ifdef CONFIG_X86
#include <asm/processor.h>
#endif

#include "dma_vec_cases.h"
#include "dma_vec_p2p_cases.h"
#include "dma_vec_kunit.h"
#include "dma_vec_p2p_cases.h"

KUNIT_DEFINE_ACTION_WRAPPER(dvk_provider_destroy, dma_vec_provider_destroy,
			    struct dma_vec_provider *);

/* Provider @idx of dvc_providers owned by @owner, destroyed by KUnit. */
static struct dma_vec_provider *dvk_provider(struct kunit *test,
					     struct device *owner,
					     unsigned int idx)
{
	struct dma_vec_provider *prov;

	prov = kunit_kzalloc(test, sizeof(*prov), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, prov);
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_provider_init(prov, owner, 0,
					      dvc_providers[idx].base,
					      dvc_providers[idx].size,
					      dvc_providers[idx].bus_offset,
					      NULL));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvk_provider_destroy,
						  prov));
	return prov;
}

static struct device *dvk_device(struct kunit *test, const char *name)
{
	struct device *dev = kunit_device_register(test, name);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	return dev;
}

/* ---- a hand-made PCI topology ---- */

/* Config space offset of the ACS capability of every fake function. */
#define DVK_ACS_CAP	0x100

struct dvk_topo;

/* A bus and the topology it belongs to, for the config accessor. */
struct dvk_bus {
	struct pci_bus bus;
	struct dvk_topo *topo;
};

/* A function and its node in dvc_nodes. */
struct dvk_fn {
	struct pci_dev pdev;
	unsigned int node;
};

/*
 * @host: the host bridge of each host bridge node
 * @pdev: the function of each node; for a host bridge, its 00.0 device
 * @bus: the bus below each node: root bus of a host bridge, secondary bus
 *	of a bridge, NULL for an endpoint
 * @cfg_reads: config space reads so far
 */
struct dvk_topo {
	struct pci_ops ops;
	struct pci_host_bridge *host[DVC_NR_NODES];
	struct pci_dev *pdev[DVC_NR_NODES];
	struct pci_bus *bus[DVC_NR_NODES];
	unsigned int cfg_reads;
};

static const u8 dvk_pcie_type[] = {
	[DVC_NODE_RP] = PCI_EXP_TYPE_ROOT_PORT,
	[DVC_NODE_USP] = PCI_EXP_TYPE_UPSTREAM,
	[DVC_NODE_DSP] = PCI_EXP_TYPE_DOWNSTREAM,
	[DVC_NODE_EP] = PCI_EXP_TYPE_ENDPOINT,
};

/* Config space: the ACS control register and nothing else. */
static int dvk_cfg_read(struct pci_bus *bus, unsigned int devfn, int where,
			int size, u32 *val)
{
	struct dvk_bus *b = container_of(bus, struct dvk_bus, bus);
	struct pci_dev *pdev;

	b->topo->cfg_reads++;
	list_for_each_entry(pdev, &bus->devices, bus_list) {
		const struct dvc_node *n;

		if (pdev->devfn != devfn)
			continue;
		if (where != DVK_ACS_CAP + PCI_ACS_CTRL || size != 2)
			break;
		n = &dvc_nodes[container_of(pdev, struct dvk_fn, pdev)->node];
		/* Source validation is on everywhere: only redirect counts. */
		*val = PCI_ACS_SV | (n->acs_redirect ? PCI_ACS_RR | PCI_ACS_CR : 0);
		return PCIBIOS_SUCCESSFUL;
	}
	*val = ~0U;
	return PCIBIOS_DEVICE_NOT_FOUND;
}

static struct pci_bus *dvk_new_bus(struct kunit *test, struct dvk_topo *t,
				   struct pci_dev *self, unsigned int nr)
{
	struct dvk_bus *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	b->topo = t;
	INIT_LIST_HEAD(&b->bus.node);
	INIT_LIST_HEAD(&b->bus.children);
	INIT_LIST_HEAD(&b->bus.devices);
	INIT_LIST_HEAD(&b->bus.slots);
	INIT_LIST_HEAD(&b->bus.resources);
	b->bus.ops = &t->ops;
	b->bus.number = nr;
	if (self) {
		b->bus.parent = self->bus;
		b->bus.self = self;
		b->bus.primary = self->bus->number;
		list_add_tail(&b->bus.node, &self->bus->children);
		self->subordinate = &b->bus;
	}
	return &b->bus;
}

/* A function of node @node on @bus, last on the bus's device list. */
static struct pci_dev *dvk_new_fn(struct kunit *test, struct pci_bus *bus,
				  unsigned int node)
{
	const struct dvc_node *n = &dvc_nodes[node];
	struct dvk_fn *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct pci_dev *pdev;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->node = node;
	pdev = &f->pdev;
	pdev->bus = bus;
	pdev->devfn = n->devfn;
	pdev->vendor = n->vendor;
	pdev->device = n->device;
	pdev->error_state = pci_channel_io_normal;
	pdev->dev.bus = &pci_bus_type;
	pdev->dev.parent = bus->self ? &bus->self->dev : bus->bridge;
	if (n->type != DVC_NODE_HB) {
		pdev->pcie_cap = 0x40;
		/* Capability version 2, device/port type in bits 7:4. */
		pdev->pcie_flags_reg = (dvk_pcie_type[n->type] << 4) | 2;
		pdev->acs_cap = DVK_ACS_CAP;
	}
	list_add_tail(&pdev->bus_list, &bus->devices);
	return pdev;
}

/*
 * dvc_nodes as PCI objects.  Every bus gets its own number, so that with
 * one PCI domain every function has a distinct pci_dev_id().
 */
static struct dvk_topo *dvk_topo(struct kunit *test)
{
	struct dvk_topo *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	unsigned int i, busnr = 0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->ops.read = dvk_cfg_read;
	for (i = 0; i < DVC_NR_NODES; i++) {
		const struct dvc_node *n = &dvc_nodes[i];
		struct pci_host_bridge *host;
		struct pci_bus *bus;

		if (n->type == DVC_NODE_HB) {
			host = kunit_kzalloc(test, sizeof(*host), GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, host);
			bus = dvk_new_bus(test, t, NULL, busnr++);
			bus->bridge = &host->dev;
			host->bus = bus;
			host->busnr = bus->number;
			INIT_LIST_HEAD(&host->windows);
			INIT_LIST_HEAD(&host->dma_ranges);
			t->host[i] = host;
			t->bus[i] = bus;
			/* The 00.0 device comes first on the root bus. */
			t->pdev[i] = dvk_new_fn(test, bus, i);
			continue;
		}
		/* Parents come first in the table. */
		KUNIT_ASSERT_GE(test, n->parent, 0);
		KUNIT_ASSERT_LT(test, n->parent, (int)i);
		bus = t->bus[n->parent];
		KUNIT_ASSERT_NOT_NULL(test, bus);
		t->pdev[i] = dvk_new_fn(test, bus, i);
		if (n->type != DVC_NODE_EP)
			t->bus[i] = dvk_new_bus(test, t, t->pdev[i], busnr++);
	}
	return t;
}

/* The host bridge node above @node. */
static unsigned int dvk_hb_of(unsigned int node)
{
	while (dvc_nodes[node].parent >= 0)
		node = dvc_nodes[node].parent;
	return node;
}

/* ---- dma_vec_p2p ---- */

/* The PCI core helpers see the fake tree as the real one would be seen. */
static void dvk_fake_tree(struct kunit *test)
{
	struct dvk_topo *t = dvk_topo(test);
	unsigned int i;

	for (i = 0; i < DVC_NR_NODES; i++) {
		const struct dvc_node *n = &dvc_nodes[i];
		struct pci_dev *pdev = t->pdev[i];
		struct pci_host_bridge *host;
		u16 ctrl = 0;

		KUNIT_EXPECT_TRUE(test, dev_is_pci(&pdev->dev));
		host = pci_find_host_bridge(pdev->bus);
		KUNIT_EXPECT_PTR_EQ_MSG(test, host->bus, t->bus[dvk_hb_of(i)],
					"node %u", i);
		/* The 00.0 device heads the root bus. */
		KUNIT_EXPECT_PTR_EQ(test,
				    list_first_entry(&host->bus->devices,
						     struct pci_dev, bus_list),
				    t->pdev[dvk_hb_of(i)]);
		if (n->type == DVC_NODE_HB) {
			KUNIT_EXPECT_FALSE(test, pci_is_pcie(pdev));
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, pci_pcie_type(pdev),
				    dvk_pcie_type[n->type], "node %u", i);
		KUNIT_EXPECT_PTR_EQ_MSG(test, pci_upstream_bridge(pdev),
					n->type == DVC_NODE_RP ? NULL :
					t->pdev[n->parent], "node %u", i);
		KUNIT_EXPECT_EQ(test, 0,
				pci_read_config_word(pdev,
						     DVK_ACS_CAP + PCI_ACS_CTRL,
						     &ctrl));
		KUNIT_EXPECT_EQ_MSG(test, !!(ctrl & PCI_ACS_RR),
				    n->acs_redirect, "node %u", i);
	}
}

static bool dvk_cpu_is_zen(void)
{
#ifdef CONFIG_X86
	return boot_cpu_data.x86_vendor == X86_VENDOR_AMD &&
	       boot_cpu_data.x86 >= 0x17;
#else
	return false;
#endif
}

KUNIT_ARRAY_PARAM_DESC(dvk_p2p, dvc_p2p_cases, name);

static void dvk_p2p_case(struct kunit *test)
{
	const struct dvc_p2p_case *c = test->param_value;
	const char *why = NULL, *again = NULL;
	struct dma_vec_provider *prov;
	struct device *client;
	struct dvk_topo *t;
	unsigned int reads;

	if (c->amd_zen && !dvk_cpu_is_zen())
		kunit_skip(test,
			   "needs an AMD family >= 0x17 boot CPU (CONFIG_X86 cpu_data), not this one; tests/user covers it");
	if (!c->amd_zen && dvk_cpu_is_zen())
		kunit_skip(test,
			   "the boot CPU is an AMD Zen, which routes P2P through any host bridge");

	t = dvk_topo(test);
	prov = dvk_provider(test, &t->pdev[c->provider]->dev, 0);
	client = &t->pdev[c->client]->dev;

	KUNIT_EXPECT_EQ(test, dma_vec_classify(prov, client, GFP_KERNEL, &why),
			c->type);
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_GT(test, strlen(why), 0);
	reads = t->cfg_reads;
	KUNIT_EXPECT_GT(test, reads, 0U);

	/* From the cache: same answer and reason, no config space access. */
	KUNIT_EXPECT_EQ(test,
			dma_vec_classify(prov, client, GFP_KERNEL, &again),
			c->type);
	KUNIT_EXPECT_PTR_EQ(test, again, why);
	KUNIT_EXPECT_EQ(test, dma_vec_classify(prov, client, GFP_KERNEL, NULL),
			c->type);
	KUNIT_EXPECT_EQ(test, t->cfg_reads, reads);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&prov->__p2p.clients), 1);
}

/* The cache holds one answer per client; the answers do not mix. */
static void dvk_p2p_cache_clients(struct kunit *test)
{
	static const struct {
		u8 client;
		u8 type;
	} want[] = {
		{ DVC_EPB, DMA_VEC_MAP_BUS_ADDR },
		{ DVC_EPC, DMA_VEC_MAP_THRU_HOST_BRIDGE },
		{ DVC_EPD, DMA_VEC_MAP_THRU_HOST_BRIDGE },
		{ DVC_EPA1, DMA_VEC_MAP_BUS_ADDR },
	};
	struct dvk_topo *t = dvk_topo(test);
	struct dma_vec_provider *prov;
	unsigned int round, i, reads = 0;

	prov = dvk_provider(test, &t->pdev[DVC_EPA]->dev, 0);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < ARRAY_SIZE(want); i++) {
			unsigned int k = round ? ARRAY_SIZE(want) - 1 - i : i;
			struct device *client = &t->pdev[want[k].client]->dev;

			KUNIT_EXPECT_EQ_MSG(test,
					    dma_vec_classify(prov, client,
							     GFP_KERNEL, NULL),
					    want[k].type, "round %u, client %u",
					    round, want[k].client);
		}
		if (!round)
			reads = t->cfg_reads;
	}
	KUNIT_EXPECT_EQ(test, t->cfg_reads, reads);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&prov->__p2p.clients),
			ARRAY_SIZE(want));
}

/* Only PCI functions take part in P2P; nothing is cached for the rest. */
static void dvk_p2p_not_pci(struct kunit *test)
{
	struct device *dev = dvk_device(test, "dvk_not_pci");
	struct dvk_topo *t = dvk_topo(test);
	struct dma_vec_provider *pci_prov, *dev_prov, *no_owner;
	const char *why = NULL;

	pci_prov = dvk_provider(test, &t->pdev[DVC_EPA]->dev, 0);
	dev_prov = dvk_provider(test, dev, 1);
	no_owner = dvk_provider(test, NULL, 1);

	KUNIT_EXPECT_EQ(test, dma_vec_classify(pci_prov, dev, GFP_KERNEL, &why),
			DMA_VEC_MAP_NOT_SUPPORTED);
	KUNIT_EXPECT_NOT_NULL(test, why);
	why = NULL;
	KUNIT_EXPECT_EQ(test,
			dma_vec_classify(dev_prov, &t->pdev[DVC_EPB]->dev,
					 GFP_KERNEL, &why),
			DMA_VEC_MAP_NOT_SUPPORTED);
	KUNIT_EXPECT_NOT_NULL(test, why);
	KUNIT_EXPECT_EQ(test,
			dma_vec_classify(no_owner, &t->pdev[DVC_EPB]->dev,
					 GFP_KERNEL, NULL),
			DMA_VEC_MAP_NOT_SUPPORTED);
	KUNIT_EXPECT_TRUE(test, list_empty(&pci_prov->__p2p.clients));
	KUNIT_EXPECT_TRUE(test, list_empty(&dev_prov->__p2p.clients));
	KUNIT_EXPECT_TRUE(test, list_empty(&no_owner->__p2p.clients));
	KUNIT_EXPECT_EQ(test, t->cfg_reads, 0U);
}

KUNIT_DEFINE_ACTION_WRAPPER(dvk_free_resource_list, pci_free_resource_list,
			    struct list_head *);

#define DVK_WIN_CPU	0x800000000ULL
#define DVK_WIN_OFFSET	0x700000000ULL	/* CPU minus bus address */
#define DVK_BAR0	(DVK_WIN_CPU + 0x80000000ULL)

/*
 * A provider from a BAR: CPU base from the resource, bus offset from the
 * host bridge window (here bus = CPU - 0x700000000).
 */
static void dvk_p2p_init_pci(struct kunit *test)
{
	struct dvk_topo *t = dvk_topo(test);
	struct pci_dev *pdev = t->pdev[DVC_EPA];
	struct pci_host_bridge *host = t->host[DVC_HB0];
	struct dma_vec_provider *prov, pattern;
	struct resource *win;

	win = kunit_kzalloc(test, sizeof(*win), GFP_KERNEL);
	prov = kunit_kzalloc(test, sizeof(*prov), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, win);
	KUNIT_ASSERT_NOT_NULL(test, prov);
	win->start = DVK_WIN_CPU;
	win->end = DVK_WIN_CPU + SZ_4G - 1;
	win->flags = IORESOURCE_MEM;
	pci_add_resource_offset(&host->windows, win, DVK_WIN_OFFSET);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvk_free_resource_list,
						  &host->windows));
	pdev->resource[0].start = DVK_BAR0;
	pdev->resource[0].end = DVK_BAR0 + SZ_16M - 1;
	pdev->resource[0].flags = IORESOURCE_MEM | IORESOURCE_MEM_64 |
				  IORESOURCE_PREFETCH;
	pdev->resource[2].start = 0x1000;
	pdev->resource[2].end = 0x10ff;
	pdev->resource[2].flags = IORESOURCE_IO;

	/* Bad BARs and windows leave the provider untouched. */
	memset(prov, 0xa5, sizeof(*prov));
	pattern = *prov;
	KUNIT_EXPECT_EQ(test, dma_vec_provider_init_pci(prov, pdev, -1, 0, 0,
							NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_provider_init_pci(prov, pdev, 6, 0, 0,
							NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_provider_init_pci(prov, pdev, 2, 0, 0,
							NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_provider_init_pci(prov, pdev, 4, 0, 0,
							NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_provider_init_pci(prov, pdev, 0, SZ_16M,
							0, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, dma_vec_provider_init_pci(prov, pdev, 0, SZ_4K,
							SZ_16M, NULL),
			-ERANGE);
	KUNIT_EXPECT_MEMEQ(test, prov, &pattern, sizeof(*prov));

	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_provider_init_pci(prov, pdev, 0, SZ_4K, 0,
						  NULL));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvk_provider_destroy,
						  prov));
	KUNIT_EXPECT_PTR_EQ(test, prov->owner, &pdev->dev);
	KUNIT_EXPECT_EQ(test, prov->__p2p.bar, 0);
	KUNIT_EXPECT_EQ(test, prov->base, DVK_BAR0 + SZ_4K);
	KUNIT_EXPECT_EQ(test, prov->size, SZ_16M - SZ_4K);
	KUNIT_EXPECT_EQ(test, prov->base + prov->bus_offset,
			DVK_BAR0 + SZ_4K - DVK_WIN_OFFSET);
	KUNIT_EXPECT_TRUE(test, !prov->cpu_addr);
	KUNIT_EXPECT_EQ(test,
			dma_vec_classify(prov, &t->pdev[DVC_EPB]->dev,
					 GFP_KERNEL, NULL),
			DMA_VEC_MAP_BUS_ADDR);
}

static struct kunit_case dma_vec_p2p_cases[] = {
	KUNIT_CASE(dvk_fake_tree),
	KUNIT_CASE(dvk_p2p_init_pci),
	KUNIT_CASE_PARAM(dvk_p2p_case, dvk_p2p_gen_params),
	KUNIT_CASE(dvk_p2p_cache_clients),
	KUNIT_CASE(dvk_p2p_not_pci),
	{}
};

static struct kunit_suite dma_vec_p2p_suite = {
	.name = "dma_vec_p2p",
	.test_cases = dma_vec_p2p_cases,
};

/* ---- dma_vec_map ---- */

static void dvk_free_pages4(void *page)
{
	__free_pages(page, 2);
}

static void dvk_append(struct kunit *test, struct dma_vec_table *tbl,
		       phys_addr_t paddr, u64 len,
		       struct dma_vec_provider *prov)
{
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_append(tbl, paddr, len, prov, GFP_KERNEL));
}

/* Host memory through the DMA API of a real (KUnit) device. */
static void dvk_map_host(struct kunit *test)
{
	struct device *dev = dvk_device(test, "dvk_map_host");
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_map map = { };
	struct page *pages;
	u64 total = 0;
	unsigned int i;
	u8 *buf;
	int ret;

	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, dvk_free_pages4, pages));
	buf = kunit_kzalloc(test, 300, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	/* Page 1 is left out, so nothing merges. */
	dvk_append(test, tbl, page_to_phys(pages) + 0x100, PAGE_SIZE - 0x100,
		   NULL);
	dvk_append(test, tbl, page_to_phys(pages + 2), PAGE_SIZE, NULL);
	dvk_append(test, tbl, virt_to_phys(buf), 300, NULL);
	dvk_append(test, tbl, page_to_phys(pages + 3), PAGE_SIZE / 2, NULL);
	KUNIT_ASSERT_EQ(test, dma_vec_nr_ranges(tbl), 4U);

	ret = dma_vec_map_table(&map, tbl, dev, DMA_BIDIRECTIONAL, 0, NULL,
				NULL, GFP_KERNEL);
	if (ret == -EIO)
		kunit_skip(test, "dma_map_page: no DMA mapping for %s here",
			   dev_name(dev));
	KUNIT_ASSERT_EQ(test, ret, 0);

	KUNIT_EXPECT_PTR_EQ(test, map.dev, dev);
	KUNIT_EXPECT_EQ(test, map.nr_src, tbl->nr);
	KUNIT_EXPECT_EQ(test, map.dir, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, map.nr_links, 0U);
	/* Range by range on 6.12: one DMA range per table range. */
	KUNIT_ASSERT_EQ(test, map.nr, dma_vec_nr_ranges(tbl));
	for (i = 0; i < map.nr; i++) {
		const struct dma_vec_drange *d = &map.ranges[i];

		KUNIT_EXPECT_EQ_MSG(test, d->len, tbl->ranges[i].len,
				    "range %u", i);
		KUNIT_EXPECT_NE_MSG(test, d->addr, DMA_MAPPING_ERROR,
				    "range %u", i);
		KUNIT_EXPECT_LE_MSG(test, d->addr + d->len - 1, *dev->dma_mask,
				    "range %u", i);
		total += d->len;
	}
	KUNIT_EXPECT_EQ(test, total, dma_vec_len(tbl));

	buf[0] = 0x5a;
	dma_vec_map_sync_for_device(&map);
	dma_vec_map_sync_for_cpu(&map);
	KUNIT_EXPECT_EQ(test, buf[0], 0x5a);

	dma_vec_unmap(&map);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(&map, sizeof(map)));

	/* A second unmap WARNs once and changes nothing. */
	dma_vec_unmap(&map);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(&map, sizeof(map)));
}

static void dvk_map_invalid(struct kunit *test)
{
	struct device *dev = dvk_device(test, "dvk_map_invalid");
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_map map = { };
	u8 *buf = kunit_kzalloc(test, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test,
			dma_vec_map_table(&map, tbl, dev, DMA_TO_DEVICE, 0,
					  NULL, NULL, GFP_KERNEL),
			-EINVAL);
	dvk_append(test, tbl, virt_to_phys(buf), 64, NULL);
	KUNIT_EXPECT_EQ(test,
			dma_vec_map_table(&map, tbl, dev, DMA_NONE, 0, NULL,
					  NULL, GFP_KERNEL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			dma_vec_map_table(&map, tbl, dev,
					  (enum dma_data_direction)7, 0, NULL,
					  NULL, GFP_KERNEL),
			-EINVAL);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(&map, sizeof(map)));
}

/*
 * A provider the device cannot reach fails the whole mapping before
 * anything is mapped, host memory included.
 */
static void dvk_map_unreachable(struct kunit *test)
{
	struct device *dev = dvk_device(test, "dvk_map_unreachable");
	struct device *owner = dvk_device(test, "dvk_not_pci_owner");
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_provider *prov = dvk_provider(test, owner, 0);
	struct dvk_topo *t = dvk_topo(test);
	struct dma_vec_provider *pci_prov;
	struct dma_vec_map map;
	u8 *buf = kunit_kzalloc(test, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	dvk_append(test, tbl, virt_to_phys(buf), 64, NULL);
	dvk_append(test, tbl, DVC_P0_BASE, SZ_64K, prov);

	memset(&map, 0xa5, sizeof(map));
	KUNIT_EXPECT_EQ(test,
			dma_vec_map_table(&map, tbl, dev, DMA_FROM_DEVICE, 0,
					  NULL, NULL, GFP_KERNEL),
			-EREMOTEIO);
	KUNIT_EXPECT_NULL(test, memchr_inv(&map, 0xa5, sizeof(map)));
	KUNIT_EXPECT_TRUE(test, list_empty(&prov->__p2p.maps));

	/* A PCI provider, but the KUnit device is no PCI function. */
	pci_prov = dvk_provider(test, &t->pdev[DVC_EPA]->dev, 1);
	dma_vec_table_release(tbl);
	dvk_append(test, tbl, virt_to_phys(buf), 64, NULL);
	dvk_append(test, tbl, DVC_P1_BASE, SZ_4K, pci_prov);
	KUNIT_EXPECT_EQ(test,
			dma_vec_map_table(&map, tbl, dev, DMA_FROM_DEVICE, 0,
					  NULL, NULL, GFP_KERNEL),
			-EREMOTEIO);
	KUNIT_EXPECT_NULL(test, memchr_inv(&map, 0xa5, sizeof(map)));
	KUNIT_EXPECT_TRUE(test, list_empty(&pci_prov->__p2p.maps));
}

static void dvk_map_revoked(struct kunit *test)
{
	struct device *dev = dvk_device(test, "dvk_map_revoked");
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_provider *prov = dvk_provider(test, NULL, 1);
	struct dma_vec_map map = { };
	u8 *buf = kunit_kzalloc(test, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	dvk_append(test, tbl, virt_to_phys(buf), 64, NULL);
	dvk_append(test, tbl, DVC_P1_BASE, SZ_4K, prov);
	dma_vec_provider_revoke(prov);
	KUNIT_EXPECT_EQ(test,
			dma_vec_map_table(&map, tbl, dev, DMA_TO_DEVICE, 0,
					  NULL, NULL, GFP_KERNEL),
			-ENODEV);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(&map, sizeof(map)));
	KUNIT_EXPECT_TRUE(test, list_empty(&prov->__p2p.maps));
}

/*
 * An importer of the revocation tests.
 * @unmap: unmap from inside the callback
 * @calls: number of invalidate calls
 * @map: the mapping the last call was for
 */
struct dvk_importer {
	bool unmap;
	unsigned int calls;
	struct dma_vec_map *map;
};

static void dvk_invalidate(struct dma_vec_map *map, void *priv)
{
	struct dvk_importer *imp = priv;

	imp->calls++;
	imp->map = map;
	if (imp->unmap)
		dma_vec_unmap(map);
}

static const struct dma_vec_map_ops dvk_importer_ops = {
	.invalidate = dvk_invalidate,
};

/*
 * Peer memory below a common switch maps to bus addresses without the
 * DMA API, so the fake PCI functions can be importers.  Revocation calls
 * the importer once, and the importer may unmap from the callback.
 */
static void dvk_map_revoke_live(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	struct dvk_topo *t = dvk_topo(test);
	struct dvk_importer imp = { .unmap = true };
	struct dma_vec_provider *prov;
	struct dma_vec_map map = { };
	struct device *dev = &t->pdev[DVC_EPB]->dev;

	prov = dvk_provider(test, &t->pdev[DVC_EPA]->dev, 0);
	dvk_append(test, tbl, DVC_P0_BASE + 0x3000, 0x2000, prov);
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_map_table(&map, tbl, dev, DMA_TO_DEVICE, 0,
					  &dvk_importer_ops, &imp, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, map.nr, 1U);
	KUNIT_EXPECT_EQ(test, map.ranges[0].addr,
			DVC_P0_BASE + 0x3000 + dvc_providers[0].bus_offset);
	KUNIT_EXPECT_EQ(test, map.ranges[0].len, 0x2000);
	KUNIT_EXPECT_EQ(test, map.run_types[0], DMA_VEC_MAP_BUS_ADDR);
	KUNIT_EXPECT_EQ(test, map.nr_links, 1U);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&prov->__p2p.maps), 1);
	/* Nothing to sync for peer memory: no DMA API call on the fake. */
	dma_vec_map_sync_for_cpu(&map);
	dma_vec_map_sync_for_device(&map);
	KUNIT_EXPECT_EQ(test, imp.calls, 0U);

	dma_vec_provider_revoke(prov);
	KUNIT_EXPECT_EQ(test, imp.calls, 1U);
	KUNIT_EXPECT_PTR_EQ(test, imp.map, &map);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(&map, sizeof(map)));
	KUNIT_EXPECT_TRUE(test, list_empty(&prov->__p2p.maps));

	dma_vec_provider_revoke(prov);
	KUNIT_EXPECT_EQ(test, imp.calls, 1U);
	KUNIT_EXPECT_EQ(test,
			dma_vec_map_table(&map, tbl, dev, DMA_TO_DEVICE, 0,
					  &dvk_importer_ops, &imp, GFP_KERNEL),
			-ENODEV);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(&map, sizeof(map)));
}

/*
 * Two importers of one table whose revoked provider has two runs: each
 * importer is called once; one unmaps in the callback, the other later.
 */
static void dvk_map_revoke_runs(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	struct dvk_topo *t = dvk_topo(test);
	struct dvk_importer imp1 = { .unmap = false };
	struct dvk_importer imp2 = { .unmap = true };
	struct dma_vec_provider *pa, *pb;
	struct dma_vec_map map1 = { }, map2 = { };
	u64 off0 = dvc_providers[0].bus_offset;
	u64 off1 = dvc_providers[1].bus_offset;

	pa = dvk_provider(test, &t->pdev[DVC_EPA]->dev, 0);
	pb = dvk_provider(test, &t->pdev[DVC_EPA1]->dev, 1);
	dvk_append(test, tbl, DVC_P0_BASE, 0x1000, pa);
	dvk_append(test, tbl, DVC_P1_BASE, 0x1000, pb);
	dvk_append(test, tbl, DVC_P0_BASE + SZ_64K, 0x1000, pa);
	KUNIT_ASSERT_EQ(test, tbl->nr_runs, 3U);

	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_map_table(&map1, tbl, &t->pdev[DVC_EPB]->dev,
					  DMA_FROM_DEVICE, 0, &dvk_importer_ops,
					  &imp1, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_map_table(&map2, tbl, &t->pdev[DVC_EPF]->dev,
					  DMA_FROM_DEVICE, 0, &dvk_importer_ops,
					  &imp2, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, map1.nr, 3U);
	KUNIT_EXPECT_EQ(test, map1.ranges[0].addr, DVC_P0_BASE + off0);
	KUNIT_EXPECT_EQ(test, map1.ranges[1].addr, DVC_P1_BASE + off1);
	KUNIT_EXPECT_EQ(test, map1.ranges[2].addr,
			DVC_P0_BASE + SZ_64K + off0);
	KUNIT_EXPECT_EQ(test, map1.nr_links, 3U);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&pa->__p2p.maps), 4);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&pb->__p2p.maps), 2);

	dma_vec_provider_revoke(pa);
	KUNIT_EXPECT_EQ(test, imp1.calls, 1U);
	KUNIT_EXPECT_PTR_EQ(test, imp1.map, &map1);
	KUNIT_EXPECT_EQ(test, imp2.calls, 1U);
	KUNIT_EXPECT_PTR_EQ(test, imp2.map, &map2);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(&map2, sizeof(map2)));
	KUNIT_EXPECT_TRUE(test, test_bit(0, &map1.flags));
	KUNIT_EXPECT_TRUE(test, list_empty(&pa->__p2p.maps));
	/* map1 still holds its link to the other provider. */
	KUNIT_EXPECT_EQ(test, list_count_nodes(&pb->__p2p.maps), 1);

	dma_vec_unmap(&map1);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(&map1, sizeof(map1)));
	KUNIT_EXPECT_TRUE(test, list_empty(&pb->__p2p.maps));
	KUNIT_EXPECT_EQ(test, imp1.calls, 1U);
}

static void dvk_map_dev_limits(struct kunit *test)
{
	struct device *dev = dvk_device(test, "dvk_dev_limits");
	struct dvk_topo *t = dvk_topo(test);
	struct pci_dev *pdev = t->pdev[DVC_EPB];
	struct dma_vec_limits lim;

	/* No dma_parms: the DMA API defaults. */
	dma_vec_dev_limits(dev, &lim);
	KUNIT_EXPECT_EQ(test, lim.max_seg, SZ_64K);
	KUNIT_EXPECT_EQ(test, lim.seg_boundary_mask, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, lim.align, 1);
	KUNIT_EXPECT_TRUE(test, dma_vec_limits_valid(&lim));

	pdev->dev.dma_parms = &pdev->dma_parms;
	pdev->dma_parms.max_segment_size = SZ_1M;
	pdev->dma_parms.segment_boundary_mask = 0xffffffffUL;
	dma_vec_dev_limits(&pdev->dev, &lim);
	KUNIT_EXPECT_EQ(test, lim.max_seg, SZ_1M);
	KUNIT_EXPECT_EQ(test, lim.seg_boundary_mask, 0xffffffffUL);
	KUNIT_EXPECT_EQ(test, lim.align, 1);
	KUNIT_EXPECT_TRUE(test, dma_vec_limits_valid(&lim));
}

static struct kunit_case dma_vec_map_cases[] = {
	KUNIT_CASE(dvk_map_host),
	KUNIT_CASE(dvk_map_invalid),
	KUNIT_CASE(dvk_map_unreachable),
	KUNIT_CASE(dvk_map_revoked),
	KUNIT_CASE(dvk_map_revoke_live),
	KUNIT_CASE(dvk_map_revoke_runs),
	KUNIT_CASE(dvk_map_dev_limits),
	{}
};

static struct kunit_suite dma_vec_map_suite = {
	.name = "dma_vec_map",
	.test_cases = dma_vec_map_cases,
};

/* ---- dma_vec_user ---- */

/*
 * An exporter behind a file mapping: user offset x of the file is
 * physical address @base + x of provider @prov.
 * @err: error p2p_map returns, 0 to succeed
 * @maps, @unmaps: calls of p2p_map and of the release of its pins
 * @mapped, @unmapped: bytes they were called for
 */
struct dvk_exporter {
	struct dma_vec_provider *prov;
	phys_addr_t base;
	int err;
	unsigned int maps;
	unsigned int unmaps;
	u64 mapped;
	u64 unmapped;
};

static void dvk_pin_release(struct dma_vec_pin *pin)
{
	struct dvk_exporter *exp = pin->cookie;

	exp->unmaps++;
	exp->unmapped += pin->end - pin->start;
}

static int dvk_p2p_map(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, bool write,
		       struct dma_vec_table *tbl, struct dma_vec_pin *pin,
		       gfp_t gfp)
{
	struct dvk_exporter *exp = vma->vm_private_data;
	u64 off = start - vma->vm_start + (vma->vm_pgoff << PAGE_SHIFT);
	int ret;

	if (exp->err)
		return exp->err;
	ret = dma_vec_append(tbl, exp->base + off, end - start, exp->prov,
			     gfp);
	if (ret)
		return ret;
	exp->maps++;
	exp->mapped += end - start;
	pin->release = dvk_pin_release;
	pin->cookie = exp;
	return 0;
}

static const struct vm_operations_struct dvk_vm_ops = {
	.p2p_map = dvk_p2p_map,
};

static int dvk_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_private_data = file->private_data;
	vma->vm_ops = &dvk_vm_ops;
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

static const struct file_operations dvk_fops = {
	.owner = THIS_MODULE,
	.mmap = dvk_mmap,
};

/*
 * Map @len bytes of an exporter at @addr (anywhere if 0) in the test's
 * mm, which KUnit creates on first use and tears down with the test.
 */
static unsigned long dvk_user_map(struct kunit *test,
				  struct dvk_exporter *exp, unsigned long addr,
				  unsigned long len, unsigned long prot)
{
	unsigned long flags = exp ? MAP_SHARED : MAP_PRIVATE | MAP_ANONYMOUS;
	struct file *file = NULL;
	unsigned long uaddr;

	if (exp) {
		file = anon_inode_getfile("[dma_vec_kunit]", &dvk_fops, exp,
					  O_RDWR);
		KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	}
	uaddr = kunit_vm_mmap(test, file, addr, len, prot,
			      flags | (addr ? MAP_FIXED : 0), 0);
	/* The VMA holds its own reference. */
	if (file)
		fput(file);
	if (!uaddr || IS_ERR_VALUE(uaddr))
		kunit_skip(test, "vm_mmap: %ld (no user mm for KUnit here)",
			   (long)uaddr);
	if (addr)
		KUNIT_ASSERT_EQ(test, uaddr, addr);
	return uaddr;
}

static struct dvk_exporter *dvk_exporter(struct kunit *test, unsigned int idx,
					 u64 off)
{
	struct dvk_exporter *exp = kunit_kzalloc(test, sizeof(*exp),
						 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, exp);
	exp->prov = dvk_provider(test, NULL, idx);
	exp->base = dvc_providers[idx].base + off;
	return exp;
}

/* Two adjacent VMAs of two exporters become two ranges, two runs. */
static void dvk_user_two_vmas(struct kunit *test)
{
	struct dma_vec_user pins = { };
	struct dvk_exporter *e0 = dvk_exporter(test, 0, SZ_1M);
	struct dvk_exporter *e1 = dvk_exporter(test, 1, 0);
	struct dma_vec_table *tbl = dvk_table(test);
	unsigned long u, start, len = 3 * PAGE_SIZE;

	u = dvk_user_map(test, e0, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	dvk_user_map(test, e1, u + 2 * PAGE_SIZE, 2 * PAGE_SIZE,
		     PROT_READ | PROT_WRITE);

	start = u + 0x800;
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_from_user(current->mm, start, len, true, tbl,
					  &pins, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, dma_vec_nr_ranges(tbl), 2U);
	KUNIT_EXPECT_EQ(test, dma_vec_len(tbl), len);
	KUNIT_EXPECT_EQ(test, tbl->ranges[0].paddr, e0->base + 0x800);
	KUNIT_EXPECT_EQ(test, tbl->ranges[0].len, 2 * PAGE_SIZE - 0x800);
	KUNIT_EXPECT_PTR_EQ(test, dma_vec_range_provider(tbl, 0), e0->prov);
	KUNIT_EXPECT_EQ(test, tbl->ranges[1].paddr, e1->base);
	KUNIT_EXPECT_EQ(test, tbl->ranges[1].len, PAGE_SIZE + 0x800);
	KUNIT_EXPECT_PTR_EQ(test, dma_vec_range_provider(tbl, 1), e1->prov);
	KUNIT_EXPECT_EQ(test, e0->maps, 1U);
	KUNIT_EXPECT_EQ(test, e1->maps, 1U);
	KUNIT_EXPECT_EQ(test, e0->unmaps + e1->unmaps, 0U);

	dma_vec_put_user(&pins);
	KUNIT_EXPECT_EQ(test, e0->unmaps, 1U);
	KUNIT_EXPECT_EQ(test, e1->unmaps, 1U);
	KUNIT_EXPECT_EQ(test, e0->unmapped, e0->mapped);
	KUNIT_EXPECT_EQ(test, e1->unmapped, e1->mapped);
}

static void dvk_user_errors(struct kunit *test)
{
	struct dma_vec_user pins = { };
	struct dvk_exporter *ro = dvk_exporter(test, 0, 0);
	struct dma_vec_table *tbl = dvk_table(test);
	struct mm_struct *mm;
	unsigned long anon, u;

	u = dvk_user_map(test, ro, 0, 2 * PAGE_SIZE, PROT_READ);
	anon = dvk_user_map(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE);
	mm = current->mm;

	KUNIT_EXPECT_EQ(test, dma_vec_from_user(mm, u, 0, false, tbl,
						&pins, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_from_user(mm, ULONG_MAX - 0xfff, 0x2000,
						false, tbl, &pins, GFP_KERNEL),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, dma_vec_from_user(mm, anon, PAGE_SIZE, false,
						tbl, &pins, GFP_KERNEL), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, dma_vec_from_user(mm, u, PAGE_SIZE, true, tbl,
						&pins, GFP_KERNEL), -EACCES);
	KUNIT_EXPECT_EQ(test, dma_vec_nr_ranges(tbl), 0U);
	KUNIT_EXPECT_EQ(test, ro->maps + ro->unmaps, 0U);

	/* Reading is allowed. */
	KUNIT_EXPECT_EQ(test, dma_vec_from_user(mm, u, 2 * PAGE_SIZE, false,
						tbl, &pins, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, dma_vec_nr_ranges(tbl), 1U);
	dma_vec_put_user(&pins);
	KUNIT_EXPECT_EQ(test, ro->maps, 1U);
	KUNIT_EXPECT_EQ(test, ro->unmaps, 1U);
}

/*
 * A failure after the first VMA releases what was obtained and leaves the
 * table as it was: a hole in the range, then an exporter that fails.
 */
static void dvk_user_unwind(struct kunit *test)
{
	struct dma_vec_user pins = { };
	struct dvk_exporter *e0 = dvk_exporter(test, 0, 0);
	struct dvk_exporter *e1 = dvk_exporter(test, 1, 0);
	struct dma_vec_table *tbl = dvk_table(test);
	unsigned long u;
	u8 *buf = kunit_kzalloc(test, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	dvk_append(test, tbl, virt_to_phys(buf), 64, NULL);

	u = dvk_user_map(test, e0, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	KUNIT_ASSERT_EQ(test, 0, vm_munmap(u + 2 * PAGE_SIZE, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, dma_vec_from_user(current->mm, u, 4 * PAGE_SIZE,
						true, tbl, &pins, GFP_KERNEL),
			-EFAULT);
	/* The hole is found before any exporter is asked. */
	KUNIT_EXPECT_EQ(test, e0->maps, 0U);
	KUNIT_EXPECT_EQ(test, e0->unmaps, 0U);
	KUNIT_EXPECT_EQ(test, dma_vec_nr_ranges(tbl), 1U);
	KUNIT_EXPECT_EQ(test, dma_vec_len(tbl), 64);
	KUNIT_EXPECT_EQ(test, tbl->nr_runs, 1U);

	e1->err = -EIO;
	dvk_user_map(test, e1, u + 2 * PAGE_SIZE, PAGE_SIZE,
		     PROT_READ | PROT_WRITE);
	KUNIT_EXPECT_EQ(test, dma_vec_from_user(current->mm, u, 4 * PAGE_SIZE,
						true, tbl, &pins, GFP_KERNEL),
			-EIO);
	KUNIT_EXPECT_EQ(test, e0->maps, 1U);
	KUNIT_EXPECT_EQ(test, e0->unmaps, 1U);
	KUNIT_EXPECT_EQ(test, e0->unmapped, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, e1->maps + e1->unmaps, 0U);
	KUNIT_EXPECT_EQ(test, dma_vec_nr_ranges(tbl), 1U);
	KUNIT_EXPECT_EQ(test, dma_vec_len(tbl), 64);
	KUNIT_EXPECT_EQ(test, tbl->nr_runs, 1U);
}

static struct kunit_case dma_vec_user_cases[] = {
	KUNIT_CASE(dvk_user_two_vmas),
	KUNIT_CASE(dvk_user_errors),
	KUNIT_CASE(dvk_user_unwind),
	{}
};

static struct kunit_suite dma_vec_user_suite = {
	.name = "dma_vec_user",
	.test_cases = dma_vec_user_cases,
};

kunit_test_suites(&dma_vec_p2p_suite, &dma_vec_map_suite,
		  &dma_vec_user_suite);

MODULE_DESCRIPTION("KUnit tests for the dma_vec P2P helpers");
MODULE_LICENSE("GPL");
