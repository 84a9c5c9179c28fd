/*
** memory.c: how much memory a run may promise, and the running total of
** what it has promised.
**
** Large arrays come from calloc, whose pages cost nothing until written,
** so the system's free memory read after one population was allocated
** says nothing about whether the next one will fit: a model of ten
** populations each needing 60% of the machine would pass ten separate
** checks and be killed later.  The run therefore reads the limit once and
** reserves every large block (neuron state, synapses, input rings) against
** it before allocating, and the first block that would overflow the total
** is refused with its own size and the total before it.
**
** The limit is the least of: MemAvailable of /proc/meminfo; what the
** control group the process runs in (a container, a systemd slice) still
** allows, memory.max - memory.current for cgroup v2 at every level from
** the process's own group up to the root, or limit_in_bytes -
** usage_in_bytes for v1; and SNN_MEMORY_LIMIT in the environment (bytes,
** or with a K, M or G suffix), which lets a user keep a run well below
** the machine's size and tests reproduce a small machine (as
** SNN_CGROUP_ROOT, a hierarchy to read instead of /sys/fs/cgroup, lets
** them reproduce a container).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* A whole number of bytes from a file's first line; false if it holds
   none (memory.max says "max" when there is no limit). */
static bool read_bytes(const char *path, double *out) {
  FILE *f = fopen(path, "r");
  if (!f) return false;
  unsigned long long v;
  bool ok = fscanf(f, "%llu", &v) == 1;
  fclose(f);
  if (ok) *out = (double)v;
  return ok;
}

static double meminfo_available(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  if (!f) return -1;
  char line[256];
  unsigned long long kb = 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) break;
  fclose(f);
  return kb ? (double)kb * 1024 : -1;
}

/* What a group still allows (limit - usage), or -1 when it sets none;
   the files are named for cgroup v2 (memory.max, memory.current) or v1
   (memory.limit_in_bytes, memory.usage_in_bytes, where "no limit" reads
   as a number near 2^63). */
static double group_left(const char *root, const char *group, bool v1) {
  char path[1400];
  double limit, used;
  snprintf(path, sizeof path, "%s%s/%s", root, group, v1 ? "memory.limit_in_bytes" : "memory.max");
  if (!read_bytes(path, &limit) || limit >= 1e18) return -1;
  snprintf(path, sizeof path, "%s%s/%s", root, group,
           v1 ? "memory.usage_in_bytes" : "memory.current");
  if (!read_bytes(path, &used)) used = 0;
  return limit > used ? limit - used : 0;
}

/* The least that the groups on `group`'s path allow ("/a/b", "/a", then
   the hierarchy's top); a container sees its own group at the top, so
   the paths that do not exist there are simply skipped. */
static double path_left(const char *root, char *group, bool v1, double best) {
  for (;;) {
    if (strcmp(group, "/") == 0) group[0] = 0;
    double left = group_left(root, group, v1);
    if (left >= 0 && (best < 0 || left < best)) best = left;
    char *slash = strrchr(group, '/');
    if (!slash) return best;
    *slash = 0;
  }
}

/* What the control groups of this process still allow, or -1.  The
   hierarchy is mounted at /sys/fs/cgroup, or where SNN_CGROUP_ROOT says
   (the tests point it at a hierarchy of their own). */
static double cgroup_available(void) {
  double best = -1;
  const char *root = getenv("SNN_CGROUP_ROOT");
  if (!root || !*root) root = "/sys/fs/cgroup";
  char v1_root[1024];
  snprintf(v1_root, sizeof v1_root, "%s/memory", root);
  FILE *f = fopen("/proc/self/cgroup", "r");
  char line[1024];
  while (f && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *v2 = strncmp(line, "0::", 3) == 0 ? line + 3 : NULL;
    char *v1 = strstr(line, ":memory:");
    if (v2) best = path_left(root, v2, false, best);
    if (v1) best = path_left(v1_root, v1 + 8, true, best);
  }
  if (f) fclose(f);
  return best;
}

/* SNN_MEMORY_LIMIT: bytes, or a number with K, M or G (powers of 1024). */
static double user_limit(void) {
  const char *text = getenv("SNN_MEMORY_LIMIT");
  if (!text || !*text) return -1;
  char *end;
  double v = strtod(text, &end);
  double scale = *end == 'K' || *end == 'k' ? 1024.0
                 : *end == 'M' || *end == 'm' ? 1048576.0
                 : *end == 'G' || *end == 'g' ? 1073741824.0 : 1.0;
  if (scale != 1.0) end++;
  return v >= 0 && *end == 0 ? v * scale : -1;
}

double sim_memory_limit(const char **source) {
  double limit = meminfo_available(), c = cgroup_available(), u = user_limit();
  *source = "memory available";
  if (c >= 0 && (limit < 0 || c < limit)) limit = c, *source = "memory the container allows";
  if (u >= 0 && (limit < 0 || u < limit)) limit = u, *source = "memory SNN_MEMORY_LIMIT allows";
  return limit < 0 ? 1e30 : limit;
}

bool sim_reserve(Sim *s, double bytes, const char *what) {
  const char *text = getenv("SNN_MEMORY_LIMIT");
  if (text && *text && user_limit() < 0)
    return sim_fail(s, "SNN_MEMORY_LIMIT=%s is not a size (bytes, or a number with K, M or G)",
                    text);
  if (s->memory_limit <= 0) s->memory_limit = sim_memory_limit(&s->memory_source);
  if (!(bytes >= 0)) bytes = 1e30;
  if (s->memory_reserved + bytes > s->memory_limit) {
    if (s->memory_reserved > 0)
      return sim_fail(s, "%s needs %.3g GiB; with the %.3g GiB that the parts of the model "
                      "before it need, that is more than the %.3g GiB of %s", what,
                      bytes / 1073741824.0, s->memory_reserved / 1073741824.0,
                      s->memory_limit / 1073741824.0, s->memory_source);
    return sim_fail(s, "%s needs %.3g GiB, more than the %.3g GiB of %s", what,
                    bytes / 1073741824.0, s->memory_limit / 1073741824.0, s->memory_source);
  }
  s->memory_reserved += bytes;
  return true;
}

void sim_unreserve(Sim *s, double bytes) {
  s->memory_reserved = s->memory_reserved > bytes ? s->memory_reserved - bytes : 0;
}
