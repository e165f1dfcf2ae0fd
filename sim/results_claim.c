/* results_claim.c - one writing process per results database (see results.h "Writers").
 *
 * Two sweeps (or runs) writing one database at once would each run every pending run: the
 * second takes over the first's 'running' rows as leftovers of a crash, and both commit
 * their batches, so runs are stored twice. A claim makes the second writer refuse at once
 * instead. It is an open-file-description lock (F_OFD_SETLK) on one byte far beyond any
 * byte SQLite locks (its lock bytes sit at 1 GiB): it does not interfere with SQLite's own
 * POSIX locks, closing another descriptor of the file does not drop it, and forked workers
 * share it with the parent that took it, so a sweep's workers write under their parent's
 * claim. The kernel drops it when the last descriptor goes, a crash included, so there is
 * no stale lock to clean up. Readers (stats, plot, merge inputs) take no claim.
 */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/results.h"

#define CLAIM_OFFSET ((off_t)1 << 62)

int results_claim(const char *path, int *fd_out, char *err, size_t errlen)
{
    *fd_out = -1;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return RESULTS_EFAIL;
    }
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = CLAIM_OFFSET,
                        .l_len = 1 };
    if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
        int e = errno;
        close(fd);
        if (e == EAGAIN || e == EACCES) {
            snprintf(err, errlen, "%s: another mcpsim is writing to this database; wait for "
                     "it to finish, or write to another database and `mcpsim merge` them",
                     path);
            return RESULTS_EBUSY;
        }
        snprintf(err, errlen, "%s: cannot lock: %s", path, strerror(e));
        return RESULTS_EFAIL;
    }
    *fd_out = fd;
    return 0;
}

void results_claim_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
