/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <kunit/visibility.h>: everything is one program, so a symbol
 * exported for KUnit only is simply visible.
 */
#ifndef _SHIM_KUNIT_VISIBILITY_H
#define _SHIM_KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT
#define EXPORT_SYMBOL_IF_KUNIT(sym)	extern int __shim_export_##sym

#endif /* _SHIM_KUNIT_VISIBILITY_H */
