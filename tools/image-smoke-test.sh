#!/usr/bin/env bash
# Image smoke test: builds both container images with Jib from a JRE base made of Debian packages (no registry
# needed), loads them into podman and runs them as the chart deploys them (read-only root filesystem, tmpfs /tmp,
# UID 65532, configuration in /config/application.yaml through SPRING_CONFIG_ADDITIONAL_LOCATION, the annotation key
# Secret at /etc/sysched/annotation-keys, the extender's TLS Secret at /tls, POD_* from the downward API) against a
# Kubernetes API on loopback (the fabric8 mock server from it/'s mock-api jar):
#   webhook   (tls.mode=self-signed, tls.extender.*): its Secret created and owned, caBundle patched, the extender's
#             serving and kube-scheduler's client certificates issued; an AdmissionReview answered over TLS for the
#             Service name by a client trusting only the published CA, with annotations signed with the shared key;
#             readiness UP;
#   extender  (mutual TLS, annotations.trust=signed, leader election): leads (Lease) and points its Service's
#             EndpointSlice at itself on the https port; /filter and /prioritize answered to kube-scheduler's client
#             certificate only (node-a, with the webhook-signed nginx pod, scores 10; node-b, whose pod carries a copied
#             signature, less); readiness UP;
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
NAMESPACE=sysched-system
KEY_DIR=/etc/sysched/annotation-keys # the chart's mount of the annotation key Secret
RUN=(run --detach --network=host --ulimit nofile=4096:4096 --ulimit nproc=4096:4096
     --read-only --tmpfs /tmp --user 65532 -v "$WORK/kubeconfig:/etc/sysched/kubeconfig:ro"
     -v "$WORK/annotation-keys:$KEY_DIR:ro" -e SPRING_CONFIG_ADDITIONAL_LOCATION=file:/config/
     -e POD_NAMESPACE=$NAMESPACE -e KUBECONFIG=/etc/sysched/kubeconfig -e LOGGING_STRUCTURED_FORMAT_CONSOLE=)
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

# What the chart mounts, as files: the annotation key Secret (like the pre-install hook's: 48 random bytes in
# "current"), the extender's TLS Secret (once the webhook has issued it), and each service's application.yaml
# with the keys the chart's ConfigMaps set
rm -rf "$WORK/annotation-keys" "$WORK/extender-tls" "$WORK/kube-scheduler-client" "$WORK/webhook-config" \
  "$WORK/extender-config"
mkdir -p "$WORK/annotation-keys" "$WORK/extender-tls" "$WORK/kube-scheduler-client" "$WORK/webhook-config" \
  "$WORK/extender-config"
head -c 48 /dev/urandom >"$WORK/annotation-keys/current"
chown 65532:65532 "$WORK/annotation-keys/current"
chmod 0400 "$WORK/annotation-keys/current"
KEY_ID=$(sha256sum "$WORK/annotation-keys/current" | cut -c1-16)
cat >"$WORK/webhook-config/application.yaml" <<YAML
server:
  port: $WEBHOOK_PORT
management:
  server:
    port: $WEBHOOK_MGMT
sysched:
  webhook:
    annotations:
      key-dir: $KEY_DIR
    tls:
      mode: self-signed
      dir: /tls
      secret-name: sysched-webhook-tls
      service-name: sysched-webhook
      namespace: $NAMESPACE
      webhook-configurations: [sysched-mutating, sysched-validating]
      extender:
        server-secret: sysched-scheduler-tls
        client-secret: sysched-kube-scheduler-client-tls
        service-name: sysched-scheduler
        client-name: sysched-kube-scheduler
YAML
cat >"$WORK/extender-config/application.yaml" <<YAML
server:
  port: $EXTENDER_PORT
  ssl:
    bundle: extender
    client-auth: need
management:
  server:
    port: $EXTENDER_MGMT
spring:
  ssl:
    bundle:
      pem:
        extender:
          reload-on-update: true
          keystore:
            certificate: file:/tls/tls.crt
            private-key: file:/tls/tls.key
          truststore:
            certificate: file:/tls/ca.crt
sysched:
  scheduler:
    annotations:
      trust: signed
      key-dir: $KEY_DIR
    leader-election:
      enabled: true
      lease-name: sysched-scheduler-extender
      service-name: sysched-scheduler
      lease-duration: 15s
      renew-deadline: 10s
      retry-period: 2s
    weights:
$(sed 's/#.*//' "$ROOT/examples/simulation/vulnerable-syscalls.txt" | awk 'NF { print "      " $1 ": 5" }')
YAML

pod() { # name node localhostProfile-or-empty [annotations as JSON]
  jq -nc --arg name "$1" --arg node "$2" --arg profile "$3" --argjson annotations "${4:-null}" '
    {apiVersion: "v1", kind: "Pod",
     metadata: ({name: $name, namespace: "default", uid: "uid-\($name)"}
                + if $annotations == null then {} else {annotations: $annotations} end),
     spec: ((if $node == "" then {} else {nodeName: $node} end)
            + {containers: [{name: $name, image: "nginx:1.16"}]}
            + if $profile == "" then {}
              else {securityContext: {seccompProfile: {type: "Localhost", localhostProfile: $profile}}} end)}'
}

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

echo "== webhook"
# self-signed mode: /tls is where the app writes its certificate (the chart: an in-memory emptyDir)
"${PODMAN[@]}" "${RUN[@]}" --name sysched-smoke-webhook --tmpfs /tls -v "$WORK/webhook-config:/config:ro" \
  -e POD_NAME=sysched-smoke-webhook "$WEBHOOK_IMAGE" >/dev/null
check "webhook image: readiness UP (read-only root, UID 65532)" await_ready sysched-smoke-webhook "$WEBHOOK_MGMT"

curl -sf "$API/api/v1/namespaces/$NAMESPACE/secrets/sysched-webhook-tls" >"$WORK/secret.json" || echo '{}' >"$WORK/secret.json"
check "webhook: Secret $NAMESPACE/sysched-webhook-tls created, owned by MutatingWebhookConfiguration sysched-mutating" \
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
cat >"$WORK/review.json" <<'JSON'
{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
 "request": {"uid": "0d6f8a52-3c1e-4b7a-9a40-2f5b8c1d7e90",
   "kind": {"group": "", "version": "v1", "kind": "Pod"},
   "resource": {"group": "", "version": "v1", "resource": "pods"},
   "namespace": "default", "operation": "CREATE",
   "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller"},
   "object": {"apiVersion": "v1", "kind": "Pod",
     "metadata": {"generateName": "nginx1-7f8d9c6b5d-", "namespace": "default", "labels": {"app": "nginx1"}},
     "spec": {"containers": [{"name": "nginx1", "image": "nginx:1.16"}]}}}}
JSON
# TLS as the API server does it: trust only the published CA, verify the name sysched-webhook.sysched-system.svc
curl -sS --cacert "$WORK/published-ca.pem" \
  --resolve "sysched-webhook.$NAMESPACE.svc:$WEBHOOK_PORT:127.0.0.1" \
  -H 'Content-Type: application/json' --data-binary @"$WORK/review.json" \
  "https://sysched-webhook.$NAMESPACE.svc:$WEBHOOK_PORT/mutate" >"$WORK/review-response.json" || true
check "webhook: AdmissionReview over TLS allowed with a JSON Patch stamping nginx-seccomp's syscalls" \
  jq -e '.response.uid == "0d6f8a52-3c1e-4b7a-9a40-2f5b8c1d7e90" and .response.allowed == true
         and .response.patchType == "JSONPatch"
         and (.response.patch | @base64d | test("exs.sysched.io/syscalls") and test("nginx-seccomp"))' \
  "$WORK/review-response.json"
# the annotations the patch gives the pod (one add of the whole map, as the object has none, or adds of single keys)
jq -c '[.response.patch // "W10=" | @base64d | fromjson | .[]
        | select(.op == "add" and (.path | startswith("/metadata/annotations")))]
       | reduce .[] as $op ({};
           if $op.path == "/metadata/annotations" then . + $op.value
           else . + {($op.path | ltrimstr("/metadata/annotations/") | gsub("~1"; "/") | gsub("~0"; "~")): $op.value}
           end)' "$WORK/review-response.json" >"$WORK/signed-annotations.json" || echo '{}' >"$WORK/signed-annotations.json"
check "webhook: the annotations are signed with the mounted key (id $KEY_ID) for the pods named nginx1-7f8d9c6b5d-*" \
  jq -e --arg key "$KEY_ID" '.["exs.sysched.io/signature"] // "" | split(";")
         | .[0] == "v1" and .[1] == $key and .[2] == "g:nginx1-7f8d9c6b5d-"' "$WORK/signed-annotations.json"

# The pods the extender must see. node-a: the pod the review admitted, as the API server stores it (named from its
# generateName, the patch applied); its spec has no seccomp profile, only its signed annotations say nginx-seccomp.
# node-b: an unconfined pod carrying a copy of those annotations (signed for other names, so not to be believed).
SIGNED=$(cat "$WORK/signed-annotations.json")
jq -c --argjson annotations "$SIGNED" '.request.object
  | .metadata += {name: (.metadata.generateName + "smoke"), uid: "uid-nginx1", annotations: $annotations}
  | .spec.nodeName = "node-a"' "$WORK/review.json" >"$WORK/nginx1.json"
curl -sf -o /dev/null -H 'Content-Type: application/json' -d @"$WORK/nginx1.json" "$API/api/v1/namespaces/default/pods"
curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$(pod unconfined node-b '' "$SIGNED")" \
  "$API/api/v1/namespaces/default/pods"

echo "== extender"
await_secret() { # name: a kubernetes.io/tls Secret the webhook issues (the chart's extender pod waits for it too)
  for _ in $(seq 120); do
    if curl -sf "$API/api/v1/namespaces/$NAMESPACE/secrets/$1" >"$WORK/$1.json" \
      && jq -e '.data["tls.crt"] and .data["tls.key"] and .data["ca.crt"]' "$WORK/$1.json" >/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}
secret_to_files() { # name directory owner (as a Secret volume: readable by the container's user only)
  local file
  for file in tls.crt tls.key ca.crt; do
    jq -r --arg file "$file" '.data[$file]' "$WORK/$1.json" | base64 -d >"$2/$file"
  done
  chown "$3" "$2"/*
  chmod 0400 "$2"/*
}
check "webhook: the extender's serving and kube-scheduler's client certificates issued (Secrets in $NAMESPACE)" \
  eval 'await_secret sysched-scheduler-tls && await_secret sysched-kube-scheduler-client-tls'
secret_to_files sysched-scheduler-tls "$WORK/extender-tls" 65532:65532 || true
secret_to_files sysched-kube-scheduler-client-tls "$WORK/kube-scheduler-client" 0:0 || true

"${PODMAN[@]}" "${RUN[@]}" --name sysched-smoke-extender \
  -v "$WORK/extender-config:/config:ro" -v "$WORK/extender-tls:/tls:ro" \
  -e POD_NAME=sysched-smoke-extender -e POD_UID=uid-sysched-smoke-extender -e POD_IP=127.0.0.1 \
  "$SCHEDULER_IMAGE" >/dev/null
check "extender image: readiness UP (read-only root, UID 65532)" await_ready sysched-smoke-extender "$EXTENDER_MGMT"
curl -sf "http://127.0.0.1:$EXTENDER_MGMT/actuator/health/readiness" >"$WORK/extender-readiness.json" \
  || echo '{}' >"$WORK/extender-readiness.json"
check "extender: warmed up through its own TLS port with its own certificate" \
  jq -e '.components.informers.details | .warmUpRequests > 0 and (has("warmUpFailure") | not)' \
  "$WORK/extender-readiness.json"

await_slice() {
  for _ in $(seq 120); do
    curl -sf "$API/apis/discovery.k8s.io/v1/namespaces/$NAMESPACE/endpointslices/sysched-scheduler-leader" \
      >"$WORK/endpointslice.json" && return 0
    sleep 0.5
  done
  echo '{}' >"$WORK/endpointslice.json"
}
await_slice
curl -sf "$API/apis/coordination.k8s.io/v1/namespaces/$NAMESPACE/leases/sysched-scheduler-extender" \
  >"$WORK/lease.json" || echo '{}' >"$WORK/lease.json"
check "extender: leads (Lease $NAMESPACE/sysched-scheduler-extender held by sysched-smoke-extender)" \
  jq -e '.spec.holderIdentity == "sysched-smoke-extender"' "$WORK/lease.json"
check "extender: EndpointSlice sysched-scheduler-leader routes the Service to 127.0.0.1, port https $EXTENDER_PORT" \
  jq -e --argjson port "$EXTENDER_PORT" '.metadata.labels["kubernetes.io/service-name"] == "sysched-scheduler"
         and .endpoints[0].addresses == ["127.0.0.1"] and .endpoints[0].targetRef.name == "sysched-smoke-extender"
         and ([.ports[] | select(.name == "https") | .port] == [$port])
         and ([.ports[] | select(.name == "http")] == [])' "$WORK/endpointslice.json"

# kube-scheduler's side of the mutual TLS: the CA and client certificate from its Secret, the Service's DNS name
extender() { # verb [curl options]
  local verb=$1
  shift
  curl -sS --cacert "$WORK/kube-scheduler-client/ca.crt" \
    --resolve "sysched-scheduler.$NAMESPACE.svc:$EXTENDER_PORT:127.0.0.1" \
    -H 'Content-Type: application/json' -d "$ARGS" "$@" "https://sysched-scheduler.$NAMESPACE.svc:$EXTENDER_PORT/$verb"
}
KUBE_SCHEDULER=(--cert "$WORK/kube-scheduler-client/tls.crt" --key "$WORK/kube-scheduler-client/tls.key")
ARGS="{\"Pod\":$(pod nginx2 '' operator/nginx-seccomp.json),\"NodeNames\":[\"node-a\",\"node-b\"]}"
extender filter "${KUBE_SCHEDULER[@]}" >"$WORK/filter.json" || true
check "extender: /filter over mutual TLS passes node-a and node-b" \
  jq -e '(.NodeNames | sort) == ["node-a","node-b"] and ((.Error // "") == "")' "$WORK/filter.json"
extender prioritize "${KUBE_SCHEDULER[@]}" >"$WORK/prioritize.json" || true
check "extender: /prioritize scores node-a (webhook-signed nginx pod) 10 and above node-b (copied signature)" \
  jq -e 'map({(.Host): .Score}) | add | .["node-a"] == 10 and .["node-b"] < 10' "$WORK/prioritize.json"
echo "prioritize: $(cat "$WORK/prioritize.json")"
curl -sf "http://127.0.0.1:$EXTENDER_MGMT/actuator/prometheus" >"$WORK/extender-metrics.txt" || true
# the stored pods, as the informer resolved them: only the one with the copied signature untrusted (the warm-up's
# made-up requests are counted under source="request")
check "extender: exactly one stored pod's annotations untrusted (sysched_pods_fallback_total, informer)" \
  awk '/^sysched_pods_fallback_total\{/ && /reason="untrusted"/ && /source="informer"/ { n += $NF }
       END { exit !(n == 1) }' "$WORK/extender-metrics.txt"
{ extender prioritize || true
  curl -sS -H 'Content-Type: application/json' -d "$ARGS" "http://127.0.0.1:$EXTENDER_PORT/prioritize" || true
} >"$WORK/without-client-certificate.txt" 2>&1
check "extender: no verb answered without kube-scheduler's client certificate, nor over plain HTTP" \
  eval '! grep -q "\"Host\"" "$WORK/without-client-certificate.txt"'

echo "== simulate (scheduler image)"
"${PODMAN[@]}" run --rm --network=none --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --read-only \
  --tmpfs /tmp --user 65532 -v "$ROOT/examples:/examples:ro" "$SCHEDULER_IMAGE" \
  simulate --pods /examples/sysched-demo --nodes 2 --placement >"$WORK/simulate.txt" 2>&1 || true
check "scheduler image: simulate replays the SySched demo (exs strategy: cluster ExS 47, nginx1 + nginx2 together)" \
  awk '$1 == "strategy" { for (i = 1; i <= NF; i++) if ($i == "cluster_exs") column = i }
       column && $1 == "exs" && $column == 47 { row = 1 } /^exs:/ { section = 1 }
       section && /nginx1-1 default\/nginx2-1/ { pair = 1 } END { exit !(row && pair) }' "$WORK/simulate.txt"

echo "image smoke test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
