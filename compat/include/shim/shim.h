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
 * shim_reset() - Forget injected failures and zero the WARN count.
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
