/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dma_vec for peer-to-peer DMA between PCI devices: providers made from
 * PCI BARs without struct pages, classification of (provider, client)
 * pairs by the rules of drivers/pci/p2pdma.c, mapping of a table for one
 * device, and revocation.
 */
#ifndef _LINUX_DMA_VEC_P2P_H
#define _LINUX_DMA_VEC_P2P_H

#include <linux/compiler.h>
#include <linux/dma-direction.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/barrier.h>

struct device;
struct pci_dev;
struct __dma_vec_map_link;

/**
 * DOC: lifetime and locking contract
 *
 * The exporter owns the provider, the importer owns its &struct
 * dma_vec_map.  A provider is initialised on fresh or destroyed memory,
 * revoked when its memory moves or goes away, and destroyed once no map
 * is linked to it (dma_vec_provider_destroy() refuses with -EBUSY
 * otherwise).  dma_vec_provider_revoke() may run at any time, concurrently
 * with mapping and unmapping: it detaches every map, calls each live map's
 * invalidate callback once in its own (process) context with no lock held,
 * waits for unmaps in progress, and returns when no map refers to the
 * provider; the exporter may then free it.
 *
 * A map is zeroed before dma_vec_map_table() (a live one is refused with
 * -EBUSY) and records everything dma_vec_unmap() and the syncs need, so
 * the table may be released once it is mapped.  dma_vec_unmap() of a map
 * without a callback is allowed in any context, interrupts included; a
 * map with a callback may sleep, because an unmap racing its running
 * callback waits for it, except when called from that callback.  So an
 * importer never holds, across dma_vec_unmap(), a lock its callback
 * takes.  After dma_vec_unmap() returns, the P2P layer never touches the
 * map again.  Lock order: a provider's lock, then a map's lock; no P2P
 * lock is held while an importer callback runs.
 *
 * The per-I/O mapping of &struct dma_vec_io is not linked to its
 * providers and has no callback: it lives as long as one I/O, whose
 * submitter keeps the peer memory alive (page references, the pins of
 * dma_vec_from_user()) and the providers valid until dma_vec_io_end().  A
 * revocation does not wait for it; a piece mapped after the revocation
 * fails with -ENODEV, and an exporter that must stop DMA in flight does so
 * through its own pins, not through the P2P layer.
 */

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
 * @invalidate: a provider of some of the mapped memory was revoked (device
 *	reset, memory moved).  The importer must stop all DMA to the mapping
 *	before returning, and unmap it with dma_vec_unmap(), either from the
 *	callback or later.  Called at most once per mapping, by
 *	dma_vec_provider_revoke(), in its (process) context, with no P2P
 *	lock held; never for a mapping that dma_vec_map_table() has not
 *	completed, nor after dma_vec_unmap() of the mapping has returned.
 *	dma_vec_unmap() of the mapping from another thread waits for the
 *	callback to return, so the callback must not wait for such a thread,
 *	and the importer must not hold a lock the callback takes across
 *	dma_vec_unmap().
 */
struct dma_vec_map_ops {
	void (*invalidate)(struct dma_vec_map *map, void *priv);
};

struct __dma_vec_revoker;

/**
 * struct dma_vec_map - a table mapped for DMA by one device
 * @dev: the device the addresses are valid for
 * @ranges: DMA ranges in transfer order; walk them with
 *	dma_vec_for_each_dma_chunk()
 * @nr: number of DMA ranges
 * @dir: DMA direction of the mapping
 * @attrs: DMA attributes of the mapping
 * @run_types: enum dma_vec_map_type of every provider run of the table
 * @run_first: table range index of the first range of every run
 * @nr_runs: number of runs of the table
 * @nr_src: number of ranges of the table
 * @links: one link per provider run, for revocation
 * @nr_links: number of entries in @links
 * @iova: state of the two-step IOVA API when the mapping was coalesced into
 *	one IOVA range, else NULL
 * @iova_len: bytes linked into @iova
 * @ops: importer callbacks, or NULL
 * @priv: argument of the callbacks
 * @lock: protects @state, @flags and @revoker against revocation
 * @state: life cycle state, private to the P2P layer (zero: not mapped)
 * @flags: DMA_VEC_MAP_REVOKED (bit 0) once a provider was revoked
 * @revoker: the revocation running the invalidate callback, if any
 *
 * Records everything unmapping and syncing need, so the table may be
 * released while the mapping lives.  Made by dma_vec_map_table() from a
 * zeroed (or unmapped) structure, undone by dma_vec_unmap(), which zeroes
 * it again; several devices may map the same table at once, each with its
 * own struct dma_vec_map.  Importers read @dev, @ranges, @nr, @dir and
 * @attrs; the rest is private.
 */
struct dma_vec_map {
	struct device *dev;
	struct dma_vec_drange *ranges;
	unsigned int nr;
	enum dma_data_direction dir;
	unsigned long attrs;
	u8 *run_types;
	unsigned int *run_first;
	unsigned int nr_runs;
	unsigned int nr_src;
	struct __dma_vec_map_link *links;
	unsigned int nr_links;
	void *iova;
	u64 iova_len;
	const struct dma_vec_map_ops *ops;
	void *priv;
	/* Protects state, flags and revoker against revocation. */
	spinlock_t lock;
	unsigned int state;
	unsigned long flags;
	struct __dma_vec_revoker *revoker;
};

/**
 * struct dma_vec_io_rec - what undoing the mapping of one piece of an I/O needs
 * @addr: DMA address of the piece
 * @len: length of the piece in bytes
 * @mmio: the piece is peer memory mapped with dma_map_resource(); host
 *	memory otherwise
 */
struct dma_vec_io_rec {
	dma_addr_t addr;
	u32 len;
	u32 mmio;
};

/**
 * struct dma_vec_client - a cached classification of one client
 * @entry: node in the clients list of the provider
 * @key: PCI domain, bus, device and function of the client
 * @type: how the client reaches the provider
 * @reason: why, as a human-readable phrase
 *
 * Private to the P2P layer.  Never changes once published in the
 * provider's list; freed only by dma_vec_provider_destroy(), when nothing
 * uses the provider any more, so the last answer (&dma_vec_provider's
 * hot entry) may be read without a lock.
 */
struct dma_vec_client {
	struct list_head entry;
	u64 key;
	enum dma_vec_map_type type;
	const char *reason;
};

/* A key no client has: keys are at most 48 bits. */
#define DMA_VEC_NO_CLIENT	U64_MAX

/* Pieces a struct dma_vec_io records without allocating. */
#define DMA_VEC_IO_INLINE	4

/**
 * struct dma_vec_io - one I/O mapped piece by piece, in one pass
 * @dev: the device doing the DMA
 * @dir: DMA direction
 * @attrs: DMA attributes
 * @max_map: longest piece one mapping call takes: dma_max_mapping_size()
 *	of @dev, at most 4 GiB, in whole pages
 * @need_unmap: unmapping a streaming mapping of @dev does something, so
 *	the host pieces are recorded (peer pieces through the host bridge
 *	always are)
 * @host_pages: the caller vouched that every host range lies in memory
 *	with struct pages (dma_vec_io_host_pages()): not checked for RAM
 * @key: the client key of @dev (&struct dma_vec_client), or
 *	DMA_VEC_NO_CLIENT if it is not a PCI function
 * @p2p: some piece was peer memory
 * @prov: provider of the last peer piece, or NULL
 * @type: how @dev reaches @prov
 * @recs: the pieces to unmap: @inl, or an allocated array
 * @nr_recs: number of entries in @recs
 * @cap_recs: capacity of @recs
 * @inl: inline room for the first DMA_VEC_IO_INLINE records
 *
 * For a per-I/O path (a block request, an RDMA work request) that maps
 * memory once, for the life of the I/O, straight into the device's
 * descriptors: no table, no &struct dma_vec_map, and in the common case
 * no allocation.  Set up with dma_vec_io_start(), map each physical range
 * with dma_vec_io_map() (or a batch of host ranges with one
 * dma_vec_io_map_host() call) as the descriptors are built, and undo it
 * all with dma_vec_io_end() when the I/O completes or fails.  Unlike
 * dma_vec_map_table() the mapping is not linked to its providers: the
 * caller keeps the peer memory alive for the life of the I/O (page
 * references, &struct dma_vec_pin), and a provider revoked before a piece
 * is mapped makes that piece fail with -ENODEV.  Embed it in the
 * per-I/O structure; all fields are private.
 */
struct dma_vec_io {
	struct device *dev;
	enum dma_data_direction dir;
	unsigned long attrs;
	u64 max_map;
	bool need_unmap;
	bool host_pages;
	u64 key;
	bool p2p;
	struct dma_vec_provider *prov;
	enum dma_vec_map_type type;
	struct dma_vec_io_rec *recs;
	unsigned int nr_recs;
	unsigned int cap_recs;
	struct dma_vec_io_rec inl[DMA_VEC_IO_INLINE];
};

int dma_vec_provider_init(struct dma_vec_provider *prov, struct device *owner,
			  int bar, phys_addr_t base, u64 size, u64 bus_offset,
			  void __iomem *cpu_addr);
int dma_vec_provider_destroy(struct dma_vec_provider *prov);

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

void dma_vec_io_start(struct dma_vec_io *io, struct device *dev,
		      enum dma_data_direction dir, unsigned long attrs,
		      u64 max_map);
int __dma_vec_io_map(struct dma_vec_io *io, phys_addr_t paddr, u64 len,
		     struct dma_vec_provider *prov, struct dma_vec_drange *out,
		     gfp_t gfp);
int __dma_vec_io_record(struct dma_vec_io *io, const struct dma_vec_drange *d,
			gfp_t gfp);
int dma_vec_io_map_host(struct dma_vec_io *io, const struct dma_vec_prange *in,
			struct dma_vec_drange *out, unsigned int nr, gfp_t gfp,
			unsigned int *mapped);
int __dma_vec_io_map_host(struct dma_vec_io *io,
			  const struct dma_vec_prange *in,
			  struct dma_vec_drange *out, unsigned int nr,
			  gfp_t gfp, unsigned int *mapped);
void __dma_vec_io_end(struct dma_vec_io *io);

/**
 * __dma_vec_io_bus_ok - whether a peer range may go at its bus address now
 * @prov: a provider the I/O reaches at its bus address
 * @paddr: CPU physical address of the range
 * @len: its length in bytes
 *
 * The range is not empty, lies in the window, and the provider is not
 * revoked.  Internal to dma_vec_io_map() and the loops built on its
 * bus-address case.
 *
 * Context: Any context.
 * Return: true if the range maps to @paddr plus the bus offset.
 */
static __always_inline bool
__dma_vec_io_bus_ok(const struct dma_vec_provider *prov, phys_addr_t paddr,
		    u64 len)
{
	return len && dma_vec_provider_holds(prov, paddr, len) &&
	       !READ_ONCE(prov->__p2p.revoked);
}

/**
 * __dma_vec_io_bus_addr - whether @io reaches a provider at its bus address
 * @io: the I/O
 * @prov: the provider of a peer piece
 *
 * The class of the provider classified last by @io, or else the provider's
 * last answer if it was for @io's device, read without a lock as
 * dma_vec_classify() does; that one becomes @io's.  Internal to
 * dma_vec_io_map() and the loops built on its bus-address case (a run of
 * peer ranges of an NVMe command).
 *
 * Context: Any context.
 * Return: true if @prov is known to give @io's device its bus address.
 */
static __always_inline bool __dma_vec_io_bus_addr(struct dma_vec_io *io,
						  struct dma_vec_provider *prov)
{
	const struct dma_vec_client *c;

	if (prov == io->prov)
		return io->type == DMA_VEC_MAP_BUS_ADDR;
	/* Pairs with the release that published it: @c never changes. */
	c = smp_load_acquire(&prov->__p2p.hot);
	if (!c || c->key != io->key || c->type != DMA_VEC_MAP_BUS_ADDR)
		return false;
	io->prov = prov;
	io->type = c->type;
	io->p2p = true;
	return true;
}

/**
 * __dma_vec_host_ram - whether a host range starts and ends in RAM
 * @paddr: CPU physical address of the range, which does not wrap
 * @len: its length in bytes, not zero
 *
 * A host range is mapped through its struct pages: refuse one whose first
 * or last page has none (a BAR appended without its provider, a made-up
 * address).  At most two pfn_valid() per range, one for a range inside a
 * page, keep the per-I/O path one pass; dma_vec_check_host_ram() checks
 * every page when a caller wants that.  Internal to the mapping paths.
 *
 * Context: Any context.
 * Return: true if the first and the last page of the range have a struct
 * page.
 */
static __always_inline bool __dma_vec_host_ram(phys_addr_t paddr, u64 len)
{
	return pfn_valid(PHYS_PFN(paddr)) &&
	       (offset_in_page(paddr) + len <= PAGE_SIZE ||
		pfn_valid(PHYS_PFN(paddr + len - 1)));
}

/**
 * __dma_vec_io_host_ok - whether a host range maps whole with one call
 * @io: the I/O
 * @paddr: CPU physical address of the range
 * @len: its length in bytes
 * @pages: @io vouched for its host pages (dma_vec_io_host_pages()): no
 *	RAM check
 *
 * The range is not empty, does not wrap, fits one mapping (at most
 * @io->max_map bytes from its page offset) and starts and ends in RAM.
 * What dma_vec_io_map() maps inline and dma_vec_io_map_host() in its
 * batch; anything else goes to __dma_vec_io_map() for its error or its
 * first piece.  Internal to those two.
 *
 * Context: Any context.
 * Return: true if the range goes to the DMA layer as it is.
 */
static __always_inline bool __dma_vec_io_host_ok(const struct dma_vec_io *io,
						 phys_addr_t paddr, u64 len,
						 bool pages)
{
	u64 last;

	return len && len <= io->max_map - offset_in_page(paddr) &&
	       !check_add_overflow((u64)paddr, len - 1, &last) &&
	       last <= PHYS_ADDR_MAX &&
	       (pages || __dma_vec_host_ram(paddr, len));
}

/**
 * dma_vec_io_host_pages - vouch for the struct pages of an I/O's host ranges
 * @io: the I/O, set up by dma_vec_io_start()
 *
 * For a caller whose host ranges come from struct pages (the bvecs of a
 * block request): dma_vec_io_map() and dma_vec_io_map_host() then map
 * them without checking that their first and last pages are RAM with a
 * struct page, as dma_map_page() takes a page without checking it.  Host
 * ranges made up from physical addresses (a &struct dma_vec_table, user
 * input) must not be vouched for: a range outside RAM would be mapped
 * through a struct page that does not exist.  Empty and wrapping ranges
 * are still refused.  dma_vec_io_start() and dma_vec_io_end() clear it,
 * so it holds for one I/O only.
 *
 * Context: Any context.
 */
static inline void dma_vec_io_host_pages(struct dma_vec_io *io)
{
	io->host_pages = true;
}

/**
 * dma_vec_io_map - map the next physical range of an I/O
 * @io: the I/O, set up by dma_vec_io_start()
 * @paddr: CPU physical address of the range
 * @len: its length in bytes
 * @prov: the provider whose window holds it, or NULL for host memory
 * @out: filled with the DMA range of the piece mapped
 * @gfp: allocation flags, for a classification not cached yet and for
 *	records beyond the inline ones
 *
 * Maps the start of the range: all of it, or for host memory at most
 * @io->max_map bytes, ending on a page boundary; @out->len tells how much,
 * and the caller maps the rest with further calls.  Host memory gets a
 * streaming mapping, peer memory below a common bridge its bus address
 * and peer memory behind the host bridge an MMIO mapping, as with
 * dma_vec_map_table(); the class of a provider for @io's device is looked
 * up once per I/O and per provider, without a lock in the common case.
 * What needs undoing is recorded in @io for dma_vec_io_end().  The common
 * cases are inline: host memory on a device whose unmaps do nothing (one
 * dma_map_page_attrs() call and no record), and peer memory of the
 * provider classified last, or whose last answer was for this device,
 * when that gives a bus address (an addition).
 *
 * Context: Any context allowed by @gfp and by the DMA API; an I/O path
 * passes GFP_ATOMIC.
 * Return: 0 on success; -EINVAL if @len is zero; -EOVERFLOW if the range
 * wraps around the physical address space; -ERANGE if it is not inside
 * @prov's window; -ENODEV if @prov is revoked; -EREMOTEIO if @io's device
 * cannot reach @prov (the reason is logged at debug level); -EFAULT if a
 * host range does not start and end in RAM with a struct page (not
 * checked after dma_vec_io_host_pages()); -ENOMEM;
 * -EIO if the DMA layer refused the mapping.  On error nothing of this
 * range is mapped, and the pieces mapped before stay recorded in @io.
 */
static __always_inline int dma_vec_io_map(struct dma_vec_io *io,
					  phys_addr_t paddr, u64 len,
					  struct dma_vec_provider *prov,
					  struct dma_vec_drange *out, gfp_t gfp)
{
	unsigned long pfn = PHYS_PFN(paddr), off = offset_in_page(paddr);

	if (prov) {
		/* Below a common bridge with the last provider: bus address. */
		if (!__dma_vec_io_bus_ok(prov, paddr, len) ||
		    !__dma_vec_io_bus_addr(io, prov))
			return __dma_vec_io_map(io, paddr, len, prov, out, gfp);
		out->addr = paddr + prov->bus_offset;
		out->len = len;
		return 0;
	}
	if (io->need_unmap ||
	    !__dma_vec_io_host_ok(io, paddr, len, io->host_pages))
		return __dma_vec_io_map(io, paddr, len, prov, out, gfp);
	out->addr = dma_map_page_attrs(io->dev, pfn_to_page(pfn), off, len,
				       io->dir, io->attrs);
	if (dma_mapping_error(io->dev, out->addr))
		return -EIO;
	out->len = len;
	/* A first swiotlb bounce makes unmapping count from now on. */
	if (unlikely(dma_dev_need_sync(io->dev)))
		return __dma_vec_io_record(io, out, gfp);
	return 0;
}

/**
 * dma_vec_io_end - undo the mapping of an I/O
 * @io: the I/O, set up by dma_vec_io_start()
 *
 * Unmaps every recorded piece and frees what the records took.  @io may
 * then be started again.  An I/O that recorded nothing (every piece at a
 * bus address, or host memory on a device whose unmaps do nothing) ends
 * inline.
 *
 * Context: Any context the DMA API allows unmapping in, completion
 * interrupts included.
 */
static inline void dma_vec_io_end(struct dma_vec_io *io)
{
	if (io->nr_recs || io->recs != io->inl)
		__dma_vec_io_end(io);
	io->host_pages = false;
}

#endif /* _LINUX_DMA_VEC_P2P_H */
