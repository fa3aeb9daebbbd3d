/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test controls of the dma_vec userspace shim.
 *
 * The shim stands in for the kernel APIs dma_vec uses.  This header is the
 * test side of it: allocation failure injection, live object counting, WARN
 * counting, and simulated host RAM that kmap_local_pfn() resolves.
 */
#ifndef _SHIM_SHIM_H
#define _SHIM_SHIM_H

#include <linux/types.h>

/**
 * shim_reset() - Forget injected failures, zero the WARN and log counts.
 *
 * Live object counts are kept: a leak survives a reset.
 */
void shim_reset(void);

/**
 * shim_fail_nth() - Make the @n-th allocation from now fail.
 * @n: 1 for the next allocation, 0 to disarm
 */
void shim_fail_nth(unsigned long n);

/**
 * shim_fail_pending() - Is an armed allocation failure still pending?
 *
 * Return: true while an armed failure has not fired yet.
 */
bool shim_fail_pending(void);

/**
 * shim_alloc_calls() - Count allocation calls.
 *
 * Return: the allocation calls made since the last shim_reset().
 */
unsigned long shim_alloc_calls(void);

/**
 * shim_pfn_valid_calls() - Count pfn_valid() calls.
 *
 * What the per-I/O path's RAM checks cost: a caller that vouched for its
 * host pages (dma_vec_io_host_pages()) makes none.
 *
 * Return: the pfn_valid() calls since the last shim_reset().
 */
unsigned long shim_pfn_valid_calls(void);

/**
 * shim_live_objects() - Count live allocations.
 *
 * Return: the allocations not yet freed, over the whole run.
 */
long shim_live_objects(void);

/**
 * shim_warn_count() - Count WARNs.
 *
 * Return: the WARNs since the last shim_reset().
 */
unsigned long shim_warn_count(void);

/**
 * enum shim_log_level - printk levels as the shim counts them
 * @SHIM_LOG_ERR: pr_err(), dev_err() and more severe
 * @SHIM_LOG_WARN: pr_warn(), dev_warn(), pci_warn()
 * @SHIM_LOG_INFO: pr_info(), pr_notice() and the dev_ variants
 * @SHIM_LOG_DEBUG: pr_debug(), dev_dbg()
 * @SHIM_LOG_NR: number of levels
 */
enum shim_log_level {
	SHIM_LOG_ERR,
	SHIM_LOG_WARN,
	SHIM_LOG_INFO,
	SHIM_LOG_DEBUG,
	SHIM_LOG_NR,
};

/**
 * shim_log_count() - Count kernel log messages of one level.
 * @level: the level
 *
 * Return: the messages of @level since the last shim_reset().
 */
unsigned long shim_log_count(enum shim_log_level level);

/**
 * shim_log_last() - The last error or warning message.
 *
 * Return: its text, with the device name prefix of dev_*() messages; ""
 * if there was none since the last shim_reset().
 */
const char *shim_log_last(void);

/**
 * shim_set_quiet_log() - Do not print errors and warnings a test expects.
 * @quiet: true to stop printing them, false to print them again
 *
 * Info and debug messages are printed only when the environment variable
 * SHIM_VERBOSE is set.  Counting is not affected.
 */
void shim_set_quiet_log(bool quiet);

/**
 * shim_set_quiet_warn() - Do not print WARNs that a test expects.
 * @quiet: true to stop printing WARNs, false to print them again
 */
void shim_set_quiet_warn(bool quiet);

/**
 * shim_ram_alloc() - Allocate simulated host RAM.
 * @size: bytes, rounded up to whole pages
 * @paddr: set to the simulated physical address of the first byte
 *
 * The RAM is page aligned, zeroed and reachable through kmap_local_pfn().
 * Successive regions are not physically contiguous (a guard page lies
 * between them).  Not counted as a kernel object.
 *
 * Return: the CPU pointer, or NULL if out of memory or regions.
 */
void *shim_ram_alloc(size_t size, phys_addr_t *paddr);

/**
 * shim_ram_alloc_at() - Allocate simulated host RAM at a chosen address.
 * @paddr: page-aligned, non-zero simulated physical address of the first byte
 * @size: bytes, rounded up to whole pages
 *
 * Like shim_ram_alloc(), for tests that need RAM at a given address (for
 * example below 4 GiB, where a 32-bit DMA mask reaches it).  The region
 * must keep a guard page of distance from every other region.
 *
 * Return: the CPU pointer, or NULL if out of memory or regions, or if the
 * address is taken.
 */
void *shim_ram_alloc_at(phys_addr_t paddr, size_t size);

/**
 * shim_ram_resolve() - Find simulated host RAM by physical address.
 * @paddr: simulated physical address
 * @avail: if not NULL, set to the bytes of the region from @paddr on
 *
 * For the simulated platform's DMA engine; not a kmap (nothing to release).
 *
 * Return: the CPU pointer to @paddr, or NULL if @paddr is not host RAM.
 */
void *shim_ram_resolve(phys_addr_t paddr, size_t *avail);

/**
 * shim_ram_top() - End of the highest simulated host RAM region.
 *
 * Return: one past the highest physical address of host RAM, 0 if none.
 */
phys_addr_t shim_ram_top(void);

/**
 * shim_ram_free() - Free simulated host RAM from shim_ram_alloc().
 * @p: the CPU pointer shim_ram_alloc() returned
 */
void shim_ram_free(void *p);

/**
 * shim_kmaps_live() - Count live kmap_local_pfn() mappings.
 *
 * Return: the kmap_local_pfn() mappings not yet released.
 */
long shim_kmaps_live(void);

#endif /* _SHIM_SHIM_H */
