// SPDX-License-Identifier: GPL-2.0
/*
 * dma_vec P2P: providers described from PCI BARs without struct pages,
 * classification of (provider, client) pairs by the rules of
 * drivers/pci/p2pdma.c, mapping of a table for one device, and revocation.
 */
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec_p2p.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/iommu-dma.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/pfn.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait_bit.h>
#include <asm/barrier.h>

/**
 * struct __dma_vec_map_link - ties a mapping to one provider run, for revocation
 * @entry: node in the maps list of the provider, under its lock
 * @prov: the provider while the link is attached, NULL once detached;
 *	changed under both the provider's and the map's lock, or by the
 *	only user of the map (while it is LINKING or UNMAPPING)
 * @map: the mapping
 */
struct __dma_vec_map_link {
	struct list_head entry;
	struct dma_vec_provider *prov;
	struct dma_vec_map *map;
};

/* Bits of &dma_vec_map.flags: a provider of the mapping was revoked; */
#define DMA_VEC_MAP_REVOKED	0
/* unmapping its host ranges does nothing (see dma_vec_need_unmap()). */
#define DMA_VEC_MAP_NO_HOST_UNMAP	1

/*
 * Does unmapping a streaming mapping of @dev do anything?  The rule of
 * dma_need_unmap() of later kernels, which 6.12 lacks: only dma-direct on
 * a coherent device that has never bounced through swiotlb, and without
 * DMA API debugging, unmaps for nothing.  A first bounce clears
 * dma_skip_sync, so dma_vec_io_map() asks again after each mapping.
 */
static bool dma_vec_need_unmap(struct device *dev)
{
	return IS_ENABLED(CONFIG_DMA_API_DEBUG) || get_dma_ops(dev) ||
	       use_dma_iommu(dev) || dma_dev_need_sync(dev);
}

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
 * dma_vec_provider_destroy() once nothing uses it any more.  @prov must
 * not be live: initialise fresh memory, or a provider that was destroyed
 * (re-initialising a live provider would lose its cached classifications
 * and the links of its mappings, and cannot be told from uninitialised
 * memory, so it is not checked).
 *
 * @bus_offset must be a multiple of PAGE_SIZE: the CPU and bus views of a
 * BAR differ by a host bridge's translation, which is at least page
 * granular on every platform, and a page-aligned chunk of the window must
 * stay page aligned on the bus (PRP entries, MR pages).  The window seen
 * from the bus, @base + @bus_offset (modulo 2^64) to its last byte, must
 * not wrap past the top of the 64-bit bus address space nor end exactly at
 * it, or mapping it would yield DMA ranges that wrap to address 0.
 *
 * Context: Any context; not concurrently with any other call on @prov.
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
	prov->__p2p.hot = NULL;
	INIT_LIST_HEAD(&prov->__p2p.maps);
	prov->__p2p.revoked = false;
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_provider_init);

/**
 * dma_vec_provider_destroy - release a provider
 * @prov: provider set up by dma_vec_provider_init()
 *
 * Drops the cached classifications and marks the provider revoked.  The
 * provider must no longer be used by any table being mapped, nor by any
 * I/O still mapping pieces with dma_vec_io_map() (whose inline case reads
 * the last cached classification without a lock).  A provider
 * that still has live mappings is not destroyed: that is a bug, reported
 * with a WARN and -EBUSY, and the provider stays as it was (revoke it
 * first: after dma_vec_provider_revoke() no mapping is linked to it).
 * Once destroyed, the provider may be freed, or initialised again with
 * dma_vec_provider_init() (a new generation of the same window).
 *
 * Context: Any context.  Takes the provider's spinlock.
 * Return: 0, or -EBUSY if mappings are still linked to @prov.
 */
int dma_vec_provider_destroy(struct dma_vec_provider *prov)
{
	struct dma_vec_client *c, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&prov->__p2p.lock, flags);
	if (WARN_ON_ONCE(!list_empty(&prov->__p2p.maps))) {
		spin_unlock_irqrestore(&prov->__p2p.lock, flags);
		return -EBUSY;
	}
	WRITE_ONCE(prov->__p2p.hot, NULL);
	list_for_each_entry_safe(c, tmp, &prov->__p2p.clients, entry) {
		list_del(&c->entry);
		kfree(c);
	}
	WRITE_ONCE(prov->__p2p.revoked, true);
	spin_unlock_irqrestore(&prov->__p2p.lock, flags);
	return 0;
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

/*
 * How @client reaches @provider, by the rules of drivers/pci/p2pdma.c,
 * which logs why a pair cannot do P2P DMA.  The reasons are the meaning
 * of each answer there.
 */
static enum dma_vec_map_type dma_vec_calc_type(struct pci_dev *provider,
					       struct pci_dev *client,
					       const char **reason)
{
	switch (pci_p2pdma_classify(provider, &client->dev, false)) {
	case PCI_P2PDMA_MAP_BUS_ADDR:
		*reason = "common upstream bridge without ACS redirect";
		return DMA_VEC_MAP_BUS_ADDR;
	case PCI_P2PDMA_MAP_THRU_HOST_BRIDGE:
		*reason = "through the host bridge (allow-listed, or an AMD Zen CPU)";
		return DMA_VEC_MAP_THRU_HOST_BRIDGE;
	default:
		*reason = "through a host bridge that is not allow-listed";
		return DMA_VEC_MAP_NOT_SUPPORTED;
	}
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
 * Asks pci_p2pdma_classify() of drivers/pci/p2pdma.c: a common upstream
 * bridge without ACS redirect gives the bus address; otherwise the traffic
 * goes through the host bridge, which is allowed on AMD Zen CPUs and on
 * allow-listed host bridges; anything else is not supported, and
 * p2pdma.c logs why.  Clients and providers must be PCI functions.  The
 * answer is cached per client in the provider (a failed cache allocation
 * only costs a recomputation, and a repeated log line) and dropped with
 * the provider.  A refusal is logged once per pair, by the lookup whose
 * entry was cached, even when first lookups of the pair race.  Cache
 * entries never change once made, and the one looked up last is found
 * without taking the provider's lock, so a provider serving one device
 * classifies it lock-free on every I/O.
 *
 * Context: Any context allowed by @gfp; takes the provider's spinlock
 * unless @client is the client it last answered.
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
	bool first;
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
	/* The hot path: the client asked last, without the lock. */
	c = smp_load_acquire(&prov->__p2p.hot);
	if (c && c->key == key) {
		type = c->type;
		why = c->reason;
		goto out;
	}
	spin_lock_irqsave(&prov->__p2p.lock, flags);
	list_for_each_entry(c, &prov->__p2p.clients, entry) {
		if (c->key == key) {
			type = c->type;
			why = c->reason;
			/* Pairs with the acquire above: @c never changes. */
			smp_store_release(&prov->__p2p.hot, c);
			spin_unlock_irqrestore(&prov->__p2p.lock, flags);
			goto out;
		}
	}
	spin_unlock_irqrestore(&prov->__p2p.lock, flags);

	type = dma_vec_calc_type(to_pci_dev(prov->owner), to_pci_dev(client),
				 &why);
	first = true;
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
				first = false;
				break;
			}
		}
		if (new) {
			list_add(&new->entry, &prov->__p2p.clients);
			/* Published complete, for the lock-free acquire. */
			smp_store_release(&prov->__p2p.hot, new);
		}
		spin_unlock_irqrestore(&prov->__p2p.lock, flags);
	}
	/* p2pdma.c says why, once: from the lookup that made the entry. */
	if (first && type == DMA_VEC_MAP_NOT_SUPPORTED)
		pci_p2pdma_classify(to_pci_dev(prov->owner), client, true);
out:
	if (reason)
		*reason = why;
	return type;
}
EXPORT_SYMBOL_GPL(dma_vec_classify);

/* Map one range that does not go through the two-step IOVA API. */
static int dma_vec_map_range(struct device *dev, enum dma_data_direction dir,
			     unsigned long attrs,
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
		*addr = dma_map_resource(dev, r->paddr, r->len, dir, attrs);
		break;
	case DMA_VEC_MAP_HOST:
		/* The caller checked it is RAM (or was told so). */
		*addr = dma_map_page_attrs(dev, pfn_to_page(PHYS_PFN(r->paddr)),
					   offset_in_page(r->paddr), r->len,
					   dir, attrs);
		break;
	default:
		WARN_ON_ONCE(1);
		return -EINVAL;
	}
	return dma_mapping_error(dev, *addr) ? -EIO : 0;
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

/* The end (exclusive) of run @run of a mapping, in table range indices. */
static unsigned int dma_vec_map_run_end(const struct dma_vec_map *map,
					unsigned int run)
{
	return run + 1 < map->nr_runs ? map->run_first[run + 1] : map->nr_src;
}

/*
 * Undo the first @nr ranges of a range-by-range mapping.  Runs that need
 * no unmapping (bus addresses; host memory where unmapping does nothing)
 * are skipped whole.
 */
static void dma_vec_unmap_ranges(const struct dma_vec_map *map,
				 unsigned int nr)
{
	bool host = !test_bit(DMA_VEC_MAP_NO_HOST_UNMAP, &map->flags);
	unsigned int run, i, end;

	for (run = 0, i = 0; i < nr; run++, i = end) {
		enum dma_vec_map_type type = map->run_types[run];

		end = min(dma_vec_map_run_end(map, run), nr);
		if (type == DMA_VEC_MAP_BUS_ADDR ||
		    (type == DMA_VEC_MAP_HOST && !host))
			continue;
		for (; i < end; i++)
			dma_vec_unmap_range(map, &map->ranges[i], type);
	}
}

/*
 * Map every range of @tbl range by range (no two-step IOVA), a run of host
 * memory with one dma_map_pranges() call for the ranges checked to be RAM.
 */
static int dma_vec_map_ranges(struct dma_vec_map *map,
			      const struct dma_vec_table *tbl)
{
	unsigned int run, i = 0, end, ok;
	int ret;

	for (run = 0; run < tbl->nr_runs; run++) {
		enum dma_vec_map_type type = map->run_types[run];
		const struct dma_vec_provider *prov;
		const struct dma_vec_prange *r;

		end = dma_vec_run_end(tbl, run);
		if (type == DMA_VEC_MAP_HOST) {
			for (ok = i; ok < end; ok++) {
				r = &tbl->ranges[ok];
				if (!__dma_vec_host_ram(r->paddr, r->len))
					break;
			}
			i += dma_map_pranges(map->dev, tbl->ranges + i,
					     map->ranges + i, ok - i, map->dir,
					     map->attrs);
			if (i < end) {
				ret = i < ok ? -EIO : -EFAULT;
				goto err;
			}
			continue;
		}
		prov = dma_vec_run(tbl, run)->provider;
		for (; i < end; i++) {
			map->ranges[i].len = tbl->ranges[i].len;
			ret = dma_vec_map_range(map->dev, map->dir, map->attrs,
						&tbl->ranges[i], type, prov,
						&map->ranges[i].addr);
			if (ret)
				goto err;
		}
	}
	map->nr = tbl->nr;
	return 0;
err:
	dma_vec_unmap_ranges(map, i);
	return ret;
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
/*
 * The IOVA state of a coalesced mapping, with the length of every table
 * range so that syncing needs no table: linked ranges follow each other
 * in the IOVA in table order.
 */
struct dma_vec_iova {
	struct dma_iova_state state;
	u64 lens[];
};

static int dma_vec_map_iova(struct dma_vec_map *map,
			    const struct dma_vec_table *tbl, gfp_t gfp)
{
	unsigned long mask = dma_get_merge_boundary(map->dev);
	const struct dma_vec_prange *first = NULL, *last = NULL;
	struct dma_iova_state *state;
	struct dma_vec_iova *iova;
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

	iova = kzalloc(struct_size(iova, lens, tbl->nr), gfp);
	if (!iova)
		return -ENOMEM;
	state = &iova->state;
	if (!dma_iova_try_alloc(map->dev, state, first->paddr, total)) {
		kfree(iova);
		return -EOPNOTSUPP;
	}

	run = 0;
	for (i = 0; i < tbl->nr; i++) {
		const struct dma_vec_prange *r = &tbl->ranges[i];
		enum dma_vec_map_type type;

		if (i == dma_vec_run_end(tbl, run))
			run++;
		type = map->run_types[run];
		iova->lens[i] = r->len;
		map->ranges[i].len = r->len;
		if (!dma_vec_needs_iommu(type)) {
			map->ranges[i].addr = r->paddr +
				dma_vec_run(tbl, run)->provider->bus_offset;
			continue;
		}
		if (type == DMA_VEC_MAP_HOST &&
		    !__dma_vec_host_ram(r->paddr, r->len)) {
			ret = -EFAULT;
			goto err;
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
	map->iova = iova;
	map->iova_len = off;
	return 0;

err:
	if (off)
		dma_iova_destroy(map->dev, state, off, map->dir, map->attrs);
	else
		dma_iova_free(map->dev, state);
	kfree(iova);
	return ret;
}

static void dma_vec_unmap_iova(struct dma_vec_map *map)
{
	struct dma_vec_iova *iova = map->iova;

	dma_iova_destroy(map->dev, &iova->state, map->iova_len, map->dir,
			 map->attrs);
	kfree(iova);
}

/* The IOVA address and length of table range @i of a coalesced mapping. */
static dma_addr_t dma_vec_iova_range(const struct dma_vec_map *map,
				     unsigned int i, u64 off, u64 *len)
{
	const struct dma_vec_iova *iova = map->iova;

	*len = iova->lens[i];
	return iova->state.addr + off;
}

static size_t dma_vec_iova_bytes(const struct dma_vec_map *map)
{
	const struct dma_vec_iova *iova = map->iova;

	return struct_size(iova, lens, map->nr_src);
}
#else
static int dma_vec_map_iova(struct dma_vec_map *map,
			    const struct dma_vec_table *tbl, gfp_t gfp)
{
	return -EOPNOTSUPP;
}

static void dma_vec_unmap_iova(struct dma_vec_map *map)
{
	WARN_ON_ONCE(1);
}

static dma_addr_t dma_vec_iova_range(const struct dma_vec_map *map,
				     unsigned int i, u64 off, u64 *len)
{
	WARN_ON_ONCE(1);
	*len = 0;
	return 0;
}

static size_t dma_vec_iova_bytes(const struct dma_vec_map *map)
{
	return 0;
}
#endif

/*
 * DOC: mapping life cycle and revocation
 *
 * A provider keeps the links of the mappings that use it on its ``maps``
 * list, under its spinlock.  A mapping moves through these states, kept
 * in &dma_vec_map.state under &dma_vec_map.lock (lock order: provider
 * lock, then map lock):
 *
 * - IDLE (zero): not mapped.  dma_vec_map_table() accepts only an IDLE map
 *   and refuses a live one with -EBUSY.
 * - LINKING: dma_vec_map_table() is adding links.  A revocation detaches
 *   the link and sets DMA_VEC_MAP_REVOKED; dma_vec_map_table() then fails
 *   with -ENODEV and nobody is called back.
 * - LIVE: mapped.  A revocation detaches the link and sets
 *   DMA_VEC_MAP_REVOKED; if the importer gave an invalidate callback, it
 *   moves the map to REVOKING first.
 * - REVOKING: dma_vec_provider_revoke() runs the invalidate callback,
 *   without any lock held.  It read the callback and its argument under
 *   the map lock, and touches the map again only if the callback did not
 *   unmap it, to move it back to LIVE.  dma_vec_unmap() from the callback
 *   proceeds at once; from anywhere else it waits for the callback to
 *   return, so the importer's callback never runs on a map, or with a
 *   @priv, that was unmapped under it.
 * - UNMAPPING: dma_vec_unmap() is removing the links that are still
 *   attached.  A revocation leaves those links alone and waits for them to
 *   go, so the provider outlives every unmap that may still lock it, and
 *   once dma_vec_provider_revoke() returns no link of any map refers to
 *   the provider.
 *
 * After dma_vec_unmap() returns, the P2P layer never touches the map
 * again: the importer may free it.
 */

/*
 * Lockdep's view of "an invalidate callback runs": held around every
 * callback, and taken and released by an unmap that may wait for one.  An
 * importer that holds a lock across dma_vec_unmap() which its callback
 * also takes is reported as a lock inversion, before it ever deadlocks.
 */
#ifdef CONFIG_LOCKDEP
static struct lockdep_map dma_vec_invalidate_map = {
	.name = "dma_vec_invalidate",
};
#endif

/* States of &dma_vec_map.state; unlikely values, except IDLE. */
#define DMA_VEC_MAP_IDLE	0U
#define DMA_VEC_MAP_LINKING	0x4c4e4b21U
#define DMA_VEC_MAP_LIVE	0x4c495621U
#define DMA_VEC_MAP_REVOKING	0x52564b21U
#define DMA_VEC_MAP_UNMAPPING	0x554e4d21U

/**
 * struct __dma_vec_revoker - a revocation running an invalidate callback
 * @task: the task running the callback
 * @unmapped: the callback unmapped the map (the revocation must not touch
 *	it again)
 *
 * Lives on the stack of dma_vec_provider_revoke(); &dma_vec_map.revoker
 * points to it while the map is REVOKING.
 */
struct __dma_vec_revoker {
	struct task_struct *task;
	bool unmapped;
};

/*
 * Take every link that is still attached off its provider's list.  The
 * caller moved the map to UNMAPPING (or it is LINKING and only the caller
 * links it), so no revocation detaches links meanwhile, and every provider
 * with an attached link is alive: revocation waits for those links and
 * destruction refuses while they exist.
 */
static void dma_vec_unlink(struct dma_vec_map *map, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct __dma_vec_map_link *l = &map->links[i];
		struct dma_vec_provider *prov = l->prov;
		unsigned long flags;

		if (!prov)
			continue;
		spin_lock_irqsave(&prov->__p2p.lock, flags);
		list_del_init(&l->entry);
		l->prov = NULL;
		spin_unlock_irqrestore(&prov->__p2p.lock, flags);
		/* A revocation may wait for this link to go. */
		smp_mb();
		wake_up_var(&prov->__p2p.maps);
	}
}

/*
 * Register with every provider for revocation; fails if one is revoked.
 * On failure the links not added have no provider, and the caller unlinks
 * the others.
 */
static int dma_vec_link(struct dma_vec_map *map)
{
	unsigned int i;

	for (i = 0; i < map->nr_links; i++) {
		struct __dma_vec_map_link *l = &map->links[i];
		struct dma_vec_provider *prov = l->prov;
		unsigned long flags;

		spin_lock_irqsave(&prov->__p2p.lock, flags);
		if (prov->__p2p.revoked) {
			spin_unlock_irqrestore(&prov->__p2p.lock, flags);
			for (; i < map->nr_links; i++)
				map->links[i].prov = NULL;
			return -ENODEV;
		}
		list_add_tail(&l->entry, &prov->__p2p.maps);
		spin_unlock_irqrestore(&prov->__p2p.lock, flags);
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

static bool dma_vec_map_is_live(unsigned int state)
{
	return state == DMA_VEC_MAP_LINKING || state == DMA_VEC_MAP_LIVE ||
	       state == DMA_VEC_MAP_REVOKING || state == DMA_VEC_MAP_UNMAPPING;
}

/*
 * The DMA range array of a large mapping is an allocation of its own, so
 * that a power of two of ranges (1 GiB of 4 KiB pages is 4 MiB) is one
 * block of pages rather than a vmalloc area just over it; a small one
 * shares one allocation with the links and run records.
 */
static bool dma_vec_map_split(unsigned int nr)
{
	return (size_t)nr * sizeof(struct dma_vec_drange) >= SZ_64K;
}

/* Free the arrays of a mapping made by dma_vec_map_table(). */
static void dma_vec_map_free(struct dma_vec_map *map)
{
	if (dma_vec_map_split(map->nr_src))
		kvfree(map->links);
	kvfree(map->ranges);
}

/**
 * dma_vec_map_table - map a table for DMA by one device
 * @map: the mapping to fill in; zeroed, or left by dma_vec_unmap()
 * @tbl: the table; it must stay unchanged during the call, and may be
 *	changed or released once the call returned
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
 * one IOVA range.  The resulting DMA ranges are in @map->ranges.  @map
 * records everything dma_vec_unmap() and the syncs need: neither reads
 * @tbl again.  The providers of @tbl must stay valid (not destroyed) for
 * the duration of the call; once mapped, the mapping is linked to them
 * until it is unmapped or they are revoked.
 *
 * Context: Any context allowed by @gfp and by the DMA API; an I/O path
 * (queue_rq) passes GFP_ATOMIC.  Takes the providers' spinlocks.
 * Return: 0 on success; -EBUSY if @map is still mapped (with a WARN);
 * -EINVAL for an empty table or a bad direction; -EREMOTEIO if some
 * provider cannot be reached by @dev (the reason is logged); -ENODEV if a
 * provider was revoked, before or during the call; -EFAULT if a host
 * range does not start and end in RAM with a struct page; -ENOMEM; -EIO if
 * the DMA layer refused a mapping.  On error nothing is mapped, @map is
 * untouched and nothing is leaked.
 */
int dma_vec_map_table(struct dma_vec_map *map, const struct dma_vec_table *tbl,
		      struct device *dev, enum dma_data_direction dir,
		      unsigned long attrs, const struct dma_vec_map_ops *ops,
		      void *priv, gfp_t gfp)
{
	struct dma_vec_map m = {
		.dev = dev, .dir = dir, .attrs = attrs, .ops = ops,
		.priv = priv, .nr_src = tbl->nr, .nr_runs = tbl->nr_runs,
	};
	struct dma_vec_map old = *map;
	unsigned int run, nr_links = 0;
	unsigned long flags;
	size_t bytes, rbytes;
	void *buf;
	int ret;

	if (WARN_ON_ONCE(dma_vec_map_is_live(READ_ONCE(map->state))))
		return -EBUSY;
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

	rbytes = array_size(tbl->nr, sizeof(*m.ranges));
	bytes = size_add(array_size(nr_links, sizeof(*m.links)),
			 array_size(tbl->nr_runs, sizeof(*m.run_first) + 1));
	if (dma_vec_map_split(tbl->nr)) {
		m.ranges = kvmalloc(rbytes, gfp);
		buf = m.ranges ? kvmalloc(bytes, gfp) : NULL;
		if (!buf) {
			kvfree(m.ranges);
			return -ENOMEM;
		}
		m.links = buf;
	} else {
		buf = kvmalloc(size_add(rbytes, bytes), gfp);
		if (!buf)
			return -ENOMEM;
		m.ranges = buf;
		m.links = buf + rbytes;
	}
	m.run_first = (unsigned int *)(m.links + nr_links);
	m.run_types = (u8 *)(m.run_first + tbl->nr_runs);

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
		m.run_first[run] = dma_vec_run(tbl, run)->first;
		m.run_types[run] = type;
	}

	ret = dma_vec_map_iova(&m, tbl, gfp);
	if (ret == -EOPNOTSUPP) {
		bool need_unmap = dma_vec_need_unmap(dev);

		ret = dma_vec_map_ranges(&m, tbl);
		/* Asked again after: a first swiotlb bounce makes it count. */
		if (!need_unmap && !dma_vec_need_unmap(dev))
			set_bit(DMA_VEC_MAP_NO_HOST_UNMAP, &m.flags);
	}
	if (ret)
		goto err_free;

	/*
	 * Visible to revocation from here on: publish the mapping first (the
	 * provider locks taken by dma_vec_link() order these stores before
	 * any revocation reads them).  A revocation before we are done only
	 * detaches and marks; we then fail below.
	 */
	m.state = DMA_VEC_MAP_LINKING;
	*map = m;
	spin_lock_init(&map->lock);
	ret = dma_vec_link(map);
	spin_lock_irqsave(&map->lock, flags);
	if (!ret && test_bit(DMA_VEC_MAP_REVOKED, &map->flags))
		ret = -ENODEV;
	WRITE_ONCE(map->state, ret ? DMA_VEC_MAP_UNMAPPING : DMA_VEC_MAP_LIVE);
	spin_unlock_irqrestore(&map->lock, flags);
	if (ret) {
		dma_vec_unlink(map, map->nr_links);
		dma_vec_unmap_dma(map);
		*map = old;
		goto err_free;
	}
	return 0;

err_free:
	dma_vec_map_free(&m);
	return ret;
}
EXPORT_SYMBOL_GPL(dma_vec_map_table);

static bool dma_vec_map_not_revoking(struct dma_vec_map *map)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&map->lock, flags);
	done = map->state != DMA_VEC_MAP_REVOKING;
	spin_unlock_irqrestore(&map->lock, flags);
	return done;
}

/**
 * dma_vec_unmap - undo dma_vec_map_table()
 * @map: the mapping
 *
 * Unmaps what was mapped, as it was mapped, from what @map recorded (the
 * table may be gone), detaches @map from the providers it is still linked
 * to, and leaves @map zeroed.  If a revocation is running @map's
 * invalidate callback, dma_vec_unmap() called from that callback proceeds
 * at once, and called from anywhere else waits until the callback has
 * returned: so the importer must not hold, across dma_vec_unmap(), a lock
 * its callback takes.  After dma_vec_unmap() returns, nothing in the P2P
 * layer touches @map any more.  Unmapping a map that is not mapped warns
 * and does nothing.
 *
 * Context: Any context the DMA API allows unmapping in, completion
 * interrupts included, for a mapping made without an invalidate callback.
 * A mapping with an invalidate callback may sleep (it may wait for the
 * callback) unless unmapped from that callback.  Takes the map's and the
 * providers' spinlocks.
 */
void dma_vec_unmap(struct dma_vec_map *map)
{
	unsigned long flags;

	if (WARN_ON_ONCE(!dma_vec_map_is_live(READ_ONCE(map->state)) ||
			 !map->ranges))
		return;

	spin_lock_irqsave(&map->lock, flags);
	if (WARN_ON_ONCE(map->state != DMA_VEC_MAP_LIVE &&
			 map->state != DMA_VEC_MAP_REVOKING)) {
		/* LINKING or UNMAPPING: a call racing its own map or unmap. */
		spin_unlock_irqrestore(&map->lock, flags);
		return;
	}
	if (map->state == DMA_VEC_MAP_REVOKING &&
	    map->revoker->task == current) {
		/* From the callback: the revocation must let go of @map. */
		map->revoker->unmapped = true;
	} else if (map->ops && map->ops->invalidate) {
		/* It may have to wait for a callback: say so every time. */
		spin_unlock_irqrestore(&map->lock, flags);
		might_sleep();
		lock_map_acquire(&dma_vec_invalidate_map);
		lock_map_release(&dma_vec_invalidate_map);
		spin_lock_irqsave(&map->lock, flags);
		while (map->state == DMA_VEC_MAP_REVOKING) {
			spin_unlock_irqrestore(&map->lock, flags);
			wait_var_event(&map->state,
				       dma_vec_map_not_revoking(map));
			spin_lock_irqsave(&map->lock, flags);
		}
		if (WARN_ON_ONCE(map->state != DMA_VEC_MAP_LIVE)) {
			/* The callback unmapped it meanwhile: a double unmap. */
			spin_unlock_irqrestore(&map->lock, flags);
			return;
		}
	}
	map->revoker = NULL;
	WRITE_ONCE(map->state, DMA_VEC_MAP_UNMAPPING);
	spin_unlock_irqrestore(&map->lock, flags);

	dma_vec_unlink(map, map->nr_links);
	dma_vec_unmap_dma(map);
	dma_vec_map_free(map);
	memset(map, 0, sizeof(*map));
}
EXPORT_SYMBOL_GPL(dma_vec_unmap);

/* Sync the host memory ranges of a mapping; MMIO needs no maintenance. */
static void dma_vec_map_sync(const struct dma_vec_map *map, bool for_cpu)
{
	unsigned int run = 0, i;
	u64 off = 0;

	if (WARN_ON_ONCE(!dma_vec_map_is_live(READ_ONCE(map->state)) ||
			 !map->ranges))
		return;
	for (i = 0; i < map->nr_src; i++) {
		enum dma_vec_map_type type;
		dma_addr_t addr;
		u64 len;

		while (i == dma_vec_map_run_end(map, run))
			run++;
		type = map->run_types[run];
		if (map->iova) {
			/* Linked ranges follow each other in the IOVA. */
			if (!dma_vec_needs_iommu(type))
				continue;
			addr = dma_vec_iova_range(map, i, off, &len);
			off += len;
		} else {
			addr = map->ranges[i].addr;
			len = map->ranges[i].len;
		}
		if (type != DMA_VEC_MAP_HOST)
			continue;
		if (for_cpu)
			dma_sync_single_for_cpu(map->dev, addr, len, map->dir);
		else
			dma_sync_single_for_device(map->dev, addr, len,
						   map->dir);
	}
}

/**
 * dma_vec_map_sync_for_cpu - give the CPU the host memory of a mapping
 * @map: the mapping
 *
 * Calls dma_sync_single_for_cpu() on every host memory range; peer (MMIO)
 * ranges need no cache maintenance and are skipped.  Reads only @map (not
 * the table).  A map that is not mapped warns and is ignored.
 *
 * Context: Any context; the caller keeps @map mapped during the call.
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
 * (MMIO) ranges need no cache maintenance and are skipped.  Reads only
 * @map (not the table).  A map that is not mapped warns and is ignored.
 *
 * Context: Any context; the caller keeps @map mapped during the call.
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
 * run records and the IOVA state.
 *
 * Context: Any context; the caller keeps @map stable during the call.
 * Return: the number of bytes.
 */
size_t dma_vec_map_bytes(const struct dma_vec_map *map)
{
	size_t bytes = sizeof(*map);

	if (!map->ranges)
		return bytes;
	bytes += map->nr_src * sizeof(*map->ranges) +
		 map->nr_links * sizeof(*map->links) +
		 map->nr_runs * (sizeof(*map->run_first) + 1);
	if (map->iova)
		bytes += dma_vec_iova_bytes(map);
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
 * dma_vec_io_start - set up the one-pass mapping of one I/O
 * @io: the state to set up (see &struct dma_vec_io)
 * @dev: the device that will do the DMA
 * @dir: DMA direction
 * @attrs: DMA attributes (DMA_ATTR_*)
 * @max_map: dma_max_mapping_size() of @dev, read once when the device was
 *	set up (it is too slow to ask per I/O); host ranges are mapped in
 *	pieces of at most this many bytes, cut on page boundaries
 *
 * Allocates nothing and cannot fail.  Every @io that was started must be
 * ended with dma_vec_io_end(), whatever happened in between.
 *
 * Context: Any context.
 */
void dma_vec_io_start(struct dma_vec_io *io, struct device *dev,
		      enum dma_data_direction dir, unsigned long attrs,
		      u64 max_map)
{
	io->dev = dev;
	io->dir = dir;
	io->attrs = attrs;
	io->max_map = clamp_t(u64, max_map & PAGE_MASK, PAGE_SIZE,
			      U32_MAX & PAGE_MASK);
	io->need_unmap = dma_vec_need_unmap(dev);
	io->host_pages = false;
	io->key = dev_is_pci(dev) ? dma_vec_client_key(to_pci_dev(dev)) :
				    DMA_VEC_NO_CLIENT;
	io->p2p = false;
	io->prov = NULL;
	io->type = DMA_VEC_MAP_UNKNOWN;
	io->recs = io->inl;
	io->nr_recs = 0;
	io->cap_recs = DMA_VEC_IO_INLINE;
}
EXPORT_SYMBOL_GPL(dma_vec_io_start);

/* Room for @n more records; the inline ones first, then doubling. */
static int dma_vec_io_reserve(struct dma_vec_io *io, unsigned int n, gfp_t gfp)
{
	struct dma_vec_io_rec *recs;
	unsigned int cap = io->cap_recs, want;

	if (check_add_overflow(io->nr_recs, n, &want))
		return -E2BIG;
	if (want <= cap)
		return 0;
	while (cap < want)
		if (check_mul_overflow(cap, 2U, &cap))
			return -E2BIG;
	recs = kmalloc_array(cap, sizeof(*recs), gfp);
	if (!recs)
		return -ENOMEM;
	memcpy(recs, io->recs, io->nr_recs * sizeof(*recs));
	if (io->recs != io->inl)
		kfree(io->recs);
	io->recs = recs;
	io->cap_recs = cap;
	return 0;
}

static void dma_vec_io_unmap_rec(const struct dma_vec_io *io,
				 const struct dma_vec_io_rec *rec)
{
	if (rec->mmio)
		dma_unmap_resource(io->dev, rec->addr, rec->len, io->dir,
				   io->attrs);
	else
		dma_unmap_page_attrs(io->dev, rec->addr, rec->len, io->dir,
				     io->attrs);
}

/* Class of @prov for the device of @io, from the last one or the cache. */
static int dma_vec_io_type(struct dma_vec_io *io,
			   struct dma_vec_provider *prov, gfp_t gfp)
{
	const char *why;

	if (READ_ONCE(prov->__p2p.revoked))
		return -ENODEV;
	if (prov != io->prov) {
		io->type = dma_vec_classify(prov, io->dev, gfp, &why);
		io->prov = prov;
		if (io->type == DMA_VEC_MAP_NOT_SUPPORTED)
			dev_dbg(io->dev, "cannot reach P2P memory of %s: %s\n",
				dev_name(prov->owner), why);
	}
	return io->type == DMA_VEC_MAP_NOT_SUPPORTED ? -EREMOTEIO : 0;
}

/**
 * __dma_vec_io_map - dma_vec_io_map() beyond its inline common case
 * @io: the I/O
 * @paddr: CPU physical address of the range
 * @len: its length in bytes
 * @prov: its provider, or NULL for host memory
 * @out: filled with the DMA range of the piece mapped
 * @gfp: allocation flags
 *
 * Peer memory, host memory that is recorded or cut, and every error.
 *
 * Context: As dma_vec_io_map().
 * Return: As dma_vec_io_map().
 */
int __dma_vec_io_map(struct dma_vec_io *io, phys_addr_t paddr, u64 len,
		     struct dma_vec_provider *prov, struct dma_vec_drange *out,
		     gfp_t gfp)
{
	struct dma_vec_io_rec *rec;
	struct dma_vec_prange r;
	u64 last;
	int ret;

	if (!len)
		return -EINVAL;
	if (check_add_overflow((u64)paddr, len - 1, &last) ||
	    last > PHYS_ADDR_MAX)
		return -EOVERFLOW;

	if (prov) {
		if (!dma_vec_provider_holds(prov, paddr, len))
			return -ERANGE;
		ret = dma_vec_io_type(io, prov, gfp);
		if (ret)
			return ret;
		io->p2p = true;
		if (io->type == DMA_VEC_MAP_BUS_ADDR) {
			out->addr = paddr + prov->bus_offset;
			out->len = len;
			return 0;
		}
		/* Through the host bridge: MMIO, recorded like host memory. */
		len = min(len, U32_MAX & PAGE_MASK);
	} else {
		len = min(len, io->max_map - offset_in_page(paddr));
	}

	r.paddr = paddr;
	r.len = len;
	if (!prov && !io->host_pages && !__dma_vec_host_ram(paddr, len))
		return -EFAULT;
	if (prov || io->need_unmap) {
		ret = dma_vec_io_reserve(io, 1, gfp);
		if (ret)
			return ret;
	}
	ret = dma_vec_map_range(io->dev, io->dir, io->attrs, &r,
				prov ? io->type : DMA_VEC_MAP_HOST, prov,
				&out->addr);
	if (ret)
		return ret;
	out->len = len;
	if (!prov && !io->need_unmap) {
		/* A first swiotlb bounce may just have made unmaps count. */
		if (!dma_vec_need_unmap(io->dev))
			return 0;
		return __dma_vec_io_record(io, out, gfp);
	}
	rec = &io->recs[io->nr_recs++];
	rec->addr = out->addr;
	rec->len = len;
	rec->mmio = !!prov;
	return 0;
}
EXPORT_SYMBOL_GPL(__dma_vec_io_map);

/*
 * Map @in[0..@i) of a batch of @nr host ranges with one dma_map_pranges()
 * call, recording them where unmapping counts; range @i, if any, is the
 * first one the checks refused or that must be cut, and goes through
 * __dma_vec_io_map() for its error or its first piece.
 */
static __always_inline int
dma_vec_io_map_batch(struct dma_vec_io *io, const struct dma_vec_prange *in,
		     struct dma_vec_drange *out, unsigned int i,
		     unsigned int nr, gfp_t gfp, unsigned int *mapped)
{
	struct dma_vec_io_rec *rec;
	unsigned int n = 0, k;
	int ret = 0;

	if (i && io->need_unmap) {
		/* Room first: a range mapped never goes without its record. */
		ret = dma_vec_io_reserve(io, i, gfp);
		if (ret) {
			*mapped = 0;
			return ret;
		}
		n = dma_map_pranges(io->dev, in, out, i, io->dir, io->attrs);
		for (k = 0; k < n; k++) {
			rec = &io->recs[io->nr_recs++];
			rec->addr = out[k].addr;
			rec->len = out[k].len;
			rec->mmio = 0;
		}
	} else if (i) {
		n = dma_map_pranges(io->dev, in, out, i, io->dir, io->attrs);
		/* A first swiotlb bounce makes unmapping count from now on. */
		if (n && unlikely(dma_vec_need_unmap(io->dev))) {
			for (k = 0; k < n; k++) {
				ret = __dma_vec_io_record(io, &out[k], gfp);
				if (ret)
					break;
			}
			if (ret) {
				/* out[k] is unmapped; so go the ones after it. */
				*mapped = k;
				while (++k < n)
					dma_unmap_page_attrs(io->dev, out[k].addr,
							     out[k].len, io->dir,
							     io->attrs);
				return ret;
			}
		}
	}
	if (n < i) {
		ret = -EIO;
	} else if (i < nr) {
		/* Every error, and a range cut at the mapping size. */
		ret = __dma_vec_io_map(io, in[i].paddr, in[i].len, NULL,
				       &out[i], gfp);
		if (!ret)
			n++;
	}
	*mapped = n;
	return ret;
}

/**
 * dma_vec_io_map_host - map a batch of host ranges of an I/O in one call
 * @io: the I/O, set up by dma_vec_io_start()
 * @in: the ranges, host memory, in transfer order
 * @out: filled with the DMA range of each range mapped
 * @nr: number of ranges in @in and @out
 * @gfp: allocation flags for the records of a device whose unmaps count
 * @mapped: set to the number of ranges mapped, from the first
 *
 * As dma_vec_io_map() of each range in turn, with one dma_map_pranges()
 * call for the ranges that fit a mapping whole: a device whose unmaps do
 * nothing maps them in one loop of the DMA layer and records nothing.
 * Stops at the first range that fails, and after a range mapped cut at
 * the mapping size (its &struct dma_vec_drange is shorter than the range;
 * the caller maps the rest).  Every range mapped is recorded in @io
 * where unmapping counts, for dma_vec_io_end().
 *
 * Context: As dma_vec_io_map().
 * Return: 0 if *@mapped is @nr or the last range mapped was cut; else the
 * error of dma_vec_io_map() for range *@mapped, nothing of which is mapped.
 */
int dma_vec_io_map_host(struct dma_vec_io *io, const struct dma_vec_prange *in,
			struct dma_vec_drange *out, unsigned int nr, gfp_t gfp,
			unsigned int *mapped)
{
	unsigned int i;

	/* Vouched for or not is decided once per batch, not per range. */
	i = 0;
	if (io->host_pages)
		while (i < nr &&
		       __dma_vec_io_host_ok(io, in[i].paddr, in[i].len, true))
			i++;
	else
		while (i < nr &&
		       __dma_vec_io_host_ok(io, in[i].paddr, in[i].len, false))
			i++;
	return dma_vec_io_map_batch(io, in, out, i, nr, gfp, mapped);
}
EXPORT_SYMBOL_GPL(dma_vec_io_map_host);

/* The whole batch, checked by the caller, to the DMA layer. */
static noinline int dma_vec_io_map_checked(struct dma_vec_io *io,
					   const struct dma_vec_prange *in,
					   struct dma_vec_drange *out,
					   unsigned int nr, gfp_t gfp,
					   unsigned int *mapped)
{
	return dma_vec_io_map_batch(io, in, out, nr, nr, gfp, mapped);
}

/**
 * __dma_vec_io_map_host - dma_vec_io_map_host() of ranges the caller checked
 * @io: the I/O, set up by dma_vec_io_start()
 * @in: the ranges, host memory, in transfer order
 * @out: filled with the DMA range of each range mapped
 * @nr: number of ranges in @in and @out
 * @gfp: allocation flags for the records of a device whose unmaps count
 * @mapped: set to the number of ranges mapped, from the first
 *
 * For a loop built on dma_vec_io_map_host() that already refused, range
 * by range as it merged them, what its checks refuse: every range of @in
 * is not empty, does not wrap, and fits one mapping whole (at most
 * @io->max_map bytes from its page offset).  On an I/O whose host pages
 * were vouched for (dma_vec_io_host_pages()) the batch then goes to the
 * DMA layer with no check at all; on any other the ranges are checked as
 * dma_vec_io_map_host() checks them.
 *
 * Context: As dma_vec_io_map().
 * Return: As dma_vec_io_map_host(); -EIO if the DMA layer refused range
 * *@mapped.
 */
int __dma_vec_io_map_host(struct dma_vec_io *io,
			  const struct dma_vec_prange *in,
			  struct dma_vec_drange *out, unsigned int nr,
			  gfp_t gfp, unsigned int *mapped)
{
	/* Two calls in tail position: neither case builds the other's frame. */
	if (!io->host_pages)
		return dma_vec_io_map_host(io, in, out, nr, gfp, mapped);
	return dma_vec_io_map_checked(io, in, out, nr, gfp, mapped);
}
EXPORT_SYMBOL_GPL(__dma_vec_io_map_host);

/**
 * __dma_vec_io_record - record a host piece once unmapping started to count
 * @io: the I/O
 * @d: the piece, just mapped by dma_vec_io_map()
 * @gfp: allocation flags for the record
 *
 * From now on every host piece of @io is recorded.  If there is no room
 * for the record, the piece is unmapped.
 *
 * Context: As dma_vec_io_map().
 * Return: 0, or -ENOMEM with @d unmapped.
 */
int __dma_vec_io_record(struct dma_vec_io *io, const struct dma_vec_drange *d,
			gfp_t gfp)
{
	struct dma_vec_io_rec *rec;

	io->need_unmap = true;
	if (dma_vec_io_reserve(io, 1, gfp)) {
		dma_unmap_page_attrs(io->dev, d->addr, d->len, io->dir,
				     io->attrs);
		return -ENOMEM;
	}
	rec = &io->recs[io->nr_recs++];
	rec->addr = d->addr;
	rec->len = d->len;
	rec->mmio = 0;
	return 0;
}
EXPORT_SYMBOL_GPL(__dma_vec_io_record);

/**
 * __dma_vec_io_end - undo the mapping of an I/O that recorded pieces
 * @io: the I/O, set up by dma_vec_io_start()
 *
 * What dma_vec_io_end() does out of line: unmaps every recorded piece and
 * frees what the records took.
 *
 * Context: As dma_vec_io_end().
 */
void __dma_vec_io_end(struct dma_vec_io *io)
{
	unsigned int i;

	for (i = 0; i < io->nr_recs; i++)
		dma_vec_io_unmap_rec(io, &io->recs[i]);
	if (io->recs != io->inl)
		kfree(io->recs);
	io->recs = io->inl;
	io->nr_recs = 0;
	io->cap_recs = DMA_VEC_IO_INLINE;
	io->host_pages = false;
}
EXPORT_SYMBOL_GPL(__dma_vec_io_end);

/* Has every link on the provider's list gone (their unmaps are done)? */
static bool dma_vec_provider_unlinked(struct dma_vec_provider *prov)
{
	unsigned long flags;
	bool empty;

	spin_lock_irqsave(&prov->__p2p.lock, flags);
	empty = list_empty(&prov->__p2p.maps);
	spin_unlock_irqrestore(&prov->__p2p.lock, flags);
	return empty;
}

/**
 * dma_vec_provider_revoke - withdraw a provider's memory from all importers
 * @prov: the provider
 *
 * For a device reset or a memory move: new mappings of @prov fail with
 * -ENODEV, and every live mapping using it is detached from it, marked
 * revoked, and its importer's invalidate callback called (once per
 * mapping, with no lock held), after which the importer stops DMA and
 * unmaps, from the callback or later.  Mappings being made fail with
 * -ENODEV instead; mappings being unmapped are waited for.  The exporter
 * must make the old addresses unusable only after this returns.  Once it
 * returns no mapping refers to @prov any more: the exporter may destroy
 * it, even before every importer has unmapped.  Revoking a revoked
 * provider again calls nobody.  Concurrent revocations of one provider
 * are allowed.
 *
 * Context: Process context; may sleep (waits for unmaps in progress).  The
 * callbacks run in this context without the provider's lock.
 */
void dma_vec_provider_revoke(struct dma_vec_provider *prov)
{
	struct __dma_vec_map_link *l, *tmp;
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&prov->__p2p.lock, flags);
	WRITE_ONCE(prov->__p2p.revoked, true);
restart:
	list_for_each_entry_safe(l, tmp, &prov->__p2p.maps, entry) {
		struct dma_vec_map *map = l->map;
		const struct dma_vec_map_ops *ops;
		struct __dma_vec_revoker rv;
		bool notify;
		void *priv;

		spin_lock(&map->lock);
		if (map->state == DMA_VEC_MAP_UNMAPPING) {
			/* Its unmap takes the link off; waited for below. */
			spin_unlock(&map->lock);
			continue;
		}
		list_del_init(&l->entry);
		l->prov = NULL;
		/* Once per mapping, and never before it is complete. */
		notify = map->state == DMA_VEC_MAP_LIVE && map->ops &&
			 map->ops->invalidate &&
			 !test_bit(DMA_VEC_MAP_REVOKED, &map->flags);
		set_bit(DMA_VEC_MAP_REVOKED, &map->flags);
		if (!notify) {
			spin_unlock(&map->lock);
			continue;
		}
		ops = map->ops;
		priv = map->priv;
		rv.task = current;
		rv.unmapped = false;
		map->revoker = &rv;
		WRITE_ONCE(map->state, DMA_VEC_MAP_REVOKING);
		spin_unlock(&map->lock);
		spin_unlock_irqrestore(&prov->__p2p.lock, flags);

		lock_map_acquire(&dma_vec_invalidate_map);
		ops->invalidate(map, priv);
		lock_map_release(&dma_vec_invalidate_map);

		if (!rv.unmapped) {
			/* Still mapped: the importer unmaps it later. */
			spin_lock_irqsave(&map->lock, flags);
			map->revoker = NULL;
			WRITE_ONCE(map->state, DMA_VEC_MAP_LIVE);
			spin_unlock_irqrestore(&map->lock, flags);
			/* Only the address is used: @map may be gone now. */
			smp_mb();
			wake_up_var(&map->state);
		}
		spin_lock_irqsave(&prov->__p2p.lock, flags);
		goto restart;
	}
	spin_unlock_irqrestore(&prov->__p2p.lock, flags);
	wait_var_event(&prov->__p2p.maps, dma_vec_provider_unlinked(prov));
}
EXPORT_SYMBOL_GPL(dma_vec_provider_revoke);
