#ifndef CPU_FEATURES_H
#define CPU_FEATURES_H

// The x86 instruction-set extensions that decide which of OpenBLAS's x86-64 kernels ("cores") a
// CPU can run (PareCore's OpenBLASCore). Swift cannot execute cpuid or xgetbv itself.
enum {
  CPU_FEATURE_AVX = 1 << 0,
  CPU_FEATURE_AVX2 = 1 << 1,
  CPU_FEATURE_FMA = 1 << 2,
  CPU_FEATURE_AVX512F = 1 << 3,
  CPU_FEATURE_AVX512CD = 1 << 4,
  CPU_FEATURE_AVX512BW = 1 << 5,
  CPU_FEATURE_AVX512DQ = 1 << 6,
  CPU_FEATURE_AVX512VL = 1 << 7,
  CPU_FEATURE_AVX512BF16 = 1 << 8,
};

// This CPU's CPU_FEATURE_ bits. An extension counts only when the operating system also saves
// the registers it uses (the AVX ones without the YMM state, the AVX-512 ones without the ZMM
// state, would fault), as OpenBLAS checks too. 0 on other architectures.
unsigned cpu_features(void);

#endif
