// SPDX-License-Identifier: GPL-2.0
/* Placeholder: the simulated large-BAR GPU exporter. */
