// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated platform's pci_p2pdma_classify(): the peer-to-peer path
 * rules of drivers/pci/p2pdma.c (Linux 6.12) over the simulated topology.
 *
 * Find the lowest bridge the provider and the client share.  ACS redirect
 * on the provider's path up to and including it, or on the client's path
 * below it, sends the traffic to the host bridge, and so does the lack of a
 * common bridge.  Traffic through the host bridge needs an AMD CPU of family
 * 0x17 (Zen) or later, or a host bridge on the allow-list (some of which
 * only route between their own root ports).
 */
#include <asm/processor.h>
#include <linux/array_size.h>
#include <linux/pci-p2pdma.h>
#include <linux/pci.h>

#include "sim_internal.h"

/* Does @pdev redirect peer-to-peer requests upstream (ACS)? */
static bool acs_redirects(struct pci_dev *pdev)
{
	u16 ctrl;

	if (!pdev->acs_cap)
		return false;
	pci_read_config_word(pdev, pdev->acs_cap + PCI_ACS_CTRL, &ctrl);
	return ctrl & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
}

static bool cpu_routes_p2p(void)
{
	const struct cpuinfo_x86 *c = &cpu_data(0);

	return c->x86_vendor == X86_VENDOR_AMD && c->x86 >= 0x17;
}


/* The function standing for a host bridge: devfn 00.0 or a root port. */
static struct pci_dev *host_bridge_function(struct pci_host_bridge *host)
{
	struct pci_dev *root;

	root = list_first_entry_or_null(&host->bus->devices, struct pci_dev,
					bus_list);
	if (root && (root->devfn == PCI_DEVFN(0, 0) ||
		     pci_pcie_type(root) == PCI_EXP_TYPE_ROOT_PORT))
		return root;
	return NULL;
}

static bool host_bridge_allowed(struct pci_host_bridge *host, bool same)
{
	struct pci_dev *root = host_bridge_function(host);
	unsigned int i;

	if (!root)
		return false;
	for (i = 0; i < ARRAY_SIZE(sim_allow_list); i++)
		if (root->vendor == sim_allow_list[i].vendor &&
		    root->device == sim_allow_list[i].device)
			return same || !sim_allow_list[i].same_host_only;
	return false;
}

static bool host_bridges_allowed(struct pci_dev *a, struct pci_dev *b)
{
	struct pci_host_bridge *ha = pci_find_host_bridge(a->bus);
	struct pci_host_bridge *hb = pci_find_host_bridge(b->bus);

	if (ha == hb)
		return host_bridge_allowed(ha, true);
	return host_bridge_allowed(ha, false) && host_bridge_allowed(hb, false);
}

enum pci_p2pdma_map_type pci_p2pdma_classify(struct pci_dev *provider,
					     struct device *client,
					     bool verbose)
{
	struct pci_dev *a, *b, *pclient;
	bool acs = false;

	if (!dev_is_pci(client))
		return PCI_P2PDMA_MAP_NOT_SUPPORTED;
	pclient = to_pci_dev(client);

	for (a = provider; a; a = pci_upstream_bridge(a)) {
		if (acs_redirects(a))
			acs = true;
		for (b = pclient; b; b = pci_upstream_bridge(b))
			if (a == b)
				goto common;
	}
	goto host_bridge;

common:
	for (b = pclient; b != a; b = pci_upstream_bridge(b))
		if (acs_redirects(b))
			acs = true;
	if (!acs)
		return PCI_P2PDMA_MAP_BUS_ADDR;

host_bridge:
	if (cpu_routes_p2p() || host_bridges_allowed(provider, pclient))
		return PCI_P2PDMA_MAP_THRU_HOST_BRIDGE;
	if (verbose)
		pci_warn(pclient,
			 "sim: no P2P DMA with %s: %s and the host bridge is not allow-listed\n",
			 pci_name(provider),
			 acs ? "ACS redirect on the path" : "no common upstream bridge");
	return PCI_P2PDMA_MAP_NOT_SUPPORTED;
}
