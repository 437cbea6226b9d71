#!/usr/bin/env bash
# Makes the Secrets the manifests mount, in namespace corridor (or
# $CORRIDOR_NAMESPACE):
#
#   make-secrets.sh tls            a CA, and one certificate for every
#                                  service's name, as Secret corridor-tls;
#                                  the CA's key is left in ./corridor-ca.key
#                                  (0600) to sign client certificates: keep it
#                                  offline.
#   make-secrets.sh service-token  the token corridor-auth saved at its first
#                                  start, which the other services call each
#                                  other with, as Secret corridor-service-token.
#
# Needs openssl and kubectl, signed in to the cluster.
set -euo pipefail
NS=${CORRIDOR_NAMESPACE:-corridor}

case "${1:-}" in
  tls)
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    names="DNS:localhost,IP:127.0.0.1"
    for s in auth areas routes convoys denials incidents agreements web; do
      names="$names,DNS:corridor-$s,DNS:corridor-$s.$NS.svc,DNS:corridor-$s.$NS.svc.cluster.local"
    done
    openssl req -x509 -newkey rsa:3072 -nodes -days 825 -subj "/CN=Corridor CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -newkey rsa:3072 -nodes -subj "/CN=corridor" \
      -keyout "$dir/tls.key" -out "$dir/tls.csr" 2>/dev/null
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$names" >"$dir/ext"
    openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
      -CAcreateserial -days 825 -extfile "$dir/ext" -out "$dir/tls.crt" 2>/dev/null
    kubectl -n "$NS" create secret generic corridor-tls \
      --from-file=ca.crt="$dir/ca.crt" --from-file=tls.crt="$dir/tls.crt" \
      --from-file=tls.key="$dir/tls.key"
    (umask 077 && cp "$dir/ca.key" corridor-ca.key)
    cp "$dir/ca.crt" corridor-ca.crt
    echo "make-secrets: Secret corridor-tls created; CA in ./corridor-ca.crt, its key in ./corridor-ca.key (keep it offline)"
    ;;
  service-token)
    kubectl -n "$NS" wait --for=condition=Ready pod/corridor-auth-0 --timeout=300s
    token=$(kubectl -n "$NS" exec corridor-auth-0 -- cat /var/lib/corridor/credentials/service.token)
    kubectl -n "$NS" create secret generic corridor-service-token \
      --from-literal=service.token="$token"
    echo "make-secrets: Secret corridor-service-token created; the other services start now"
    ;;
  *)
    echo "usage: $0 tls|service-token" >&2
    exit 2
    ;;
esac
