# env.sh: the one place that decides ports and paths of a development or test stack (sourced by ops/dev/*.sh and tests).
#
# ECC_MODE=run  (make run):  var/       https 8443, http 8080, operator console 127.0.0.1:9443, SMTP sink 2525
# ECC_MODE=test (make test): var/test/  https 18443, http 18080, operator console 127.0.0.1:19443, SMTP sink 12525
# ECC_MODE=bench:            var/bench/ https 28443, http 28080, operator console 127.0.0.1:29443, SMTP sink 22525
# Every value below may be overridden from the environment. MariaDB listens on a Unix socket only.

ECC_ROOT=${ECC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ECC_MODE=${ECC_MODE:-run}
case "$ECC_MODE" in
run)   _var=$ECC_ROOT/var;       _p=0;     _build=release ;;
test)  _var=$ECC_ROOT/var/test;  _p=10000; _build=test ;;
bench) _var=$ECC_ROOT/var/bench; _p=20000; _build=release ;;
*) echo "ECC_MODE must be run, test or bench" >&2; return 1 2>/dev/null || exit 1 ;;
esac
ECC_VAR=${ECC_VAR:-$_var}
ECC_BUILD=${ECC_BUILD:-$ECC_ROOT/build/$_build}
ECC_HTTPS_PORT=${ECC_HTTPS_PORT:-$((8443 + _p))}
ECC_HTTP_PORT=${ECC_HTTP_PORT:-$((8080 + _p))}
ECC_OPS_ADDR=${ECC_OPS_ADDR:-127.0.0.1}
ECC_OPS_PORT=${ECC_OPS_PORT:-$((9443 + _p))}
ECC_SMTP_PORT=${ECC_SMTP_PORT:-$((2525 + _p))}
# local emulators of the platform APIs (tests/emulators), loopback only
ECC_EMU_SHOPIFY_PORT=${ECC_EMU_SHOPIFY_PORT:-$((8601 + _p))}
ECC_EMU_RAKUTEN_PORT=${ECC_EMU_RAKUTEN_PORT:-$((8602 + _p))}
ECC_EMU_AMAZON_PORT=${ECC_EMU_AMAZON_PORT:-$((8603 + _p))}
# the private test sshd for SFTP delivery (tests/sshd), loopback only
ECC_SSHD_PORT=${ECC_SSHD_PORT:-$((8622 + _p))}
ECC_WORKERS=${ECC_WORKERS:-$(nproc)}
ECC_OPS_WORKERS=${ECC_OPS_WORKERS:-1}
ECC_NGINX_USER=${ECC_NGINX_USER:-www-data}
ECC_BASE_URL=${ECC_BASE_URL:-https://localhost:$ECC_HTTPS_PORT}
ECC_OPS_BASE_URL=${ECC_OPS_BASE_URL:-https://$ECC_OPS_ADDR:$ECC_OPS_PORT}
# Layout under $ECC_VAR:
#   db/       MariaDB: data/, mysqld.sock, mysqld.pid, my.cnf, keys/keyfile (0600), mysqld.err
#   secrets/  db_app.pw, db_migrate.pw, csrf.key (all 0600)
#   tls/      ca.pem, ca.key, cert.pem, key.pem (keys 0600)
#   nginx/    nginx.conf (generated), nginx.pid, logs/, tmp/
#   run/      <zone>-<n>.sock worker sockets, ecc-web-<zone>.pid
#   log/      ecc-web-<zone>.log (JSON lines)
#   etc/      ecc.conf (generated)
ECC_DB_SOCKET=$ECC_VAR/db/mysqld.sock
export ECC_ROOT ECC_MODE ECC_VAR ECC_BUILD ECC_HTTPS_PORT ECC_HTTP_PORT ECC_OPS_ADDR ECC_OPS_PORT \
	ECC_SMTP_PORT ECC_EMU_SHOPIFY_PORT ECC_EMU_RAKUTEN_PORT ECC_EMU_AMAZON_PORT ECC_SSHD_PORT ECC_WORKERS ECC_OPS_WORKERS ECC_NGINX_USER ECC_BASE_URL ECC_OPS_BASE_URL ECC_DB_SOCKET
unset _var _p _build
