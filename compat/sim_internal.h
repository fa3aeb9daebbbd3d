/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private state of the simulated platform, shared by compat/sim_*.c.
 * Everything here is plain malloc()ed simulator bookkeeping, not kernel
 * objects: sim_reset() frees it all.
 */
#ifndef _SHIM_SIM_INTERNAL_H
#define _SHIM_SIM_INTERNAL_H

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/pci.h>
#include <linux/pfn.h>
#include <shim/sim.h>

#define SIM_GRANULE		4096ULL
#define SIM_FLAT_BAR_MAX	(16ULL << 20)
#define SIM_IOVA_LIMIT		((1ULL << 48) - 1)

/* swiotlb: a pool of 4 KiB slots in low memory; 256 KiB per mapping. */
#define SIM_SWIOTLB_BASE	0x04000000ULL
#define SIM_SWIOTLB_PAGES	1024
#define SIM_SWIOTLB_MAX_MAP	(256ULL << 10)

enum sim_kind {
	SIM_KIND_HOST_BRIDGE,
	SIM_KIND_PCI,
	SIM_KIND_PLAIN,
};

struct sim_hb;
struct sim_pci;

struct sim_dev {
	enum sim_kind kind;
	struct device *dev;
	struct list_head node;		/* sim.devices */
	long refs;			/* get_device() balance */
	char name[32];
	bool iommu;			/* plain devices without PCI ancestor */
	bool skip_sync;			/* unmapping does nothing, until a bounce */
	size_t max_map;			/* longest mapping, 0 for no limit */
	u64 dma_mask;			/* storage for plain devices */
	struct device_dma_parameters parms;
	struct sim_hb *hb;		/* host bridge and PCI functions */
	struct sim_pci *pci;		/* PCI functions */
};

/* Sparse storage: 4 KiB pages in an open-addressing hash by page index. */
struct sim_pages {
	u64 *keys;			/* page index + 1; 0 is empty */
	u8 **pages;
	size_t cap;
	size_t nr;
};

struct sim_bar {
	struct sim_pci *owner;
	int idx;
	phys_addr_t phys;
	u64 bus;
	u64 size;
	bool enabled;
	u8 *flat;			/* BARs up to SIM_FLAT_BAR_MAX */
	struct sim_pages sparse;	/* larger BARs */
};

struct sim_pci {
	struct pci_dev pdev;
	struct sim_dev sd;
	struct sim_pci *up;		/* the bridge above, NULL on a root bus */
	int type;
	u16 acs_pos;
	u8 cfg[4096];
	struct sim_bar bar[PCI_STD_NUM_BARS];
};

struct sim_bus {
	struct pci_bus bus;
	struct list_head node;		/* sim.buses */
};

struct sim_hb {
	struct pci_host_bridge host;
	struct sim_dev sd;
	int index;
	bool iommu;
	struct sim_pci *first;		/* first function added to the root bus */
	phys_addr_t mem_base;
	phys_addr_t mem_next;
	u64 mem_size;
	u64 bus_offset;			/* bus - cpu, modulo 2^64 */
	unsigned int next_busnr;
};

enum sim_map_kind {
	SIM_MAP_PAGE,
	SIM_MAP_RESOURCE,
	SIM_MAP_IOVA,			/* dma_iova_try_alloc() reservation */
	SIM_MAP_LINK,			/* dma_iova_link() range */
};

struct sim_map {
	struct list_head node;		/* sim.maps */
	struct device *dev;
	enum sim_map_kind kind;
	dma_addr_t dma;
	u64 size;
	phys_addr_t phys;
	phys_addr_t bounce;		/* swiotlb slot, or 0 */
	enum dma_data_direction dir;
	unsigned long attrs;
	bool iommu;			/* translated: the IOVA extent below */
	dma_addr_t iova;
	u64 iova_len;
	bool mmio;
	bool synced;			/* links: dma_iova_sync() done */
	struct sim_map *parent;		/* links: the reservation */
	bool nounmap;			/* of a skip_sync device: never unmapped */
};

struct sim_state {
	struct list_head devices;
	struct list_head buses;
	struct list_head maps;
	unsigned long nr_nounmap;	/* maps with nounmap set */
	struct list_head mms;
	int nr_hb;
	bool iova_api;
	unsigned long faults;
	char last_fault[512];
	unsigned long map_errors;
	char last_map_error[512];
	unsigned long map_calls;
	unsigned long map_fail_at;
	unsigned long bounces;
	u8 *swiotlb;
	u8 swiotlb_used[SIM_SWIOTLB_PAGES];
	long dead_refs;			/* references left on freed devices */
};

extern struct sim_state sim;

struct sim_dev *sim_dev_of(const struct device *dev);
struct sim_pci *sim_pci_of(struct pci_dev *pdev);
struct sim_pci *sim_dev_pci_ancestor(struct device *dev);
bool sim_dev_translated(struct device *dev);
enum sim_p2p_type sim_oracle(struct sim_pci *prov, struct sim_pci *client,
			     int *dist);
bool sim_host_bridge_p2p(struct sim_pci *prov, struct sim_pci *client);
struct sim_bar *sim_bar_by_phys(phys_addr_t phys, u64 *avail);
int sim_bar_access(struct sim_bar *b, u64 off, void *buf, size_t len,
		   bool write);
void sim_bar_free(struct sim_bar *b);
void sim_maps_free(void);
void sim_mms_free(void);
void sim_map_error(const char *fmt, ...) __printf(1, 2);
const char *sim_dir_name(enum dma_data_direction dir);
const char *sim_kind_name(const struct sim_map *m);

/*
 * Host bridges known to route P2P, as in drivers/pci/p2pdma.c (6.12); the
 * simulator's oracle (sim_pci.c) and the test double of
 * pci_p2pdma_classify() (sim_p2pdma.c) both read this one table.
 * @same_host_only: only between functions below the same host bridge.
 */
struct sim_allowed_bridge {
	unsigned short vendor;
	unsigned short device;
	bool same_host_only;
};

#define SIM_NR_ALLOWED_BRIDGES	10
extern const struct sim_allowed_bridge sim_allow_list[SIM_NR_ALLOWED_BRIDGES];

#endif /* _SHIM_SIM_INTERNAL_H */
