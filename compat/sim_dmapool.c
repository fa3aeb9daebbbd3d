// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace dma_pool: blocks carved from pool pages of simulated host RAM,
 * each pool page mapped once for the pool's device (bidirectional, as
 * coherent memory is), so that a simulated device reads the blocks through
 * sim_dma().  The rules of the kernel's mm/dmapool.c (6.12): a block is
 * @size rounded up to @align, never crosses @boundary, and pool pages are
 * kept until dma_pool_destroy(), which complains about busy blocks.
 */
#include <stdio.h>
#include <string.h>

#include <linux/align.h>
#include <linux/bug.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/slab.h>
#include <shim/shim.h>
#include <shim/sim.h>

#define POOL_POISON_FREED	0xa7
#define POOL_POISON_ALLOCATED	0xa9

/*
 * The bytes of a pool page outside the blocks handed out are off limits
 * to ASan or valgrind: a descriptor list written past its block is
 * reported where it is written, even when the next block is free and no
 * device reads it back.
 */
#if defined(__SANITIZE_ADDRESS__)		/* gcc */
#define POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)	/* clang */
#define POOL_ASAN 1
#endif
#endif
#ifdef POOL_ASAN
#include <sanitizer/asan_interface.h>
#define pool_noaccess(p, n)	ASAN_POISON_MEMORY_REGION(p, n)
#define pool_access(p, n)	ASAN_UNPOISON_MEMORY_REGION(p, n)
#elif __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define pool_noaccess(p, n)	VALGRIND_MAKE_MEM_NOACCESS(p, n)
#define pool_access(p, n)	VALGRIND_MAKE_MEM_UNDEFINED(p, n)
#else
#define pool_noaccess(p, n)	do { } while (0)
#define pool_access(p, n)	do { } while (0)
#endif

/* One pool page: @size bytes of host RAM at a @align-aligned address. */
struct dma_pool_page {
	struct list_head node;
	void *ram;
	u8 *va;
	phys_addr_t phys;
	dma_addr_t dma;
	unsigned int nr_blocks;
	unsigned int nr_used;
	bool *used;
};

/* One allocated block: the object the counting allocator sees. */
struct dma_pool_block {
	struct list_head node;
	struct dma_pool_page *page;
	unsigned int idx;
};

struct dma_pool {
	char name[32];
	struct device *dev;
	size_t size;
	size_t allocation;
	size_t boundary;
	struct list_head pages;
	struct list_head blocks;
	unsigned long in_use;
	unsigned long nr_pages;
};

struct dma_pool *dma_pool_create(const char *name, struct device *dev,
				 size_t size, size_t align, size_t boundary)
{
	struct dma_pool *pool;
	size_t allocation;

	if (WARN_ON_ONCE(!dev))
		return NULL;
	if (!align)
		align = 1;
	else if (align & (align - 1))
		return NULL;
	if (!size || size > INT_MAX)
		return NULL;
	size = ALIGN(size, align);
	allocation = max_t(size_t, size, PAGE_SIZE);
	if (!boundary)
		boundary = allocation;
	else if (boundary < size || (boundary & (boundary - 1)))
		return NULL;
	boundary = min(boundary, allocation);

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return NULL;
	snprintf(pool->name, sizeof(pool->name), "%s", name);
	pool->dev = dev;
	pool->size = size;
	pool->allocation = allocation;
	pool->boundary = boundary;
	INIT_LIST_HEAD(&pool->pages);
	INIT_LIST_HEAD(&pool->blocks);
	return pool;
}

/* Offset of block @idx: blocks are packed, but never cross a boundary. */
static size_t dma_pool_block_off(const struct dma_pool *pool, unsigned int idx)
{
	size_t per_bound = pool->boundary / pool->size;

	return (idx / per_bound) * pool->boundary +
	       (idx % per_bound) * pool->size;
}

static void dma_pool_page_free(struct dma_pool *pool, struct dma_pool_page *p)
{
	dma_unmap_page(pool->dev, p->dma, pool->allocation, DMA_BIDIRECTIONAL);
	pool_access(p->va, pool->allocation);
	shim_ram_free(p->ram);
	kfree(p->used);
	list_del(&p->node);
	pool->nr_pages--;
	kfree(p);
}

static struct dma_pool_page *dma_pool_page_alloc(struct dma_pool *pool,
						 gfp_t gfp)
{
	size_t align = roundup_pow_of_two(pool->allocation);
	unsigned long bounces = sim_swiotlb_bounces();
	size_t per_bound = pool->boundary / pool->size;
	struct dma_pool_page *p;
	phys_addr_t pa;

	p = kzalloc(sizeof(*p), gfp);
	if (!p)
		return NULL;
	p->nr_blocks = (pool->allocation / pool->boundary) * per_bound +
		       (pool->allocation % pool->boundary) / pool->size;
	p->used = kcalloc(p->nr_blocks, sizeof(*p->used), gfp);
	if (!p->used)
		goto err_page;
	/* Like dma_alloc_coherent(): aligned to the order of the size. */
	p->ram = shim_ram_alloc(pool->allocation + align - PAGE_SIZE, &pa);
	if (!p->ram)
		goto err_used;
	p->phys = ALIGN(pa, align);
	p->va = (u8 *)p->ram + (p->phys - pa);
	p->dma = dma_map_page(pool->dev, pfn_to_page(PHYS_PFN(p->phys)), 0,
			      pool->allocation, DMA_BIDIRECTIONAL);
	if (dma_mapping_error(pool->dev, p->dma))
		goto err_ram;
	/*
	 * Coherent memory is never bounced: the device must see what the
	 * CPU writes after the mapping was made.  The kernel would allocate
	 * below the coherent mask; the simulated RAM lies above 4 GiB.
	 */
	if (sim_swiotlb_bounces() != bounces ||
	    !IS_ALIGNED(p->dma, align)) {
		dev_WARN(pool->dev, "dma_pool %s: RAM at %#llx not coherent for the device (dma %#llx)\n",
			 pool->name, (unsigned long long)p->phys,
			 (unsigned long long)p->dma);
		dma_unmap_page(pool->dev, p->dma, pool->allocation,
			       DMA_BIDIRECTIONAL);
		goto err_ram;
	}
	memset(p->va, POOL_POISON_FREED, pool->allocation);
	pool_noaccess(p->va, pool->allocation);
	list_add_tail(&p->node, &pool->pages);
	pool->nr_pages++;
	return p;

err_ram:
	shim_ram_free(p->ram);
err_used:
	kfree(p->used);
err_page:
	kfree(p);
	return NULL;
}

void *dma_pool_alloc(struct dma_pool *pool, gfp_t mem_flags,
		     dma_addr_t *handle)
{
	struct dma_pool_block *b;
	struct dma_pool_page *p;
	unsigned int i = 0;
	size_t off;
	void *va;

	b = kmalloc(sizeof(*b), mem_flags & ~__GFP_ZERO);
	if (!b)
		return NULL;
	list_for_each_entry(p, &pool->pages, node) {
		if (p->nr_used == p->nr_blocks)
			continue;
		for (i = 0; p->used[i]; i++)
			;
		goto found;
	}
	p = dma_pool_page_alloc(pool, mem_flags & ~__GFP_ZERO);
	if (!p) {
		kfree(b);
		return NULL;
	}
	i = 0;
found:
	p->used[i] = true;
	p->nr_used++;
	b->page = p;
	b->idx = i;
	list_add_tail(&b->node, &pool->blocks);
	pool->in_use++;
	off = dma_pool_block_off(pool, i);
	va = p->va + off;
	pool_access(va, pool->size);
	memset(va, mem_flags & __GFP_ZERO ? 0 : POOL_POISON_ALLOCATED,
	       pool->size);
	*handle = p->dma + off;
	return va;
}

void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t dma)
{
	struct dma_pool_block *b;

	list_for_each_entry(b, &pool->blocks, node) {
		struct dma_pool_page *p = b->page;
		size_t off = dma_pool_block_off(pool, b->idx);

		if (p->va + off != vaddr)
			continue;
		if (p->dma + off != dma) {
			dev_err(pool->dev, "%s %s, %p (bad dma %#llx, expected %#llx)\n",
				__func__, pool->name, vaddr, (unsigned long long)dma,
				(unsigned long long)(p->dma + off));
			WARN_ON(1);
			return;
		}
		memset(vaddr, POOL_POISON_FREED, pool->size);
		pool_noaccess(vaddr, pool->size);
		p->used[b->idx] = false;
		p->nr_used--;
		pool->in_use--;
		list_del(&b->node);
		kfree(b);
		return;
	}
	dev_err(pool->dev, "%s %s, %p/%#llx (bad vaddr)\n",
		__func__, pool->name, vaddr, (unsigned long long)dma);
	WARN_ON(1);
}

void dma_pool_destroy(struct dma_pool *pool)
{
	struct dma_pool_block *b, *tb;
	struct dma_pool_page *p, *tp;

	if (!pool)
		return;
	if (pool->in_use) {
		dev_err(pool->dev, "%s %s, %lu blocks busy\n",
			__func__, pool->name, pool->in_use);
		WARN_ON(1);
	}
	/* Unlike the kernel, free busy blocks too: the WARN tells. */
	list_for_each_entry_safe(b, tb, &pool->blocks, node) {
		list_del(&b->node);
		kfree(b);
	}
	list_for_each_entry_safe(p, tp, &pool->pages, node)
		dma_pool_page_free(pool, p);
	kfree(pool);
}

unsigned long shim_dma_pool_in_use(const struct dma_pool *pool)
{
	return pool->in_use;
}

unsigned long shim_dma_pool_pages(const struct dma_pool *pool)
{
	return pool->nr_pages;
}
