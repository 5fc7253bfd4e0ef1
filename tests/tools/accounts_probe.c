/* accounts_probe.c: exercises the accounts data layer (dbq_tenants/users/tokens/audit/logins, CSV) against MariaDB. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/t.h"
#include "convert/csv.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/keyring.h"
#include "db/db.h"
#include "db/dbq_audit.h"
#include "db/dbq_logins.h"
#include "db/dbq_tenants.h"
#include "db/dbq_tokens.h"
#include "db/dbq_users.h"

/*
 * accounts_probe basics CODE1 CODE2   two fresh tenants: users, cross-tenant
 *                                      isolation, tokens, lockout, password
 *                                      history, login history, audit, delete
 * accounts_probe issue CODE EMAIL     print a new invitation token of the user
 * accounts_probe consume TOKEN        print "ok" or "not-found" (exit 0/1)
 * accounts_probe csv CODE FILE ENC    login history of CODE as CSV (ENC utf8|cp932)
 * accounts_probe audit CODE N         append N audit entries to CODE's chain
 * Configuration as for ecc-admin ($ECC_CONFIG); prints
 * "accounts-probe-<mode>: N passed, N failed" for basics.
 */

static struct arena *app;
static struct config cfg;
static struct db *db;

static int
setup(void)
{
	struct buf err;
	buf_init(&err, app, 128);
	if (config_load(app, getenv("ECC_CONFIG"), &cfg, &err) != 0 ||
	    config_load_secrets(app, &cfg, CONFIG_SECRET_DB, &err) != 0 ||
	    keyring_load_kek(cfg.kek_file, &err) != 0) {
		fprintf(stderr, "accounts_probe: %s\n", buf_cstr(&err));
		return -1;
	}
	log_init("accounts_probe", NULL, LOG_ERROR + 1);
	db = db_new(app, cfg.db_socket, cfg.db_user, cfg.db_password_secret, cfg.db_name);
	return 0;
}

static int
tenant(const char *code, struct tenant *t)
{
	int rc = dbq_tenants_find_by_code(db, app, code, t);
	if (rc != 0)
		fprintf(stderr, "accounts_probe: tenant %s: %s\n", code, err_name(rc));
	return rc;
}

static void
basics(const char *c1, const char *c2)
{
	struct arena *a = arena_new(0);
	uint64_t t1id, t2id, u1, u2, u3, x;
	struct tenant t1, t2;
	T_INTEQ(dbq_tenants_create(db, a, c1, "テナント一", &t1id), 0);
	T_INTEQ(dbq_tenants_create(db, a, c2, "Tenant Two", &t2id), 0);
	T_INTEQ(dbq_tenants_create(db, a, c1, "dup", &x), -ERR_CONFLICT);
	T_INTEQ(dbq_tenants_create(db, a, "ab", "short", &x), -ERR_INVALID);
	T_INTEQ(dbq_tenants_create(db, a, "bad_code", "x", &x), -ERR_INVALID);
	T_INTEQ(dbq_tenants_create(db, a, "okcode9", "", &x), -ERR_INVALID);
	T_INTEQ(dbq_tenants_get(db, a, t1id, &t1), 0);
	T_INTEQ(dbq_tenants_get(db, a, t2id, &t2), 0);
	T_OK(memcmp(t1.key, t2.key, SEAL_KEY_LEN) != 0, "tenants have different keys");
	T_INTEQ(t1.s.invite_ttl_hours, 24);

	/* settings */
	struct tenant_settings s = t1.s;
	const char *field = NULL;
	s.invite_ttl_hours = 73;
	T_INTEQ(dbq_tenants_settings_check(&s, &field), -ERR_INVALID);
	T_STREQ(field, "invite_ttl_hours");
	s.invite_ttl_hours = 72;
	s.pw_min_length = 11;
	T_INTEQ(dbq_tenants_update_settings(db, a, t1id, &s), -ERR_INVALID);
	s.pw_min_length = 14;
	s.pw_history = 2;
	s.lockout_threshold = 3;
	s.lockout_minutes = 10;
	T_INTEQ(dbq_tenants_update_settings(db, a, t1id, &s), 0);
	T_INTEQ(dbq_tenants_get(db, a, t1id, &t1), 0);
	T_INTEQ(t1.s.invite_ttl_hours, 72);
	T_INTEQ(t1.s.pw_history, 2);

	/* users */
	T_INTEQ(dbq_users_create(db, a, t1id, t1.key, " Alice@Example.JP ", "有栖 アリス", "ja",
				 USER_ROLE_ADMIN, &u1), 0);
	T_INTEQ(dbq_users_create(db, a, t1id, t1.key, "alice@example.jp", "dup", "ja",
				 USER_ROLE_VIEWER, &x), -ERR_CONFLICT);
	T_INTEQ(dbq_users_create(db, a, t2id, t2.key, "alice@example.jp", "Alice in T2", "en",
				 USER_ROLE_ADMIN, &u2), 0);
	T_INTEQ(dbq_users_create(db, a, t1id, t1.key, "=cmd@example.jp", "=HYPERLINK(\"x\")", "en",
				 USER_ROLE_VIEWER, &u3), 0);
	T_INTEQ(dbq_users_create(db, a, t1id, t1.key, "not-an-address", "x", "ja", 1, &x),
		-ERR_INVALID);
	T_INTEQ(dbq_users_create(db, a, t1id, t1.key, "a@b.example", "bad\r\nBcc: x", "ja", 1, &x),
		-ERR_INVALID);
	struct user u;
	T_INTEQ(dbq_users_get(db, a, t1id, t1.key, u1, &u), 0);
	T_STREQ(u.email, "alice@example.jp");
	T_STREQ(u.name, "有栖 アリス");
	T_INTEQ(u.role, USER_ROLE_ADMIN);
	T_INTEQ(u.status, USER_INVITED);
	T_INTEQ(dbq_users_get(db, a, t2id, t2.key, u1, &u), -ERR_NOT_FOUND);  /* cross-tenant */
	T_INTEQ(dbq_users_get(db, a, t1id, t1.key, u2, &u), -ERR_NOT_FOUND);
	T_INTEQ(dbq_users_set_role(db, a, t2id, u1, USER_ROLE_VIEWER), -ERR_NOT_FOUND);
	T_INTEQ(dbq_users_delete(db, a, t2id, u1), -ERR_NOT_FOUND);
	T_INTEQ(dbq_users_find_by_email(db, a, t1id, t1.key, "ALICE@example.jp", &u), 0);
	T_INTEQ(u.id, u1);
	T_INTEQ(dbq_users_find_by_email(db, a, t2id, t2.key, "alice@example.jp", &u), 0);
	T_INTEQ(u.id, u2);
	T_INTEQ(dbq_users_find_by_email(db, a, t1id, t1.key, "bob@example.jp", &u), -ERR_NOT_FOUND);

	/* list, search, paging */
	for (int i = 0; i < 5; i++) {
		char e[64], n[64];
		snprintf(e, sizeof e, "user%d@example.jp", i);
		snprintf(n, sizeof n, "利用者 %d", i);
		T_INTEQ(dbq_users_create(db, a, t1id, t1.key, e, n, "ja", USER_ROLE_EDITOR, &x), 0);
	}
	struct user *us;
	size_t n, total;
	T_INTEQ(dbq_users_list(db, a, t1id, t1.key, NULL, 0, 3, &us, &n, &total), 0);
	T_INTEQ(n, 3);
	T_INTEQ(total, 7);
	T_INTEQ(dbq_users_list(db, a, t1id, t1.key, NULL, 6, 3, &us, &n, &total), 0);
	T_INTEQ(n, 1);
	T_INTEQ(dbq_users_list(db, a, t1id, t1.key, "利用者", 0, 10, &us, &n, &total), 0);
	T_INTEQ(total, 5);
	T_INTEQ(dbq_users_list(db, a, t1id, t1.key, "USER3@", 0, 10, &us, &n, &total), 0);
	T_OK(n == 1 && strcmp(us[0].name, "利用者 3") == 0, "search by email substring");
	T_INTEQ(dbq_users_list(db, a, t2id, t2.key, NULL, 0, 10, &us, &n, &total), 0);
	T_INTEQ(total, 1);
	size_t admins = 99;
	T_INTEQ(dbq_users_count_active_admins(db, a, t1id, &admins), 0);
	T_INTEQ(admins, 0);

	/* password + history */
	T_INTEQ(dbq_users_set_password(db, a, t1id, u1, "$argon2id$v=19$m=19456,t=2,p=1$AAAA$h1", 2), 0);
	T_INTEQ(dbq_users_set_password(db, a, t1id, u1, "$argon2id$v=19$m=19456,t=2,p=1$AAAA$h2", 2), 0);
	T_INTEQ(dbq_users_set_password(db, a, t1id, u1, "$argon2id$v=19$m=19456,t=2,p=1$AAAA$h3", 2), 0);
	const char **hs;
	T_INTEQ(dbq_users_password_history(db, a, t1id, u1, 10, &hs, &n), 0);
	T_INTEQ(n, 2);
	T_OK(n == 2 && strstr(hs[0], "$h3") && strstr(hs[1], "$h2"), "history newest first, trimmed");
	T_INTEQ(dbq_users_get(db, a, t1id, t1.key, u1, &u), 0);
	T_INTEQ(u.status, USER_ACTIVE);
	T_OK(u.password_changed_at > 0, "password_changed_at set");
	T_INTEQ(dbq_users_count_active_admins(db, a, t1id, &admins), 0);
	T_INTEQ(admins, 1);

	/* TOTP */
	T_INTEQ(dbq_users_set_totp(db, a, t1id, t1.key, u1, (const unsigned char *)"0123456789abcdefghij", 20), 0);
	T_INTEQ(dbq_users_enable_totp(db, a, t1id, u1), 0);
	T_INTEQ(dbq_users_get(db, a, t1id, t1.key, u1, &u), 0);
	T_OK(u.totp_enabled && u.totp_secret_len == 20 && memcmp(u.totp_secret, "0123456789abcdefghij", 20) == 0,
	     "TOTP secret round trip");
	T_INTEQ(dbq_users_totp_step(db, a, t1id, u1, 1000), 0);
	T_INTEQ(dbq_users_totp_step(db, a, t1id, u1, 1000), -ERR_CONFLICT);
	T_INTEQ(dbq_users_totp_step(db, a, t1id, u1, 999), -ERR_CONFLICT);
	T_INTEQ(dbq_users_totp_step(db, a, t1id, u1, 1001), 0);

	/* lockout: threshold 3, 10 min, doubling, cap 24 h */
	T_INTEQ(dbq_users_lock_seconds(3, 3, 10), 600);
	T_INTEQ(dbq_users_lock_seconds(4, 3, 10), 0);
	T_INTEQ(dbq_users_lock_seconds(6, 3, 10), 1200);
	T_INTEQ(dbq_users_lock_seconds(9, 3, 10), 2400);
	T_INTEQ(dbq_users_lock_seconds(300, 3, 1440), 86400);
	int64_t until = -1;
	T_INTEQ(dbq_users_login_failed(db, a, t1id, u1, 3, 10, &until), 0);
	T_INTEQ(until, 0);
	dbq_users_login_failed(db, a, t1id, u1, 3, 10, &until);
	T_INTEQ(dbq_users_login_failed(db, a, t1id, u1, 3, 10, &until), 0);
	T_OK(until >= (int64_t)clock_now() + 590, "locked for 10 minutes");
	T_INTEQ(dbq_users_get(db, a, t1id, t1.key, u1, &u), 0);
	T_INTEQ(u.failed_logins, 3);
	T_OK(u.locked_until == until, "locked_until stored");
	T_INTEQ(dbq_users_login_failed(db, a, t2id, u1, 3, 10, &until), -ERR_NOT_FOUND);
	T_INTEQ(dbq_users_unlock(db, a, t1id, u1), 0);
	T_INTEQ(dbq_users_get(db, a, t1id, t1.key, u1, &u), 0);
	T_OK(u.failed_logins == 0 && u.locked_until == 0, "unlocked");

	/* connection restriction */
	uint64_t conns[] = { 11, 12 };
	T_INTEQ(dbq_users_set_restrict(db, a, t1id, u1, true), 0);
	T_INTEQ(dbq_users_set_connections(db, a, t1id, u1, conns, 2), 0);
	T_OK(dbq_users_can_use_connection(db, a, t1id, u1, true, 12), "allowed connection");
	T_OK(!dbq_users_can_use_connection(db, a, t1id, u1, true, 13), "other connection refused");
	T_OK(!dbq_users_can_use_connection(db, a, t2id, u1, true, 12), "other tenant refused");
	T_OK(dbq_users_can_use_connection(db, a, t1id, u1, false, 13), "unrestricted user");

	/* tokens */
	char *tok, *tok2;
	uint64_t tt, tu;
	int kind;
	T_INTEQ(dbq_tokens_issue(db, a, t1id, u3, DBQ_TOKEN_INVITE, 3600, &tok), 0);
	T_INTEQ(strlen(tok), 43);
	T_INTEQ(dbq_tokens_peek(db, a, tok, &tt, &tu, &kind), 0);
	T_OK(tt == t1id && tu == u3 && kind == DBQ_TOKEN_INVITE, "peek gives the owner");
	T_INTEQ(dbq_tokens_issue(db, a, t1id, u3, DBQ_TOKEN_INVITE, 3600, &tok2), 0);
	T_INTEQ(dbq_tokens_consume(db, a, tok, &tt, &tu, &kind), -ERR_NOT_FOUND); /* reissued */
	T_INTEQ(dbq_tokens_consume(db, a, tok2, &tt, &tu, &kind), 0);
	T_OK(tt == t1id && tu == u3, "consume gives the owner");
	T_INTEQ(dbq_tokens_consume(db, a, tok2, &tt, &tu, &kind), -ERR_NOT_FOUND); /* single use */
	T_INTEQ(dbq_tokens_peek(db, a, tok2, &tt, &tu, &kind), -ERR_NOT_FOUND);
	T_INTEQ(dbq_tokens_consume(db, a, "not a token", &tt, &tu, &kind), -ERR_NOT_FOUND);
	T_INTEQ(dbq_tokens_issue(db, a, t1id, u3, DBQ_TOKEN_RESET, DBQ_TOKEN_RESET_TTL, &tok), 0);
	T_INTEQ(dbq_tokens_issue(db, a, t1id, u3, 9, 60, &tok), -ERR_INVALID);

	/* login history: scoping, filters, paging, decryption */
	for (int i = 0; i < 25; i++)
		T_INTEQ(dbq_logins_append(db, a, t1id, t1.key, i % 5 == 0 ? 0 : u1, i % 2 == 0,
					  i % 2 == 0 ? "ok" : "bad_password", "password",
					  "203.0.113.7", "Mozilla/5.0 (テスト)"), 0);
	T_INTEQ(dbq_logins_append(db, a, t2id, t2.key, u2, true, "ok", "totp", "198.51.100.1", "UA2"), 0);
	T_INTEQ(dbq_logins_append(db, a, t1id, t1.key, u1, true, "Bad Reason", "password", NULL, NULL),
		-ERR_INVALID);
	struct login_entry *les;
	T_INTEQ(dbq_logins_list(db, a, t1id, t1.key, NULL, 0, 10, &les, &n, &total), 0);
	T_INTEQ(n, 10);
	T_INTEQ(total, 25);
	T_OK(n > 0 && strcmp(les[0].ip, "203.0.113.7") == 0 && strcmp(les[0].ua, "Mozilla/5.0 (テスト)") == 0,
	     "IP and UA decrypted");
	T_INTEQ(dbq_logins_list(db, a, t1id, t1.key, NULL, 20, 10, &les, &n, &total), 0);
	T_INTEQ(n, 5);
	struct login_filter lf = { .result = 2 };
	T_INTEQ(dbq_logins_list(db, a, t1id, t1.key, &lf, 0, 100, &les, &n, &total), 0);
	T_INTEQ(total, 12);
	lf = (struct login_filter){ .user_id = u1 };
	T_INTEQ(dbq_logins_list(db, a, t1id, t1.key, &lf, 0, 100, &les, &n, &total), 0);
	T_INTEQ(total, 20);
	T_INTEQ(dbq_logins_list_user(db, a, t2id, t2.key, u1, 0, 100, &les, &n, &total), 0);
	T_INTEQ(total, 0);
	T_INTEQ(dbq_logins_list(db, a, t2id, t2.key, NULL, 0, 100, &les, &n, &total), 0);
	T_OK(total == 1 && strcmp(les[0].ip, "198.51.100.1") == 0, "tenant 2 sees only its row");
	char today[32];
	clock_jst(clock_now_ms(), today);
	today[10] = '\0';
	lf = (struct login_filter){ .from_jst = today, .to_jst = today };
	T_INTEQ(dbq_logins_list(db, a, t1id, t1.key, &lf, 0, 100, &les, &n, &total), 0);
	T_INTEQ(total, 25);
	lf = (struct login_filter){ .from_jst = "2001-01-01", .to_jst = "2001-01-31" };
	T_INTEQ(dbq_logins_list(db, a, t1id, t1.key, &lf, 0, 100, &les, &n, &total), 0);
	T_INTEQ(total, 0);
	lf = (struct login_filter){ .from_jst = "2001-02-30" };
	T_INTEQ(dbq_logins_list(db, a, t1id, t1.key, &lf, 0, 100, &les, &n, &total), -ERR_INVALID);
	int64_t day;
	T_INTEQ(dbq_audit_jst_day("2026-01-01", &day), 0);
	T_INTEQ(day, 1767193200000LL);  /* 2025-12-31T15:00:00Z */

	/* audit */
	T_INTEQ(dbq_audit_append(db, a, t1id, u1, "authz_change", u3, "role=editor"), 0);
	T_INTEQ(dbq_audit_append(db, a, t1id, u1, "user_deleted", u3, "by=admin"), 0);
	T_INTEQ(dbq_audit_append(db, a, t1id, u1, "Bad Action", 0, ""), -ERR_INVALID);
	T_INTEQ(dbq_audit_append(db, a, t1id, u1, "note", 0, "email=a@b.example"), -ERR_INVALID);
	T_INTEQ(dbq_audit_append(db, a, t1id, u1, "note", 0, "name=山田"), -ERR_INVALID);
	struct buf rep;
	buf_init(&rep, a, 64);
	size_t checked = 0;
	T_INTEQ(dbq_audit_verify(db, a, t1id, &rep, &checked), 0);
	T_INTEQ(checked, 2);
	struct audit_entry *ae;
	struct audit_filter af = { .action = "user_deleted" };
	T_INTEQ(dbq_audit_list(db, a, t1id, &af, 0, 10, &ae, &n, &total), 0);
	T_OK(n == 1 && ae[0].target_user_id == u3 && strcmp(ae[0].detail, "by=admin") == 0, "audit list filter");
	T_INTEQ(dbq_audit_list(db, a, t2id, NULL, 0, 10, &ae, &n, &total), 0);
	T_INTEQ(total, 0);

	/* delete cascades */
	struct db_rows *rows;
	T_INTEQ(dbq_tokens_issue(db, a, t1id, u1, DBQ_TOKEN_RESET, 600, &tok), 0);
	T_INTEQ(dbq_users_delete(db, a, t1id, u1), 0);
	T_INTEQ(dbq_users_get(db, a, t1id, t1.key, u1, &u), -ERR_NOT_FOUND);
	static const char *const tables[] = { "auth_tokens", "password_history",
					      "user_connection_access", "recovery_codes", "sessions" };
	for (size_t i = 0; i < 5; i++) {
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE tenant_id = ? AND user_id = ?",
			 tables[i]);
		int64_t cnt = -1;
		T_INTEQ(db_query_args(db, a, &rows, sql, "ii", 2,
				      (const struct db_arg[]){ DB_ARG(t1id), DB_ARG(u1) }), 0);
		db_i64(rows, 0, 0, &cnt);
		T_OK(cnt == 0, "delete cascades to %s (%lld left)", tables[i], (long long)cnt);
	}
	T_INTEQ(dbq_users_delete(db, a, t1id, u1), -ERR_NOT_FOUND);
	arena_free(a);
}

static int
export_csv(const char *code, const char *file, const char *enc)
{
	struct tenant t;
	if (tenant(code, &t) != 0)
		return 1;
	struct login_entry *es;
	size_t n, total;
	if (dbq_logins_list(db, app, t.id, t.key, NULL, 0, 10000, &es, &n, &total) != 0)
		return 1;
	struct csv c;
	csv_init(&c, app, strcmp(enc, "cp932") == 0 ? CSV_CP932 : CSV_UTF8_BOM);
	const char *head[] = { "日時", "利用者", "結果", "理由", "要素", "IP", "ブラウザ" };
	for (size_t i = 0; i < 7; i++)
		csv_cell_str(&c, head[i]);
	csv_end_row(&c);
	for (size_t i = 0; i < n; i++) {
		char when[32], uid[24];
		snprintf(uid, sizeof uid, "%llu", (unsigned long long)es[i].user_id);
		csv_cell_str(&c, clock_jst(es[i].at_ms, when));
		csv_cell_str(&c, uid);
		csv_cell_str(&c, es[i].success ? "成功" : "失敗");
		csv_cell_str(&c, es[i].reason);
		csv_cell_str(&c, es[i].factor);
		csv_cell_str(&c, es[i].ip);
		csv_cell_str(&c, es[i].ua);
		csv_end_row(&c);
	}
	char *out;
	size_t len, bad;
	if (csv_finish(&c, app, &out, &len, &bad) != 0)
		return 1;
	FILE *f = fopen(file, "wb");
	if (f == NULL || fwrite(out, 1, len, f) != len || fclose(f) != 0)
		return 1;
	printf("rows %zu unmappable %zu\n", n, bad);
	return 0;
}

int
main(int argc, char **argv)
{
	app = arena_new(0);
	int status = 2;
	if (db_global_init() != 0 || argc < 2 || setup() != 0)
		goto out;
	if (strcmp(argv[1], "basics") == 0 && argc == 4) {
		basics(argv[2], argv[3]);
		status = t_done("accounts-probe-basics");
	} else if (strcmp(argv[1], "issue") == 0 && argc == 4) {
		struct tenant t;
		struct user u;
		char *tok;
		status = 1;
		if (tenant(argv[2], &t) == 0 &&
		    dbq_users_find_by_email(db, app, t.id, t.key, argv[3], &u) == 0 &&
		    dbq_tokens_issue(db, app, t.id, u.id, DBQ_TOKEN_INVITE, 86400, &tok) == 0) {
			printf("%s\n", tok);
			status = 0;
		}
	} else if (strcmp(argv[1], "consume") == 0 && argc == 3) {
		uint64_t tid, uid;
		int kind;
		int rc = dbq_tokens_consume(db, app, argv[2], &tid, &uid, &kind);
		printf("%s\n", rc == 0 ? "ok" : rc == -ERR_NOT_FOUND ? "not-found" : err_name(rc));
		status = rc == 0 ? 0 : 1;
	} else if (strcmp(argv[1], "csv") == 0 && argc == 5) {
		status = export_csv(argv[2], argv[3], argv[4]);
	} else if (strcmp(argv[1], "audit") == 0 && argc == 4) {
		struct tenant t;
		status = 1;
		if (tenant(argv[2], &t) == 0) {
			int k = (int)strtol(argv[3], NULL, 10), rc = 0;
			for (int i = 0; i < k && rc == 0; i++) {
				char d[32];
				snprintf(d, sizeof d, "n=%d", i);
				rc = dbq_audit_append(db, app, t.id, 0, "probe_event", 0, d);
			}
			status = rc == 0 ? 0 : 1;
		}
	} else if (strcmp(argv[1], "login") == 0 && argc == 5) {
		/* login CODE EMAIL UA: one failed attempt whose UA is given */
		struct tenant t;
		struct user u;
		status = 1;
		if (tenant(argv[2], &t) == 0 &&
		    dbq_users_find_by_email(db, app, t.id, t.key, argv[3], &u) == 0 &&
		    dbq_logins_append(db, app, t.id, t.key, u.id, false, "bad_password", "password",
				      "192.0.2.1", argv[4]) == 0)
			status = 0;
	} else {
		fprintf(stderr, "usage: accounts_probe basics C1 C2 | issue C E | consume T | csv C F utf8|cp932 | audit C N | login C E UA\n");
	}
out:
	arena_free(app);
	db_global_end();
	return status;
}
