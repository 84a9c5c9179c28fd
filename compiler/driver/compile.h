/*
** compile.h: the compilation pipeline from a file to optimised LLVM IR.
**
** compile_file() runs every stage in order (parse and check, plan, code
** generation, optimisation for the host) and records how long each took.
** The result feeds the JIT (snnc run), the object-file emitter (snnc build)
** and the IR printer (snnc emit-llvm).
*/
#ifndef SNN_COMPILE_H
#define SNN_COMPILE_H

#include <llvm-c/Core.h>
#include <llvm-c/Orc.h>
#include <llvm-c/TargetMachine.h>

#include "driver.h"

typedef struct Compiled {
  Arena arena;
  Diags diags;
  Model *model;
  LLVMOrcThreadSafeContextRef tsc; /* owns the context of `module` */
  LLVMModuleRef module;            /* NULL once handed to the JIT */
  LLVMTargetMachineRef tm;
  char *cpu, *features;
  double parse_s, check_s, codegen_s, optimize_s;
  int merged_functions;            /* copies of identical functions removed */
} Compiled;

/* Compiles a model file for the host CPU (cpu == NULL) or for a named one
   ("x86-64" for any machine of the architecture); false after printing
   diagnostics. */
bool compile_file(Compiled *c, const char *path, const DriverOptions *opt, bool optimize,
                  const char *cpu);
/* Compiles a model given as texts (texts[0] the main file, named names[0];
   then declarations typed at the REPL), for the host CPU; optimised or not. */
bool compile_texts(Compiled *c, const char *const *names, const char *const *texts, int ntexts,
                   const DriverOptions *opt, bool optimize);
/* Frees everything a compilation holds. */
void compile_free(Compiled *c);
/* Seconds since an arbitrary fixed point (monotonic). */
double compile_clock(void);

#endif
