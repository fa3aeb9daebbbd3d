/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace <linux/string.h>: the C library's string functions. */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include <stdbool.h>
#include <string.h>

/* True if the @size bytes at @s are all zero. */
static inline bool mem_is_zero(const void *s, size_t size)
{
	const unsigned char *p = s;

	while (size--)
		if (*p++)
			return false;
	return true;
}

#endif /* _SHIM_LINUX_STRING_H */
