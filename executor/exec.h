/*
 * exec.h — the executor's internal structures and the functions its files share.
 *
 * plan.c fills fl_plan from the plan JSON; cluster.c turns a scenario's cluster block into
 * running nodes (proc.c spawns and reaps them, netns.c builds namespaces when partitions need
 * them); workload.c generates ops, client.c talks to adapters, history.c records events;
 * nemesis.c injects faults and gathers their landing evidence (evidence.c adds the plan's
 * own evidence entries); scenario.c runs one seed; run.c drives the whole plan and report.c
 * writes the session folder.
 */
#ifndef FL_EXEC_H
#define FL_EXEC_H

#include "fl_common.h"
#include "fl_executor.h"

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- plan -------------------------------------------------------------------------------- */

typedef enum {
    FL_NEM_KILL,
    FL_NEM_RESTART,
    FL_NEM_PAUSE,
    FL_NEM_PARTITION,
    FL_NEM_CLOCK_SKEW,
    FL_NEM_LATENCY,
    FL_NEM_LOSS
} fl_nem_kind;

typedef struct fl_exec_nemesis_spec {
    fl_nem_kind kind;
    char *kind_name;    /* as written in the plan */
    char *target;       /* random | leader | minority | majority | node-N */
    char *mode;         /* partition: "isolate" (default), "one-way", "majority-minority" */
    double at_s;        /* start, seconds after the workload starts */
    double duration_s;  /* window length; 0 = instantaneous (kill without restart...) */
    double skew_s;      /* clock-skew: seconds added to the victim's clock */
    double probability; /* loss: drop probability */
    int delay_ms;       /* latency */
    int line;           /* line in the plan file */
} fl_exec_nemesis_spec;

typedef struct fl_exec_evidence_spec {
    char *kind;      /* "log" or "command" */
    char *node;      /* log: "target", "any", "N" or "node-N" */
    char *pattern;   /* pcre2 pattern (log: over node log lines; command: over its output) */
    char *command;   /* command: shell command with placeholders, run inside the window */
    double within_s; /* log: search the lines written within this many s after the start */
    int fault;       /* index of the nemesis entry it proves (default 0) */
    int line;
} fl_exec_evidence_spec;

typedef struct fl_mix_entry {
    char *f;
    double weight;
} fl_mix_entry;

typedef struct fl_scenario {
    char *id, *name;
    int line; /* line of the scenario in the plan */
    int has_run;
    json_t *json; /* the scenario object (borrowed from the plan's root) */
    /* cluster */
    int nodes, base_port, port_stride;
    char **start; /* one command per node */
    char *health, *leader, *log;
    double ready_timeout_s;
    /* client */
    char *client_cmd;
    int concurrency, op_timeout_ms;
    /* workload */
    char *model;
    int keys;
    fl_mix_entry *mix;
    int nmix;
    double rate, duration_s;
    long long seed;
    int seeds; /* seeds the hardening budget needs (run.seeds, default 3) */
    /* faults and evidence */
    fl_exec_nemesis_spec *nemesis;
    int nnemesis;
    fl_exec_evidence_spec *evidence;
    int nevidence;
    char *checker_name, *checker_model;
    int needs_netns; /* a partition or loss nemesis: nodes go into namespaces */
} fl_scenario;

typedef struct fl_plan {
    char *path;
    char *slug;
    json_t *root;
    fl_scenario *scenarios;
    int n;
} fl_plan;

int fl_exec_plan_load(const char *path, fl_plan *plan, fl_error *err);
void fl_exec_plan_free(fl_plan *plan);

/* ---- time, processes --------------------------------------------------------------------- */

double fl_exec_now(void); /* monotonic seconds */
int64_t fl_exec_now_ns(void);
void fl_exec_sleep(double s);
/* Prints a progress line to `p` (nothing when NULL) and flushes it at once. */
void fl_exec_progress(FILE *p, const char *fmt, ...) FL_PRINTF(2, 3);

typedef struct fl_proc {
    pid_t pid;  /* process (and group) id; 0 when not running */
    int in_fd;  /* its stdin when piped, else -1 */
    int out_fd; /* its stdout when piped, else -1 */
    int exited; /* reaped */
    int status; /* waitpid status once reaped */
} fl_proc;

typedef struct fl_spawn {
    const char *cmd;       /* run with /bin/sh -c "exec CMD" */
    const char *log_path;  /* stdout+stderr appended here (stdout only when pipe_out = 0) */
    const char *netns;     /* NULL, or a namespace name under /var/run/netns */
    int pipe_in, pipe_out; /* 1: give the caller pipes to stdin/stdout */
    char **env_extra;      /* "K=V" strings, NULL-terminated, or NULL */
} fl_spawn;

/* Starts a process in its own process group, as our child; it dies with us (PDEATHSIG).
 * Registered for teardown. Returns 0 or -1 with err. */
int fl_exec_proc_start(const fl_spawn *s, fl_proc *p, fl_error *err);
/* SIGKILLs the whole group and reaps the leader (blocking). */
void fl_exec_proc_kill(fl_proc *p);
/* Sends `sig` to the group. */
int fl_exec_proc_signal(fl_proc *p, int sig);
/* Non-blocking reap: 1 when the process has exited (now or before). */
int fl_exec_proc_poll(fl_proc *p);
/* Runs a command to completion with a timeout; output (stdout+stderr) into `out` when not
 * NULL. Returns the exit status (0..255), 124 on timeout, -1 when it could not start. */
int fl_exec_run_cmd(const char *cmd, const char *netns, char **env_extra, double timeout_s,
                    fl_buf *out);
/* Kills every registered process group and deletes registered namespaces (idempotent;
 * async-signal-unsafe parts are avoided in the signal path). */
void fl_exec_teardown_all(void);
/* Installs SIGINT/SIGTERM handlers that set the stop flag. */
void fl_exec_signals_install(void);
int fl_exec_stop_requested(void);
/* The state letter of /proc/PID/stat ('R', 'S', 'T', 'Z'...), or 0 when gone. */
char fl_exec_proc_state(pid_t pid);
/* Registers/unregisters a namespace for teardown. */
void fl_exec_netns_register(const char *name);
void fl_exec_netns_unregister(const char *name);

/* ---- namespaces (partitions, loss) ------------------------------------------------------- */

typedef struct fl_netnet {
    char prefix[32];      /* name prefix of every namespace of this run */
    int n;                /* nodes */
    char node_ns[16][48]; /* namespace of node i (0-based) */
    char client_ns[48];   /* namespace the clients and health checks run in */
    char hub_ns[48];      /* namespace holding the bridge */
    char addr[16][32];    /* node addresses */
    char client_addr[32];
    int up;
} fl_netnet;

/* Probes whether namespaces, veth, bridges and iptables work here; reason on failure. */
int fl_exec_netns_probe(char *reason, size_t cap);
/* Deletes namespaces left by a faultline that died without teardown (SIGKILL). */
void fl_exec_netns_reap_stale(void);
int fl_exec_netns_setup(fl_netnet *nn, int nodes, fl_error *err);
void fl_exec_netns_teardown(fl_netnet *nn);
/* Cuts node `i` (0-based) from the nodes in `peers` (bitmask); one_way: only drop what i
 * receives. */
int fl_exec_netns_cut(fl_netnet *nn, int i, unsigned peers, int one_way, fl_buf *log);
int fl_exec_netns_loss(fl_netnet *nn, int i, double probability, fl_buf *log);
void fl_exec_netns_heal(fl_netnet *nn, int i);
/* Sum of the packet counters of faultline's DROP rules in node i's namespace. */
long long fl_exec_netns_drop_packets(fl_netnet *nn, int i);

/* ---- cluster ----------------------------------------------------------------------------- */

typedef struct fl_node {
    int index;          /* 1-based */
    char *cmd;          /* expanded start command */
    char dir[512];      /* data folder */
    char log_path[512]; /* stdout/stderr of every incarnation */
    fl_proc proc;
    int paused;
    char faketime_file[512]; /* libfaketime control file ("" when not preloaded) */
} fl_node;

typedef struct fl_cluster {
    const fl_scenario *sc;
    int n;
    fl_node *nodes;
    fl_node_addr *addrs;
    char nodes_env[1024]; /* FAULTLINE_NODES=... */
    char work_dir[512];   /* scenario run folder */
    fl_netnet net;
    int use_netns;
    int faketime; /* libfaketime preloaded */
} fl_cluster;

int fl_exec_cluster_start(fl_cluster *c, const fl_scenario *sc, const char *run_dir, int faketime,
                          fl_error *err);
/* Polls the health command until every node (mask) is ready or timeout. Returns 0 when
 * ready, -1 with a reason otherwise. */
int fl_exec_cluster_wait_ready(fl_cluster *c, unsigned mask, double timeout_s, char *why,
                               size_t cap);
int fl_exec_cluster_node_healthy(fl_cluster *c, int node, double timeout_s);
int fl_exec_cluster_restart_node(fl_cluster *c, int node, fl_error *err);
/* The leader's node number from the plan's leader command, or 0 when unknown. */
int fl_exec_cluster_leader(fl_cluster *c);
void fl_exec_cluster_stop(fl_cluster *c);
/* The environment for clients/commands run against the cluster ("FAULTLINE_NODES=...",
 * "PATH=<adapters>:..."), NULL-terminated, static storage per cluster. */
char **fl_exec_cluster_env(fl_cluster *c);
const char *fl_exec_cluster_cmd_ns(fl_cluster *c); /* namespace for clients, or NULL */

/* ---- workload + history ------------------------------------------------------------------ */

typedef struct fl_rng {
    uint64_t s;
} fl_rng;
void fl_exec_rng_seed(fl_rng *r, uint64_t seed);
uint64_t fl_exec_rng_next(fl_rng *r);
double fl_exec_rng_unit(fl_rng *r);
int fl_exec_rng_range(fl_rng *r, int n); /* 0..n-1 */

typedef struct fl_workload {
    const fl_scenario *sc;
    fl_rng rng;
    long long next_unique; /* unique values for set/queue/append/write */
    int accounts;
} fl_workload;

void fl_exec_workload_init(fl_workload *w, const fl_scenario *sc, long long seed);
/* The next op as a JSON object {"f", "key"?, "value"?} (new reference). */
json_t *fl_exec_workload_next(fl_workload *w);
/* 1 when the model is one the generator knows. */
int fl_exec_workload_model_known(const char *model);

typedef struct fl_rec {
    fl_buf events;  /* history.jsonl */
    fl_buf nemesis; /* nemesis.jsonl */
    int64_t t0_ns;
    int ops, ok, fail, info;
    int fault_epoch;       /* id of the active fault window, 0 = none */
    int malformed_replies; /* adapter protocol errors (harness) */
    int timeouts;          /* ops turned into info by op_timeout */
    double *timeout_at;    /* when each timeout happened (s since start) */
    int ntimeout_at, timeout_cap;
    double *lat_at, *lat_s; /* completion time and latency of each ok/fail op */
    int nlat, lat_cap;
    double op_timeout_s; /* the scenario's op timeout (timeouts land this late) */
    double *err_at;      /* invoke time of each op that ended fail or info */
    int nerr, err_cap;
} fl_rec;

/* Notes a timeout / a completed op's latency (for landing evidence). */
void fl_exec_rec_note_timeout(fl_rec *h, double t);
void fl_exec_rec_note_latency(fl_rec *h, double t, double latency);
void fl_exec_rec_note_error(fl_rec *h, double t);

void fl_exec_rec_init(fl_rec *h);
void fl_exec_rec_free(fl_rec *h);
/* Appends one event; `op` holds f/key/value; type "invoke", "ok", "fail", "info". */
void fl_exec_rec_op(fl_rec *h, int process, const char *type, json_t *op, const char *node,
                    const char *error);
void fl_exec_rec_nemesis(fl_rec *h, const char *f, json_t *value /* stolen */);

/* ---- clients ----------------------------------------------------------------------------- */

typedef struct fl_client {
    fl_proc proc;
    int process; /* history process id */
    int busy;
    long long req_id;
    json_t *op; /* op in flight */
    double sent_at;
    fl_buf rbuf; /* partial reply line */
} fl_client;

int fl_exec_client_start(fl_client *cl, fl_cluster *c, int process, const char *log_dir,
                         fl_error *err);
int fl_exec_client_send(fl_client *cl, long long id, json_t *op);
/* Reads what is available; returns a reply object (new ref) when a full line arrived,
 * NULL otherwise; *bad set when the line was not a valid reply. */
json_t *fl_exec_client_read(fl_client *cl, int *bad, int *eof);
void fl_exec_client_stop(fl_client *cl);

/* ---- nemesis + evidence ------------------------------------------------------------------ */

typedef struct fl_fault {
    const fl_exec_nemesis_spec *spec;
    int index;       /* position in the plan's nemesis list */
    int epoch;       /* fault_epoch id */
    int victims[16]; /* node numbers (1-based) */
    int nvictims;
    double started, ended; /* seconds since workload start; ended < 0 while active */
    int active, done;
    pid_t old_pid[16]; /* kill: the PIDs before */
    pid_t new_pid[16];
    int state_t_seen; /* pause: /proc state T observed inside the window */
    long long drops_before, drops_after;
    int peers_unreachable; /* partition: the cut node failed its health during the window */
    fl_proc check;         /* an asynchronous health check in flight */
    int check_kind;        /* 0 none, 1 restarted node healthy?, 2 cut node unhealthy? */
    int check_node;
    int checks_done;
    int restarted_healthy; /* kill/restart: the new incarnation answered its health check */
    char delay_file[512];  /* latency: the proxy's delay file */
    int env_gap;           /* 1 when the machine cannot inject this fault */
    char env_reason[256];
    fl_buf injector;           /* injector-side evidence text */
    fl_buf victim;             /* victim-side evidence text */
    int plan_evidence_matched; /* plan evidence entries for this fault that matched */
    int proven;                /* injector + victim evidence both present */
    char not_proven_reason[256];
} fl_fault;

/* Whether the fault can be injected here; fills reason when not. */
int fl_exec_nemesis_env_ok(const fl_scenario *sc, const fl_exec_nemesis_spec *ns, char *reason,
                           size_t cap);
void fl_exec_nemesis_begin(fl_fault *f, fl_cluster *c, fl_rec *h, fl_rng *rng, double t);
void fl_exec_nemesis_tick(fl_fault *f, fl_cluster *c, fl_rec *h, double t);
void fl_exec_nemesis_end(fl_fault *f, fl_cluster *c, fl_rec *h, double t);
/* After the run: decides `proven` from what was gathered. */
void fl_exec_nemesis_judge(fl_fault *f, fl_rec *h);
void fl_exec_fault_free(fl_fault *f);

/* Plan evidence entries: log offsets are taken at the fault start (fl_exec_evidence_mark) and
 * the log text written within within_s is searched afterwards. */
typedef struct fl_exec_evidence_state {
    const fl_exec_evidence_spec *spec;
    int fault;        /* index of the fault it belongs to (the first one) */
    long offsets[16]; /* log sizes at the fault start */
    long ends[16];    /* log sizes at start + within_s */
    int marked, closed;
    int matched;
    char detail[512];
} fl_exec_evidence_state;

void fl_exec_evidence_mark(fl_exec_evidence_state *e, fl_cluster *c);
void fl_exec_evidence_close(fl_exec_evidence_state *e, fl_cluster *c);
/* command evidence: runs it now (inside the fault window). */
void fl_exec_evidence_command(fl_exec_evidence_state *e, fl_cluster *c, const fl_fault *f);
void fl_exec_evidence_judge(fl_exec_evidence_state *e, fl_cluster *c, const fl_fault *f);

/* ---- one seed of one scenario ------------------------------------------------------------ */

typedef struct fl_seed_run {
    long long seed;
    char dir[768];
    int ran; /* the workload ran */
    int env_gap;
    char env_reason[512];
    char error[512];       /* harness error that stopped the run, "" if none */
    char weak_reason[256]; /* why the history is too weak, "" if it is not */
    fl_chk_state chk;
    json_t *checker_json; /* SPEC §3 result object, or NULL */
    int ops;
    int faults_scheduled, faults_proven;
    json_t *landing;    /* array of landing evidence objects */
    json_t *not_proven; /* array of reasons */
    int weak_history;
    int malformed;
    double workload_s, overhead_s;
} fl_seed_run;

void fl_exec_seed_run_exec(const fl_scenario *sc, long long seed, const char *dir, FILE *progress,
                           fl_seed_run *out);
void fl_exec_seed_run_free(fl_seed_run *r);

/* The checker glue: checks `history` with the scenario's checker. */
fl_chk_state fl_exec_check(const fl_scenario *sc, const char *name, const fl_buf *history,
                           json_t **result, char *why, size_t cap);

/* ---- small helpers ----------------------------------------------------------------------- */

/* Writes a JSON value atomically (pretty-printed, newline-terminated). */
int fl_exec_write_json(const char *path, const json_t *v, fl_error *err);
int fl_exec_write_text(const char *path, const char *text, fl_error *err);
/* The folder holding the adapter programs. */
const char *fl_exec_adapter_dir(void);

#endif
