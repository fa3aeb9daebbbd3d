// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace versions of the kernel APIs dma_vec uses: allocation with
 * failure injection and live-object counting, WARN and printk counting,
 * simulated host RAM behind kmap_local_pfn(), MMIO copies and a minimal
 * scatterlist.  The simulated PCI platform lives in sim_*.c.
 *
 * Counters, failure injection and the log are safe to use from several
 * threads at once (the stress suite): counters are atomics, and the state
 * that moves together (allocation count and armed failure, the last
 * message) is guarded by shim_lock.  Simulated RAM is set up by one thread.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/array_size.h>
#include <linux/bug.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/limits.h>
#include <linux/sched.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <shim/shim.h>

static unsigned long alloc_calls;
static unsigned long fail_at;
static long live_objects;
static unsigned long warn_count;
static unsigned long pfn_checks;
static bool quiet_warn;
static long kmaps_live;
static unsigned long log_count[SHIM_LOG_NR];
static bool quiet_log;
static char log_last[256];
static pthread_mutex_t shim_lock = PTHREAD_MUTEX_INITIALIZER;

__thread int shim_atomic_depth;
unsigned long shim_mb_word;

#define shim_load(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define shim_store(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define shim_add(x, v)		__atomic_add_fetch(&(x), (v), __ATOMIC_RELAXED)

struct task_struct *shim_current(void)
{
	static __thread char task;

	return (struct task_struct *)&task;
}

void shim_reset(void)
{
	unsigned int i;

	pthread_mutex_lock(&shim_lock);
	alloc_calls = 0;
	fail_at = 0;
	log_last[0] = 0;
	pthread_mutex_unlock(&shim_lock);
	shim_store(warn_count, 0);
	shim_store(pfn_checks, 0);
	shim_store(quiet_warn, false);
	for (i = 0; i < SHIM_LOG_NR; i++)
		shim_store(log_count[i], 0);
	shim_store(quiet_log, false);
}

void shim_fail_nth(unsigned long n)
{
	pthread_mutex_lock(&shim_lock);
	fail_at = n ? alloc_calls + n : 0;
	pthread_mutex_unlock(&shim_lock);
}

bool shim_fail_pending(void)
{
	bool pending;

	pthread_mutex_lock(&shim_lock);
	pending = fail_at != 0;
	pthread_mutex_unlock(&shim_lock);
	return pending;
}

unsigned long shim_alloc_calls(void)
{
	unsigned long n;

	pthread_mutex_lock(&shim_lock);
	n = alloc_calls;
	pthread_mutex_unlock(&shim_lock);
	return n;
}

long shim_live_objects(void)
{
	return shim_load(live_objects);
}

unsigned long shim_warn_count(void)
{
	return shim_load(warn_count);
}

void shim_set_quiet_warn(bool quiet)
{
	shim_store(quiet_warn, quiet);
}

void shim_warn(const char *file, int line, const char *cond)
{
	shim_add(warn_count, 1);
	if (!shim_load(quiet_warn))
		fprintf(stderr, "WARNING: %s:%d: %s\n", file, line, cond);
}

static enum shim_log_level shim_log_level(int level)
{
	if (level <= LOGLEVEL_ERR)
		return SHIM_LOG_ERR;
	if (level == LOGLEVEL_WARNING)
		return SHIM_LOG_WARN;
	if (level == LOGLEVEL_DEBUG)
		return SHIM_LOG_DEBUG;
	return SHIM_LOG_INFO;
}

void shim_printk(int level, const struct device *dev, const char *fmt, ...)
{
	enum shim_log_level l = shim_log_level(level);
	char msg[sizeof(log_last)];
	int n = 0;
	va_list ap;

	shim_add(log_count[l], 1);
	if (dev)
		n = snprintf(msg, sizeof(msg), "%s: ", dev_name(dev));
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	if (l > SHIM_LOG_WARN) {
		if (getenv("SHIM_VERBOSE"))
			fputs(msg, stderr);
		return;
	}
	pthread_mutex_lock(&shim_lock);
	memcpy(log_last, msg, sizeof(log_last));
	pthread_mutex_unlock(&shim_lock);
	if (!shim_load(quiet_log))
		fprintf(stderr, "%s%s", l == SHIM_LOG_ERR ? "error: " :
			"warning: ", msg);
}

unsigned long shim_log_count(enum shim_log_level level)
{
	return level < SHIM_LOG_NR ? shim_load(log_count[level]) : 0;
}

/* Not for use while other threads log. */
const char *shim_log_last(void)
{
	return log_last;
}

void shim_set_quiet_log(bool quiet)
{
	shim_store(quiet_log, quiet);
}

static void *shim_alloc(size_t size, gfp_t gfp)
{
	bool fail;
	void *p;

	pthread_mutex_lock(&shim_lock);
	alloc_calls++;
	fail = fail_at && alloc_calls == fail_at;
	if (fail)
		fail_at = 0;
	pthread_mutex_unlock(&shim_lock);
	if (fail)
		return NULL;
	p = (gfp & __GFP_ZERO) ? calloc(1, size ? size : 1) :
				 malloc(size ? size : 1);
	if (p)
		shim_add(live_objects, 1);
	return p;
}

static void *shim_alloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return shim_alloc(bytes, gfp);
}

size_t kmalloc_size_roundup(size_t size)
{
	static const size_t classes[] = {
		8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(classes); i++)
		if (size <= classes[i])
			return classes[i];
	/* The page allocator: a power of two pages. */
	for (i = 4096; i < size; i <<= 1)
		;
	return i;
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return shim_alloc(size, gfp);
}

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return shim_alloc_array(n, size, gfp);
}

/*
 * As in Linux 6.12 (mm/util.c: __kvmalloc_node_noprof), kvmalloc() refuses
 * any size above INT_MAX before trying to allocate, with a WARN unless the
 * caller passed __GFP_NOWARN.
 */
static bool shim_kvmalloc_too_big(size_t size, gfp_t gfp)
{
	if (size <= INT_MAX)
		return false;
	WARN_ON_ONCE(!(gfp & __GFP_NOWARN));
	return true;
}

void *kvmalloc(size_t size, gfp_t gfp)
{
	if (shim_kvmalloc_too_big(size, gfp))
		return NULL;
	return shim_alloc(size, gfp);
}

void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kvmalloc(bytes, gfp);
}

void kfree(const void *p)
{
	if (!p)
		return;
	shim_add(live_objects, -1);
	free((void *)p);
}

void kvfree(const void *p)
{
	kfree(p);
}

/* Simulated host RAM. */
#define SHIM_RAM_BASE		0x100000000ULL
#define SHIM_RAM_REGIONS	256

struct shim_ram {
	void *va;
	phys_addr_t pa;
	size_t size;
};

static struct shim_ram ram[SHIM_RAM_REGIONS];
static phys_addr_t ram_next = SHIM_RAM_BASE;

static struct shim_ram *shim_ram_find(phys_addr_t pa)
{
	unsigned int i;

	for (i = 0; i < SHIM_RAM_REGIONS; i++)
		if (ram[i].va && pa >= ram[i].pa &&
		    pa - ram[i].pa < ram[i].size)
			return &ram[i];
	return NULL;
}

static bool shim_ram_overlaps(phys_addr_t pa, size_t size)
{
	unsigned int i;

	for (i = 0; i < SHIM_RAM_REGIONS; i++)
		if (ram[i].va && pa < ram[i].pa + ram[i].size + PAGE_SIZE &&
		    ram[i].pa < pa + size + PAGE_SIZE)
			return true;
	return false;
}

static void *shim_ram_place(phys_addr_t pa, size_t size)
{
	unsigned int i;

	for (i = 0; i < SHIM_RAM_REGIONS; i++) {
		if (ram[i].va)
			continue;
		ram[i].va = aligned_alloc(PAGE_SIZE, size);
		if (!ram[i].va)
			return NULL;
		memset(ram[i].va, 0, size);
		ram[i].pa = pa;
		ram[i].size = size;
		return ram[i].va;
	}
	return NULL;
}

void *shim_ram_alloc(size_t size, phys_addr_t *paddr)
{
	void *va;

	size = PAGE_ALIGN(size ? size : 1);
	while (shim_ram_overlaps(ram_next, size))
		ram_next += PAGE_SIZE;
	va = shim_ram_place(ram_next, size);
	if (!va)
		return NULL;
	*paddr = ram_next;
	ram_next += size + PAGE_SIZE;
	return va;
}

void *shim_ram_alloc_at(phys_addr_t paddr, size_t size)
{
	size = PAGE_ALIGN(size ? size : 1);
	if ((paddr & ~PAGE_MASK) || !paddr || paddr + size < paddr ||
	    shim_ram_overlaps(paddr, size))
		return NULL;
	return shim_ram_place(paddr, size);
}

void shim_ram_free(void *p)
{
	unsigned int i;

	for (i = 0; i < SHIM_RAM_REGIONS; i++) {
		if (p && ram[i].va == p) {
			free(p);
			memset(&ram[i], 0, sizeof(ram[i]));
			return;
		}
	}
}

void *shim_ram_resolve(phys_addr_t paddr, size_t *avail)
{
	struct shim_ram *r = shim_ram_find(paddr);

	if (!r)
		return NULL;
	if (avail)
		*avail = r->size - (paddr - r->pa);
	return (char *)r->va + (paddr - r->pa);
}

phys_addr_t shim_ram_top(void)
{
	phys_addr_t top = 0;
	unsigned int i;

	for (i = 0; i < SHIM_RAM_REGIONS; i++)
		if (ram[i].va && ram[i].pa + ram[i].size > top)
			top = ram[i].pa + ram[i].size;
	return top;
}

void *kmap_local_pfn(unsigned long pfn)
{
	phys_addr_t pa = (phys_addr_t)pfn << PAGE_SHIFT;
	void *va = shim_ram_resolve(pa, NULL);

	if (va) {
		shim_add(kmaps_live, 1);
		return va;
	}
	fprintf(stderr, "kmap_local_pfn: pfn %#lx is not simulated RAM\n",
		pfn);
	abort();
}

bool pfn_valid(unsigned long pfn)
{
	shim_add(pfn_checks, 1);
	return shim_ram_resolve((phys_addr_t)pfn << PAGE_SHIFT, NULL);
}

unsigned long shim_pfn_valid_calls(void)
{
	return shim_load(pfn_checks);
}

void shim_kunmap_local(const void *addr)
{
	(void)addr;
	shim_add(kmaps_live, -1);
}

long shim_kmaps_live(void)
{
	return shim_load(kmaps_live);
}

void memcpy_toio(volatile void __iomem *dst, const void *src, size_t n)
{
	volatile u8 __iomem *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
}

void memcpy_fromio(void *dst, const volatile void __iomem *src, size_t n)
{
	const volatile u8 __iomem *s = src;
	u8 *d = dst;

	while (n--)
		*d++ = *s++;
}

void sg_init_table(struct scatterlist *sgl, unsigned int nents)
{
	memset(sgl, 0, sizeof(*sgl) * nents);
	sg_mark_end(&sgl[nents - 1]);
}

int sg_alloc_table(struct sg_table *table, unsigned int nents, gfp_t gfp)
{
	struct scatterlist *sgl;

	memset(table, 0, sizeof(*table));
	if (!nents)
		return -EINVAL;
	sgl = kmalloc_array(nents, sizeof(*sgl), gfp);
	if (!sgl)
		return -ENOMEM;
	sg_init_table(sgl, nents);
	table->sgl = sgl;
	table->nents = nents;
	table->orig_nents = nents;
	return 0;
}

void sg_free_table(struct sg_table *table)
{
	kfree(table->sgl);
	memset(table, 0, sizeof(*table));
}
