#!/usr/bin/env bash
# Makes a cluster CA and the cluster certificate it issues (OpenSSL 3), for silo-to-silo mutual TLS
# (--cluster-cert tls.crt --cluster-key tls.key --cluster-ca ca.crt; see README, Cluster network).
# Usage: scripts/cluster-cert.sh DIR [DAYS=365]. Writes DIR/ca.crt, DIR/ca.key, DIR/tls.crt, DIR/tls.key.
# Keep ca.key away from the cluster: it is needed only to issue the next certificate.
set -euo pipefail
dir=${1:?usage: cluster-cert.sh DIR [DAYS]}
days=${2:-365}
mkdir -p "$dir"
cd "$dir"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/CN=token-exchange cluster CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
  -subj "/CN=token-exchange silo" -CA ca.crt -CAkey ca.key \
  -addext basicConstraints=critical,CA:FALSE -addext keyUsage=critical,digitalSignature \
  -addext extendedKeyUsage=serverAuth,clientAuth \
  -keyout tls.key -out tls.crt 2>/dev/null
echo "cluster CA $dir/ca.crt (key $dir/ca.key), cluster certificate $dir/tls.crt (key $dir/tls.key)"
