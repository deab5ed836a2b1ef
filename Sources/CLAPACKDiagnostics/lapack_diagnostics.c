#include "lapack_diagnostics.h"

#include <string.h>

enum { ROUTINE_CAPACITY = 32 };

static _Thread_local int recorded;
static _Thread_local char recorded_routine[ROUTINE_CAPACITY];
static _Thread_local int recorded_argument;

static void record(const char *name, int length, int argument) {
  if (recorded) return;  // the first diagnostic is the cause; later ones follow from it
  int n = 0;
  while (n < length && n < ROUTINE_CAPACITY - 1 && name[n] != '\0' && name[n] != ' ') n++;
  memcpy(recorded_routine, name, (size_t)n);
  recorded_routine[n] = '\0';
  recorded_argument = argument;
  recorded = 1;
}

// Fortran's xerbla(SRNAME, INFO): gfortran passes the name's length as a hidden last argument.
// It is read as an int: OpenBLAS's C callers pass a 32-bit blasint there.
void xerbla_(const char *name, const int *argument, int name_length) {
  record(name, name_length, *argument);
}

// LAPACKE's diagnostic: info is minus the argument number.
void LAPACKE_xerbla(const char *name, int info) {
  record(name, (int)strlen(name), info < 0 ? -info : info);
}

void lapack_diagnostic_clear(void) { recorded = 0; }

int lapack_diagnostic_take(char *routine, int capacity, int *argument) {
  if (!recorded) return 0;
  recorded = 0;
  if (capacity > 0) {
    size_t n = strlen(recorded_routine);
    if (n > (size_t)capacity - 1) n = (size_t)capacity - 1;
    memcpy(routine, recorded_routine, n);
    routine[n] = '\0';
  }
  *argument = recorded_argument;
  return 1;
}
