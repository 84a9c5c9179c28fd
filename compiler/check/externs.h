/*
** externs.h: the C libraries behind `extern fn` declarations.
**
** `extern fn f(x: f64) -> f64 from "libm.so.6"` names a shared library.  A
** name with a '/' is a path relative to the model's folder; a bare name is
** first looked for in the model's folder, then left to the system's search
** (LD_LIBRARY_PATH, ldconfig).  The JIT loads the libraries into the
** process; native binaries link against them.
*/
#ifndef SNN_EXTERNS_H
#define SNN_EXTERNS_H

#include "model.h"

/* Where the library of an extern declaration is: a path when the file was
   found next to the model, else the name as written (arena string). */
const char *extern_library(Arena *a, const Decl *d);
/* Checks that the library of an extern function can be loaded and defines
   it; false after reporting which is missing (the checker calls it, so
   `snnc check` finds what `snnc run` would). */
bool extern_verify(Diags *d, Arena *a, const Symbol *s);
/* Loads every extern function of the model; false after reporting which
   library or symbol is missing.  fn(name, address, ctx) receives each. */
bool extern_load_all(Model *m, Diags *d, void (*fn)(const char *name, void *addr, void *ctx),
                     void *ctx);

#endif
