/*
 * file.c — whole-file reads and atomic writes.
 *
 * Every file faultline produces goes through fl_file_write_atomic: the bytes land in a
 * temporary file beside the target, are fsync'ed, and the temporary is renamed over the
 * target, so a reader sees the old file or the new one, never a torn one. A target that
 * exists and is not a regular file (/dev/null, /dev/stdout, a pipe) is written in place:
 * renaming over it would replace the device.
 */
#include "fl_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fl_file_read(const char *path, fl_buf *out, fl_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fl_error_set(err, path, 0, 0, "cannot open for reading: %s", strerror(errno));
        return -1;
    }
    /* straight into the buffer, sized from fstat (a file that grows meanwhile still reads
     * whole: the loop goes on until read returns 0) */
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        fl_buf_reserve(out, (size_t)st.st_size + 1);
    for (;;) {
        if (out->cap - out->len < 2) fl_buf_reserve(out, 65536);
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            fl_error_set(err, path, 0, 0, "read failed: %s", strerror(e));
            return -1;
        }
        out->len += (size_t)n;
    }
    close(fd);
    fl_buf_reserve(out, 0); /* NUL-terminated even when empty */
    out->data[out->len] = '\0';
    return 0;
}

int fl_mkdirs(const char *path, fl_error *err) {
    char *p = fl_xstrdup(path);
    size_t len = strlen(p);
    for (size_t i = 1; i <= len; i++) {
        if (p[i] != '/' && p[i] != '\0') continue;
        char saved = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            fl_error_set(err, p, 0, 0, "cannot create folder: %s", strerror(errno));
            free(p);
            return -1;
        }
        p[i] = saved;
    }
    free(p);
    return 0;
}

static int write_in_place(const char *path, const void *data, size_t len, fl_error *err) {
    FILE *f = fopen(path, "w");
    if (!f) {
        fl_error_set(err, path, 0, 0, "cannot open for writing: %s", strerror(errno));
        return -1;
    }
    size_t w = fwrite(data, 1, len, f);
    int closed = fclose(f);
    if (w != len || closed != 0) {
        fl_error_set(err, path, 0, 0, "write failed: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int fl_file_write_atomic(const char *path, const void *data, size_t len, fl_error *err) {
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            fl_error_set(err, path, 0, 0, "is a folder, expected a file to write");
            return -1;
        }
        return write_in_place(path, data, len, err);
    }
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        char *dir = fl_xstrndup(path, (size_t)(slash - path));
        int rc = fl_mkdirs(dir, err);
        free(dir);
        if (rc) return -1;
    }
    fl_buf tmp = FL_BUF_INIT;
    fl_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        fl_error_set(err, path, 0, 0, "cannot create: %s", strerror(errno));
        fl_buf_free(&tmp);
        return -1;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            fl_error_set(err, path, 0, 0, "write failed: %s", strerror(errno));
            close(fd);
            unlink(tmp.data);
            fl_buf_free(&tmp);
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    int synced = fsync(fd);
    int closed = close(fd);
    if (synced != 0 || closed != 0) {
        fl_error_set(err, path, 0, 0, "cannot flush: %s", strerror(errno));
        unlink(tmp.data);
        fl_buf_free(&tmp);
        return -1;
    }
    if (rename(tmp.data, path) != 0) {
        fl_error_set(err, path, 0, 0, "cannot rename into place: %s", strerror(errno));
        unlink(tmp.data);
        fl_buf_free(&tmp);
        return -1;
    }
    fl_buf_free(&tmp);
    return 0;
}
