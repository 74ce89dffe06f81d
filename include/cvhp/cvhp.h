/* SPDX-License-Identifier: MIT
 * libcvhp umbrella header: include this to get the whole public API. */
#ifndef CVHP_H
#define CVHP_H

#include "version.h"
#include "common.h"
#include "runtime.h"
#include "boxes.h"
#include "params.h"
#include "config.h"
#include "detection.h"
#include "masks.h"

#endif /* CVHP_H */
