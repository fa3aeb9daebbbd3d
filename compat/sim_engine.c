// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated platform's DMA engine and BAR memory.  A transfer is
 * routed the way a PCIe fabric would route it (peer BAR below a common
 * bridge without ACS redirect, else up through the host bridge and its
 * IOMMU) and is checked against the live mappings of the initiator, byte
 * for byte, before anything moves.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <shim/shim.h>

#include "sim_internal.h"

/* BAR contents */

static u64 sim_hash(u64 key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return key;
}

static u8 **sim_pages_slot(struct sim_pages *sp, u64 idx)
{
	u64 i;

	if (!sp->cap)
		return NULL;
	for (i = sim_hash(idx) & (sp->cap - 1); sp->keys[i];
	     i = (i + 1) & (sp->cap - 1))
		if (sp->keys[i] == idx + 1)
			return &sp->pages[i];
	return NULL;
}

static void sim_pages_insert(struct sim_pages *sp, u64 idx, u8 *page)
{
	u64 i;

	for (i = sim_hash(idx) & (sp->cap - 1); sp->keys[i];
	     i = (i + 1) & (sp->cap - 1))
		;
	sp->keys[i] = idx + 1;
	sp->pages[i] = page;
	sp->nr++;
}

static u8 *sim_pages_get(struct sim_pages *sp, u64 idx, bool create)
{
	u8 **slot = sim_pages_slot(sp, idx);
	u8 *page;

	if (slot || !create)
		return slot ? *slot : NULL;
	if (2 * (sp->nr + 1) > sp->cap) {
		struct sim_pages big = { .cap = sp->cap ? 2 * sp->cap : 64 };
		size_t i;

		big.keys = calloc(big.cap, sizeof(*big.keys));
		big.pages = calloc(big.cap, sizeof(*big.pages));
		if (!big.keys || !big.pages)
			abort();
		for (i = 0; i < sp->cap; i++)
			if (sp->keys[i])
				sim_pages_insert(&big, sp->keys[i] - 1,
						 sp->pages[i]);
		free(sp->keys);
		free(sp->pages);
		*sp = big;
	}
	page = calloc(1, SIM_GRANULE);
	if (!page)
		abort();
	sim_pages_insert(sp, idx, page);
	return page;
}

void sim_bar_free(struct sim_bar *b)
{
	size_t i;

	for (i = 0; i < b->sparse.cap; i++)
		if (b->sparse.keys[i])
			free(b->sparse.pages[i]);
	free(b->sparse.keys);
	free(b->sparse.pages);
	memset(&b->sparse, 0, sizeof(b->sparse));
	free(b->flat);
	b->flat = NULL;
}

/* Move bytes between @buf and a BAR; the range is known to be inside. */
int sim_bar_access(struct sim_bar *b, u64 off, void *buf, size_t len,
		   bool write)
{
	u8 *p = buf;

	if (b->size <= SIM_FLAT_BAR_MAX) {
		if (!b->flat) {
			b->flat = calloc(1, b->size);
			if (!b->flat)
				abort();
		}
		if (write)
			memcpy(b->flat + off, buf, len);
		else
			memcpy(buf, b->flat + off, len);
		return 0;
	}
	while (len) {
		u64 in = off & (SIM_GRANULE - 1);
		size_t n = min_t(u64, len, SIM_GRANULE - in);
		u8 *page = sim_pages_get(&b->sparse, off / SIM_GRANULE, write);

		if (write)
			memcpy(page + in, p, n);
		else if (page)
			memcpy(p, page + in, n);
		else
			memset(p, 0, n);
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

static struct sim_bar *sim_bar_of(struct pci_dev *pdev, int bar)
{
	struct sim_pci *p = sim_pci_of(pdev);

	if (WARN_ON(!p || bar < 0 || bar >= PCI_STD_NUM_BARS ||
		    !p->bar[bar].size))
		return NULL;
	return &p->bar[bar];
}

void sim_bar_enable(struct pci_dev *pdev, int bar, bool on)
{
	struct sim_bar *b = sim_bar_of(pdev, bar);

	if (b)
		b->enabled = on;
}

static int sim_bar_rw(struct pci_dev *pdev, int bar, u64 offset, void *buf,
		      size_t len, bool write)
{
	struct sim_bar *b = sim_bar_of(pdev, bar);

	if (!b || offset > b->size || len > b->size - offset)
		return -EINVAL;
	if (!b->enabled)
		return -EIO;
	return sim_bar_access(b, offset, buf, len, write);
}

int sim_bar_write(struct pci_dev *pdev, int bar, u64 offset, const void *buf,
		  size_t len)
{
	return sim_bar_rw(pdev, bar, offset, (void *)buf, len, true);
}

int sim_bar_read(struct pci_dev *pdev, int bar, u64 offset, void *buf,
		 size_t len)
{
	return sim_bar_rw(pdev, bar, offset, buf, len, false);
}

u64 sim_bar_backing(struct pci_dev *pdev, int bar)
{
	struct sim_bar *b = sim_bar_of(pdev, bar);

	if (!b)
		return 0;
	if (b->size <= SIM_FLAT_BAR_MAX)
		return b->flat ? b->size : 0;
	return b->sparse.nr * SIM_GRANULE;
}

/* The BAR holding CPU physical address @phys, and the bytes left in it. */
struct sim_bar *sim_bar_by_phys(phys_addr_t phys, u64 *avail)
{
	struct sim_dev *sd;
	int i;

	list_for_each_entry(sd, &sim.devices, node) {
		if (sd->kind != SIM_KIND_PCI)
			continue;
		for (i = 0; i < PCI_STD_NUM_BARS; i++) {
			struct sim_bar *b = &sd->pci->bar[i];

			if (b->size && phys >= b->phys &&
			    phys - b->phys < b->size) {
				*avail = b->size - (phys - b->phys);
				return b;
			}
		}
	}
	return NULL;
}

/* A BAR that bus address @addr decodes to below @hb. */
static struct sim_bar *sim_bar_by_bus(struct sim_hb *hb, u64 addr, u64 *avail)
{
	struct sim_dev *sd;
	int i;

	list_for_each_entry(sd, &sim.devices, node) {
		if (sd->kind != SIM_KIND_PCI || sd->hb != hb)
			continue;
		for (i = 0; i < PCI_STD_NUM_BARS; i++) {
			struct sim_bar *b = &sd->pci->bar[i];

			if (b->size && addr >= b->bus &&
			    addr - b->bus < b->size) {
				*avail = b->size - (addr - b->bus);
				return b;
			}
		}
	}
	return NULL;
}

/* Faults */

unsigned long sim_faults(void)
{
	return sim.faults;
}

const char *sim_last_fault(void)
{
	return sim.last_fault;
}

struct sim_xfer {
	struct device *dev;
	dma_addr_t addr;
	size_t len;
	bool write;
	u8 *buf;
	bool commit;
};

/* Describe the live mapping of the initiator nearest to the transfer. */
static int sim_nearest(const struct sim_xfer *x, char *s, size_t n)
{
	u64 lo = x->addr, hi = x->addr + x->len;
	struct sim_map *m, *best = NULL;
	u64 best_gap = U64_MAX;

	list_for_each_entry(m, &sim.maps, node) {
		u64 gap;

		if (m->dev != x->dev || m->kind == SIM_MAP_IOVA)
			continue;
		if (hi <= m->dma)
			gap = m->dma - hi;
		else if (lo >= m->dma + m->size)
			gap = lo - (m->dma + m->size);
		else
			gap = 0;
		if (gap < best_gap) {
			best_gap = gap;
			best = m;
		}
	}
	if (!best)
		return snprintf(s, n, "no live mapping of this device");
	if (lo < best->dma)
		return snprintf(s, n, "0x%llx bytes before the start of mapping 0x%llx+0x%llx (%s, %s)",
				(unsigned long long)(best->dma - lo),
				(unsigned long long)best->dma,
				(unsigned long long)best->size,
				sim_kind_name(best), sim_dir_name(best->dir));
	if (hi > best->dma + best->size)
		return snprintf(s, n, "0x%llx bytes past the end of mapping 0x%llx+0x%llx (%s, %s)",
				(unsigned long long)(hi - best->dma - best->size),
				(unsigned long long)best->dma,
				(unsigned long long)best->size,
				sim_kind_name(best), sim_dir_name(best->dir));
	return snprintf(s, n, "inside mapping 0x%llx+0x%llx (%s, %s)",
			(unsigned long long)best->dma,
			(unsigned long long)best->size,
			sim_kind_name(best), sim_dir_name(best->dir));
}

__printf(2, 3)
static int sim_fault(const struct sim_xfer *x, const char *fmt, ...)
{
	char *s = sim.last_fault;
	size_t n = sizeof(sim.last_fault);
	va_list ap;
	int k;

	sim.faults++;
	k = snprintf(s, n, "DMA fault: %s %s 0x%llx+0x%zx: ", dev_name(x->dev),
		     x->write ? "write" : "read",
		     (unsigned long long)x->addr, x->len);
	va_start(ap, fmt);
	k += vsnprintf(s + k, n - k, fmt, ap);
	va_end(ap);
	if (k < (int)n - 2) {
		k += snprintf(s + k, n - k, ": ");
		if (k < (int)n)
			sim_nearest(x, s + k, n - k);
	}
	if (getenv("SHIM_VERBOSE"))
		fprintf(stderr, "sim: %s\n", s);
	return -EFAULT;
}

/* Routing */

/* Move @len bytes at offset @done of the transfer to/from host memory. */
static void sim_move(struct sim_xfer *x, u8 *mem, size_t done, size_t len)
{
	if (!x->commit)
		return;
	if (x->write)
		memcpy(mem, x->buf + done, len);
	else
		memcpy(x->buf + done, mem, len);
}

static void sim_move_bar(struct sim_xfer *x, struct sim_bar *b, u64 off,
			 size_t done, size_t len)
{
	if (x->commit)
		sim_bar_access(b, off, x->buf + done, len, x->write);
}

/* The mapping of the initiator that covers @addr, dma-direct. */
static struct sim_map *sim_direct_map(struct device *dev, u64 addr)
{
	struct sim_map *m;

	list_for_each_entry(m, &sim.maps, node)
		if (m->dev == dev && !m->iommu && addr >= m->dma &&
		    addr - m->dma < m->size)
			return m;
	return NULL;
}

/* The IOMMU page table entry of the initiator that covers @addr. */
static struct sim_map *sim_iommu_entry(struct device *dev, u64 addr)
{
	struct sim_map *m;

	list_for_each_entry(m, &sim.maps, node)
		if (m->dev == dev && m->iommu && m->kind != SIM_MAP_IOVA &&
		    addr >= m->iova && addr - m->iova < m->iova_len)
			return m;
	return NULL;
}

static bool sim_allows(enum dma_data_direction dir, bool write)
{
	if (dir == DMA_BIDIRECTIONAL)
		return true;
	return write ? dir == DMA_FROM_DEVICE : dir == DMA_TO_DEVICE;
}

/*
 * Deliver @len bytes at host physical address @phys (the transfer's bytes
 * from @done on), reached through the host bridge.  @n is set to the bytes
 * handled.
 */
static int sim_to_host(struct sim_xfer *x, struct sim_pci *init,
		       phys_addr_t phys, size_t done, size_t len, size_t *n)
{
	struct sim_bar *b;
	size_t avail;
	u64 bavail;
	u8 *mem;

	mem = shim_ram_resolve(phys, &avail);
	if (mem) {
		*n = min_t(u64, len, avail);
		sim_move(x, mem, done, *n);
		return 0;
	}
	if (phys >= SIM_SWIOTLB_BASE &&
	    phys - SIM_SWIOTLB_BASE < (u64)SIM_SWIOTLB_PAGES * PAGE_SIZE &&
	    sim.swiotlb) {
		u64 off = phys - SIM_SWIOTLB_BASE;

		*n = min_t(u64, len, (u64)SIM_SWIOTLB_PAGES * PAGE_SIZE - off);
		sim_move(x, sim.swiotlb + off, done, *n);
		return 0;
	}
	b = sim_bar_by_phys(phys, &bavail);
	if (!b)
		return sim_fault(x, "physical address 0x%llx is neither host RAM nor a BAR",
				 (unsigned long long)phys);
	if (!sim_host_bridge_p2p(b->owner, init))
		return sim_fault(x, "peer-to-peer to %s BAR %d through the host bridge is not supported on this platform",
				 b->owner->sd.name, b->idx);
	if (!b->enabled)
		return sim_fault(x, "BAR %d of %s is disabled (revoked)",
				 b->idx, b->owner->sd.name);
	*n = min_t(u64, len, bavail);
	sim_move_bar(x, b, phys - b->phys, done, *n);
	return 0;
}

/* Route the bytes of the transfer from @done on; @n: bytes handled. */
static int sim_route(struct sim_xfer *x, struct sim_pci *init, size_t done,
		     size_t *n)
{
	u64 addr = x->addr + done;
	size_t len = x->len - done;
	struct sim_map *m;
	struct sim_bar *b;
	u64 avail;

	/* A peer below a common switch or port decodes it first. */
	b = init ? sim_bar_by_bus(init->sd.hb, addr, &avail) : NULL;
	if (b && sim_oracle(b->owner, init, NULL) == SIM_P2P_BUS_ADDR) {
		if (!b->enabled)
			return sim_fault(x, "BAR %d of %s is disabled (revoked)",
					 b->idx, b->owner->sd.name);
		*n = min_t(u64, len, avail);
		sim_move_bar(x, b, addr - b->bus, done, *n);
		return 0;
	}

	/* Up to the host bridge. */
	if (sim_dev_translated(x->dev)) {
		phys_addr_t phys;

		m = sim_iommu_entry(x->dev, addr);
		if (!m)
			return sim_fault(x, "IOMMU fault: no translation for 0x%llx",
					 (unsigned long long)addr);
		if (!sim_allows(m->dir, x->write))
			return sim_fault(x, "IOMMU fault: %s through a %s mapping",
					 x->write ? "write" : "read",
					 sim_dir_name(m->dir));
		if (m->kind == SIM_MAP_LINK && !m->synced)
			return sim_fault(x, "IOMMU fault: IOVA 0x%llx linked but not synced (dma_iova_sync() missing)",
					 (unsigned long long)addr);
		if (addr < m->dma || addr - m->dma >= m->size)
			return sim_fault(x, "outside the mapping but inside its IOMMU page (real hardware would not catch this)");
		*n = min_t(u64, len, m->dma + m->size - addr);
		phys = m->phys + (addr - m->dma);
		return sim_to_host(x, init, phys, done, *n, n);
	}
	m = sim_direct_map(x->dev, addr);
	if (!m)
		return sim_fault(x, "not mapped");
	if (!sim_allows(m->dir, x->write))
		return sim_fault(x, "%s through a %s mapping (no IOMMU would catch this)",
				 x->write ? "write" : "read",
				 sim_dir_name(m->dir));
	*n = min_t(u64, len, m->dma + m->size - addr);
	/* dma-direct: the DMA address is the physical address. */
	return sim_to_host(x, init, addr, done, *n, n);
}

int sim_dma(struct device *dev, dma_addr_t addr, void *buf, size_t len,
	    bool write)
{
	struct sim_xfer x = {
		.dev = dev, .addr = addr, .len = len, .write = write,
		.buf = buf,
	};
	struct sim_dev *sd = sim_dev_of(dev);
	struct sim_pci *init = sim_dev_pci_ancestor(dev);
	int pass;

	if (!sd)
		return sim_fault(&x, "not a simulated device");
	if (!len)
		return 0;
	if (addr + len - 1 < addr)
		return sim_fault(&x, "the transfer wraps around the address space");
	if (!dev->dma_mask || addr + len - 1 > *dev->dma_mask)
		return sim_fault(&x, "beyond the device's DMA mask 0x%llx",
				 dev->dma_mask ?
				 (unsigned long long)*dev->dma_mask : 0ULL);
	/* Check every byte, then move them. */
	for (pass = 0; pass < 2; pass++) {
		size_t done = 0, n;
		int ret;

		x.commit = pass;
		while (done < len) {
			ret = sim_route(&x, init, done, &n);
			if (ret)
				return ret;
			done += n;
		}
	}
	return 0;
}

int sim_dma_ranges(struct device *dev, const struct dma_vec_drange *ranges,
		   unsigned int nr, u64 off, void *buf, u64 len, bool write)
{
	u64 total = 0, skip = off;
	unsigned int i;
	int n = 0, ret;

	for (i = 0; i < nr; i++)
		total += ranges[i].len;
	if (off > total || len > total - off)
		return -EINVAL;
	for (i = 0; i < nr && len; i++) {
		u64 chunk;

		if (skip >= ranges[i].len) {
			skip -= ranges[i].len;
			continue;
		}
		chunk = min(len, ranges[i].len - skip);
		ret = sim_dma(dev, ranges[i].addr + skip, buf, chunk, write);
		if (ret)
			return ret;
		n++;
		buf = (u8 *)buf + chunk;
		len -= chunk;
		skip = 0;
	}
	return n;
}
