/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/pci.h>: the PCI core as the simulated platform builds it
 * (see <shim/sim.h>).  The UAPI part (PCI_DEVFN() and the register layout
 * of <linux/pci_regs.h>) comes from the system headers, so the constants
 * are the kernel's.  Buses, bridges and functions are linked exactly as the
 * kernel links them: pci_upstream_bridge() is NULL on a root bus, a
 * bridge's secondary bus is its @subordinate, and a host bridge's root bus
 * lists its devices in the order they were added.  SR-IOV is not modelled:
 * every function is its own physical function.
 */
#ifndef _SHIM_LINUX_PCI_H
#define _SHIM_LINUX_PCI_H

#include_next <linux/pci.h>
#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/pci_ids.h>
#include <linux/types.h>

#define PCI_DEVID(bus, devfn)	((((u16)(bus)) << 8) | (devfn))
#define PCI_BUS_NUM(x)		(((x) >> 8) & 0xff)

#define PCIBIOS_SUCCESSFUL		0x00
#define PCIBIOS_DEVICE_NOT_FOUND	0x86
#define PCIBIOS_BAD_REGISTER_NUMBER	0x87

#define PCI_STD_RESOURCES	0
#define PCI_STD_RESOURCE_END	(PCI_STD_RESOURCES + PCI_STD_NUM_BARS - 1)
#define PCI_ROM_RESOURCE	(PCI_STD_RESOURCE_END + 1)
#define PCI_BRIDGE_RESOURCES	(PCI_ROM_RESOURCE + 1)
#define PCI_NUM_RESOURCES	(PCI_BRIDGE_RESOURCES + 4)
#define DEVICE_COUNT_RESOURCE	PCI_NUM_RESOURCES

typedef u64 pci_bus_addr_t;

struct pci_bus;

struct pci_dev {
	struct list_head bus_list;
	struct pci_bus *bus;
	struct pci_bus *subordinate;
	unsigned int devfn;
	unsigned short vendor;
	unsigned short device;
	unsigned short subsystem_vendor;
	unsigned short subsystem_device;
	unsigned int class;
	u8 hdr_type;
	u8 pcie_cap;
	u16 pcie_flags_reg;
	u16 acs_cap;
	unsigned int multifunction:1;
	u64 dma_mask;
	struct device_dma_parameters dma_parms;
	struct device dev;
	struct resource resource[DEVICE_COUNT_RESOURCE];
};

struct pci_bus {
	struct list_head node;
	struct pci_bus *parent;
	struct list_head children;
	struct list_head devices;
	struct pci_dev *self;
	struct device *bridge;
	int domain_nr;
	unsigned char number;
	unsigned char primary;
	unsigned char busn_end;
};

struct pci_host_bridge {
	struct device dev;
	struct pci_bus *bus;
};

extern const struct bus_type pci_bus_type;

#define to_pci_dev(n)	container_of(n, struct pci_dev, dev)
#define to_pci_host_bridge(n)	container_of(n, struct pci_host_bridge, dev)
#define pci_physfn(dev)	(dev)

static inline bool dev_is_pci(const struct device *dev)
{
	return dev->bus == &pci_bus_type;
}

static inline bool pci_is_root_bus(struct pci_bus *pbus)
{
	return !pbus->parent;
}

static inline struct pci_dev *pci_upstream_bridge(struct pci_dev *dev)
{
	dev = pci_physfn(dev);
	if (pci_is_root_bus(dev->bus))
		return NULL;
	return dev->bus->self;
}

static inline bool pci_is_bridge(struct pci_dev *dev)
{
	return dev->hdr_type == PCI_HEADER_TYPE_BRIDGE ||
		dev->hdr_type == PCI_HEADER_TYPE_CARDBUS;
}

static inline int pci_pcie_cap(struct pci_dev *dev)
{
	return dev->pcie_cap;
}

static inline bool pci_is_pcie(struct pci_dev *dev)
{
	return pci_pcie_cap(dev);
}

static inline int pci_pcie_type(const struct pci_dev *dev)
{
	return (dev->pcie_flags_reg & PCI_EXP_FLAGS_TYPE) >> 4;
}

static inline int pci_domain_nr(struct pci_bus *bus)
{
	return bus->domain_nr;
}

static inline u16 pci_dev_id(struct pci_dev *dev)
{
	return PCI_DEVID(dev->bus->number, dev->devfn);
}

static inline const char *pci_name(const struct pci_dev *pdev)
{
	return dev_name(&pdev->dev);
}

#define pci_resource_n(dev, bar)	(&(dev)->resource[(bar)])
#define pci_resource_start(dev, bar)	(pci_resource_n(dev, bar)->start)
#define pci_resource_end(dev, bar)	(pci_resource_n(dev, bar)->end)
#define pci_resource_flags(dev, bar)	(pci_resource_n(dev, bar)->flags)
#define pci_resource_len(dev, bar)					\
	(pci_resource_end((dev), (bar)) ?				\
	 resource_size(pci_resource_n((dev), (bar))) : 0)

struct pci_host_bridge *pci_find_host_bridge(struct pci_bus *bus);
struct pci_dev *pci_dev_get(struct pci_dev *dev);
void pci_dev_put(struct pci_dev *dev);
pci_bus_addr_t pci_bus_address(struct pci_dev *pdev, int bar);

int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val);
int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val);
int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val);
int pci_write_config_word(const struct pci_dev *dev, int where, u16 val);
int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val);
u16 pci_find_ext_capability(struct pci_dev *dev, int cap);

void __iomem *pci_iomap(struct pci_dev *dev, int bar, unsigned long maxlen);
void pci_iounmap(struct pci_dev *dev, void __iomem *addr);

#define pci_err(pdev, fmt, ...)		dev_err(&(pdev)->dev, fmt, ##__VA_ARGS__)
#define pci_warn(pdev, fmt, ...)	dev_warn(&(pdev)->dev, fmt, ##__VA_ARGS__)
#define pci_notice(pdev, fmt, ...)	dev_notice(&(pdev)->dev, fmt, ##__VA_ARGS__)
#define pci_info(pdev, fmt, ...)	dev_info(&(pdev)->dev, fmt, ##__VA_ARGS__)
#define pci_dbg(pdev, fmt, ...)		dev_dbg(&(pdev)->dev, fmt, ##__VA_ARGS__)
#define pci_warn_once(pdev, fmt, ...)	dev_warn_once(&(pdev)->dev, fmt, ##__VA_ARGS__)

#endif /* _SHIM_LINUX_PCI_H */
