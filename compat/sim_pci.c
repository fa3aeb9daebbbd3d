// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated platform's machine: host bridges, buses, PCI functions with
 * config space and BARs, non-PCI devices, the CPU, address spaces; the
 * kernel's device, PCI and VMA lookup APIs on top of them; and the oracle
 * that says how a client should reach a provider.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/processor.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <shim/shim.h>

#include "sim_internal.h"

struct sim_state sim = {
	.devices = LIST_HEAD_INIT(sim.devices),
	.buses = LIST_HEAD_INIT(sim.buses),
	.maps = LIST_HEAD_INIT(sim.maps),
	.mms = LIST_HEAD_INIT(sim.mms),
	.iova_api = true,
};

const struct bus_type pci_bus_type = { .name = "pci" };
static const struct bus_type sim_plain_bus = { .name = "sim" };

struct cpuinfo_x86 boot_cpu_data = {
	.x86 = 6,
	.x86_vendor = X86_VENDOR_INTEL,
};

#define SIM_CFG_PCIE	0x40
#define SIM_CFG_ACS	0x100
#define SIM_HEADER_TYPE_MFD	0x80

static void *sim_zalloc(size_t size)
{
	void *p = calloc(1, size);

	if (!p) {
		fprintf(stderr, "sim: out of memory\n");
		abort();
	}
	return p;
}

/* Devices */

struct sim_dev *sim_dev_of(const struct device *dev)
{
	return dev ? dev->sim : NULL;
}

struct sim_pci *sim_pci_of(struct pci_dev *pdev)
{
	struct sim_dev *sd = pdev ? sim_dev_of(&pdev->dev) : NULL;

	return sd ? sd->pci : NULL;
}

/* The PCI function DMA from @dev is issued by: itself or an ancestor. */
struct sim_pci *sim_dev_pci_ancestor(struct device *dev)
{
	for (; dev; dev = dev->parent) {
		struct sim_dev *sd = sim_dev_of(dev);

		if (sd && sd->kind == SIM_KIND_PCI)
			return sd->pci;
	}
	return NULL;
}

bool sim_dev_translated(struct device *dev)
{
	struct sim_dev *sd = sim_dev_of(dev);
	struct sim_pci *p;

	if (!sd)
		return false;
	p = sim_dev_pci_ancestor(dev);
	if (p)
		return p->sd.hb->iommu;
	return sd->iommu;
}

bool sim_dev_has_iommu(struct device *dev)
{
	return sim_dev_translated(dev);
}

void sim_dev_set_skip_sync(struct device *dev, bool on)
{
	struct sim_dev *sd = sim_dev_of(dev);

	WARN_ON(on && sim_dev_translated(dev));
	sd->skip_sync = on && !sim_dev_translated(dev);
}

void sim_dev_set_max_mapping(struct device *dev, size_t size)
{
	sim_dev_of(dev)->max_map = size;
}

bool sim_dev_need_sync(const struct device *dev)
{
	return !dev->sim || !dev->sim->skip_sync;
}

const char *dev_name(const struct device *dev)
{
	struct sim_dev *sd = sim_dev_of(dev);

	if (sd)
		return sd->name;
	return dev && dev->init_name ? dev->init_name : "(unnamed device)";
}

struct device *get_device(struct device *dev)
{
	struct sim_dev *sd = sim_dev_of(dev);

	if (sd)
		sd->refs++;
	return dev;
}

void put_device(struct device *dev)
{
	struct sim_dev *sd = sim_dev_of(dev);

	if (!sd)
		return;
	/* The platform owns the device: its own reference never drops. */
	if (WARN_ON(sd->refs <= 0))
		return;
	sd->refs--;
}

long sim_device_refs(void)
{
	struct sim_dev *sd;
	long n = 0;

	list_for_each_entry(sd, &sim.devices, node)
		n += sd->refs;
	return n;
}

static void sim_dev_init(struct sim_dev *sd, struct device *dev,
			 enum sim_kind kind)
{
	sd->kind = kind;
	sd->dev = dev;
	dev->sim = sd;
	list_add_tail(&sd->node, &sim.devices);
}

struct device *sim_add_device(const char *name, struct device *parent,
			      const struct sim_dev_desc *d)
{
	static const struct sim_dev_desc none;
	struct {
		struct device dev;
		struct sim_dev sd;
	} *p = sim_zalloc(sizeof(*p));

	if (!d)
		d = &none;
	snprintf(p->sd.name, sizeof(p->sd.name), "%s", name);
	p->dev.parent = parent;
	p->dev.bus = &sim_plain_bus;
	p->sd.dma_mask = DMA_BIT_MASK(d->dma_bits ? d->dma_bits : 32);
	p->dev.dma_mask = &p->sd.dma_mask;
	p->dev.coherent_dma_mask = p->sd.dma_mask;
	if (d->dma_parms) {
		p->sd.parms.max_segment_size = d->max_seg;
		p->sd.parms.segment_boundary_mask = d->seg_boundary;
		p->dev.dma_parms = &p->sd.parms;
	}
	p->sd.iommu = d->iommu;
	sim_dev_init(&p->sd, &p->dev, SIM_KIND_PLAIN);
	return &p->dev;
}

/* Buses and host bridges */

static struct pci_bus *sim_new_bus(struct pci_bus *parent, int domain,
				   unsigned int number)
{
	struct sim_bus *b = sim_zalloc(sizeof(*b));

	b->bus.parent = parent;
	b->bus.domain_nr = domain;
	b->bus.number = number;
	b->bus.primary = parent ? parent->number : 0;
	b->bus.busn_end = number;
	INIT_LIST_HEAD(&b->bus.children);
	INIT_LIST_HEAD(&b->bus.devices);
	if (parent)
		list_add_tail(&b->bus.node, &parent->children);
	else
		INIT_LIST_HEAD(&b->bus.node);
	list_add_tail(&b->node, &sim.buses);
	return &b->bus;
}

static struct sim_hb *sim_hb_of_bus(struct pci_bus *bus)
{
	while (bus->parent)
		bus = bus->parent;
	return container_of(to_pci_host_bridge(bus->bridge), struct sim_hb,
			    host);
}

struct pci_host_bridge *sim_add_host_bridge(const struct sim_host_bridge_desc *d)
{
	struct sim_hb *hb = sim_zalloc(sizeof(*hb));

	hb->index = sim.nr_hb++;
	hb->iommu = d->iommu;
	hb->mem_base = d->mem_base ? d->mem_base :
		(16ULL << 40) + ((u64)hb->index << 40);
	hb->mem_next = hb->mem_base;
	hb->mem_size = 1ULL << 40;
	if (d->zero_bus_offset)
		hb->bus_offset = 0;
	else if (d->bus_offset)
		hb->bus_offset = d->bus_offset;
	else
		hb->bus_offset = ((1ULL << 40) + ((u64)hb->index << 40)) -
				 hb->mem_base;
	hb->next_busnr = d->bus + 1U;
	snprintf(hb->sd.name, sizeof(hb->sd.name), "pci%04x:%02x", d->domain,
		 d->bus);
	hb->sd.hb = hb;
	sim_dev_init(&hb->sd, &hb->host.dev, SIM_KIND_HOST_BRIDGE);
	hb->host.bus = sim_new_bus(NULL, d->domain, d->bus);
	hb->host.bus->bridge = &hb->host.dev;
	if (d->vendor) {
		struct sim_pci_desc hd = {
			.type = -1,
			.devfn = PCI_DEVFN(0, 0),
			.vendor = d->vendor,
			.device = d->device,
		};

		sim_add_pci(hb->host.bus, &hd);
	}
	return &hb->host;
}

struct pci_host_bridge *pci_find_host_bridge(struct pci_bus *bus)
{
	while (bus->parent)
		bus = bus->parent;
	return to_pci_host_bridge(bus->bridge);
}

/* Config space */

static void cfg_w8(struct sim_pci *p, int where, u8 v)
{
	p->cfg[where] = v;
}

static void cfg_w16(struct sim_pci *p, int where, u16 v)
{
	p->cfg[where] = v & 0xff;
	p->cfg[where + 1] = v >> 8;
}

static void cfg_w32(struct sim_pci *p, int where, u32 v)
{
	cfg_w16(p, where, v & 0xffff);
	cfg_w16(p, where + 2, v >> 16);
}

static u16 cfg_r16(const struct sim_pci *p, int where)
{
	return p->cfg[where] | (p->cfg[where + 1] << 8);
}

static int sim_cfg_check(const struct pci_dev *dev, int where, int size)
{
	if (where < 0 || where + size > 4096 || (where & (size - 1)))
		return PCIBIOS_BAD_REGISTER_NUMBER;
	if (WARN_ON(!sim_pci_of((struct pci_dev *)dev)))
		return PCIBIOS_DEVICE_NOT_FOUND;
	return PCIBIOS_SUCCESSFUL;
}

static int sim_cfg_read(const struct pci_dev *dev, int where, int size,
			u32 *val)
{
	struct sim_pci *p;
	int ret = sim_cfg_check(dev, where, size);
	int i;

	*val = ~0U >> (32 - 8 * size);
	if (ret)
		return ret;
	p = sim_pci_of((struct pci_dev *)dev);
	*val = 0;
	for (i = size - 1; i >= 0; i--)
		*val = (*val << 8) | p->cfg[where + i];
	return PCIBIOS_SUCCESSFUL;
}

/* Only the ACS control register is writable; other writes are ignored. */
static int sim_cfg_write(const struct pci_dev *dev, int where, int size,
			 u32 val)
{
	struct sim_pci *p;
	int ret = sim_cfg_check(dev, where, size);
	int i;

	if (ret)
		return ret;
	p = sim_pci_of((struct pci_dev *)dev);
	for (i = 0; i < size; i++) {
		int reg = where + i;

		if (p->acs_pos && (reg == p->acs_pos + PCI_ACS_CTRL ||
				   reg == p->acs_pos + PCI_ACS_CTRL + 1))
			p->cfg[reg] = (val >> (8 * i)) & 0xff;
	}
	return PCIBIOS_SUCCESSFUL;
}

int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val)
{
	u32 v;
	int ret = sim_cfg_read(dev, where, 1, &v);

	*val = v;
	return ret;
}

int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val)
{
	u32 v;
	int ret = sim_cfg_read(dev, where, 2, &v);

	*val = v;
	return ret;
}

int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val)
{
	return sim_cfg_read(dev, where, 4, val);
}

int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val)
{
	return sim_cfg_write(dev, where, 1, val);
}

int pci_write_config_word(const struct pci_dev *dev, int where, u16 val)
{
	return sim_cfg_write(dev, where, 2, val);
}

int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val)
{
	return sim_cfg_write(dev, where, 4, val);
}

u16 pci_find_ext_capability(struct pci_dev *dev, int cap)
{
	struct sim_pci *p = sim_pci_of(dev);
	int pos = SIM_CFG_ACS;
	int guard = 480;

	if (!p)
		return 0;
	while (pos && guard--) {
		u32 hdr = cfg_r16(p, pos) | ((u32)cfg_r16(p, pos + 2) << 16);

		if (!hdr)
			return 0;
		if (PCI_EXT_CAP_ID(hdr) == cap)
			return pos;
		pos = PCI_EXT_CAP_NEXT(hdr);
	}
	return 0;
}

void sim_set_acs(struct pci_dev *pdev, u16 ctrl)
{
	struct sim_pci *p = sim_pci_of(pdev);

	if (WARN_ON(!p || !p->acs_pos))
		return;
	cfg_w16(p, p->acs_pos + PCI_ACS_CTRL, ctrl);
}

/* PCI functions */

static bool sim_is_bridge_type(int type)
{
	return type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_UPSTREAM ||
		type == PCI_EXP_TYPE_DOWNSTREAM;
}

static void sim_place_bar(struct sim_hb *hb, struct sim_pci *p, int i,
			  const struct sim_bar_desc *bd)
{
	struct sim_bar *b = &p->bar[i];
	struct resource *res = &p->pdev.resource[i];
	u64 size = bd->size;

	if (WARN_ON(size < SIM_GRANULE || !is_power_of_2(size)))
		return;
	if (bd->phys) {
		if (WARN_ON(bd->phys & (size - 1)))
			return;
		b->phys = bd->phys;
	} else {
		b->phys = ALIGN(hb->mem_next, size);
		if (WARN_ON(b->phys + size - hb->mem_base > hb->mem_size))
			return;
		hb->mem_next = b->phys + size;
	}
	b->owner = p;
	b->idx = i;
	b->size = size;
	b->bus = b->phys + hb->bus_offset;
	b->enabled = true;
	res->start = b->phys;
	res->end = b->phys + size - 1;
	res->flags = IORESOURCE_MEM | IORESOURCE_MEM_64 |
		     (bd->prefetch ? IORESOURCE_PREFETCH : 0);
	cfg_w32(p, PCI_BASE_ADDRESS_0 + 4 * i,
		(u32)b->bus | PCI_BASE_ADDRESS_MEM_TYPE_64 |
		(bd->prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0));
}

struct pci_dev *sim_add_pci(struct pci_bus *bus, const struct sim_pci_desc *d)
{
	struct sim_hb *hb = sim_hb_of_bus(bus);
	struct sim_pci *p = sim_zalloc(sizeof(*p));
	struct pci_dev *pdev = &p->pdev, *other;
	bool bridge = sim_is_bridge_type(d->type);
	int i;

	p->type = d->type;
	p->up = bus->parent ? sim_pci_of(bus->self) : NULL;
	pdev->bus = bus;
	pdev->devfn = d->devfn;
	pdev->vendor = d->vendor;
	pdev->device = d->device;
	pdev->hdr_type = bridge ? PCI_HEADER_TYPE_BRIDGE :
				  PCI_HEADER_TYPE_NORMAL;
	pdev->dev.parent = bus->self ? &bus->self->dev : bus->bridge;
	pdev->dev.bus = &pci_bus_type;
	pdev->dma_mask = DMA_BIT_MASK(d->dma_bits ? d->dma_bits : 32);
	pdev->dev.dma_mask = &pdev->dma_mask;
	pdev->dev.coherent_dma_mask = pdev->dma_mask;
	pdev->dma_parms.max_segment_size = d->max_seg ? d->max_seg : 65536;
	pdev->dma_parms.segment_boundary_mask =
		d->seg_boundary ? d->seg_boundary : 0xffffffff;
	pdev->dev.dma_parms = &pdev->dma_parms;
	snprintf(p->sd.name, sizeof(p->sd.name), "%04x:%02x:%02x.%d",
		 bus->domain_nr, bus->number, PCI_SLOT(d->devfn),
		 PCI_FUNC(d->devfn));
	p->sd.hb = hb;
	p->sd.pci = p;

	cfg_w16(p, PCI_VENDOR_ID, d->vendor);
	cfg_w16(p, PCI_DEVICE_ID, d->device);
	cfg_w8(p, PCI_HEADER_TYPE, pdev->hdr_type);
	if (d->type >= 0) {
		/* A PCI Express capability, the only one in the list. */
		pdev->pcie_cap = SIM_CFG_PCIE;
		pdev->pcie_flags_reg = (u16)((d->type << 4) | 2);
		cfg_w16(p, PCI_STATUS, PCI_STATUS_CAP_LIST);
		cfg_w8(p, PCI_CAPABILITY_LIST, SIM_CFG_PCIE);
		cfg_w8(p, SIM_CFG_PCIE + PCI_CAP_LIST_ID, PCI_CAP_ID_EXP);
		cfg_w16(p, SIM_CFG_PCIE + PCI_EXP_FLAGS, pdev->pcie_flags_reg);
	}
	if (d->acs) {
		p->acs_pos = SIM_CFG_ACS;
		pdev->acs_cap = SIM_CFG_ACS;
		cfg_w32(p, SIM_CFG_ACS, PCI_EXT_CAP_ID_ACS | (1 << 16));
		cfg_w16(p, SIM_CFG_ACS + PCI_ACS_CAP, PCI_ACS_SV | PCI_ACS_TB |
			PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF | PCI_ACS_EC |
			PCI_ACS_DT);
		cfg_w16(p, SIM_CFG_ACS + PCI_ACS_CTRL, d->acs_ctrl);
	}
	for (i = 0; i < PCI_STD_NUM_BARS && !bridge; i++)
		if (d->bar[i].size)
			sim_place_bar(hb, p, i, &d->bar[i]);

	/* Functions of one slot make a multi-function device. */
	list_for_each_entry(other, &bus->devices, bus_list) {
		if (PCI_SLOT(other->devfn) != PCI_SLOT(d->devfn))
			continue;
		other->multifunction = 1;
		pdev->multifunction = 1;
		sim_pci_of(other)->cfg[PCI_HEADER_TYPE] |= SIM_HEADER_TYPE_MFD;
		p->cfg[PCI_HEADER_TYPE] |= SIM_HEADER_TYPE_MFD;
	}
	list_add_tail(&pdev->bus_list, &bus->devices);
	if (!bus->parent && !hb->first)
		hb->first = p;
	sim_dev_init(&p->sd, &pdev->dev, SIM_KIND_PCI);

	if (bridge) {
		pdev->subordinate = sim_new_bus(bus, bus->domain_nr,
						hb->next_busnr++);
		pdev->subordinate->self = pdev;
		pdev->subordinate->bridge = &pdev->dev;
		cfg_w8(p, PCI_PRIMARY_BUS, bus->number);
		cfg_w8(p, PCI_SECONDARY_BUS, pdev->subordinate->number);
		cfg_w8(p, PCI_SUBORDINATE_BUS, pdev->subordinate->number);
	}
	return pdev;
}

struct pci_dev *sim_add_root_port(struct pci_host_bridge *host,
				  unsigned int devfn)
{
	struct sim_pci_desc d = {
		.type = PCI_EXP_TYPE_ROOT_PORT,
		.devfn = devfn,
		.vendor = PCI_VENDOR_ID_REDHAT,
		.device = 0x000c,
		.acs = true,
	};

	return sim_add_pci(host->bus, &d);
}

struct pci_dev *sim_add_switch(struct pci_bus *bus, unsigned int nr_down,
			       struct pci_dev **down)
{
	struct sim_pci_desc u = {
		.type = PCI_EXP_TYPE_UPSTREAM,
		.devfn = PCI_DEVFN(0, 0),
		.vendor = PCI_VENDOR_ID_REDHAT,
		.device = 0x3130,
	};
	struct pci_dev *usp;
	unsigned int i;

	if (WARN_ON(nr_down > 32))
		nr_down = 32;
	usp = sim_add_pci(bus, &u);
	for (i = 0; i < nr_down; i++) {
		struct sim_pci_desc dp = {
			.type = PCI_EXP_TYPE_DOWNSTREAM,
			.devfn = PCI_DEVFN(i, 0),
			.vendor = PCI_VENDOR_ID_REDHAT,
			.device = 0x3131,
			.acs = true,
		};

		down[i] = sim_add_pci(usp->subordinate, &dp);
	}
	return usp;
}

struct pci_dev *sim_add_endpoint(struct pci_bus *bus, unsigned int devfn,
				 u64 bar0)
{
	struct sim_pci_desc d = {
		.type = PCI_EXP_TYPE_ENDPOINT,
		.devfn = devfn,
		.vendor = PCI_VENDOR_ID_REDHAT,
		.device = 0x0010,
		.dma_bits = 64,
		.bar[0] = { .size = bar0, .prefetch = true },
	};

	return sim_add_pci(bus, &d);
}

struct pci_dev *pci_dev_get(struct pci_dev *dev)
{
	if (dev)
		get_device(&dev->dev);
	return dev;
}

void pci_dev_put(struct pci_dev *dev)
{
	if (dev)
		put_device(&dev->dev);
}

pci_bus_addr_t pci_bus_address(struct pci_dev *pdev, int bar)
{
	struct sim_pci *p = sim_pci_of(pdev);

	if (!p || bar < 0 || bar >= PCI_STD_NUM_BARS || !p->bar[bar].size)
		return pci_resource_start(pdev, bar);
	return p->bar[bar].bus;
}

void __iomem *pci_iomap(struct pci_dev *dev, int bar, unsigned long maxlen)
{
	struct sim_pci *p = sim_pci_of(dev);
	struct sim_bar *b;

	if (!p || bar < 0 || bar >= PCI_STD_NUM_BARS || !p->bar[bar].size)
		return NULL;
	b = &p->bar[bar];
	if (b->size > SIM_FLAT_BAR_MAX) {
		pci_warn(dev, "sim: BAR %d too large for a CPU mapping\n", bar);
		return NULL;
	}
	if (!b->flat)
		b->flat = sim_zalloc(b->size);
	return b->flat;
}

void pci_iounmap(struct pci_dev *dev, void __iomem *addr)
{
}

/* The CPU */

void sim_set_cpu(u8 vendor, u8 family)
{
	boot_cpu_data.x86_vendor = vendor;
	boot_cpu_data.x86 = family;
}

void sim_set_iova_api(bool on)
{
	sim.iova_api = on;
}

/*
 * The oracle.  Peer-to-peer rules of Linux 6.12, restated over the
 * simulator's own records: the chain of bridges from the root down to each
 * function (p->up), the ACS control bytes in config space, the first
 * function on the root bus and a table of allow-listed host bridges.
 */

const struct sim_allowed_bridge sim_allow_list[SIM_NR_ALLOWED_BRIDGES] = {
	{ PCI_VENDOR_ID_INTEL, 0x3c00, true },
	{ PCI_VENDOR_ID_INTEL, 0x3c01, true },
	{ PCI_VENDOR_ID_INTEL, 0x2f00, true },
	{ PCI_VENDOR_ID_INTEL, 0x2f01, true },
	{ PCI_VENDOR_ID_INTEL, 0x2030, false },
	{ PCI_VENDOR_ID_INTEL, 0x2031, false },
	{ PCI_VENDOR_ID_INTEL, 0x2032, false },
	{ PCI_VENDOR_ID_INTEL, 0x2033, false },
	{ PCI_VENDOR_ID_INTEL, 0x2020, false },
	{ PCI_VENDOR_ID_INTEL, 0x09a2, false },
};

static bool sim_redirects(const struct sim_pci *p)
{
	return p->acs_pos && (cfg_r16(p, p->acs_pos + PCI_ACS_CTRL) &
			      (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC));
}

static bool sim_hb_allowed(const struct sim_hb *hb, bool same_host)
{
	const struct sim_pci *first = hb->first;
	unsigned int i;

	/* Only a function at 00.0 or a root port stands for the bridge. */
	if (!first || (first->pdev.devfn != 0 &&
		       first->type != PCI_EXP_TYPE_ROOT_PORT))
		return false;
	for (i = 0; i < ARRAY_SIZE(sim_allow_list); i++)
		if (sim_allow_list[i].vendor == first->pdev.vendor &&
		    sim_allow_list[i].device == first->pdev.device)
			return same_host || !sim_allow_list[i].same_host_only;
	return false;
}

bool sim_host_bridge_p2p(struct sim_pci *prov, struct sim_pci *client)
{
	if (!prov || !client)
		return false;
	if (boot_cpu_data.x86_vendor == X86_VENDOR_AMD &&
	    boot_cpu_data.x86 >= 0x17)
		return true;
	if (prov->sd.hb == client->sd.hb)
		return sim_hb_allowed(prov->sd.hb, true);
	return sim_hb_allowed(prov->sd.hb, false) &&
		sim_hb_allowed(client->sd.hb, false);
}

#define SIM_MAX_DEPTH	64

/* The chain from the topmost function down to @p; returns its length. */
static int sim_chain(struct sim_pci *p, struct sim_pci **chain)
{
	struct sim_pci *q;
	int n = 0, i;

	for (q = p; q && n < SIM_MAX_DEPTH; q = q->up)
		n++;
	for (q = p, i = n - 1; i >= 0; q = q->up, i--)
		chain[i] = q;
	return n;
}

enum sim_p2p_type sim_oracle(struct sim_pci *prov, struct sim_pci *client,
			     int *dist)
{
	struct sim_pci *a[SIM_MAX_DEPTH], *b[SIM_MAX_DEPTH];
	int na, nb, common = 0, i;
	bool redirect = false;

	if (!prov || !client) {
		if (dist)
			*dist = -1;
		return SIM_P2P_NOT_SUPPORTED;
	}
	na = sim_chain(prov, a);
	nb = sim_chain(client, b);
	/* Different host bridges share no chain even if the shapes match. */
	if (prov->sd.hb == client->sd.hb)
		while (common < na && common < nb && a[common] == b[common])
			common++;
	if (dist)
		*dist = (na - common) + (nb - common);
	if (!common)
		goto host_bridge;
	/*
	 * The provider's side is checked up to and including the common
	 * bridge, the client's side below it.
	 */
	for (i = common - 1; i < na; i++)
		redirect |= sim_redirects(a[i]);
	for (i = common; i < nb; i++)
		redirect |= sim_redirects(b[i]);
	if (!redirect)
		return SIM_P2P_BUS_ADDR;
host_bridge:
	return sim_host_bridge_p2p(prov, client) ? SIM_P2P_HOST_BRIDGE :
						   SIM_P2P_NOT_SUPPORTED;
}

enum sim_p2p_type sim_expected_map_type(struct pci_dev *provider,
					struct device *client, int *dist)
{
	return sim_oracle(sim_pci_of(provider), sim_dev_pci_ancestor(client),
			  dist);
}

/* Address spaces */

struct sim_mm {
	struct mm_struct mm;
	struct list_head node;		/* sim.mms */
};

struct mm_struct *sim_mm_create(void)
{
	struct sim_mm *m = sim_zalloc(sizeof(*m));

	INIT_LIST_HEAD(&m->mm.sim_vmas);
	pthread_rwlock_init(&m->mm.sim_lock, NULL);
	list_add_tail(&m->node, &sim.mms);
	return &m->mm;
}

void sim_mm_destroy(struct mm_struct *mm)
{
	struct sim_mm *m = container_of(mm, struct sim_mm, mm);
	struct vm_area_struct *vma, *tmp;

	if (!mm)
		return;
	WARN_ON(mm->sim_readers || mm->sim_writer);
	list_for_each_entry_safe(vma, tmp, &mm->sim_vmas, sim_node) {
		list_del(&vma->sim_node);
		free(vma);
	}
	list_del(&m->node);
	pthread_rwlock_destroy(&mm->sim_lock);
	free(m);
}

void sim_mms_free(void)
{
	struct sim_mm *m, *tmp;

	list_for_each_entry_safe(m, tmp, &sim.mms, node) {
		m->mm.sim_readers = 0;
		m->mm.sim_writer = 0;
		sim_mm_destroy(&m->mm);
	}
}

struct vm_area_struct *sim_vma_add(struct mm_struct *mm, unsigned long start,
				   unsigned long end, vm_flags_t flags,
				   const struct vm_operations_struct *ops,
				   void *priv)
{
	struct vm_area_struct *vma, *pos;

	if (WARN_ON((start | end) & ~PAGE_MASK) || WARN_ON(end <= start))
		return NULL;
	list_for_each_entry(pos, &mm->sim_vmas, sim_node) {
		if (pos->vm_end <= start)
			continue;
		if (pos->vm_start < end)
			return NULL;
		break;
	}
	vma = sim_zalloc(sizeof(*vma));
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_mm = mm;
	vma->vm_flags = flags;
	vma->vm_ops = ops;
	vma->vm_private_data = priv;
	vma->vm_pgoff = start >> PAGE_SHIFT;
	/* Insert before @pos: the first VMA above the new one (or the head). */
	list_add_tail(&vma->sim_node, &pos->sim_node);
	return vma;
}

int sim_vma_remove(struct mm_struct *mm, unsigned long start)
{
	struct vm_area_struct *vma;

	mmap_assert_write_locked(mm);
	list_for_each_entry(vma, &mm->sim_vmas, sim_node) {
		if (vma->vm_start != start)
			continue;
		list_del(&vma->sim_node);
		/* Scribble over it, so a use after munmap shows. */
		memset(vma, 0x6b, sizeof(*vma));
		free(vma);
		return 0;
	}
	return -ENOENT;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	list_for_each_entry(vma, &mm->sim_vmas, sim_node)
		if (addr < vma->vm_end)
			return vma;
	return NULL;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (vma && addr < vma->vm_start)
		vma = NULL;
	return vma;
}

/* Reset */

void sim_reset(void)
{
	struct sim_dev *sd, *tmp;
	struct sim_bus *b, *btmp;

	sim_maps_free();
	sim_mms_free();
	list_for_each_entry_safe(sd, tmp, &sim.devices, node) {
		list_del(&sd->node);
		switch (sd->kind) {
		case SIM_KIND_PCI: {
			int i;

			for (i = 0; i < PCI_STD_NUM_BARS; i++)
				sim_bar_free(&sd->pci->bar[i]);
			free(sd->pci);
			break;
		}
		case SIM_KIND_HOST_BRIDGE:
			free(container_of(sd, struct sim_hb, sd));
			break;
		case SIM_KIND_PLAIN:
			free(sd->dev);
			break;
		}
	}
	list_for_each_entry_safe(b, btmp, &sim.buses, node) {
		list_del(&b->node);
		free(b);
	}
	free(sim.swiotlb);
	sim.swiotlb = NULL;
	memset(sim.swiotlb_used, 0, sizeof(sim.swiotlb_used));
	sim.nr_hb = 0;
	sim.iova_api = true;
	sim.faults = 0;
	sim.last_fault[0] = 0;
	sim.map_errors = 0;
	sim.last_map_error[0] = 0;
	sim.map_calls = 0;
	sim.map_fail_at = 0;
	sim.bounces = 0;
	boot_cpu_data.x86_vendor = X86_VENDOR_INTEL;
	boot_cpu_data.x86 = 6;
}
