// Reads rendered Kubernetes manifests (helm template output) on stdin and validates every document against its
// Kubernetes schema with kubernetes-models, offline. Exit 1 if any document is invalid or of an unknown kind.
const YAML = require('yaml');
const models = {
  'v1/ConfigMap': () => require('kubernetes-models/v1/ConfigMap').ConfigMap,
  'v1/Secret': () => require('kubernetes-models/v1/Secret').Secret,
  'v1/Service': () => require('kubernetes-models/v1/Service').Service,
  'v1/PersistentVolumeClaim': () => require('kubernetes-models/v1/PersistentVolumeClaim').PersistentVolumeClaim,
  'apps/v1/Deployment': () => require('kubernetes-models/apps/v1/Deployment').Deployment,
  'networking.k8s.io/v1/Ingress': () => require('kubernetes-models/networking.k8s.io/v1/Ingress').Ingress,
  'networking.k8s.io/v1/NetworkPolicy': () => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').NetworkPolicy,
  // The Prometheus Operator's models are an ES module only: imported, not required.
  'monitoring.coreos.com/v1/ServiceMonitor': async () => (await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor')).ServiceMonitor,
};
const docs = YAML.parseAllDocuments(require('fs').readFileSync(0, 'utf8')).map(d => d.toJSON()).filter(Boolean);
// The schemas allow unknown fields, so a template slip such as `value:"x"` (no space: one odd key, no value) would
// pass them. Every key Kubernetes knows is a plain identifier, label or path: anything else is a rendering mistake.
const oddKey = (node, path) => {
  if (Array.isArray(node)) return node.map((n, i) => oddKey(n, `${path}[${i}]`)).find(Boolean);
  if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (!/^[A-Za-z0-9_.\/-]+$/.test(k)) return `${path}.${k}`;
      const found = oddKey(v, `${path}.${k}`);
      if (found) return found;
    }
  return null;
};
(async () => {
let bad = 0;
for (const doc of docs) {
  const key = `${doc.apiVersion}/${doc.kind}`;
  try {
    if (!models[key]) throw new Error(`no schema for ${key}`);
    new (await models[key]())(doc).validate();
    const odd = oddKey(doc, '');
    if (odd) throw new Error(`malformed key ${odd}`);
    console.log(`${key} ${doc.metadata?.name}: ok`);
  } catch (e) {
    bad++;
    console.log(`${key} ${doc.metadata?.name}: ${e.message}`);
  }
}
if (docs.length === 0) { console.log('no documents'); bad++; }
process.exit(bad ? 1 : 0);
})();
