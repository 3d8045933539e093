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
};
const docs = YAML.parseAllDocuments(require('fs').readFileSync(0, 'utf8')).map(d => d.toJSON()).filter(Boolean);
let bad = 0;
for (const doc of docs) {
  const key = `${doc.apiVersion}/${doc.kind}`;
  try {
    if (!models[key]) throw new Error(`no schema for ${key}`);
    new (models[key]())(doc).validate();
    console.log(`${key} ${doc.metadata?.name}: ok`);
  } catch (e) {
    bad++;
    console.log(`${key} ${doc.metadata?.name}: ${e.message}`);
  }
}
if (docs.length === 0) { console.log('no documents'); bad++; }
process.exit(bad ? 1 : 0);
