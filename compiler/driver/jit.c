/*
** jit.c: ORC LLJIT set-up for generated models.
**
** The JIT targets the host CPU with all its features.  Runtime functions
** that generated code calls (snnrt_uniform, ...) are defined in the JIT as
** absolute symbols pointing into this process, so they need not be exported
** from the snnc binary; everything else (libm) is found by searching the
** process's loaded libraries.
**
** `snnc run` compiles one module once (jit_load).  The REPL keeps one JIT
** for the whole session and adds each recompilation as a new generation
** (jit_add_generation): an exported function whose unoptimised IR, with
** everything it reaches, is the same as in an earlier generation is not
** compiled again; the new module declares the earlier machine code's
** symbol instead.  Only the kernels that a change touched go through the
** optimiser and the code generator, which is what makes a change of a
** constant at the prompt take milliseconds.
*/
#include "jit.h"

#include "codegen.h"
#include "fingerprint.h"
#include "externs.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>

/* A function compiled in an earlier generation, found by its fingerprint. */
typedef struct CachedFunction {
  uint64_t hash;
  char *fingerprint;  /* the unoptimised IR of it and all it reaches */
  char *symbol;       /* its name in the JIT */
} CachedFunction;

struct Jit {
  LLVMOrcLLJITRef lljit;
  int generation;          /* generations added so far */
  PtrVec defined;          /* char*: absolute symbols already defined */
  CachedFunction *cache;   /* exported functions of every generation */
  int ncache, cache_cap;
};

static void report(const char *what, LLVMErrorRef err) {
  char *msg = LLVMGetErrorMessage(err);
  driver_error("%s: %s", what, msg);
  LLVMDisposeErrorMessage(msg);
}

/* --- Runtime and extern symbols -------------------------------------------- */

/* Symbols defined for generated code: the runtime's entry points and the
   model's extern functions, each once per JIT. */
typedef struct SymbolTable {
  Jit *jit;
  LLVMOrcExecutionSessionRef es;
  LLVMJITCSymbolMapPair *pairs;
  int n, cap;
} SymbolTable;

static bool already_defined(const Jit *j, const char *name) {
  for (int k = 0; k < j->defined.len; k++)
    if (strcmp(j->defined.items[k], name) == 0) return true;
  return false;
}

static void add_symbol(const char *name, void *addr, void *ctx) {
  SymbolTable *t = ctx;
  if (already_defined(t->jit, name)) return;
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
  vec_push(&t->jit->defined, xstrdup(name));
}

static bool define_symbols(Jit *j, Compiled *c) {
  SymbolTable t = {j, LLVMOrcLLJITGetExecutionSession(j->lljit), NULL, 0, 0};
  int first_new = j->defined.len;
  add_symbol("snnrt_uniform", (void *)snnrt_uniform, &t);
  add_symbol("snnrt_normal", (void *)snnrt_normal, &t);
  add_symbol("snnrt_propagator", (void *)snnrt_propagator, &t);
  add_symbol("snnrt_row_of", (void *)snnrt_row_of, &t);
  add_symbol("snnrt_rate", (void *)snnrt_rate, &t);
  bool ok = extern_load_all(c->model, &c->diags, add_symbol, &t);
  diag_flush(&c->diags);
  LLVMErrorRef err = NULL;
  if (ok && t.n > 0) {
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(t.pairs, (size_t)t.n);
    err = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(j->lljit), mu);
  } else {
    for (int k = 0; k < t.n; k++) LLVMOrcReleaseSymbolStringPoolEntry(t.pairs[k].Name);
  }
  free(t.pairs);
  if (!ok || err) {
    /* Nothing of this table was defined: forget the names again. */
    while (j->defined.len > first_new) free(j->defined.items[--j->defined.len]);
  }
  if (err) {
    report("cannot define the runtime symbols", err);
    return false;
  }
  return ok;
}

/* --- Creating the JIT and adding modules ----------------------------------- */

static Jit *jit_create(Compiled *c) {
  /* The same target machine settings as `snnc build` uses, so that JIT and
     native binaries compute bit for bit the same. */
  LLVMTargetMachineRef tm = codegen_target_machine(c->cpu, c->features,
                                                   LLVMCodeGenLevelAggressive, LLVMRelocPIC);
  if (!tm) {
    driver_error("cannot create a code generator for this machine");
    return NULL;
  }
  LLVMOrcJITTargetMachineBuilderRef jtmb = LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm);
  LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
  LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder, jtmb);
  LLVMOrcLLJITRef lljit;
  LLVMErrorRef err = LLVMOrcCreateLLJIT(&lljit, builder);
  if (err) {
    report("cannot start the JIT", err);
    return NULL;
  }
  Jit *j = xcalloc(1, sizeof *j);
  j->lljit = lljit;
  LLVMOrcDefinitionGeneratorRef gen;
  err = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
      &gen, LLVMOrcLLJITGetGlobalPrefix(lljit), NULL, NULL);
  if (err) {
    report("cannot search the process for symbols", err);
    jit_free(j);
    return NULL;
  }
  LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(lljit), gen);
  return j;
}

/* Hands c->module to the JIT and returns the address of `descriptor`. */
static const SnnModel *add_module(Jit *j, Compiled *c, const char *descriptor) {
  if (!define_symbols(j, c)) return NULL;
  LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(c->module, c->tsc);
  c->module = NULL;
  LLVMErrorRef err =
      LLVMOrcLLJITAddLLVMIRModule(j->lljit, LLVMOrcLLJITGetMainJITDylib(j->lljit), tsm);
  if (err) {
    report("cannot add the model to the JIT", err);
    return NULL;
  }
  LLVMOrcExecutorAddress addr = 0;
  if ((err = LLVMOrcLLJITLookup(j->lljit, &addr, descriptor))) {
    report("cannot compile the model", err);
    return NULL;
  }
  return (const SnnModel *)(uintptr_t)addr;
}

const SnnModel *jit_load(Compiled *c, Jit **out) {
  *out = jit_create(c);
  return *out ? add_module(*out, c, "snn_model") : NULL;
}

/* --- Reusing machine code across generations -------------------------------- */

static const CachedFunction *cache_find(const Jit *j, uint64_t hash, const char *text) {
  for (int k = 0; k < j->ncache; k++)
    if (j->cache[k].hash == hash && strcmp(j->cache[k].fingerprint, text) == 0)
      return &j->cache[k];
  return NULL;
}

static void cache_add(Jit *j, uint64_t hash, char *text, char *symbol) {
  if (j->ncache == j->cache_cap) {
    j->cache_cap = j->cache_cap ? 2 * j->cache_cap : 16;
    j->cache = xrealloc(j->cache, sizeof *j->cache * (size_t)j->cache_cap);
  }
  j->cache[j->ncache++] = (CachedFunction){hash, text, symbol};
}

/* Replaces fn by a declaration of the symbol compiled earlier. */
static void reuse_function(LLVMModuleRef mod, LLVMValueRef fn, const char *symbol) {
  LLVMValueRef decl = LLVMGetNamedFunction(mod, symbol);
  if (!decl) decl = LLVMAddFunction(mod, symbol, LLVMGlobalGetValueType(fn));
  LLVMReplaceAllUsesWith(fn, decl);
  LLVMDeleteFunction(fn);
}

const SnnModel *jit_add_generation(Jit **jp, Compiled *c, JitReuse *stats) {
  memset(stats, 0, sizeof *stats);
  if (!*jp && !(*jp = jit_create(c))) return NULL;
  Jit *j = *jp;
  int gen = j->generation++;
  /* Fingerprints first, while the module is whole. */
  PtrVec fns = {0};
  for (LLVMValueRef fn = LLVMGetFirstFunction(c->module); fn; fn = LLVMGetNextFunction(fn))
    if (LLVMCountBasicBlocks(fn) > 0 && LLVMGetLinkage(fn) == LLVMExternalLinkage)
      vec_push(&fns, fn);
  int npending = 0;
  CachedFunction *pending = xcalloc((size_t)fns.len + 1, sizeof *pending);
  for (int k = 0; k < fns.len; k++) {
    LLVMValueRef fn = fns.items[k];
    char *text = ir_fingerprint(fn, false);
    uint64_t hash = ir_hash(text);

    const CachedFunction *hit = cache_find(j, hash, text);
    if (hit) {
      reuse_function(c->module, fn, hit->symbol);
      free(text);
      stats->reused++;
      continue;
    }
    size_t len;
    const char *name = LLVMGetValueName2(fn, &len);
    StrBuf renamed = {0};
    sb_printf(&renamed, "%.*s.g%d", (int)len, name, gen);
    char *symbol = renamed.data;
    LLVMSetValueName2(fn, symbol, strlen(symbol));
    pending[npending++] = (CachedFunction){hash, text, symbol};
    stats->compiled++;
  }
  vec_free(&fns);
  char descriptor[48];
  snprintf(descriptor, sizeof descriptor, "snn_model.g%d", gen);
  LLVMValueRef desc = LLVMGetNamedGlobal(c->module, "snn_model");
  assert(desc != NULL);
  LLVMSetValueName2(desc, descriptor, strlen(descriptor));

  double t0 = compile_clock();
  char *error = NULL;
  const SnnModel *model = NULL;
  if (!codegen_optimize(c->module, c->tm, &error)) {
    driver_error("optimisation failed: %s", error ? error : "unknown error");
    LLVMDisposeErrorMessage(error);
  } else {
    c->optimize_s = compile_clock() - t0;
    model = add_module(j, c, descriptor);
  }
  /* Only machine code that exists can be reused later. */
  for (int k = 0; k < npending; k++) {
    if (model) {
      cache_add(j, pending[k].hash, pending[k].fingerprint, pending[k].symbol);
    } else {
      free(pending[k].fingerprint);
      free(pending[k].symbol);
    }
  }
  free(pending);
  return model;
}

void jit_free(Jit *j) {
  if (!j) return;
  if (j->lljit) LLVMOrcDisposeLLJIT(j->lljit);
  for (int k = 0; k < j->defined.len; k++) free(j->defined.items[k]);
  vec_free(&j->defined);
  for (int k = 0; k < j->ncache; k++) {
    free(j->cache[k].fingerprint);
    free(j->cache[k].symbol);
  }
  free(j->cache);
  free(j);
}
