/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <kunit/resource.h>: deferred actions (kunit_add_action() and
 * KUNIT_DEFINE_ACTION_WRAPPER()) live with the rest in <kunit/test.h>.
 */
#ifndef _SHIM_KUNIT_RESOURCE_H
#define _SHIM_KUNIT_RESOURCE_H

#include <kunit/test.h>

#endif /* _SHIM_KUNIT_RESOURCE_H */
