/*
** codegen.c: module setup, shared helpers, host target and optimisation.
*/
#include "codegen.h"

#include <assert.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/DebugInfo.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>

LLVMTypeRef cg_ptr_to(LLVMTypeRef elem) { return LLVMPointerType(elem, 0); }

LLVMValueRef cg_i64(CodeGen *g, int64_t v) {
  return LLVMConstInt(g->i64, (unsigned long long)v, 1);
}

/* A structure shared with the runtime, built from its row of the layout
   table: every field is a pointer, a double or a 64-bit integer. */
static LLVMTypeRef shared_struct(CodeGen *g, SnnLayout layout) {
  LLVMTypeRef st = LLVMStructCreateNamed(g->ctx, layout.name);
  LLVMTypeRef types[SNN_MAX_FIELDS];
  assert(layout.nfields <= SNN_MAX_FIELDS && (int)strlen(layout.kinds) == layout.nfields);
  for (int k = 0; k < layout.nfields; k++) {
    char kind = layout.kinds[k];
    types[k] = kind == 'p' ? g->ptr : kind == 'd' ? g->f64 : g->i64;
  }
  LLVMStructSetBody(st, types, (unsigned)layout.nfields, 0);
  return st;
}

void codegen_init(CodeGen *g, Arena *a, Diags *d, Model *m, Plan *plan, LLVMContextRef ctx,
                  const char *cpu, const char *features) {
  memset(g, 0, sizeof *g);
  g->a = a;
  g->d = d;
  g->m = m;
  g->plan = plan;
  g->ctx = ctx;
  g->cpu = cpu;
  g->features = features;
  const char *name = m->main && m->main->file ? m->main->file->path : "model";
  g->mod = LLVMModuleCreateWithNameInContext(name, ctx);
  g->b = LLVMCreateBuilderInContext(ctx);
  g->f64 = LLVMDoubleTypeInContext(ctx);
  g->f32 = LLVMFloatTypeInContext(ctx);
  g->i1 = LLVMInt1TypeInContext(ctx);
  g->i8 = LLVMInt8TypeInContext(ctx);
  g->i32 = LLVMInt32TypeInContext(ctx);
  g->i64 = LLVMInt64TypeInContext(ctx);
  g->void_t = LLVMVoidTypeInContext(ctx);
  g->ptr = cg_ptr_to(g->i8);
  g->real = m->precision == PRECISION_SINGLE ? g->f32 : g->f64;
  g->kernel_args = shared_struct(g, snnrt_layout_of(SnnKernelArgs));
  g->synapse_args = shared_struct(g, snnrt_layout_of(SnnSynapseArgs));
  g->event_args = shared_struct(g, snnrt_layout_of(SnnEventArgs));
  g->param_t = shared_struct(g, snnrt_layout_of(SnnParam));
  g->variable_t = shared_struct(g, snnrt_layout_of(SnnVariable));
  g->population_t = shared_struct(g, snnrt_layout_of(SnnPopulation));
  g->additive_t = shared_struct(g, snnrt_layout_of(SnnAdditive));
  g->projection_t = shared_struct(g, snnrt_layout_of(SnnProjection));
  g->every_t = shared_struct(g, snnrt_layout_of(SnnEvery));
  g->pair_bound_t = shared_struct(g, snnrt_layout_of(SnnPairBound));
  g->monitor_t = shared_struct(g, snnrt_layout_of(SnnMonitor));
  g->model_t = shared_struct(g, snnrt_layout_of(SnnModel));
  g->reward_args_t = shared_struct(g, snnrt_layout_of(SnnRewardArgs));
  g->mod_source_t = shared_struct(g, snnrt_layout_of(SnnModSource));
  g->modulator_t = shared_struct(g, snnrt_layout_of(SnnModulator));
  g->drive_t = shared_struct(g, snnrt_layout_of(SnnDrive));
  g->reward_t = shared_struct(g, snnrt_layout_of(SnnReward));
  g->env_setting_t = shared_struct(g, snnrt_layout_of(SnnEnvSetting));
  g->encoder_t = shared_struct(g, snnrt_layout_of(SnnEncoder));
  g->agents_t = shared_struct(g, snnrt_layout_of(SnnAgents));
  g->environment_t = shared_struct(g, snnrt_layout_of(SnnEnvironment));
}

void codegen_free(CodeGen *g) {
  if (g->b) LLVMDisposeBuilder(g->b);
  g->b = NULL;
}

void cg_attribute(CodeGen *g, LLVMValueRef fn, unsigned index, const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  assert(kind != 0);
  LLVMAddAttributeAtIndex(fn, index, LLVMCreateEnumAttribute(g->ctx, kind, 0));
}

static void string_attribute(CodeGen *g, LLVMValueRef fn, const char *key, const char *value) {
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                          LLVMCreateStringAttribute(g->ctx, key, (unsigned)strlen(key), value,
                                                    (unsigned)strlen(value)));
}

LLVMValueRef cg_function(CodeGen *g, const char *name, LLVMTypeRef ret, LLVMTypeRef *args,
                         int nargs, bool exported) {
  LLVMTypeRef ty = LLVMFunctionType(ret, args, (unsigned)nargs, 0);
  LLVMValueRef fn = LLVMAddFunction(g->mod, name, ty);
  LLVMSetLinkage(fn, exported ? LLVMExternalLinkage : LLVMInternalLinkage);
  if (g->cpu && *g->cpu) string_attribute(g, fn, "target-cpu", g->cpu);
  if (g->features && *g->features) string_attribute(g, fn, "target-features", g->features);
  /* Let the back end fuse a * b + c into one FMA instruction: fewer
     operations and one rounding instead of two.  Nothing else about IEEE
     arithmetic is relaxed (NaN and Inf keep their meaning: the kernels
     rely on them to detect blow-ups). */
  string_attribute(g, fn, "unsafe-fp-math", "true");
  cg_attribute(g, fn, LLVMAttributeFunctionIndex, "nounwind");
  return fn;
}

LLVMValueRef cg_declare(CodeGen *g, const char *name, LLVMTypeRef ret, LLVMTypeRef *args,
                        int nargs) {
  LLVMValueRef fn = LLVMGetNamedFunction(g->mod, name);
  if (fn) return fn;
  fn = LLVMAddFunction(g->mod, name, LLVMFunctionType(ret, args, (unsigned)nargs, 0));
  cg_attribute(g, fn, LLVMAttributeFunctionIndex, "nounwind");
  return fn;
}

LLVMValueRef cg_call(CodeGen *g, LLVMValueRef fn, LLVMValueRef *args, int nargs) {
  LLVMTypeRef ty = LLVMGlobalGetValueType(fn);
  return LLVMBuildCall2(g->b, ty, fn, args, (unsigned)nargs, "");
}

LLVMValueRef cg_load_at(CodeGen *g, LLVMTypeRef elem, LLVMValueRef base, LLVMValueRef i) {
  LLVMValueRef typed = LLVMBuildBitCast(g->b, base, cg_ptr_to(elem), "");
  LLVMValueRef p = LLVMBuildInBoundsGEP2(g->b, elem, typed, &i, 1, "");
  return LLVMBuildLoad2(g->b, elem, p, "");
}

void cg_store_at(CodeGen *g, LLVMTypeRef elem, LLVMValueRef base, LLVMValueRef i, LLVMValueRef v) {
  LLVMValueRef typed = LLVMBuildBitCast(g->b, base, cg_ptr_to(elem), "");
  LLVMValueRef p = LLVMBuildInBoundsGEP2(g->b, elem, typed, &i, 1, "");
  LLVMBuildStore(g->b, v, p);
}

LLVMValueRef cg_load_field(CodeGen *g, LLVMTypeRef st, LLVMValueRef p, int index) {
  assert(index >= 0 && (unsigned)index < LLVMCountStructElementTypes(st));
  LLVMTypeRef field = LLVMStructGetTypeAtIndex(st, (unsigned)index);
  LLVMValueRef typed = LLVMBuildBitCast(g->b, p, cg_ptr_to(st), "");
  LLVMValueRef fp = LLVMBuildStructGEP2(g->b, st, typed, (unsigned)index, "");
  return LLVMBuildLoad2(g->b, field, fp, "");
}

void cg_loop_interleave(CodeGen *g, LLVMValueRef branch, int count) {
  /* !llvm.loop !0, !0 = distinct !{!0, !1}, !1 = !{"llvm.loop.interleave.count", i32 count}:
     the loop's identity refers to itself, made through a temporary node. */
  LLVMContextRef c = g->ctx;
  const char *key = "llvm.loop.interleave.count";
  LLVMMetadataRef hint[2] = {LLVMMDStringInContext2(c, key, strlen(key)),
                             LLVMValueAsMetadata(LLVMConstInt(LLVMInt32TypeInContext(c),
                                                              (unsigned)count, 0))};
  LLVMMetadataRef self = LLVMTemporaryMDNode(c, NULL, 0);
  LLVMMetadataRef ops[2] = {self, LLVMMDNodeInContext2(c, hint, 2)};
  LLVMMetadataRef loop = LLVMMDNodeInContext2(c, ops, 2);
  LLVMMetadataReplaceAllUsesWith(self, loop);
  LLVMSetMetadata(branch, LLVMGetMDKindIDInContext(c, "llvm.loop", 9),
                  LLVMMetadataAsValue(c, loop));
}

void cg_loop(CodeGen *g, LLVMValueRef fn, LLVMValueRef begin, LLVMValueRef end,
             void (*body)(void *ctx, LLVMValueRef k), void *ctx) {
  LLVMBasicBlockRef before = LLVMGetInsertBlock(g->b);
  LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(g->ctx, fn, "loop");
  LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(g->ctx, fn, "done");
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, begin, end, ""), loop, exit);
  LLVMPositionBuilderAtEnd(g->b, loop);
  LLVMValueRef k = LLVMBuildPhi(g->b, LLVMTypeOf(begin), "k");
  body(ctx, k);
  LLVMValueRef next = LLVMBuildAdd(g->b, k, LLVMConstInt(LLVMTypeOf(begin), 1, 0), "");
  LLVMBasicBlockRef latch = LLVMGetInsertBlock(g->b);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, next, end, ""), loop, exit);
  LLVMValueRef vals[2] = {begin, next};
  LLVMBasicBlockRef blocks[2] = {before, latch};
  LLVMAddIncoming(k, vals, blocks, 2);
  LLVMPositionBuilderAtEnd(g->b, exit);
}

Env cg_env(CodeGen *g, LLVMBasicBlockRef entry, LLVMTypeRef real, LLVMValueRef param, int pop,
           int proj) {
  Env env;
  memset(&env, 0, sizeof env);
  env.g = g;
  env.real = real;
  env.entry = entry;
  env.param = param;
  env.pop = pop;
  env.proj = proj;
  env.param_cache = arena_alloc(g->a, sizeof(ParamCache));
  return env;
}

LLVMBasicBlockRef cg_enter_entry(Env *env) {
  LLVMBasicBlockRef body = LLVMGetInsertBlock(env->g->b);
  LLVMValueRef term = LLVMGetBasicBlockTerminator(env->entry);
  if (term)
    LLVMPositionBuilderBefore(env->g->b, term);
  else
    LLVMPositionBuilderAtEnd(env->g->b, env->entry);
  return body;
}

void cg_leave_entry(Env *env, LLVMBasicBlockRef body) {
  /* Entered from the entry block itself (nested hoisting): go back to
     where it was, before its terminator if it has one by now. */
  LLVMValueRef term = body == env->entry ? LLVMGetBasicBlockTerminator(body) : NULL;
  if (term)
    LLVMPositionBuilderBefore(env->g->b, term);
  else
    LLVMPositionBuilderAtEnd(env->g->b, body);
}

bool codegen_module(CodeGen *g) {
  Model *m = g->m;
  int npop = m->populations.len, nproj = m->projections.len;
  LLVMValueRef *pop_fns = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(4 * npop + 1));
  for (int k = 0; k < npop; k++) {
    Population *p = m->populations.items[k];
    if (p->kind == POP_NEURONS)
      cg_population(g, k, &pop_fns[4 * k], &pop_fns[4 * k + 1], &pop_fns[4 * k + 2]);
    else if (p->kind == POP_POISSON)
      pop_fns[4 * k + 3] = cg_rate_function(g, k);
  }
  ProjFunctions *proj_fns = arena_alloc(g->a, sizeof(ProjFunctions) * (size_t)(nproj + 1));
  for (int k = 0; k < nproj; k++) cg_projection(g, k, &proj_fns[k]);
  LLVMValueRef *derive = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(g->plan->nparams + 1));
  for (int k = 0; k < g->plan->nparams; k++)
    if (!plan_param_value(g->plan, k)->is_const) derive[k] = cg_derived_param(g, k);
  cg_descriptor(g, pop_fns, proj_fns, derive);
  char *error = NULL;
  if (LLVMVerifyModule(g->mod, LLVMReturnStatusAction, &error)) {
    diag_error(g->d, span_none(), "internal error: the generated code is invalid:\n%s", error);
    LLVMDisposeMessage(error);
    return false;
  }
  LLVMDisposeMessage(error);
  return true;
}

void codegen_host(char **cpu, char **features) {
  *cpu = LLVMGetHostCPUName();
  *features = LLVMGetHostCPUFeatures();
}

LLVMTargetMachineRef codegen_target_machine(const char *cpu, const char *features,
                                            LLVMCodeGenOptLevel level, LLVMRelocMode reloc) {
  LLVMInitializeNativeTarget();
  LLVMInitializeNativeAsmPrinter();
  char *triple = LLVMGetDefaultTargetTriple();
  LLVMTargetRef target;
  char *error = NULL;
  LLVMTargetMachineRef tm = NULL;
  if (LLVMGetTargetFromTriple(triple, &target, &error) == 0)
    tm = LLVMCreateTargetMachine(target, triple, cpu, features, level, reloc,
                                 LLVMCodeModelDefault);
  LLVMDisposeMessage(error);
  LLVMDisposeMessage(triple);
  return tm;
}

bool codegen_optimize(LLVMModuleRef mod, LLVMTargetMachineRef tm, char **error) {
  char *triple = LLVMGetTargetMachineTriple(tm);
  LLVMSetTarget(mod, triple);
  LLVMDisposeMessage(triple);
  LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(tm);
  char *dl = LLVMCopyStringRepOfTargetData(layout);
  LLVMSetDataLayout(mod, dl);
  LLVMDisposeMessage(dl);
  LLVMDisposeTargetData(layout);
  /* Populations of one neuron type get identical kernels: mergefunc keeps
     one body (the others jump to it) before O3 spends time on copies.
     Loops are vectorised and interleaved but not unrolled further: on the
     benchmarks unrolling gained nothing measurable and doubled the code
     the back end has to compile. */
  LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
  LLVMPassBuilderOptionsSetLoopVectorization(opts, 1);
  LLVMPassBuilderOptionsSetSLPVectorization(opts, 1);
  LLVMPassBuilderOptionsSetLoopInterleaving(opts, 1);
  LLVMPassBuilderOptionsSetLoopUnrolling(opts, 0);
  LLVMErrorRef err = LLVMRunPasses(mod, "mergefunc,default<O3>", tm, opts);
  LLVMDisposePassBuilderOptions(opts);
  if (err) {
    *error = LLVMGetErrorMessage(err);
    return false;
  }
  return true;
}
