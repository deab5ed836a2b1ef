#ifndef LAPACK_DIAGNOSTICS_H
#define LAPACK_DIAGNOSTICS_H

// LAPACK reports a bad argument by calling xerbla_ (Fortran routines, OpenBLAS) or
// LAPACKE_xerbla (the C interface), which print "On entry to SLASCL parameter number 4 had an
// illegal value" to stdout: over the explorer's curses screen, or into `--json` output. This
// target defines both, so the linker binds every LAPACK call to them instead (shared and static
// links alike). They print nothing: they record the first diagnostic on the calling thread, and
// PareCore's LinearAlgebra turns it into a thrown error.

// Forgets the calling thread's diagnostic (call before a LAPACK routine).
void lapack_diagnostic_clear(void);

// The first diagnostic since lapack_diagnostic_clear on the calling thread: copies the routine's
// name (NUL-terminated, at most capacity - 1 characters) and stores the 1-based argument number.
// Returns 0 when there was none.
int lapack_diagnostic_take(char *routine, int capacity, int *argument);

#endif
