/* SPDX-License-Identifier: MIT
 * libcvhp version macros. This header has no dependencies and is parsed by
 * meson.build (cc.get_define) to obtain the project version, so it is the one
 * place where the version is written. */
#ifndef CVHP_VERSION_H
#define CVHP_VERSION_H

#define CVHP_VERSION_MAJOR 0
#define CVHP_VERSION_MINOR 1
#define CVHP_VERSION_PATCH 0

/* "0.1.0" */
#define CVHP_VERSION_STRINGIFY_(x) #x
#define CVHP_VERSION_STRINGIFY(x) CVHP_VERSION_STRINGIFY_(x)
#define CVHP_VERSION_STRING                                                    \
    CVHP_VERSION_STRINGIFY(CVHP_VERSION_MAJOR)                                 \
    "." CVHP_VERSION_STRINGIFY(CVHP_VERSION_MINOR) "." CVHP_VERSION_STRINGIFY( \
        CVHP_VERSION_PATCH)

/* (MAJOR << 16) | (MINOR << 8) | PATCH, comparable with cvhp_version(). */
#define CVHP_VERSION_NUMBER                                                    \
    ((CVHP_VERSION_MAJOR << 16) | (CVHP_VERSION_MINOR << 8) | CVHP_VERSION_PATCH)

/* True when the headers are at least version x.y.z. */
#define CVHP_VERSION_CHECK(x, y, z) (CVHP_VERSION_NUMBER >= (((x) << 16) | ((y) << 8) | (z)))

#endif /* CVHP_VERSION_H */
