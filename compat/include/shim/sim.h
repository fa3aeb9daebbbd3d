/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated PCI platform: test controls.
 *
 * Tests build a machine (host bridges, root ports, switches, endpoints with
 * BARs, non-PCI devices, the CPU model, IOMMUs) and then run kernel code
 * against it through the ordinary kernel APIs (<linux/pci.h>,
 * <linux/dma-mapping.h>, <linux/mm.h>).  A DMA engine moves real bytes on
 * behalf of a device and faults on any access outside a live mapping.
 * docs/platform.md says what is modelled faithfully and what is not.
 */
#ifndef _SHIM_SIM_H
#define _SHIM_SIM_H

#include <linux/device.h>
#include <linux/dma_vec.h>
#include <linux/dma_vec_p2p.h>
#include <linux/dma_vec_user.h>
#include <linux/mm_types.h>
#include <linux/pci.h>
#include <linux/types.h>

/**
 * enum sim_p2p_type - how a client reaches a provider's BAR (the oracle)
 * @SIM_P2P_BUS_ADDR: below a common upstream bridge without ACS redirect on
 *	the path: the client uses the PCI bus address and no IOMMU is involved
 * @SIM_P2P_HOST_BRIDGE: through the host bridge, which supports it: the
 *	address is mapped like MMIO, through the IOMMU when there is one
 * @SIM_P2P_NOT_SUPPORTED: peer-to-peer DMA is not possible
 */
enum sim_p2p_type {
	SIM_P2P_BUS_ADDR,
	SIM_P2P_HOST_BRIDGE,
	SIM_P2P_NOT_SUPPORTED,
};

/**
 * struct sim_host_bridge_desc - a host bridge and its root bus
 * @domain: PCI domain (segment) number
 * @bus: number of the root bus
 * @vendor: vendor id of the host bridge device created at devfn 00.0 on the
 *	root bus; 0 to create none (then the first device a test adds to the
 *	root bus, if a root port, is what the allow-list looks at)
 * @device: device id of that host bridge device
 * @iommu: devices below this host bridge are translated by an IOMMU
 * @mem_base: CPU physical base of the MMIO window BARs are placed in; 0 for
 *	the default (16 TiB + 1 TiB per host bridge)
 * @bus_offset: PCI bus address minus CPU physical address in the window
 *	(modulo 2^64); 0 for the default, a non-zero offset (bus addresses
 *	start at 1 TiB + 1 TiB per host bridge)
 * @zero_bus_offset: use a zero bus offset (bus address == CPU physical
 *	address) instead of @bus_offset
 */
struct sim_host_bridge_desc {
	int domain;
	unsigned char bus;
	unsigned short vendor;
	unsigned short device;
	bool iommu;
	phys_addr_t mem_base;
	u64 bus_offset;
	bool zero_bus_offset;
};

/**
 * struct sim_bar_desc - a memory BAR of a simulated function
 * @size: bytes, a power of two of at least 4 KiB; 0 for no BAR
 * @prefetch: prefetchable (all simulated BARs are 64-bit)
 * @phys: CPU physical address, naturally aligned; 0 to place it in the host
 *	bridge's window
 */
struct sim_bar_desc {
	u64 size;
	bool prefetch;
	phys_addr_t phys;
};

/**
 * struct sim_pci_desc - a simulated PCI function
 * @type: PCI_EXP_TYPE_ENDPOINT, _RC_END, _ROOT_PORT, _UPSTREAM or
 *	_DOWNSTREAM; the ports are bridges and get a secondary bus
 * @devfn: PCI_DEVFN(slot, function) on the parent bus
 * @vendor: vendor id
 * @device: device id
 * @acs: the function has an ACS extended capability
 * @acs_ctrl: initial ACS control register (PCI_ACS_RR, PCI_ACS_CR, ...)
 * @dma_bits: DMA mask width, as a driver would set with
 *	dma_set_mask_and_coherent(); 0 for the kernel's default of 32 bits
 * @max_seg: dma_parms max_segment_size; 0 for the PCI core's 64 KiB
 * @seg_boundary: dma_parms segment_boundary_mask; 0 for the PCI core's
 *	0xffffffff
 * @bar: the six standard BARs (endpoints only)
 */
struct sim_pci_desc {
	int type;
	unsigned int devfn;
	unsigned short vendor;
	unsigned short device;
	bool acs;
	u16 acs_ctrl;
	unsigned int dma_bits;
	unsigned int max_seg;
	unsigned long seg_boundary;
	struct sim_bar_desc bar[PCI_STD_NUM_BARS];
};

/**
 * struct sim_dev_desc - a simulated non-PCI device
 * @dma_bits: DMA mask width; 0 for 32 bits
 * @iommu: translated by an IOMMU of its own (ignored when the device has a
 *	PCI ancestor: then the ancestor's host bridge decides)
 * @dma_parms: give the device dma_parms (a plain device has none, so
 *	dma_get_max_seg_size() answers 64 KiB and dma_get_seg_boundary()
 *	ULONG_MAX)
 * @max_seg: dma_parms max_segment_size (with @dma_parms)
 * @seg_boundary: dma_parms segment_boundary_mask (with @dma_parms)
 */
struct sim_dev_desc {
	unsigned int dma_bits;
	bool iommu;
	bool dma_parms;
	unsigned int max_seg;
	unsigned long seg_boundary;
};

/**
 * sim_reset() - Tear the simulated machine down and start a new one.
 *
 * Frees every device, bus, BAR backing store, mapping record, address space
 * and bounce buffer, and zeroes all counters.  The new machine has no
 * devices, an Intel family 6 CPU, and the two-step IOVA API switched on.
 * Simulated host RAM (shim_ram_alloc()) is not touched.
 */
void sim_reset(void);

/**
 * sim_set_cpu() - Set the CPU model.
 * @vendor: X86_VENDOR_INTEL, X86_VENDOR_AMD, ... (<asm/processor.h>)
 * @family: CPU family (0x17 is AMD Zen)
 */
void sim_set_cpu(u8 vendor, u8 family);

/**
 * sim_set_iova_api() - Switch the two-step IOVA API on or off.
 * @on: false makes dma_iova_try_alloc() fail, as on a kernel before 6.16
 */
void sim_set_iova_api(bool on);

/**
 * sim_add_host_bridge() - Add a host bridge with its root bus.
 * @d: description
 *
 * Return: the host bridge; its root bus is ->bus.
 */
struct pci_host_bridge *sim_add_host_bridge(const struct sim_host_bridge_desc *d);

/**
 * sim_add_pci() - Add a PCI function on a bus.
 * @bus: the parent bus (a host bridge's ->bus or a bridge's ->subordinate)
 * @d: description
 *
 * A bridge (root, upstream or downstream port) gets a secondary bus, its
 * ->subordinate, numbered in the order of creation.  Functions are listed
 * on @bus in the order they were added.
 *
 * Return: the function.
 */
struct pci_dev *sim_add_pci(struct pci_bus *bus, const struct sim_pci_desc *d);

/**
 * sim_add_root_port() - Add a root port (with ACS) on a root bus.
 * @host: the host bridge
 * @devfn: PCI_DEVFN(slot, function)
 *
 * Return: the root port; its secondary bus is ->subordinate.
 */
struct pci_dev *sim_add_root_port(struct pci_host_bridge *host,
				  unsigned int devfn);

/**
 * sim_add_switch() - Add a PCIe switch: an upstream port and downstream ports.
 * @bus: the bus the upstream port sits on, at devfn 00.0
 * @nr_down: number of downstream ports, at most 32
 * @down: set to the downstream ports (devfn PCI_DEVFN(i, 0) on the upstream
 *	port's secondary bus); each has an ACS capability, control register 0
 *
 * Return: the upstream port.
 */
struct pci_dev *sim_add_switch(struct pci_bus *bus, unsigned int nr_down,
			       struct pci_dev **down);

/**
 * sim_add_endpoint() - Add an endpoint with a 64-bit DMA mask.
 * @bus: the parent bus
 * @devfn: PCI_DEVFN(slot, function)
 * @bar0: size of a prefetchable BAR 0, or 0 for none
 *
 * Return: the endpoint.
 */
struct pci_dev *sim_add_endpoint(struct pci_bus *bus, unsigned int devfn,
				 u64 bar0);

/**
 * sim_add_device() - Add a non-PCI device (like kunit_device_register()).
 * @name: device name
 * @parent: parent device, or NULL
 * @d: description, or NULL for a 32-bit DMA mask and nothing else
 *
 * DMA from a non-PCI device whose ancestors include a PCI function is
 * routed as if that function issued it; otherwise it reaches host RAM only.
 *
 * Return: the device.
 */
struct device *sim_add_device(const char *name, struct device *parent,
			      const struct sim_dev_desc *d);

/**
 * sim_set_acs() - Write the ACS control register of a function.
 * @pdev: a function with an ACS capability
 * @ctrl: PCI_ACS_RR, PCI_ACS_CR, PCI_ACS_EC, ...
 */
void sim_set_acs(struct pci_dev *pdev, u16 ctrl);

/**
 * sim_dev_has_iommu() - Is a device translated by an IOMMU?
 * @dev: a simulated device
 *
 * Return: true if DMA from @dev goes through an IOMMU.
 */
bool sim_dev_has_iommu(struct device *dev);

/**
 * sim_dev_set_skip_sync() - Make unmapping a device's mappings do nothing.
 * @dev: a simulated device, not behind an IOMMU
 * @on: whether its streaming mappings need no unmap and no sync
 *
 * Models 6.12's dma_skip_sync of a coherent dma-direct device: while set,
 * dma_dev_need_sync() is false, a direct mapping of host memory needs no
 * dma_unmap_page_attrs() (it is not counted by sim_live_mappings() and the
 * teardown does not call it leaked), and the first mapping that bounces
 * through swiotlb clears it, as the kernel's swiotlb does.  By default
 * every device needs its unmaps, as under CONFIG_DMA_API_DEBUG.
 */
void sim_dev_set_skip_sync(struct device *dev, bool on);

/**
 * sim_dev_set_max_mapping() - Limit the length of one streaming mapping.
 * @dev: a simulated device
 * @size: the longest range one dma_map_page_attrs() call may map, as
 *	dma_max_mapping_size() reports it; 0 for no limit (the default)
 *
 * Models a device whose mappings are bounded (swiotlb segments, an IOMMU
 * granule): dma_max_mapping_size() reports @size, and a longer mapping
 * fails and counts as a DMA API error, so that a caller that should have
 * cut a range at the limit fails its test.
 */
void sim_dev_set_max_mapping(struct device *dev, size_t size);

/**
 * sim_bar_enable() - Enable or disable (revoke) a BAR.
 * @pdev: the function
 * @bar: BAR number
 * @on: false makes every DMA to the BAR fault and sim_bar_read() and
 *	sim_bar_write() fail; the contents are kept
 */
void sim_bar_enable(struct pci_dev *pdev, int bar, bool on);

/**
 * sim_bar_write() - Write BAR contents as the device itself would.
 * @pdev: the function
 * @bar: BAR number
 * @offset: byte offset in the BAR
 * @buf: data
 * @len: bytes
 *
 * Return: 0, or -EINVAL outside the BAR, -EIO if the BAR is disabled.
 */
int sim_bar_write(struct pci_dev *pdev, int bar, u64 offset, const void *buf,
		  size_t len);

/**
 * sim_bar_read() - Read BAR contents as the device itself would.
 * @pdev: the function
 * @bar: BAR number
 * @offset: byte offset in the BAR
 * @buf: destination
 * @len: bytes
 *
 * Never written bytes read as zero.
 *
 * Return: 0, or -EINVAL outside the BAR, -EIO if the BAR is disabled.
 */
int sim_bar_read(struct pci_dev *pdev, int bar, u64 offset, void *buf,
		 size_t len);

/**
 * sim_bar_backing() - Bytes of host memory behind a BAR's contents.
 * @pdev: the function
 * @bar: BAR number
 *
 * A BAR larger than 16 MiB is stored sparsely, in 4 KiB pages allocated on
 * first write; a smaller one is one buffer allocated on first use.
 *
 * Return: the bytes allocated to store the BAR's contents.
 */
u64 sim_bar_backing(struct pci_dev *pdev, int bar);

/**
 * sim_dma() - A device-initiated transfer of real bytes.
 * @dev: the initiating device
 * @addr: the address the device emits on the bus
 * @buf: the device's side of the data
 * @len: bytes
 * @write: true for a device write to memory (@buf to memory), false for a
 *	device read (memory to @buf)
 *
 * A PCI bus address of a peer BAR that the initiator reaches below a common
 * upstream bridge without ACS redirect goes straight to that BAR.  Anything
 * else goes up to the host bridge: through the IOMMU if the initiator is
 * behind one (missing entries and permission violations fault), and must
 * then land in host RAM, a swiotlb slot or a BAR reachable through the host
 * bridge, inside a live mapping of @dev made for the direction of the
 * access.  Every byte is checked before any moves: a fault moves nothing.
 *
 * Return: 0, or -EFAULT after recording a fault (see sim_last_fault()).
 */
int sim_dma(struct device *dev, dma_addr_t addr, void *buf, size_t len,
	    bool write);

/**
 * sim_dma_ranges() - A device transfer over a window of DMA ranges.
 * @dev: the initiating device
 * @ranges: the ranges, such as those of a struct dma_vec_map
 * @nr: number of ranges
 * @off: byte offset of the window in the concatenated ranges
 * @buf: the device's side of the data
 * @len: bytes
 * @write: true for a device write to memory, false for a device read
 *
 * One sim_dma() per range the window touches, in order; stops at the
 * first fault.
 *
 * Return: the number of sim_dma() transfers made, -EFAULT after a fault,
 * or -EINVAL if the window runs past the ranges (nothing moved then).
 */
int sim_dma_ranges(struct device *dev, const struct dma_vec_drange *ranges,
		   unsigned int nr, u64 off, void *buf, u64 len, bool write);

/**
 * sim_faults() - Count DMA faults.
 *
 * Return: the DMA faults since the last sim_reset().
 */
unsigned long sim_faults(void);

/**
 * sim_last_fault() - Describe the last DMA fault.
 *
 * The report names the device, the access, the reason and the nearest live
 * mapping of the device, e.g. "DMA fault: 0000:03:00.0 write
 * 0x100000ff0+0x20: not mapped: 0x10 bytes past the end of mapping
 * 0x100000000+0x1000 (page, from-device)".
 *
 * Return: the report, "" if there was no fault.
 */
const char *sim_last_fault(void);

/**
 * sim_live_mappings() - Count live DMA mappings.
 * @dev: one device, or NULL for all devices
 *
 * Counts dma_map_page_attrs() and dma_map_resource() mappings, IOVA ranges
 * from dma_iova_try_alloc() and the ranges linked into them.
 *
 * Return: the mappings not yet undone.
 */
unsigned long sim_live_mappings(struct device *dev);

/**
 * sim_mapping_errors() - Count DMA API misuse.
 *
 * An unmap or sync of an address that is not mapped (a double unmap, for
 * one), an unmap whose size, direction or kind differs from the mapping,
 * mapping memory of the wrong kind, and IOVA links outside their range are
 * reported here and do not abort.
 *
 * Return: the errors since the last sim_reset().
 */
unsigned long sim_mapping_errors(void);

/**
 * sim_last_mapping_error() - Describe the last DMA API misuse.
 *
 * Return: the report, "" if there was none.
 */
const char *sim_last_mapping_error(void);

/**
 * sim_fail_map_nth() - Make the @n-th mapping operation from now fail.
 * @n: 1 for the next one, 0 to disarm
 *
 * Mapping operations are dma_map_page_attrs(), dma_map_resource(),
 * dma_iova_try_alloc() and dma_iova_link().  The failure looks like the
 * kernel's: DMA_MAPPING_ERROR, false or -ENOMEM.
 */
void sim_fail_map_nth(unsigned long n);

/**
 * sim_fail_map_pending() - Is an armed mapping failure still pending?
 *
 * Return: true while an armed failure has not fired yet.
 */
bool sim_fail_map_pending(void);

/**
 * sim_map_calls() - Count mapping operations.
 *
 * Return: the mapping operations since the last sim_reset().
 */
unsigned long sim_map_calls(void);

/**
 * sim_swiotlb_bounces() - Count mappings that went through swiotlb.
 *
 * Return: the bounce-buffered mappings made since the last sim_reset().
 */
unsigned long sim_swiotlb_bounces(void);

/**
 * sim_expected_map_type() - The oracle: how should a client reach a provider?
 * @provider: the function owning the BAR
 * @client: the DMA-ing device (its nearest PCI ancestor decides)
 * @dist: if not NULL, set to the distance drivers/pci/p2pdma.c reports
 *
 * Computed from the simulated topology itself (paths from the root,
 * their common prefix, ACS control registers, the host bridge allow-list
 * and the CPU), not with the PCI API the code under test uses.  Gives the
 * answers of Linux 6.12's calc_map_type_and_dist().
 *
 * Return: the expected mapping type.
 */
enum sim_p2p_type sim_expected_map_type(struct pci_dev *provider,
					struct device *client, int *dist);

/**
 * sim_device_refs() - Count unbalanced device references.
 *
 * Return: get_device() (and pci_dev_get()) calls not yet matched by a
 * put_device(), over all simulated devices.
 */
long sim_device_refs(void);

/**
 * sim_mm_create() - Create an empty address space.
 *
 * Return: the address space; freed by sim_mm_destroy() or sim_reset().
 */
struct mm_struct *sim_mm_create(void);

/**
 * sim_mm_destroy() - Free an address space and its VMAs.
 * @mm: from sim_mm_create()
 */
void sim_mm_destroy(struct mm_struct *mm);

/**
 * sim_vma_add() - Add a VMA to an address space.
 * @mm: the address space
 * @start: first address, page aligned
 * @end: one past the last address, page aligned, above @start
 * @flags: VM_READ, VM_WRITE, VM_SHARED, VM_IO, VM_PFNMAP, ...
 * @ops: VMA operations, or NULL
 * @priv: ->vm_private_data
 *
 * Return: the VMA, or NULL if the range is invalid or overlaps another VMA.
 */
struct vm_area_struct *sim_vma_add(struct mm_struct *mm, unsigned long start,
				   unsigned long end, vm_flags_t flags,
				   const struct vm_operations_struct *ops,
				   void *priv);

/**
 * sim_vma_remove() - Remove a VMA from an address space (munmap).
 * @mm: the address space, write-locked (mmap_write_lock())
 * @start: vm_start of the VMA
 *
 * The VMA's memory is scribbled over and freed: a later use of it is a
 * use after free.
 *
 * Return: 0, or -ENOENT if no VMA starts at @start.
 */
int sim_vma_remove(struct mm_struct *mm, unsigned long start);

#endif /* _SHIM_SIM_H */
