/*
** npy.c: a streaming writer and a defensive reader for NumPy .npy files.
**
** File layout (format 1.0): the 6-byte magic "\x93NUMPY", the version bytes
** 1 and 0, a little-endian uint16 header length, then the header, an ASCII
** Python dict literal padded with spaces and ended by '\n' so that the data
** starts at a multiple of 64 bytes, then the raw elements in C order.
**
** The writer reserves NPY_HEADER_BYTES for the header and rewrites it in
** place on every flush.  Data always reaches the disk before the header that
** counts it, so a reader that opens the file at any moment sees a header
** whose shape covers no more than the data present.  Write errors are
** sticky: once one write failed, nothing more is appended (the file position
** is no longer trustworthy) and npy_close reports the failure.
*/
#include "npy.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The magic string that starts every .npy file. */
static const char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

/* Room for a message naming a file path and the problem. */
#define NPY_MSG_BYTES 512

/* One row per NpyType, in enum order. */
static const struct {
  NpyType type;
  const char *descr; /* as written: byte order then kind and size */
  char kind;         /* 'f', 'i' or 'u' */
  size_t size;
} npy_types[] = {
    {NPY_F64, "<f8", 'f', 8}, {NPY_F32, "<f4", 'f', 4},
    {NPY_I32, "<i4", 'i', 4}, {NPY_I64, "<i8", 'i', 8},
    {NPY_U8, "|u1", 'u', 1},
};

#define NPY_NTYPES ((int)(sizeof(npy_types) / sizeof(npy_types[0])))

struct NpyWriter {
  FILE *f;
  char *path;
  NpyType type;
  size_t itemsize;
  int64_t ncols;    /* 0 for a 1-D array */
  int64_t appended; /* elements accepted by npy_append */
  int64_t ondisk;   /* data bytes that reached the file */
  size_t nbuf;      /* bytes waiting in buf */
  int failed;       /* first I/O failure, or NPY_OK; sticky */
  char msg[NPY_MSG_BYTES];
  unsigned char buf[NPY_BUFFER_BYTES];
};

#if defined(__GNUC__)
#define NPY_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define NPY_PRINTF(a, b)
#endif

/* Formats a message into err (if the caller gave one) and returns code. */
static int npy_fail(char *err, size_t errlen, int code, const char *fmt, ...)
    NPY_PRINTF(4, 5);
static int npy_fail(char *err, size_t errlen, int code, const char *fmt, ...) {
  va_list ap;
  if (err && errlen > 0) {
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* Nonzero when the machine stores integers least significant byte first;
** the data must then be swapped on big-endian hosts only. */
static int npy_host_little(void) {
  const uint16_t probe = 1;
  unsigned char first;
  memcpy(&first, &probe, 1);
  return first == 1;
}

/* Reverses the bytes of each of the count elements of size itemsize. */
static void npy_swap(void *data, size_t count, size_t itemsize) {
  unsigned char *p = data;
  size_t i, j;
  for (i = 0; i < count; i++, p += itemsize) {
    for (j = 0; j < itemsize / 2; j++) {
      unsigned char t = p[j];
      p[j] = p[itemsize - 1 - j];
      p[itemsize - 1 - j] = t;
    }
  }
}

static int npy_type_valid(NpyType t) {
  return (int)t >= 0 && (int)t < NPY_NTYPES;
}

size_t npy_type_size(NpyType t) {
  return npy_type_valid(t) ? npy_types[t].size : 0;
}

const char *npy_type_descr(NpyType t) {
  return npy_type_valid(t) ? npy_types[t].descr : NULL;
}

/* ---------------------------------------------------------------- writer */

/* Fills hdr with the complete fixed-size header for the given shape. */
static void npy_format_header(unsigned char hdr[NPY_HEADER_BYTES],
                              const char *descr, int64_t rows, int64_t ncols) {
  char dict[NPY_HEADER_BYTES];
  size_t dictcap = NPY_HEADER_BYTES - 10;
  int n;
  if (ncols > 0) {
    n = snprintf(dict, dictcap,
                 "{'descr': '%s', 'fortran_order': False, "
                 "'shape': (%lld, %lld), }",
                 descr, (long long)rows, (long long)ncols);
  } else {
    n = snprintf(dict, dictcap,
                 "{'descr': '%s', 'fortran_order': False, 'shape': (%lld,), }",
                 descr, (long long)rows);
  }
  /* The longest dict, two 20-character dims, is 97 bytes: it always fits
  ** with room for the terminating newline. */
  assert(n > 0 && (size_t)n < dictcap);
  memcpy(hdr, npy_magic, 6);
  hdr[6] = 1;
  hdr[7] = 0;
  hdr[8] = (unsigned char)(dictcap & 0xff);
  hdr[9] = (unsigned char)(dictcap >> 8);
  memset(hdr + 10, ' ', dictcap);
  memcpy(hdr + 10, dict, (size_t)n);
  hdr[NPY_HEADER_BYTES - 1] = '\n';
}

/* Marks w failed with an I/O error that mentions errno. */
static int npy_writer_ioerr(NpyWriter *w, const char *what) {
  int e = errno;
  if (w->failed == NPY_OK) {
    w->failed = NPY_EIO;
    npy_fail(w->msg, sizeof w->msg, NPY_EIO, "%s: %s: %s", w->path, what,
             e ? strerror(e) : "unknown error");
  }
  return w->failed;
}

/* Writes n bytes at the current position, counting what reached the file. */
static int npy_write_data(NpyWriter *w, const void *p, size_t n) {
  size_t done;
  errno = 0;
  done = fwrite(p, 1, n, w->f);
  w->ondisk += (int64_t)done;
  if (done != n) return npy_writer_ioerr(w, "write failed (disk full?)");
  return NPY_OK;
}

/* Writes the buffered bytes to the file. */
static int npy_spill(NpyWriter *w) {
  int rc;
  if (w->nbuf == 0) return NPY_OK;
  rc = npy_write_data(w, w->buf, w->nbuf);
  w->nbuf = 0;
  return rc;
}

/* Rewrites the header for the complete rows on disk, then returns to the end
** of the file.  Used after a failure too, so it ignores w->failed. */
static int npy_write_header(NpyWriter *w) {
  unsigned char hdr[NPY_HEADER_BYTES];
  int64_t elems = w->ondisk / (int64_t)w->itemsize;
  int64_t rows = w->ncols > 0 ? elems / w->ncols : elems;
  npy_format_header(hdr, npy_types[w->type].descr, rows, w->ncols);
  errno = 0;
  if (fseek(w->f, 0, SEEK_SET) != 0)
    return npy_writer_ioerr(w, "cannot seek to the header");
  if (fwrite(hdr, 1, sizeof hdr, w->f) != sizeof hdr)
    return npy_writer_ioerr(w, "cannot rewrite the header");
  if (fseek(w->f, 0, SEEK_END) != 0)
    return npy_writer_ioerr(w, "cannot seek to the end");
  if (fflush(w->f) != 0) return npy_writer_ioerr(w, "flush failed");
  return NPY_OK;
}

NpyWriter *npy_open(const char *path, NpyType type, int64_t ncols, char *err,
                    size_t errlen) {
  NpyWriter *w;
  size_t plen;
  if (!path || !npy_type_valid(type) || ncols < 0) {
    npy_fail(err, errlen, NPY_EARG, "%s: npy_open: %s", path ? path : "(null)",
             !path       ? "no path"
             : ncols < 0 ? "negative column count"
                         : "unknown element type");
    return NULL;
  }
  plen = strlen(path);
  w = calloc(1, sizeof *w);
  if (w) w->path = malloc(plen + 1);
  if (!w || !w->path) {
    free(w);
    npy_fail(err, errlen, NPY_ENOMEM, "%s: out of memory", path);
    return NULL;
  }
  memcpy(w->path, path, plen + 1);
  w->type = type;
  w->itemsize = npy_types[type].size;
  w->ncols = ncols;
  errno = 0;
  w->f = fopen(path, "wb");
  /* Our own buffer batches writes; a second one in stdio would only copy.
  ** Should stdio refuse, a buffered stream is merely slower, still correct. */
  if (w->f) (void)setvbuf(w->f, NULL, _IONBF, 0);
  if (!w->f || npy_write_header(w) != NPY_OK) {
    int e = errno;
    if (w->f) {
      npy_fail(err, errlen, NPY_EIO, "%s", w->msg);
      fclose(w->f);
    } else {
      npy_fail(err, errlen, NPY_EIO, "%s: cannot create: %s", path,
               e ? strerror(e) : "unknown error");
    }
    free(w->path);
    free(w);
    return NULL;
  }
  return w;
}

int npy_append(NpyWriter *w, const void *data, int64_t count) {
  const unsigned char *src = data;
  int64_t limit;
  size_t left;
  int swap;
  assert(w);
  if (w->failed) return w->failed;
  if (count < 0 || (count > 0 && !data))
    return npy_fail(w->msg, sizeof w->msg, NPY_EARG, "%s: npy_append: %s",
                    w->path, count < 0 ? "negative count" : "no data");
  if (w->ncols > 0 && count % w->ncols != 0)
    return npy_fail(w->msg, sizeof w->msg, NPY_EARG,
                    "%s: npy_append: %lld elements is not a whole number of "
                    "%lld-column rows",
                    w->path, (long long)count, (long long)w->ncols);
  /* The total byte count must stay representable (and seekable). */
  limit = INT64_MAX / (int64_t)w->itemsize;
  if (count > limit - w->appended || (uint64_t)count * w->itemsize > SIZE_MAX)
    return npy_fail(w->msg, sizeof w->msg, NPY_EARG,
                    "%s: npy_append: array would exceed the maximum size",
                    w->path);
  left = (size_t)count * w->itemsize;
  swap = !npy_host_little() && w->itemsize > 1;
  while (left > 0) {
    size_t n;
    /* A large block with nothing buffered can go straight to the file. */
    if (w->nbuf == 0 && left >= NPY_BUFFER_BYTES && !swap) {
      if (npy_write_data(w, src, left) != NPY_OK) return w->failed;
      break;
    }
    n = NPY_BUFFER_BYTES - w->nbuf;
    if (n > left) n = left;
    memcpy(w->buf + w->nbuf, src, n);
    /* The buffer size is a multiple of every item size, so each copy holds
    ** whole elements and swapping per chunk is correct. */
    if (swap) npy_swap(w->buf + w->nbuf, n / w->itemsize, w->itemsize);
    w->nbuf += n;
    src += n;
    left -= n;
    if (w->nbuf == NPY_BUFFER_BYTES && npy_spill(w) != NPY_OK) return w->failed;
  }
  w->appended += count;
  return NPY_OK;
}

int npy_flush(NpyWriter *w) {
  assert(w);
  if (w->failed) return w->failed;
  if (npy_spill(w) != NPY_OK) return w->failed;
  return npy_write_header(w);
}

int npy_close_report(NpyWriter *w, char *err, size_t errlen) {
  int rc;
  if (!w) return NPY_OK;
  rc = npy_flush(w);
  /* After a failed data write, still describe the complete rows that did
  ** reach the disk, so the partial file remains loadable. */
  if (rc != NPY_OK) npy_write_header(w);
  errno = 0;
  if (fclose(w->f) != 0 && rc == NPY_OK)
    rc = npy_writer_ioerr(w, "close failed");
  if (rc != NPY_OK) npy_fail(err, errlen, rc, "%s", w->msg);
  free(w->path);
  free(w);
  return rc;
}

int npy_close(NpyWriter *w) {
  return npy_close_report(w, NULL, 0);
}

int64_t npy_rows(const NpyWriter *w) {
  assert(w);
  return w->ncols > 0 ? w->appended / w->ncols : w->appended;
}

const char *npy_error(const NpyWriter *w) {
  assert(w);
  return w->msg;
}

/* ---------------------------------------------------------------- reader */

/* A cursor over the header text while parsing the dict literal. */
typedef struct NpyScan {
  const char *p;
  const char *end;
} NpyScan;

/* What the header declares. */
typedef struct NpyHeader {
  NpyType type;
  int swap; /* the data's byte order differs from the host's */
  int fortran;
  int ndim;
  int64_t shape[2];
} NpyHeader;

static void npy_skip_space(NpyScan *s) {
  while (s->p < s->end &&
         (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

/* Consumes c (after optional space) or fails. */
static int npy_accept(NpyScan *s, char c) {
  npy_skip_space(s);
  if (s->p < s->end && *s->p == c) {
    s->p++;
    return 1;
  }
  return 0;
}

/* Reads a quoted Python string into out (NUL-terminated); 0 on failure. */
static int npy_scan_string(NpyScan *s, char *out, size_t cap) {
  char q;
  size_t n = 0;
  npy_skip_space(s);
  if (s->p >= s->end || (*s->p != '\'' && *s->p != '"')) return 0;
  q = *s->p++;
  while (s->p < s->end && *s->p != q) {
    if (n + 1 >= cap || *s->p == '\\') return 0;
    out[n++] = *s->p++;
  }
  if (s->p >= s->end) return 0;
  s->p++;
  out[n] = '\0';
  return 1;
}

/* Reads a non-negative decimal integer without overflow; 0 on failure. */
static int npy_scan_dim(NpyScan *s, int64_t *out) {
  int64_t v = 0;
  int digits = 0;
  npy_skip_space(s);
  while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
    int d = *s->p++ - '0';
    if (v > (INT64_MAX - d) / 10) return 0;
    v = v * 10 + d;
    digits++;
  }
  /* Files written by Python 2 may carry a long-integer suffix. */
  if (digits && s->p < s->end && *s->p == 'L') s->p++;
  *out = v;
  return digits > 0;
}

/* Reads True or False. */
static int npy_scan_bool(NpyScan *s, int *out) {
  npy_skip_space(s);
  if (s->end - s->p >= 4 && memcmp(s->p, "True", 4) == 0) {
    s->p += 4;
    *out = 1;
    return 1;
  }
  if (s->end - s->p >= 5 && memcmp(s->p, "False", 5) == 0) {
    s->p += 5;
    *out = 0;
    return 1;
  }
  return 0;
}

/* Reads a shape tuple such as (), (5,) or (3, 4); sets *ndim to the number
** of dims even past 2, storing only the first two. */
static int npy_scan_shape(NpyScan *s, NpyHeader *h) {
  h->ndim = 0;
  h->shape[0] = h->shape[1] = 1;
  if (!npy_accept(s, '(')) return 0;
  while (!npy_accept(s, ')')) {
    int64_t d;
    if (!npy_scan_dim(s, &d)) return 0;
    if (h->ndim < 2) h->shape[h->ndim] = d;
    if (h->ndim < 1000) h->ndim++;
    if (!npy_accept(s, ',')) {
      if (!npy_accept(s, ')')) return 0;
      break;
    }
  }
  return 1;
}

/* Maps a descr string to a type and byte order; 0 if unsupported. */
static int npy_parse_descr(const char *descr, NpyHeader *h) {
  char order = descr[0];
  int i;
  if (order != '<' && order != '>' && order != '|' && order != '=') return 0;
  for (i = 0; i < NPY_NTYPES; i++) {
    size_t size = npy_types[i].size;
    if (descr[1] != npy_types[i].kind || descr[2] != (char)('0' + size) ||
        descr[3] != '\0')
      continue;
    /* '|' (no byte order) only makes sense for single bytes. */
    if (order == '|' && size != 1) return 0;
    h->type = npy_types[i].type;
    h->swap = size > 1 && ((order == '<' && !npy_host_little()) ||
                           (order == '>' && npy_host_little()));
    return 1;
  }
  return 0;
}

/* Parses the header dict into *h; writes what is wrong to err. */
static int npy_parse_header(const char *path, const char *text, size_t len,
                            NpyHeader *h, char *err, size_t errlen) {
  NpyScan s = {text, text + len};
  char key[32], descr[32] = "";
  unsigned seen = 0; /* bit 0 descr, 1 fortran_order, 2 shape */
  if (!npy_accept(&s, '{')) goto bad;
  while (!npy_accept(&s, '}')) {
    unsigned bit;
    if (!npy_scan_string(&s, key, sizeof key) || !npy_accept(&s, ':')) goto bad;
    if (strcmp(key, "descr") == 0) {
      bit = 1;
      if (!npy_scan_string(&s, descr, sizeof descr)) {
        return npy_fail(err, errlen, NPY_EFORMAT,
                        "%s: unsupported dtype (only simple numeric types)",
                        path);
      }
    } else if (strcmp(key, "fortran_order") == 0) {
      bit = 2;
      if (!npy_scan_bool(&s, &h->fortran)) goto bad;
    } else if (strcmp(key, "shape") == 0) {
      bit = 4;
      if (!npy_scan_shape(&s, h)) goto bad;
    } else {
      return npy_fail(err, errlen, NPY_EFORMAT,
                      "%s: header has an unexpected key '%s'", path, key);
    }
    if (seen & bit) goto bad;
    seen |= bit;
    if (!npy_accept(&s, ',')) {
      if (!npy_accept(&s, '}')) goto bad;
      break;
    }
  }
  npy_skip_space(&s);
  if (s.p != s.end || seen != 7) goto bad;
  if (!npy_parse_descr(descr, h))
    return npy_fail(err, errlen, NPY_EFORMAT, "%s: unsupported dtype '%s'",
                    path, descr);
  if (h->ndim > 2)
    return npy_fail(err, errlen, NPY_EFORMAT,
                    "%s: %d-dimensional arrays are not supported (at most 2)",
                    path, h->ndim);
  /* With fewer than two dims both orders lay the data out the same way. */
  if (h->fortran && h->ndim == 2)
    return npy_fail(err, errlen, NPY_EFORMAT,
                    "%s: Fortran-order arrays are not supported", path);
  return NPY_OK;
bad:
  return npy_fail(err, errlen, NPY_EFORMAT,
                  "%s: header is not a valid .npy dict (near offset %ld)", path,
                  (long)(s.p - text));
}

/* Reads the magic, version and header of f into *h; on success *data_off is
** where the elements start. */
static int npy_read_header(FILE *f, const char *path, long flen, NpyHeader *h,
                           long *data_off, char *err, size_t errlen) {
  unsigned char pre[12];
  size_t lenbytes, prefix;
  unsigned long hlen;
  char *text;
  int rc;
  if (flen < 10 || fread(pre, 1, 10, f) != 10)
    return npy_fail(err, errlen, NPY_EFORMAT, "%s: too short to be a .npy file",
                    path);
  if (memcmp(pre, npy_magic, 6) != 0)
    return npy_fail(err, errlen, NPY_EFORMAT, "%s: not a .npy file (bad magic)",
                    path);
  /* Versions 2 and 3 differ only in a 4-byte length and UTF-8 text. */
  if (pre[6] < 1 || pre[6] > 3 || pre[7] != 0)
    return npy_fail(err, errlen, NPY_EFORMAT,
                    "%s: unsupported .npy format version %d.%d", path, pre[6],
                    pre[7]);
  lenbytes = pre[6] == 1 ? 2 : 4;
  prefix = 8 + lenbytes;
  if (lenbytes == 4 && fread(pre + 10, 1, 2, f) != 2)
    return npy_fail(err, errlen, NPY_EFORMAT, "%s: too short to be a .npy file",
                    path);
  hlen = (unsigned long)pre[8] | (unsigned long)pre[9] << 8;
  if (lenbytes == 4)
    hlen |= (unsigned long)pre[10] << 16 | (unsigned long)pre[11] << 24;
  if (hlen > (unsigned long)flen - prefix)
    return npy_fail(err, errlen, NPY_EFORMAT,
                    "%s: header length %lu runs past the end of the file", path,
                    hlen);
  text = malloc(hlen + 1);
  if (!text)
    return npy_fail(err, errlen, NPY_ENOMEM, "%s: out of memory", path);
  if (fread(text, 1, hlen, f) != hlen) {
    free(text);
    return npy_fail(err, errlen, NPY_EIO, "%s: cannot read the header", path);
  }
  text[hlen] = '\0';
  rc = npy_parse_header(path, text, hlen, h, err, errlen);
  free(text);
  *data_off = (long)(prefix + hlen);
  return rc;
}

/* Length of the open file f in bytes, or -1. */
static long npy_file_length(FILE *f) {
  long n;
  if (fseek(f, 0, SEEK_END) != 0) return -1;
  n = ftell(f);
  if (fseek(f, 0, SEEK_SET) != 0) return -1;
  return n;
}

/* Checks that the shape's byte size is representable and present in the
** file, then loads the elements into out->data. */
static int npy_read_data(FILE *f, const char *path, long avail,
                         const NpyHeader *h, NpyArray *out, char *err,
                         size_t errlen) {
  size_t item = npy_types[h->type].size;
  int64_t count = h->shape[0];
  int64_t bytes;
  if (h->shape[1] != 0 && count > INT64_MAX / h->shape[1]) goto toobig;
  count *= h->shape[1];
  if (count > INT64_MAX / (int64_t)item) goto toobig;
  bytes = count * (int64_t)item;
  if (bytes > (int64_t)avail)
    return npy_fail(err, errlen, NPY_EFORMAT,
                    "%s: truncated: shape (%lld, %lld) needs %lld data bytes "
                    "but the file holds %ld",
                    path, (long long)h->shape[0], (long long)h->shape[1],
                    (long long)bytes, avail);
  /* bytes <= avail, a long, so the size fits in memory arithmetic. */
  out->data = malloc(bytes > 0 ? (size_t)bytes : 1);
  if (!out->data)
    return npy_fail(err, errlen, NPY_ENOMEM, "%s: out of memory for %lld bytes",
                    path, (long long)bytes);
  if (fread(out->data, 1, (size_t)bytes, f) != (size_t)bytes)
    return npy_fail(err, errlen, NPY_EIO, "%s: cannot read the data", path);
  if (h->swap) npy_swap(out->data, (size_t)count, item);
  return NPY_OK;
toobig:
  return npy_fail(err, errlen, NPY_EFORMAT,
                  "%s: shape (%lld, %lld) is too large", path,
                  (long long)h->shape[0], (long long)h->shape[1]);
}

int npy_read(const char *path, NpyArray *out, char *err, size_t errlen) {
  NpyHeader h;
  FILE *f;
  long flen, off = 0;
  int rc;
  assert(out);
  memset(out, 0, sizeof *out);
  if (!path) return npy_fail(err, errlen, NPY_EARG, "npy_read: no path");
  errno = 0;
  f = fopen(path, "rb");
  if (!f)
    return npy_fail(err, errlen, NPY_EIO, "%s: cannot open: %s", path,
                    errno ? strerror(errno) : "unknown error");
  memset(&h, 0, sizeof h);
  flen = npy_file_length(f);
  if (flen < 0)
    rc = npy_fail(err, errlen, NPY_EIO, "%s: cannot determine the size", path);
  else
    rc = npy_read_header(f, path, flen, &h, &off, err, errlen);
  if (rc == NPY_OK)
    rc = npy_read_data(f, path, flen - off, &h, out, err, errlen);
  fclose(f);
  if (rc != NPY_OK) {
    npy_array_free(out);
    return rc;
  }
  out->type = h.type;
  out->ndim = h.ndim;
  out->shape[0] = h.shape[0];
  out->shape[1] = h.shape[1];
  return NPY_OK;
}

int64_t npy_array_count(const NpyArray *a) {
  assert(a);
  return a->shape[0] * a->shape[1];
}

void npy_array_free(NpyArray *a) {
  if (!a) return;
  free(a->data);
  memset(a, 0, sizeof *a);
}
