/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The P2P topology matrix of the dma_vec tests: one machine described as a
 * tree of nodes, and (provider, client, CPU) cases with the answer of Linux
 * 6.12's calc_map_type_and_dist().  The KUnit suite (dma_vec_p2p_kunit.c)
 * builds the machine out of hand-made struct pci_dev objects, the CMocka
 * suite (tests/user/test_p2p.c) on the simulated platform.
 */
#ifndef _DMA_VEC_P2P_CASES_H
#define _DMA_VEC_P2P_CASES_H

#include <linux/array_size.h>
#include <linux/build_bug.h>
#include <linux/dma_vec_p2p.h>
#include <linux/types.h>

/*
 *  HB0 8086:2030 (allow-listed) --+-- RP0 -- USP A -+- DSP A0 -- EP A (00.0, 00.1)
 *                                 |                 +- DSP A1 -- EP B
 *                                 |                 +- DSP A2 (ACS redirect) -- EP C
 *                                 |                 +- DSP A3 -- USP C -- DSP C0 -- EP F
 *                                 +-- RP1 -- USP B --- DSP B0 -- EP D
 *                                 +-- RP2 -- EP E
 *  HB1 1234:5678 (not listed) ----+-- RP3 -- EP G
 *                                 +-- RP4 -- EP H
 *  HB2 8086:3c00 (same bridge) ---+-- RP5 -- EP I
 *                                 +-- RP6 -- EP J
 */
enum dvc_node_type {
	DVC_NODE_HB,
	DVC_NODE_RP,
	DVC_NODE_USP,
	DVC_NODE_DSP,
	DVC_NODE_EP,
};

/**
 * struct dvc_node - one node of the topology
 * @type: enum dvc_node_type
 * @parent: index of the parent node; -1 for a host bridge
 * @devfn: device and function on the parent's secondary (or root) bus
 * @vendor: vendor id; for a host bridge, of its 00.0 device
 * @device: device id; for a host bridge, of its 00.0 device
 * @acs_redirect: ACS request and completion redirect are enabled
 */
struct dvc_node {
	u8 type;
	s8 parent;
	u8 devfn;
	u16 vendor;
	u16 device;
	bool acs_redirect;
};

#define DVC_DEVFN(slot, fn)	((u8)(((slot) << 3) | (fn)))

enum {
	DVC_HB0, DVC_RP0, DVC_USPA, DVC_DSPA0, DVC_DSPA1, DVC_DSPA2, DVC_DSPA3,
	DVC_EPA, DVC_EPA1, DVC_EPB, DVC_EPC, DVC_USPC, DVC_DSPC0, DVC_EPF,
	DVC_RP1, DVC_USPB, DVC_DSPB0, DVC_EPD, DVC_RP2, DVC_EPE,
	DVC_HB1, DVC_RP3, DVC_EPG, DVC_RP4, DVC_EPH,
	DVC_HB2, DVC_RP5, DVC_EPI, DVC_RP6, DVC_EPJ,
	DVC_NR_NODES
};

static const struct dvc_node dvc_nodes[] = {
	[DVC_HB0] = { DVC_NODE_HB, -1, 0, 0x8086, 0x2030, false },
	[DVC_RP0] = { DVC_NODE_RP, DVC_HB0, DVC_DEVFN(1, 0), 0x8086, 0x1001, false },
	[DVC_USPA] = { DVC_NODE_USP, DVC_RP0, 0, 0x10b5, 0x8747, false },
	[DVC_DSPA0] = { DVC_NODE_DSP, DVC_USPA, DVC_DEVFN(0, 0), 0x10b5, 0x8748, false },
	[DVC_DSPA1] = { DVC_NODE_DSP, DVC_USPA, DVC_DEVFN(1, 0), 0x10b5, 0x8748, false },
	[DVC_DSPA2] = { DVC_NODE_DSP, DVC_USPA, DVC_DEVFN(2, 0), 0x10b5, 0x8748, true },
	[DVC_DSPA3] = { DVC_NODE_DSP, DVC_USPA, DVC_DEVFN(3, 0), 0x10b5, 0x8748, false },
	[DVC_EPA] = { DVC_NODE_EP, DVC_DSPA0, DVC_DEVFN(0, 0), 0x10de, 0x2330, false },
	[DVC_EPA1] = { DVC_NODE_EP, DVC_DSPA0, DVC_DEVFN(0, 1), 0x10de, 0x2331, false },
	[DVC_EPB] = { DVC_NODE_EP, DVC_DSPA1, DVC_DEVFN(0, 0), 0x144d, 0xa80a, false },
	[DVC_EPC] = { DVC_NODE_EP, DVC_DSPA2, DVC_DEVFN(0, 0), 0x15b3, 0x1021, false },
	[DVC_USPC] = { DVC_NODE_USP, DVC_DSPA3, 0, 0x10b5, 0x8747, false },
	[DVC_DSPC0] = { DVC_NODE_DSP, DVC_USPC, DVC_DEVFN(0, 0), 0x10b5, 0x8748, false },
	[DVC_EPF] = { DVC_NODE_EP, DVC_DSPC0, DVC_DEVFN(0, 0), 0x144d, 0xa80a, false },
	[DVC_RP1] = { DVC_NODE_RP, DVC_HB0, DVC_DEVFN(2, 0), 0x8086, 0x1002, false },
	[DVC_USPB] = { DVC_NODE_USP, DVC_RP1, 0, 0x10b5, 0x8747, false },
	[DVC_DSPB0] = { DVC_NODE_DSP, DVC_USPB, DVC_DEVFN(0, 0), 0x10b5, 0x8748, false },
	[DVC_EPD] = { DVC_NODE_EP, DVC_DSPB0, DVC_DEVFN(0, 0), 0x15b3, 0x1021, false },
	[DVC_RP2] = { DVC_NODE_RP, DVC_HB0, DVC_DEVFN(3, 0), 0x8086, 0x1003, false },
	[DVC_EPE] = { DVC_NODE_EP, DVC_RP2, DVC_DEVFN(0, 0), 0x144d, 0xa80a, false },
	[DVC_HB1] = { DVC_NODE_HB, -1, 0, 0x1234, 0x5678, false },
	[DVC_RP3] = { DVC_NODE_RP, DVC_HB1, DVC_DEVFN(1, 0), 0x1234, 0x0001, false },
	[DVC_EPG] = { DVC_NODE_EP, DVC_RP3, DVC_DEVFN(0, 0), 0x144d, 0xa80a, false },
	[DVC_RP4] = { DVC_NODE_RP, DVC_HB1, DVC_DEVFN(2, 0), 0x1234, 0x0001, false },
	[DVC_EPH] = { DVC_NODE_EP, DVC_RP4, DVC_DEVFN(0, 0), 0x15b3, 0x1021, false },
	[DVC_HB2] = { DVC_NODE_HB, -1, 0, 0x8086, 0x3c00, false },
	[DVC_RP5] = { DVC_NODE_RP, DVC_HB2, DVC_DEVFN(1, 0), 0x8086, 0x3c02, false },
	[DVC_EPI] = { DVC_NODE_EP, DVC_RP5, DVC_DEVFN(0, 0), 0x144d, 0xa80a, false },
	[DVC_RP6] = { DVC_NODE_RP, DVC_HB2, DVC_DEVFN(2, 0), 0x8086, 0x3c03, false },
	[DVC_EPJ] = { DVC_NODE_EP, DVC_RP6, DVC_DEVFN(0, 0), 0x15b3, 0x1021, false },
};

static_assert(ARRAY_SIZE(dvc_nodes) == DVC_NR_NODES);

/**
 * struct dvc_p2p_case - a (provider, client) pair and the 6.12 answer
 * @name: case name
 * @provider: node owning the BAR
 * @client: node doing the DMA
 * @amd_zen: the CPU is an AMD family 0x17 (else Intel family 6)
 * @type: expected enum dma_vec_map_type
 */
struct dvc_p2p_case {
	const char *name;
	u8 provider;
	u8 client;
	bool amd_zen;
	u8 type;
};

#define BUS	DMA_VEC_MAP_BUS_ADDR
#define HBR	DMA_VEC_MAP_THRU_HOST_BRIDGE
#define NOS	DMA_VEC_MAP_NOT_SUPPORTED

static const struct dvc_p2p_case dvc_p2p_cases[] = {
	{ "same function", DVC_EPA, DVC_EPA, false, BUS },
	{ "two functions of one device", DVC_EPA, DVC_EPA1, false, BUS },
	{ "same switch", DVC_EPA, DVC_EPB, false, BUS },
	{ "same switch, reversed", DVC_EPB, DVC_EPA, false, BUS },
	{ "cascaded switches under one root port", DVC_EPA, DVC_EPF, false, BUS },
	{ "ACS redirect on the client's path", DVC_EPA, DVC_EPC, false, HBR },
	{ "ACS redirect on the provider's path", DVC_EPC, DVC_EPB, false, HBR },
	{ "root ports of an allow-listed host bridge", DVC_EPA, DVC_EPD, false,
	  HBR },
	{ "switch and bare root port, allow-listed", DVC_EPE, DVC_EPB, false, HBR },
	{ "root ports of an unlisted host bridge", DVC_EPG, DVC_EPH, false, NOS },
	{ "unlisted host bridge, AMD Zen", DVC_EPG, DVC_EPH, true, HBR },
	{ "two host bridges, one unlisted", DVC_EPA, DVC_EPG, false, NOS },
	{ "two host bridges, AMD Zen", DVC_EPA, DVC_EPG, true, HBR },
	{ "same-bridge-only entry, same bridge", DVC_EPI, DVC_EPJ, false, HBR },
	{ "same-bridge-only entry, other bridge", DVC_EPI, DVC_EPA, false, NOS },
	{ "ACS redirect, AMD Zen", DVC_EPC, DVC_EPA, true, HBR },
	{ "common switch stays bus address on AMD", DVC_EPB, DVC_EPF, true, BUS },
};

static_assert(ARRAY_SIZE(dvc_p2p_cases) == 17);

#undef BUS
#undef HBR
#undef NOS

#endif /* _DMA_VEC_P2P_CASES_H */
