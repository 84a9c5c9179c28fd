/*
** test_npy.c: unit tests for the .npy writer and reader (runtime/npy.c).
**
** Round trips every element type in 1-D and 2-D, streams across buffer
** boundaries, reads files that were only flushed, feeds the reader corrupt
** and hostile files, provokes a write failure half way through a stream, and
** finally has NumPy itself load our files (and write files for our reader).
*/
#define _POSIX_C_SOURCE 200809L
#include "npy.h"
#include "test.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#define PYTHON "/usr/bin/python3"

static char tmpdir[64];

/* Builds tmpdir/name into buf. */
static const char *tmp_path(char *buf, size_t cap, const char *name) {
  snprintf(buf, cap, "%s/%s", tmpdir, name);
  return buf;
}

/* Element i of the test pattern for type t, stored at out; the same
** formulas appear in the NumPy check script below. */
static void pattern(NpyType t, int64_t i, void *out) {
  switch (t) {
    case NPY_F64: {
      double v = (double)i * 0.5 - 3.0;
      memcpy(out, &v, 8);
      break;
    }
    case NPY_F32: {
      float v = (float)i * 0.25f;
      memcpy(out, &v, 4);
      break;
    }
    case NPY_I32: {
      int32_t v = (int32_t)(i * 7 - 1000);
      memcpy(out, &v, 4);
      break;
    }
    case NPY_I64: {
      int64_t v = i * 1000003 - ((int64_t)1 << 40);
      memcpy(out, &v, 8);
      break;
    }
    case NPY_U8: {
      uint8_t v = (uint8_t)((i * 31) % 256);
      memcpy(out, &v, 1);
      break;
    }
  }
}

/* Nonzero if a holds the pattern for elements 0..n-1. */
static int matches_pattern(const NpyArray *a, int64_t n) {
  size_t sz = npy_type_size(a->type);
  unsigned char want[8];
  int64_t i;
  for (i = 0; i < n; i++) {
    pattern(a->type, i, want);
    if (memcmp((unsigned char *)a->data + i * (int64_t)sz, want, sz) != 0)
      return 0;
  }
  return 1;
}

/* Writes n pattern elements of type t to path in chunks of chunk elements;
** ncols as for npy_open.  Returns npy_close's result. */
static int write_pattern(const char *path, NpyType t, int64_t ncols, int64_t n,
                         int64_t chunk) {
  char err[256];
  unsigned char *buf = malloc((size_t)(chunk > 0 ? chunk : 1) * 8);
  NpyWriter *w = npy_open(path, t, ncols, err, sizeof err);
  int64_t i = 0, j;
  size_t sz = npy_type_size(t);
  CHECK(w != NULL);
  if (!w) {
    fprintf(stderr, "npy_open: %s\n", err);
    free(buf);
    return -1;
  }
  while (i < n) {
    int64_t k = n - i < chunk ? n - i : chunk;
    for (j = 0; j < k; j++) pattern(t, i + j, buf + j * (int64_t)sz);
    CHECK_EQ_INT(npy_append(w, buf, k), NPY_OK);
    i += k;
  }
  CHECK_EQ_INT(npy_rows(w), ncols > 0 ? n / ncols : n);
  free(buf);
  return npy_close(w);
}

static void test_roundtrip_types(void) {
  char path[128], err[256];
  NpyType t;
  for (t = NPY_F64; t <= NPY_U8; t++) {
    NpyArray a;
    /* 1-D */
    CHECK_EQ_INT(
        write_pattern(tmp_path(path, sizeof path, "rt1.npy"), t, 0, 1000, 37),
        NPY_OK);
    CHECK_EQ_INT(npy_read(path, &a, err, sizeof err), NPY_OK);
    CHECK_EQ_INT(a.type, t);
    CHECK_EQ_INT(a.ndim, 1);
    CHECK_EQ_INT(a.shape[0], 1000);
    CHECK_EQ_INT(npy_array_count(&a), 1000);
    CHECK(matches_pattern(&a, 1000));
    npy_array_free(&a);
    CHECK(a.data == NULL);
    /* 2-D, appended one row at a time */
    CHECK_EQ_INT(write_pattern(path, t, 3, 300, 3), NPY_OK);
    CHECK_EQ_INT(npy_read(path, &a, err, sizeof err), NPY_OK);
    CHECK_EQ_INT(a.type, t);
    CHECK_EQ_INT(a.ndim, 2);
    CHECK_EQ_INT(a.shape[0], 100);
    CHECK_EQ_INT(a.shape[1], 3);
    CHECK(matches_pattern(&a, 300));
    npy_array_free(&a);
  }
}

static void test_empty(void) {
  char path[128], err[256];
  NpyArray a;
  CHECK_EQ_INT(
      write_pattern(tmp_path(path, sizeof path, "e1.npy"), NPY_F64, 0, 0, 1),
      NPY_OK);
  CHECK_EQ_INT(npy_read(path, &a, err, sizeof err), NPY_OK);
  CHECK_EQ_INT(a.ndim, 1);
  CHECK_EQ_INT(a.shape[0], 0);
  CHECK(a.data != NULL);
  npy_array_free(&a);
  CHECK_EQ_INT(
      write_pattern(tmp_path(path, sizeof path, "e2.npy"), NPY_I32, 5, 0, 5),
      NPY_OK);
  CHECK_EQ_INT(npy_read(path, &a, err, sizeof err), NPY_OK);
  CHECK_EQ_INT(a.ndim, 2);
  CHECK_EQ_INT(a.shape[0], 0);
  CHECK_EQ_INT(a.shape[1], 5);
  npy_array_free(&a);
}

/* The header must be byte-for-byte what NumPy writes, padded to 128. */
static void test_header_text(void) {
  char path[128], hdr[NPY_HEADER_BYTES + 1];
  const char *want =
      "{'descr': '<f8', 'fortran_order': False, "
      "'shape': (7, 2), }";
  FILE *f;
  size_t n;
  CHECK_EQ_INT(
      write_pattern(tmp_path(path, sizeof path, "h.npy"), NPY_F64, 2, 14, 2),
      NPY_OK);
  f = fopen(path, "rb");
  CHECK(f != NULL);
  if (!f) return;
  n = fread(hdr, 1, NPY_HEADER_BYTES, f);
  fclose(f);
  CHECK_EQ_INT(n, NPY_HEADER_BYTES);
  hdr[NPY_HEADER_BYTES] = '\0';
  CHECK(memcmp(hdr, "\x93NUMPY\x01\x00", 8) == 0);
  CHECK_EQ_INT((unsigned char)hdr[8] | (unsigned char)hdr[9] << 8,
               NPY_HEADER_BYTES - 10);
  CHECK(strncmp(hdr + 10, want, strlen(want)) == 0);
  CHECK_EQ_INT(hdr[NPY_HEADER_BYTES - 1], '\n');
  CHECK_EQ_INT(hdr[NPY_HEADER_BYTES - 2], ' ');
  CHECK_EQ_INT(NPY_HEADER_BYTES % 64, 0);
}

/* Odd chunk sizes straddle the 64 KiB buffer; one chunk larger than the
** buffer takes the direct path. */
static void test_buffer_boundaries(void) {
  static const int64_t chunks[] = {1, 7, 8191, 8192, 8193, 40000, 3};
  char path[128], err[256];
  double *buf = malloc(sizeof(double) * 40000);
  NpyWriter *w;
  NpyArray a;
  int64_t i = 0, j;
  int k, round;
  tmp_path(path, sizeof path, "bb.npy");
  w = npy_open(path, NPY_F64, 0, err, sizeof err);
  CHECK(w != NULL);
  if (!w || !buf) {
    free(buf);
    return;
  }
  for (round = 0; round < 5; round++) {
    for (k = 0; k < (int)(sizeof chunks / sizeof chunks[0]); k++) {
      for (j = 0; j < chunks[k]; j++) pattern(NPY_F64, i + j, &buf[j]);
      CHECK_EQ_INT(npy_append(w, buf, chunks[k]), NPY_OK);
      i += chunks[k];
    }
  }
  CHECK_EQ_INT(npy_rows(w), i);
  CHECK_EQ_INT(npy_close(w), NPY_OK);
  CHECK_EQ_INT(npy_read(path, &a, err, sizeof err), NPY_OK);
  CHECK_EQ_INT(a.shape[0], i);
  CHECK(matches_pattern(&a, i));
  npy_array_free(&a);
  free(buf);
}

/* After npy_flush the file is complete even though the writer is open. */
static void test_flush_readable(void) {
  char path[128], err[256];
  int32_t row[4];
  NpyWriter *w;
  NpyArray a;
  int64_t i;
  tmp_path(path, sizeof path, "fl.npy");
  w = npy_open(path, NPY_I32, 4, err, sizeof err);
  CHECK(w != NULL);
  if (!w) return;
  /* Straight after opening: an empty, valid array. */
  CHECK_EQ_INT(npy_read(path, &a, err, sizeof err), NPY_OK);
  CHECK_EQ_INT(a.shape[0], 0);
  npy_array_free(&a);
  for (i = 0; i < 5000; i++) {
    int j;
    for (j = 0; j < 4; j++) pattern(NPY_I32, i * 4 + j, &row[j]);
    CHECK_EQ_INT(npy_append(w, row, 4), NPY_OK);
    if (i == 9 || i == 4999) {
      CHECK_EQ_INT(npy_flush(w), NPY_OK);
      CHECK_EQ_INT(npy_read(path, &a, err, sizeof err), NPY_OK);
      CHECK_EQ_INT(a.shape[0], i + 1);
      CHECK_EQ_INT(a.shape[1], 4);
      CHECK(matches_pattern(&a, (i + 1) * 4));
      npy_array_free(&a);
    }
  }
  /* A partial row is refused and leaves the writer intact. */
  CHECK_EQ_INT(npy_append(w, row, 3), NPY_EARG);
  CHECK(strstr(npy_error(w), "fl.npy") != NULL);
  CHECK_EQ_INT(npy_append(w, row, -1), NPY_EARG);
  CHECK_EQ_INT(npy_rows(w), 5000);
  CHECK_EQ_INT(npy_close(w), NPY_OK);
  CHECK_EQ_INT(npy_close(NULL), NPY_OK);
}

static void test_open_errors(void) {
  char err[256] = "";
  NpyWriter *w =
      npy_open("/nonexistent-dir/x.npy", NPY_F64, 0, err, sizeof err);
  CHECK(w == NULL);
  CHECK(strstr(err, "/nonexistent-dir/x.npy") != NULL);
  w = npy_open("/tmp/x.npy", (NpyType)42, 0, err, sizeof err);
  CHECK(w == NULL);
  CHECK(strstr(err, "type") != NULL);
  w = npy_open("/tmp/x.npy", NPY_F64, -2, err, sizeof err);
  CHECK(w == NULL);
  /* The header write at open already hits the full device. */
  if (access("/dev/full", W_OK) == 0) {
    w = npy_open("/dev/full", NPY_F64, 0, err, sizeof err);
    CHECK(w == NULL);
    CHECK(strstr(err, "/dev/full") != NULL);
  }
}

/* A file size limit makes writes fail half way: every failure must be
** reported, and the file must still load with the rows that fit. */
static void test_write_failure(void) {
  char path[128], err[256] = "";
  struct rlimit old, lim;
  double row[10];
  NpyWriter *w;
  NpyArray a;
  int i, rc = NPY_OK, rc_close;
  tmp_path(path, sizeof path, "full.npy");
  if (getrlimit(RLIMIT_FSIZE, &old) != 0) return;
  signal(SIGXFSZ, SIG_IGN);
  w = npy_open(path, NPY_F64, 10, err, sizeof err);
  CHECK(w != NULL);
  if (!w) return;
  lim = old;
  lim.rlim_cur = 200000;
  if (setrlimit(RLIMIT_FSIZE, &lim) != 0) {
    printf("test_npy: cannot set a file size limit; skipping\n");
    npy_close(w);
    return;
  }
  for (i = 0; i < 10; i++) row[i] = i;
  for (i = 0; i < 10000 && rc == NPY_OK; i++) rc = npy_append(w, row, 10);
  CHECK_EQ_INT(rc, NPY_EIO);
  CHECK(strstr(npy_error(w), "full.npy") != NULL);
  /* Sticky: later appends and flushes fail too. */
  CHECK_EQ_INT(npy_append(w, row, 10), NPY_EIO);
  CHECK_EQ_INT(npy_flush(w), NPY_EIO);
  rc_close = npy_close_report(w, err, sizeof err);
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, SIG_DFL);
  CHECK_EQ_INT(rc_close, NPY_EIO);
  CHECK(strstr(err, "full.npy") != NULL);
  CHECK_EQ_INT(npy_read(path, &a, err, sizeof err), NPY_OK);
  CHECK(a.shape[0] > 0 && a.shape[0] * 80 + NPY_HEADER_BYTES <= 200000);
  CHECK_EQ_INT(a.shape[1], 10);
  if (a.data && a.shape[0] > 0) CHECK_NEAR(((double *)a.data)[9], 9.0, 0);
  npy_array_free(&a);
}

/* Writes a hand-made file: magic+version, the given header text with a
** 16-bit length, then ndata zero bytes. */
static void write_raw(const char *path, const char *prefix8, const char *header,
                      size_t ndata) {
  FILE *f = fopen(path, "wb");
  size_t hlen = strlen(header), i;
  CHECK(f != NULL);
  if (!f) return;
  fwrite(prefix8, 1, 8, f);
  fputc((int)(hlen & 0xff), f);
  fputc((int)(hlen >> 8), f);
  fwrite(header, 1, hlen, f);
  for (i = 0; i < ndata; i++) fputc(0, f);
  fclose(f);
}

/* Expects npy_read to fail with code and a message containing needle. */
static void expect_bad(const char *path, int code, const char *needle) {
  char err[256] = "";
  NpyArray a;
  int rc = npy_read(path, &a, err, sizeof err);
  CHECK_EQ_INT(rc, code);
  CHECK(a.data == NULL);
  if (!strstr(err, needle)) {
    fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err, needle);
    CHECK(0);
  }
}

static void test_corrupt(void) {
  static const char v1[] = "\x93NUMPY\x01\x00";
  char path[128], good[128], err[256];
  NpyArray a;
  FILE *f;
  long len;
  unsigned char *bytes;
  tmp_path(good, sizeof good, "good.npy");
  tmp_path(path, sizeof path, "bad.npy");
  CHECK_EQ_INT(write_pattern(good, NPY_F64, 0, 100, 100), NPY_OK);
  f = fopen(good, "rb");
  if (!f) return;
  fseek(f, 0, SEEK_END);
  len = ftell(f);
  rewind(f);
  bytes = malloc((size_t)len);
  CHECK(fread(bytes, 1, (size_t)len, f) == (size_t)len);
  fclose(f);

  /* Truncated at several points: in the data, the header, the magic. */
  {
    static const long cuts[] = {-1, -8, -800, 120, 50, 9, 3, 0};
    size_t k;
    for (k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
      long n = cuts[k] < 0 ? len + cuts[k] : cuts[k];
      f = fopen(path, "wb");
      fwrite(bytes, 1, (size_t)n, f);
      fclose(f);
      expect_bad(path, NPY_EFORMAT, "bad.npy");
    }
  }
  /* Flipped magic byte. */
  bytes[1] ^= 0x20;
  f = fopen(path, "wb");
  fwrite(bytes, 1, (size_t)len, f);
  fclose(f);
  expect_bad(path, NPY_EFORMAT, "magic");
  bytes[1] ^= 0x20;
  /* Garbage in place of the header text. */
  memset(bytes + 10, '#', 40);
  f = fopen(path, "wb");
  fwrite(bytes, 1, (size_t)len, f);
  fclose(f);
  expect_bad(path, NPY_EFORMAT, "header");
  free(bytes);

  write_raw(path, "\x93NUMPY\x09\x00", "{}\n", 0);
  expect_bad(path, NPY_EFORMAT, "version 9.0");
  write_raw(path, v1,
            "{'descr': '<f8', 'fortran_order': False, "
            "'shape': (9223372036854775807, 9223372036854775807), }\n",
            64);
  expect_bad(path, NPY_EFORMAT, "too large");
  write_raw(path, v1,
            "{'descr': '<f8', 'fortran_order': False, "
            "'shape': (1000000000000,), }\n",
            64);
  expect_bad(path, NPY_EFORMAT, "truncated");
  write_raw(path, v1,
            "{'descr': '<f8', 'fortran_order': False, "
            "'shape': (99999999999999999999,), }\n",
            64);
  expect_bad(path, NPY_EFORMAT, "header");
  write_raw(path, v1,
            "{'descr': '<f8', 'fortran_order': False, "
            "'shape': (-3,), }\n",
            64);
  expect_bad(path, NPY_EFORMAT, "header");
  write_raw(path, v1,
            "{'descr': '<c16', 'fortran_order': False, "
            "'shape': (2,), }\n",
            64);
  expect_bad(path, NPY_EFORMAT, "dtype '<c16'");
  write_raw(path, v1,
            "{'descr': [('a', '<f8')], 'fortran_order': False, "
            "'shape': (2,), }\n",
            64);
  expect_bad(path, NPY_EFORMAT, "dtype");
  write_raw(path, v1,
            "{'descr': '<f8', 'fortran_order': True, "
            "'shape': (2, 2), }\n",
            64);
  expect_bad(path, NPY_EFORMAT, "Fortran");
  write_raw(path, v1,
            "{'descr': '<f8', 'fortran_order': False, "
            "'shape': (2, 2, 2), }\n",
            64);
  expect_bad(path, NPY_EFORMAT, "3-dimensional");
  write_raw(path, v1, "{'descr': '<f8', 'shape': (2,), }\n", 64);
  expect_bad(path, NPY_EFORMAT, "header");
  write_raw(path, v1,
            "{'descr': '<f8', 'fortran_order': False, "
            "'shape': (2,), 'extra': 1}\n",
            64);
  expect_bad(path, NPY_EFORMAT, "extra");
  write_raw(path, v1,
            "{'descr': '<f8', 'fortran_order': False, "
            "'shape': (2,), 'shape': (2,)}\n",
            64);
  expect_bad(path, NPY_EFORMAT, "header");
  write_raw(path, v1,
            "{'descr': '<f8', 'fortran_order': False, "
            "'shape': (2,), } trailing\n",
            64);
  expect_bad(path, NPY_EFORMAT, "header");
  /* A header length pointing past the end of the file. */
  f = fopen(path, "wb");
  fwrite("\x93NUMPY\x01\x00\xff\xff{", 1, 11, f);
  fclose(f);
  expect_bad(path, NPY_EFORMAT, "past the end");
  expect_bad("/nonexistent-dir/none.npy", NPY_EIO, "none.npy");

  /* Accepted variations: double quotes, no trailing comma, 0-d, Python 2
  ** long suffix, 1-D Fortran order (same layout), trailing bytes. */
  write_raw(path, v1,
            "{\"descr\":\"<i4\",\"fortran_order\":True,"
            "\"shape\":(3L,)}   \n",
            16);
  CHECK_EQ_INT(npy_read(path, &a, err, sizeof err), NPY_OK);
  CHECK_EQ_INT(a.shape[0], 3);
  CHECK_EQ_INT(a.type, NPY_I32);
  npy_array_free(&a);
  write_raw(path, v1,
            "{'descr': '|u1', 'fortran_order': False, "
            "'shape': (), }\n",
            1);
  CHECK_EQ_INT(npy_read(path, &a, err, sizeof err), NPY_OK);
  CHECK_EQ_INT(a.ndim, 0);
  CHECK_EQ_INT(npy_array_count(&a), 1);
  npy_array_free(&a);
}

/* Every prefix of a valid file, and many randomly damaged copies, must be
** rejected or read consistently, never crash (the sanitizer build checks
** the memory accesses). */
static void test_damage(void) {
  char good[128], path[128], err[256];
  unsigned char *bytes, *copy;
  uint64_t state = 99;
  long len, n;
  int round, rejected = 0;
  FILE *f;
  tmp_path(good, sizeof good, "dmg_good.npy");
  tmp_path(path, sizeof path, "dmg.npy");
  CHECK_EQ_INT(write_pattern(good, NPY_I32, 3, 30, 3), NPY_OK);
  f = fopen(good, "rb");
  if (!f) return;
  fseek(f, 0, SEEK_END);
  len = ftell(f);
  rewind(f);
  bytes = malloc((size_t)len);
  copy = malloc((size_t)len);
  CHECK(fread(bytes, 1, (size_t)len, f) == (size_t)len);
  fclose(f);
  for (n = 0; n < len; n++) {
    NpyArray a;
    f = fopen(path, "wb");
    fwrite(bytes, 1, (size_t)n, f);
    fclose(f);
    CHECK_EQ_INT(npy_read(path, &a, err, sizeof err), NPY_EFORMAT);
  }
  for (round = 0; round < 3000; round++) {
    NpyArray a;
    int k, flips = 1 + round % 4;
    memcpy(copy, bytes, (size_t)len);
    for (k = 0; k < flips; k++) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      /* Mostly the header, where the parser lives. */
      copy[(state >> 33) % (uint64_t)(round % 2 ? NPY_HEADER_BYTES : len)] =
          (unsigned char)(state >> 20);
    }
    f = fopen(path, "wb");
    fwrite(copy, 1, (size_t)len, f);
    fclose(f);
    if (npy_read(path, &a, err, sizeof err) == NPY_OK) {
      CHECK(npy_array_count(&a) * (int64_t)npy_type_size(a.type) <= len - 10);
      npy_array_free(&a);
    } else {
      CHECK(err[0] != '\0');
      rejected++;
    }
  }
  CHECK(rejected > 1000);
  free(bytes);
  free(copy);
}

/* Runs a Python snippet; 1 on success. */
static int run_python(const char *script_name, const char *body) {
  char path[128], cmd[512];
  FILE *f = fopen(tmp_path(path, sizeof path, script_name), "w");
  if (!f) return 0;
  fputs(body, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, PYTHON " %s", path);
  return system(cmd) == 0;
}

/* NumPy must load what we write, and we must load what NumPy writes. */
static void test_numpy_interop(void) {
  char path[128], err[256], script[4096];
  static const char *names[] = {"np_f64", "np_f32", "np_i32", "np_i64",
                                "np_u8"};
  NpyType t;
  NpyWriter *w;
  NpyArray a;
  double x = 1.5;
  if (access(PYTHON, X_OK) != 0 ||
      system(PYTHON " -c 'import numpy' 2>/dev/null") != 0) {
    printf("test_npy: " PYTHON
           " with numpy not available; skipping the "
           "NumPy cross-check\n");
    return;
  }
  for (t = NPY_F64; t <= NPY_U8; t++) {
    char name[64];
    snprintf(name, sizeof name, "%s_1d.npy", names[t]);
    CHECK_EQ_INT(
        write_pattern(tmp_path(path, sizeof path, name), t, 0, 70000, 999),
        NPY_OK);
    snprintf(name, sizeof name, "%s_2d.npy", names[t]);
    CHECK_EQ_INT(write_pattern(tmp_path(path, sizeof path, name), t, 7,
                               7 * 3001, 7 * 13),
                 NPY_OK);
  }
  CHECK_EQ_INT(write_pattern(tmp_path(path, sizeof path, "np_empty.npy"),
                             NPY_F32, 4, 0, 4),
               NPY_OK);
  /* A writer left open after a flush, as after a crash. */
  w = npy_open(tmp_path(path, sizeof path, "np_open.npy"), NPY_F64, 0, err,
               sizeof err);
  CHECK(w != NULL);
  if (w) {
    npy_append(w, &x, 1);
    npy_append(w, &x, 1);
    CHECK_EQ_INT(npy_flush(w), NPY_OK);
    x = 2.5;
    npy_append(w, &x, 1); /* buffered, not counted by the header */
  }
  snprintf(
      script, sizeof script,
      "import numpy as np, sys\n"
      "d = '%s'\n"
      "def pat(t, n):\n"
      "    i = np.arange(n, dtype=np.int64)\n"
      "    if t == 'f8': return i * 0.5 - 3.0\n"
      "    if t == 'f4': return i.astype(np.float32) * np.float32(0.25)\n"
      "    if t == 'i4': return (i * 7 - 1000).astype(np.int32)\n"
      "    if t == 'i8': return i * 1000003 - (1 << 40)\n"
      "    return ((i * 31) %% 256).astype(np.uint8)\n"
      "for t, d0 in [('f8','<f8'), ('f4','<f4'), ('i4','<i4'), ('i8','<i8'),"
      " ('u1','|u1')]:\n"
      "    a = np.load(d + '/np_' + {'f8':'f64','f4':'f32','i4':'i32',"
      "'i8':'i64','u1':'u8'}[t] + '_1d.npy')\n"
      "    assert a.dtype == np.dtype(d0), (t, a.dtype)\n"
      "    assert a.shape == (70000,), a.shape\n"
      "    assert (a == pat(t, 70000)).all(), t\n"
      "    b = np.load(d + '/np_' + {'f8':'f64','f4':'f32','i4':'i32',"
      "'i8':'i64','u1':'u8'}[t] + '_2d.npy')\n"
      "    assert b.shape == (3001, 7) and b.dtype == np.dtype(d0), b.shape\n"
      "    assert (b.ravel() == pat(t, 7 * 3001)).all(), t\n"
      "    assert b.flags['C_CONTIGUOUS']\n"
      "e = np.load(d + '/np_empty.npy')\n"
      "assert e.shape == (0, 4) and e.dtype == np.float32\n"
      "o = np.load(d + '/np_open.npy')\n"
      "assert o.tolist() == [1.5, 1.5], o\n"
      "np.save(d + '/from_np_f8.npy', np.arange(5, dtype='<f8') / 4)\n"
      "np.save(d + '/from_np_be.npy', np.arange(6, dtype='>i4').reshape(2, "
      "3))\n"
      "np.save(d + '/from_np_u1.npy', np.arange(250, 256, dtype=np.uint8))\n"
      "np.save(d + '/from_np_fortran.npy', np.asfortranarray("
      "np.arange(6.0).reshape(2, 3)))\n"
      "np.save(d + '/from_np_bool.npy', np.zeros(3, dtype=bool))\n",
      tmpdir);
  CHECK(run_python("check.py", script));
  if (w) CHECK_EQ_INT(npy_close(w), NPY_OK);

  CHECK_EQ_INT(npy_read(tmp_path(path, sizeof path, "from_np_f8.npy"), &a, err,
                        sizeof err),
               NPY_OK);
  CHECK_EQ_INT(a.type, NPY_F64);
  CHECK_EQ_INT(a.shape[0], 5);
  if (a.data) CHECK_NEAR(((double *)a.data)[3], 0.75, 0);
  npy_array_free(&a);
  CHECK_EQ_INT(npy_read(tmp_path(path, sizeof path, "from_np_be.npy"), &a, err,
                        sizeof err),
               NPY_OK);
  CHECK_EQ_INT(a.type, NPY_I32);
  CHECK_EQ_INT(a.shape[0], 2);
  CHECK_EQ_INT(a.shape[1], 3);
  if (a.data) CHECK_EQ_INT(((int32_t *)a.data)[5], 5);
  npy_array_free(&a);
  CHECK_EQ_INT(npy_read(tmp_path(path, sizeof path, "from_np_u1.npy"), &a, err,
                        sizeof err),
               NPY_OK);
  CHECK_EQ_INT(a.type, NPY_U8);
  if (a.data) CHECK_EQ_INT(((uint8_t *)a.data)[5], 255);
  npy_array_free(&a);
  expect_bad(tmp_path(path, sizeof path, "from_np_fortran.npy"), NPY_EFORMAT,
             "Fortran");
  expect_bad(tmp_path(path, sizeof path, "from_np_bool.npy"), NPY_EFORMAT,
             "'|b1'");
}

int main(void) {
  char cmd[128];
  snprintf(tmpdir, sizeof tmpdir, "/tmp/test_npy_XXXXXX");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  test_roundtrip_types();
  test_empty();
  test_header_text();
  test_buffer_boundaries();
  test_flush_readable();
  test_open_errors();
  test_write_failure();
  test_corrupt();
  test_damage();
  test_numpy_interop();
  if (test_failures == 0) {
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
  }
  return test_report("test_npy");
}
