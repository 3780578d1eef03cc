{{/* vim: set filetype=mustache: */}}

{{- define "sysched.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name prefix: <release>-<chart>, or just <release> when it already contains the chart name.
Kept short (<= 40) so "<fullname>-kube-scheduler" etc. stay within 63 characters.
*/}}
{{- define "sysched.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sysched.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sysched.labels" -}}
helm.sh/chart: {{ include "sysched.chart" . }}
app.kubernetes.io/name: {{ include "sysched.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sysched
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one component; call with (dict "ctx" $ "component" "webhook"). */}}
{{- define "sysched.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sysched.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "sysched.componentLabels" -}}
{{ include "sysched.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Object names. */}}
{{- define "sysched.webhook.fullname" -}}
{{- printf "%s-webhook" (include "sysched.fullname" .) }}
{{- end }}
{{- define "sysched.scheduler.fullname" -}}
{{- printf "%s-scheduler" (include "sysched.fullname" .) }}
{{- end }}
{{- define "sysched.kubeScheduler.fullname" -}}
{{- printf "%s-kube-scheduler" (include "sysched.fullname" .) }}
{{- end }}
{{- define "sysched.webhook.mutatingName" -}}
{{- printf "%s-mutating" (include "sysched.fullname" .) }}
{{- end }}
{{- define "sysched.webhook.validatingName" -}}
{{- printf "%s-validating" (include "sysched.fullname" .) }}
{{- end }}
{{- define "sysched.webhook.serviceAccountName" -}}
{{- default (include "sysched.webhook.fullname" .) .Values.webhook.serviceAccountName }}
{{- end }}
{{- define "sysched.scheduler.serviceAccountName" -}}
{{- default (include "sysched.scheduler.fullname" .) .Values.scheduler.serviceAccountName }}
{{- end }}
{{- define "sysched.kubeScheduler.serviceAccountName" -}}
{{- default (include "sysched.kubeScheduler.fullname" .) .Values.secondScheduler.serviceAccountName }}
{{- end }}
{{- define "sysched.tls.secretName" -}}
{{- default (printf "%s-tls" (include "sysched.webhook.fullname" .)) .Values.tls.secretName }}
{{- end }}
{{- define "sysched.scheduler.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "sysched.scheduler.fullname" .)) .Values.scheduler.tls.secretName }}
{{- end }}
{{- define "sysched.kubeScheduler.clientSecretName" -}}
{{- default (printf "%s-client-tls" (include "sysched.kubeScheduler.fullname" .)) .Values.scheduler.tls.clientSecretName }}
{{- end }}
{{/* Name of the extender's port: https with mutual TLS, http without (service meshes read the protocol from it). */}}
{{- define "sysched.scheduler.portName" -}}
{{- ternary "https" "http" .Values.scheduler.tls.enabled }}
{{- end }}
{{- define "sysched.certManager.servingCertName" -}}
{{- include "sysched.webhook.fullname" . }}
{{- end }}
{{- define "sysched.certManager.caName" -}}
{{- printf "%s-ca" (include "sysched.fullname" .) }}
{{- end }}
{{- define "sysched.certManager.selfSignedIssuerName" -}}
{{- printf "%s-selfsigned" (include "sysched.fullname" .) }}
{{- end }}

{{/* Namespaces the webhook never sees: kube-system, the release namespace, then the extras (deduplicated). */}}
{{- define "sysched.excludedNamespaces" -}}
{{- $ns := list "kube-system" .Release.Namespace }}
{{- range .Values.webhook.excludedNamespaces }}
{{- $ns = append $ns . }}
{{- end }}
{{- toJson (uniq $ns) }}
{{- end }}

{{/*
A sysched image: <registry>/<repository>@<digest> when a digest is set, else <registry>/<repository>:<tag>
(tag default: appVersion, the version Jib tags the images with). Registry: the component's, else image.registry.
*/}}
{{- define "sysched.image" -}}
{{- $registry := default .ctx.Values.image.registry .image.registry }}
{{- $name := ternary .image.repository (printf "%s/%s" $registry .image.repository) (empty $registry) }}
{{- if .image.digest }}
{{- printf "%s@%s" $name .image.digest }}
{{- else }}
{{- printf "%s:%s" $name (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{/* API versions of the SPO resources the validating webhook registers for. */}}
{{- define "sysched.spo.seccompProfileVersion" -}}
{{- if eq .Values.spo.version "v1" }}v1{{ else }}v1beta1{{ end }}
{{- end }}
{{- define "sysched.spo.profileBindingVersion" -}}
{{- if eq .Values.spo.version "v1" }}v1{{ else }}v1alpha1{{ end }}
{{- end }}

{{/* Hardened security contexts shared by all pods. */}}
{{- define "sysched.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "sysched.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Actuator probes on the plain-HTTP management port (named "metrics", 8081). */}}
{{- define "sysched.actuatorProbes" -}}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: metrics
    scheme: HTTP
  periodSeconds: 5
  timeoutSeconds: 2
  failureThreshold: 36
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: metrics
    scheme: HTTP
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: metrics
    scheme: HTTP
  periodSeconds: 5
  timeoutSeconds: 2
  failureThreshold: 3
{{- end }}

{{/* Prometheus scrape annotations for the management port. */}}
{{- define "sysched.prometheusAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/port: "8081"
prometheus.io/path: /actuator/prometheus
{{- end }}

{{/* Spreads replicas over nodes: topology spread (soft) + preferred pod anti-affinity. */}}
{{- define "sysched.spread" -}}
{{- $sel := include "sysched.selectorLabels" . | fromYaml -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- toYaml $sel | nindent 8 }}
    matchLabelKeys:
      - pod-template-hash
{{- $anti := dict "podAntiAffinity" (dict "preferredDuringSchedulingIgnoredDuringExecution" (list (dict "weight" 100 "podAffinityTerm" (dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" $sel))))) }}
affinity:
  {{- toYaml (mergeOverwrite (deepCopy $anti) (deepCopy (default dict .affinity))) | nindent 2 }}
{{- end }}

{{/*
Seconds in a duration: Go's (cert-manager, kube-scheduler: 1h30m, 2.5s) or Spring's (number and ms|s|m|h|d).
values.schema.json restricts the inputs to those forms. Prints a float ("2", "0.5", "1.296e+06" never: %v keeps
plain notation below 1e21).
*/}}
{{- define "sysched.durationSeconds" -}}
{{- $units := dict "ns" 0.000000001 "us" 0.000001 "µs" 0.000001 "ms" 0.001 "s" 1.0 "m" 60.0 "h" 3600.0 "d" 86400.0 -}}
{{- $total := 0.0 -}}
{{- range $part := regexFindAll "[0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h|d)" . -1 -}}
{{- $unit := regexFind "(ns|us|µs|ms|s|m|h|d)$" $part -}}
{{- $total = addf $total (mulf (float64 (trimSuffix $unit $part)) (get $units $unit)) -}}
{{- end -}}
{{- $total -}}
{{- end }}

{{/*
Renewal margin of the webhook's serving certificate in seconds: how long before expiry a renewal is due
(cert-manager: tls.certManager.renewBefore; self-signed: tls.selfSigned.renewBefore, else a third of the lifetime,
as the app's RenewalPolicy does).
*/}}
{{- define "sysched.tls.renewalMarginSeconds" -}}
{{- if eq .Values.tls.mode "cert-manager" -}}
{{- include "sysched.durationSeconds" .Values.tls.certManager.renewBefore -}}
{{- else if .Values.tls.selfSigned.renewBefore -}}
{{- include "sysched.durationSeconds" .Values.tls.selfSigned.renewBefore -}}
{{- else -}}
{{- divf (include "sysched.durationSeconds" .Values.tls.selfSigned.duration) 3 -}}
{{- end -}}
{{- end }}

{{/* PromQL selector labels of one component's scrape target, as the chart's ServiceMonitor names it. */}}
{{- define "sysched.monitoring.target" -}}
job="{{ .job }}", namespace="{{ .ctx.Release.Namespace }}"
{{- end }}

{{/* An alert's labels: monitoring.prometheusRule.alertLabels, then the alert's own (severity wins). */}}
{{- define "sysched.alertLabels" -}}
{{- toYaml (mergeOverwrite (deepCopy (default dict .extra)) .own) -}}
{{- end }}
