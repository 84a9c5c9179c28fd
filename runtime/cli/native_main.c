/*
** native_main.c: main() of native binaries built by `snnc build`.
**
** The generated object file defines the model descriptor `snn_model`; this
** file is linked beside it and hands it, with the command line, to the same
** runtime entry point that `snnc run` uses.
*/
#include "snnrt.h"

extern const SnnModel snn_model;

int main(int argc, char **argv) {
  return snnrt_main(&snn_model, argc, argv);
}
