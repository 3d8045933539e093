{{- define "chasebot.name" -}}{{ if contains "chasebot" .Release.Name }}{{ .Release.Name }}{{ else }}{{ .Release.Name }}-chasebot{{ end }}{{- end -}}
{{- define "chasebot.labels" -}}
app.kubernetes.io/name: chasebot
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
{{- define "chasebot.secretName" -}}{{ .Values.secrets.existingSecret | default (include "chasebot.name" .) }}{{- end -}}
{{- define "chasebot.podSecurity" -}}
runAsNonRoot: true
runAsUser: 1654
fsGroup: 1654
seccompProfile: { type: RuntimeDefault }
{{- end -}}
{{- define "chasebot.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: { drop: [ALL] }
{{- end -}}
{{- define "chasebot.env" -}}
envFrom:
  - configMapRef: { name: {{ include "chasebot.name" . }} }
env:
  - { name: Slack__BotToken, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: slackBotToken, optional: true } } }
  - { name: Slack__SigningSecret, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: slackSigningSecret, optional: true } } }
  - { name: Slack__AppToken, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: slackAppToken, optional: true } } }
  - { name: Teams__AppId, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: teamsAppId, optional: true } } }
  - { name: Teams__AppPassword, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: teamsAppPassword, optional: true } } }
  - { name: Sources__Stripe__ApiKey, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: stripeApiKey, optional: true } } }
  - { name: Sources__Stripe__WebhookSecret, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: stripeWebhookSecret, optional: true } } }
  - { name: Sources__Xero__ClientId, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: xeroClientId, optional: true } } }
  - { name: Sources__Xero__ClientSecret, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: xeroClientSecret, optional: true } } }
  - { name: Sources__Xero__WebhookKey, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: xeroWebhookKey, optional: true } } }
  - { name: Sources__QuickBooks__ClientId, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: quickbooksClientId, optional: true } } }
  - { name: Sources__QuickBooks__ClientSecret, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: quickbooksClientSecret, optional: true } } }
  - { name: Sources__QuickBooks__VerifierToken, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: quickbooksVerifierToken, optional: true } } }
{{- if .Values.ingress.enabled }}
  - { name: Bot__PublicUrl, value: {{ printf "https://%s" .Values.ingress.host | quote }} }
{{- end }}
{{- if .Values.dataProtection.certificateSecret }}
  - { name: DataProtection__Certificate, value: /etc/chasebot/dataprotection/dataprotection.pfx }
  - { name: DataProtection__CertificatePassword, valueFrom: { secretKeyRef: { name: {{ .Values.dataProtection.certificateSecret }}, key: password, optional: true } } }
{{- end }}
{{- if eq .Values.mode "postgres" }}
  - { name: Database__Provider, value: Postgres }
  - { name: ConnectionStrings__Chase, valueFrom: { secretKeyRef: { name: {{ include "chasebot.secretName" . }}, key: postgresConnectionString } } }
{{- end }}
{{- end -}}
{{- define "chasebot.botContainer" -}}
- name: bot
  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args: [bot]
  ports: [{ name: http, containerPort: 8080 }]
  {{- include "chasebot.env" . | nindent 2 }}
  livenessProbe: { httpGet: { path: /healthz, port: 8080 }, periodSeconds: 10 }
  readinessProbe: { httpGet: { path: /readyz, port: 8080 }, periodSeconds: 5 }
  resources: {{- toYaml .Values.bot.resources | nindent 4 }}
  securityContext: {{- include "chasebot.containerSecurity" . | nindent 4 }}
  volumeMounts:
    - { name: tmp, mountPath: /tmp }
    {{- if .Values.dataProtection.certificateSecret }}
    - { name: dataprotection, mountPath: /etc/chasebot/dataprotection, readOnly: true }
    {{- end }}
    {{- if eq .Values.mode "sqlite" }}
    - { name: data, mountPath: /data }
    {{- end }}
{{- end -}}
{{- define "chasebot.workerContainer" -}}
- name: worker
  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args: [worker]
  ports: [{ name: health, containerPort: 8081 }]
  {{- include "chasebot.env" . | nindent 2 }}
    {{- $s := int .Values.worker.shutdownSeconds }}
    - { name: Worker__ShutdownTimeout, value: {{ printf "%02d:%02d:%02d" (div $s 3600) (mod (div $s 60) 60) (mod $s 60) | quote }} }
    - { name: Worker__ClusterCheckinInterval, value: {{ .Values.worker.checkinInterval | quote }} }
    - { name: Worker__ClusterFailoverAfter, value: {{ .Values.worker.failoverAfter | quote }} }
  livenessProbe: { httpGet: { path: /healthz, port: 8081 }, periodSeconds: 10 }
  readinessProbe: { httpGet: { path: /readyz, port: 8081 }, periodSeconds: 5 }
  resources: {{- toYaml .Values.worker.resources | nindent 4 }}
  securityContext: {{- include "chasebot.containerSecurity" . | nindent 4 }}
  volumeMounts:
    - { name: tmp, mountPath: /tmp }
    {{- if .Values.dataProtection.certificateSecret }}
    - { name: dataprotection, mountPath: /etc/chasebot/dataprotection, readOnly: true }
    {{- end }}
    {{- if eq .Values.mode "sqlite" }}
    - { name: data, mountPath: /data }
    {{- else }}
    - { name: exports, mountPath: /data/exports, readOnly: true }
    {{- end }}
{{- end -}}
