/*
** fingerprint.c: the identity of a generated function, as text, and the
** merging of functions that are the same.
**
** A function's fingerprint is its unoptimised IR written out structurally
** (each instruction's opcode, types, predicate, alignment and operands,
** values numbered in order, constants by value, attributes by content),
** followed by that of every function and global it reaches.  It is written
** by walking the IR, not by printing it: LLVM's printer numbers the whole
** module for every value it prints, which made fingerprinting a module of
** thousands of functions quadratic.
** Two functions with the same fingerprint compile to the same machine
** code.  The REPL's JIT uses this to reuse earlier generations' code
** (jit.c); merge_identical_functions uses it inside one module, where a
** model of 2000 populations of one neuron model would otherwise send 2000
** copies of the same kernel through the optimiser and the code generator.
*/
#include "fingerprint.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct Fingerprint {
  StrBuf text;
  PtrVec seen;  /* LLVMValueRef: functions and globals already included */
  /* The numbers of a function's instructions, arguments and blocks, by
     address (open addressing; rebuilt per function). */
  LLVMValueRef *key;
  int *number;
  int cap;
} Fingerprint;

static void fingerprint_value(Fingerprint *f, LLVMValueRef v);

static int number_of(const Fingerprint *f, LLVMValueRef v) {
  uint64_t h = (uint64_t)(uintptr_t)v * 0x9E3779B97F4A7C15ull;
  for (int q = (int)(h >> 40) & (f->cap - 1);; q = (q + 1) & (f->cap - 1)) {
    if (f->key[q] == v) return f->number[q];
    if (!f->key[q]) return -1;
  }
}

static void set_number(Fingerprint *f, LLVMValueRef v, int n) {
  uint64_t h = (uint64_t)(uintptr_t)v * 0x9E3779B97F4A7C15ull;
  for (int q = (int)(h >> 40) & (f->cap - 1);; q = (q + 1) & (f->cap - 1))
    if (!f->key[q] || f->key[q] == v) {
      f->key[q] = v;
      f->number[q] = n;
      return;
    }
}

static void put_type(Fingerprint *f, LLVMTypeRef t) {
  char *text = LLVMPrintTypeToString(t);
  sb_puts(&f->text, text);
  LLVMDisposeMessage(text);
}

/* A global or function by name: its name is part of what it is, except
   for the internal functions that ir_fingerprint renames. */
static void put_name(Fingerprint *f, LLVMValueRef v) {
  size_t len;
  const char *name = LLVMGetValueName2(v, &len);
  sb_printf(&f->text, "@%.*s", (int)len, name);
}

/* An operand: a value of this function by its number, a constant by its
   value, a global by its name (and, the first time, in full). */
static void put_operand(Fingerprint *f, LLVMValueRef op) {
  if (!op) {
    sb_puts(&f->text, " -");
    return;
  }
  sb_putc(&f->text, ' ');
  if (LLVMIsAFunction(op) || LLVMIsAGlobalVariable(op)) {
    put_name(f, op);
    return;
  }
  int n = f->cap ? number_of(f, op) : -1;
  if (n >= 0) {
    sb_printf(&f->text, "%%%d", n);
    return;
  }
  put_type(f, LLVMTypeOf(op));
  if (LLVMIsAConstantInt(op)) {
    sb_printf(&f->text, " %lld", (long long)LLVMConstIntGetSExtValue(op));
  } else if (LLVMIsAConstantFP(op)) {
    LLVMBool loses;
    sb_printf(&f->text, " %a", LLVMConstRealGetDouble(op, &loses));
  } else if (LLVMIsAConstantPointerNull(op) || LLVMIsAConstantAggregateZero(op)) {
    sb_puts(&f->text, " zero");
  } else if (LLVMIsAUndefValue(op)) {
    sb_puts(&f->text, " undef");
  } else if (LLVMIsAConstantDataSequential(op)) {
    unsigned len = LLVMGetTypeKind(LLVMTypeOf(op)) == LLVMVectorTypeKind
                       ? LLVMGetVectorSize(LLVMTypeOf(op))
                       : (unsigned)LLVMGetArrayLength(LLVMTypeOf(op));
    sb_puts(&f->text, " [");
    for (unsigned k = 0; k < len; k++) put_operand(f, LLVMGetElementAsConstant(op, k));
    sb_puts(&f->text, " ]");
  } else if (LLVMIsAConstantExpr(op)) {
    sb_printf(&f->text, " expr %d (", (int)LLVMGetConstOpcode(op));
    int k = LLVMGetNumOperands(op);
    for (int q = 0; q < k; q++) put_operand(f, LLVMGetOperand(op, (unsigned)q));
    sb_puts(&f->text, " )");
  } else if (LLVMIsAConstant(op)) {
    /* structs, arrays, vectors: their elements */
    sb_puts(&f->text, " {");
    int k = LLVMGetNumOperands(op);
    for (int q = 0; q < k; q++) put_operand(f, LLVMGetOperand(op, (unsigned)q));
    sb_puts(&f->text, " }");
  } else {
    sb_puts(&f->text, " ?");
  }
}

/* Includes (once) every global and function an operand refers to. */
static void include_referenced(Fingerprint *f, LLVMValueRef op) {
  if (!op) return;
  if (LLVMIsAFunction(op) || LLVMIsAGlobalVariable(op)) {
    fingerprint_value(f, op);
  } else if (LLVMIsAConstantExpr(op) || LLVMIsAConstantStruct(op) ||
             LLVMIsAConstantArray(op) || LLVMIsAConstantVector(op)) {
    int n = LLVMGetNumOperands(op);
    for (int k = 0; k < n; k++) include_referenced(f, LLVMGetOperand(op, (unsigned)k));
  }
}

/* Appends the attributes of a function, or of a call instruction's site,
   at every index (return value, parameters, the function itself): printed
   IR shows them only as numbered groups, whose numbering depends on the
   whole module. */
static void fingerprint_attributes(Fingerprint *f, LLVMValueRef v, bool call_site) {
  unsigned nparams = call_site ? LLVMGetNumArgOperands(v) : LLVMCountParams(v);
  for (unsigned q = 0; q <= nparams + 1; q++) {
    LLVMAttributeIndex idx = q == nparams + 1 ? (LLVMAttributeIndex)LLVMAttributeFunctionIndex : q;
    unsigned n = call_site ? LLVMGetCallSiteAttributeCount(v, idx)
                           : LLVMGetAttributeCountAtIndex(v, idx);
    if (n == 0) continue;
    LLVMAttributeRef *attrs = xcalloc(n, sizeof *attrs);
    if (call_site)
      LLVMGetCallSiteAttributes(v, idx, attrs);
    else
      LLVMGetAttributesAtIndex(v, idx, attrs);
    sb_printf(&f->text, "%s attributes %u:", call_site ? "call" : "function", (unsigned)idx);
    for (unsigned k = 0; k < n; k++) {
      if (LLVMIsStringAttribute(attrs[k])) {
        unsigned klen, vlen;
        const char *key = LLVMGetStringAttributeKind(attrs[k], &klen);
        const char *val = LLVMGetStringAttributeValue(attrs[k], &vlen);
        sb_printf(&f->text, " \"%.*s\"=\"%.*s\"", (int)klen, key, (int)vlen, val);
      } else {
        sb_printf(&f->text, " %u=%llu", LLVMGetEnumAttributeKind(attrs[k]),
                  (unsigned long long)LLVMGetEnumAttributeValue(attrs[k]));
      }
    }
    sb_putc(&f->text, '\n');
    free(attrs);
  }
}

/* One instruction: its opcode, result type, the details that its
   operands do not show, and its operands. */
static void put_instruction(Fingerprint *f, LLVMValueRef in) {
  LLVMOpcode op = LLVMGetInstructionOpcode(in);
  sb_printf(&f->text, "  %%%d = %d ", number_of(f, in), (int)op);
  put_type(f, LLVMTypeOf(in));
  switch (op) {
  case LLVMICmp: sb_printf(&f->text, " pred %d", (int)LLVMGetICmpPredicate(in)); break;
  case LLVMFCmp: sb_printf(&f->text, " pred %d", (int)LLVMGetFCmpPredicate(in)); break;
  case LLVMAlloca:
    sb_puts(&f->text, " of ");
    put_type(f, LLVMGetAllocatedType(in));
    break;
  case LLVMGetElementPtr:
    sb_printf(&f->text, " inbounds %d of ", LLVMIsInBounds(in));
    put_type(f, LLVMGetGEPSourceElementType(in));
    break;
  case LLVMLoad:
  case LLVMStore: sb_printf(&f->text, " align %u", LLVMGetAlignment(in)); break;
  case LLVMCall:
    sb_printf(&f->text, " tail %d ", LLVMIsTailCall(in));
    put_type(f, LLVMGetCalledFunctionType(in));
    break;
  case LLVMPHI: {
    unsigned n = LLVMCountIncoming(in);
    for (unsigned k = 0; k < n; k++) {
      put_operand(f, LLVMGetIncomingValue(in, k));
      sb_printf(&f->text, " from %d", number_of(f, LLVMBasicBlockAsValue(LLVMGetIncomingBlock(in, k))));
    }
    sb_putc(&f->text, '\n');
    return;
  }
  default: break;
  }
  int n = LLVMGetNumOperands(in);
  for (int k = 0; k < n; k++) {
    LLVMValueRef v = LLVMGetOperand(in, (unsigned)k);
    if (v && LLVMValueIsBasicBlock(v))
      sb_printf(&f->text, " bb%d", number_of(f, v));
    else
      put_operand(f, v);
  }
  sb_putc(&f->text, '\n');
}

/* Numbers a function's arguments, blocks and instructions in order. */
static void number_function(Fingerprint *f, LLVMValueRef fn) {
  int count = (int)LLVMCountParams(fn);
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
    count++;
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in))
      count++;
  }
  free(f->key);
  free(f->number);
  f->cap = 16;
  while (f->cap < 2 * count) f->cap *= 2;
  f->key = xcalloc((size_t)f->cap, sizeof *f->key);
  f->number = xcalloc((size_t)f->cap, sizeof *f->number);
  int n = 0;
  for (unsigned k = 0; k < LLVMCountParams(fn); k++) set_number(f, LLVMGetParam(fn, k), n++);
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
    set_number(f, LLVMBasicBlockAsValue(bb), n++);
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in))
      set_number(f, in, n++);
  }
}

static void fingerprint_value(Fingerprint *f, LLVMValueRef v) {
  for (int k = 0; k < f->seen.len; k++)
    if (f->seen.items[k] == v) return;
  vec_push(&f->seen, v);
  if (LLVMIsAGlobalVariable(v)) {
    sb_puts(&f->text, "global ");
    put_name(f, v);
    sb_printf(&f->text, " const %d linkage %d ", LLVMIsGlobalConstant(v), (int)LLVMGetLinkage(v));
    put_type(f, LLVMGlobalGetValueType(v));
    LLVMValueRef init = LLVMGetInitializer(v);
    int saved = f->cap;
    f->cap = 0; /* a constant refers to no instruction */
    put_operand(f, init);
    f->cap = saved;
    sb_putc(&f->text, '\n');
    include_referenced(f, init);
    return;
  }
  sb_puts(&f->text, LLVMCountBasicBlocks(v) ? "define " : "declare ");
  put_name(f, v);
  sb_printf(&f->text, " linkage %d ", (int)LLVMGetLinkage(v));
  put_type(f, LLVMGlobalGetValueType(v));
  sb_putc(&f->text, '\n');
  fingerprint_attributes(f, v, false);
  if (LLVMCountBasicBlocks(v) == 0) return;
  number_function(f, v);
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(v); bb; bb = LLVMGetNextBasicBlock(bb)) {
    sb_printf(&f->text, " bb%d:\n", number_of(f, LLVMBasicBlockAsValue(bb)));
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in)) {
      if (LLVMIsACallInst(in)) fingerprint_attributes(f, in, true);
      put_instruction(f, in);
    }
  }
  /* What it refers to, after it (their own numbering replaces this one). */
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(v); bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in)) {
      int n = LLVMGetNumOperands(in);
      for (int k = 0; k < n; k++) include_referenced(f, LLVMGetOperand(in, (unsigned)k));
    }
}

static void fingerprint_free(Fingerprint *f) {
  vec_free(&f->seen);
  free(f->key);
  free(f->number);
}

uint64_t ir_hash(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

/* Renames fn and the internal functions it reaches to names that say only
   in which order they were met, and returns their names as they were (to
   give back with restore_names); `seen` is what a first walk reached. */
static char **anonymise(LLVMValueRef fn, const PtrVec *seen) {
  char **names = xcalloc((size_t)seen->len + 1, sizeof *names);
  for (int k = 0; k < seen->len; k++) {
    LLVMValueRef v = seen->items[k];
    if (!LLVMIsAFunction(v) || (v != fn && LLVMGetLinkage(v) != LLVMInternalLinkage)) continue;
    if (LLVMCountBasicBlocks(v) == 0) continue;
    size_t len;
    names[k] = xstrdup(LLVMGetValueName2(v, &len));
    char anon[48];
    snprintf(anon, sizeof anon, "snn.fingerprinted.%d", k);
    LLVMSetValueName2(v, anon, strlen(anon));
  }
  return names;
}

static void restore_names(const PtrVec *seen, char **names) {
  for (int k = 0; k < seen->len; k++)
    if (names[k]) {
      LLVMSetValueName2(seen->items[k], names[k], strlen(names[k]));
      free(names[k]);
    }
  free(names);
}

char *ir_fingerprint(LLVMValueRef fn, bool anonymous) {
  Fingerprint f = {{0}, {0}, NULL, NULL, 0};
  fingerprint_value(&f, fn);
  if (anonymous) {
    /* Again, under names that do not tell copies apart (snn_step_body_3 and
       snn_step_body_4 become the same name). */
    char **names = anonymise(fn, &f.seen);
    sb_free(&f.text);
    PtrVec seen = f.seen;
    f.seen = (PtrVec){0};
    fingerprint_value(&f, fn);
    restore_names(&seen, names);
    vec_free(&seen);
  }
  fingerprint_free(&f);
  return f.text.data ? f.text.data : xstrdup(""); /* the buffer's, now the caller's */
}

int merge_identical_functions(LLVMModuleRef mod) {
  PtrVec fns = {0};
  for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
    if (LLVMCountBasicBlocks(fn) > 0 && LLVMGetLinkage(fn) == LLVMExternalLinkage)
      vec_push(&fns, fn);
  int n = fns.len, merged = 0;
  char **text = xcalloc((size_t)n + 1, sizeof *text);
  uint64_t *hash = xcalloc((size_t)n + 1, sizeof *hash);
  /* All fingerprints first: merging changes what later ones would read. */
  for (int k = 0; k < n; k++) {
    text[k] = ir_fingerprint(fns.items[k], true);
    hash[k] = ir_hash(text[k]);
  }
  /* An open-addressing table from fingerprint to the first function. */
  int cap = 16;
  while (cap < 2 * n) cap *= 2;
  int *first = xcalloc((size_t)cap, sizeof *first); /* index + 1; 0: empty */
  for (int k = 0; k < n; k++) {
    for (uint64_t q = hash[k] & (uint64_t)(cap - 1);; q = (q + 1) & (uint64_t)(cap - 1)) {
      int e = first[q] - 1;
      if (e < 0) {
        first[q] = k + 1;
        break;
      }
      if (hash[e] == hash[k] && strcmp(text[e], text[k]) == 0) {
        LLVMValueRef fn = fns.items[k];
        LLVMReplaceAllUsesWith(fn, fns.items[e]);
        LLVMDeleteFunction(fn);
        merged++;
        break;
      }
    }
  }
  for (int k = 0; k < n; k++) free(text[k]);
  free(text);
  free(hash);
  free(first);
  vec_free(&fns);
  return merged;
}
