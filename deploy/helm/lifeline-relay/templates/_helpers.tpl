{{/* Names: <release>-lifeline-relay, or the release name alone when it already says lifeline-relay. */}}
{{- define "lifeline.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "lifeline.relay" -}}{{ include "lifeline.fullname" . }}{{- end -}}
{{- define "lifeline.relayHeadless" -}}{{ include "lifeline.fullname" . }}-instances{{- end -}}
{{- define "lifeline.haproxy" -}}{{ include "lifeline.fullname" . }}-haproxy{{- end -}}
{{- define "lifeline.postgresql" -}}{{ include "lifeline.fullname" . }}-postgresql{{- end -}}

{{- define "lifeline.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component (relay, haproxy, postgresql): never change them after install. */}}
{{- define "lifeline.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "lifeline.image" -}}
{{- .repository -}}{{- with .tag -}}:{{ . }}{{- end -}}{{- with .digest -}}@{{ . }}{{- end -}}
{{- end -}}

{{- define "lifeline.databaseHost" -}}
{{- if .Values.postgresql.enabled -}}
{{ include "lifeline.postgresql" . }}.{{ .Release.Namespace }}.svc
{{- else -}}
{{ required "database.host is required when postgresql.enabled is false" .Values.database.host }}
{{- end -}}
{{- end -}}

{{- define "lifeline.databaseSecret" -}}
{{- .Values.database.existingSecret | default (printf "%s-db" (include "lifeline.fullname" .)) -}}
{{- end -}}

{{/* Pod security every container here runs with: no privilege, no writable image. */}}
{{- define "lifeline.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}
