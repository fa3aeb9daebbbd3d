/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <generated/autoconf.h>: the configuration of the simulated
 * machine, an x86_64 kernel with PCI, P2PDMA, an IOMMU and swiotlb.  Read
 * through <linux/kconfig.h>, which the build force-includes as Kbuild does.
 */
#ifndef _SHIM_GENERATED_AUTOCONF_H
#define _SHIM_GENERATED_AUTOCONF_H

#define CONFIG_X86 1
#define CONFIG_X86_64 1
#define CONFIG_64BIT 1
#define CONFIG_MMU 1
#define CONFIG_PCI 1
#define CONFIG_PCI_P2PDMA 1
#define CONFIG_HAS_DMA 1
#define CONFIG_IOMMU_DMA 1
#define CONFIG_SWIOTLB 1
#define CONFIG_ARCH_DMA_ADDR_T_64BIT 1
#define CONFIG_PHYS_ADDR_T_64BIT 1

#endif /* _SHIM_GENERATED_AUTOCONF_H */
