/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dma_vec for peer-to-peer DMA between PCI devices: providers made from
 * PCI BARs without struct pages, classification of (provider, client)
 * pairs by the rules of drivers/pci/p2pdma.c, mapping of a table for one
 * device, and revocation.
 */
#ifndef _LINUX_DMA_VEC_P2P_H
#define _LINUX_DMA_VEC_P2P_H

#include <linux/dma-direction.h>
#include <linux/dma_vec.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct device;
struct pci_dev;
struct __dma_vec_map_link;

/**
 * enum dma_vec_map_type - how a device reaches a range
 * @DMA_VEC_MAP_UNKNOWN: not classified yet (only seen in the cache)
 * @DMA_VEC_MAP_HOST: host memory: a streaming DMA mapping
 * @DMA_VEC_MAP_BUS_ADDR: a peer below a common upstream bridge without ACS
 *	redirect: the PCI bus address, no IOMMU, nothing to unmap
 * @DMA_VEC_MAP_THRU_HOST_BRIDGE: a peer reached through the host bridge:
 *	mapped like MMIO (through the IOMMU when there is one), never bounced
 * @DMA_VEC_MAP_NOT_SUPPORTED: no usable path between provider and device
 *
 * The same classes, decided by the same rules, as enum pci_p2pdma_map_type
 * in drivers/pci/p2pdma.c.
 */
enum dma_vec_map_type {
	DMA_VEC_MAP_UNKNOWN,
	DMA_VEC_MAP_HOST,
	DMA_VEC_MAP_BUS_ADDR,
	DMA_VEC_MAP_THRU_HOST_BRIDGE,
	DMA_VEC_MAP_NOT_SUPPORTED,
};

struct dma_vec_map;

/**
 * struct dma_vec_map_ops - importer callbacks of a mapping
 * @invalidate: the provider of some of the mapped memory was revoked (device
 *	reset, memory moved).  The importer must stop all DMA to the mapping
 *	before returning and then unmap it with dma_vec_unmap(), which it may
 *	do from the callback.  Called at most once per mapping, in process
 *	context, without provider locks held.  The importer must not free the
 *	mapping concurrently with the callback.
 */
struct dma_vec_map_ops {
	void (*invalidate)(struct dma_vec_map *map, void *priv);
};

/**
 * struct dma_vec_map - a table mapped for DMA by one device
 * @dev: the device the addresses are valid for
 * @tbl: the mapped table; it must stay valid and unchanged while mapped
 * @ranges: DMA ranges in transfer order; walk them with
 *	dma_vec_for_each_dma_chunk()
 * @nr: number of DMA ranges
 * @dir: DMA direction of the mapping
 * @attrs: DMA attributes of the mapping
 * @run_types: enum dma_vec_map_type of every run of @tbl
 * @links: one link per provider run, for revocation
 * @nr_links: number of entries in @links
 * @iova: state of the two-step IOVA API when the mapping was coalesced into
 *	one IOVA range, else NULL
 * @iova_len: bytes linked into @iova
 * @ops: importer callbacks, or NULL
 * @priv: argument of the callbacks
 * @lock: orders revocation against the end of dma_vec_map_table()
 * @flags: DMA_VEC_MAP_REVOKED and DMA_VEC_MAP_LINKING bits
 *
 * Records everything unmapping needs.  Made by dma_vec_map_table(), undone
 * by dma_vec_unmap(); several devices may map the same table at once, each
 * with its own struct dma_vec_map.
 */
struct dma_vec_map {
	struct device *dev;
	const struct dma_vec_table *tbl;
	struct dma_vec_drange *ranges;
	unsigned int nr;
	enum dma_data_direction dir;
	unsigned long attrs;
	u8 *run_types;
	struct __dma_vec_map_link *links;
	unsigned int nr_links;
	void *iova;
	u64 iova_len;
	const struct dma_vec_map_ops *ops;
	void *priv;
	/* Orders revocation against the end of dma_vec_map_table(). */
	spinlock_t lock;
	unsigned long flags;
};

int dma_vec_provider_init(struct dma_vec_provider *prov, struct device *owner,
			  int bar, phys_addr_t base, u64 size, u64 bus_offset,
			  void __iomem *cpu_addr);
void dma_vec_provider_destroy(struct dma_vec_provider *prov);

int dma_vec_provider_init_pci(struct dma_vec_provider *prov,
			      struct pci_dev *pdev, int bar, u64 offset,
			      u64 size, void __iomem *cpu_addr);
void dma_vec_provider_revoke(struct dma_vec_provider *prov);
enum dma_vec_map_type dma_vec_classify(struct dma_vec_provider *prov,
				       struct device *client, gfp_t gfp,
				       const char **reason);

int dma_vec_map_table(struct dma_vec_map *map, const struct dma_vec_table *tbl,
		      struct device *dev, enum dma_data_direction dir,
		      unsigned long attrs, const struct dma_vec_map_ops *ops,
		      void *priv, gfp_t gfp);
void dma_vec_unmap(struct dma_vec_map *map);
void dma_vec_map_sync_for_cpu(const struct dma_vec_map *map);
void dma_vec_map_sync_for_device(const struct dma_vec_map *map);
size_t dma_vec_map_bytes(const struct dma_vec_map *map);
void dma_vec_dev_limits(struct device *dev, struct dma_vec_limits *lim);

#endif /* _LINUX_DMA_VEC_P2P_H */
