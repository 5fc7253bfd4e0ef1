#!/bin/bash
# tls.sh: the development CA and server certificate under $ECC_VAR/tls/ (never for production use).
#
# Usage: ops/dev/tls.sh ensure | show
#   ensure  create ca.pem/ca.key (ECDSA P-256, 10 years) and cert.pem/key.pem (ECDSA P-256, 365 days,
#           SAN DNS:localhost, IP:127.0.0.1, IP:127.0.0.2, IP:::1 and $ECC_OPS_ADDR) if absent; renew the
#           server certificate when it expires within 30 days, does not match its key or its CA, or lacks
#           a required SAN. Keys are mode 0600. Idempotent; safe to run concurrently (flock).
#   show    print subject, SAN and validity of the server certificate.
# Clients trust $ECC_VAR/tls/ca.pem (curl --cacert). No DH parameters are generated: the nginx
# configuration (nginx/snippets/tls.conf) offers ECDHE key exchange with AEAD ciphers only, which is
# Mozilla's intermediate profile since guidelines 6.0 (the DHE suites were dropped).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

TLS=$ECC_VAR/tls
LEAF_DAYS=365          # Mozilla intermediate: <= 366 days (the brief's hard limit is 825)
CA_DAYS=3650
RENEW_BEFORE=$((30 * 86400))

die() { echo "tls.sh: $*" >&2; exit 1; }

sans() {
	local s="DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:::1"
	case ",$s," in
	*",IP:$ECC_OPS_ADDR,"*) ;;
	*) if [[ $ECC_OPS_ADDR =~ ^[0-9.]+$|: ]]; then s="$s,IP:$ECC_OPS_ADDR"; else s="$s,DNS:$ECC_OPS_ADDR"; fi ;;
	esac
	echo "$s"
}

make_ca() {
	echo "tls.sh: creating development CA in $TLS"
	(umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TLS/ca.key.new" 2>/dev/null) ||
		die "cannot create CA key"
	openssl req -x509 -new -key "$TLS/ca.key.new" -sha256 -days "$CA_DAYS" \
		-subj "/O=EC Connector development/CN=EC Connector development CA $(hostname -s) $(date +%Y%m%d%H%M%S)" \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-addext "subjectKeyIdentifier=hash" \
		-out "$TLS/ca.pem.new" 2>/dev/null || die "cannot create CA certificate"
	chmod 0600 "$TLS/ca.key.new"
	chmod 0644 "$TLS/ca.pem.new"
	mv -f "$TLS/ca.key.new" "$TLS/ca.key"
	mv -f "$TLS/ca.pem.new" "$TLS/ca.pem"
	rm -f "$TLS/cert.pem" "$TLS/key.pem"   # a new CA invalidates the old leaf
}

make_leaf() {
	echo "tls.sh: creating server certificate ($(sans))"
	local ext=$TLS/leaf.ext.$$ csr=$TLS/leaf.csr.$$
	(umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TLS/key.pem.new" 2>/dev/null) ||
		die "cannot create server key"
	openssl req -new -key "$TLS/key.pem.new" -subj "/O=EC Connector development/CN=localhost" \
		-out "$csr" 2>/dev/null || die "cannot create CSR"
	cat >"$ext" <<-EOF
		basicConstraints=critical,CA:FALSE
		keyUsage=critical,digitalSignature
		extendedKeyUsage=serverAuth
		subjectKeyIdentifier=hash
		authorityKeyIdentifier=keyid
		subjectAltName=$(sans)
	EOF
	openssl x509 -req -in "$csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial \
		-CAserial "$TLS/ca.srl" -sha256 -days "$LEAF_DAYS" -extfile "$ext" \
		-out "$TLS/cert.pem.new" 2>/dev/null || { rm -f "$ext" "$csr"; die "cannot sign server certificate"; }
	rm -f "$ext" "$csr"
	chmod 0600 "$TLS/key.pem.new"
	chmod 0644 "$TLS/cert.pem.new"
	mv -f "$TLS/key.pem.new" "$TLS/key.pem"
	mv -f "$TLS/cert.pem.new" "$TLS/cert.pem"
}

# leaf_ok: 0 when cert.pem exists, matches key.pem, chains to ca.pem, is valid for 30 more days
# and carries every SAN we need.
leaf_ok() {
	[ -s "$TLS/cert.pem" ] && [ -s "$TLS/key.pem" ] || return 1
	openssl x509 -in "$TLS/cert.pem" -noout -checkend "$RENEW_BEFORE" >/dev/null 2>&1 || return 1
	openssl verify -CAfile "$TLS/ca.pem" "$TLS/cert.pem" >/dev/null 2>&1 || return 1
	local a b
	a=$(openssl x509 -in "$TLS/cert.pem" -noout -pubkey 2>/dev/null) || return 1
	b=$(openssl pkey -in "$TLS/key.pem" -pubout 2>/dev/null) || return 1
	[ "$a" = "$b" ] || return 1
	local have want
	have=$(openssl x509 -in "$TLS/cert.pem" -noout -ext subjectAltName 2>/dev/null | tail -n +2 |
		sed -e 's/IP Address:/IP:/g' -e 's/ //g' -e 's/0:0:0:0:0:0:0:1/::1/')
	for want in $(sans | tr ',' ' '); do
		case ",$have," in *",$want,"*) ;; *) return 1 ;; esac
	done
}

ensure() {
	mkdir -p "$TLS"
	chmod 0755 "$TLS"
	exec 9>"$TLS/.lock"
	flock -w 60 9 || die "another tls.sh holds $TLS/.lock"
	if [ ! -s "$TLS/ca.pem" ] || [ ! -s "$TLS/ca.key" ] ||
		! openssl x509 -in "$TLS/ca.pem" -noout -checkend "$RENEW_BEFORE" >/dev/null 2>&1; then
		make_ca
	fi
	if ! leaf_ok; then
		make_leaf
		leaf_ok || die "generated certificate failed its own checks"
	fi
	chmod 0600 "$TLS/ca.key" "$TLS/key.pem"
	echo "tls.sh: ok: $TLS/cert.pem ($(openssl x509 -in "$TLS/cert.pem" -noout -enddate | sed 's/notAfter=/valid until /')), CA $TLS/ca.pem"
}

case "${1:-}" in
ensure) ensure ;;
show)
	[ -s "$TLS/cert.pem" ] || die "no certificate: run $0 ensure"
	openssl x509 -in "$TLS/cert.pem" -noout -subject -issuer -dates -ext subjectAltName
	;;
*) echo "usage: $0 ensure|show" >&2; exit 2 ;;
esac
