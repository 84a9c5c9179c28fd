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
/* What jit_add_generation did with the exported functions of a module. */
typedef struct JitReuse {
  int compiled;  /* new or changed: optimised and compiled */
  int reused;    /* unchanged since an earlier generation: machine code reused */
} JitReuse;

/* Adds c's unoptimised module to a JIT that lives across compilations
   (created in *jit on first use) as a new generation: functions unchanged
   since an earlier generation reuse its machine code, the rest is optimised
   and compiled.  Returns the new `snn_model`; NULL after printing an error. */
const SnnModel *jit_add_generation(Jit **jit, Compiled *c, JitReuse *stats);
/* Releases the JIT and the code it holds. */
void jit_free(Jit *j);

#endif
