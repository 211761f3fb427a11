{{/*
Helpers shared by Clave's charts, less the SGX ones (this chart runs no enclave). Each chart carries its own
copy (a chart must install on its own, without a library chart to fetch); the copies are identical, so they
also coexist as subcharts of one umbrella chart.
*/}}

{{/* Object names: the release name, or RELEASE-CHART when the release name does not contain the chart's. */}}
{{- define "clave.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "clave.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "clave.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "clave.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: clave
{{- end -}}

{{/* The image: the image value, else the Clave image of the chart's appVersion. */}}
{{- define "clave.image" -}}
{{- .Values.image | default (printf "ghcr.io/clave-dev/clave:%s" .Chart.AppVersion) -}}
{{- end -}}

{{/* imagePullSecrets, given as [{name: x}] or as [x]. */}}
{{- define "clave.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ if kindIs "string" . }}{{ . }}{{ else }}{{ .name }}{{ end }}
{{- end }}
{{- end }}
{{- end -}}
