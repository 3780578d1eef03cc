#!/usr/bin/env bash
# Image smoke test: builds both container images with Jib from a JRE base made of Debian packages (no registry
# needed), loads them into podman and runs them as a cluster would (read-only root filesystem, tmpfs /tmp,
# UID 65532) against a Kubernetes API on loopback (the fabric8 mock server from it/'s mock-api jar):
#   webhook   (tls.mode=self-signed): Secret created and owned, caBundle patched, an AdmissionReview answered over
#             TLS for the Service name by a client trusting only the published CA, readiness UP;
#   extender: /filter and /prioritize answered (node-a, next to the nginx pod, scores 10), readiness UP;
#   scheduler image: `simulate` replays the SySched demo (cluster ExS 47).
# Usage (as root, from anywhere): tools/image-smoke-test.sh        Work files: target/image-smoke/
# Needs podman, runc, mmdebstrap, curl, jq (installed with apt-get when missing) and Java 17 for Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$ROOT/target/image-smoke
mkdir -p "$WORK"
WEBHOOK_PORT=${WEBHOOK_PORT:-28443} WEBHOOK_MGMT=${WEBHOOK_MGMT:-28081}
EXTENDER_PORT=${EXTENDER_PORT:-28888} EXTENDER_MGMT=${EXTENDER_MGMT:-28082}
# crun refuses this kind of host's hybrid cgroups, and without CAP_SYS_RESOURCE the default rlimits cannot be set
PODMAN=(podman --runtime /usr/sbin/runc)
RUN=(run --detach --network=host --ulimit nofile=4096:4096 --ulimit nproc=4096:4096
     --read-only --tmpfs /tmp --user 65532 -v "$WORK/kubeconfig:/etc/sysched/kubeconfig:ro"
     -e KUBECONFIG=/etc/sysched/kubeconfig -e LOGGING_STRUCTURED_FORMAT_CONSOLE=)
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@" >/dev/null; then pass "$what"; else fail "$what"; fi; }

missing=()
command -v podman >/dev/null || missing+=(podman)
[ -x /usr/sbin/runc ] || missing+=(runc)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

BASE_TAR=$WORK/jre17-base.tar
if [ ! -s "$BASE_TAR" ]; then
  echo "== base image: Debian bookworm + openjdk-17-jre-headless (mmdebstrap), saved as $BASE_TAR"
  mmdebstrap --quiet --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$WORK/rootfs.tar"
  "${PODMAN[@]}" import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$WORK/rootfs.tar" localhost/sysched-jre17-base:bookworm >/dev/null
  "${PODMAN[@]}" save --quiet --format docker-archive -o "$BASE_TAR" localhost/sysched-jre17-base:bookworm
  rm -f "$WORK/rootfs.tar"
fi

echo "== images (Jib, base tar://$BASE_TAR) and the mock API server jar"
./mvnw -B -q -Pimages -DskipTests -Dimage.registry=localhost/sysched -Dimage.base="tar://$BASE_TAR" \
  -pl webhook,scheduler,it -am package
WEBHOOK_IMAGE=$("${PODMAN[@]}" load --quiet -i webhook/target/jib-image.tar | sed -n 's/^Loaded image: //p' | head -1)
SCHEDULER_IMAGE=$("${PODMAN[@]}" load --quiet -i scheduler/target/jib-image.tar | sed -n 's/^Loaded image: //p' | head -1)
echo "loaded $WEBHOOK_IMAGE and $SCHEDULER_IMAGE"

MOCK_PID=
cleanup() {
  "${PODMAN[@]}" rm -f sysched-smoke-webhook sysched-smoke-extender >/dev/null 2>&1 || true
  if [ -n "$MOCK_PID" ]; then kill "$MOCK_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT
cleanup

echo "== Kubernetes API on loopback"
rm -f "$WORK/kubeconfig"
java -jar it/target/sysched-it-*-mock-api.jar --kubeconfig "$WORK/kubeconfig" >"$WORK/mock-api.log" 2>&1 &
MOCK_PID=$!
for _ in $(seq 120); do grep -q '^ready ' "$WORK/mock-api.log" && break; sleep 0.5; done
API=$(sed -n 's/^ready //p' "$WORK/mock-api.log")
API=${API%/}
[ -n "$API" ] || { cat "$WORK/mock-api.log"; echo "mock API server did not start"; exit 1; }
chmod 0644 "$WORK/kubeconfig"
echo "API $API"

# Two pods the extender must see: nginx (SPO profile nginx-seccomp) on node-a, an unconfined one on node-b.
pod() { # name node localhostProfile-or-empty
  local security=''
  [ -n "$3" ] && security=",\"securityContext\":{\"seccompProfile\":{\"type\":\"Localhost\",\"localhostProfile\":\"$3\"}}"
  printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"default","uid":"uid-%s"},"spec":{%s"containers":[{"name":"%s","image":"nginx:1.16"}]%s}}' \
    "$1" "$1" "${2:+\"nodeName\":\"$2\",}" "$1" "$security"
}
curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$(pod nginx1 node-a operator/nginx-seccomp.json)" "$API/api/v1/namespaces/default/pods"
curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$(pod unconfined node-b '')" "$API/api/v1/namespaces/default/pods"

echo "== containers"
"${PODMAN[@]}" "${RUN[@]}" --name sysched-smoke-webhook "$WEBHOOK_IMAGE" \
  --server.port="$WEBHOOK_PORT" --management.server.port="$WEBHOOK_MGMT" \
  --sysched.webhook.tls.mode=self-signed --sysched.webhook.tls.dir=/tmp/tls \
  --sysched.webhook.tls.namespace=sysched-system --sysched.webhook.tls.service-name=sysched-webhook \
  --sysched.webhook.tls.webhook-configurations=sysched-mutating,sysched-validating >/dev/null
"${PODMAN[@]}" "${RUN[@]}" --name sysched-smoke-extender "$SCHEDULER_IMAGE" \
  --server.port="$EXTENDER_PORT" --management.server.port="$EXTENDER_MGMT" >/dev/null

await_ready() { # name management-port
  for _ in $(seq 360); do
    if curl -sf "http://127.0.0.1:$2/actuator/health/readiness" | jq -e '.status == "UP"' >/dev/null 2>&1; then
      return 0
    fi
    if [ "$("${PODMAN[@]}" inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" != true ]; then break; fi
    sleep 0.5
  done
  "${PODMAN[@]}" logs "$1" | tail -40
  return 1
}
check "webhook image: readiness UP (read-only root, UID 65532)" await_ready sysched-smoke-webhook "$WEBHOOK_MGMT"
check "extender image: readiness UP (read-only root, UID 65532)" await_ready sysched-smoke-extender "$EXTENDER_MGMT"

echo "== webhook"
curl -sf "$API/api/v1/namespaces/sysched-system/secrets/sysched-webhook-tls" >"$WORK/secret.json" || echo '{}' >"$WORK/secret.json"
check "webhook: Secret sysched-system/sysched-webhook-tls created, owned by MutatingWebhookConfiguration sysched-mutating" \
  jq -e '(.data["ca.crt"] | length > 0) and (.metadata.ownerReferences[0].kind == "MutatingWebhookConfiguration")
         and (.metadata.ownerReferences[0].name == "sysched-mutating")' "$WORK/secret.json"
CA_B64=$(jq -r '.data["ca.crt"] // empty' "$WORK/secret.json")
bundles() {
  { curl -sf "$API/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/sysched-mutating"
    curl -sf "$API/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/sysched-validating"
  } | jq -r '.webhooks[].clientConfig.caBundle'
}
check "webhook: caBundle of all 3 webhooks is the Secret's CA" \
  test "$(bundles | sort -u)" = "$CA_B64" -a "$(bundles | wc -l)" = 3
echo "$CA_B64" | base64 -d >"$WORK/published-ca.pem"
cat >"$WORK/review.json" <<'EOF'
{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
 "request": {"uid": "0d6f8a52-3c1e-4b7a-9a40-2f5b8c1d7e90",
   "kind": {"group": "", "version": "v1", "kind": "Pod"},
   "resource": {"group": "", "version": "v1", "resource": "pods"},
   "namespace": "default", "operation": "CREATE",
   "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller"},
   "object": {"apiVersion": "v1", "kind": "Pod",
     "metadata": {"generateName": "nginx1-7f8d9c6b5d-", "namespace": "default", "labels": {"app": "nginx1"}},
     "spec": {"containers": [{"name": "nginx1", "image": "nginx:1.16"}]}}}}
EOF
# TLS as the API server does it: trust only the published CA, verify the name sysched-webhook.sysched-system.svc
curl -sS --cacert "$WORK/published-ca.pem" \
  --resolve "sysched-webhook.sysched-system.svc:$WEBHOOK_PORT:127.0.0.1" \
  -H 'Content-Type: application/json' --data-binary @"$WORK/review.json" \
  "https://sysched-webhook.sysched-system.svc:$WEBHOOK_PORT/mutate" >"$WORK/review-response.json" || true
check "webhook: AdmissionReview over TLS allowed with a JSON Patch stamping nginx-seccomp's syscalls" \
  jq -e '.response.uid == "0d6f8a52-3c1e-4b7a-9a40-2f5b8c1d7e90" and .response.allowed == true
         and .response.patchType == "JSONPatch"
         and (.response.patch | @base64d | test("exs.sysched.io/syscalls") and test("nginx-seccomp"))' \
  "$WORK/review-response.json"

echo "== extender"
ARGS="{\"Pod\":$(pod nginx2 '' operator/nginx-seccomp.json),\"NodeNames\":[\"node-a\",\"node-b\"]}"
curl -sS -H 'Content-Type: application/json' -d "$ARGS" "http://127.0.0.1:$EXTENDER_PORT/filter" >"$WORK/filter.json" || true
check "extender: /filter passes node-a and node-b" \
  jq -e '(.NodeNames | sort) == ["node-a","node-b"] and ((.Error // "") == "")' "$WORK/filter.json"
curl -sS -H 'Content-Type: application/json' -d "$ARGS" "http://127.0.0.1:$EXTENDER_PORT/prioritize" >"$WORK/prioritize.json" || true
check "extender: /prioritize scores node-a (next to nginx1) 10 and above node-b" \
  jq -e 'map({(.Host): .Score}) | add | .["node-a"] == 10 and .["node-b"] < 10' "$WORK/prioritize.json"
echo "prioritize: $(cat "$WORK/prioritize.json")"

echo "== simulate (scheduler image)"
"${PODMAN[@]}" run --rm --network=none --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --read-only \
  --tmpfs /tmp --user 65532 -v "$ROOT/examples:/examples:ro" "$SCHEDULER_IMAGE" \
  simulate --pods /examples/sysched-demo --nodes 2 --placement >"$WORK/simulate.txt" 2>&1 || true
check "scheduler image: simulate replays the SySched demo (exs strategy: cluster ExS 47, nginx1 + nginx2 together)" \
  awk '$1 == "exs" && $7 == 47 { row = 1 } /^exs:/ { section = 1 }
       section && /nginx1-1 default\/nginx2-1/ { pair = 1 } END { exit !(row && pair) }' "$WORK/simulate.txt"

echo "image smoke test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
