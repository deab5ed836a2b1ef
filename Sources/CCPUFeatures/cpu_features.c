#include "cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

// XCR0 bits: the register states the operating system saves on a context switch.
enum {
  XCR0_SSE_AVX = 0x06, // XMM and the upper halves of the YMM registers
  XCR0_AVX512 = 0xe0,  // the opmask registers and all of ZMM0-31
};

static unsigned long long xcr0(void) {
  unsigned eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((unsigned long long)edx << 32) | eax;
}

unsigned cpu_features(void) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  // OSXSAVE first: xgetbv faults where the OS has not enabled it.
  if (!(ecx & bit_OSXSAVE) || !(ecx & bit_AVX)) return 0;
  unsigned long long saved = xcr0();
  if ((saved & XCR0_SSE_AVX) != XCR0_SSE_AVX) return 0;

  unsigned features = CPU_FEATURE_AVX;
  if (ecx & bit_FMA) features |= CPU_FEATURE_FMA;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return features;
  unsigned leaf7Subleaves = eax;
  if (ebx & bit_AVX2) features |= CPU_FEATURE_AVX2;
  if ((saved & XCR0_AVX512) != XCR0_AVX512) return features;
  if (ebx & bit_AVX512F) features |= CPU_FEATURE_AVX512F;
  if (ebx & bit_AVX512CD) features |= CPU_FEATURE_AVX512CD;
  if (ebx & bit_AVX512BW) features |= CPU_FEATURE_AVX512BW;
  if (ebx & bit_AVX512DQ) features |= CPU_FEATURE_AVX512DQ;
  if (ebx & bit_AVX512VL) features |= CPU_FEATURE_AVX512VL;
  // Leaf 7's subleaf 1 exists only where subleaf 0 counts it.
  if (leaf7Subleaves >= 1 && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && (eax & bit_AVX512BF16))
    features |= CPU_FEATURE_AVX512BF16;
  return features;
}

#else

unsigned cpu_features(void) { return 0; }

#endif
