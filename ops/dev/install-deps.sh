#!/bin/bash
# install-deps.sh: installs the Debian packages the project needs, only those that are missing (idempotent).
#
# Usage: ops/dev/install-deps.sh [--check]
#   --check   only report what is missing; exit 1 if anything is.
# Needs root (or sudo) only when something must be installed. Reads nothing from stdin.
# System services: a package's postinst may start the system nginx or MariaDB. They are left alone:
# our stack uses its own ports, sockets, pid files and data directories, so they do not collide,
# and an operator's services are not ours to stop.
set -euo pipefail

PKGS=(
	build-essential pkg-config
	libfcgi-dev libfcgi-bin
	libmariadb-dev mariadb-server mariadb-client
	nginx openssl libssl-dev ca-certificates curl
	libjson-c-dev libcurl4-openssl-dev
	liboath-dev oathtool libargon2-dev libqrencode-dev
	tidy python3 python3-aiosmtpd wrk chromium fonts-ipafont-gothic
	clang libclang-rt-14-dev sqlmap
	john-data cracklib-runtime
	# openssh-server: the SFTP delivery tests run their own sshd (tests/sshd/run.sh: own config, keys, pid
	# file, loopback port); the system sshd its postinst may start on port 22 is neither used nor touched.
	# miller: make bench compares the converter with it.
	openssh-server miller
)

check_only=0
case "${1:-}" in
--check) check_only=1 ;;
"") ;;
*) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

installed() {
	local st
	st=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
	[ "$st" = installed ]
}

missing=()
for p in "${PKGS[@]}"; do
	installed "$p" || missing+=("$p")
done

# Node.js (Playwright for tests/e2e): the machine may already have node outside Debian's packaging
# (for example nodesource's build, which carries its own npm). Only when node is absent do we ask
# Debian for it; npm likewise only when no npm command exists.
if ! command -v node >/dev/null 2>&1; then
	installed nodejs || missing+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
	installed npm || missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} Debian packages present$(command -v node >/dev/null 2>&1 && echo ", node $(node --version 2>/dev/null)"); nothing to do"
	exit 0
fi

echo "install-deps: missing: ${missing[*]}"
if [ "$check_only" = 1 ]; then
	exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo -n)
	else
		echo "install-deps: not root and no sudo: install the packages above as root" >&2
		exit 1
	fi
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

echo "install-deps: apt-get update"
if ! "${SUDO[@]}" apt-get -q -o DPkg::Lock::Timeout=300 update </dev/null; then
	echo "install-deps: apt-get update failed (no network?); cannot install: ${missing[*]}" >&2
	exit 1
fi
echo "install-deps: apt-get install ${missing[*]}"
if ! "${SUDO[@]}" apt-get "${APT_OPTS[@]}" install --no-install-recommends "${missing[@]}" </dev/null; then
	echo "install-deps: apt-get install failed for: ${missing[*]}" >&2
	exit 1
fi

still=()
for p in "${missing[@]}"; do
	installed "$p" || still+=("$p")
done
if [ ${#still[@]} -ne 0 ]; then
	echo "install-deps: still missing after install: ${still[*]}" >&2
	exit 1
fi
echo "install-deps: installed ${#missing[@]} package(s): ${missing[*]}"
