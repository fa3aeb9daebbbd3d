// SPDX-License-Identifier: GPL-2.0
/*
 * dma_vec P2P: providers described from PCI BARs without struct pages,
 * classification of (provider, client) pairs by the rules of
 * drivers/pci/p2pdma.c, mapping of a table for one device, and revocation.
 */
#include <linux/array_size.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec_p2p.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/pfn.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#ifdef CONFIG_X86
#include <asm/processor.h>
#endif

/**
 * struct dma_vec_client - a cached classification of one client
 * @entry: node in the clients list of the provider
 * @key: PCI domain, bus, device and function of the client
 * @type: how the client reaches the provider
 * @reason: why, as a human-readable phrase
 */
struct dma_vec_client {
	struct list_head entry;
	u64 key;
	enum dma_vec_map_type type;
	const char *reason;
};

/**
 * struct __dma_vec_map_link - ties a mapping to one provider run, for revocation
 * @entry: node in the maps list of the provider
 * @prov: the provider
 * @map: the mapping
 */
struct __dma_vec_map_link {
	struct list_head entry;
	struct dma_vec_provider *prov;
	struct dma_vec_map *map;
};

/*
 * Bits of &dma_vec_map.flags: a provider of the mapping was revoked
 * (REVOKED); dma_vec_map_table() has not returned yet, so a revocation
 * fails the mapping instead of calling the importer back (LINKING).
 */
#define DMA_VEC_MAP_REVOKED	0
#define DMA_VEC_MAP_LINKING	1

/**
 * dma_vec_provider_init - describe a BAR window exporting P2P memory
 * @prov: provider to fill in
 * @owner: device owning the BAR
 * @bar: BAR number
 * @base: CPU physical address of the window
 * @size: window size in bytes
 * @bus_offset: PCI bus address minus CPU physical address of the window
 * @cpu_addr: CPU (iomem) mapping of the window, or NULL if there is none
 *
 * Creates no struct page and maps nothing.  Release the provider with
 * dma_vec_provider_destroy() once nothing uses it any more.
 *
 * @bus_offset must be a multiple of PAGE_SIZE: the CPU and bus views of a
 * BAR differ by a host bridge's translation, which is at least page
 * granular on every platform, and a page-aligned chunk of the window must
 * stay page aligned on the bus (PRP entries, MR pages).  The window seen
 * from the bus, @base + @bus_offset (modulo 2^64) to its last byte, must
 * not wrap past the top of the 64-bit bus address space nor end exactly at
 * it, or mapping it would yield DMA ranges that wrap to address 0.
 *
 * Context: Any context.
 * Return: 0 on success; -EINVAL for an empty window or a @bus_offset that
 * is not page aligned; -EOVERFLOW if the window wraps around the physical
 * address space, or its bus addresses reach the top of the 64-bit bus
 * address space.  @prov is untouched on error.
 */
int dma_vec_provider_init(struct dma_vec_provider *prov, struct device *owner,
			  int bar, phys_addr_t base, u64 size, u64 bus_offset,
			  void __iomem *cpu_addr)
{
	u64 last, bus_end;

	if (!size || offset_in_page(bus_offset))
		return -EINVAL;
	if (check_add_overflow((u64)base, size - 1, &last) ||
	    last > PHYS_ADDR_MAX)
		return -EOVERFLOW;
	/* The bus base itself is taken modulo 2^64: only its end must fit. */
	if (check_add_overflow((u64)base + bus_offset, size, &bus_end))
		return -EOVERFLOW;

	prov->owner = owner;
	prov->cpu_addr = cpu_addr;
	prov->base = base;
	prov->size = size;
	prov->bus_offset = bus_offset;
	prov->__p2p.bar = bar;
	spin_lock_init(&prov->__p2p.lock);
	INIT_LIST_HEAD(&prov->__p2p.clients);
	INIT_LIST_HEAD(&prov->__p2p.maps);
	prov->__p2p.revoked = false;
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_provider_init);

/**
 * dma_vec_provider_destroy - release a provider
 * @prov: provider set up by dma_vec_provider_init()
 *
 * Drops the cached classifications.  The provider must no longer be used
 * by any table or mapping; live mappings are a bug, reported with a WARN
 * (revoke the provider first to make importers unmap).
 *
 * Context: Any context.
 */
void dma_vec_provider_destroy(struct dma_vec_provider *prov)
{
	struct dma_vec_client *c, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&prov->__p2p.lock, flags);
	WARN_ON_ONCE(!list_empty(&prov->__p2p.maps));
	list_for_each_entry_safe(c, tmp, &prov->__p2p.clients, entry) {
		list_del(&c->entry);
		kfree(c);
	}
	prov->__p2p.revoked = true;
	spin_unlock_irqrestore(&prov->__p2p.lock, flags);
}
EXPORT_SYMBOL_GPL(dma_vec_provider_destroy);


/**
 * dma_vec_provider_init_pci - describe part of a PCI BAR as a provider
 * @prov: provider to fill in
 * @pdev: device owning the BAR
 * @bar: BAR number
 * @offset: offset of the window inside the BAR
 * @size: size of the window, 0 for the rest of the BAR
 * @cpu_addr: CPU (iomem) mapping of the window, or NULL
 *
 * The window's CPU physical base and bus offset come from the PCI core
 * (pci_resource_start(), pci_bus_address()); no ZONE_DEVICE pages are
 * created, unlike pci_p2pdma_add_resource().
 *
 * Context: Process context.
 * Return: 0 on success; -EINVAL if @bar is not a memory BAR; -ERANGE if
 * the window does not lie inside the BAR; or an error from
 * dma_vec_provider_init().  @prov is untouched on error.
 */
int dma_vec_provider_init_pci(struct dma_vec_provider *prov,
			      struct pci_dev *pdev, int bar, u64 offset,
			      u64 size, void __iomem *cpu_addr)
{
	resource_size_t start, len;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS ||
	    !(pci_resource_flags(pdev, bar) & IORESOURCE_MEM))
		return -EINVAL;
	start = pci_resource_start(pdev, bar);
	len = pci_resource_len(pdev, bar);
	if (offset >= len)
		return -ERANGE;
	if (!size)
		size = len - offset;
	if (size > len - offset)
		return -ERANGE;

	return dma_vec_provider_init(prov, &pdev->dev, bar, start + offset,
				     size, pci_bus_address(pdev, bar) - start,
				     cpu_addr);
}
EXPORT_SYMBOL_GPL(dma_vec_provider_init_pci);

/* Does @pdev redirect peer-to-peer requests upstream (ACS)? */
static bool dma_vec_acs_redirects(struct pci_dev *pdev)
{
	u16 ctrl;

	if (!pdev->acs_cap)
		return false;
	pci_read_config_word(pdev, pdev->acs_cap + PCI_ACS_CTRL, &ctrl);
	return ctrl & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
}

/* AMD CPUs from family 0x17 (Zen) on route P2P through the host bridge. */
static bool dma_vec_cpu_routes_p2p(void)
{
#ifdef CONFIG_X86
	const struct cpuinfo_x86 *c = &cpu_data(0);

	return c->x86_vendor == X86_VENDOR_AMD && c->x86 >= 0x17;
#else
	return false;
#endif
}

#define DMA_VEC_SAME_HOST_BRIDGE	BIT(0)

/* Host bridges known to route P2P, as in drivers/pci/p2pdma.c (6.12). */
static const struct {
	unsigned short vendor;
	unsigned short device;
	unsigned int flags;
} dma_vec_host_bridges[] = {
	{ PCI_VENDOR_ID_INTEL, 0x3c00, DMA_VEC_SAME_HOST_BRIDGE },
	{ PCI_VENDOR_ID_INTEL, 0x3c01, DMA_VEC_SAME_HOST_BRIDGE },
	{ PCI_VENDOR_ID_INTEL, 0x2f00, DMA_VEC_SAME_HOST_BRIDGE },
	{ PCI_VENDOR_ID_INTEL, 0x2f01, DMA_VEC_SAME_HOST_BRIDGE },
	{ PCI_VENDOR_ID_INTEL, 0x2030, 0 },
	{ PCI_VENDOR_ID_INTEL, 0x2031, 0 },
	{ PCI_VENDOR_ID_INTEL, 0x2032, 0 },
	{ PCI_VENDOR_ID_INTEL, 0x2033, 0 },
	{ PCI_VENDOR_ID_INTEL, 0x2020, 0 },
	{ PCI_VENDOR_ID_INTEL, 0x09a2, 0 },
};

/* The device standing for a host bridge: devfn 00.0 or a root port. */
static struct pci_dev *dma_vec_host_bridge_dev(struct pci_host_bridge *host)
{
	struct pci_dev *root;

	root = list_first_entry_or_null(&host->bus->devices, struct pci_dev,
					bus_list);
	if (root && (root->devfn == PCI_DEVFN(0, 0) ||
		     pci_pcie_type(root) == PCI_EXP_TYPE_ROOT_PORT))
		return root;
	return NULL;
}

static bool dma_vec_host_bridge_allowed(struct pci_host_bridge *host,
					bool same_host_bridge)
{
	struct pci_dev *root = dma_vec_host_bridge_dev(host);
	unsigned int i;

	if (!root)
		return false;
	for (i = 0; i < ARRAY_SIZE(dma_vec_host_bridges); i++) {
		if (root->vendor != dma_vec_host_bridges[i].vendor ||
		    root->device != dma_vec_host_bridges[i].device)
			continue;
		return same_host_bridge ||
		       !(dma_vec_host_bridges[i].flags & DMA_VEC_SAME_HOST_BRIDGE);
	}
	return false;
}

static bool dma_vec_host_bridges_allowed(struct pci_dev *a, struct pci_dev *b)
{
	struct pci_host_bridge *ha = pci_find_host_bridge(a->bus);
	struct pci_host_bridge *hb = pci_find_host_bridge(b->bus);

	if (ha == hb)
		return dma_vec_host_bridge_allowed(ha, true);
	return dma_vec_host_bridge_allowed(ha, false) &&
	       dma_vec_host_bridge_allowed(hb, false);
}

/*
 * The rules of calc_map_type_and_dist(): find the lowest common upstream
 * bridge; ACS redirect on the provider's path up to and including it, or
 * on the client's path below it, sends the traffic to the host bridge,
 * and so does the lack of a common bridge.  Traffic through the host
 * bridge needs an AMD Zen CPU or an allow-listed host bridge.
 */
static enum dma_vec_map_type dma_vec_calc_type(struct pci_dev *provider,
					       struct pci_dev *client,
					       const char **reason)
{
	struct pci_dev *a, *b;
	bool acs = false;

	for (a = provider; a; a = pci_upstream_bridge(a)) {
		if (dma_vec_acs_redirects(a))
			acs = true;
		for (b = client; b; b = pci_upstream_bridge(b))
			if (a == b)
				goto common;
	}
	*reason = "no common upstream bridge";
	goto host_bridge;

common:
	for (b = client; b != a; b = pci_upstream_bridge(b))
		if (dma_vec_acs_redirects(b))
			acs = true;
	if (!acs) {
		*reason = "common upstream bridge without ACS redirect";
		return DMA_VEC_MAP_BUS_ADDR;
	}
	*reason = "ACS redirect between client and provider";

host_bridge:
	if (dma_vec_cpu_routes_p2p()) {
		*reason = "through the host bridge of an AMD Zen CPU";
		return DMA_VEC_MAP_THRU_HOST_BRIDGE;
	}
	if (dma_vec_host_bridges_allowed(provider, client)) {
		*reason = "through an allow-listed host bridge";
		return DMA_VEC_MAP_THRU_HOST_BRIDGE;
	}
	*reason = acs ? "ACS redirect and host bridge not allow-listed" :
			"no common upstream bridge and host bridge not allow-listed";
	return DMA_VEC_MAP_NOT_SUPPORTED;
}

/* Domains go beyond 16 bits (VMD): keep all of them in the key. */
static u64 dma_vec_client_key(struct pci_dev *pdev)
{
	return (u64)(u32)pci_domain_nr(pdev->bus) << 16 | pci_dev_id(pdev);
}

/**
 * dma_vec_classify - how a device reaches a provider's memory
 * @prov: the provider
 * @client: the device that would do the DMA
 * @gfp: allocation flags for the cache entry
 * @reason: if not NULL, set to a human-readable reason for the answer
 *
 * Applies the rules of drivers/pci/p2pdma.c: a common upstream bridge
 * without ACS redirect gives the bus address; otherwise the traffic goes
 * through the host bridge, which is allowed on AMD Zen CPUs and on
 * allow-listed host bridges; anything else is not supported.  Clients and
 * providers must be PCI functions.  The answer is cached per client in the
 * provider (a failed cache allocation only costs a recomputation) and
 * dropped with the provider.
 *
 * Context: Any context allowed by @gfp; takes the provider's spinlock.
 * Return: DMA_VEC_MAP_BUS_ADDR, DMA_VEC_MAP_THRU_HOST_BRIDGE or
 * DMA_VEC_MAP_NOT_SUPPORTED.
 */
enum dma_vec_map_type dma_vec_classify(struct dma_vec_provider *prov,
				       struct device *client, gfp_t gfp,
				       const char **reason)
{
	struct dma_vec_client *c, *new;
	enum dma_vec_map_type type;
	unsigned long flags;
	const char *why;
	u64 key;

	if (!prov->owner || !dev_is_pci(prov->owner)) {
		why = "provider is not a PCI function";
		type = DMA_VEC_MAP_NOT_SUPPORTED;
		goto out;
	}
	if (!dev_is_pci(client)) {
		why = "client is not a PCI function";
		type = DMA_VEC_MAP_NOT_SUPPORTED;
		goto out;
	}

	key = dma_vec_client_key(to_pci_dev(client));
	spin_lock_irqsave(&prov->__p2p.lock, flags);
	list_for_each_entry(c, &prov->__p2p.clients, entry) {
		if (c->key == key) {
			type = c->type;
			why = c->reason;
			spin_unlock_irqrestore(&prov->__p2p.lock, flags);
			goto out;
		}
	}
	spin_unlock_irqrestore(&prov->__p2p.lock, flags);

	type = dma_vec_calc_type(to_pci_dev(prov->owner), to_pci_dev(client),
				 &why);
	new = kmalloc(sizeof(*new), gfp);
	if (new) {
		new->key = key;
		new->type = type;
		new->reason = why;
		spin_lock_irqsave(&prov->__p2p.lock, flags);
		/* Another caller may have cached the same client meanwhile. */
		list_for_each_entry(c, &prov->__p2p.clients, entry) {
			if (c->key == key) {
				kfree(new);
				new = NULL;
				break;
			}
		}
		if (new)
			list_add(&new->entry, &prov->__p2p.clients);
		spin_unlock_irqrestore(&prov->__p2p.lock, flags);
	}
out:
	if (reason)
		*reason = why;
	return type;
}
EXPORT_SYMBOL_GPL(dma_vec_classify);

/* Map one range that does not go through the two-step IOVA API. */
static int dma_vec_map_range(struct dma_vec_map *map,
			     const struct dma_vec_prange *r,
			     enum dma_vec_map_type type,
			     const struct dma_vec_provider *prov,
			     dma_addr_t *addr)
{
	switch (type) {
	case DMA_VEC_MAP_BUS_ADDR:
		*addr = r->paddr + prov->bus_offset;
		return 0;
	case DMA_VEC_MAP_THRU_HOST_BRIDGE:
		/* MMIO: no CPU cache maintenance, and never bounced. */
		*addr = dma_map_resource(map->dev, r->paddr, r->len, map->dir,
					 map->attrs);
		break;
	case DMA_VEC_MAP_HOST:
		*addr = dma_map_page_attrs(map->dev,
					   pfn_to_page(PHYS_PFN(r->paddr)),
					   offset_in_page(r->paddr), r->len,
					   map->dir, map->attrs);
		break;
	default:
		WARN_ON_ONCE(1);
		return -EINVAL;
	}
	return dma_mapping_error(map->dev, *addr) ? -EIO : 0;
}

static void dma_vec_unmap_range(const struct dma_vec_map *map,
				const struct dma_vec_drange *d,
				enum dma_vec_map_type type)
{
	if (type == DMA_VEC_MAP_THRU_HOST_BRIDGE)
		dma_unmap_resource(map->dev, d->addr, d->len, map->dir,
				   map->attrs);
	else if (type == DMA_VEC_MAP_HOST)
		dma_unmap_page_attrs(map->dev, d->addr, d->len, map->dir,
				     map->attrs);
}

/* Undo the first @nr ranges of a range-by-range mapping. */
static void dma_vec_unmap_ranges(const struct dma_vec_map *map,
				 unsigned int nr)
{
	const struct dma_vec_table *tbl = map->tbl;
	unsigned int run = 0, i;

	for (i = 0; i < nr; i++) {
		if (i == dma_vec_run_end(tbl, run))
			run++;
		dma_vec_unmap_range(map, &map->ranges[i], map->run_types[run]);
	}
}

static int dma_vec_map_ranges(struct dma_vec_map *map)
{
	const struct dma_vec_table *tbl = map->tbl;
	unsigned int run = 0, i;
	int ret;

	for (i = 0; i < tbl->nr; i++) {
		const struct dma_vec_prange *r = &tbl->ranges[i];

		if (i == dma_vec_run_end(tbl, run))
			run++;
		map->ranges[i].len = r->len;
		ret = dma_vec_map_range(map, r, map->run_types[run],
					dma_vec_run(tbl, run)->provider,
					&map->ranges[i].addr);
		if (ret) {
			dma_vec_unmap_ranges(map, i);
			return ret;
		}
	}
	map->nr = tbl->nr;
	return 0;
}

static bool dma_vec_needs_iommu(enum dma_vec_map_type type)
{
	return type == DMA_VEC_MAP_HOST || type == DMA_VEC_MAP_THRU_HOST_BRIDGE;
}

/*
 * The seam for the two-step IOVA API of newer kernels (dma_iova_try_alloc()
 * and friends, with DMA_ATTR_MMIO for peer memory).  Where it exists, all
 * ranges that go through the IOMMU are linked into one contiguous IOVA
 * range, so a fragmented buffer becomes a few DMA ranges.  Where it does
 * not (Linux 6.12), or when the IOMMU cannot take the layout, the caller
 * maps range by range.
 */
#if defined(DMA_IOVA_USE_SWIOTLB) && defined(DMA_ATTR_MMIO)
static int dma_vec_map_iova(struct dma_vec_map *map, gfp_t gfp)
{
	const struct dma_vec_table *tbl = map->tbl;
	unsigned long mask = dma_get_merge_boundary(map->dev);
	const struct dma_vec_prange *first = NULL, *last = NULL;
	struct dma_iova_state *state;
	unsigned int run = 0, i, n;
	u64 total = 0, off = 0;
	int ret;

	if (!mask)
		return -EOPNOTSUPP;

	/* Every inner boundary of the linked ranges must be IOVA aligned. */
	for (i = 0; i < tbl->nr; i++) {
		const struct dma_vec_prange *r = &tbl->ranges[i];

		if (i == dma_vec_run_end(tbl, run))
			run++;
		if (!dma_vec_needs_iommu(map->run_types[run]))
			continue;
		if (last && ((last->paddr + last->len) & mask))
			return -EOPNOTSUPP;
		if (first && (r->paddr & mask))
			return -EOPNOTSUPP;
		if (!first)
			first = r;
		last = r;
		total += r->len;
	}
	if (!first || (size_t)total != total)
		return -EOPNOTSUPP;

	state = kzalloc(sizeof(*state), gfp);
	if (!state)
		return -ENOMEM;
	if (!dma_iova_try_alloc(map->dev, state, first->paddr, total)) {
		kfree(state);
		return -EOPNOTSUPP;
	}

	run = 0;
	for (i = 0; i < tbl->nr; i++) {
		const struct dma_vec_prange *r = &tbl->ranges[i];
		enum dma_vec_map_type type;

		if (i == dma_vec_run_end(tbl, run))
			run++;
		type = map->run_types[run];
		map->ranges[i].len = r->len;
		if (!dma_vec_needs_iommu(type)) {
			map->ranges[i].addr = r->paddr +
				dma_vec_run(tbl, run)->provider->bus_offset;
			continue;
		}
		ret = dma_iova_link(map->dev, state, r->paddr, off, r->len,
				    map->dir, map->attrs |
				    (type == DMA_VEC_MAP_HOST ? 0 : DMA_ATTR_MMIO));
		if (ret)
			goto err;
		map->ranges[i].addr = state->addr + off;
		off += r->len;
	}
	ret = dma_iova_sync(map->dev, state, 0, off);
	if (ret)
		goto err;

	/* Merge what became contiguous. */
	for (i = 1, n = 0; i < tbl->nr; i++) {
		struct dma_vec_drange *prev = &map->ranges[n];

		if (map->ranges[i].addr == prev->addr + prev->len)
			prev->len += map->ranges[i].len;
		else
			map->ranges[++n] = map->ranges[i];
	}
	map->nr = n + 1;
	map->iova = state;
	map->iova_len = off;
	return 0;

err:
	if (off)
		dma_iova_destroy(map->dev, state, off, map->dir, map->attrs);
	else
		dma_iova_free(map->dev, state);
	kfree(state);
	return ret;
}

static void dma_vec_unmap_iova(struct dma_vec_map *map)
{
	dma_iova_destroy(map->dev, map->iova, map->iova_len, map->dir,
			 map->attrs);
	kfree(map->iova);
}

static size_t dma_vec_iova_bytes(void)
{
	return sizeof(struct dma_iova_state);
}
#else
static int dma_vec_map_iova(struct dma_vec_map *map, gfp_t gfp)
{
	return -EOPNOTSUPP;
}

static void dma_vec_unmap_iova(struct dma_vec_map *map)
{
	WARN_ON_ONCE(1);
}

static size_t dma_vec_iova_bytes(void)
{
	return 0;
}
#endif

/*
 * Detach links from their providers.  A link that revocation detached
 * already has no provider: the provider may be gone by now.
 */
static void dma_vec_unlink(struct dma_vec_map *map, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct __dma_vec_map_link *l = &map->links[i];
		struct dma_vec_provider *prov = READ_ONCE(l->prov);
		unsigned long flags;

		if (!prov)
			continue;
		spin_lock_irqsave(&prov->__p2p.lock, flags);
		if (l->prov) {
			list_del_init(&l->entry);
			WRITE_ONCE(l->prov, NULL);
		}
		spin_unlock_irqrestore(&prov->__p2p.lock, flags);
	}
}

/*
 * Register with every provider for revocation; fails if one is revoked.
 * The caller unlinks whatever was linked when this fails.
 */
static int dma_vec_link(struct dma_vec_map *map)
{
	unsigned int i;

	for (i = 0; i < map->nr_links; i++) {
		struct __dma_vec_map_link *l = &map->links[i];
		unsigned long flags;

		spin_lock_irqsave(&l->prov->__p2p.lock, flags);
		if (l->prov->__p2p.revoked) {
			spin_unlock_irqrestore(&l->prov->__p2p.lock, flags);
			return -ENODEV;
		}
		list_add_tail(&l->entry, &l->prov->__p2p.maps);
		spin_unlock_irqrestore(&l->prov->__p2p.lock, flags);
	}
	return 0;
}

static void dma_vec_unmap_dma(struct dma_vec_map *map)
{
	if (map->iova)
		dma_vec_unmap_iova(map);
	else
		dma_vec_unmap_ranges(map, map->nr);
}

/**
 * dma_vec_map_table - map a table for DMA by one device
 * @map: the mapping to fill in
 * @tbl: the table; it must stay valid and unchanged until dma_vec_unmap()
 * @dev: the device that will do the DMA
 * @dir: DMA direction
 * @attrs: DMA attributes (DMA_ATTR_*)
 * @ops: importer callbacks (revocation), or NULL
 * @priv: argument of the callbacks
 * @gfp: allocation flags
 *
 * Each run of @tbl is classified for @dev: host memory gets a streaming
 * mapping, peer memory below a common bridge its bus address, and peer
 * memory behind the host bridge an MMIO mapping (dma_map_resource():
 * no cache maintenance, never a bounce buffer).  Where the DMA layer
 * offers the two-step IOVA API the IOMMU-mapped ranges are coalesced into
 * one IOVA range.  The resulting DMA ranges are in @map->ranges.
 *
 * Context: Any context allowed by @gfp and by the DMA API; an I/O path
 * (queue_rq) passes GFP_ATOMIC.  Takes the providers' spinlocks.
 * Return: 0 on success; -EINVAL for an empty table or a bad direction;
 * -EREMOTEIO if some provider cannot be reached by @dev (the reason is
 * logged); -ENODEV if a provider was revoked; -ENOMEM; -EIO if the DMA
 * layer refused a mapping.  On error nothing is mapped, @map is untouched
 * and nothing is leaked.
 */
int dma_vec_map_table(struct dma_vec_map *map, const struct dma_vec_table *tbl,
		      struct device *dev, enum dma_data_direction dir,
		      unsigned long attrs, const struct dma_vec_map_ops *ops,
		      void *priv, gfp_t gfp)
{
	struct dma_vec_map m = {
		.dev = dev, .tbl = tbl, .dir = dir, .attrs = attrs,
		.ops = ops, .priv = priv,
	};
	struct dma_vec_map old = *map;
	unsigned int run, nr_links = 0;
	unsigned long flags;
	size_t bytes;
	void *buf;
	int ret;

	if (!tbl->nr || !valid_dma_direction(dir))
		return -EINVAL;

	for (run = 0; run < tbl->nr_runs; run++) {
		struct dma_vec_provider *prov = dma_vec_run(tbl, run)->provider;

		if (!prov)
			continue;
		if (READ_ONCE(prov->__p2p.revoked))
			return -ENODEV;
		nr_links++;
	}

	bytes = size_add(size_add(array_size(tbl->nr, sizeof(*m.ranges)),
				  array_size(nr_links, sizeof(*m.links))),
			 tbl->nr_runs);
	buf = kvmalloc(bytes, gfp);
	if (!buf)
		return -ENOMEM;
	m.ranges = buf;
	m.links = buf + tbl->nr * sizeof(*m.ranges);
	m.run_types = (u8 *)(m.links + nr_links);

	for (run = 0; run < tbl->nr_runs; run++) {
		struct dma_vec_provider *prov = dma_vec_run(tbl, run)->provider;
		enum dma_vec_map_type type = DMA_VEC_MAP_HOST;
		const char *why;

		if (prov) {
			type = dma_vec_classify(prov, dev, gfp, &why);
			if (type == DMA_VEC_MAP_NOT_SUPPORTED) {
				dev_dbg(dev, "cannot reach P2P memory of %s: %s\n",
					dev_name(prov->owner), why);
				ret = -EREMOTEIO;
				goto err_free;
			}
			m.links[m.nr_links].prov = prov;
			m.links[m.nr_links].map = map;
			INIT_LIST_HEAD(&m.links[m.nr_links].entry);
			m.nr_links++;
		}
		m.run_types[run] = type;
	}

	ret = dma_vec_map_iova(&m, gfp);
	if (ret == -EOPNOTSUPP)
		ret = dma_vec_map_ranges(&m);
	if (ret)
		goto err_free;

	/*
	 * Visible to revocation from here on: publish the mapping first.  A
	 * revocation before we are done only marks it; we then fail below.
	 */
	m.flags = BIT(DMA_VEC_MAP_LINKING);
	*map = m;
	spin_lock_init(&map->lock);
	ret = dma_vec_link(map);
	spin_lock_irqsave(&map->lock, flags);
	map->flags &= ~BIT(DMA_VEC_MAP_LINKING);
	if (!ret && (map->flags & BIT(DMA_VEC_MAP_REVOKED)))
		ret = -ENODEV;
	spin_unlock_irqrestore(&map->lock, flags);
	if (ret) {
		dma_vec_unlink(map, map->nr_links);
		dma_vec_unmap_dma(map);
		*map = old;
		goto err_free;
	}
	return 0;

err_free:
	kvfree(buf);
	return ret;
}
EXPORT_SYMBOL_GPL(dma_vec_map_table);

/**
 * dma_vec_unmap - undo dma_vec_map_table()
 * @map: the mapping
 *
 * Unmaps what was mapped, as it was mapped, and leaves @map empty.
 * Unmapping an empty (or already unmapped) mapping warns and does nothing.
 *
 * Context: Any context the DMA API allows unmapping in, completion
 * interrupts included.
 */
void dma_vec_unmap(struct dma_vec_map *map)
{
	if (WARN_ON_ONCE(!map->dev || !map->ranges))
		return;
	dma_vec_unlink(map, map->nr_links);
	dma_vec_unmap_dma(map);
	kvfree(map->ranges);
	memset(map, 0, sizeof(*map));
}
EXPORT_SYMBOL_GPL(dma_vec_unmap);

/* Sync the host memory ranges of a mapping; MMIO needs no maintenance. */
static void dma_vec_map_sync(const struct dma_vec_map *map, bool for_cpu)
{
	const struct dma_vec_table *tbl = map->tbl;
	unsigned int run = 0, i;
	u64 off = 0;

	if (WARN_ON_ONCE(!map->dev || !map->ranges))
		return;
	for (i = 0; i < tbl->nr; i++) {
		const struct dma_vec_prange *r = &tbl->ranges[i];
		enum dma_vec_map_type type;
		dma_addr_t addr;

		if (i == dma_vec_run_end(tbl, run))
			run++;
		type = map->run_types[run];
		if (map->iova) {
			/* Linked ranges follow each other in the IOVA. */
			if (!dma_vec_needs_iommu(type))
				continue;
			addr = map->ranges[0].addr + off;
			off += r->len;
		} else {
			addr = map->ranges[i].addr;
		}
		if (type != DMA_VEC_MAP_HOST)
			continue;
		if (for_cpu)
			dma_sync_single_for_cpu(map->dev, addr, r->len, map->dir);
		else
			dma_sync_single_for_device(map->dev, addr, r->len,
						   map->dir);
	}
}

/**
 * dma_vec_map_sync_for_cpu - give the CPU the host memory of a mapping
 * @map: the mapping
 *
 * Calls dma_sync_single_for_cpu() on every host memory range; peer (MMIO)
 * ranges need no cache maintenance and are skipped.
 *
 * Context: Any context.
 */
void dma_vec_map_sync_for_cpu(const struct dma_vec_map *map)
{
	dma_vec_map_sync(map, true);
}
EXPORT_SYMBOL_GPL(dma_vec_map_sync_for_cpu);

/**
 * dma_vec_map_sync_for_device - give the device the host memory of a mapping
 * @map: the mapping
 *
 * Calls dma_sync_single_for_device() on every host memory range; peer
 * (MMIO) ranges need no cache maintenance and are skipped.
 *
 * Context: Any context.
 */
void dma_vec_map_sync_for_device(const struct dma_vec_map *map)
{
	dma_vec_map_sync(map, false);
}
EXPORT_SYMBOL_GPL(dma_vec_map_sync_for_device);

/**
 * dma_vec_map_bytes - memory used by a mapping
 * @map: the mapping
 *
 * Counts the structure, the DMA range array (allocated for one range per
 * table range, even when coalescing needed fewer), the provider links, the
 * run types and the IOVA state.
 *
 * Context: Any context.
 * Return: the number of bytes.
 */
size_t dma_vec_map_bytes(const struct dma_vec_map *map)
{
	size_t bytes = sizeof(*map);

	if (!map->ranges)
		return bytes;
	bytes += map->tbl->nr * sizeof(*map->ranges) +
		 map->nr_links * sizeof(*map->links) + map->tbl->nr_runs;
	if (map->iova)
		bytes += dma_vec_iova_bytes();
	return bytes;
}
EXPORT_SYMBOL_GPL(dma_vec_map_bytes);

/**
 * dma_vec_dev_limits - chunk limits of a device's DMA parameters
 * @dev: the device
 * @lim: filled with its maximum segment size and segment boundary
 *
 * For walking a mapping with dma_vec_for_each_dma_chunk() in segments the
 * device accepts.
 *
 * Context: Any context.
 */
void dma_vec_dev_limits(struct device *dev, struct dma_vec_limits *lim)
{
	lim->max_seg = dma_get_max_seg_size(dev);
	lim->seg_boundary_mask = dma_get_seg_boundary(dev);
	lim->align = 1;
}
EXPORT_SYMBOL_GPL(dma_vec_dev_limits);

/**
 * dma_vec_provider_revoke - withdraw a provider's memory from all importers
 * @prov: the provider
 *
 * For a device reset or a memory move: new mappings of @prov fail with
 * -ENODEV, and every live mapping using it is detached and its importer's
 * invalidate callback called (once per mapping), after which the importer
 * stops DMA and unmaps.  The exporter must make the old addresses unusable
 * only after this returns.  Importers serialize their unmap with their
 * callback, so once this returns no mapping refers to @prov any more and
 * the exporter may destroy it, even before every importer has unmapped.
 *
 * Context: Process context; the callbacks run without the provider's lock.
 */
void dma_vec_provider_revoke(struct dma_vec_provider *prov)
{
	struct __dma_vec_map_link *l;
	unsigned long flags;

	spin_lock_irqsave(&prov->__p2p.lock, flags);
	prov->__p2p.revoked = true;
	while ((l = list_first_entry_or_null(&prov->__p2p.maps,
					     struct __dma_vec_map_link, entry))) {
		struct dma_vec_map *map = l->map;
		bool notify;

		list_del_init(&l->entry);
		WRITE_ONCE(l->prov, NULL);
		/* Once per mapping, and never before it is complete. */
		spin_lock(&map->lock);
		notify = !(map->flags & (BIT(DMA_VEC_MAP_REVOKED) |
					 BIT(DMA_VEC_MAP_LINKING)));
		map->flags |= BIT(DMA_VEC_MAP_REVOKED);
		spin_unlock(&map->lock);
		if (!notify)
			continue;
		spin_unlock_irqrestore(&prov->__p2p.lock, flags);
		if (map->ops && map->ops->invalidate)
			map->ops->invalidate(map, map->priv);
		spin_lock_irqsave(&prov->__p2p.lock, flags);
	}
	spin_unlock_irqrestore(&prov->__p2p.lock, flags);
}
EXPORT_SYMBOL_GPL(dma_vec_provider_revoke);
