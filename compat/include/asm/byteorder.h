/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <asm/byteorder.h>: the UAPI part from the system headers (the
 * __cpu_to_le64() family; other UAPI headers include it too), plus the
 * kernel-internal names that the kernel's <linux/byteorder/generic.h>
 * derives from it.
 */
#ifndef _SHIM_ASM_BYTEORDER_H
#define _SHIM_ASM_BYTEORDER_H

#include_next <asm/byteorder.h>

#define cpu_to_le64	__cpu_to_le64
#define le64_to_cpu	__le64_to_cpu
#define cpu_to_le32	__cpu_to_le32
#define le32_to_cpu	__le32_to_cpu
#define cpu_to_le16	__cpu_to_le16
#define le16_to_cpu	__le16_to_cpu
#define cpu_to_be64	__cpu_to_be64
#define be64_to_cpu	__be64_to_cpu
#define cpu_to_be32	__cpu_to_be32
#define be32_to_cpu	__be32_to_cpu
#define cpu_to_be16	__cpu_to_be16
#define be16_to_cpu	__be16_to_cpu

#endif /* _SHIM_ASM_BYTEORDER_H */
