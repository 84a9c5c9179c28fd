/*
** jit.h: running generated code in process with LLVM's ORC LLJIT.
*/
#ifndef SNN_JIT_H
#define SNN_JIT_H

#include "compile.h"
#include "snnrt.h"

typedef struct Jit Jit;

/* Takes the compiled module (c->module becomes NULL), links it against the
   runtime and the C library, and returns its `snn_model`; NULL after
   printing an error. */
const SnnModel *jit_load(Compiled *c, Jit **out);
/* Releases the JIT and the code it holds. */
void jit_free(Jit *j);

#endif
