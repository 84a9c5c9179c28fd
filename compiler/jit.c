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

#include "codegen.h"
#include "externs.h"

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

/* Symbols defined for generated code: the runtime's entry points and the
   model's extern functions. */
typedef struct SymbolTable {
  LLVMOrcExecutionSessionRef es;
  LLVMJITCSymbolMapPair *pairs;
  int n, cap;
} SymbolTable;

static void add_symbol(const char *name, void *addr, void *ctx) {
  SymbolTable *t = ctx;
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 16;
    t->pairs = xrealloc(t->pairs, sizeof *t->pairs * (size_t)t->cap);
  }
  LLVMJITCSymbolMapPair *p = &t->pairs[t->n++];
  p->Name = LLVMOrcExecutionSessionIntern(t->es, name);
  p->Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)addr;
  p->Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported |
                              LLVMJITSymbolGenericFlagsCallable;
  p->Sym.Flags.TargetFlags = 0;
}

static bool define_symbols(Compiled *c, LLVMOrcLLJITRef jit) {
  SymbolTable t = {LLVMOrcLLJITGetExecutionSession(jit), NULL, 0, 0};
  add_symbol("snnrt_uniform", (void *)snnrt_uniform, &t);
  add_symbol("snnrt_normal", (void *)snnrt_normal, &t);
  add_symbol("snnrt_propagator", (void *)snnrt_propagator, &t);
  bool ok = extern_load_all(c->model, &c->diags, add_symbol, &t);
  diag_flush(&c->diags);
  LLVMErrorRef err = NULL;
  if (ok) {
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(t.pairs, (size_t)t.n);
    err = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(jit), mu);
  } else {
    for (int k = 0; k < t.n; k++) LLVMOrcReleaseSymbolStringPoolEntry(t.pairs[k].Name);
  }
  free(t.pairs);
  if (err) {
    report("cannot define the runtime symbols", err);
    return false;
  }
  return ok;
}

const SnnModel *jit_load(Compiled *c, Jit **out) {
  *out = NULL;
  /* The same target machine settings as `snnc build` uses, so that JIT and
     native binaries compute bit for bit the same. */
  LLVMTargetMachineRef tm = codegen_target_machine(c->cpu, c->features,
                                                   LLVMCodeGenLevelAggressive, LLVMRelocPIC);
  if (!tm) {
    driver_error("cannot create a code generator for this machine");
    return NULL;
  }
  LLVMOrcJITTargetMachineBuilderRef jtmb = LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm);
  LLVMErrorRef err;
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
  if (!define_symbols(c, lljit)) return NULL;
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
