{{/*
Helpers shared by Clave's charts. Each chart carries its own copy (a chart must install on its own, without
a library chart to fetch); the copies are identical, so they also coexist as subcharts of one umbrella chart.
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

{{/*
The SGX extended resources the container asks for, as a YAML map, after useSGXDevPlugin (values.schema.json
admits only clave, intel, azure and disabled). Call with
(dict "ctx" $ "provision" BOOL); provision: also the provisioning device, which only quoting needs.
*/}}
{{- define "clave.sgxLimits" -}}
{{- $v := .ctx.Values -}}
{{- if has $v.useSGXDevPlugin (list "clave" "intel") }}
sgx.intel.com/enclave: "1"
{{- if .provision }}
sgx.intel.com/provision: "1"
{{- end }}
{{- if $v.requestEpc }}
sgx.intel.com/epc: {{ printf "%vMi" $v.sgxEpcMem | quote }}
{{- end }}
{{- else if eq $v.useSGXDevPlugin "azure" }}
kubernetes.azure.com/sgx_epc_mem_in_MiB: {{ $v.sgxEpcMem | quote }}
{{- end }}
{{- end -}}

{{/* resources: the resources value with the SGX limits added; the value's own limits win. */}}
{{- define "clave.resources" -}}
{{- $r := deepCopy (.ctx.Values.resources | default dict) -}}
{{- $sgx := fromYaml (include "clave.sgxLimits" .) | default dict -}}
{{- if $sgx -}}
{{- $_ := set $r "limits" (mergeOverwrite $sgx ($r.limits | default dict)) -}}
{{- end -}}
{{- with $r }}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* nodeSelector: the value, plus sgx.intel.com/capable=true (the label SGX plugins set) for clave and intel. */}}
{{- define "clave.nodeSelector" -}}
{{- $ns := deepCopy (.Values.nodeSelector | default dict) -}}
{{- if and (has .Values.useSGXDevPlugin (list "clave" "intel")) (not (hasKey $ns "sgx.intel.com/capable")) -}}
{{- $_ := set $ns "sgx.intel.com/capable" "true" -}}
{{- end -}}
{{- with $ns }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The container's securityContext: locked down, unless there is no device plugin (then privileged). */}}
{{- define "clave.securityContext" -}}
{{- if eq .Values.useSGXDevPlugin "disabled" }}
securityContext:
  privileged: true
{{- else }}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
{{- end }}
{{- end -}}
