/*
** fuzz_replay.c: runs the fuzz target on given inputs, without libFuzzer.
**
** usage: fuzz_replay [--min N] PATH...
** Each PATH is a file, or a folder whose files (not subfolders, not dot
** files) are all replayed in name order.  Every input goes through
** LLVMFuzzerTestOneInput (fuzz_frontend.c) exactly as the fuzzer would
** hand it over: a heap block of exactly the file's size, so that the
** sanitizers catch a read past its end.  A bug aborts the process; the
** last "replay:" line names the input.  Exit status 1 when a path cannot
** be read or fewer than N inputs (default 1) were found, so that a seed
** folder that went missing or empty fails instead of passing.
*/
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads a whole file into a block of exactly its size (one byte for an
   empty file, which is passed with size 0). */
static uint8_t *read_input(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  uint8_t *data = NULL;
  size_t len = 0;
  if (fseek(f, 0, SEEK_END) == 0) {
    long end = ftell(f);
    if (end >= 0 && fseek(f, 0, SEEK_SET) == 0) {
      len = (size_t)end;
      data = malloc(len ? len : 1);
      if (data && fread(data, 1, len, f) != len) {
        free(data);
        data = NULL;
      }
    }
  }
  fclose(f);
  *size = len;
  return data;
}

/* Replays one file; false if it cannot be read. */
static bool replay_file(const char *path) {
  size_t size;
  uint8_t *data = read_input(path, &size);
  if (!data) {
    fprintf(stderr, "fuzz_replay: cannot read '%s': %s\n", path, strerror(errno));
    return false;
  }
  printf("replay: %s\n", path);
  fflush(stdout);
  LLVMFuzzerTestOneInput(data, size);
  free(data);
  return true;
}

static int not_hidden(const struct dirent *e) { return e->d_name[0] != '.'; }

/* Replays the regular files of a folder in name order; adds to *count. */
static bool replay_folder(const char *dir, long *count) {
  struct dirent **names;
  int n = scandir(dir, &names, not_hidden, alphasort);
  if (n < 0) {
    fprintf(stderr, "fuzz_replay: cannot list '%s': %s\n", dir, strerror(errno));
    return false;
  }
  bool ok = true;
  for (int k = 0; k < n; k++) {
    size_t len = strlen(dir) + strlen(names[k]->d_name) + 2;
    char *path = malloc(len);
    struct stat st;
    if (!path) abort();
    snprintf(path, len, "%s/%s", dir, names[k]->d_name);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
      ok = replay_file(path) && ok;
      (*count)++;
    }
    free(path);
    free(names[k]);
  }
  free(names);
  return ok;
}

int main(int argc, char **argv) {
  long min = 1, count = 0;
  int first = 1;
  if (argc > 2 && strcmp(argv[1], "--min") == 0) {
    min = strtol(argv[2], NULL, 10);
    first = 3;
  }
  if (first >= argc) {
    fprintf(stderr, "usage: fuzz_replay [--min N] PATH...\n");
    return 2;
  }
  bool ok = true;
  for (int k = first; k < argc; k++) {
    struct stat st;
    if (stat(argv[k], &st) != 0) {
      fprintf(stderr, "fuzz_replay: '%s': %s\n", argv[k], strerror(errno));
      ok = false;
    } else if (S_ISDIR(st.st_mode)) {
      ok = replay_folder(argv[k], &count) && ok;
    } else {
      ok = replay_file(argv[k]) && ok;
      count++;
    }
  }
  printf("replayed %ld inputs\n", count);
  if (count < min) {
    fprintf(stderr, "fuzz_replay: %ld inputs, fewer than the %ld expected\n", count, min);
    ok = false;
  }
  return ok ? 0 : 1;
}
