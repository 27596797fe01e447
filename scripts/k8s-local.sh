#!/usr/bin/env bash
# Local Kubernetes control plane on loopback for kanflow tests and demos.
# See docs/local-cluster.md.
set -euo pipefail

K8S_VERSION=1.36.3
ETCD_VERSION=3.6.16
HOSTLET_REV=1 # bump when k8s/hostlet changes incompatibly (also keyed by source hash)

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${KANFLOW_K8S_CACHE:-$HOME/.cache/kanflow/k8s-${K8S_VERSION}-etcd-${ETCD_VERSION}}"
BIN="$CACHE/bin"
STATE="${KANFLOW_K8S_STATE:-$REPO/.k8s-local}"

STAGING_MODULES="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client
cri-streaming csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator
kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission
sample-apiserver sample-cli-plugin sample-controller streaming"

log() { echo "[k8s-local] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

export CGO_ENABLED=0 GOTOOLCHAIN=local

build_k8s() {
  if [[ -x "$BIN/kube-apiserver" && -x "$BIN/kube-controller-manager" && -x "$BIN/kube-scheduler" ]]; then
    return 0
  fi
  command -v go >/dev/null || die "go is required to build kube-apiserver"
  local dir="$CACHE/src/k8s" minor="${K8S_VERSION#*.}"
  minor="${minor%%.*}"
  mkdir -p "$dir" "$BIN"
  if [[ ! -f "$dir/go.mod" ]]; then
    cat >"$dir/go.mod" <<GOMOD
module local.invalid/k8s-control-plane

go 1.26.0

godebug default=go1.26

require k8s.io/kubernetes v${K8S_VERSION}
GOMOD
    local m
    for m in $STAGING_MODULES; do
      (cd "$dir" && go mod edit "-replace=k8s.io/$m=k8s.io/$m@v0.${K8S_VERSION#*.}")
    done
  fi
  local ldf="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf="$ldf -X $p.gitVersion=v${K8S_VERSION} -X $p.gitMajor=1 -X $p.gitMinor=${minor} -X $p.gitTreeState=clean"
  done
  log "building kube-apiserver, kube-controller-manager, kube-scheduler v$K8S_VERSION (cold: ~20 min on 2 cores)"
  local t0=$SECONDS
  (cd "$dir" && GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -ldflags "$ldf" -o "$BIN/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler)
  log "kubernetes built in $((SECONDS - t0))s"
}

build_etcd() {
  [[ -x "$BIN/etcd" ]] && return 0
  command -v go >/dev/null || die "go is required to build etcd"
  local dir="$CACHE/src/etcd"
  mkdir -p "$dir" "$BIN"
  if [[ ! -f "$dir/go.mod" ]]; then
    printf 'module local.invalid/etcd-bin\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' "$ETCD_VERSION" >"$dir/go.mod"
  fi
  log "building etcd v$ETCD_VERSION"
  local t0=$SECONDS
  (cd "$dir" && GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3)
  log "etcd built in $((SECONDS - t0))s"
}

hostlet_hash() {
  cat "$REPO/k8s/hostlet/go.mod" "$REPO/k8s/hostlet/go.sum" "$REPO/k8s/hostlet/main.go" | sha256sum | cut -c1-12
}

hostlet_bin() { echo "$BIN/hostlet-$(hostlet_hash)"; }

build_hostlet() {
  local out
  out="$(hostlet_bin)"
  [[ -x "$out" ]] && return 0
  command -v go >/dev/null || die "go is required to build the hostlet"
  mkdir -p "$BIN"
  log "building hostlet ($out)"
  local t0=$SECONDS
  (cd "$REPO/k8s/hostlet" && GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -ldflags "-s -w" -o "$out.tmp" . && mv "$out.tmp" "$out")
  log "hostlet built in $((SECONDS - t0))s"
}

cmd_build() {
  mkdir -p "$CACHE"
  # One build at a time per cache (parallel test runs, CI jobs).
  exec 8>"$CACHE/.build.lock"
  flock 8
  build_etcd
  build_k8s
  build_hostlet
  flock -u 8
}

# ---- runtime -----------------------------------------------------------------

KUBECONFIG_PATH="$STATE/kubeconfig"
COMPONENTS="etcd kube-apiserver kube-controller-manager kube-scheduler hostlet"

pid_of() { cat "$STATE/pids/$1.pid" 2>/dev/null || true; }
alive() {
  local pid
  pid="$(pid_of "$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

free_ports() { # prints N free loopback ports
  node -e '
const net = require("node:net");
const n = Number(process.argv[1]); const servers = [];
(async () => {
  const ports = [];
  for (let i = 0; i < n; i++) {
    const s = net.createServer(); servers.push(s);
    await new Promise((r) => s.listen(0, "127.0.0.1", r));
    ports.push(s.address().port);
  }
  servers.forEach((s) => s.close());
  console.log(ports.join(" "));
})();' "$1"
}

launch() { # name args...
  local name="$1"
  shift
  # fds 8/9 hold the build/state locks: daemons must not inherit them.
  setsid "$@" </dev/null >"$STATE/logs/$name.log" 2>&1 8>&- 9>&- &
  echo $! >"$STATE/pids/$name.pid"
}

wait_for() { # description timeout-seconds command...
  local what="$1" timeout="$2" t0=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - t0 > timeout)); then
      log "timed out waiting for $what"
      return 1
    fi
    sleep 0.3
  done
}

kc() { kubectl --kubeconfig "$KUBECONFIG_PATH" --request-timeout=10s "$@"; }

api_ready() {
  curl -sf --cacert "$STATE/pki/ca.crt" -H "Authorization: Bearer $(cat "$STATE/pki/token")" \
    "https://127.0.0.1:$(cat "$STATE/apiserver-port")/readyz" | grep -q '^ok$'
}

is_running() {
  local c
  for c in $COMPONENTS; do alive "$c" || return 1; done
  [[ -f "$KUBECONFIG_PATH" ]] && api_ready
}

make_pki() {
  local d="$STATE/pki"
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=kanflow-local-ca" \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kanflow-local-serving" \
    -keyout "$d/serving.key" -out "$d/serving.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1\n' >"$d/ext.cnf"
  openssl x509 -req -in "$d/serving.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 3650 \
    -extfile "$d/ext.cnf" -out "$d/serving.crt" 2>/dev/null
  # Client certificate the API server presents to the hostlet (kubelet client auth).
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" \
    -keyout "$d/kubelet-client.key" -out "$d/kubelet-client.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$d/client-ext.cnf"
  openssl x509 -req -in "$d/kubelet-client.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 3650 \
    -extfile "$d/client-ext.cnf" -out "$d/kubelet-client.crt" 2>/dev/null
  openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$d/token"
  printf '%s,kanflow-admin,kanflow-admin-uid,"system:masters"\n' "$(cat "$d/token")" >"$d/tokens.csv"
  chmod 600 "$d"/*.key "$d/token" "$d/tokens.csv"
}

write_kubeconfig() { # port
  cat >"$KUBECONFIG_PATH" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: kanflow-local
  cluster:
    server: https://127.0.0.1:$1
    certificate-authority-data: $(base64 -w0 <"$STATE/pki/ca.crt")
users:
- name: kanflow-admin
  user:
    token: $(cat "$STATE/pki/token")
contexts:
- name: kanflow-local
  context:
    cluster: kanflow-local
    user: kanflow-admin
    namespace: default
current-context: kanflow-local
KCFG
  chmod 600 "$KUBECONFIG_PATH"
}

node_ready() {
  local out
  out="$(kc get node kanflow-local -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}/{.spec.taints}')"
  [[ "$out" == "True/" ]]
}

cmd_start() {
  if is_running; then
    log "already running"
    cat "$KUBECONFIG_PATH"
    return 0
  fi
  cmd_stop >/dev/null 2>&1 || true
  cmd_build
  local t0=$SECONDS
  # Every start is a fresh, empty cluster (keep only the lock file).
  find "$STATE" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  # If anything below fails, do not leave half a cluster running.
  trap 'log "start failed; stopping what was started"; cmd_stop >/dev/null 2>&1 || true' EXIT
  mkdir -p "$STATE/pids" "$STATE/logs" "$STATE/etcd" "$STATE/hostlet"
  make_pki
  local ports
  read -r -a ports <<<"$(free_ports 4)"
  local api_port="${KANFLOW_K8S_APISERVER_PORT:-${ports[0]}}" etcd_port="${KANFLOW_K8S_ETCD_PORT:-${ports[1]}}"
  local peer_port="${KANFLOW_K8S_ETCD_PEER_PORT:-${ports[2]}}" hostlet_port="${KANFLOW_K8S_HOSTLET_PORT:-${ports[3]}}"
  echo "$api_port" >"$STATE/apiserver-port"
  local pki="$STATE/pki"

  launch etcd "$BIN/etcd" --name kanflow --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "kanflow=http://127.0.0.1:$peer_port" --unsafe-no-fsync --log-level warn
  wait_for "etcd" 30 curl -sf "http://127.0.0.1:$etcd_port/health" || die "etcd did not start (see $STATE/logs/etcd.log)"

  launch kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --secure-port "$api_port" --advertise-address 127.0.0.1 \
    --endpoint-reconciler-type none --service-cluster-ip-range 10.0.0.0/24 \
    --tls-cert-file "$pki/serving.crt" --tls-private-key-file "$pki/serving.key" \
    --client-ca-file "$pki/ca.crt" --token-auth-file "$pki/tokens.csv" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --authorization-mode Node,RBAC --allow-privileged=true \
    --kubelet-preferred-address-types InternalIP,Hostname --kubelet-certificate-authority "$pki/ca.crt" \
    --kubelet-client-certificate "$pki/kubelet-client.crt" --kubelet-client-key "$pki/kubelet-client.key" \
    --enable-priority-and-fairness=false --profiling=false --v=1
  wait_for "kube-apiserver /readyz" 90 api_ready || die "kube-apiserver not ready (see $STATE/logs/kube-apiserver.log)"
  write_kubeconfig "$api_port"

  launch kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$KUBECONFIG_PATH" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --node-monitor-grace-period 60s --profiling=false --v=1
  launch kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$KUBECONFIG_PATH" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false --profiling=false --v=1
  launch hostlet "$(hostlet_bin)" --kubeconfig "$KUBECONFIG_PATH" --pod-kubeconfig "$KUBECONFIG_PATH" \
    --node-name kanflow-local --port "$hostlet_port" \
    --tls-cert-file "$pki/serving.crt" --tls-private-key-file "$pki/serving.key" --state-dir "$STATE/hostlet" \
    --client-ca-file "$pki/ca.crt"

  wait_for "node kanflow-local Ready and untainted" 90 node_ready || die "node not ready (see $STATE/logs/hostlet.log)"
  wait_for "ServiceAccount default/default" 60 kc -n default get serviceaccount default || die "no default ServiceAccount"
  kc apply -f "$REPO/k8s/manifests/blueprint-crd.yaml" >/dev/null
  kc create namespace kasten-io >/dev/null
  wait_for "Blueprint CRD established" 30 kc wait --for condition=Established --timeout=5s crd/blueprints.cr.kanister.io
  # A fresh apiserver answers 429 "storage is (re)initializing" until each resource's watch cache is ready:
  # list what kanflow uses once, so clients start on a settled server.
  wait_for "API watch caches ready" 60 kc get blueprints.cr.kanister.io,configmaps,pods,leases.coordination.k8s.io,deployments,statefulsets -A
  local c
  for c in $COMPONENTS; do alive "$c" || die "$c exited (see $STATE/logs/$c.log)"; done
  trap - EXIT
  log "cluster up in $((SECONDS - t0))s; kubeconfig: $KUBECONFIG_PATH"
  cat "$KUBECONFIG_PATH"
}

stop_pids() { # component names: TERM them together, KILL after 5s
  local c pid pids=()
  for c in "$@"; do
    pid="$(pid_of "$c")"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      log "stopping $c ($pid)"
    fi
    rm -f "$STATE/pids/$c.pid"
  done
  local i alive_any
  for i in $(seq 1 50); do
    alive_any=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive_any=1; done
    ((alive_any)) || return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

cmd_stop() {
  # The hostlet first: it kills the pods' processes while the API is still up.
  stop_pids hostlet
  stop_pids kube-scheduler kube-controller-manager kube-apiserver
  stop_pids etcd
}

cmd_status() {
  local c rc=0
  for c in $COMPONENTS; do
    if alive "$c"; then echo "$c: running (pid $(pid_of "$c"))"; else echo "$c: stopped"; rc=1; fi
  done
  if [[ $rc -eq 0 ]] && api_ready; then
    echo "apiserver: ready at https://127.0.0.1:$(cat "$STATE/apiserver-port")"
    echo "kubeconfig: $KUBECONFIG_PATH"
  else
    rc=1
  fi
  return $rc
}

lock_state() { # serialize start/stop of one state dir
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock 9
}

case "${1:-}" in
  build) cmd_build ;;
  start) lock_state && cmd_start ;;
  stop) lock_state && cmd_stop ;;
  status) cmd_status ;;
  kubeconfig) echo "$KUBECONFIG_PATH" ;;
  env) echo "export KUBECONFIG=$KUBECONFIG_PATH" ;;
  *)
    echo "usage: $0 {build|start|stop|status|kubeconfig|env}" >&2
    exit 2
    ;;
esac
