/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/pci-p2pdma.h>: the one P2PDMA entry point dma_vec uses,
 * pci_p2pdma_classify(), answered by the simulated platform (sim_p2pdma.c)
 * from its PCI topology and CPU with the rules of drivers/pci/p2pdma.c.
 * In the kernel, enum pci_p2pdma_map_type lives in <linux/dma-map-ops.h>;
 * here it comes with the function that returns it.
 */
#ifndef _SHIM_LINUX_PCI_P2PDMA_H
#define _SHIM_LINUX_PCI_P2PDMA_H

#include <linux/pci.h>
#include <linux/types.h>

/**
 * enum pci_p2pdma_map_type - how a client reaches a provider's BAR
 * @PCI_P2PDMA_MAP_UNKNOWN: not computed yet; never returned
 * @PCI_P2PDMA_MAP_NOT_SUPPORTED: the path crosses a host bridge that does
 *	not route peer-to-peer traffic
 * @PCI_P2PDMA_MAP_BUS_ADDR: a common switch with no ACS redirect: the DMA
 *	uses PCI bus addresses
 * @PCI_P2PDMA_MAP_THRU_HOST_BRIDGE: through a host bridge that routes it:
 *	mapped like MMIO (through the IOMMU when there is one)
 */
enum pci_p2pdma_map_type {
	PCI_P2PDMA_MAP_UNKNOWN = 0,
	PCI_P2PDMA_MAP_NOT_SUPPORTED,
	PCI_P2PDMA_MAP_BUS_ADDR,
	PCI_P2PDMA_MAP_THRU_HOST_BRIDGE,
};

/**
 * pci_p2pdma_classify - how a device can reach the BARs of a provider
 * @provider: PCI function whose BAR memory would be the DMA target
 * @client: device that would do the DMA
 * @verbose: log why the pair cannot do P2P DMA
 *
 * The test double of the kernel function of the same name: same rules,
 * same answers, its own log lines.
 *
 * Context: Any context; does not sleep.
 * Return: the map type; %PCI_P2PDMA_MAP_NOT_SUPPORTED also when @client
 * is not a PCI function.
 */
enum pci_p2pdma_map_type pci_p2pdma_classify(struct pci_dev *provider,
					     struct device *client,
					     bool verbose);

#endif /* _SHIM_LINUX_PCI_P2PDMA_H */
