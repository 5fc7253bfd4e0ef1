#!/usr/bin/env bash
# run.sh: start, stop or show the private sshd that SFTP delivery tests upload to (loopback, chrooted SFTP-only user).
#
#   tests/sshd/run.sh start|stop|status|restart|info
#
# Environment (defaults from ops/dev/env.sh, so ECC_MODE picks the port):
#   ECC_VAR             everything lives in $ECC_VAR/sshd/ (and the password in $ECC_VAR/secrets/)
#   ECC_SSHD_PORT       the port on 127.0.0.1 [8622 + the mode offset: test 18622]
#   ECC_SFTP_TEST_USER  the system account the tests log in as [ecc-sftp-test]
#
# Layout under $ECC_VAR/sshd/ (created on first start, kept afterwards):
#   sshd_config                generated on every start (port, paths)
#   ssh_host_ed25519_key{,.pub} the only host key, so the pinned fingerprint is unambiguous
#   hostkey.sha256             its fingerprint as `ssh-keygen -lf` prints it: "SHA256:…"
#   client_ed25519{,.pub}      the test user's key pair; authorized_keys holds the public half
#   chroot/                    ChrootDirectory (root-owned, 0755); chroot/in/ belongs to the test user
#   sshd.pid, sshd.log         pid file (-o PidFile=…) and log (-E)
# $ECC_VAR/secrets/sftp_test.pw (0600): the test user's password (generated).
#
# The test user is a system account (no shell, home "/" inside the chroot), created if absent; its
# password is set from sftp_test.pw whenever the account's hash does not match it. The account is
# machine-wide: two checkouts/modes with different ECC_VAR share it, and the last one started sets the
# password (a note is printed); set ECC_SFTP_TEST_USER per stack to keep them apart.
# The sshd: ListenAddress 127.0.0.1 only, UsePAM no, password and public key authentication for the
# test user only (AllowUsers), ForceCommand internal-sftp in the chroot, no forwarding, no TTY.
# Needs root (account, chroot ownership, privilege separation). The system sshd (port 22) is neither
# needed nor touched; only /run/sshd (sshd's compiled-in privilege separation directory) is created
# when missing. stop sends SIGTERM to our sshd and its session processes (found by parent pid, never
# by name), waits, and only then SIGKILLs a straggler: no process is left behind.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export ECC_MODE=${ECC_MODE:-test}
. "$ROOT/ops/dev/env.sh" || exit 1
D=$ECC_VAR/sshd
PORT=$ECC_SSHD_PORT
TUSER=${ECC_SFTP_TEST_USER:-ecc-sftp-test}
PWFILE=$ECC_VAR/secrets/sftp_test.pw
SSHD=/usr/sbin/sshd

# root_safe DIR: true when every component of DIR is owned by root and writable by nobody else — what sshd
# demands of a ChrootDirectory (every component) and, with StrictModes, of the AuthorizedKeysFile's path.
root_safe() {
	local p=$1 st
	while :; do
		st=$(stat -c '%u %a' "$p" 2>/dev/null) || return 1
		[ "${st%% *}" = 0 ] || return 1
		(( (8#${st#* } & 8#022) == 0 )) || return 1
		[ "$p" = / ] && return 0
		p=$(dirname "$p")
	done
}

# The chroot and authorized_keys live under the checkout when its path satisfies sshd (e.g. /work/x/var);
# a checkout under a world-writable directory such as /tmp cannot hold them, so they go to
# /run/ecc-sshd/<a hash of ECC_VAR>/ instead: still one place per checkout and mode, so two runs never
# share it; stop removes it.
if root_safe "$ECC_VAR"; then
	SAFE=$D
else
	SAFE=/run/ecc-sshd/$(printf '%s' "$ECC_VAR" | sha256sum | cut -c1-16)
fi

say() { printf 'sshd: %s\n' "$*"; }
die() { printf 'sshd: %s\n' "$*" >&2; exit 1; }

# pid_of: the pid from our pid file if that process is alive and runs our configuration, else nothing
pid_of() {
	local pid
	[ -s "$D/sshd.pid" ] || return 1
	pid=$(cat "$D/sshd.pid")
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$D/sshd_config" || return 1
	echo "$pid"
}

# descendants PID: every process below PID (the per-connection sshd processes and their children)
descendants() {
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

ensure_keys() {
	if [ ! -s "$D/ssh_host_ed25519_key" ] || [ ! -s "$D/ssh_host_ed25519_key.pub" ]; then
		rm -f "$D/ssh_host_ed25519_key" "$D/ssh_host_ed25519_key.pub"
		ssh-keygen -q -t ed25519 -N '' -C "ecc test sshd $ECC_MODE" -f "$D/ssh_host_ed25519_key" ||
			die "cannot generate the host key"
		say "generated host key $D/ssh_host_ed25519_key"
	fi
	chmod 600 "$D/ssh_host_ed25519_key"
	ssh-keygen -lf "$D/ssh_host_ed25519_key.pub" | awk '{print $2}' >"$D/hostkey.sha256.new" &&
		mv -f "$D/hostkey.sha256.new" "$D/hostkey.sha256"
	if [ ! -s "$D/client_ed25519" ] || [ ! -s "$D/client_ed25519.pub" ]; then
		rm -f "$D/client_ed25519" "$D/client_ed25519.pub"
		ssh-keygen -q -t ed25519 -N '' -C "$TUSER test key" -f "$D/client_ed25519" ||
			die "cannot generate the client key"
	fi
	chmod 600 "$D/client_ed25519"
	mkdir -p "$SAFE"
	chmod 755 "$SAFE"
	install -m 0644 "$D/client_ed25519.pub" "$SAFE/authorized_keys"
}

ensure_password() {
	mkdir -p "$ECC_VAR/secrets"
	chmod 700 "$ECC_VAR/secrets"
	if [ ! -s "$PWFILE" ]; then
		(umask 077; openssl rand -base64 24 | tr -d '/+=\n' >"$PWFILE") || die "cannot write $PWFILE"
	fi
	chmod 600 "$PWFILE"
}

# the account's password hash equals the password in $PWFILE
hash_matches() {
	local cur salt want
	cur=$(getent shadow "$TUSER" | cut -d: -f2)
	[ "${cur:0:3}" = "\$6\$" ] || return 1 # SHA-512 crypt
	salt=$(printf '%s' "$cur" | cut -d'$' -f3)
	want=$(openssl passwd -6 -salt "$salt" -stdin <"$PWFILE") || return 1
	[ "$want" = "$cur" ]
}

ensure_user() {
	if ! getent passwd "$TUSER" >/dev/null; then
		local grp=(--user-group)
		getent group "$TUSER" >/dev/null && grp=(--gid "$TUSER") # left over from an earlier account
		useradd --system "${grp[@]}" --no-create-home --home-dir / --shell /usr/sbin/nologin \
			--comment "EC Connector SFTP delivery test user" "$TUSER" ||
			die "cannot create the system account $TUSER"
		say "created system account $TUSER"
	fi
	if ! hash_matches; then
		local h
		h=$(openssl passwd -6 -stdin <"$PWFILE") || die "cannot hash the password"
		printf '%s:%s\n' "$TUSER" "$h" | chpasswd -e || die "cannot set the password of $TUSER"
		say "set the password of $TUSER from $PWFILE"
	fi
}

ensure_chroot() {
	mkdir -p "$SAFE/chroot/in"
	chown root:root "$SAFE" "$SAFE/chroot"
	chmod 755 "$SAFE" "$SAFE/chroot"
	chown "$TUSER:$(id -gn "$TUSER")" "$SAFE/chroot/in"
	chmod 755 "$SAFE/chroot/in"
}

write_config() {
	cat >"$D/sshd_config.new" <<CONF
# generated by tests/sshd/run.sh ($ECC_MODE) — a private test sshd, not the system one
Port $PORT
ListenAddress 127.0.0.1
AddressFamily inet
HostKey $D/ssh_host_ed25519_key
PidFile $D/sshd.pid
LogLevel VERBOSE
UsePAM no
PermitRootLogin no
AllowUsers $TUSER
PasswordAuthentication yes
PermitEmptyPasswords no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $SAFE/authorized_keys
StrictModes yes
MaxAuthTries 3
LoginGraceTime 20
AllowTcpForwarding no
AllowStreamLocalForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTunnel no
PermitTTY no
PermitUserRC no
PrintMotd no
Subsystem sftp internal-sftp
ForceCommand internal-sftp
ChrootDirectory $SAFE/chroot
CONF
	mv -f "$D/sshd_config.new" "$D/sshd_config"
}

# answers: the sshd on our port presents our host key
answers() {
	local got want
	want=$(awk '{print $2}' "$D/ssh_host_ed25519_key.pub")
	got=$(ssh-keyscan -T 2 -t ed25519 -p "$PORT" 127.0.0.1 2>/dev/null | awk '{print $3}')
	[ -n "$got" ] && [ "$got" = "$want" ]
}

cmd_start() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (system account, chroot ownership)"
	[ -x "$SSHD" ] || die "$SSHD is missing: install openssh-server (ops/dev/install-deps.sh)"
	case $D in *[[:space:]]*) die "ECC_VAR must not contain spaces: $ECC_VAR" ;; esac
	local pid
	if pid=$(pid_of); then
		say "already running (pid $pid, 127.0.0.1:$PORT)"
		return 0
	fi
	mkdir -p "$D"
	chmod 755 "$D"
	ensure_password
	ensure_keys
	ensure_user
	ensure_chroot
	write_config
	[ -d /run/sshd ] || install -d -m 0755 /run/sshd
	local t
	if ! t=$("$SSHD" -t -f "$D/sshd_config" 2>&1); then
		die "configuration rejected: $t"
	fi
	rm -f "$D/sshd.pid"
	"$SSHD" -f "$D/sshd_config" -o "PidFile=$D/sshd.pid" -E "$D/sshd.log" </dev/null ||
		die "sshd did not start; see $D/sshd.log"
	for _ in $(seq 1 50); do
		if pid=$(pid_of) && answers; then
			say "running (pid $pid, 127.0.0.1:$PORT, user $TUSER, host key $(cat "$D/hostkey.sha256"))"
			return 0
		fi
		sleep 0.1
	done
	echo "sshd: failed to start; last log lines:" >&2
	tail -n 5 "$D/sshd.log" >&2
	cmd_stop >/dev/null
	return 1
}

cmd_stop() {
	local pid procs p
	if ! pid=$(pid_of); then
		rm -f "$D/sshd.pid"
		[ "$SAFE" = "$D" ] || { rm -rf "$SAFE"; rmdir /run/ecc-sshd 2>/dev/null; }
		say "not running"
		return 0
	fi
	procs=$(descendants "$pid")
	kill -TERM "$pid" 2>/dev/null
	for p in $procs; do kill -TERM "$p" 2>/dev/null; done
	for _ in $(seq 1 50); do
		local alive=0
		for p in $pid $procs; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive -eq 0 ] && break
		sleep 0.1
	done
	for p in $pid $procs; do
		if kill -0 "$p" 2>/dev/null; then
			echo "sshd: pid $p did not stop on SIGTERM, killing it" >&2
			kill -KILL "$p" 2>/dev/null
		fi
	done
	rm -f "$D/sshd.pid"
	[ "$SAFE" = "$D" ] || { rm -rf "$SAFE"; rmdir /run/ecc-sshd 2>/dev/null; }
	say "stopped"
}

cmd_status() {
	local pid
	if pid=$(pid_of); then
		say "running (pid $pid, 127.0.0.1:$PORT, user $TUSER)"
		return 0
	fi
	say "stopped"
	return 3
}

# info: key=value lines for tests (what to connect to and with)
cmd_info() {
	printf 'host=127.0.0.1\nport=%s\nuser=%s\ndir=/in\nchroot=%s\nhostkey=%s\npassword_file=%s\nkey_file=%s\n' \
		"$PORT" "$TUSER" "$SAFE/chroot" "$(cat "$D/hostkey.sha256" 2>/dev/null)" "$PWFILE" "$D/client_ed25519"
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
restart) cmd_stop && cmd_start ;;
info) cmd_info ;;
*)
	echo "usage: $0 start|stop|status|restart|info" >&2
	exit 2
	;;
esac
