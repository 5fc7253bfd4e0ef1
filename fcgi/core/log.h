/* log.h: structured JSON-lines logging with JST timestamps, one write per event. */
#ifndef ECC_LOG_H
#define ECC_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

enum log_ftype { LOGF_END, LOGF_STR, LOGF_INT, LOGF_MS };

/* One typed field. Build them with LOG_S / LOG_I / LOG_MS inside log_event. */
struct log_field {
	enum log_ftype type;
	const char *key;
	const char *s;
	int64_t i;
	double d;
};

#define LOG_S(k, v) ((struct log_field){ LOGF_STR, (k), (v), 0, 0 })
#define LOG_I(k, v) ((struct log_field){ LOGF_INT, (k), 0, (int64_t)(v), 0 })
#define LOG_MS(k, v) ((struct log_field){ LOGF_MS, (k), 0, 0, (double)(v) })

/*
 * log_event(level, "event_name", fields...): write one line
 *   {"ts":"…+09:00","level":"info","event":"…","component":"…","zone":"…",
 *    "req_id":"…","tenant_id":N, <fields>}
 * to stderr with a single write(2). String values are JSON-escaped (CR, LF,
 * quotes, control bytes and invalid UTF-8 neutralised) and cut at 1 KiB.
 * Never pass secrets, cookie values, tokens or request bodies.
 */
#define log_event(lvl, ev, ...) \
	log_fields((lvl), (ev), (const struct log_field[]){ __VA_ARGS__, { LOGF_END, 0, 0, 0, 0 } })
#define log_event0(lvl, ev) log_fields((lvl), (ev), (const struct log_field[]){ { LOGF_END, 0, 0, 0, 0 } })

void log_fields(enum log_level lvl, const char *event, const struct log_field *f);

/* log_init: set the component ("ecc-web", "ecc-admin"), zone ("customer",
 * "ops" or NULL) and minimum level. Strings must outlive the process. */
void log_init(const char *component, const char *zone, enum log_level min);

/* log_level_parse: "debug"|"info"|"warn"|"error" → level (info if unknown). */
enum log_level log_level_parse(const char *s);

/* log_set_request: request id and tenant (0 = none) stamped on following
 * lines until log_clear_request(). req_id is copied. */
void log_set_request(const char *req_id, int64_t tenant_id);
void log_clear_request(void);

/* log_json_escape: append s (n bytes) JSON-escaped into out (capacity cap,
 * always NUL-terminated); returns bytes written. Shared with other JSON
 * writers. */
size_t log_json_escape(char *out, size_t cap, const char *s, size_t n);

#endif
