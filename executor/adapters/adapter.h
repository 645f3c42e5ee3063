/*
 * adapter.h — what faultline's shipped adapters share: the SPEC §4 adapter protocol loop
 * (one JSON request per stdin line, one JSON reply per stdout line), TCP connections with
 * timeouts to 127.0.0.1 or namespace addresses, base64, and the node list from
 * FAULTLINE_NODES. Each adapter (etcd.c, redis.c) supplies the function that turns one
 * request into one reply.
 */
#ifndef FL_ADAPTER_H
#define FL_ADAPTER_H

#include <jansson.h>
#include <stddef.h>

typedef struct ad_node {
    char host[64];
    int port;
} ad_node;

/* Node list from FAULTLINE_NODES ("host:port,..."); returns the count (0..16). */
int ad_nodes(ad_node *out, int cap);
/* Parses "host:port". 0 or -1. */
int ad_parse_addr(const char *s, ad_node *out);

/* A TCP connection; fd < 0 when closed. */
typedef struct ad_conn {
    int fd;
    ad_node node;
    char rbuf[65536];
    size_t rlen;
} ad_conn;

/* Connects with a timeout. 0, or -1 with *why set (static text). */
int ad_connect(ad_conn *c, const ad_node *n, int timeout_ms, const char **why);
void ad_close(ad_conn *c);
/* Sends everything; 0 or -1. */
int ad_send(ad_conn *c, const void *data, size_t len, int timeout_ms);
/* Reads at least one byte more into rbuf (appending); 0, or -1 on timeout/EOF/error with
 * *why set. */
int ad_fill(ad_conn *c, int timeout_ms, const char **why);
/* Drops the first n bytes of rbuf. */
void ad_consume(ad_conn *c, size_t n);

/* base64 (standard alphabet, padded). Results are malloc'd. */
char *ad_b64_encode(const char *data, size_t len);
char *ad_b64_decode(const char *s, size_t *len);

/* Outcome kinds of a reply. */
typedef enum { AD_OK, AD_FAIL, AD_INFO } ad_type;

/* The request handler: fills `reply` with "value" or "error" (and "node") and returns the
 * outcome. */
typedef ad_type (*ad_handler)(json_t *req, json_t *reply, void *state);

/* Runs the protocol loop on stdin/stdout until EOF. */
int ad_serve(ad_handler h, void *state);

/* The op timeout from FAULTLINE_OP_TIMEOUT_MS (default 1000). */
int ad_timeout_ms(void);
/* A JSON value as the text stored in the database (compact JSON), malloc'd. */
char *ad_encode_value(const json_t *v);
/* Text back to a JSON value (a string when it is not JSON). New reference. */
json_t *ad_decode_value(const char *s, size_t len);

#endif
