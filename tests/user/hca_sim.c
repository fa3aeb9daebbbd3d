// SPDX-License-Identifier: GPL-2.0
/* Placeholder: the simulated RDMA HCA. */
