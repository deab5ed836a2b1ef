// OpenBLAS's CBLAS interface (sgemm) and LAPACKE (sgesdd) for PareCore.
#include <cblas.h>
#include <lapacke.h>
