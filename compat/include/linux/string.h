/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace <linux/string.h>: the C library's string functions. */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include <string.h>

#endif /* _SHIM_LINUX_STRING_H */
