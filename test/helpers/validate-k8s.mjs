// Validates Kubernetes objects (a JSON array on stdin) against the API's OpenAPI schemas, as compiled
// into the kubernetes-models packages: prints [{ index, kind, name, errors }] for every object
// ("unknown kind" when no model is known). ESM, run with plain node (the packages are ESM-only).
import { readFileSync } from 'node:fs';

/** The module of the model class for apiVersion/kind. */
function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  return group === '' ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const [index, object] of objects.entries()) {
  const entry = { index, kind: object.kind, name: object.metadata?.name, errors: [] };
  const module = await import(modelPath(String(object.apiVersion ?? ''), String(object.kind ?? ''))).catch(() => undefined);
  const Model = module?.[object.kind];
  if (!Model) entry.errors.push(`unknown kind ${object.apiVersion}/${object.kind}`);
  else {
    try {
      new Model(object).validate();
    } catch (error) {
      entry.errors.push(String(error.message ?? error));
    }
  }
  results.push(entry);
}
process.stdout.write(JSON.stringify(results));
