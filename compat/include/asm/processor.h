/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <asm/processor.h> of the simulated x86_64 machine: the CPU
 * identification that drivers/pci/p2pdma.c reads.  All CPUs are the boot
 * CPU; sim_set_cpu() sets vendor and family.
 */
#ifndef _SHIM_ASM_PROCESSOR_H
#define _SHIM_ASM_PROCESSOR_H

#include <linux/types.h>

#define X86_VENDOR_INTEL	0
#define X86_VENDOR_CYRIX	1
#define X86_VENDOR_AMD		2
#define X86_VENDOR_UMC		3
#define X86_VENDOR_CENTAUR	5
#define X86_VENDOR_TRANSMETA	7
#define X86_VENDOR_NSC		8
#define X86_VENDOR_HYGON	9
#define X86_VENDOR_ZHAOXIN	10
#define X86_VENDOR_VORTEX	11
#define X86_VENDOR_UNKNOWN	0xff

struct cpuinfo_x86 {
	u8 x86;
	u8 x86_vendor;
	u8 x86_model;
	u8 x86_stepping;
	char x86_vendor_id[16];
};

extern struct cpuinfo_x86 boot_cpu_data;

#define cpu_data(cpu)	(*((void)(cpu), &boot_cpu_data))

#endif /* _SHIM_ASM_PROCESSOR_H */
