/*
** npy.h: reading and writing NumPy .npy files (format version 1.0).
**
** The writer streams: a simulation appends samples as they are produced,
** memory use stays bounded by one fixed buffer, and the file on disk is a
** valid .npy array after every npy_flush().  To make that possible the
** header has a fixed size (NPY_HEADER_BYTES) whose shape field is rewritten
** in place; the spaces that pad it leave room for any 64-bit shape.
**
** The reader loads a whole file into memory.  It trusts nothing in the file:
** every size is checked against the real file length before allocating.
**
** All functions return NPY_OK (zero) on success or one of the NPY_E* codes.
** Functions that take (err, errlen) write a message naming the file and the
** problem there; err may be NULL when the caller does not want the text.
*/
#ifndef SNN_NPY_H
#define SNN_NPY_H

#include <stddef.h>
#include <stdint.h>

/* Element types.  On disk they are little-endian: '<f8' '<f4' '<i4' '<i8'
** and '|u1'. */
typedef enum NpyType { NPY_F64, NPY_F32, NPY_I32, NPY_I64, NPY_U8 } NpyType;

/* Result codes. */
enum {
  NPY_OK = 0,
  NPY_EARG = 1,   /* invalid argument from the caller */
  NPY_EIO = 2,    /* the operating system refused a read, write or open */
  NPY_ENOMEM = 3, /* out of memory */
  NPY_EFORMAT = 4 /* the file is not a .npy file this module can read */
};

/* Size of the header the writer reserves: magic, version, length, dict. */
#define NPY_HEADER_BYTES 128

/* Bytes the writer collects before it writes them to the file. */
#define NPY_BUFFER_BYTES 65536

typedef struct NpyWriter NpyWriter;

/* An array loaded by npy_read.  ndim is 0, 1 or 2; unused shape entries are
** 1 so shape[0] * shape[1] is always the element count.  data holds the
** elements in native byte order and C order; it is never NULL. */
typedef struct NpyArray {
  NpyType type;
  int ndim;
  int64_t shape[2];
  void *data;
} NpyArray;

/* Bytes per element of type t, or 0 if t is not a valid NpyType. */
size_t npy_type_size(NpyType t);

/* The descr string written for type t ("<f8", ...), or NULL if invalid. */
const char *npy_type_descr(NpyType t);

/* Creates (or truncates) path for a 1-D array (ncols == 0) or a 2-D array
** of ncols columns whose rows are appended; NULL on error. */
NpyWriter *npy_open(const char *path, NpyType type, int64_t ncols, char *err,
                    size_t errlen);

/* Appends count elements from data (native byte order); for a 2-D array
** count must be a multiple of ncols. */
int npy_append(NpyWriter *w, const void *data, int64_t count);

/* Writes buffered elements and rewrites the header with the current shape,
** so the file is a complete .npy array at this point. */
int npy_flush(NpyWriter *w);

/* Flushes, closes and frees w (which may be NULL); nonzero if any write
** since npy_open failed, in which case the file holds only complete rows. */
int npy_close(NpyWriter *w);

/* Like npy_close, and on failure also copies the message to err. */
int npy_close_report(NpyWriter *w, char *err, size_t errlen);

/* Rows appended so far (elements for a 1-D array), flushed or not. */
int64_t npy_rows(const NpyWriter *w);

/* The message of the latest failure of w, or "" if nothing failed; after a
** write failure it stays, as w refuses all further work. */
const char *npy_error(const NpyWriter *w);

/* Loads the whole file at path into *out (zeroed on failure). */
int npy_read(const char *path, NpyArray *out, char *err, size_t errlen);

/* Number of elements of a, the product of its shape. */
int64_t npy_array_count(const NpyArray *a);

/* Frees the data of a (which may be NULL) and zeroes it. */
void npy_array_free(NpyArray *a);

#endif
