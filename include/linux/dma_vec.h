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

#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct device;
struct sg_table;
struct dma_vec_client;

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
 * struct __dma_vec_p2p_state - state of the P2P layer inside a provider
 * @lock: protects @clients, @maps and @revoked
 * @clients: cached classifications, one per client device
 * @hot: the entry of @clients last looked up, read without the lock; an
 *	entry never changes once published and lives until the provider is
 *	destroyed
 * @maps: links of the live mappings that use this provider
 * @bar: BAR number within the owner
 * @revoked: set by dma_vec_provider_revoke(); no new mapping is allowed
 *
 * Private to the P2P layer (drivers/pci/dma_vec_p2p.c), which initialises
 * it in dma_vec_provider_init(); embedded only so that a provider needs
 * no allocation of its own.  Never touch it from outside that file.
 */
struct __dma_vec_p2p_state {
	/* Protects clients, maps and revoked. */
	spinlock_t lock;
	struct list_head clients;
	struct dma_vec_client *hot;
	struct list_head maps;
	int bar;
	bool revoked;
};

/**
 * struct dma_vec_provider - a window of memory exported for P2P DMA
 * @owner: device that owns the memory (the PCI function with the BAR)
 * @cpu_addr: CPU mapping of the whole window for MMIO-safe CPU access, or
 *	NULL when the exporter does not provide one
 * @base: CPU physical address of the start of the window
 * @size: size of the window in bytes
 * @bus_offset: PCI bus address minus CPU physical address of the window
 *	(modulo 2^64)
 * @__p2p: private state of the P2P layer
 *
 * A provider is only a description of the window: no ZONE_DEVICE page is
 * created for it, and the memory behind it must never be accessed with
 * struct page based helpers.  The core reads the description fields; the
 * P2P layer (<linux/dma_vec_p2p.h>) creates, classifies, maps, revokes and
 * destroys providers.
 */
struct dma_vec_provider {
	struct device *owner;
	void __iomem *cpu_addr;
	phys_addr_t base;
	u64 size;
	u64 bus_offset;
	struct __dma_vec_p2p_state __p2p;
};

/**
 * dma_vec_provider_holds - whether a range lies in a provider's window
 * @prov: the provider
 * @paddr: CPU physical address of the range
 * @len: its length in bytes, not zero
 *
 * In 64 bits without overflow, whatever @paddr and @len are.
 *
 * Context: Any context.
 * Return: true if [@paddr, @paddr + @len) lies inside @prov's window.
 */
static inline bool dma_vec_provider_holds(const struct dma_vec_provider *prov,
					  phys_addr_t paddr, u64 len)
{
	return paddr >= prov->base && len <= prov->size &&
	       paddr - prov->base <= prov->size - len;
}

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

/*
 * A table keeps the byte offset of every DMA_VEC_MARK_STRIDE-th range in
 * &dma_vec_table.marks, so dma_vec_find() is a binary search plus a short
 * walk, for half a byte per range.  Private to the dma_vec_*() functions.
 */
#define DMA_VEC_MARK_SHIFT	4
#define DMA_VEC_MARK_STRIDE	16U

/**
 * struct dma_vec_table - a growable vector of CPU-physical ranges
 * @ranges: the ranges, in transfer order
 * @marks: byte offsets of every 16th range, for lookups (private)
 * @xruns: runs after the first one, NULL while there is only one
 * @run0: the first run, kept inline so a single-provider table needs no
 *	extra allocation
 * @len: total length in bytes
 * @nr: number of ranges
 * @cap: number of ranges @ranges can hold
 * @nr_runs: number of runs, zero for an empty table
 * @xruns_cap: number of runs @xruns can hold
 * @gen: generation, advanced by dma_vec_table_release(), so that a
 *	checkpoint of an earlier life of the table is recognised (private)
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
	unsigned int gen;
};

/**
 * DMA_VEC_MAX_RANGES - upper bound on the number of ranges in one table
 *
 * 2^26 ranges (64 Mi): 1 GiB of ranges (16 bytes each) plus 32 MiB of
 * lookup marks (8 bytes per 16 ranges), and the run array (at most one run
 * per range, 16 bytes each) stays at 1 GiB too.  Each array is one
 * allocation, and kvmalloc() refuses (with a WARN) any size above INT_MAX;
 * the limit is a power of two well below that.  Far beyond any real
 * buffer: a 128 GiB BAR cut in 4 KiB pieces is 2^25 ranges.
 */
#define DMA_VEC_MAX_RANGES	0x4000000U

/**
 * struct dma_vec_checkpoint - what undoing appends to a table needs
 * @tbl: the table it was taken on
 * @len: table length
 * @last_len: length of the last range
 * @nr: number of ranges
 * @nr_runs: number of runs
 * @gen: generation of the table (see &dma_vec_table.gen)
 */
struct dma_vec_checkpoint {
	const struct dma_vec_table *tbl;
	u64 len;
	u64 last_len;
	unsigned int nr;
	unsigned int nr_runs;
	unsigned int gen;
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
 * @idx: index of the range holding the current chunk (the step to the next
 *	range is taken when the next chunk is asked for)
 * @run: index of the run holding range @idx
 * @next_run_first: first range of run @run + 1, or UINT_MAX
 * @next: CPU physical address of the next chunk
 * @rem: bytes of the walk left in range @idx from @next
 * @left: bytes left to yield after those @rem
 * @stride: the steady chunk length of @lim, 0 if it has none (set at init
 *	by dma_vec_stride() of lib/dma_vec.c)
 * @stride_mask: a chunk starting at an address with none of these bits set,
 *	with at least @stride bytes left in its range and in the walk, is
 *	exactly @stride bytes long
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
	u64 next;
	u64 rem;
	u64 left;
	u64 stride;
	u64 stride_mask;
	phys_addr_t paddr;
	u64 len;
	struct dma_vec_provider *provider;
};

/**
 * struct dma_vec_dma_iter - state of a walk over an array of DMA ranges
 * @ranges: the ranges
 * @nr: number of ranges
 * @idx: index of the range the next chunk starts in: @nr at the end of the
 *	walk, or the index of the bad range that stopped it
 * @err: 0, or the error that stopped the walk at range @idx (read it with
 *	dma_vec_dma_iter_error())
 * @lim: chunk limits
 * @next: DMA address of the next chunk
 * @rem: bytes left in range @idx from @next; 0 once the walk is over
 * @stride: the steady chunk length of @lim, 0 if it has none (set at init
 *	by dma_vec_stride() of lib/dma_vec.c)
 * @stride_mask: a chunk starting at an address with none of these bits set,
 *	with at least @stride bytes left in its range, is exactly @stride bytes
 *	long
 * @addr: DMA address of the current chunk
 * @len: length of the current chunk
 */
struct dma_vec_dma_iter {
	const struct dma_vec_drange *ranges;
	unsigned int nr;
	unsigned int idx;
	int err;
	struct dma_vec_limits lim;
	u64 next;
	u64 rem;
	u64 stride;
	u64 stride_mask;
	dma_addr_t addr;
	u64 len;
};

void dma_vec_table_init(struct dma_vec_table *tbl);
int dma_vec_table_reserve(struct dma_vec_table *tbl, unsigned int nr,
			  gfp_t gfp);
void dma_vec_table_release(struct dma_vec_table *tbl);
size_t dma_vec_table_bytes(const struct dma_vec_table *tbl);
int __dma_vec_append(struct dma_vec_table *tbl, phys_addr_t paddr, u64 len,
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

int dma_vec_check_host_ram(const struct dma_vec_slice *slice);
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
 * __dma_vec_append_check - the ranges dma_vec_append() refuses
 * @tbl: the table
 * @paddr: CPU physical address of the range
 * @len: length of the range in bytes
 * @prov: provider whose window holds the range, or NULL for host memory
 * @total: set to the table length with the range, on success
 *
 * Internal to dma_vec_append().
 *
 * Context: Any context.
 * Return: 0, or the error dma_vec_append() returns for the range.
 */
static __always_inline int
__dma_vec_append_check(const struct dma_vec_table *tbl, phys_addr_t paddr,
		       u64 len, const struct dma_vec_provider *prov,
		       u64 *total)
{
	u64 last;

	if (!len)
		return -EINVAL;
	if (check_add_overflow((u64)paddr, len - 1, &last) ||
	    last > PHYS_ADDR_MAX || check_add_overflow(tbl->len, len, total))
		return -EOVERFLOW;
	if (prov && !dma_vec_provider_holds(prov, paddr, len))
		return -ERANGE;
	return 0;
}

/**
 * __dma_vec_merge - extend the last range of a table when a range continues it
 * @tbl: a table whose last run has the owner of the range
 * @paddr: CPU physical address of the range
 * @len: length of the range in bytes
 * @total: the table length with the range
 *
 * Internal to dma_vec_append().
 *
 * Context: Any context.
 * Return: true if the range was merged.
 */
static __always_inline bool __dma_vec_merge(struct dma_vec_table *tbl,
					    phys_addr_t paddr, u64 len,
					    u64 total)
{
	struct dma_vec_prange *r = &tbl->ranges[tbl->nr - 1];

	if (paddr <= r->paddr || paddr - r->paddr != r->len)
		return false;
	r->len += len;
	tbl->len = total;
	return true;
}

/**
 * __dma_vec_same_run - whether a range of @prov continues a table's last run
 * @tbl: the table
 * @prov: the range's owner, NULL for host memory
 *
 * Internal to dma_vec_append().
 *
 * Context: Any context.
 * Return: true if @tbl has a run and the last one is @prov's.
 */
static __always_inline bool
__dma_vec_same_run(const struct dma_vec_table *tbl,
		   const struct dma_vec_provider *prov)
{
	/* Most tables have one run, whose owner is kept inline. */
	if (likely(tbl->nr_runs == 1))
		return tbl->run0.provider == prov;
	return tbl->nr_runs &&
	       dma_vec_run(tbl, tbl->nr_runs - 1)->provider == prov;
}

/**
 * __dma_vec_store - store a new range at the end of a table with room for it
 * @tbl: the table, @tbl->nr below @tbl->cap, the range's run set up
 * @paddr: CPU physical address of the range
 * @len: length of the range in bytes
 * @total: the table length with the range
 *
 * Internal to dma_vec_append(); records no lookup mark.
 *
 * Context: Any context.
 */
static __always_inline void __dma_vec_store(struct dma_vec_table *tbl,
					    phys_addr_t paddr, u64 len,
					    u64 total)
{
	struct dma_vec_prange *r = &tbl->ranges[tbl->nr++];

	r->paddr = paddr;
	r->len = len;
	tbl->len = total;
}

/**
 * __dma_vec_push - store a new range, after the first, in a table
 * @tbl: the table, @tbl->nr below @tbl->cap and not zero, the range's run
 *	set up
 * @paddr: CPU physical address of the range
 * @len: length of the range in bytes
 * @total: the table length with the range
 *
 * Internal to dma_vec_append().  Records the range's lookup mark if it is
 * a DMA_VEC_MARK_STRIDE-th one.  The first range of a table goes through
 * __dma_vec_store() alone: its offset is 0, it has no mark, and a table of
 * a few ranges has no mark array.
 *
 * Context: Any context.
 */
static __always_inline void __dma_vec_push(struct dma_vec_table *tbl,
					   phys_addr_t paddr, u64 len,
					   u64 total)
{
	if (!(tbl->nr & (DMA_VEC_MARK_STRIDE - 1)))
		tbl->marks[tbl->nr >> DMA_VEC_MARK_SHIFT] = tbl->len;
	__dma_vec_store(tbl, paddr, len, total);
}

/**
 * dma_vec_append - append a physical range to a table
 * @tbl: the table
 * @paddr: CPU physical address of the range
 * @len: length of the range in bytes
 * @prov: provider whose window holds the range, or NULL for host memory
 * @gfp: allocation flags
 *
 * The range is merged into the last one when it starts where the last one
 * ends and has the same owner.  Ranges of different owners never merge.
 * The common case is inline: a range of the last run's owner that merges,
 * or that fits the capacity (dma_vec_table_reserve()); a range that
 * starts a run or needs room goes to __dma_vec_append().
 *
 * Context: Any context allowed by @gfp.
 * Return: 0 on success; -EINVAL if @len is zero; -EOVERFLOW if the range
 * wraps around the physical address space or the table length would
 * overflow; -ERANGE if the range is not inside @prov's window; -E2BIG if
 * the table is full; -ENOMEM if an allocation failed.  On error the table
 * is unchanged.
 */
static __always_inline int dma_vec_append(struct dma_vec_table *tbl,
					  phys_addr_t paddr, u64 len,
					  struct dma_vec_provider *prov,
					  gfp_t gfp)
{
	u64 total;
	int ret = __dma_vec_append_check(tbl, paddr, len, prov, &total);

	if (ret)
		return ret;
	/* A table with a run has a range: __dma_vec_push() may be used. */
	if (!__dma_vec_same_run(tbl, prov))
		return __dma_vec_append(tbl, paddr, len, prov, gfp);
	if (__dma_vec_merge(tbl, paddr, len, total))
		return 0;
	if (tbl->nr == tbl->cap)
		return __dma_vec_append(tbl, paddr, len, prov, gfp);
	__dma_vec_push(tbl, paddr, len, total);
	return 0;
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
 * Chunks never span two ranges, so never two providers.  A chunk that
 * starts on a steady stride of the limits (@it->stride_mask clear) with at
 * least @it->stride bytes left is @it->stride bytes without further
 * arithmetic; any other is cut by dma_vec_chunk_len(), with the same result.
 *
 * Return: true if a chunk was produced, false at the end of the slice.
 */
static inline bool dma_vec_iter_next(struct dma_vec_iter *it)
{
	u64 addr = it->next, rem = it->rem, n = it->stride;
	const struct dma_vec_prange *r;

	if (unlikely(!rem)) {
		if (!it->left)
			return false;
		/* Step to the next range, and to the next run if it starts. */
		r = &it->tbl->ranges[++it->idx];
		if (it->idx == it->next_run_first) {
			it->run++;
			it->provider = dma_vec_run(it->tbl, it->run)->provider;
			it->next_run_first = it->run + 1 < it->tbl->nr_runs ?
				it->tbl->xruns[it->run].first : UINT_MAX;
		}
		addr = r->paddr;
		rem = min(r->len, it->left);
		it->left -= rem;
	}
	/* A stride of 0 never passes: rem <= U64_MAX. */
	if (unlikely((addr & it->stride_mask) || rem <= n - 1))
		n = dma_vec_chunk_len(addr, rem, &it->lim);
	it->paddr = addr;
	it->len = n;
	it->next = addr + n;
	it->rem = rem - n;
	return true;
}

/**
 * __dma_vec_dma_iter_enter - start range @it->idx of a DMA walk
 * @it: the iterator, with @it->idx < @it->nr
 *
 * If the range is empty (-EINVAL) or wraps past 2^64 (-EOVERFLOW; ending
 * exactly at 2^64 is fine), record the error and leave @it->rem at 0, so
 * that the walk ends here; else make it the range the next chunk starts in.
 */
static inline void __dma_vec_dma_iter_enter(struct dma_vec_dma_iter *it)
{
	const struct dma_vec_drange *r = &it->ranges[it->idx];

	if (unlikely(!r->len || r->len - 1 > U64_MAX - (u64)r->addr)) {
		it->err = r->len ? -EOVERFLOW : -EINVAL;
		return;
	}
	it->next = r->addr;
	it->rem = r->len;
}

/**
 * dma_vec_dma_iter_next - advance to the next chunk of a DMA range array
 * @it: iterator set up by dma_vec_dma_iter_init()
 *
 * On success @it->addr and @it->len describe the chunk.  Each range is
 * checked when the walk reaches it: the walk stops before a range that is
 * empty or wraps past 2^64, and dma_vec_dma_iter_error() then tells why;
 * so a chunk is never empty and never wraps.  A chunk that starts on a
 * steady stride of the limits (@it->stride_mask clear) with at least
 * @it->stride bytes left in its range is @it->stride bytes without further
 * arithmetic; any other is cut by dma_vec_chunk_len(), with the same result.
 *
 * Return: true if a chunk was produced, false at the end of the array or
 * at a bad range.
 */
static inline bool dma_vec_dma_iter_next(struct dma_vec_dma_iter *it)
{
	u64 addr = it->next, rem = it->rem, n = it->stride;

	if (unlikely(!rem))
		return false;
	/* A stride of 0 never passes: rem <= U64_MAX. */
	if (unlikely((addr & it->stride_mask) || rem <= n - 1))
		n = dma_vec_chunk_len(addr, rem, &it->lim);
	it->addr = addr;
	it->len = n;
	it->next = addr + n;
	it->rem = rem - n;
	if (unlikely(!it->rem) && ++it->idx < it->nr)
		__dma_vec_dma_iter_enter(it);
	return true;
}

/**
 * dma_vec_dma_iter_error - why a walk over DMA ranges stopped
 * @it: iterator set up by dma_vec_dma_iter_init()
 *
 * The ranges are checked as the walk reaches them, not all at
 * dma_vec_dma_iter_init(): a walk that meets an empty range or one that
 * wraps past 2^64 stops there, after yielding every chunk of the ranges
 * before it.  A consumer that walks ranges it has not checked itself
 * calls this after its loop.
 *
 * Context: Any context.
 * Return: 0 if the walk met no bad range (so far), -EINVAL if it stopped
 * at an empty range, -EOVERFLOW if it stopped at a range that wraps past
 * 2^64.
 */
static inline int dma_vec_dma_iter_error(const struct dma_vec_dma_iter *it)
{
	return it->err;
}

/**
 * dma_vec_iter_start - set up a walk and return the iterator
 * @it: iterator to set up
 * @slice: the slice to walk
 * @lim: chunk limits, or NULL for whole ranges
 *
 * dma_vec_iter_init() for use in loop headers.  Where dma_vec_iter_init()
 * fails (invalid @lim or slice) the iterator yields nothing, and since a
 * loop header cannot return the error this warns once: a walk that
 * silently walked nothing would look like an empty slice.
 *
 * Return: @it.
 */
static inline struct dma_vec_iter *
dma_vec_iter_start(struct dma_vec_iter *it, const struct dma_vec_slice *slice,
		   const struct dma_vec_limits *lim)
{
	WARN_ON_ONCE(dma_vec_iter_init(it, slice, lim));
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
 * dma_vec_dma_iter_init() for use in loop headers.  Where it fails
 * (invalid @lim, or @ranges NULL with a non-zero @nr) the iterator yields
 * nothing and this warns once, as dma_vec_iter_start() does.  A bad range
 * is no init failure: the walk stops at it, and dma_vec_dma_iter_error()
 * tells.
 *
 * Return: @it.
 */
static inline struct dma_vec_dma_iter *
dma_vec_dma_iter_start(struct dma_vec_dma_iter *it,
		       const struct dma_vec_drange *ranges, unsigned int nr,
		       const struct dma_vec_limits *lim)
{
	WARN_ON_ONCE(dma_vec_dma_iter_init(it, ranges, nr, lim));
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
 * Walks nothing, and warns once, if @lim or @slice is invalid; validate
 * the limits with dma_vec_limits_valid() first, or call
 * dma_vec_iter_init() directly to get the error.
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
 * Walks nothing, and warns once, if @lim is invalid or @ranges is NULL
 * with a non-zero @nr; validate the limits with dma_vec_limits_valid()
 * first, or call dma_vec_dma_iter_init() directly to get the error.  The
 * walk stops, without a warning, before a range that is empty or wraps
 * past 2^64, having yielded every chunk of the ranges before it: unless
 * the ranges were checked beforehand (a mapping's are), check
 * dma_vec_dma_iter_error() on @it after the loop.
 */
#define dma_vec_for_each_dma_chunk(ranges, nr, lim, it)			\
	for (struct dma_vec_dma_iter *__dv_dit =			\
		dma_vec_dma_iter_start((it), (ranges), (nr), (lim));	\
	     dma_vec_dma_iter_next(__dv_dit);)

#endif /* _LINUX_DMA_VEC_H */
