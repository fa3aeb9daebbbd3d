// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated platform: topology and kernel PCI API, the oracle against
 * the peer-to-peer rules of Linux 6.12, the DMA API (dma-direct, swiotlb,
 * IOMMU, two-step IOVA API) and the DMA engine's faults.
 */
#include <stdio.h>

#include <asm/processor.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/pfn.h>
#include <shim/sim.h>

#include "helpers.h"

static struct pci_host_bridge *host(int domain, unsigned short device,
				    bool iommu)
{
	struct sim_host_bridge_desc d = {
		.domain = domain,
		.vendor = PCI_VENDOR_ID_INTEL,
		.device = device,
		.iommu = iommu,
	};

	return sim_add_host_bridge(&d);
}

static struct page *phys_page(phys_addr_t phys)
{
	return pfn_to_page(PHYS_PFN(phys));
}

/*
 * A reference implementation of the 6.12 rules written against the kernel
 * API the code under test uses (pci_upstream_bridge(), config reads, the
 * root bus list), to cross-check the oracle, which reads the simulator's
 * own records.
 */
static bool ref_redirect(struct pci_dev *p)
{
	u16 ctrl;

	if (!p->acs_cap)
		return false;
	assert_int_equal(pci_read_config_word(p, p->acs_cap + PCI_ACS_CTRL,
					      &ctrl), 0);
	return ctrl & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
}

static int ref_steps(struct pci_dev *from, struct pci_dev *to)
{
	int n = 0;

	for (; from; from = pci_upstream_bridge(from), n++)
		if (from == to)
			return n;
	return to ? -1 : n;
}

static bool ref_listed(struct pci_host_bridge *h, bool same)
{
	static const unsigned short any[] = {
		0x2030, 0x2031, 0x2032, 0x2033, 0x2020, 0x09a2,
	};
	static const unsigned short same_only[] = {
		0x3c00, 0x3c01, 0x2f00, 0x2f01,
	};
	struct pci_dev *r = list_first_entry_or_null(&h->bus->devices,
						     struct pci_dev, bus_list);
	unsigned int i;

	if (!r || (r->devfn && pci_pcie_type(r) != PCI_EXP_TYPE_ROOT_PORT) ||
	    r->vendor != PCI_VENDOR_ID_INTEL)
		return false;
	for (i = 0; i < ARRAY_SIZE(any); i++)
		if (r->device == any[i])
			return true;
	for (i = 0; i < ARRAY_SIZE(same_only); i++)
		if (r->device == same_only[i])
			return same;
	return false;
}

static enum sim_p2p_type ref_type(struct pci_dev *prov, struct device *cdev,
				  int *dist)
{
	struct pci_host_bridge *ha, *hb;
	struct pci_dev *client = NULL, *a, *q;
	bool redirect = false;
	int up;

	for (; cdev; cdev = cdev->parent)
		if (dev_is_pci(cdev)) {
			client = to_pci_dev(cdev);
			break;
		}
	if (!client)
		return SIM_P2P_NOT_SUPPORTED;
	for (a = prov, up = 0; a; a = pci_upstream_bridge(a), up++) {
		int down = ref_steps(client, a);

		redirect |= ref_redirect(a);
		if (down < 0)
			continue;
		for (q = client; q != a; q = pci_upstream_bridge(q))
			redirect |= ref_redirect(q);
		*dist = up + down;
		if (!redirect)
			return SIM_P2P_BUS_ADDR;
		goto host_bridge;
	}
	*dist = up + ref_steps(client, NULL);
host_bridge:
	if (boot_cpu_data.x86_vendor == X86_VENDOR_AMD &&
	    boot_cpu_data.x86 >= 0x17)
		return SIM_P2P_HOST_BRIDGE;
	ha = pci_find_host_bridge(prov->bus);
	hb = pci_find_host_bridge(client->bus);
	if (ha == hb ? ref_listed(ha, true) :
	    ref_listed(ha, false) && ref_listed(hb, false))
		return SIM_P2P_HOST_BRIDGE;
	return SIM_P2P_NOT_SUPPORTED;
}

static void check_type(struct pci_dev *prov, struct device *client,
		       enum sim_p2p_type want, int want_dist)
{
	int dist = -1, rdist = -1;

	assert_int_equal(sim_expected_map_type(prov, client, &dist), want);
	assert_int_equal(ref_type(prov, client, &rdist), want);
	if (want_dist >= 0) {
		assert_int_equal(dist, want_dist);
		assert_int_equal(rdist, want_dist);
	}
}

/* The kernel's view of a small machine. */
static void test_pci_api(void **state)
{
	struct pci_host_bridge *h = host(0, 0x2030, false);
	struct pci_dev *rp, *usp, *dsp[2], *ep, *hbdev;
	struct pci_bus *root = h->bus;
	u16 v;
	u32 d;

	rp = sim_add_root_port(h, PCI_DEVFN(1, 0));
	usp = sim_add_switch(rp->subordinate, 2, dsp);
	ep = sim_add_endpoint(dsp[1]->subordinate, PCI_DEVFN(0, 0), SZ_1M);

	hbdev = list_first_entry_or_null(&root->devices, struct pci_dev,
					 bus_list);
	assert_non_null(hbdev);
	assert_int_equal(hbdev->devfn, 0);
	assert_int_equal(hbdev->device, 0x2030);
	assert_string_equal(pci_name(rp), "0000:00:01.0");
	assert_string_equal(pci_name(usp), "0000:01:00.0");
	assert_string_equal(pci_name(dsp[1]), "0000:02:01.0");
	assert_string_equal(pci_name(ep), "0000:04:00.0");
	assert_int_equal(pci_dev_id(ep), PCI_DEVID(4, 0));
	assert_int_equal(pci_domain_nr(ep->bus), 0);
	assert_ptr_equal(pci_upstream_bridge(ep), dsp[1]);
	assert_ptr_equal(pci_upstream_bridge(dsp[1]), usp);
	assert_ptr_equal(pci_upstream_bridge(usp), rp);
	assert_null(pci_upstream_bridge(rp));
	assert_ptr_equal(pci_find_host_bridge(ep->bus), h);
	assert_int_equal(pci_pcie_type(rp), PCI_EXP_TYPE_ROOT_PORT);
	assert_int_equal(pci_pcie_type(usp), PCI_EXP_TYPE_UPSTREAM);
	assert_int_equal(pci_pcie_type(dsp[0]), PCI_EXP_TYPE_DOWNSTREAM);
	assert_int_equal(pci_pcie_type(ep), PCI_EXP_TYPE_ENDPOINT);
	assert_true(pci_is_bridge(usp));
	assert_false(pci_is_bridge(ep));
	assert_true(dev_is_pci(&ep->dev));
	assert_ptr_equal(to_pci_dev(&ep->dev), ep);
	assert_ptr_equal(ep->dev.parent, &dsp[1]->dev);

	/* Config space: ids and the ACS capability. */
	assert_int_equal(pci_read_config_word(ep, PCI_VENDOR_ID, &v), 0);
	assert_int_equal(v, ep->vendor);
	assert_int_equal(pci_read_config_dword(ep, PCI_VENDOR_ID, &d), 0);
	assert_int_equal(d >> 16, ep->device);
	assert_int_equal(ep->acs_cap, 0);
	assert_int_not_equal(dsp[0]->acs_cap, 0);
	assert_int_equal(pci_find_ext_capability(dsp[0], PCI_EXT_CAP_ID_ACS),
			 dsp[0]->acs_cap);
	sim_set_acs(dsp[0], PCI_ACS_RR);
	assert_int_equal(pci_read_config_word(dsp[0],
					      dsp[0]->acs_cap + PCI_ACS_CTRL,
					      &v), 0);
	assert_int_equal(v, PCI_ACS_RR);
	assert_int_equal(pci_write_config_word(dsp[0],
					       dsp[0]->acs_cap + PCI_ACS_CTRL,
					       0), 0);
	assert_int_equal(pci_read_config_word(dsp[0],
					      dsp[0]->acs_cap + PCI_ACS_CTRL,
					      &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(pci_read_config_word(ep, 4095, &v),
			 PCIBIOS_BAD_REGISTER_NUMBER);

	/* BAR: CPU and bus addresses differ by the host bridge offset. */
	assert_int_equal(pci_resource_len(ep, 0), SZ_1M);
	assert_int_equal(pci_resource_len(ep, 1), 0);
	assert_true(pci_resource_flags(ep, 0) & IORESOURCE_MEM);
	assert_true(pci_resource_flags(ep, 0) & IORESOURCE_PREFETCH);
	assert_int_not_equal(pci_bus_address(ep, 0), pci_resource_start(ep, 0));
	assert_int_equal(pci_resource_start(ep, 0) % SZ_1M, 0);

	/* DMA limits: the PCI core's defaults, the kernel's for others. */
	assert_int_equal(dma_get_max_seg_size(&ep->dev), SZ_64K);
	assert_int_equal(dma_get_seg_boundary(&ep->dev), 0xffffffff);
	assert_int_equal(dma_get_mask(&ep->dev), DMA_BIT_MASK(64));
	assert_int_equal(dma_get_mask(&rp->dev), DMA_BIT_MASK(32));

	/* References balance. */
	assert_ptr_equal(pci_dev_get(ep), ep);
	assert_int_equal(sim_device_refs(), 1);
	pci_dev_put(ep);
	(void)state;
}

static void test_plain_device(void **state)
{
	struct sim_dev_desc dd = {
		.dma_bits = 40, .dma_parms = true, .max_seg = SZ_4K,
		.seg_boundary = SZ_64K - 1,
	};
	struct device *a = sim_add_device("kunit-dev", NULL, NULL);
	struct device *b = sim_add_device("limited", NULL, &dd);

	assert_string_equal(dev_name(a), "kunit-dev");
	assert_false(dev_is_pci(a));
	assert_int_equal(dma_get_mask(a), DMA_BIT_MASK(32));
	assert_int_equal(dma_get_max_seg_size(a), SZ_64K);
	assert_int_equal(dma_get_seg_boundary(a), ULONG_MAX);
	assert_int_equal(dma_get_mask(b), DMA_BIT_MASK(40));
	assert_int_equal(dma_get_max_seg_size(b), SZ_4K);
	assert_int_equal(dma_get_seg_boundary(b), SZ_64K - 1);
	dma_set_max_seg_size(b, SZ_8K);
	assert_int_equal(dma_get_max_seg_size(b), SZ_8K);
	assert_int_equal(dma_set_mask_and_coherent(a, DMA_BIT_MASK(64)), 0);
	assert_int_equal(dma_get_mask(a), DMA_BIT_MASK(64));
	assert_int_equal(dma_set_mask(a, DMA_BIT_MASK(16)), -EIO);

	/* dev_warn() is counted, not fatal. */
	shim_set_quiet_log(true);
	dev_warn(a, "test %d\n", 1);
	assert_int_equal(shim_log_count(SHIM_LOG_WARN), 1);
	assert_string_equal(shim_log_last(), "kunit-dev: test 1\n");
	(void)state;
}

/* The matrix of the issue, each with its 6.12 answer and distance. */
static void test_oracle_switches(void **state)
{
	struct pci_host_bridge *h = host(0, 0x2030, false);
	struct pci_dev *rp, *dsp[3], *dsp2[2], *a, *b, *c, *d;

	rp = sim_add_root_port(h, PCI_DEVFN(1, 0));
	sim_add_switch(rp->subordinate, 3, dsp);
	a = sim_add_endpoint(dsp[0]->subordinate, 0, SZ_1M);
	b = sim_add_endpoint(dsp[1]->subordinate, 0, SZ_1M);
	/* A second switch cascaded below the first one's third port. */
	sim_add_switch(dsp[2]->subordinate, 2, dsp2);
	c = sim_add_endpoint(dsp2[0]->subordinate, 0, SZ_1M);
	d = sim_add_endpoint(dsp2[1]->subordinate, 0, SZ_1M);

	check_type(a, &a->dev, SIM_P2P_BUS_ADDR, 0);
	check_type(a, &b->dev, SIM_P2P_BUS_ADDR, 4);
	check_type(c, &d->dev, SIM_P2P_BUS_ADDR, 4);
	check_type(a, &c->dev, SIM_P2P_BUS_ADDR, 6);
	check_type(c, &a->dev, SIM_P2P_BUS_ADDR, 6);

	/* ACS redirect on a downstream port of the path: host bridge. */
	sim_set_acs(dsp[1], PCI_ACS_RR);
	check_type(a, &b->dev, SIM_P2P_HOST_BRIDGE, 4);
	check_type(b, &a->dev, SIM_P2P_HOST_BRIDGE, 4);
	check_type(a, &c->dev, SIM_P2P_BUS_ADDR, 6);
	sim_set_acs(dsp[1], PCI_ACS_EC);
	check_type(a, &b->dev, SIM_P2P_HOST_BRIDGE, 4);
	sim_set_acs(dsp[1], PCI_ACS_SV | PCI_ACS_UF);
	check_type(a, &b->dev, SIM_P2P_BUS_ADDR, 4);
	sim_set_acs(dsp[1], 0);
	sim_set_acs(dsp[2], PCI_ACS_CR);
	check_type(a, &c->dev, SIM_P2P_HOST_BRIDGE, 6);
	check_type(c, &d->dev, SIM_P2P_BUS_ADDR, 4);
	(void)state;
}

static void test_oracle_root_ports(void **state)
{
	static const struct {
		unsigned short device;
		enum sim_p2p_type want;
	} hosts[] = {
		{ 0x2030, SIM_P2P_HOST_BRIDGE },	/* Skylake-E */
		{ 0x09a2, SIM_P2P_HOST_BRIDGE },
		{ 0x3c00, SIM_P2P_HOST_BRIDGE },	/* same host bridge only */
		{ 0x1234, SIM_P2P_NOT_SUPPORTED },	/* not allow-listed */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hosts); i++) {
		struct pci_host_bridge *h = host(0, hosts[i].device, false);
		struct pci_dev *rp1 = sim_add_root_port(h, PCI_DEVFN(1, 0));
		struct pci_dev *rp2 = sim_add_root_port(h, PCI_DEVFN(2, 0));
		struct pci_dev *a, *b;

		a = sim_add_endpoint(rp1->subordinate, 0, SZ_1M);
		b = sim_add_endpoint(rp2->subordinate, 0, SZ_1M);
		check_type(a, &b->dev, hosts[i].want, 4);

		/* The AMD Zen rule overrides the allow-list... */
		sim_set_cpu(X86_VENDOR_AMD, 0x17);
		check_type(a, &b->dev, SIM_P2P_HOST_BRIDGE, 4);
		sim_set_cpu(X86_VENDOR_AMD, 0x19);
		check_type(a, &b->dev, SIM_P2P_HOST_BRIDGE, 4);
		/* ...but not before Zen, and not for other vendors. */
		sim_set_cpu(X86_VENDOR_AMD, 0x16);
		check_type(a, &b->dev, hosts[i].want, 4);
		sim_set_cpu(X86_VENDOR_HYGON, 0x18);
		check_type(a, &b->dev, hosts[i].want, 4);
		dvt_resim();
	}
	(void)state;
}

static void test_oracle_host_bridges(void **state)
{
	static const struct {
		unsigned short dev0, dev1;
		enum sim_p2p_type want;
	} cases[] = {
		{ 0x2030, 0x2030, SIM_P2P_HOST_BRIDGE },
		{ 0x2030, 0x2031, SIM_P2P_HOST_BRIDGE },
		{ 0x3c00, 0x3c00, SIM_P2P_NOT_SUPPORTED },
		{ 0x2030, 0x3c00, SIM_P2P_NOT_SUPPORTED },
		{ 0x2030, 0x1234, SIM_P2P_NOT_SUPPORTED },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pci_host_bridge *h0 = host(0, cases[i].dev0, false);
		struct pci_host_bridge *h1 = host(1, cases[i].dev1, false);
		struct pci_dev *rp0 = sim_add_root_port(h0, PCI_DEVFN(1, 0));
		struct pci_dev *rp1 = sim_add_root_port(h1, PCI_DEVFN(1, 0));
		struct pci_dev *a, *b;

		a = sim_add_endpoint(rp0->subordinate, 0, SZ_1M);
		b = sim_add_endpoint(rp1->subordinate, 0, SZ_1M);
		/* Same bus numbers, different domains. */
		assert_string_equal(pci_name(a), "0000:01:00.0");
		assert_string_equal(pci_name(b), "0001:01:00.0");
		check_type(a, &b->dev, cases[i].want, 4);
		check_type(b, &a->dev, cases[i].want, 4);
		sim_set_cpu(X86_VENDOR_AMD, 0x17);
		check_type(a, &b->dev, SIM_P2P_HOST_BRIDGE, 4);
		dvt_resim();
	}
	(void)state;
}

static void test_oracle_functions(void **state)
{
	struct pci_host_bridge *h = host(0, 0x1234, false);
	struct pci_dev *rp = sim_add_root_port(h, PCI_DEVFN(1, 0));
	struct pci_dev *f0, *f1, *r0, *r1;
	struct device *child, *orphan;
	struct sim_pci_desc acs_fn = {
		.type = PCI_EXP_TYPE_ENDPOINT, .devfn = PCI_DEVFN(0, 2),
		.vendor = PCI_VENDOR_ID_MELLANOX, .device = 0x101d,
		.acs = true, .dma_bits = 64,
	};
	struct pci_dev *f2;

	/* A multi-function device: a common root port, no switch. */
	f0 = sim_add_endpoint(rp->subordinate, PCI_DEVFN(0, 0), SZ_1M);
	f1 = sim_add_endpoint(rp->subordinate, PCI_DEVFN(0, 1), SZ_1M);
	f2 = sim_add_pci(rp->subordinate, &acs_fn);
	assert_true(f0->multifunction && f1->multifunction);
	assert_string_equal(pci_name(f1), "0000:01:00.1");
	check_type(f0, &f1->dev, SIM_P2P_BUS_ADDR, 2);
	check_type(f0, &f2->dev, SIM_P2P_BUS_ADDR, 2);

	/* Redirect on the common root port counts (6.12 checks it)... */
	sim_set_acs(rp, PCI_ACS_RR);
	check_type(f0, &f1->dev, SIM_P2P_NOT_SUPPORTED, 2);
	sim_set_acs(rp, 0);
	/* ...and on the function itself, even as its own client. */
	sim_set_acs(f2, PCI_ACS_RR);
	check_type(f2, &f2->dev, SIM_P2P_NOT_SUPPORTED, 0);
	check_type(f2, &f0->dev, SIM_P2P_NOT_SUPPORTED, 2);
	check_type(f0, &f2->dev, SIM_P2P_NOT_SUPPORTED, 2);
	sim_set_cpu(X86_VENDOR_AMD, 0x17);
	check_type(f2, &f2->dev, SIM_P2P_HOST_BRIDGE, 0);
	sim_set_cpu(X86_VENDOR_INTEL, 6);
	sim_set_acs(f2, 0);

	/* Functions on the root bus (RCiEPs) share no upstream bridge. */
	r0 = sim_add_endpoint(h->bus, PCI_DEVFN(5, 0), SZ_1M);
	r1 = sim_add_endpoint(h->bus, PCI_DEVFN(5, 1), SZ_1M);
	check_type(r0, &r1->dev, SIM_P2P_NOT_SUPPORTED, 2);
	check_type(r0, &f0->dev, SIM_P2P_NOT_SUPPORTED, 3);

	/* Non-PCI clients: the nearest PCI ancestor decides. */
	child = sim_add_device("ib0", &f1->dev, NULL);
	orphan = sim_add_device("platform", NULL, NULL);
	check_type(f0, child, SIM_P2P_BUS_ADDR, 2);
	check_type(f0, orphan, SIM_P2P_NOT_SUPPORTED, -1);
	(void)state;
}

/* Which function stands for the host bridge in the allow-list. */
static void test_oracle_host_bridge_device(void **state)
{
	struct sim_host_bridge_desc none = { .domain = 0 };
	struct sim_pci_desc rpd = {
		.type = PCI_EXP_TYPE_ROOT_PORT, .devfn = PCI_DEVFN(3, 0),
		.vendor = PCI_VENDOR_ID_INTEL, .device = 0x2030, .acs = true,
	};
	struct sim_pci_desc epd = {
		.type = PCI_EXP_TYPE_ENDPOINT, .devfn = PCI_DEVFN(3, 0),
		.vendor = PCI_VENDOR_ID_INTEL, .device = 0x2030,
	};
	struct pci_host_bridge *h;
	struct pci_dev *rp1, *rp2, *a, *b;

	/* Skylake: no 00.0, the first function is an allow-listed port. */
	h = sim_add_host_bridge(&none);
	rp1 = sim_add_pci(h->bus, &rpd);
	rp2 = sim_add_root_port(h, PCI_DEVFN(4, 0));
	a = sim_add_endpoint(rp1->subordinate, 0, SZ_1M);
	b = sim_add_endpoint(rp2->subordinate, 0, SZ_1M);
	check_type(a, &b->dev, SIM_P2P_HOST_BRIDGE, 4);
	dvt_resim();

	/* The same ids on an endpoint that is not at 00.0 do not count. */
	h = sim_add_host_bridge(&none);
	sim_add_pci(h->bus, &epd);
	rp1 = sim_add_root_port(h, PCI_DEVFN(4, 0));
	rp2 = sim_add_root_port(h, PCI_DEVFN(5, 0));
	a = sim_add_endpoint(rp1->subordinate, 0, SZ_1M);
	b = sim_add_endpoint(rp2->subordinate, 0, SZ_1M);
	check_type(a, &b->dev, SIM_P2P_NOT_SUPPORTED, 4);
	(void)state;
}

/* dma_map_page() without an IOMMU: dma-direct, real bytes, faults. */
static void test_dma_direct_page(void **state)
{
	struct pci_host_bridge *h = host(0, 0x2030, false);
	struct pci_dev *rp = sim_add_root_port(h, PCI_DEVFN(1, 0));
	struct pci_dev *ep = sim_add_endpoint(rp->subordinate, 0, 0);
	struct device *dev = &ep->dev;
	u8 buf[0x40], *ram;
	phys_addr_t phys;
	dma_addr_t dma, out;

	ram = shim_ram_alloc(3 * PAGE_SIZE, &phys);
	assert_non_null(ram);
	memset(ram, 0xa5, 3 * PAGE_SIZE);

	dma = dma_map_page(dev, phys_page(phys), 0, PAGE_SIZE, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(dev, dma));
	assert_int_equal(dma, phys);
	assert_int_equal(sim_live_mappings(dev), 1);
	assert_int_equal(sim_dma(dev, dma + 0x10, buf, 0x20, false), 0);
	assert_int_equal(buf[0], 0xa5);

	/* A write through a to-device mapping. */
	dvt_expect_fault(sim_dma(dev, dma, buf, 8, true),
		     "write through a to-device mapping");
	dma_unmap_page(dev, dma, PAGE_SIZE, DMA_TO_DEVICE);

	out = dma_map_page(dev, phys_page(phys + PAGE_SIZE), 0, PAGE_SIZE,
			   DMA_FROM_DEVICE);
	assert_false(dma_mapping_error(dev, out));
	memset(buf, 0x3c, sizeof(buf));
	assert_int_equal(sim_dma(dev, out + PAGE_SIZE - 0x40, buf, 0x40, true),
			 0);
	assert_int_equal(ram[2 * PAGE_SIZE - 1], 0x3c);

	/* One byte past the end: refused, and nothing moved. */
	memset(buf, 0x77, sizeof(buf));
	dvt_expect_fault(sim_dma(dev, out + PAGE_SIZE - 0x10, buf, 0x20, true),
		     "0x10 bytes past the end of mapping");
	assert_int_equal(ram[2 * PAGE_SIZE - 0x10], 0x3c);
	dvt_expect_fault(sim_dma(dev, out + PAGE_SIZE, buf, 1, true),
		     "0x1 bytes past the end of mapping");
	dvt_expect_fault(sim_dma(dev, out - 1, buf, 1, true),
		     "0x1 bytes before the start of mapping");
	/* An address nothing maps. */
	dvt_expect_fault(sim_dma(dev, 0x12345000, buf, 4, false), "not mapped");

	/* Use after unmap, then a double unmap. */
	dma_unmap_page(dev, out, PAGE_SIZE, DMA_FROM_DEVICE);
	dvt_expect_fault(sim_dma(dev, out, buf, 4, true),
		     "no live mapping of this device");
	dma_unmap_page(dev, out, PAGE_SIZE, DMA_FROM_DEVICE);
	dvt_expect_map_error("not mapped (double unmap?)");
	shim_ram_free(ram);
	(void)state;
}

/* dma_map_page() behind an IOMMU: an IOVA, page-table permissions. */
static void test_iommu_page(void **state)
{
	struct pci_host_bridge *h = host(0, 0x2030, true);
	struct pci_dev *rp = sim_add_root_port(h, PCI_DEVFN(1, 0));
	struct pci_dev *ep = sim_add_endpoint(rp->subordinate, 0, 0);
	struct device *dev = &ep->dev;
	dma_addr_t dma, dma2;
	phys_addr_t phys;
	u8 buf[16], *ram;

	ram = shim_ram_alloc(2 * PAGE_SIZE, &phys);
	assert_non_null(ram);
	ram[0x123] = 0x5a;
	assert_true(sim_dev_has_iommu(dev));

	dma = dma_map_page(dev, phys_page(phys), 0x100, 0x200, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(dev, dma));
	assert_int_not_equal(dma, phys + 0x100);
	assert_int_equal(dma & ~PAGE_MASK, 0x100);
	assert_true(dma <= DMA_BIT_MASK(32));	/* 32-bit IOVA first */
	assert_int_equal(sim_dma(dev, dma + 0x23, buf, 1, false), 0);
	assert_int_equal(buf[0], 0x5a);
	/* The IOMMU refuses a write through a read-only entry. */
	dvt_expect_fault(sim_dma(dev, dma, buf, 1, true), "IOMMU fault");
	/* Inside the IOMMU page, outside the mapping: still a fault. */
	dvt_expect_fault(sim_dma(dev, dma + 0x200, buf, 1, false),
		     "inside its IOMMU page");
	/* A physical address means nothing to a translated device. */
	dvt_expect_fault(sim_dma(dev, phys, buf, 1, false), "no translation");

	dma2 = dma_map_page(dev, phys_page(phys + PAGE_SIZE), 0, PAGE_SIZE,
			    DMA_BIDIRECTIONAL);
	assert_false(dma_mapping_error(dev, dma2));
	assert_true(dma2 + PAGE_SIZE <= (dma & PAGE_MASK) ||
		    dma2 >= (dma & PAGE_MASK) + PAGE_SIZE);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(sim_dma(dev, dma2 + 8, buf, sizeof(buf), true), 0);
	assert_int_equal(ram[PAGE_SIZE + 8], 0xee);

	dma_unmap_page(dev, dma, 0x200, DMA_TO_DEVICE);
	dma_unmap_page(dev, dma2, PAGE_SIZE, DMA_BIDIRECTIONAL);
	dvt_expect_fault(sim_dma(dev, dma2, buf, 1, false), "no translation");
	shim_ram_free(ram);
	(void)state;
}

struct p2p_pair {
	struct pci_dev *prov;
	struct pci_dev *client;
	struct pci_dev *dsp[2];
};

/* Provider and client on one switch, or on two root ports. */
static void build_pair(struct p2p_pair *p, unsigned short hostdev,
		       bool iommu, bool same_switch, u64 bar)
{
	struct pci_host_bridge *h = host(0, hostdev, iommu);
	struct pci_dev *rp1 = sim_add_root_port(h, PCI_DEVFN(1, 0));

	if (same_switch) {
		sim_add_switch(rp1->subordinate, 2, p->dsp);
		p->prov = sim_add_endpoint(p->dsp[0]->subordinate, 0, bar);
		p->client = sim_add_endpoint(p->dsp[1]->subordinate, 0, 0);
	} else {
		struct pci_dev *rp2 = sim_add_root_port(h, PCI_DEVFN(2, 0));

		p->prov = sim_add_endpoint(rp1->subordinate, 0, bar);
		p->client = sim_add_endpoint(rp2->subordinate, 0, 0);
	}
}

/* A peer below a common switch: bus addresses, no mapping needed. */
static void test_p2p_bus_addr(void **state)
{
	struct p2p_pair p;
	u8 in[32], out[32];
	u64 bus, cpu;

	build_pair(&p, 0x1234, true, true, SZ_1M);
	bus = pci_bus_address(p.prov, 0);
	cpu = pci_resource_start(p.prov, 0);
	assert_int_equal(sim_expected_map_type(p.prov, &p.client->dev, NULL),
			 SIM_P2P_BUS_ADDR);
	memset(in, 0x42, sizeof(in));
	assert_int_equal(sim_dma(&p.client->dev, bus + 0x1000, in, 32, true),
			 0);
	assert_int_equal(sim_bar_read(p.prov, 0, 0x1000, out, 32), 0);
	assert_memory_equal(in, out, 32);
	assert_int_equal(sim_dma(&p.client->dev, bus + 0x1000, out, 32, false),
			 0);
	/* A range may not run off the end of the BAR. */
	dvt_expect_fault(sim_dma(&p.client->dev, bus + SZ_1M - 16, in, 32, true),
		     "no translation");
	/* The CPU physical address is the classic mix-up: it faults. */
	dvt_expect_fault(sim_dma(&p.client->dev, cpu + 0x1000, in, 32, true),
		     "no translation");
	/* A revoked BAR faults. */
	sim_bar_enable(p.prov, 0, false);
	dvt_expect_fault(sim_dma(&p.client->dev, bus, in, 4, false),
		     "disabled (revoked)");
	assert_int_equal(sim_bar_read(p.prov, 0, 0, out, 4), -EIO);
	sim_bar_enable(p.prov, 0, true);
	/* ACS redirect sends the bus address up to the IOMMU: a fault. */
	sim_set_acs(p.dsp[1], PCI_ACS_RR);
	dvt_expect_fault(sim_dma(&p.client->dev, bus, in, 4, false),
		     "IOMMU fault");
	(void)state;
}

/* dma_map_resource() through the host bridge, with and without IOMMU. */
static void test_p2p_host_bridge(void **state)
{
	static const bool iommu[] = { false, true };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(iommu); i++) {
		struct p2p_pair p;
		struct device *dev;
		u8 in[64], out[64];
		phys_addr_t cpu;
		dma_addr_t dma;

		build_pair(&p, 0x2030, iommu[i], false, SZ_2M);
		dev = &p.client->dev;
		cpu = pci_resource_start(p.prov, 0);
		assert_int_equal(sim_expected_map_type(p.prov, dev, NULL),
				 SIM_P2P_HOST_BRIDGE);
		dma = dma_map_resource(dev, cpu + 0x3000, 0x2000,
				       DMA_BIDIRECTIONAL, 0);
		assert_false(dma_mapping_error(dev, dma));
		if (iommu[i])
			assert_int_not_equal(dma, cpu + 0x3000);
		else
			assert_int_equal(dma, cpu + 0x3000);
		memset(in, 0x99, sizeof(in));
		assert_int_equal(sim_dma(dev, dma + 0x1ff0, in, 16, true), 0);
		assert_int_equal(sim_bar_read(p.prov, 0, 0x4ff0, out, 16), 0);
		assert_memory_equal(in, out, 16);
		dvt_expect_fault(sim_dma(dev, dma + 0x1ff0, in, 17, true),
			     "0x1 bytes past the end of mapping");
		/* Revoked: the mapping is still there, the BAR is not. */
		sim_bar_enable(p.prov, 0, false);
		dvt_expect_fault(sim_dma(dev, dma, in, 4, false), "revoked");
		sim_bar_enable(p.prov, 0, true);
		dma_unmap_resource(dev, dma, 0x2000, DMA_BIDIRECTIONAL, 0);
		dvt_expect_fault(sim_dma(dev, dma, in, 4, false), NULL);
		/* A page unmap of a resource mapping is an API error. */
		dma = dma_map_resource(dev, cpu, PAGE_SIZE, DMA_TO_DEVICE, 0);
		dma_unmap_page(dev, dma, PAGE_SIZE, DMA_TO_DEVICE);
		dvt_expect_map_error("mapped as resource");
		dvt_resim();
	}
	(void)state;
}

/* Through a host bridge that does not support it: a fault. */
static void test_p2p_disallowed(void **state)
{
	struct p2p_pair p;
	struct device *dev;
	dma_addr_t dma;
	u8 buf[8];

	build_pair(&p, 0x1234, false, false, SZ_1M);
	dev = &p.client->dev;
	assert_int_equal(sim_expected_map_type(p.prov, dev, NULL),
			 SIM_P2P_NOT_SUPPORTED);
	dma = dma_map_resource(dev, pci_resource_start(p.prov, 0), PAGE_SIZE,
			       DMA_FROM_DEVICE, 0);
	assert_false(dma_mapping_error(dev, dma));
	dvt_expect_fault(sim_dma(dev, dma, buf, 8, true), "not supported");
	/* On AMD Zen the same path works. */
	sim_set_cpu(X86_VENDOR_AMD, 0x17);
	assert_int_equal(sim_dma(dev, dma, buf, 8, true), 0);
	dma_unmap_resource(dev, dma, PAGE_SIZE, DMA_FROM_DEVICE, 0);
	(void)state;
}

/* Host memory may bounce; MMIO never does. */
static void test_swiotlb(void **state)
{
	struct pci_host_bridge *h = host(0, 0x2030, false);
	struct pci_dev *rp = sim_add_root_port(h, PCI_DEVFN(1, 0));
	struct sim_pci_desc d32 = {
		.type = PCI_EXP_TYPE_ENDPOINT, .devfn = 0,
		.vendor = PCI_VENDOR_ID_REDHAT, .device = 0x10,
		.dma_bits = 32,
		.bar[0] = { .size = SZ_1M },
	};
	struct pci_dev *ep = sim_add_pci(rp->subordinate, &d32);
	struct device *dev = &ep->dev;
	phys_addr_t phys;
	dma_addr_t dma;
	u8 buf[16], *ram;

	ram = shim_ram_alloc(SZ_512K, &phys);
	assert_non_null(ram);
	assert_true(phys > DMA_BIT_MASK(32));
	assert_int_equal(dma_max_mapping_size(dev), SZ_256K);

	/* To the device: the slot is filled at map time. */
	ram[0x10] = 0x11;
	dma = dma_map_page(dev, phys_page(phys), 0x10, 0x100, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(dev, dma));
	assert_int_equal(sim_swiotlb_bounces(), 1);
	assert_true(dma + 0x100 <= DMA_BIT_MASK(32));
	assert_int_equal(dma & ~PAGE_MASK, 0x10);
	assert_int_equal(sim_dma(dev, dma, buf, 1, false), 0);
	assert_int_equal(buf[0], 0x11);
	/* The real buffer is out of reach of the device. */
	dvt_expect_fault(sim_dma(dev, phys, buf, 1, false), "DMA mask");
	dma_unmap_page(dev, dma, 0x100, DMA_TO_DEVICE);

	/* From the device: the data appears after a sync or an unmap. */
	dma = dma_map_page(dev, phys_page(phys + PAGE_SIZE), 0, PAGE_SIZE,
			   DMA_FROM_DEVICE);
	assert_false(dma_mapping_error(dev, dma));
	memset(buf, 0xcd, sizeof(buf));
	assert_int_equal(sim_dma(dev, dma, buf, sizeof(buf), true), 0);
	assert_int_equal(ram[PAGE_SIZE], 0);
	dma_sync_single_for_cpu(dev, dma, PAGE_SIZE, DMA_FROM_DEVICE);
	assert_int_equal(ram[PAGE_SIZE], 0xcd);
	buf[0] = 0xef;
	assert_int_equal(sim_dma(dev, dma + 1, buf, 1, true), 0);
	dma_unmap_page(dev, dma, PAGE_SIZE, DMA_FROM_DEVICE);
	assert_int_equal(ram[PAGE_SIZE + 1], 0xef);

	/* More than swiotlb maps at once: an error, not a WARN. */
	shim_set_quiet_log(true);
	dma = dma_map_page(dev, phys_page(phys), 0, SZ_256K + PAGE_SIZE,
			   DMA_TO_DEVICE);
	assert_true(dma_mapping_error(dev, dma));
	assert_int_equal(shim_log_count(SHIM_LOG_WARN), 1);

	/* A resource beyond the mask is refused (and WARNs), never bounced. */
	dvt_expect_warns(1);
	dma = dma_map_resource(dev, pci_resource_start(ep, 0), PAGE_SIZE,
			       DMA_TO_DEVICE, 0);
	assert_true(dma_mapping_error(dev, dma));
	assert_int_equal(shim_log_count(SHIM_LOG_ERR), 1);
	assert_int_equal(sim_swiotlb_bounces(), 2);
	shim_ram_free(ram);
	(void)state;
}

/* The two-step IOVA API: one IOVA for RAM and a peer BAR. */
static void test_iova_api(void **state)
{
	struct p2p_pair p;
	struct dma_iova_state st;
	struct device *dev;
	phys_addr_t phys, cpu;
	u8 in[64], out[64], *ram;

	build_pair(&p, 0x2030, true, false, SZ_1M);
	dev = &p.client->dev;
	cpu = pci_resource_start(p.prov, 0);
	ram = shim_ram_alloc(2 * PAGE_SIZE, &phys);
	assert_non_null(ram);

	assert_true(dma_iova_try_alloc(dev, &st, phys, 3 * PAGE_SIZE));
	assert_true(dma_use_iova(&st));
	assert_int_equal(dma_iova_size(&st), 3 * PAGE_SIZE);
	assert_int_equal(dma_iova_link(dev, &st, phys, 0, 2 * PAGE_SIZE,
				       DMA_BIDIRECTIONAL, 0), 0);
	assert_int_equal(dma_iova_link(dev, &st, cpu + SZ_64K, 2 * PAGE_SIZE,
				       PAGE_SIZE, DMA_BIDIRECTIONAL,
				       DMA_ATTR_MMIO), 0);
	assert_int_equal(sim_live_mappings(dev), 3);
	/* Not visible to the device before dma_iova_sync(). */
	dvt_expect_fault(sim_dma(dev, st.addr, in, 4, false), "not synced");
	assert_int_equal(dma_iova_sync(dev, &st, 0, 3 * PAGE_SIZE), 0);

	/* One transfer across the RAM/BAR boundary in IOVA space. */
	memset(in, 0x6b, sizeof(in));
	assert_int_equal(sim_dma(dev, st.addr + 2 * PAGE_SIZE - 32, in, 64,
				 true), 0);
	assert_int_equal(ram[2 * PAGE_SIZE - 1], 0x6b);
	assert_int_equal(sim_bar_read(p.prov, 0, SZ_64K, out, 32), 0);
	assert_memory_equal(in, out, 32);
	/* Past the linked length. */
	dvt_expect_fault(sim_dma(dev, st.addr + 3 * PAGE_SIZE, in, 1, false),
		     "no translation");
	/* Links outside the range or over another link are refused. */
	assert_int_equal(dma_iova_link(dev, &st, phys, 3 * PAGE_SIZE,
				       PAGE_SIZE, DMA_TO_DEVICE, 0), -EINVAL);
	dvt_expect_map_error("outside the IOVA range");
	assert_int_equal(dma_iova_link(dev, &st, phys, PAGE_SIZE, PAGE_SIZE,
				       DMA_TO_DEVICE, 0), -EEXIST);
	dvt_expect_map_error("overlaps");

	dma_iova_unlink(dev, &st, 2 * PAGE_SIZE, PAGE_SIZE, DMA_BIDIRECTIONAL,
			0);
	dvt_expect_fault(sim_dma(dev, st.addr + 2 * PAGE_SIZE, in, 1, false),
		     "no translation");
	dma_iova_destroy(dev, &st, 2 * PAGE_SIZE, DMA_BIDIRECTIONAL, 0);
	assert_int_equal(sim_live_mappings(dev), 0);
	dvt_expect_fault(sim_dma(dev, st.addr, in, 1, false), "no translation");
	dma_iova_free(dev, &st);
	dvt_expect_map_error("double free");

	/* No IOVA API without an IOMMU, or when switched off. */
	sim_set_iova_api(false);
	assert_false(dma_iova_try_alloc(dev, &st, phys, PAGE_SIZE));
	assert_false(dma_use_iova(&st));
	dvt_resim();
	build_pair(&p, 0x2030, false, false, SZ_1M);
	assert_false(dma_iova_try_alloc(&p.client->dev, &st, phys, PAGE_SIZE));
	shim_ram_free(ram);
	(void)state;
}

/* Every mapping operation can be made to fail. */
static void test_fail_injection(void **state)
{
	struct p2p_pair p;
	struct dma_iova_state st;
	struct device *dev;
	phys_addr_t phys;
	dma_addr_t a, b;
	u8 *ram;

	build_pair(&p, 0x2030, true, false, SZ_1M);
	dev = &p.client->dev;
	ram = shim_ram_alloc(PAGE_SIZE, &phys);
	assert_non_null(ram);

	sim_fail_map_nth(2);
	a = dma_map_page(dev, phys_page(phys), 0, PAGE_SIZE, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(dev, a));
	assert_true(sim_fail_map_pending());
	b = dma_map_resource(dev, pci_resource_start(p.prov, 0), PAGE_SIZE,
			     DMA_TO_DEVICE, 0);
	assert_true(dma_mapping_error(dev, b));
	assert_false(sim_fail_map_pending());
	assert_int_equal(sim_live_mappings(dev), 1);
	dma_unmap_page(dev, a, PAGE_SIZE, DMA_TO_DEVICE);

	sim_fail_map_nth(1);
	assert_false(dma_iova_try_alloc(dev, &st, phys, PAGE_SIZE));
	assert_true(dma_iova_try_alloc(dev, &st, phys, PAGE_SIZE));
	sim_fail_map_nth(1);
	assert_int_equal(dma_iova_link(dev, &st, phys, 0, PAGE_SIZE,
				       DMA_TO_DEVICE, 0), -ENOMEM);
	dma_iova_destroy(dev, &st, 0, DMA_TO_DEVICE, 0);
	assert_int_equal(sim_map_calls(), 5);
	shim_ram_free(ram);
	(void)state;
}

/* A 128 GiB BAR costs only the pages that were touched. */
static void test_huge_bar(void **state)
{
	struct p2p_pair p;
	struct device *dev;
	u64 offs[] = { 0, SZ_64G + 123, SZ_128G - 8 };
	dma_addr_t dma;
	unsigned int i;
	u8 buf[8];

	build_pair(&p, 0x2030, true, true, SZ_128G);
	dev = &p.client->dev;
	assert_int_equal(pci_resource_len(p.prov, 0), SZ_128G);
	assert_int_equal(pci_resource_start(p.prov, 0) % SZ_128G, 0);
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		memcpy(buf, &offs[i], sizeof(buf));
		assert_int_equal(sim_dma(dev, pci_bus_address(p.prov, 0) +
					 offs[i], buf, 8, true), 0);
	}
	/* The middle write straddles no page; three pages in all. */
	assert_int_equal(sim_bar_backing(p.prov, 0), 3 * PAGE_SIZE);
	assert_int_equal(sim_bar_read(p.prov, 0, SZ_64G + 123, buf, 8), 0);
	assert_memory_equal(buf, &offs[1], 8);
	assert_int_equal(sim_bar_read(p.prov, 0, SZ_1G, buf, 8), 0);
	assert_int_equal(buf[0], 0);
	assert_int_equal(sim_bar_backing(p.prov, 0), 3 * PAGE_SIZE);

	/* The whole BAR through the IOMMU as one mapping. */
	dma = dma_map_resource(dev, pci_resource_start(p.prov, 0), SZ_128G,
			       DMA_TO_DEVICE, 0);
	assert_false(dma_mapping_error(dev, dma));
	assert_int_equal(dma % SZ_128G, 0);
	assert_int_equal(sim_dma(dev, dma + SZ_128G - 8, buf, 8, false), 0);
	assert_memory_equal(buf, &offs[2], 8);
	dma_unmap_resource(dev, dma, SZ_128G, DMA_TO_DEVICE, 0);
	(void)state;
}

static void test_dma_mask(void **state)
{
	struct device *dev = sim_add_device("dma32", NULL, NULL);
	phys_addr_t phys;
	dma_addr_t dma;
	u8 buf[4], *low;

	/* RAM below 4 GiB maps directly for a 32-bit device. */
	phys = 0x10000000;
	low = shim_ram_alloc_at(phys, PAGE_SIZE);
	assert_non_null(low);
	dma = dma_map_page(dev, phys_page(phys), 0, PAGE_SIZE,
			   DMA_BIDIRECTIONAL);
	assert_int_equal(dma, phys);
	assert_int_equal(sim_swiotlb_bounces(), 0);
	assert_int_equal(sim_dma(dev, dma, buf, 4, true), 0);
	dvt_expect_fault(sim_dma(dev, DMA_BIT_MASK(32) - 1, buf, 4, false),
		     "DMA mask");
	dma_unmap_page(dev, dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	/* A sync of nothing is an API error. */
	dma_sync_single_for_device(dev, dma, 4, DMA_TO_DEVICE);
	dvt_expect_map_error("not mapped");
	shim_ram_free(low);
	(void)state;
}

static int fake_p2p_map(struct vm_area_struct *vma, unsigned long start,
			unsigned long end, bool write,
			struct dma_vec_table *tbl, struct dma_vec_pin *pin,
			gfp_t gfp)
{
	return (int)((end - start) >> PAGE_SHIFT);
}

static void test_mm(void **state)
{
	static const struct vm_operations_struct ops = {
		.p2p_map = fake_p2p_map,
	};
	struct mm_struct *mm = sim_mm_create();
	struct vm_area_struct *a, *b, *v;
	int priv;

	b = sim_vma_add(mm, 0x20000, 0x30000, VM_READ | VM_SHARED, NULL, NULL);
	a = sim_vma_add(mm, 0x10000, 0x12000, VM_READ | VM_WRITE | VM_IO |
			VM_PFNMAP, &ops, &priv);
	assert_non_null(a);
	assert_non_null(b);
	dvt_expect_warns(3);
	assert_null(sim_vma_add(mm, 0x11000, 0x21000, VM_READ, NULL, NULL));
	assert_null(sim_vma_add(mm, 0x40000, 0x40001, VM_READ, NULL, NULL));
	assert_null(sim_vma_add(mm, 0x40000, 0x40000, VM_READ, NULL, NULL));

	mmap_read_lock(mm);
	assert_ptr_equal(find_vma(mm, 0x0), a);
	assert_ptr_equal(find_vma(mm, 0x12000), b);
	assert_null(find_vma(mm, 0x30000));
	assert_null(vma_lookup(mm, 0x12000));
	v = vma_lookup(mm, 0x11fff);
	assert_ptr_equal(v, a);
	assert_ptr_equal(v->vm_mm, mm);
	assert_ptr_equal(v->vm_private_data, &priv);
	assert_true(v->vm_flags & VM_PFNMAP);
	assert_int_equal(vma_pages(v), 2);
	assert_int_equal(v->vm_ops->p2p_map(v, v->vm_start, v->vm_end, true,
					    NULL, NULL, GFP_KERNEL), 2);
	mmap_read_unlock(mm);
	/* An unbalanced unlock WARNs. */
	mmap_read_unlock(mm);
	sim_mm_destroy(mm);
	(void)state;
}

/* The oracle and the kernel-API reference agree on every pair. */
static void test_oracle_exhaustive(void **state)
{
	struct pci_dev *all[32];
	unsigned int n = 0, i, j, k, cpu, acs;
	struct pci_host_bridge *h0 = host(0, 0x2030, false);
	struct pci_host_bridge *h1 = host(1, 0x3c00, false);
	struct pci_dev *rp[3], *dsp[4], *dsp2[2];

	rp[0] = sim_add_root_port(h0, PCI_DEVFN(1, 0));
	rp[1] = sim_add_root_port(h0, PCI_DEVFN(2, 0));
	rp[2] = sim_add_root_port(h1, PCI_DEVFN(1, 0));
	sim_add_switch(rp[0]->subordinate, 4, dsp);
	sim_add_switch(dsp[3]->subordinate, 2, dsp2);
	all[n++] = sim_add_endpoint(dsp[0]->subordinate, PCI_DEVFN(0, 0), SZ_1M);
	all[n++] = sim_add_endpoint(dsp[0]->subordinate, PCI_DEVFN(0, 1), SZ_1M);
	all[n++] = sim_add_endpoint(dsp[1]->subordinate, 0, SZ_1M);
	all[n++] = sim_add_endpoint(dsp[2]->subordinate, 0, SZ_1M);
	all[n++] = sim_add_endpoint(dsp2[0]->subordinate, 0, SZ_1M);
	all[n++] = sim_add_endpoint(dsp2[1]->subordinate, 0, SZ_1M);
	all[n++] = sim_add_endpoint(rp[1]->subordinate, 0, SZ_1M);
	all[n++] = sim_add_endpoint(rp[2]->subordinate, 0, SZ_1M);
	all[n++] = sim_add_endpoint(h0->bus, PCI_DEVFN(7, 0), SZ_1M);
	all[n++] = rp[0];
	all[n++] = dsp[3];

	for (cpu = 0; cpu < 3; cpu++) {
		static const u8 fam[] = { 6, 0x16, 0x17 };

		sim_set_cpu(cpu ? X86_VENDOR_AMD : X86_VENDOR_INTEL, fam[cpu]);
		for (acs = 0; acs < 8; acs++) {
			sim_set_acs(dsp[0], acs & 1 ? PCI_ACS_RR : 0);
			sim_set_acs(dsp[3], acs & 2 ? PCI_ACS_CR : 0);
			sim_set_acs(rp[0], acs & 4 ? PCI_ACS_EC : 0);
			for (i = 0; i < n; i++) {
				for (j = 0; j < n; j++) {
					int d1 = -1, d2 = -1;

					k = sim_expected_map_type(all[i],
								  &all[j]->dev,
								  &d1);
					assert_int_equal(ref_type(all[i],
								  &all[j]->dev,
								  &d2), k);
					assert_int_equal(d1, d2);
				}
			}
		}
	}
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pci_api, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_plain_device, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_oracle_switches, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_oracle_root_ports, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_oracle_host_bridges, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_oracle_functions, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_oracle_host_bridge_device, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_oracle_exhaustive, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_dma_direct_page, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_iommu_page, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_p2p_bus_addr, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_p2p_host_bridge, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_p2p_disallowed, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_swiotlb, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_iova_api, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_fail_injection, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_huge_bar, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_dma_mask, dvt_sim_setup, dvt_sim_teardown),
		cmocka_unit_test_setup_teardown(test_mm, dvt_sim_setup, dvt_sim_teardown),
	};

	return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
