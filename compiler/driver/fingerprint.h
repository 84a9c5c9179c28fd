/*
** fingerprint.h: the identity of generated functions (fingerprint.c).
*/
#ifndef SNN_FINGERPRINT_H
#define SNN_FINGERPRINT_H

#include <stdbool.h>
#include <stdint.h>

#include <llvm-c/Core.h>

/* The fingerprint of a defined function (malloc'd text); with `anonymous`,
   its own name is left out, so that renamed copies compare equal. */
char *ir_fingerprint(LLVMValueRef fn, bool anonymous);
/* FNV-1a of a fingerprint. */
uint64_t ir_hash(const char *text);
/* Replaces every exported function that is the same as an earlier one by
   that one; returns how many were removed. */
int merge_identical_functions(LLVMModuleRef mod);

#endif
