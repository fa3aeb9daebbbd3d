/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/nvme.h>: only the parts of the NVMe command format the
 * code uses, with the names and layout of the kernel's header (Linux 6.12),
 * written from the NVM Express Base Specification.
 */
#ifndef _SHIM_LINUX_NVME_H
#define _SHIM_LINUX_NVME_H

#include <asm/byteorder.h>
#include <linux/build_bug.h>
#include <linux/types.h>

/* Command Dword 0, bits 15:8 (the flags byte): FUSE and PSDT. */
enum {
	NVME_CMD_FUSE_FIRST	= (1 << 0),
	NVME_CMD_FUSE_SECOND	= (1 << 1),

	/* PSDT 01b: SGL for data; MPTR is the address of one buffer. */
	NVME_CMD_SGL_METABUF	= (1 << 6),
	/* PSDT 10b: SGL for data; MPTR is the address of an SGL segment. */
	NVME_CMD_SGL_METASEG	= (1 << 7),
	NVME_CMD_SGL_ALL	= NVME_CMD_SGL_METABUF | NVME_CMD_SGL_METASEG,
};

/**
 * struct nvme_sgl_desc - an SGL descriptor (Data Block, Segment, ...)
 * @addr: address of the data, or of the next segment
 * @length: byte count
 * @rsvd: reserved, zero
 * @type: SGL identifier: descriptor type in bits 7:4, sub type in bits 3:0
 */
struct nvme_sgl_desc {
	__le64	addr;
	__le32	length;
	__u8	rsvd[3];
	__u8	type;
};

/**
 * struct nvme_keyed_sgl_desc - a Keyed SGL Data Block descriptor (fabrics)
 * @addr: address of the data
 * @length: 24-bit byte count, little endian
 * @key: memory key
 * @type: SGL identifier
 */
struct nvme_keyed_sgl_desc {
	__le64	addr;
	__u8	length[3];
	__u8	key[4];
	__u8	type;
};

/**
 * union nvme_data_ptr - the data pointer of a command (DPTR, dwords 6-9)
 * @prp1: PRP entry 1 (PSDT 00b)
 * @prp2: PRP entry 2, or a PRP list pointer (PSDT 00b)
 * @sgl: SGL entry 1 (PSDT 01b or 10b)
 * @ksgl: SGL entry 1 when keyed (fabrics)
 */
union nvme_data_ptr {
	struct {
		__le64	prp1;
		__le64	prp2;
	};
	struct nvme_sgl_desc	sgl;
	struct nvme_keyed_sgl_desc ksgl;
};

static_assert(sizeof(struct nvme_sgl_desc) == 16);
static_assert(sizeof(struct nvme_keyed_sgl_desc) == 16);
static_assert(sizeof(union nvme_data_ptr) == 16);

/* SGL descriptor sub types (bits 3:0 of the identifier). */
enum {
	NVME_SGL_FMT_ADDRESS		= 0x00,
	NVME_SGL_FMT_OFFSET		= 0x01,
	NVME_SGL_FMT_TRANSPORT_A	= 0x0A,
	NVME_SGL_FMT_INVALIDATE		= 0x0f,
};

/*
 * SGL descriptor types (bits 7:4 of the identifier).  Type 1h, the Bit
 * Bucket, has no name in the kernel's header.
 */
enum {
	NVME_SGL_FMT_DATA_DESC		= 0x00,
	NVME_SGL_FMT_SEG_DESC		= 0x02,
	NVME_SGL_FMT_LAST_SEG_DESC	= 0x03,
	NVME_KEY_SGL_FMT_DATA_DESC	= 0x04,
	NVME_TRANSPORT_SGL_DATA_DESC	= 0x05,
};

#endif /* _SHIM_LINUX_NVME_H */
