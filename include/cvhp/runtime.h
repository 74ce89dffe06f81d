/* SPDX-License-Identifier: MIT
 * libcvhp runtime: CPU feature detection, instruction-set dispatch control,
 * build information and thread defaults. */
#ifndef CVHP_RUNTIME_H
#define CVHP_RUNTIME_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Instruction-set levels. Within one architecture a larger value is a
 * superset of a smaller one. Values are ABI. */
typedef enum cvhp_isa {
    CVHP_ISA_AUTO = 0,     /* only for cvhp_set_max_isa: remove the cap */
    CVHP_ISA_SCALAR = 1,   /* portable C, the reference every path must match */
    CVHP_ISA_SSE41 = 10,   /* x86-64 SSE4.1 */
    CVHP_ISA_AVX2 = 20,    /* x86-64 AVX2 (with OS-enabled YMM state) */
    CVHP_ISA_AVX512 = 30,  /* x86-64 AVX-512 F+BW+DQ+VL (with OS-enabled ZMM state) */
    CVHP_ISA_NEON = 110    /* AArch64 Advanced SIMD */
} cvhp_isa;

/* Name of a level: "scalar", "sse4.1", "avx2", "avx512", "neon", "auto";
 * "unknown" for any other value. */
CVHP_API const char *cvhp_isa_name(cvhp_isa isa);
/* Parse a name as printed by cvhp_isa_name (case-insensitive; also accepts
 * "sse41", "avx-512", "none" for scalar). CVHP_ERR_INVALID_VALUE if unknown. */
CVHP_API cvhp_status cvhp_isa_from_name(const char *name, cvhp_isa *out);
/* 1 when kernels for this level were compiled into this library. */
CVHP_API int cvhp_isa_compiled(cvhp_isa isa);
/* 1 when compiled in and this CPU and OS can run it. */
CVHP_API int cvhp_isa_supported(cvhp_isa isa);
/* Highest level compiled in and supported by this CPU. */
CVHP_API cvhp_isa cvhp_cpu_isa(void);
/* The level kernels use now: cvhp_cpu_isa() lowered by the cap. */
CVHP_API cvhp_isa cvhp_active_isa(void);
/* Cap the level used by every kernel in the process (for tests, benchmarks
 * and working around CPU errata). CVHP_ISA_AUTO removes the cap. A cap above
 * what the CPU supports is allowed and has no effect beyond the CPU's level.
 * CVHP_ERR_UNSUPPORTED for a level of another architecture,
 * CVHP_ERR_INVALID_ARGUMENT for an unknown value. The environment variable
 * CVHP_MAX_ISA (a name as above) sets the initial cap when the library first
 * detects the CPU. The cap is process-wide; set it before starting threads. */
CVHP_API cvhp_status cvhp_set_max_isa(cvhp_isa isa);

/* One line describing the build and the runtime: version, compiled ISA levels,
 * detected and active level, OpenMP, optional features. Thread-local buffer,
 * valid until the next call on this thread. */
CVHP_API const char *cvhp_build_info(void);
/* 1 when the library was built with OpenMP. */
CVHP_API int cvhp_have_openmp(void);
/* The number of threads a kernel uses when passed num_threads = 0: the OpenMP
 * runtime's default (OMP_NUM_THREADS or the core count), 1 without OpenMP. */
CVHP_API int cvhp_default_threads(void);

#ifdef __cplusplus
}
#endif

#endif /* CVHP_RUNTIME_H */
