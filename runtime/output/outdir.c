/*
** outdir.c: a run's claim on its output folder.
**
** Two runs writing into one folder (a seed sweep started with '&' into the
** default out/<model>) would mix their files and both report success, and
** files an earlier run left behind would be plotted as this run's.  So a
** run first takes an exclusive lock on the folder's `.snn-lock` (flock:
** the system releases it when the process ends, however it ends), then
** removes what the previous run listed in its summary.json, and the
** summary itself.  Files the runs did not write are never touched.
*/
#include "outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "json.h"

static char *join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", dir, name);
  return p;
}

/* A file name from summary.json that stays inside the folder. */
static bool plain_name(const char *name) {
  return name[0] && name[0] != '.' && !strchr(name, '/');
}

int outdir_remove_listed(const char *dir) {
  char *summary_path = join(dir, "summary.json");
  char *json = summary_path ? json_read_file(summary_path) : NULL;
  int removed = 0;
  const char *p = json ? strstr(json, "\"files\": [") : NULL;
  const char *end = p ? strchr(p, ']') : NULL;
  for (p = p ? p + 10 : NULL; p && end && (p = strchr(p, '"')) && p < end;) {
    const char *q = strchr(p + 1, '"');
    if (!q || q > end) break;
    char name[512];
    size_t n = (size_t)(q - p - 1);
    if (n < sizeof name) {
      memcpy(name, p + 1, n);
      name[n] = 0;
      char *path = plain_name(name) ? join(dir, name) : NULL;
      if (path && unlink(path) == 0) removed++;
      free(path);
    }
    p = q + 1;
  }
  if (summary_path && unlink(summary_path) == 0) removed++;
  free(json);
  free(summary_path);
  return removed;
}

bool outdir_claim(const char *dir, OutDir *od, char *err, size_t errlen) {
  od->fd = -1;
  char *lock = join(dir, ".snn-lock");
  if (!lock) return snprintf(err, errlen, "out of memory"), false;
  od->fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (od->fd < 0) {
    snprintf(err, errlen, "cannot use the output folder '%s': %s", dir, strerror(errno));
    free(lock);
    return false;
  }
  free(lock);
  if (flock(od->fd, LOCK_EX | LOCK_NB) != 0) {
    bool busy = errno == EWOULDBLOCK;
    snprintf(err, errlen, busy ? "the output folder '%s' is in use by another run; give this "
             "one a folder of its own (--out DIR)" : "cannot lock the output folder '%s': %s",
             dir, strerror(errno));
    close(od->fd);
    od->fd = -1;
    return false;
  }
  outdir_remove_listed(dir);
  return true;
}

void outdir_release(OutDir *od) {
  if (od->fd >= 0) close(od->fd); /* closing drops the lock */
  od->fd = -1;
}
