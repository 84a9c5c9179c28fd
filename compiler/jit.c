/*
** jit.c: ORC LLJIT set-up for generated models.
**
** The JIT targets the host CPU with all its features.  Runtime functions
** that generated code calls (snnrt_uniform, ...) are defined in the JIT as
** absolute symbols pointing into this process, so they need not be exported
** from the snnc binary; everything else (libm) is found by searching the
** process's loaded libraries.
*/
#include "jit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>

struct Jit {
  LLVMOrcLLJITRef lljit;
};

static void report(const char *what, LLVMErrorRef err) {
  char *msg = LLVMGetErrorMessage(err);
  driver_error("%s: %s", what, msg);
  LLVMDisposeErrorMessage(msg);
}

/* Makes the runtime's entry points visible to generated code. */
static LLVMErrorRef define_runtime(LLVMOrcLLJITRef jit) {
  static const struct {
    const char *name;
    void *addr;
  } symbols[] = {
    {"snnrt_uniform", (void *)snnrt_uniform},
    {"snnrt_normal", (void *)snnrt_normal},
    {"snnrt_propagator", (void *)snnrt_propagator},
  };
  enum { N = sizeof symbols / sizeof symbols[0] };
  LLVMOrcExecutionSessionRef es = LLVMOrcLLJITGetExecutionSession(jit);
  LLVMJITCSymbolMapPair pairs[N];
  for (int k = 0; k < N; k++) {
    pairs[k].Name = LLVMOrcExecutionSessionIntern(es, symbols[k].name);
    pairs[k].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)symbols[k].addr;
    pairs[k].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported |
                                      LLVMJITSymbolGenericFlagsCallable;
    pairs[k].Sym.Flags.TargetFlags = 0;
  }
  LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(pairs, N);
  return LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(jit), mu);
}

const SnnModel *jit_load(Compiled *c, Jit **out) {
  *out = NULL;
  LLVMOrcJITTargetMachineBuilderRef jtmb;
  LLVMErrorRef err = LLVMOrcJITTargetMachineBuilderDetectHost(&jtmb);
  if (err) {
    report("cannot detect the host machine", err);
    return NULL;
  }
  LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
  LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder, jtmb);
  LLVMOrcLLJITRef lljit;
  if ((err = LLVMOrcCreateLLJIT(&lljit, builder))) {
    report("cannot start the JIT", err);
    return NULL;
  }
  Jit *j = xcalloc(1, sizeof *j);
  j->lljit = lljit;
  *out = j;
  LLVMOrcDefinitionGeneratorRef gen;
  err = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
      &gen, LLVMOrcLLJITGetGlobalPrefix(lljit), NULL, NULL);
  if (err) {
    report("cannot search the process for symbols", err);
    return NULL;
  }
  LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(lljit), gen);
  if ((err = define_runtime(lljit))) {
    report("cannot define the runtime symbols", err);
    return NULL;
  }
  LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(c->module, c->tsc);
  c->module = NULL;
  if ((err = LLVMOrcLLJITAddLLVMIRModule(lljit, LLVMOrcLLJITGetMainJITDylib(lljit), tsm))) {
    report("cannot add the model to the JIT", err);
    return NULL;
  }
  LLVMOrcExecutorAddress addr = 0;
  if ((err = LLVMOrcLLJITLookup(lljit, &addr, "snn_model"))) {
    report("cannot compile the model", err);
    return NULL;
  }
  return (const SnnModel *)(uintptr_t)addr;
}

void jit_free(Jit *j) {
  if (!j) return;
  if (j->lljit) LLVMOrcDisposeLLJIT(j->lljit);
  free(j);
}
