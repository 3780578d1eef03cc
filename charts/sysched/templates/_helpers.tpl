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
