#!/usr/bin/env bash
# Runs N silos of one cluster on this machine, on PostgreSQL: sets PostgreSQL up if needed, applies the
# schema, starts the silos on distinct loopback ports, prints their front doors, and stops them all
# cleanly on Ctrl-C. Usage: scripts/local-cluster.sh [N=3] (TX_POSTGRES to use another database).
set -euo pipefail
count=${1:-3}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
logs="$root/artifacts/local-cluster"
mkdir -p "$logs"

postgres=${TX_POSTGRES:-$("$root/scripts/postgres-setup.sh")}
# The signing keys are stored encrypted: keep the key-encryption key with the database (here, beside the logs).
kek_file="$logs/key-encryption-key"
[ -s "$kek_file" ] || head -c 32 /dev/urandom | base64 > "$kek_file"
kek=${TX_KEYENCRYPTIONKEY:-$(cat "$kek_file")}
# Silos talk mutual TLS with the cluster certificate: made once, kept beside the logs.
certs="$logs/cluster-tls"
[ -s "$certs/tls.crt" ] || "$root/scripts/cluster-cert.sh" "$certs" >/dev/null
echo "building (Release)..."
dotnet build "$root/src/TokenExchange.Server" -c Release -nologo -v quiet -tl:off >/dev/null
"$root/txctl" db migrate --connection "$postgres"

pids=()
stop() {
  echo "stopping ${#pids[@]} silos..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait
  echo "stopped"
  exit 0
}
trap stop INT TERM

# One issuer for the whole cluster, as behind a load balancer: the first silo's HTTP address.
issuer="http://127.0.0.1:8080"
for i in $(seq 0 $((count - 1))); do
  http=$((8080 + 2 * i)); grpc=$((8081 + 2 * i))
  dotnet "$root/src/TokenExchange.Server/bin/Release/net10.0/TokenExchange.Server.dll" \
    --config "$root/config/dev.yaml" --postgres "$postgres" --key-encryption-key "$kek" --dev-issuer true --issuer "$issuer" \
    --http "http://127.0.0.1:$http" --grpc "http://127.0.0.1:$grpc" \
    --cluster-cert "$certs/tls.crt" --cluster-key "$certs/tls.key" --cluster-ca "$certs/ca.crt" \
    --silo-port $((11111 + i)) >"$logs/silo-$i.log" 2>&1 &
  pids+=($!)
done

for i in $(seq 0 $((count - 1))); do
  http=$((8080 + 2 * i))
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$http/readyz" >/dev/null 2>&1 && break
    kill -0 "${pids[$i]}" 2>/dev/null || { echo "silo $i exited; see $logs/silo-$i.log"; stop; exit 1; }
    sleep 0.5
  done
  echo "silo $i ready: HTTP http://127.0.0.1:$http  gRPC http://127.0.0.1:$((http + 1))  (log $logs/silo-$i.log)"
done
echo "issuer $issuer; try: ./txctl exchange --server http://127.0.0.1:8083 --client-id orders-service --client-secret orders-secret-0123456789abcdef --handler dev-idp --subject-token \"\$(./txctl dev-token --sub alice-ext-1)\""
echo "Ctrl-C stops the cluster"
wait
