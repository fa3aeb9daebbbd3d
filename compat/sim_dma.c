// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA API of the simulated platform: dma-direct (with swiotlb for host
 * memory beyond the DMA mask), dma-iommu (IOVA allocation and page tables
 * per device), the two-step IOVA API of Linux >= 6.16, a record of every
 * live mapping, failure injection, and reports of DMA API misuse.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/dma-mapping.h>
#include <linux/dma_vec.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <shim/shim.h>

#include "sim_internal.h"

void sim_map_error(const char *fmt, ...)
{
	va_list ap;

	sim.map_errors++;
	va_start(ap, fmt);
	vsnprintf(sim.last_map_error, sizeof(sim.last_map_error), fmt, ap);
	va_end(ap);
	if (getenv("SHIM_VERBOSE"))
		fprintf(stderr, "sim: %s\n", sim.last_map_error);
}

unsigned long sim_mapping_errors(void)
{
	return sim.map_errors;
}

const char *sim_last_mapping_error(void)
{
	return sim.last_map_error;
}

void sim_fail_map_nth(unsigned long n)
{
	sim.map_fail_at = n ? sim.map_calls + n : 0;
}

bool sim_fail_map_pending(void)
{
	return sim.map_fail_at != 0;
}

unsigned long sim_map_calls(void)
{
	return sim.map_calls;
}

unsigned long sim_swiotlb_bounces(void)
{
	return sim.bounces;
}

/* Count a mapping operation; true if it must fail. */
static bool sim_map_op_fails(void)
{
	sim.map_calls++;
	if (sim.map_fail_at && sim.map_calls == sim.map_fail_at) {
		sim.map_fail_at = 0;
		return true;
	}
	return false;
}

const char *sim_dir_name(enum dma_data_direction dir)
{
	switch (dir) {
	case DMA_BIDIRECTIONAL:
		return "bidirectional";
	case DMA_TO_DEVICE:
		return "to-device";
	case DMA_FROM_DEVICE:
		return "from-device";
	default:
		return "none";
	}
}

const char *sim_kind_name(const struct sim_map *m)
{
	switch (m->kind) {
	case SIM_MAP_PAGE:
		return m->bounce ? "page, bounced" : "page";
	case SIM_MAP_RESOURCE:
		return "resource";
	case SIM_MAP_IOVA:
		return "iova range";
	default:
		return m->synced ? "iova link" : "iova link, not synced";
	}
}

unsigned long sim_live_mappings(struct device *dev)
{
	struct sim_map *m;
	unsigned long n = 0;

	list_for_each_entry(m, &sim.maps, node)
		if ((!dev || m->dev == dev) && !m->nounmap)
			n++;
	return n;
}

static struct sim_map *sim_map_new(struct device *dev, enum sim_map_kind kind)
{
	struct sim_map *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->dev = dev;
	m->kind = kind;
	list_add_tail(&m->node, &sim.maps);
	return m;
}

static void sim_swiotlb_release(struct sim_map *m);

static void sim_map_del(struct sim_map *m)
{
	if (m->bounce)
		sim_swiotlb_release(m);
	if (m->nounmap)
		sim.nr_nounmap--;
	list_del(&m->node);
	free(m);
}

/*
 * A device whose unmaps do nothing keeps no state per mapping, and its
 * users unmap nothing: memory mapped again belongs to a new I/O, whose
 * direction is the one the device model must check.  The earlier
 * never-unmapped mappings it overlaps are dropped (all of each: a command
 * that mapped overlapping memory twice on such a device would keep only
 * the later mapping; no suite does).
 */
static void sim_nounmap_supersede(struct device *dev, phys_addr_t phys,
				  size_t size)
{
	struct sim_map *m, *tmp;

	if (!sim.nr_nounmap)
		return;
	list_for_each_entry_safe(m, tmp, &sim.maps, node)
		if (m->dev == dev && m->nounmap && phys < m->phys + m->size &&
		    m->phys < phys + size)
			sim_map_del(m);
}

void sim_maps_free(void)
{
	struct sim_map *m, *tmp;

	list_for_each_entry_safe(m, tmp, &sim.maps, node)
		sim_map_del(m);
}

/* IOVA allocation: per device, top-down, size-aligned, 4 KiB granules. */

static bool sim_iova_busy(struct device *dev, u64 lo, u64 len)
{
	struct sim_map *m;

	list_for_each_entry(m, &sim.maps, node) {
		if (m->dev != dev || !m->iommu || m->kind == SIM_MAP_LINK)
			continue;
		if (lo < m->iova + m->iova_len && m->iova < lo + len)
			return true;
	}
	return false;
}

static u64 sim_iova_lowest_above(struct device *dev, u64 lo, u64 len)
{
	struct sim_map *m;
	u64 start = lo + len;

	/* The lowest start of a busy extent overlapping [lo, lo + len). */
	list_for_each_entry(m, &sim.maps, node) {
		if (m->dev != dev || !m->iommu || m->kind == SIM_MAP_LINK)
			continue;
		if (lo < m->iova + m->iova_len && m->iova < lo + len &&
		    m->iova < start)
			start = m->iova;
	}
	return start;
}

static u64 sim_iova_find(struct device *dev, u64 len, u64 limit)
{
	u64 align = roundup_pow_of_two(len);
	u64 end = limit + 1;	/* exclusive; limit + 1 may wrap to 0 */

	if (!len || len > limit)
		return 0;
	for (;;) {
		u64 lo;

		if (end - 1 < len - 1 + SIM_GRANULE)
			return 0;
		lo = (end - len) & ~(align - 1);
		if (lo < SIM_GRANULE)
			return 0;
		if (!sim_iova_busy(dev, lo, len))
			return lo;
		end = sim_iova_lowest_above(dev, lo, len);
	}
}

static u64 sim_iova_alloc(struct device *dev, u64 len)
{
	u64 limit = min(dma_get_mask(dev), SIM_IOVA_LIMIT);
	u64 iova = 0;

	/* Like dma-iommu, try to give PCI devices a 32-bit address first. */
	if (limit > DMA_BIT_MASK(32) && dev_is_pci(dev))
		iova = sim_iova_find(dev, len, DMA_BIT_MASK(32));
	if (!iova)
		iova = sim_iova_find(dev, len, limit);
	return iova;
}

static dma_addr_t sim_iommu_map(struct device *dev, enum sim_map_kind kind,
				phys_addr_t phys, size_t size,
				enum dma_data_direction dir,
				unsigned long attrs)
{
	u64 off = phys & (SIM_GRANULE - 1);
	u64 len = ALIGN(off + size, SIM_GRANULE);
	struct sim_map *m;
	u64 iova;

	iova = sim_iova_alloc(dev, len);
	if (!iova)
		return DMA_MAPPING_ERROR;
	m = sim_map_new(dev, kind);
	if (!m)
		return DMA_MAPPING_ERROR;
	m->iommu = true;
	m->iova = iova;
	m->iova_len = len;
	m->dma = iova + off;
	m->size = size;
	m->phys = phys;
	m->dir = dir;
	m->attrs = attrs;
	m->mmio = kind == SIM_MAP_RESOURCE;
	m->synced = true;
	return m->dma;
}

/* swiotlb */

static void sim_swiotlb_release(struct sim_map *m)
{
	u64 first = (m->bounce - SIM_SWIOTLB_BASE) >> PAGE_SHIFT;
	u64 n = PAGE_ALIGN((m->bounce & ~PAGE_MASK) + m->size) >> PAGE_SHIFT;

	memset(&sim.swiotlb_used[first], 0, n);
	m->bounce = 0;
}

static u8 *sim_swiotlb_va(phys_addr_t pa)
{
	return sim.swiotlb + (pa - SIM_SWIOTLB_BASE);
}

static void sim_bounce(struct sim_map *m, u64 off, u64 len, bool to_device)
{
	u8 *orig = shim_ram_resolve(m->phys + off, NULL);
	u8 *tlb = sim_swiotlb_va(m->bounce + off);

	if (to_device)
		memcpy(tlb, orig, len);
	else
		memcpy(orig, tlb, len);
}

static dma_addr_t sim_swiotlb_map(struct device *dev, phys_addr_t phys,
				  size_t size, enum dma_data_direction dir,
				  unsigned long attrs)
{
	u64 off = phys & ~PAGE_MASK;
	u64 n = PAGE_ALIGN(off + size) >> PAGE_SHIFT;
	u64 i, run = 0;
	struct sim_map *m;

	if (size > SIM_SWIOTLB_MAX_MAP)
		goto full;
	for (i = 0; i < SIM_SWIOTLB_PAGES; i++) {
		run = sim.swiotlb_used[i] ? 0 : run + 1;
		if (run == n)
			break;
	}
	if (run != n)
		goto full;
	i = i + 1 - n;
	if (SIM_SWIOTLB_BASE + ((i + n) << PAGE_SHIFT) - 1 > dma_get_mask(dev)) {
		dev_WARN_ONCE(dev, 1, "swiotlb addr overflow (mask %llx)\n",
			      (unsigned long long)dma_get_mask(dev));
		return DMA_MAPPING_ERROR;
	}
	if (!sim.swiotlb) {
		sim.swiotlb = calloc(SIM_SWIOTLB_PAGES, PAGE_SIZE);
		if (!sim.swiotlb)
			return DMA_MAPPING_ERROR;
	}
	m = sim_map_new(dev, SIM_MAP_PAGE);
	if (!m)
		return DMA_MAPPING_ERROR;
	/* As 6.12's swiotlb: from now on the device's unmaps count. */
	if (dev->sim)
		dev->sim->skip_sync = false;
	memset(&sim.swiotlb_used[i], 1, n);
	m->bounce = SIM_SWIOTLB_BASE + (i << PAGE_SHIFT) + off;
	m->dma = m->bounce;
	m->size = size;
	m->phys = phys;
	m->dir = dir;
	m->attrs = attrs;
	/* Like swiotlb_tbl_map_single(): always fill the slot from memory. */
	sim_bounce(m, 0, size, true);
	sim.bounces++;
	return m->dma;
full:
	if (!(attrs & DMA_ATTR_NO_WARN))
		dev_warn_ratelimited(dev, "swiotlb buffer is full (sz: %zd bytes)\n",
				     size);
	return DMA_MAPPING_ERROR;
}

/* The streaming DMA API */

static bool sim_dma_capable(struct device *dev, dma_addr_t addr, size_t size)
{
	u64 limit = *dev->dma_mask;

	if (dev->bus_dma_limit && dev->bus_dma_limit < limit)
		limit = dev->bus_dma_limit;
	return addr + size - 1 >= addr && addr + size - 1 <= limit;
}

dma_addr_t dma_map_page_attrs(struct device *dev, struct page *page,
			      size_t offset, size_t size,
			      enum dma_data_direction dir, unsigned long attrs)
{
	phys_addr_t phys = page_to_phys(page) + offset;
	struct sim_map *m;
	size_t avail;

	if (WARN_ON(!valid_dma_direction(dir)) || WARN_ON_ONCE(!dev->dma_mask))
		return DMA_MAPPING_ERROR;
	if (sim_map_op_fails())
		return DMA_MAPPING_ERROR;
	if (!shim_ram_resolve(phys, &avail) || avail < size) {
		sim_map_error("%s: dma_map_page of %#llx+%#zx: not host RAM (memory without a struct page)",
			      dev_name(dev), (unsigned long long)phys, size);
		return DMA_MAPPING_ERROR;
	}
	if (dev->sim && dev->sim->max_map && size > dev->sim->max_map) {
		sim_map_error("%s: dma_map_page of %#llx+%#zx: longer than dma_max_mapping_size() %#zx",
			      dev_name(dev), (unsigned long long)phys, size,
			      dev->sim->max_map);
		return DMA_MAPPING_ERROR;
	}
	if (sim_dev_translated(dev))
		return sim_iommu_map(dev, SIM_MAP_PAGE, phys, size, dir, attrs);
	if (!sim_dma_capable(dev, phys, size))
		return sim_swiotlb_map(dev, phys, size, dir, attrs);
	sim_nounmap_supersede(dev, phys, size);
	m = sim_map_new(dev, SIM_MAP_PAGE);
	if (!m)
		return DMA_MAPPING_ERROR;
	m->dma = phys;
	m->size = size;
	m->phys = phys;
	m->dir = dir;
	m->attrs = attrs;
	m->nounmap = dev->sim && dev->sim->skip_sync;
	sim.nr_nounmap += m->nounmap;
	return m->dma;
}

/*
 * dma_map_pranges() of the series' DMA patch: dma_map_page_attrs() of each
 * range in turn, as the kernel does off dma-direct, so each range is one
 * map operation for the failure injection and the leak check.
 */
unsigned int dma_map_pranges(struct device *dev,
			     const struct dma_vec_prange *in,
			     struct dma_vec_drange *out, unsigned int nr,
			     enum dma_data_direction dir, unsigned long attrs)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		phys_addr_t phys = in[i].paddr;
		dma_addr_t addr;

		if (!in[i].len || in[i].len > SIZE_MAX)
			break;
		addr = dma_map_page_attrs(dev, pfn_to_page(PHYS_PFN(phys)),
					  offset_in_page(phys), in[i].len, dir,
					  attrs);
		if (dma_mapping_error(dev, addr))
			break;
		out[i].addr = addr;
		out[i].len = in[i].len;
	}
	return i;
}

dma_addr_t dma_map_resource(struct device *dev, phys_addr_t phys_addr,
			    size_t size, enum dma_data_direction dir,
			    unsigned long attrs)
{
	struct sim_map *m;

	if (WARN_ON(!valid_dma_direction(dir)) || WARN_ON_ONCE(!dev->dma_mask))
		return DMA_MAPPING_ERROR;
	if (sim_map_op_fails())
		return DMA_MAPPING_ERROR;
	if (shim_ram_resolve(phys_addr, NULL))
		sim_map_error("%s: dma_map_resource of %#llx+%#zx: host RAM is not a resource",
			      dev_name(dev), (unsigned long long)phys_addr,
			      size);
	if (sim_dev_translated(dev))
		return sim_iommu_map(dev, SIM_MAP_RESOURCE, phys_addr, size,
				     dir, attrs);
	/* dma-direct: the physical address, never a bounce buffer. */
	if (!sim_dma_capable(dev, phys_addr, size)) {
		dev_err_once(dev, "DMA addr %#llx+%zu overflow (mask %llx, bus limit %llx).\n",
			     (unsigned long long)phys_addr, size,
			     (unsigned long long)*dev->dma_mask,
			     (unsigned long long)dev->bus_dma_limit);
		WARN_ON_ONCE(1);
		return DMA_MAPPING_ERROR;
	}
	m = sim_map_new(dev, SIM_MAP_RESOURCE);
	if (!m)
		return DMA_MAPPING_ERROR;
	m->dma = phys_addr;
	m->size = size;
	m->phys = phys_addr;
	m->dir = dir;
	m->attrs = attrs;
	m->mmio = true;
	return m->dma;
}

static const char *sim_op_kind(enum sim_map_kind kind)
{
	return kind == SIM_MAP_PAGE ? "dma_unmap_page" : "dma_unmap_resource";
}

static void sim_unmap(struct device *dev, enum sim_map_kind kind,
		      dma_addr_t addr, size_t size,
		      enum dma_data_direction dir, unsigned long attrs)
{
	struct sim_map *m;

	list_for_each_entry(m, &sim.maps, node) {
		if (m->dev != dev || m->dma != addr ||
		    (m->kind != SIM_MAP_PAGE && m->kind != SIM_MAP_RESOURCE))
			continue;
		if (m->kind != kind)
			sim_map_error("%s: %s of %#llx, mapped as %s",
				      dev_name(dev), sim_op_kind(kind),
				      (unsigned long long)addr,
				      sim_kind_name(m));
		else if (m->size != size || m->dir != dir)
			sim_map_error("%s: %s of %#llx+%#zx (%s), mapped as %#llx+%#llx (%s)",
				      dev_name(dev), sim_op_kind(kind),
				      (unsigned long long)addr, size,
				      sim_dir_name(dir),
				      (unsigned long long)m->dma,
				      (unsigned long long)m->size,
				      sim_dir_name(m->dir));
		if (m->bounce && !(attrs & DMA_ATTR_SKIP_CPU_SYNC) &&
		    (m->dir == DMA_FROM_DEVICE || m->dir == DMA_BIDIRECTIONAL))
			sim_bounce(m, 0, m->size, false);
		sim_map_del(m);
		return;
	}
	sim_map_error("%s: %s of %#llx+%#zx: not mapped (double unmap?)",
		      dev_name(dev), sim_op_kind(kind),
		      (unsigned long long)addr, size);
}

void dma_unmap_page_attrs(struct device *dev, dma_addr_t addr, size_t size,
			  enum dma_data_direction dir, unsigned long attrs)
{
	sim_unmap(dev, SIM_MAP_PAGE, addr, size, dir, attrs);
}

void dma_unmap_resource(struct device *dev, dma_addr_t addr, size_t size,
			enum dma_data_direction dir, unsigned long attrs)
{
	sim_unmap(dev, SIM_MAP_RESOURCE, addr, size, dir, attrs);
}

static void sim_sync(struct device *dev, dma_addr_t addr, size_t size,
		     enum dma_data_direction dir, bool for_cpu)
{
	struct sim_map *m;

	/*
	 * Page mappings, and host RAM linked into an IOVA range (the IOMMU
	 * DMA layer syncs those by translating the IOVA, as for any other).
	 */
	list_for_each_entry(m, &sim.maps, node) {
		if (m->dev != dev ||
		    (m->kind != SIM_MAP_PAGE &&
		     (m->kind != SIM_MAP_LINK || m->mmio)) ||
		    addr < m->dma || addr - m->dma > m->size ||
		    size > m->size - (addr - m->dma))
			continue;
		if (!m->bounce)
			return;		/* coherent: nothing to do */
		if (for_cpu && (dir == DMA_FROM_DEVICE ||
				dir == DMA_BIDIRECTIONAL))
			sim_bounce(m, addr - m->dma, size, false);
		if (!for_cpu && (dir == DMA_TO_DEVICE ||
				 dir == DMA_BIDIRECTIONAL))
			sim_bounce(m, addr - m->dma, size, true);
		return;
	}
	sim_map_error("%s: dma_sync_single_for_%s of %#llx+%#zx: not mapped",
		      dev_name(dev), for_cpu ? "cpu" : "device",
		      (unsigned long long)addr, size);
}

void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir)
{
	sim_sync(dev, addr, size, dir, true);
}

void dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				size_t size, enum dma_data_direction dir)
{
	sim_sync(dev, addr, size, dir, false);
}

int dma_set_mask(struct device *dev, u64 mask)
{
	/* dma-direct takes masks down to ZONE_DMA's 24 bits; an IOMMU any. */
	if (!dev->dma_mask ||
	    (!sim_dev_translated(dev) && mask < DMA_BIT_MASK(24)))
		return -EIO;
	*dev->dma_mask = mask;
	return 0;
}

int dma_set_coherent_mask(struct device *dev, u64 mask)
{
	if (!sim_dev_translated(dev) && mask < DMA_BIT_MASK(24))
		return -EIO;
	dev->coherent_dma_mask = mask;
	return 0;
}

size_t dma_max_mapping_size(struct device *dev)
{
	phys_addr_t top = shim_ram_top();

	if (dev->sim && dev->sim->max_map)
		return dev->sim->max_map;
	if (!sim_dev_translated(dev) && top && dev->dma_mask &&
	    top - 1 > *dev->dma_mask)
		return SIM_SWIOTLB_MAX_MAP;
	return SIZE_MAX;
}

/* The two-step IOVA API */

static struct sim_map *sim_iova_find_state(struct device *dev,
					   struct dma_iova_state *state)
{
	struct sim_map *m;

	list_for_each_entry(m, &sim.maps, node)
		if (m->dev == dev && m->kind == SIM_MAP_IOVA &&
		    m->dma == state->addr)
			return m;
	return NULL;
}

unsigned long dma_get_merge_boundary(struct device *dev)
{
	return sim_dev_translated(dev) ? SIM_GRANULE - 1 : 0;
}

bool dma_iova_try_alloc(struct device *dev, struct dma_iova_state *state,
			phys_addr_t phys, size_t size)
{
	dma_addr_t dma;

	memset(state, 0, sizeof(*state));
	if (!sim.iova_api || !sim_dev_translated(dev))
		return false;
	if (WARN_ON_ONCE(!size) ||
	    WARN_ON_ONCE((u64)size & DMA_IOVA_USE_SWIOTLB))
		return false;
	if (sim_map_op_fails())
		return false;
	/* A reservation: the IOVA extent, no page table entries yet. */
	dma = sim_iommu_map(dev, SIM_MAP_IOVA, phys, size, DMA_NONE, 0);
	if (dma == DMA_MAPPING_ERROR)
		return false;
	state->addr = dma;
	state->__size = size;
	return true;
}

int dma_iova_link(struct device *dev, struct dma_iova_state *state,
		  phys_addr_t phys, size_t offset, size_t size,
		  enum dma_data_direction dir, unsigned long attrs)
{
	struct sim_map *r = sim_iova_find_state(dev, state);
	u64 pad = phys & (SIM_GRANULE - 1);
	u64 iova, len;
	struct sim_map *m;

	if (WARN_ON_ONCE(pad && offset > 0))
		return -EIO;
	if (sim_map_op_fails())
		return -ENOMEM;
	if (!r) {
		sim_map_error("%s: dma_iova_link into %#llx: no such IOVA range",
			      dev_name(dev), (unsigned long long)state->addr);
		return -EINVAL;
	}
	if (!size || offset > dma_iova_size(state) ||
	    size > dma_iova_size(state) - offset) {
		sim_map_error("%s: dma_iova_link at %#zx+%#zx outside the IOVA range of %#zx bytes",
			      dev_name(dev), offset, size,
			      dma_iova_size(state));
		return -EINVAL;
	}
	iova = state->addr + offset - pad;
	len = ALIGN(pad + size, SIM_GRANULE);
	if (iova & (SIM_GRANULE - 1)) {
		pr_err("iommu: unaligned: iova 0x%llx pa 0x%llx size 0x%llx min_pagesz 0x%llx\n",
		       (unsigned long long)iova, (unsigned long long)phys,
		       (unsigned long long)len, SIM_GRANULE);
		return -EINVAL;
	}
	list_for_each_entry(m, &sim.maps, node) {
		if (m->parent != r || iova >= m->iova + m->iova_len ||
		    m->iova >= iova + len)
			continue;
		sim_map_error("%s: dma_iova_link at %#zx+%#zx overlaps a linked range",
			      dev_name(dev), offset, size);
		return -EEXIST;
	}
	m = sim_map_new(dev, SIM_MAP_LINK);
	if (!m)
		return -ENOMEM;
	m->parent = r;
	m->iommu = true;
	m->iova = iova;
	m->iova_len = len;
	m->dma = state->addr + offset;
	m->size = size;
	m->phys = phys;
	m->dir = dir;
	m->attrs = attrs;
	m->mmio = !shim_ram_resolve(phys, NULL);
	return 0;
}

int dma_iova_sync(struct device *dev, struct dma_iova_state *state,
		  size_t offset, size_t size)
{
	struct sim_map *r = sim_iova_find_state(dev, state);
	u64 lo = state->addr + offset, hi = lo + size;
	struct sim_map *m;

	if (!r) {
		sim_map_error("%s: dma_iova_sync of %#llx: no such IOVA range",
			      dev_name(dev), (unsigned long long)state->addr);
		return -EINVAL;
	}
	list_for_each_entry(m, &sim.maps, node)
		if (m->parent == r && m->dma < hi && lo < m->dma + m->size)
			m->synced = true;
	return 0;
}

static void sim_iova_unlink(struct device *dev, struct sim_map *r,
			    size_t offset, size_t size,
			    enum dma_data_direction dir, const char *op)
{
	u64 lo = r->dma + offset, hi = lo + size;
	struct sim_map *m, *tmp;
	bool found = false;

	list_for_each_entry_safe(m, tmp, &sim.maps, node) {
		if (m->parent != r || m->dma >= hi || lo >= m->dma + m->size)
			continue;
		if (m->dma < lo || m->dma + m->size > hi) {
			sim_map_error("%s: %s of %#zx+%#zx cuts the link at %#llx+%#llx",
				      dev_name(dev), op, offset, size,
				      (unsigned long long)(m->dma - r->dma),
				      (unsigned long long)m->size);
			continue;
		}
		if (m->dir != dir)
			sim_map_error("%s: %s (%s) of a link made %s",
				      dev_name(dev), op, sim_dir_name(dir),
				      sim_dir_name(m->dir));
		sim_map_del(m);
		found = true;
	}
	if (!found)
		sim_map_error("%s: %s of %#zx+%#zx: nothing linked (double unlink?)",
			      dev_name(dev), op, offset, size);
}

void dma_iova_unlink(struct device *dev, struct dma_iova_state *state,
		     size_t offset, size_t size, enum dma_data_direction dir,
		     unsigned long attrs)
{
	struct sim_map *r = sim_iova_find_state(dev, state);

	if (!r) {
		sim_map_error("%s: dma_iova_unlink of %#llx: no such IOVA range",
			      dev_name(dev), (unsigned long long)state->addr);
		return;
	}
	sim_iova_unlink(dev, r, offset, size, dir, "dma_iova_unlink");
}

void dma_iova_free(struct device *dev, struct dma_iova_state *state)
{
	struct sim_map *r = sim_iova_find_state(dev, state);
	struct sim_map *m, *tmp;
	unsigned long links = 0;

	if (!r) {
		sim_map_error("%s: dma_iova_free of %#llx: no such IOVA range (double free?)",
			      dev_name(dev), (unsigned long long)state->addr);
		return;
	}
	list_for_each_entry_safe(m, tmp, &sim.maps, node) {
		if (m->parent != r)
			continue;
		links++;
		sim_map_del(m);
	}
	if (links)
		sim_map_error("%s: dma_iova_free of %#llx with %lu ranges still linked",
			      dev_name(dev), (unsigned long long)state->addr,
			      links);
	sim_map_del(r);
}

void dma_iova_destroy(struct device *dev, struct dma_iova_state *state,
		      size_t mapped_len, enum dma_data_direction dir,
		      unsigned long attrs)
{
	struct sim_map *r = sim_iova_find_state(dev, state);

	if (r && mapped_len)
		sim_iova_unlink(dev, r, 0, mapped_len, dir, "dma_iova_destroy");
	dma_iova_free(dev, state);
}
