// SPDX-License-Identifier: GPL-2.0
/* Placeholder: the NVMe controller oracle. */
