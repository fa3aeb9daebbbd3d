/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included into every file built against the shim, as Kbuild
 * force-includes <linux/kconfig.h> and <linux/compiler_types.h>.
 */
#ifndef _SHIM_PRELUDE_H
#define _SHIM_PRELUDE_H

#include <linux/kconfig.h>
#include <linux/compiler_types.h>

#endif /* _SHIM_PRELUDE_H */
