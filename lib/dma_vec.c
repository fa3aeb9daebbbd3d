// SPDX-License-Identifier: GPL-2.0
/*
 * dma_vec: pageless scatter representation for peer-to-peer DMA
 *
 * Building, lookup, iteration set-up, scatterlist interop and CPU access
 * for struct dma_vec_table.  See include/linux/dma_vec.h.
 */
#include <linux/bug.h>
#include <linux/dma_vec.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/overflow.h>
#include <linux/pfn.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

/* Largest scatterlist entry the export produces: page aligned, < 4 GiB. */
#define DMA_VEC_SG_MAX_SEG	((u64)(UINT_MAX & PAGE_MASK))

static const struct dma_vec_limits dma_vec_no_limits = {
	.max_seg = U64_MAX,
	.seg_boundary_mask = U64_MAX,
	.align = 1,
};

static_assert(DMA_VEC_MARK_STRIDE == 1U << DMA_VEC_MARK_SHIFT);

/*
 * kvmalloc() refuses sizes above INT_MAX: a full table's range array, and
 * its run array, must stay below that.
 */
static_assert((u64)DMA_VEC_MAX_RANGES * sizeof(struct dma_vec_prange) <=
	      INT_MAX);
static_assert((u64)DMA_VEC_MAX_RANGES * sizeof(struct dma_vec_run) <=
	      INT_MAX);

/**
 * dma_vec_table_init - initialise an empty table
 * @tbl: the table
 *
 * Allocates nothing; an initialised table may be released without ever
 * being used.
 *
 * Context: Any context.
 */
void dma_vec_table_init(struct dma_vec_table *tbl)
{
	memset(tbl, 0, sizeof(*tbl));
}
EXPORT_SYMBOL_GPL(dma_vec_table_init);

/**
 * dma_vec_table_release - free the memory of a table and empty it
 * @tbl: the table
 *
 * The table is left initialised and empty, ready for reuse, in a new
 * generation: checkpoints taken before the release are refused by
 * dma_vec_rollback().
 *
 * Context: Process context (the range array may be vmalloc'ed).
 */
void dma_vec_table_release(struct dma_vec_table *tbl)
{
	unsigned int gen = tbl->gen + 1;

	kvfree(tbl->ranges);
	kvfree(tbl->marks);
	kvfree(tbl->xruns);
	dma_vec_table_init(tbl);
	tbl->gen = gen;
}
EXPORT_SYMBOL_GPL(dma_vec_table_release);

/*
 * Lookup marks for a capacity of @cap ranges.  A table of at most
 * DMA_VEC_MARK_STRIDE ranges needs none: its only mark would be marks[0],
 * which is always 0.
 */
static size_t dma_vec_nr_marks(unsigned int cap)
{
	if (cap <= DMA_VEC_MARK_STRIDE)
		return 0;
	return ((size_t)cap + DMA_VEC_MARK_STRIDE - 1) >> DMA_VEC_MARK_SHIFT;
}

static size_t dma_vec_ranges_bytes(unsigned int cap)
{
	return size_add(array_size(cap, sizeof(struct dma_vec_prange)),
			array_size(dma_vec_nr_marks(cap), sizeof(u64)));
}

/*
 * From this size on, an array for a caller that may sleep comes from
 * vmalloc in whole pages, unless a power of two of pages is within an
 * eighth of what it needs: kmalloc() (and kvmalloc(), which tries it
 * first) hands out a power of two of pages, up to twice what was asked,
 * while vmalloc maps every page one by one.  Below it, the allocation is
 * too small for the waste to matter and kmalloc() is faster.
 */
#define DMA_VEC_VMALLOC_MIN	SZ_64K

/*
 * How many bytes to ask for an array of at least @bytes, so that the
 * capacity fills what the allocator really hands out (a kmalloc bucket, a
 * power of two of pages, or whole vmalloc pages), and whether to ask
 * vmalloc.
 */
static size_t dma_vec_array_size(size_t bytes, gfp_t gfp, bool *vm)
{
	size_t pow2 = PAGE_SIZE << get_order(bytes);

	*vm = false;
	if (bytes <= KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_size_roundup(bytes);
	if (bytes < DMA_VEC_VMALLOC_MIN || !gfpflags_allow_blocking(gfp))
		return pow2;
	if (pow2 <= KMALLOC_MAX_SIZE && pow2 - bytes <= bytes / 8)
		return pow2;
	*vm = true;
	return PAGE_ALIGN(bytes);
}

/*
 * Make room for @need ranges.  The range array and its lookup marks are
 * two allocations, so that a table of a power of two of ranges (1 GiB of
 * 4 KiB pages is 4 MiB of ranges) is one block from the page allocator
 * rather than a vmalloc area just over it; both are made before anything
 * changes, so the table is untouched when either fails.  The capacity
 * fills what the allocator really hands out for the ranges, so no
 * allocation lands just over a size it then doubles and
 * dma_vec_table_bytes() reports what the range array really takes.
 */
static int dma_vec_grow(struct dma_vec_table *tbl, unsigned int need,
			gfp_t gfp)
{
	struct dma_vec_prange *ranges;
	u64 *marks = NULL;
	size_t bytes, nr_marks;
	unsigned int cap;
	bool vm;

	if (need <= tbl->cap)
		return 0;
	if (need > DMA_VEC_MAX_RANGES)
		return -E2BIG;

	cap = min(max(need, tbl->cap * 2), DMA_VEC_MAX_RANGES);
	bytes = dma_vec_array_size(array_size(cap, sizeof(*ranges)), gfp, &vm);
	cap = min_t(size_t, bytes / sizeof(*ranges), DMA_VEC_MAX_RANGES);
	nr_marks = dma_vec_nr_marks(cap);
	if (nr_marks) {
		bool mvm;
		size_t mbytes = dma_vec_array_size(nr_marks * sizeof(u64), gfp,
						   &mvm);

		marks = mvm ? __vmalloc(mbytes, gfp) : kvmalloc(mbytes, gfp);
		if (!marks)
			return -ENOMEM;
	}
	/*
	 * kvmalloc(): a block of pages when it is there without reclaim,
	 * else the same size from vmalloc.
	 */
	ranges = vm ? __vmalloc(bytes, gfp) : kvmalloc(bytes, gfp);
	if (!ranges) {
		kvfree(marks);
		return -ENOMEM;
	}

	if (tbl->nr)
		memcpy(ranges, tbl->ranges, tbl->nr * sizeof(*ranges));
	if (marks) {
		/* Marks of the ranges so far; mark 0 is 0. */
		marks[0] = 0;
		if (tbl->marks)
			memcpy(marks, tbl->marks,
			       dma_vec_nr_marks(tbl->nr) * sizeof(u64));
	}
	kvfree(tbl->ranges);
	kvfree(tbl->marks);
	tbl->ranges = ranges;
	tbl->marks = marks;
	tbl->cap = cap;
	return 0;
}

/* Make room for @need runs in total (the first one is inline). */
static int dma_vec_grow_runs(struct dma_vec_table *tbl, unsigned int need,
			     gfp_t gfp)
{
	struct dma_vec_run *xruns;
	unsigned int cap;

	if (need <= tbl->xruns_cap + 1)
		return 0;

	cap = max(need - 1, tbl->xruns_cap * 2);
	cap = min(max(cap, 4U), DMA_VEC_MAX_RANGES);
	if (need - 1 > cap)
		return -E2BIG;
	xruns = kvmalloc_array(cap, sizeof(*xruns), gfp);
	if (!xruns)
		return -ENOMEM;

	if (tbl->nr_runs > 1)
		memcpy(xruns, tbl->xruns, (tbl->nr_runs - 1) * sizeof(*xruns));
	kvfree(tbl->xruns);
	tbl->xruns = xruns;
	tbl->xruns_cap = cap;
	return 0;
}

/**
 * dma_vec_table_reserve - preallocate room for ranges
 * @tbl: the table
 * @nr: number of ranges the table must be able to hold without allocating
 * @gfp: allocation flags
 *
 * Context: Any context allowed by @gfp; kvmalloc() rules apply.
 * Return: 0 on success, -ENOMEM if the allocation failed, -E2BIG if @nr is
 * above DMA_VEC_MAX_RANGES.  The contents are unchanged in every case.
 */
int dma_vec_table_reserve(struct dma_vec_table *tbl, unsigned int nr,
			  gfp_t gfp)
{
	return dma_vec_grow(tbl, nr, gfp);
}
EXPORT_SYMBOL_GPL(dma_vec_table_reserve);

/**
 * dma_vec_table_bytes - memory used by a table
 * @tbl: the table
 *
 * Counts the structure itself, the range array with its lookup marks and
 * the run array, at their allocated capacity.
 *
 * Context: Any context.
 * Return: the number of bytes.
 */
size_t dma_vec_table_bytes(const struct dma_vec_table *tbl)
{
	size_t bytes = sizeof(*tbl);

	if (tbl->cap)
		bytes += dma_vec_ranges_bytes(tbl->cap);
	return bytes + tbl->xruns_cap * sizeof(*tbl->xruns);
}
EXPORT_SYMBOL_GPL(dma_vec_table_bytes);

/**
 * __dma_vec_append - append a physical range to a table, out of line
 * @tbl: the table
 * @paddr: CPU physical address of the range
 * @len: length of the range in bytes
 * @prov: provider whose window holds the range, or NULL for host memory
 * @gfp: allocation flags
 *
 * What dma_vec_append() does, every case included; it calls this for a
 * range that starts a run or finds the table full.  Use dma_vec_append().
 *
 * Context: As dma_vec_append().
 * Return: As dma_vec_append().
 */
int __dma_vec_append(struct dma_vec_table *tbl, phys_addr_t paddr, u64 len,
		     struct dma_vec_provider *prov, gfp_t gfp)
{
	bool new_run;
	u64 total;
	int ret;

	ret = __dma_vec_append_check(tbl, paddr, len, prov, &total);
	if (ret)
		return ret;
	new_run = !__dma_vec_same_run(tbl, prov);
	if (!new_run && __dma_vec_merge(tbl, paddr, len, total))
		return 0;

	if (tbl->nr == tbl->cap) {
		ret = dma_vec_grow(tbl, tbl->nr + 1, gfp);
		if (ret)
			return ret;
	}
	if (new_run && tbl->nr_runs) {
		ret = dma_vec_grow_runs(tbl, tbl->nr_runs + 1, gfp);
		if (ret)
			return ret;
	}

	if (new_run) {
		struct dma_vec_run *run = tbl->nr_runs ?
			&tbl->xruns[tbl->nr_runs - 1] : &tbl->run0;

		run->first = tbl->nr;
		run->provider = prov;
		tbl->nr_runs++;
	}
	if (tbl->nr)
		__dma_vec_push(tbl, paddr, len, total);
	else
		__dma_vec_store(tbl, paddr, len, total);
	return 0;
}
EXPORT_SYMBOL_GPL(__dma_vec_append);

/**
 * dma_vec_checkpoint - remember the contents of a table
 * @tbl: the table
 * @cp: filled with what dma_vec_rollback() needs
 *
 * With dma_vec_rollback() this makes a batch of appends all-or-nothing:
 * take a checkpoint, append, and roll back if any append fails.
 *
 * Context: Any context.
 */
void dma_vec_checkpoint(const struct dma_vec_table *tbl,
			struct dma_vec_checkpoint *cp)
{
	cp->tbl = tbl;
	cp->gen = tbl->gen;
	cp->len = tbl->len;
	cp->nr = tbl->nr;
	cp->nr_runs = tbl->nr_runs;
	cp->last_len = tbl->nr ? tbl->ranges[tbl->nr - 1].len : 0;
}
EXPORT_SYMBOL_GPL(dma_vec_checkpoint);

/* Whether @cp was taken on @tbl, in this generation, and still fits it. */
static bool dma_vec_checkpoint_fits(const struct dma_vec_table *tbl,
				    const struct dma_vec_checkpoint *cp)
{
	unsigned int last_run;

	if (cp->tbl != tbl || cp->gen != tbl->gen || cp->nr > tbl->nr ||
	    cp->len > tbl->len || cp->nr_runs > tbl->nr_runs ||
	    !cp->nr != !cp->nr_runs || cp->nr_runs > cp->nr)
		return false;
	if (!cp->nr)
		return !cp->len;
	/* The last kept run must start before, and end at or after, cp->nr. */
	last_run = cp->nr_runs - 1;
	return cp->last_len && cp->last_len <= tbl->ranges[cp->nr - 1].len &&
	       dma_vec_run(tbl, last_run)->first < cp->nr &&
	       dma_vec_run_end(tbl, last_run) >= cp->nr;
}

/**
 * dma_vec_rollback - undo the appends made since a checkpoint
 * @tbl: the table
 * @cp: checkpoint taken by dma_vec_checkpoint() on this table
 *
 * Only appends may have happened since the checkpoint.  Capacity grown in
 * the meantime is kept; dma_vec_table_release() frees it.  A checkpoint
 * taken on another table, on an earlier life of this one (before a
 * dma_vec_table_release()), or one that does not fit the table any more is
 * a bug: it warns once and leaves the table unchanged.
 *
 * Context: Any context.
 */
void dma_vec_rollback(struct dma_vec_table *tbl,
		      const struct dma_vec_checkpoint *cp)
{
	if (WARN_ON_ONCE(!dma_vec_checkpoint_fits(tbl, cp)))
		return;
	tbl->len = cp->len;
	tbl->nr = cp->nr;
	tbl->nr_runs = cp->nr_runs;
	if (tbl->nr)
		tbl->ranges[tbl->nr - 1].len = cp->last_len;
}
EXPORT_SYMBOL_GPL(dma_vec_rollback);

/**
 * dma_vec_find - find the range holding a byte offset
 * @tbl: the table
 * @offset: byte offset from the start of the table
 * @range_off: if not NULL, set to the offset of @offset inside that range
 *
 * Binary search over the lookup marks, then at most DMA_VEC_MARK_STRIDE
 * steps: O(log n).
 *
 * Context: Any context.
 * Return: the range index, or -ERANGE if @offset is not below the table
 * length.
 */
int dma_vec_find(const struct dma_vec_table *tbl, u64 offset, u64 *range_off)
{
	unsigned int lo = 0, hi, idx;
	u64 start;

	if (offset >= tbl->len)
		return -ERANGE;

	/* Last mark at or below offset; mark 0 (always 0) always qualifies. */
	hi = (tbl->nr - 1) >> DMA_VEC_MARK_SHIFT;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo + 1) / 2;

		if (tbl->marks[mid] <= offset)
			lo = mid;
		else
			hi = mid - 1;
	}
	idx = lo << DMA_VEC_MARK_SHIFT;
	start = lo ? tbl->marks[lo] : 0;
	while (offset - start >= tbl->ranges[idx].len)
		start += tbl->ranges[idx++].len;
	if (range_off)
		*range_off = offset - start;
	return idx;
}
EXPORT_SYMBOL_GPL(dma_vec_find);

/* Index of the run holding range @idx (idx < tbl->nr). */
static unsigned int dma_vec_find_run(const struct dma_vec_table *tbl,
				     unsigned int idx)
{
	unsigned int lo = 0, hi = tbl->nr_runs - 1;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo + 1) / 2;

		if (tbl->xruns[mid - 1].first <= idx)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/**
 * dma_vec_range_provider - owner of a range
 * @tbl: the table
 * @idx: range index
 *
 * Context: Any context.
 * Return: the provider of range @idx, or NULL if it is host memory.  An
 * out-of-bounds @idx warns and returns NULL.
 */
struct dma_vec_provider *dma_vec_range_provider(const struct dma_vec_table *tbl,
						unsigned int idx)
{
	if (WARN_ON_ONCE(idx >= tbl->nr))
		return NULL;
	return dma_vec_run(tbl, dma_vec_find_run(tbl, idx))->provider;
}
EXPORT_SYMBOL_GPL(dma_vec_range_provider);

/**
 * dma_vec_slice - make a view of a byte window of a table
 * @tbl: the table
 * @offset: first byte of the window
 * @len: length of the window, may be zero
 * @slice: filled with the view
 *
 * Nothing is copied; the view is valid while the table is not modified.
 *
 * Context: Any context.
 * Return: 0 on success, -ERANGE if the window does not lie inside the
 * table (@slice is untouched then).
 */
int dma_vec_slice(const struct dma_vec_table *tbl, u64 offset, u64 len,
		  struct dma_vec_slice *slice)
{
	u64 off = 0;
	int idx = 0;

	if (offset > tbl->len || len > tbl->len - offset)
		return -ERANGE;
	if (len) {
		idx = dma_vec_find(tbl, offset, &off);
		if (WARN_ON_ONCE(idx < 0))
			return idx;
	}
	slice->tbl = tbl;
	slice->first = idx;
	slice->first_off = off;
	slice->len = len;
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_slice);

/**
 * dma_vec_limits_valid - check a set of chunk limits
 * @lim: the limits
 *
 * Context: Any context.
 * Return: true if @lim->align is a power of two, @lim->max_seg is at least
 * @lim->align, and @lim->seg_boundary_mask is 2^n - 1 and at least
 * @lim->align - 1.
 */
bool dma_vec_limits_valid(const struct dma_vec_limits *lim)
{
	u64 mask = lim->seg_boundary_mask;

	return lim->align && !(lim->align & (lim->align - 1)) &&
	       lim->max_seg >= lim->align && !(mask & (mask + 1)) &&
	       mask >= lim->align - 1;
}
EXPORT_SYMBOL_GPL(dma_vec_limits_valid);

/*
 * dma_vec_stride - the steady chunk of a set of limits
 * @lim: valid limits: A = @lim->align, M = @lim->max_seg, B =
 *	@lim->seg_boundary_mask
 * @mask: set to the stride mask
 *
 * Returns S and sets @mask such that dma_vec_chunk_len(a, L, lim) == S for
 * every a with (a & *@mask) == 0 and every L >= S with a + L <= 2^64 (no
 * range wraps), or returns 0 if the limits have no such stride.  Proof,
 * writing n = min(L, M) and t = B - (a & B) + 1 (the bytes to the next
 * boundary, 0 standing for 2^64):
 *
 * - B + 1 <= M (the boundary cuts first): S = B + 1, mask B.  a & B == 0
 *   gives t = B + 1 = S, and L >= S with M >= S gives n >= S = t: the
 *   answer is t = S.
 * - B == U64_MAX and A divides M: S = M, mask A - 1.  t is 0 (a == 0) or
 *   2^64 - a >= L >= n, so t is returned only when t == n == L == M.
 *   Else n == M; if M == L the answer is n = M; if not, L > M and
 *   (a + M) & ~(A - 1) is a + M (a and M multiples of A, a + M < a + L
 *   <= 2^64), so the answer is M.
 * - B + 1 > M and M a power of two: S = M, mask M - 1.  M divides B + 1,
 *   so a & B is a multiple of M at most B + 1 - M: t >= M = n, and t == M
 *   answers M.  Else as above: n == L answers M, and A divides M (both
 *   powers of two, A <= M), so the cut at a + M answers M.
 *
 * Any other limits (a boundary above a max_seg that is no power of two, or
 * no boundary and a max_seg that is not a multiple of the alignment) get
 * S = 0, and every chunk goes through dma_vec_chunk_len().
 */
static u64 dma_vec_stride(const struct dma_vec_limits *lim, u64 *mask)
{
	u64 b = lim->seg_boundary_mask, m = lim->max_seg;

	if (b < m) {
		*mask = b;
		return b + 1;
	}
	if (b == U64_MAX && !(m & (lim->align - 1))) {
		*mask = lim->align - 1;
		return m;
	}
	/* m >= 1: a power of two (is_power_of_2() takes a long). */
	if (!(m & (m - 1))) {
		*mask = m - 1;
		return m;
	}
	*mask = U64_MAX;
	return 0;
}

/**
 * dma_vec_iter_init - start a constrained walk over a table slice
 * @it: iterator to set up
 * @slice: the slice to walk
 * @lim: chunk limits, or NULL for whole ranges (cut only by the slice)
 *
 * Allocates nothing.  Use dma_vec_iter_next() to get each chunk.
 *
 * Context: Any context.
 * Return: 0 on success, -EINVAL if @lim is not valid or @slice does not
 * fit its table (a start outside the table or a length above the table's),
 * in which case the iterator yields nothing.
 */
int dma_vec_iter_init(struct dma_vec_iter *it,
		      const struct dma_vec_slice *slice,
		      const struct dma_vec_limits *lim)
{
	const struct dma_vec_table *tbl = slice->tbl;

	memset(it, 0, sizeof(*it));
	if (lim && !dma_vec_limits_valid(lim))
		return -EINVAL;
	if (slice->len && (slice->len > tbl->len || slice->first >= tbl->nr ||
			   slice->first_off >= tbl->ranges[slice->first].len))
		return -EINVAL;

	it->tbl = tbl;
	it->lim = lim ? *lim : dma_vec_no_limits;
	it->idx = slice->first;
	it->next_run_first = UINT_MAX;
	it->stride = dma_vec_stride(&it->lim, &it->stride_mask);
	if (slice->len) {
		const struct dma_vec_prange *r = &tbl->ranges[it->idx];

		it->next = r->paddr + slice->first_off;
		it->rem = min(r->len - slice->first_off, slice->len);
		it->left = slice->len - it->rem;
		it->run = dma_vec_find_run(tbl, it->idx);
		it->provider = dma_vec_run(tbl, it->run)->provider;
		if (it->run + 1 < tbl->nr_runs)
			it->next_run_first = tbl->xruns[it->run].first;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_iter_init);

/**
 * dma_vec_dma_iter_init - start a constrained walk over DMA ranges
 * @it: iterator to set up
 * @ranges: the ranges, none of them empty (as a mapping produces them)
 * @nr: number of ranges
 * @lim: chunk limits, or NULL for whole ranges
 *
 * Allocates nothing and takes constant time.  Use dma_vec_dma_iter_next()
 * to get each chunk.  The ranges are checked as the walk reaches them
 * (range 0 here): the walk stops before a range that is empty or wraps
 * around the DMA address space, after yielding every chunk of the ranges
 * before it, and dma_vec_dma_iter_error() then returns -EINVAL or
 * -EOVERFLOW.  So the walk never yields a 0-length chunk nor wraps to
 * address 0.  A range may end exactly at the top of the DMA address space.
 *
 * Context: Any context.
 * Return: 0 on success (even if a range is bad: see above); -EINVAL if
 * @lim is not valid or @ranges is NULL with a non-zero @nr, in which case
 * the iterator yields nothing.
 */
int dma_vec_dma_iter_init(struct dma_vec_dma_iter *it,
			  const struct dma_vec_drange *ranges, unsigned int nr,
			  const struct dma_vec_limits *lim)
{
	memset(it, 0, sizeof(*it));
	if (lim && !dma_vec_limits_valid(lim))
		return -EINVAL;
	if (nr && !ranges)
		return -EINVAL;

	it->ranges = ranges;
	it->nr = nr;
	it->lim = lim ? *lim : dma_vec_no_limits;
	it->stride = dma_vec_stride(&it->lim, &it->stride_mask);
	if (nr)
		__dma_vec_dma_iter_enter(it);
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_dma_iter_init);

static struct dma_vec_provider *
dma_vec_lookup_provider(phys_addr_t paddr,
			struct dma_vec_provider *const *provs,
			unsigned int nr_provs)
{
	unsigned int i;

	for (i = 0; i < nr_provs; i++)
		if (paddr >= provs[i]->base &&
		    paddr - provs[i]->base < provs[i]->size)
			return provs[i];
	return NULL;
}

/**
 * dma_vec_from_sgt - append the CPU side of a scatterlist to a table
 * @tbl: the table
 * @sgt: scatter table with pages (regular or P2P); its orig_nents entries
 *	are read, the DMA side is ignored
 * @provs: providers whose windows may hold the pages, or NULL
 * @nr_provs: number of entries in @provs
 * @gfp: allocation flags
 *
 * An entry that starts inside a provider's window is attributed to that
 * provider and must lie wholly inside it; every other entry is host
 * memory.  This lets a driver that still receives scatterlists (including
 * ones holding ZONE_DEVICE P2P pages) move to dma_vec one step at a time.
 *
 * Context: Any context allowed by @gfp.
 * Return: 0 on success; -EINVAL if @provs is NULL with a non-zero
 * @nr_provs or an entry has no page (a DMA-only entry, as some dma-buf
 * exporters make: there is no CPU address to import); otherwise a negative
 * errno from dma_vec_append().  On error the table is left exactly as it
 * was.
 */
int dma_vec_from_sgt(struct dma_vec_table *tbl, const struct sg_table *sgt,
		     struct dma_vec_provider *const *provs,
		     unsigned int nr_provs, gfp_t gfp)
{
	struct dma_vec_checkpoint cp;
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	if (!provs && nr_provs)
		return -EINVAL;
	dma_vec_checkpoint(tbl, &cp);
	for_each_sg(sgt->sgl, sg, sgt->orig_nents, i) {
		phys_addr_t paddr;

		if (!sg_page(sg)) {
			dma_vec_rollback(tbl, &cp);
			return -EINVAL;
		}
		paddr = sg_phys(sg);

		ret = dma_vec_append(tbl, paddr, sg->length,
				     dma_vec_lookup_provider(paddr, provs,
							     nr_provs),
				     gfp);
		if (ret) {
			dma_vec_rollback(tbl, &cp);
			return ret;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_from_sgt);

/**
 * dma_vec_to_sgt - export a slice of host memory as a page scatterlist
 * @slice: the slice; it must hold host memory only
 * @sgt: scatter table to allocate and fill (CPU side; not DMA mapped)
 * @gfp: allocation flags
 *
 * For legacy consumers that only take a scatterlist.  The export is limited
 * to what a scatterlist can honestly describe: pages with struct page, so
 * provider (BAR) memory is refused, and entries below 4 GiB, so longer
 * ranges are split on page boundaries into several entries.
 *
 * Context: Any context allowed by @gfp.
 * Return: 0 on success; -EINVAL for an empty slice or one that does not
 * fit its table; -EOPNOTSUPP if the slice holds provider memory; -E2BIG if
 * more than UINT_MAX entries would be needed; -ENOMEM if the allocation
 * failed.  @sgt is only set up on success.
 */
int dma_vec_to_sgt(const struct dma_vec_slice *slice, struct sg_table *sgt,
		   gfp_t gfp)
{
	static const struct dma_vec_limits lim = {
		.max_seg = DMA_VEC_SG_MAX_SEG,
		.seg_boundary_mask = U64_MAX,
		.align = PAGE_SIZE,
	};
	struct scatterlist *sg;
	struct dma_vec_iter it;
	unsigned int nents = 0;
	int ret;

	if (!slice->len)
		return -EINVAL;
	ret = dma_vec_iter_init(&it, slice, &lim);
	if (ret)
		return ret;

	dma_vec_for_each_chunk(slice, &lim, &it) {
		if (it.provider)
			return -EOPNOTSUPP;
		if (nents == UINT_MAX)
			return -E2BIG;
		nents++;
	}

	ret = sg_alloc_table(sgt, nents, gfp);
	if (ret)
		return ret;

	sg = sgt->sgl;
	dma_vec_for_each_chunk(slice, &lim, &it) {
		sg_set_page(sg, pfn_to_page(PHYS_PFN(it.paddr)), it.len,
			    offset_in_page(it.paddr));
		sg = sg_next(sg);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_to_sgt);

/* Whether every page of the host chunk @it describes is RAM. */
static bool dma_vec_chunk_is_ram(const struct dma_vec_iter *it)
{
	unsigned long pfn = PHYS_PFN(it->paddr);
	unsigned long last = PHYS_PFN(it->paddr + (it->len - 1));

	for (;;) {
		if (!pfn_valid(pfn))
			return false;
		if (pfn == last)
			return true;
		pfn++;
	}
}

/**
 * dma_vec_check_host_ram - check that the host ranges of a slice are RAM
 * @slice: the slice
 *
 * A host range (one without a provider) is reached through its struct
 * page: kmap for CPU copies, dma_map_page() for DMA.  A host range that is
 * not RAM (a BAR given without its provider, an address made up by a bad
 * caller) has no struct page, and using one would touch a nonexistent
 * memmap entry.  This checks every page of every host range with
 * pfn_valid(), one pass; provider ranges are not looked at.  The copies
 * call it; a mapping path calls it before it maps host memory.
 *
 * Context: Any context.
 * Return: 0 if every host page of @slice has a valid pfn, -EFAULT if one
 * has not, -EINVAL if @slice does not fit its table.
 */
int dma_vec_check_host_ram(const struct dma_vec_slice *slice)
{
	struct dma_vec_iter it;
	int ret;

	ret = dma_vec_iter_init(&it, slice, NULL);
	if (ret)
		return ret;
	while (dma_vec_iter_next(&it))
		if (!it.provider && !dma_vec_chunk_is_ram(&it))
			return -EFAULT;
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_check_host_ram);

/*
 * Every provider chunk of @slice must have a CPU mapping and every host
 * chunk must be RAM.
 */
static int dma_vec_check_cpu_access(const struct dma_vec_slice *slice)
{
	struct dma_vec_iter it;
	int ret;

	ret = dma_vec_check_host_ram(slice);
	if (ret)
		return ret;
	dma_vec_for_each_chunk(slice, NULL, &it)
		if (it.provider && !it.provider->cpu_addr)
			return -EOPNOTSUPP;
	return 0;
}

static void dma_vec_copy_chunk(const struct dma_vec_iter *it, void *buf,
			       bool to_vec)
{
	const struct dma_vec_provider *prov = it->provider;
	phys_addr_t paddr = it->paddr;
	u64 left = it->len;

	if (prov) {
		void __iomem *io = prov->cpu_addr + (paddr - prov->base);

		if (to_vec)
			memcpy_toio(io, buf, left);
		else
			memcpy_fromio(buf, io, left);
		return;
	}

	while (left) {
		size_t off = offset_in_page(paddr);
		size_t n = min_t(u64, left, PAGE_SIZE - off);
		void *va = kmap_local_pfn(PHYS_PFN(paddr));

		if (to_vec)
			memcpy(va + off, buf, n);
		else
			memcpy(buf, va + off, n);
		kunmap_local(va);
		buf += n;
		paddr += n;
		left -= n;
	}
}

/**
 * dma_vec_copy_from_buf - copy a buffer into the memory a slice describes
 * @slice: destination slice
 * @buf: source buffer of @slice->len bytes
 *
 * The replacement for sg_copy_from_buffer() that works on P2P memory: host
 * memory is reached through kmap_local_pfn(), provider memory through the
 * provider's CPU mapping with memcpy_toio().
 *
 * Context: Any context; does not sleep.
 * Return: 0 on success; -EOPNOTSUPP if a provider in the slice has no CPU
 * mapping; -EFAULT if a host range of the slice is not RAM (see
 * dma_vec_check_host_ram()); -EINVAL if @slice does not fit its table.
 * Nothing is copied on error.
 */
int dma_vec_copy_from_buf(const struct dma_vec_slice *slice, const void *buf)
{
	struct dma_vec_iter it;
	int ret;

	ret = dma_vec_check_cpu_access(slice);
	if (ret)
		return ret;
	dma_vec_for_each_chunk(slice, NULL, &it) {
		dma_vec_copy_chunk(&it, (void *)buf, true);
		buf += it.len;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_copy_from_buf);

/**
 * dma_vec_copy_to_buf - copy the memory a slice describes into a buffer
 * @slice: source slice
 * @buf: destination buffer of @slice->len bytes
 *
 * The replacement for sg_copy_to_buffer() that works on P2P memory; see
 * dma_vec_copy_from_buf().
 *
 * Context: Any context; does not sleep.
 * Return: 0 on success; -EOPNOTSUPP if a provider in the slice has no CPU
 * mapping; -EFAULT if a host range of the slice is not RAM (see
 * dma_vec_check_host_ram()); -EINVAL if @slice does not fit its table.
 * Nothing is copied on error.
 */
int dma_vec_copy_to_buf(const struct dma_vec_slice *slice, void *buf)
{
	struct dma_vec_iter it;
	int ret;

	ret = dma_vec_check_cpu_access(slice);
	if (ret)
		return ret;
	dma_vec_for_each_chunk(slice, NULL, &it) {
		dma_vec_copy_chunk(&it, buf, false);
		buf += it.len;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_copy_to_buf);
