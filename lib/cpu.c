/* SPDX-License-Identifier: MIT
 * CPU feature detection (once, thread-safe), the process-wide ISA cap,
 * build information and version queries. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build_config.h"
#include "internal.h"

#if CVHP_HAVE_OPENMP
#  include <omp.h>
#endif

#if defined(__x86_64__) || defined(_M_X64)
#  define CVHP_ARCH_X86 1
#  include <cpuid.h>
#else
#  define CVHP_ARCH_X86 0
#endif
#if defined(__aarch64__)
#  define CVHP_ARCH_ARM64 1
#else
#  define CVHP_ARCH_ARM64 0
#endif

_Thread_local cvhp_isa cvhp__last_dispatch = CVHP_ISA_SCALAR;

static pthread_once_t detect_once = PTHREAD_ONCE_INIT;
static cvhp_isa cpu_level = CVHP_ISA_SCALAR;      /* written once under detect_once */
static _Atomic int isa_cap = CVHP_ISA_AUTO;       /* process-wide cap */
static _Atomic int active_level = CVHP_ISA_SCALAR; /* min(cpu_level, cap) */

#if CVHP_ARCH_X86
static uint64_t xgetbv0(void)
{
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

static cvhp_isa detect_x86(void)
{
    unsigned a, b, c, d;
    cvhp_isa level = CVHP_ISA_SCALAR;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return level;
    const int sse41 = (c >> 19) & 1;
    const int osxsave = (c >> 27) & 1;
    const int avx = (c >> 28) & 1;
    const int fma = (c >> 12) & 1;
    if (sse41)
        level = CVHP_ISA_SSE41;
    if (!osxsave || !avx)
        return level;
    const uint64_t xcr0 = xgetbv0();
    if ((xcr0 & 0x6) != 0x6) /* XMM and YMM state enabled by the OS */
        return level;
    if (__get_cpuid_max(0, NULL) < 7)
        return level;
    __cpuid_count(7, 0, a, b, c, d);
    const int avx2 = (b >> 5) & 1;
    const int bmi2 = (b >> 8) & 1;
    if (avx2 && fma && bmi2)
        level = CVHP_ISA_AVX2;
    else
        return level;
    const int f = (b >> 16) & 1, dq = (b >> 17) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
    if (f && dq && bw && vl && (xcr0 & 0xe6) == 0xe6) /* opmask, ZMM_Hi256, Hi16_ZMM */
        level = CVHP_ISA_AVX512;
    return level;
}
#endif

/* Highest compiled level not above the hardware level. */
static cvhp_isa clamp_to_compiled(cvhp_isa hw)
{
#if CVHP_ARCH_X86
    if (hw >= CVHP_ISA_AVX512 && CVHP_HAVE_AVX512)
        return CVHP_ISA_AVX512;
    if (hw >= CVHP_ISA_AVX2 && CVHP_HAVE_AVX2)
        return CVHP_ISA_AVX2;
    if (hw >= CVHP_ISA_SSE41 && CVHP_HAVE_SSE41)
        return CVHP_ISA_SSE41;
#elif CVHP_ARCH_ARM64
    if (hw == CVHP_ISA_NEON && CVHP_HAVE_NEON)
        return CVHP_ISA_NEON;
#endif
    (void)hw;
    return CVHP_ISA_SCALAR;
}

static int arch_accepts(cvhp_isa isa)
{
    switch (isa) {
    case CVHP_ISA_AUTO:
    case CVHP_ISA_SCALAR:
        return 1;
    case CVHP_ISA_SSE41:
    case CVHP_ISA_AVX2:
    case CVHP_ISA_AVX512:
        return CVHP_ARCH_X86;
    case CVHP_ISA_NEON:
        return CVHP_ARCH_ARM64;
    }
    return 0;
}

static void update_active(void)
{
    int cap = atomic_load(&isa_cap);
    int level = (int)cpu_level;
    if (cap != CVHP_ISA_AUTO && cap < level)
        level = cap;
    atomic_store(&active_level, (int)clamp_to_compiled((cvhp_isa)level));
}

static void detect(void)
{
#if CVHP_ARCH_X86
    cpu_level = clamp_to_compiled(detect_x86());
#elif CVHP_ARCH_ARM64
    cpu_level = clamp_to_compiled(CVHP_ISA_NEON); /* Advanced SIMD is mandatory on AArch64 */
#else
    cpu_level = CVHP_ISA_SCALAR;
#endif
    const char *env = getenv("CVHP_MAX_ISA");
    cvhp_isa cap;
    if (env != NULL && *env != '\0' && cvhp_isa_from_name(env, &cap) == CVHP_OK && arch_accepts(cap))
        atomic_store(&isa_cap, (int)cap);
    update_active();
}

static void ensure_detected(void) { pthread_once(&detect_once, detect); }

cvhp_isa cvhp__isa(void)
{
    ensure_detected();
    return (cvhp_isa)atomic_load_explicit(&active_level, memory_order_relaxed);
}

static const struct {
    cvhp_isa isa;
    const char *name;
} isa_names[] = {
    {CVHP_ISA_AUTO, "auto"},   {CVHP_ISA_SCALAR, "scalar"}, {CVHP_ISA_SSE41, "sse4.1"},
    {CVHP_ISA_AVX2, "avx2"},   {CVHP_ISA_AVX512, "avx512"}, {CVHP_ISA_NEON, "neon"},
};

const char *cvhp_isa_name(cvhp_isa isa)
{
    for (size_t i = 0; i < sizeof isa_names / sizeof isa_names[0]; i++)
        if (isa_names[i].isa == isa)
            return isa_names[i].name;
    return "unknown";
}

cvhp_status cvhp_isa_from_name(const char *name, cvhp_isa *out)
{
    if (name == NULL || out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_isa_from_name: NULL argument");
    static const struct {
        const char *alias;
        cvhp_isa isa;
    } aliases[] = {{"sse41", CVHP_ISA_SSE41}, {"avx-512", CVHP_ISA_AVX512}, {"none", CVHP_ISA_SCALAR}};
    for (size_t i = 0; i < sizeof isa_names / sizeof isa_names[0]; i++)
        if (strcasecmp(name, isa_names[i].name) == 0) {
            *out = isa_names[i].isa;
            return CVHP_OK;
        }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(name, aliases[i].alias) == 0) {
            *out = aliases[i].isa;
            return CVHP_OK;
        }
    return cvhp__error(CVHP_ERR_INVALID_VALUE,
                       "isa: \"%s\" is not one of auto, scalar, sse4.1, avx2, avx512, neon", name);
}

int cvhp_isa_compiled(cvhp_isa isa)
{
    switch (isa) {
    case CVHP_ISA_SCALAR:
        return 1;
    case CVHP_ISA_SSE41:
        return CVHP_ARCH_X86 && CVHP_HAVE_SSE41;
    case CVHP_ISA_AVX2:
        return CVHP_ARCH_X86 && CVHP_HAVE_AVX2;
    case CVHP_ISA_AVX512:
        return CVHP_ARCH_X86 && CVHP_HAVE_AVX512;
    case CVHP_ISA_NEON:
        return CVHP_ARCH_ARM64 && CVHP_HAVE_NEON;
    case CVHP_ISA_AUTO:
        break;
    }
    return 0;
}

int cvhp_isa_supported(cvhp_isa isa)
{
    ensure_detected();
    if (!cvhp_isa_compiled(isa))
        return 0;
    if (isa == CVHP_ISA_SCALAR)
        return 1;
    return (int)isa <= (int)cpu_level && arch_accepts(isa);
}

cvhp_isa cvhp_cpu_isa(void)
{
    ensure_detected();
    return cpu_level;
}

cvhp_isa cvhp_active_isa(void) { return cvhp__isa(); }

cvhp_status cvhp_set_max_isa(cvhp_isa isa)
{
    int known = 0;
    for (size_t i = 0; i < sizeof isa_names / sizeof isa_names[0]; i++)
        known |= isa_names[i].isa == isa;
    if (!known)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_set_max_isa: %d is not a cvhp_isa value",
                           (int)isa);
    if (!arch_accepts(isa))
        return cvhp__error(CVHP_ERR_UNSUPPORTED,
                           "cvhp_set_max_isa: %s is not an instruction set of this architecture",
                           cvhp_isa_name(isa));
    ensure_detected();
    atomic_store(&isa_cap, (int)isa);
    update_active();
    return CVHP_OK;
}

int cvhp_have_openmp(void) { return CVHP_HAVE_OPENMP; }

int cvhp_default_threads(void)
{
#if CVHP_HAVE_OPENMP
    int n = omp_get_max_threads();
    return n > 0 ? n : 1;
#else
    return 1;
#endif
}

const char *cvhp_build_info(void)
{
    static _Thread_local char buf[512];
    char compiled[96] = "";
    static const cvhp_isa all[] = {CVHP_ISA_SCALAR, CVHP_ISA_SSE41, CVHP_ISA_AVX2, CVHP_ISA_AVX512,
                                   CVHP_ISA_NEON};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (cvhp_isa_compiled(all[i])) {
            if (compiled[0])
                strcat(compiled, ",");
            strcat(compiled, cvhp_isa_name(all[i]));
        }
    int cap = atomic_load(&isa_cap);
    ensure_detected();
    snprintf(buf, sizeof buf,
             "libcvhp %s; isa compiled=%s cpu=%s active=%s cap=%s; openmp=%s threads=%d; "
             "json=%s png=%s jpeg=%s",
             CVHP_VERSION_STRING, compiled, cvhp_isa_name(cpu_level), cvhp_isa_name(cvhp__isa()),
             cvhp_isa_name((cvhp_isa)cap), CVHP_HAVE_OPENMP ? "on" : "off", cvhp_default_threads(),
             CVHP_HAVE_JSON ? "on" : "off", CVHP_HAVE_PNG ? "on" : "off",
             CVHP_HAVE_JPEG ? "on" : "off");
    return buf;
}

uint32_t cvhp_version(void) { return CVHP_VERSION_NUMBER; }

const char *cvhp_version_string(void) { return CVHP_VERSION_STRING; }
