/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dma_vec: pageless scatter representation for peer-to-peer DMA
 *
 * A dma_vec_table is a vector of CPU-physical address ranges.  Each range
 * is either host memory or lies inside the BAR window of one provider (a
 * PCI device exporting part of a BAR).  No struct page is needed for BAR
 * memory, and a range carries a 64-bit length, so a 128 GiB BAR is a
 * single 16-byte range.
 *
 * DMA addresses live in a distinct type, struct dma_vec_drange, so that a
 * CPU-physical address is never mistaken for a DMA address.
 *
 * Consumers walk either kind of vector with a constrained iterator that
 * splits the ranges on the fly to honour a device's maximum segment size,
 * segment boundary and page alignment, without ever building an expanded
 * per-page array.
 */
#ifndef _LINUX_DMA_VEC_H
#define _LINUX_DMA_VEC_H

#include <linux/build_bug.h>
#include <linux/dma-direction.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct device;
struct dma_pool;
struct mm_struct;
struct pci_dev;
struct sg_table;
union nvme_data_ptr;

/**
 * struct dma_vec_prange - a range of CPU-physical addresses
 * @paddr: CPU physical address of the first byte
 * @len: length in bytes, never zero inside a table
 */
struct dma_vec_prange {
	phys_addr_t paddr;
	u64 len;
};

/**
 * struct dma_vec_drange - a range of DMA addresses as seen by one device
 * @addr: DMA (bus or IOVA) address of the first byte
 * @len: length in bytes, never zero
 */
struct dma_vec_drange {
	dma_addr_t addr;
	u64 len;
};

static_assert(sizeof(struct dma_vec_prange) <= 16);
static_assert(sizeof(struct dma_vec_drange) <= 16);

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

/**
 * struct dma_vec_client - a cached classification of one client
 * @entry: node in the clients list of the provider
 * @key: PCI domain, bus, device and function of the client
 * @type: how the client reaches the provider
 * @reason: why, as a human-readable phrase
 */
struct dma_vec_client {
	struct list_head entry;
	u64 key;
	enum dma_vec_map_type type;
	const char *reason;
};

/**
 * struct dma_vec_provider - a BAR window that exports memory for P2P DMA
 * @owner: device owning the BAR
 * @cpu_addr: CPU mapping of the whole window for MMIO-safe CPU access, or
 *	NULL when the exporter does not provide one
 * @base: CPU physical address of the start of the window
 * @size: size of the window in bytes
 * @bus_offset: PCI bus address minus CPU physical address of the window
 *	(modulo 2^64)
 * @bar: BAR number within @owner
 * @lock: protects @clients, @maps and @revoked
 * @clients: cached classifications, one struct dma_vec_client per client
 * @maps: links of the live mappings that use this provider
 * @revoked: set by dma_vec_provider_revoke(); no new mapping is allowed
 *
 * A provider is created without ZONE_DEVICE pages: it is nothing more than
 * a description of the window.  The memory behind it must not be accessed
 * with struct page based helpers.
 */
struct dma_vec_provider {
	struct device *owner;
	void __iomem *cpu_addr;
	phys_addr_t base;
	u64 size;
	u64 bus_offset;
	int bar;
	/* Protects clients, maps and revoked. */
	spinlock_t lock;
	struct list_head clients;
	struct list_head maps;
	bool revoked;
};

/**
 * struct dma_vec_run - a run of ranges with the same owner
 * @first: index of the first range of the run
 * @provider: owning provider, or NULL for host memory
 *
 * A run lasts until the @first of the next run or the end of the table.
 */
struct dma_vec_run {
	unsigned int first;
	struct dma_vec_provider *provider;
};

/**
 * struct dma_vec_table - a growable vector of CPU-physical ranges
 * @ranges: the ranges, in transfer order
 * @marks: byte offset of every DMA_VEC_MARK_STRIDE-th range, for lookups
 * @xruns: runs after the first one, NULL while there is only one
 * @run0: the first run, kept inline so a single-provider table needs no
 *	extra allocation
 * @len: total length in bytes
 * @nr: number of ranges
 * @cap: number of ranges @ranges can hold
 * @nr_runs: number of runs, zero for an empty table
 * @xruns_cap: number of runs @xruns can hold
 *
 * Adjacent ranges are merged when they are physically contiguous and have
 * the same owner; ranges of different owners never merge, so a run
 * boundary is always a range boundary.  All fields are read-only for users;
 * modify a table only through the dma_vec_*() functions.
 */
struct dma_vec_table {
	struct dma_vec_prange *ranges;
	u64 *marks;
	struct dma_vec_run *xruns;
	struct dma_vec_run run0;
	u64 len;
	unsigned int nr;
	unsigned int cap;
	unsigned int nr_runs;
	unsigned int xruns_cap;
};

/**
 * DMA_VEC_MARK_SHIFT - log2 of the distance between two lookup marks
 *
 * A table keeps the byte offset of every 2^DMA_VEC_MARK_SHIFT-th range, so
 * dma_vec_find() is a binary search plus a short walk, for half a byte per
 * range.  An implementation detail; do not use it outside lib/.
 */
#define DMA_VEC_MARK_SHIFT	4

/**
 * DMA_VEC_MARK_STRIDE - number of ranges between two lookup marks
 */
#define DMA_VEC_MARK_STRIDE	16U
static_assert(DMA_VEC_MARK_STRIDE == 1U << DMA_VEC_MARK_SHIFT);

/**
 * DMA_VEC_MAX_RANGES - upper bound on the number of ranges in one table
 *
 * 2^30 ranges, 16 GiB of range array: far beyond any real buffer, and low
 * enough that range indices and byte sizes never overflow.
 */
#define DMA_VEC_MAX_RANGES	0x40000000U

/**
 * struct dma_vec_checkpoint - what undoing appends to a table needs
 * @len: table length
 * @last_len: length of the last range
 * @nr: number of ranges
 * @nr_runs: number of runs
 */
struct dma_vec_checkpoint {
	u64 len;
	u64 last_len;
	unsigned int nr;
	unsigned int nr_runs;
};

/**
 * struct dma_vec_slice - a byte window of a table (a view, no copy)
 * @tbl: the table
 * @first: index of the range holding the first byte
 * @first_off: offset of the first byte inside range @first
 * @len: length of the window in bytes
 */
struct dma_vec_slice {
	const struct dma_vec_table *tbl;
	unsigned int first;
	u64 first_off;
	u64 len;
};

/**
 * struct dma_vec_limits - constraints a consumer puts on each chunk
 * @max_seg: maximum chunk length, at least @align
 * @seg_boundary_mask: a chunk never crosses a multiple of
 *	@seg_boundary_mask + 1; a mask of the form 2^n - 1, at least @align - 1;
 *	U64_MAX for no boundary
 * @align: power of two; where a chunk is cut because of @max_seg the cut is
 *	placed on a multiple of @align, so every later chunk of the same range
 *	starts aligned.  1 for no alignment.
 */
struct dma_vec_limits {
	u64 max_seg;
	u64 seg_boundary_mask;
	u64 align;
};

/**
 * struct dma_vec_iter - state of a walk over a table slice
 * @tbl: the table
 * @lim: chunk limits
 * @idx: index of the range holding the current position
 * @run: index of the run holding range @idx
 * @next_run_first: first range of run @run + 1, or UINT_MAX
 * @off: offset of the current position inside range @idx; equal to the
 *	range length after a chunk that ends it (the step to the next range
 *	is taken when the next chunk is asked for)
 * @left: bytes left to yield
 * @paddr: CPU physical address of the current chunk
 * @len: length of the current chunk
 * @provider: owner of the current chunk, NULL for host memory
 */
struct dma_vec_iter {
	const struct dma_vec_table *tbl;
	struct dma_vec_limits lim;
	unsigned int idx;
	unsigned int run;
	unsigned int next_run_first;
	u64 off;
	u64 left;
	phys_addr_t paddr;
	u64 len;
	struct dma_vec_provider *provider;
};

/**
 * struct dma_vec_dma_iter - state of a walk over an array of DMA ranges
 * @ranges: the ranges
 * @nr: number of ranges
 * @lim: chunk limits
 * @idx: index of the range the next chunk starts in
 * @off: offset of the next chunk inside range @idx
 * @addr: DMA address of the current chunk
 * @len: length of the current chunk
 */
struct dma_vec_dma_iter {
	const struct dma_vec_drange *ranges;
	unsigned int nr;
	struct dma_vec_limits lim;
	unsigned int idx;
	u64 off;
	dma_addr_t addr;
	u64 len;
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
 * struct dma_vec_map_link - ties a mapping to one provider run, for revocation
 * @entry: node in the maps list of the provider
 * @prov: the provider
 * @map: the mapping
 */
struct dma_vec_map_link {
	struct list_head entry;
	struct dma_vec_provider *prov;
	struct dma_vec_map *map;
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
	struct dma_vec_map_link *links;
	unsigned int nr_links;
	void *iova;
	u64 iova_len;
	const struct dma_vec_map_ops *ops;
	void *priv;
	/* Orders revocation against the end of dma_vec_map_table(). */
	spinlock_t lock;
	unsigned long flags;
};

/**
 * DMA_VEC_MAP_REVOKED - bit of &dma_vec_map.flags: a provider was revoked
 */
#define DMA_VEC_MAP_REVOKED	0

/**
 * DMA_VEC_MAP_LINKING - bit of &dma_vec_map.flags: dma_vec_map_table() has
 * not returned yet, so a revocation fails the mapping instead of calling
 * the importer back
 */
#define DMA_VEC_MAP_LINKING	1

/* Identify Controller SGLS bits 1:0. */
#define DMA_VEC_NVME_SGLS	1	/* SGLs supported */
#define DMA_VEC_NVME_SGLS_DWORD	2	/* ... with dword alignment */

/**
 * struct dma_vec_nvme_ctrl - what the NVMe builders need of a controller
 * @pool: dma_pool of descriptor pages (PRP lists, SGL segments), each
 *	(1 << @page_shift) bytes and aligned to that size
 * @max_transfer: largest transfer in bytes (MDTS), 0 for no limit
 * @page_shift: controller memory page size, 12 + CC.MPS
 * @sgls: Identify Controller SGLS bits 1:0: 0 (no SGLs),
 *	DMA_VEC_NVME_SGLS or DMA_VEC_NVME_SGLS_DWORD
 * @sgl_threshold: average DMA range size from which SGLs are preferred
 *	(nvme-pci's sgl_threshold), 0 to prefer PRPs
 */
struct dma_vec_nvme_ctrl {
	struct dma_pool *pool;
	u64 max_transfer;
	unsigned int page_shift;
	unsigned int sgls;
	unsigned int sgl_threshold;
};

/**
 * struct dma_vec_nvme_page - one descriptor page
 * @va: CPU address
 * @dma: DMA address
 */
struct dma_vec_nvme_page {
	void *va;
	dma_addr_t dma;
};

/**
 * struct dma_vec_nvme_data - descriptor pages of one NVMe command
 * @pool: where the pages come from
 * @pages: the PRP list pages or SGL segments, in chain order
 * @nr_pages: number of pages
 * @sgl: the data pointer holds an SGL (set NVME_CMD_SGL_METABUF)
 */
struct dma_vec_nvme_data {
	struct dma_pool *pool;
	struct dma_vec_nvme_page *pages;
	unsigned int nr_pages;
	bool sgl;
};

int dma_vec_provider_init(struct dma_vec_provider *prov, struct device *owner,
			  int bar, phys_addr_t base, u64 size, u64 bus_offset,
			  void __iomem *cpu_addr);
void dma_vec_provider_destroy(struct dma_vec_provider *prov);

void dma_vec_table_init(struct dma_vec_table *tbl);
int dma_vec_table_reserve(struct dma_vec_table *tbl, unsigned int nr,
			  gfp_t gfp);
void dma_vec_table_release(struct dma_vec_table *tbl);
size_t dma_vec_table_bytes(const struct dma_vec_table *tbl);
int dma_vec_append(struct dma_vec_table *tbl, phys_addr_t paddr, u64 len,
		   struct dma_vec_provider *prov, gfp_t gfp);

void dma_vec_checkpoint(const struct dma_vec_table *tbl,
			struct dma_vec_checkpoint *cp);
void dma_vec_rollback(struct dma_vec_table *tbl,
		      const struct dma_vec_checkpoint *cp);

int dma_vec_find(const struct dma_vec_table *tbl, u64 offset, u64 *range_off);
struct dma_vec_provider *dma_vec_range_provider(const struct dma_vec_table *tbl,
						unsigned int idx);
int dma_vec_slice(const struct dma_vec_table *tbl, u64 offset, u64 len,
		  struct dma_vec_slice *slice);

bool dma_vec_limits_valid(const struct dma_vec_limits *lim);
int dma_vec_iter_init(struct dma_vec_iter *it,
		      const struct dma_vec_slice *slice,
		      const struct dma_vec_limits *lim);
int dma_vec_dma_iter_init(struct dma_vec_dma_iter *it,
			  const struct dma_vec_drange *ranges, unsigned int nr,
			  const struct dma_vec_limits *lim);

int dma_vec_from_sgt(struct dma_vec_table *tbl, const struct sg_table *sgt,
		     struct dma_vec_provider *const *provs,
		     unsigned int nr_provs, gfp_t gfp);
int dma_vec_to_sgt(const struct dma_vec_slice *slice, struct sg_table *sgt,
		   gfp_t gfp);

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

int dma_vec_from_user(struct mm_struct *mm, unsigned long start,
		      unsigned long len, bool write, struct dma_vec_table *tbl,
		      gfp_t gfp);
void dma_vec_put_user(struct mm_struct *mm, unsigned long start,
		      unsigned long len);

int dma_vec_nvme_setup_prps(const struct dma_vec_nvme_ctrl *ctrl,
			    const struct dma_vec_drange *ranges,
			    unsigned int nr, union nvme_data_ptr *dptr,
			    struct dma_vec_nvme_data *data, gfp_t gfp);
int dma_vec_nvme_setup_sgls(const struct dma_vec_nvme_ctrl *ctrl,
			    const struct dma_vec_drange *ranges,
			    unsigned int nr, union nvme_data_ptr *dptr,
			    struct dma_vec_nvme_data *data, gfp_t gfp);
int dma_vec_nvme_setup_data(const struct dma_vec_nvme_ctrl *ctrl,
			    const struct dma_vec_drange *ranges,
			    unsigned int nr, union nvme_data_ptr *dptr,
			    struct dma_vec_nvme_data *data, gfp_t gfp);
void dma_vec_nvme_free_data(struct dma_vec_nvme_data *data);

int dma_vec_copy_from_buf(const struct dma_vec_slice *slice, const void *buf);
int dma_vec_copy_to_buf(const struct dma_vec_slice *slice, void *buf);

/**
 * dma_vec_len - total length of a table
 * @tbl: the table
 *
 * Return: the sum of the lengths of all ranges, in bytes.
 */
static inline u64 dma_vec_len(const struct dma_vec_table *tbl)
{
	return tbl->len;
}

/**
 * dma_vec_nr_ranges - number of ranges in a table
 * @tbl: the table
 *
 * Return: the number of ranges after merging.
 */
static inline unsigned int dma_vec_nr_ranges(const struct dma_vec_table *tbl)
{
	return tbl->nr;
}

/**
 * dma_vec_run - one provider run of a table
 * @tbl: the table
 * @i: run index, less than @tbl->nr_runs
 *
 * Return: the run.
 */
static inline const struct dma_vec_run *
dma_vec_run(const struct dma_vec_table *tbl, unsigned int i)
{
	return i ? &tbl->xruns[i - 1] : &tbl->run0;
}

/**
 * dma_vec_run_end - index one past the last range of a run
 * @tbl: the table
 * @i: run index, less than @tbl->nr_runs
 *
 * Return: the first range index that does not belong to run @i.
 */
static inline unsigned int dma_vec_run_end(const struct dma_vec_table *tbl,
					   unsigned int i)
{
	return i + 1 < tbl->nr_runs ? tbl->xruns[i].first : tbl->nr;
}

/**
 * dma_vec_slice_all - a slice covering a whole table
 * @tbl: the table
 * @slice: filled with the view
 */
static inline void dma_vec_slice_all(const struct dma_vec_table *tbl,
				     struct dma_vec_slice *slice)
{
	slice->tbl = tbl;
	slice->first = 0;
	slice->first_off = 0;
	slice->len = tbl->len;
}

/**
 * dma_vec_chunk_len - length of the next chunk under a set of limits
 * @addr: address of the chunk start
 * @len: bytes left in the range containing @addr, not zero
 * @lim: valid limits
 *
 * The chunk ends at the first of: the end of the range, a segment boundary,
 * or @lim->max_seg bytes, in which last case the end is moved back to a
 * multiple of @lim->align.  No division, no loop.
 *
 * Return: the chunk length, between 1 and @len.
 */
static inline u64 dma_vec_chunk_len(u64 addr, u64 len,
				    const struct dma_vec_limits *lim)
{
	u64 to_bound = lim->seg_boundary_mask -
		       (addr & lim->seg_boundary_mask) + 1;
	u64 n = min(len, lim->max_seg);
	u64 end;

	/* to_bound == 0 means 2^64: the boundary is out of reach. */
	if (to_bound && to_bound <= n)
		return to_bound;
	if (n == len)
		return n;
	end = (addr + n) & ~(lim->align - 1);
	return end > addr ? end - addr : n;
}

/**
 * dma_vec_iter_next - advance to the next chunk of a table slice
 * @it: iterator set up by dma_vec_iter_init()
 *
 * On success @it->paddr, @it->len and @it->provider describe the chunk.
 * Chunks never span two ranges, so never two providers.
 *
 * Return: true if a chunk was produced, false at the end of the slice.
 */
static inline bool dma_vec_iter_next(struct dma_vec_iter *it)
{
	const struct dma_vec_prange *r;
	u64 n;

	if (!it->left)
		return false;
	r = &it->tbl->ranges[it->idx];
	if (it->off == r->len) {
		/* Step to the next range, and to the next run if it starts. */
		r++;
		it->off = 0;
		if (++it->idx == it->next_run_first) {
			it->run++;
			it->provider = dma_vec_run(it->tbl, it->run)->provider;
			it->next_run_first = it->run + 1 < it->tbl->nr_runs ?
				it->tbl->xruns[it->run].first : UINT_MAX;
		}
	}
	n = dma_vec_chunk_len(r->paddr + it->off,
			      min(r->len - it->off, it->left), &it->lim);
	it->paddr = r->paddr + it->off;
	it->len = n;
	it->left -= n;
	it->off += n;
	return true;
}

/**
 * dma_vec_dma_iter_next - advance to the next chunk of a DMA range array
 * @it: iterator set up by dma_vec_dma_iter_init()
 *
 * On success @it->addr and @it->len describe the chunk.
 *
 * Return: true if a chunk was produced, false at the end of the array.
 */
static inline bool dma_vec_dma_iter_next(struct dma_vec_dma_iter *it)
{
	const struct dma_vec_drange *r;
	u64 n;

	if (it->idx >= it->nr)
		return false;
	r = &it->ranges[it->idx];
	n = dma_vec_chunk_len(r->addr + it->off, r->len - it->off, &it->lim);
	it->addr = r->addr + it->off;
	it->len = n;
	it->off += n;
	if (it->off == r->len) {
		it->idx++;
		it->off = 0;
	}
	return true;
}

/**
 * dma_vec_iter_start - set up a walk and return the iterator
 * @it: iterator to set up
 * @slice: the slice to walk
 * @lim: chunk limits, or NULL for whole ranges
 *
 * dma_vec_iter_init() for use in loop headers; an invalid @lim gives an
 * iterator that yields nothing.
 *
 * Return: @it.
 */
static inline struct dma_vec_iter *
dma_vec_iter_start(struct dma_vec_iter *it, const struct dma_vec_slice *slice,
		   const struct dma_vec_limits *lim)
{
	dma_vec_iter_init(it, slice, lim);
	return it;
}

/**
 * dma_vec_iter_all - set up a walk over the whole ranges of a table
 * @it: iterator to set up
 * @tbl: the table
 *
 * Return: @it.
 */
static inline struct dma_vec_iter *dma_vec_iter_all(struct dma_vec_iter *it,
						    const struct dma_vec_table *tbl)
{
	struct dma_vec_slice all;

	dma_vec_slice_all(tbl, &all);
	return dma_vec_iter_start(it, &all, NULL);
}

/**
 * dma_vec_dma_iter_start - set up a walk over DMA ranges, return the iterator
 * @it: iterator to set up
 * @ranges: the ranges
 * @nr: number of ranges
 * @lim: chunk limits, or NULL for whole ranges
 *
 * Return: @it.
 */
static inline struct dma_vec_dma_iter *
dma_vec_dma_iter_start(struct dma_vec_dma_iter *it,
		       const struct dma_vec_drange *ranges, unsigned int nr,
		       const struct dma_vec_limits *lim)
{
	dma_vec_dma_iter_init(it, ranges, nr, lim);
	return it;
}

/**
 * dma_vec_for_each_range - walk the ranges of a table
 * @tbl: the table
 * @it: struct dma_vec_iter pointer; in the body @it->idx is the range
 *	index and @it->paddr, @it->len, @it->provider describe the range
 */
#define dma_vec_for_each_range(tbl, it)					\
	for (struct dma_vec_iter *__dv_it = dma_vec_iter_all((it), (tbl));	\
	     dma_vec_iter_next(__dv_it);)

/**
 * dma_vec_for_each_chunk - walk a table slice in constrained chunks
 * @slice: the slice
 * @lim: chunk limits, or NULL for whole ranges
 * @it: struct dma_vec_iter pointer holding the current chunk
 *
 * Walks nothing if @lim is invalid; call dma_vec_iter_init() directly to
 * see the error.
 */
#define dma_vec_for_each_chunk(slice, lim, it)				\
	for (struct dma_vec_iter *__dv_it =				\
		dma_vec_iter_start((it), (slice), (lim));		\
	     dma_vec_iter_next(__dv_it);)

/**
 * dma_vec_for_each_dma_chunk - walk DMA ranges in constrained chunks
 * @ranges: array of struct dma_vec_drange
 * @nr: number of ranges
 * @lim: chunk limits, or NULL for whole ranges
 * @it: struct dma_vec_dma_iter pointer holding the current chunk
 *
 * Walks nothing if @lim is invalid; call dma_vec_dma_iter_init() directly
 * to see the error.
 */
#define dma_vec_for_each_dma_chunk(ranges, nr, lim, it)			\
	for (struct dma_vec_dma_iter *__dv_dit =			\
		dma_vec_dma_iter_start((it), (ranges), (nr), (lim));	\
	     dma_vec_dma_iter_next(__dv_dit);)

#endif /* _LINUX_DMA_VEC_H */
