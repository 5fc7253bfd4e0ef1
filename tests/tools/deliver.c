/* deliver.c: test tool for t0920-delivery: one delivery_send (or delivery_test) from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connectors/ssrf.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/file.h"
#include "core/log.h"
#include "delivery/delivery.h"

/*
 * deliver sftp --host H [--port P] --user U --dir D --hostkey SHA256:… \
 *         (--password-file F | --key-file F [--passphrase-file F]) --name N [common] < file
 * deliver http --url URL [--bearer-file F | --basic-user U --basic-password-file F] \
 *         [--content-type T] --name N [common] < file
 * common: [--config FILE] [--allow LIST] [--ca FILE] [--test] [--timeout S]
 *         [--connect-timeout S] [--max-size N] [--tmp-dir DIR]
 *
 * The configuration (--config, else $ECC_CONFIG, else none) gives
 * outbound_allowlist and outbound_ca_file; --allow adds entries to the
 * allowlist and --ca replaces the CA file. Secret files must be mode 0600
 * and owned by the caller; a trailing newline is dropped from passwords and
 * tokens. --test checks the target instead of delivering (stdin unread).
 *
 * Prints "ok <category>: <message>" (exit 0) or "error <category>:
 * <message>" (exit 1), then "remote …", "status …", "fingerprint …" and
 * "detail …" lines when set; 2 for bad usage. Log lines (delivery,
 * ssrf_blocked) are JSON on stderr.
 */

static void
usage(void)
{
	fputs("usage: deliver sftp --host H [--port P] --user U --dir D --hostkey SHA256:...\n"
	      "         (--password-file F | --key-file F [--passphrase-file F]) --name N [common] < file\n"
	      "       deliver http --url URL [--bearer-file F | --basic-user U --basic-password-file F]\n"
	      "         [--content-type T] --name N [common] < file\n"
	      "common: [--config FILE] [--allow LIST] [--ca FILE] [--test] [--timeout S]\n"
	      "        [--connect-timeout S] [--max-size N] [--tmp-dir DIR]\n",
	      stderr);
}

static long
number(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 10);
	return (*s == '\0' || *end != '\0' || v < 0 || v > max) ? -1 : v;
}

/* secret: a secret file's text; strip: drop trailing CR/LF (passwords, tokens) */
static const char *
secret(struct arena *a, const char *path, int strip)
{
	char *s;
	size_t n;
	struct buf err;
	buf_init(&err, a, 0);
	if (file_read(a, path, 65536, FILE_SECRET, &s, &n, &err) != 0) {
		fprintf(stderr, "deliver: %s\n", buf_cstr(&err));
		exit(2);
	}
	while (strip && n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static char *
read_stdin(struct arena *a, size_t max, size_t *len)
{
	struct buf b;
	buf_init(&b, a, 65536);
	char chunk[65536];
	for (;;) {
		ssize_t r = read(0, chunk, sizeof chunk);
		if (r < 0) {
			perror("deliver: stdin");
			exit(2);
		}
		if (r == 0)
			break;
		buf_append(&b, chunk, (size_t)r);
		if (b.len > max + 1) /* delivery_check_file reports it */
			break;
	}
	*len = b.len;
	return b.data;
}

int
main(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "sftp") != 0 && strcmp(argv[1], "http") != 0)) {
		usage();
		return 2;
	}
	struct arena *a = arena_new(0);
	struct delivery_target t;
	memset(&t, 0, sizeof t);
	t.kind = strcmp(argv[1], "sftp") == 0 ? DELIVERY_SFTP : DELIVERY_HTTP;
	const char *config = getenv("ECC_CONFIG"), *allow = NULL, *ca = NULL, *name = NULL;
	const char *tmp_dir = NULL;
	int test = 0;
	for (int i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int used = 1;
		if (strcmp(o, "--test") == 0) {
			test = 1;
			used = 0;
		} else if (v == NULL) {
			usage();
			return 2;
		} else if (strcmp(o, "--host") == 0) {
			t.host = v;
		} else if (strcmp(o, "--port") == 0) {
			t.port = (int)strtol(v, NULL, 10); /* range checked by delivery_validate */
		} else if (strcmp(o, "--user") == 0) {
			t.user = v;
		} else if (strcmp(o, "--dir") == 0) {
			t.dir = v;
		} else if (strcmp(o, "--hostkey") == 0) {
			t.hostkey_sha256 = v;
		} else if (strcmp(o, "--password-file") == 0) {
			t.auth = DELIVERY_AUTH_PASSWORD;
			t.password = secret(a, v, 1);
		} else if (strcmp(o, "--key-file") == 0) {
			t.auth = DELIVERY_AUTH_KEY;
			t.private_key = secret(a, v, 0);
		} else if (strcmp(o, "--passphrase-file") == 0) {
			t.key_passphrase = secret(a, v, 1);
		} else if (strcmp(o, "--url") == 0) {
			t.url = v;
		} else if (strcmp(o, "--bearer-file") == 0) {
			t.bearer_token = secret(a, v, 1);
		} else if (strcmp(o, "--basic-user") == 0) {
			t.basic_user = v;
		} else if (strcmp(o, "--basic-password-file") == 0) {
			t.basic_password = secret(a, v, 1);
		} else if (strcmp(o, "--content-type") == 0) {
			t.content_type = v;
		} else if (strcmp(o, "--name") == 0) {
			name = v;
		} else if (strcmp(o, "--config") == 0) {
			config = v;
		} else if (strcmp(o, "--allow") == 0) {
			allow = v;
		} else if (strcmp(o, "--ca") == 0) {
			ca = v;
		} else if (strcmp(o, "--tmp-dir") == 0) {
			tmp_dir = v;
		} else if (strcmp(o, "--timeout") == 0) {
			t.timeout_s = number(v, 100000);
		} else if (strcmp(o, "--connect-timeout") == 0) {
			t.connect_timeout_s = number(v, 100000);
		} else if (strcmp(o, "--max-size") == 0) {
			long m = number(v, 1L << 40);
			if (m < 0) {
				usage();
				return 2;
			}
			t.max_size = (size_t)m;
		} else {
			fprintf(stderr, "deliver: unknown option '%s'\n", o);
			usage();
			return 2;
		}
		i += used;
	}
	if (!test && name == NULL) {
		fputs("deliver: --name is required\n", stderr);
		return 2;
	}
	log_init("deliver", NULL, LOG_INFO);

	struct buf err;
	buf_init(&err, a, 0);
	struct config cfg;
	memset(&cfg, 0, sizeof cfg);
	if (config != NULL && config[0] != '\0' && config_load(a, config, &cfg, &err) != 0) {
		fprintf(stderr, "deliver: %s\n", buf_cstr(&err));
		return 2;
	}
	const char *spec = cfg.outbound_allowlist != NULL ? cfg.outbound_allowlist : "";
	if (allow != NULL)
		spec = arena_printf(a, "%s,%s", spec, allow);
	struct ssrf_policy pol;
	if (ssrf_policy_parse(a, spec, &pol, &err) != 0) {
		fprintf(stderr, "deliver: %s\n", buf_cstr(&err));
		return 2;
	}
	struct delivery_opts opts = {
		.allow = &pol,
		.ca_file = ca != NULL ? ca : cfg.outbound_ca_file,
		.tmp_dir = tmp_dir,
	};

	struct delivery_result r;
	int rc;
	if (test) {
		rc = delivery_test(a, &opts, &t, &r);
	} else {
		size_t len;
		char *data = read_stdin(a, t.max_size > 0 ? t.max_size : DELIVERY_MAX_SIZE, &len);
		rc = delivery_send(a, &opts, &t, name, data, len, &r);
	}
	printf("%s %s: %s\n", rc == 0 ? "ok" : "error", delivery_category_name(r.cat), r.message);
	if (r.remote[0] != '\0')
		printf("remote %s\n", r.remote);
	if (r.http_status != 0)
		printf("status %ld\n", r.http_status);
	if (r.fingerprint[0] != '\0')
		printf("fingerprint %s\n", r.fingerprint);
	if (r.detail[0] != '\0')
		printf("detail %s\n", r.detail);
	if (rc != 0)
		printf("code %s\n", err_name(rc));
	arena_free(a);
	return rc == 0 ? 0 : 1;
}
