/*
 * proc.c — processes the executor owns: spawn, signal, reap, and tear down on any exit.
 *
 * Every node, adapter and helper command is started here as faultline's own child, in its
 * own process group, with PDEATHSIG so it dies if faultline dies; its PID enters a registry
 * that fl_exec_teardown_all empties (kill the group, waitpid the child). Namespaces register
 * here too so teardown can delete them. SIGINT/SIGTERM only set a flag: the run loops poll
 * fl_exec_stop_requested and unwind through the normal teardown path.
 */
#define _GNU_SOURCE
#include "exec.h"

#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 512
#define MAX_NS 64

static pid_t registry[MAX_PROCS];
static char ns_registry[MAX_NS][64];
static volatile sig_atomic_t stop_flag;

double fl_exec_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t fl_exec_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void fl_exec_sleep(double s) {
    if (s <= 0) return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stop_flag) {
    }
}

static void reg_add(pid_t pid) {
    for (int i = 0; i < MAX_PROCS; i++)
        if (!registry[i]) {
            registry[i] = pid;
            return;
        }
}

static void reg_del(pid_t pid) {
    for (int i = 0; i < MAX_PROCS; i++)
        if (registry[i] == pid) registry[i] = 0;
}

void fl_exec_netns_register(const char *name) {
    for (int i = 0; i < MAX_NS; i++)
        if (!ns_registry[i][0]) {
            snprintf(ns_registry[i], sizeof ns_registry[i], "%s", name);
            return;
        }
}

void fl_exec_netns_unregister(const char *name) {
    for (int i = 0; i < MAX_NS; i++)
        if (!strcmp(ns_registry[i], name)) ns_registry[i][0] = 0;
}

static void on_signal(int sig) {
    (void)sig;
    stop_flag = 1;
}

void fl_exec_signals_install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int fl_exec_stop_requested(void) {
    return stop_flag != 0;
}

/* In the child: enter the namespace (if any), set up fds and exec the shell. */
static void child_exec(const fl_spawn *s, int in_pipe[2], int out_pipe[2], int log_fd,
                       pid_t parent) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (s->netns) {
        char path[256];
        snprintf(path, sizeof path, "/var/run/netns/%s", s->netns);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
            dprintf(log_fd >= 0 ? log_fd : 2, "faultline: cannot enter namespace %s\n", s->netns);
            _exit(126);
        }
        close(fd);
    }
    int devnull = open("/dev/null", O_RDWR);
    if (s->pipe_in) {
        dup2(in_pipe[0], 0);
    } else {
        dup2(devnull, 0);
    }
    if (s->pipe_out) {
        dup2(out_pipe[1], 1);
    } else {
        dup2(log_fd >= 0 ? log_fd : devnull, 1);
    }
    dup2(log_fd >= 0 ? log_fd : devnull, 2);
    for (int fd = 3; fd < 1024; fd++) close(fd);
    for (char **e = s->env_extra; e && *e; e++) putenv(*e);
    size_t n = strlen(s->cmd) + 8;
    char *cmd = malloc(n);
    snprintf(cmd, n, "exec %s", s->cmd);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
}

int fl_exec_proc_start(const fl_spawn *s, fl_proc *p, fl_error *err) {
    int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1};
    memset(p, 0, sizeof *p);
    p->in_fd = p->out_fd = -1;
    int log_fd = -1;
    if (s->log_path) {
        log_fd = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log_fd < 0) {
            fl_error_set(err, s->log_path, 0, 0, "cannot open log file: %s", strerror(errno));
            return -1;
        }
    }
    if ((s->pipe_in && pipe2(in_pipe, O_CLOEXEC) < 0) ||
        (s->pipe_out && pipe2(out_pipe, O_CLOEXEC) < 0)) {
        fl_error_set(err, NULL, 0, 0, "pipe: %s", strerror(errno));
        if (log_fd >= 0) close(log_fd);
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        fl_error_set(err, NULL, 0, 0, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) child_exec(s, in_pipe, out_pipe, log_fd, parent);
    setpgid(pid, pid); /* both sides set it: no race with a signal sent right away */
    reg_add(pid);
    if (log_fd >= 0) close(log_fd);
    if (s->pipe_in) {
        close(in_pipe[0]);
        p->in_fd = in_pipe[1];
    }
    if (s->pipe_out) {
        close(out_pipe[1]);
        p->out_fd = out_pipe[0];
        fcntl(p->out_fd, F_SETFL, fcntl(p->out_fd, F_GETFL) | O_NONBLOCK);
    }
    p->pid = pid;
    return 0;
}

int fl_exec_proc_poll(fl_proc *p) {
    if (!p->pid) return 1;
    if (p->exited) return 1;
    int st;
    pid_t r = waitpid(p->pid, &st, WNOHANG);
    if (r == p->pid) {
        p->exited = 1;
        p->status = st;
        kill(-p->pid, SIGKILL); /* anything the leader left in its group */
        reg_del(p->pid);
        return 1;
    }
    if (r < 0 && errno == ECHILD) {
        p->exited = 1;
        reg_del(p->pid);
        return 1;
    }
    return 0;
}

int fl_exec_proc_signal(fl_proc *p, int sig) {
    if (!p->pid || p->exited) return -1;
    return kill(-p->pid, sig);
}

void fl_exec_proc_kill(fl_proc *p) {
    if (p->in_fd >= 0) close(p->in_fd);
    if (p->out_fd >= 0) close(p->out_fd);
    p->in_fd = p->out_fd = -1;
    if (!p->pid) return;
    if (!p->exited) {
        kill(-p->pid, SIGKILL);
        kill(p->pid, SIGKILL);
        int st;
        while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR) {
        }
        p->status = st;
        p->exited = 1;
    }
    reg_del(p->pid);
}

int fl_exec_run_cmd(const char *cmd, const char *netns, char **env_extra, double timeout_s,
                    fl_buf *out) {
    char tmpl[] = "/tmp/faultline-cmd-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) return -1;
    close(fd);
    fl_spawn s = {cmd, tmpl, netns, 0, 0, env_extra};
    fl_proc p;
    if (fl_exec_proc_start(&s, &p, NULL) < 0) {
        unlink(tmpl);
        return -1;
    }
    double deadline = fl_exec_now() + timeout_s, nap = 0.0005;
    int rc = -1;
    for (;;) {
        if (fl_exec_proc_poll(&p)) {
            rc = WIFEXITED(p.status) ? WEXITSTATUS(p.status) : 128 + WTERMSIG(p.status);
            break;
        }
        if (fl_exec_now() > deadline) {
            fl_exec_proc_kill(&p);
            rc = 124;
            break;
        }
        fl_exec_sleep(nap); /* short commands are answered in a few ms */
        if (nap < 0.01) nap *= 2;
    }
    if (out) fl_file_read(tmpl, out, NULL);
    unlink(tmpl);
    return rc;
}

char fl_exec_proc_state(pid_t pid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    char *rp = strrchr(buf, ')');
    if (!rp || rp[1] != ' ') return 0;
    return rp[2];
}

void fl_exec_teardown_all(void) {
    for (int i = 0; i < MAX_PROCS; i++)
        if (registry[i]) {
            kill(-registry[i], SIGKILL);
            kill(registry[i], SIGKILL);
        }
    for (int i = 0; i < MAX_PROCS; i++)
        if (registry[i]) {
            int st;
            while (waitpid(registry[i], &st, 0) < 0 && errno == EINTR) {
            }
            registry[i] = 0;
        }
    for (int i = 0; i < MAX_NS; i++)
        if (ns_registry[i][0]) {
            char cmd[160];
            snprintf(cmd, sizeof cmd, "ip netns del %.63s 2>/dev/null", ns_registry[i]);
            if (system(cmd) != 0) {
                /* already gone */
            }
            ns_registry[i][0] = 0;
        }
}

void fl_exec_progress(FILE *p, const char *fmt, ...) {
    if (!p) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p, fmt, ap);
    va_end(ap);
    fflush(p);
}
