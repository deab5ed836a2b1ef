// OpenBLAS's CBLAS interface (sgemm) and LAPACKE (sgesdd) for PareCore.
#include <cblas.h>
#include <lapacke.h>

// Exported by OpenBLAS's pthreads build but not declared in its headers: joins the pool's
// threads. OpenBLAS calls it itself before a fork and restarts the pool at the next threaded call;
// PareCore's BLASThreads calls it before running single-threaded calls side by side.
int blas_thread_shutdown_(void);

// Exported by OpenBLAS's dynamic-architecture builds but not declared in their headers: forget
// the core (the kernels) chosen, and choose again as while loading (OPENBLAS_CORETYPE, else the
// CPU's model). PareCore's OpenBLASCore.useBestCore calls them at start-up.
void gotoblas_dynamic_quit(void);
void gotoblas_dynamic_init(void);
