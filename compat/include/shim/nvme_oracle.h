/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated NVMe controller that executes the data transfer of one
 * command: it parses the data pointer (PRPs or SGLs) as the NVM Express
 * Base Specification says a controller must, reading every PRP list and
 * SGL segment from memory as the device (sim_dma()), and then moves the
 * data, again through sim_dma().  It is written from the specification,
 * independently of drivers/conversions/dma_vec_nvme.c, and is strict: any
 * rule a host may not break is checked, and an invalid command is rejected
 * with a precise reason and without moving data.
 */
#ifndef DMA_VEC_NVME_ORACLE_H
#define DMA_VEC_NVME_ORACLE_H

#include <linux/device.h>
#include <linux/nvme.h>
#include <linux/types.h>

/* Identify Controller SGLS bits 1:0. */
#define NVME_ORACLE_SGLS_NONE	0
#define NVME_ORACLE_SGLS_BYTE	1	/* no alignment requirement */
#define NVME_ORACLE_SGLS_DWORD	2	/* data blocks dword aligned */

/**
 * struct nvme_oracle - the controller
 * @dev: the controller's device: the initiator of every DMA
 * @mps: CC.MPS; the memory page size is 2^(12 + @mps)
 * @sgls: Identify SGLS bits 1:0 (NVME_ORACLE_SGLS_*; 3 is reserved)
 * @bit_bucket: Identify SGLS bit 16: Bit Bucket descriptors supported
 * @max_segments: most SGL segments (or PRP list pages) one command may
 *	chain before the oracle gives up on it as a loop; 0 for 65536
 */
struct nvme_oracle {
	struct device *dev;
	unsigned int mps;
	unsigned int sgls;
	bool bit_bucket;
	unsigned int max_segments;
};

/**
 * struct nvme_oracle_cmd - what the controller sees of a command
 * @flags: Command Dword 0 bits 15:8 (FUSE in 1:0, PSDT in 7:6)
 * @write: data moves from host memory to the controller (NVMe Write);
 *	false for a Read, where the controller writes host memory
 * @dptr: the data pointer (DPTR)
 * @len: bytes to transfer (from NLB and the LBA format)
 */
struct nvme_oracle_cmd {
	u8 flags;
	bool write;
	union nvme_data_ptr dptr;
	u64 len;
};

/**
 * struct nvme_oracle_result - what happened
 * @err: why the command failed, "" on success
 * @sgl: the data pointer was an SGL
 * @lists: PRP list pages or SGL segments read
 * @descs: PRP entries or SGL descriptors read from memory (not counting
 *	those in the command)
 * @extents: data extents transferred (PRP pages or data blocks)
 * @bucket_bytes: bytes a read discarded into bit buckets
 */
struct nvme_oracle_result {
	char err[320];
	bool sgl;
	unsigned int lists;
	unsigned long descs;
	unsigned long extents;
	u64 bucket_bytes;
};

/**
 * nvme_oracle_exec() - execute the data transfer of a command
 * @o: the controller
 * @cmd: the command
 * @media: the controller's side of the data, @cmd->len bytes: the source
 *	of a read (skipping what falls into bit buckets), the destination of
 *	a write; NULL to parse and check the data pointer only (descriptors
 *	are still read through sim_dma())
 * @res: the outcome; may be NULL
 *
 * The whole data pointer is parsed and checked before any data moves.
 *
 * Return: 0; -EINVAL for an invalid command (the reason in @res->err);
 * -EFAULT if a DMA of a descriptor or of data faulted (@res->err holds the
 * platform's fault report); -ENOMEM.
 */
int nvme_oracle_exec(const struct nvme_oracle *o,
		     const struct nvme_oracle_cmd *cmd, void *media,
		     struct nvme_oracle_result *res);

#endif /* DMA_VEC_NVME_ORACLE_H */
