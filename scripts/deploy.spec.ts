import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { EnvironmentVariables, heapNeededForBodies } from '@switchyard/core';

/**
 * The deployment files: every Kubernetes manifest in deploy/k8s/ validated offline against the
 * Kubernetes OpenAPI schemas (kubernetes-models), then checked against the gateway itself (health
 * endpoints, variables, labels), and docker-compose.yml's `scale` profile against the HAProxy file.
 */
const root = resolve(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
/** The variables docs/configuration.md documents (its table; every one the gateway reads is there). */
const documented = new Set(
  [...read('docs/configuration.md').matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]!),
);

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const models: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Service': Service,
};

const files = readdirSync(join(root, 'deploy/k8s')).filter((f) => /\.ya?ml$/.test(f));
const manifests: Array<{ file: string; doc: Manifest }> = files.flatMap((file) =>
  parseAllDocuments(read(`deploy/k8s/${file}`)).map((d) => {
    expect([file, d.errors]).toEqual([file, []]);
    return { file, doc: d.toJS() as Manifest };
  }),
);
const one = <T>(kind: string): T => {
  const found = manifests.filter((m) => m.doc.kind === kind);
  expect([kind, found.length]).toEqual([kind, 1]);
  return found[0]!.doc as unknown as T;
};

// Only the shapes the checks below read; the schema validation covers the rest.
interface Container {
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  resources?: { requests?: { memory?: string }; limits?: { memory?: string } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    containers: Container[];
    terminationGracePeriodSeconds?: number;
    volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
  };
}

describe('deploy/k8s', () => {
  it('has manifests, each a valid Kubernetes object of a known kind', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const { file, doc } of manifests) {
      const Model = models[`${doc.apiVersion}/${doc.kind}`];
      expect([file, doc.apiVersion, doc.kind, Model !== undefined]).toEqual([
        file,
        doc.apiVersion,
        doc.kind,
        true,
      ]);
      expect(() => new Model!(doc as never).validate()).not.toThrow();
      expect(doc.metadata.labels?.['app.kubernetes.io/name']).toBe('switchyard');
    }
  });

  it('rejects a broken manifest (the schema check is not a no-op)', () => {
    const deployment = structuredClone(one<{ spec: { template: PodTemplate } }>('Deployment'));
    (deployment.spec.template.spec.containers[0]!.ports![0] as { containerPort: unknown }).containerPort =
      'http';
    expect(() => new Deployment(deployment as never).validate()).toThrow(/containerPort must be integer/);
  });

  it('probes the gateway health endpoints: liveness without the database, readiness with it', () => {
    const deployment = one<{ spec: { replicas: number; template: PodTemplate } }>('Deployment');
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    const [gateway] = deployment.spec.template.spec.containers;
    expect(gateway!.livenessProbe!.httpGet).toEqual({ path: '/api/v1/health', port: 'http' });
    expect(gateway!.readinessProbe!.httpGet).toEqual({ path: '/api/v1/health/ready', port: 'http' });
    expect(gateway!.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: 8080 })]);
    // The controller that serves them.
    const health = read('apps/gateway/src/health/health.controller.ts');
    expect(health).toContain('@Controller(`${API_PREFIX}/health`)');
    expect(health).toMatch(/@Get\('ready'\)/);
    // A grace period longer than the configured drain.
    const config = one<{ data: Record<string, string> }>('ConfigMap');
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(
      Number(config.data.SHUTDOWN_TIMEOUT_MS ?? 10_000) + 5000,
    );
  });

  it('selects the gateway pods from the Service and the PodDisruptionBudget', () => {
    const labels = one<{ spec: { template: PodTemplate } }>('Deployment').spec.template.metadata.labels;
    const service = one<{ spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> } }>(
      'Service',
    );
    expect(labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports[0]!.targetPort).toBe('http');
    const pdb = one<{ spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } }>(
      'PodDisruptionBudget',
    );
    expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
  });

  it('runs migrations in a Job with the same image and settings, and not at pod start', () => {
    const job = one<{ spec: { template: PodTemplate } }>('Job');
    const deployment = one<{ spec: { template: PodTemplate } }>('Deployment');
    const [migrate] = job.spec.template.spec.containers;
    const [gateway] = deployment.spec.template.spec.containers;
    expect(migrate!.image).toBe(gateway!.image);
    expect(migrate!.envFrom).toEqual(gateway!.envFrom);
    expect([...migrate!.command!, ...migrate!.args!]).toEqual([
      'node',
      'node_modules/typeorm/cli.js',
      'migration:run',
      '-d',
      'dist/apps/gateway/src/data-source.js',
    ]);
    // What the image carries (Dockerfile) and what `npm run migration:run` drives.
    expect(read('Dockerfile')).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(read('scripts/migration.mjs')).toContain("'dist/apps/gateway/src/data-source.js'");
    expect(one<{ data: Record<string, string> }>('ConfigMap').data.DATABASE_MIGRATE).toBe('false');
  });

  it('sets only documented variables, and references the config and secret it documents', () => {
    const known = documented;
    expect(known.has('DATABASE_MIGRATE')).toBe(true);
    const config = one<{ metadata: { name: string }; data: Record<string, string> }>('ConfigMap');
    for (const name of Object.keys(config.data)) expect([name, known.has(name)]).toEqual([name, true]);
    const [gateway] = one<{ spec: { template: PodTemplate } }>('Deployment').spec.template.spec.containers;
    for (const { name } of gateway!.env ?? []) expect([name, known.has(name)]).toEqual([name, true]);
    expect(gateway!.envFrom).toEqual([
      { configMapRef: { name: config.metadata.name } },
      { secretRef: { name: 'switchyard-secrets' } },
    ]);
    // The operations guide tells how to create that secret, with the variables production needs.
    const ops = read('docs/operations.md');
    expect(ops).toContain('kubectl create secret generic switchyard-secrets');
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'VAULT_MASTER_KEY']) expect(ops).toContain(`${name}=`);
  });

  it('caps the heap wherever the gateway runs, above what the body bound needs, with room in the pod', () => {
    // Decision 0031: one cap, in the image (overridable NODE_OPTIONS) and in `npm run start:prod`,
    // each with the young generation's cap (decision 0044) and Node's code on large pages (0043).
    const MB = 1024 * 1024;
    const image =
      /^ENV NODE_OPTIONS="--max-old-space-size=(\d+) --max-semi-space-size=8 --use-largepages=silent"$/m.exec(
        read('Dockerfile'),
      );
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const prod =
      /^node --max-old-space-size=(\d+) --max-semi-space-size=8 --use-largepages=silent(?: --\S+)* dist\/apps\/gateway\/src\/main\.js$/.exec(
        scripts['start:prod']!,
      );
    expect(image?.[1]).toBeDefined();
    expect(prod?.[1]).toBe(image![1]);
    const cap = Number(image![1]) * MB;
    const bound = new EnvironmentVariables().MAX_BODY_BYTES_IN_FLIGHT;
    expect(cap).toBeGreaterThanOrEqual(heapNeededForBodies(bound));
    // The pod's limit holds the peak with the bound's bodies in flight: ~250 MB plus 7x the bound.
    const [gateway] = one<{ spec: { template: PodTemplate } }>('Deployment').spec.template.spec.containers;
    const limit = /^(\d+)(Mi|Gi)$/.exec(gateway!.resources!.limits!.memory!);
    const limitBytes = Number(limit![1]) * (limit![2] === 'Gi' ? 1024 : 1) * MB;
    expect(limitBytes).toBeGreaterThanOrEqual(250 * MB + 7 * bound);
    expect(one<{ data: Record<string, string> }>('ConfigMap').data.MAX_BODY_BYTES_IN_FLIGHT).toBeUndefined();
  });

  it("turns V8's memory reducer off on the node command line of both production starts", () => {
    // Decision 0050: NODE_OPTIONS refuses the flag, so the image's CMD carries it; `start:prod`
    // too (the bench reads its flags from there). `npm start`, the small-memory profile, keeps it.
    expect(read('Dockerfile')).toMatch(
      /^CMD \["node", "--no-memory-reducer", "dist\/apps\/gateway\/src\/main\.js"\]$/m,
    );
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['start:prod']).toMatch(
      /^node (--\S+ )*--no-memory-reducer (--\S+ )*dist\/apps\/gateway\/src\/main\.js$/,
    );
    expect(scripts.start).not.toContain('memory-reducer');
  });

  it('shares the files volume between replicas', () => {
    const pvc = one<{ metadata: { name: string }; spec: { accessModes: string[] } }>('PersistentVolumeClaim');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    const spec = one<{ spec: { template: PodTemplate } }>('Deployment').spec.template.spec;
    const volume = spec.volumes!.find((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name);
    const mount = spec.containers[0]!.volumeMounts!.find((m) => m.name === volume?.name);
    expect(mount?.mountPath).toBe(one<{ data: Record<string, string> }>('ConfigMap').data.FILES_DIR);
  });
});

describe('docker-compose.yml scale profile', () => {
  const compose = parseAllDocuments(read('docker-compose.yml'), { merge: true })[0]!.toJS() as {
    services: Record<
      string,
      {
        profiles?: string[];
        image?: string;
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
        volumes?: string[];
        ports?: string[];
      }
    >;
  };
  const scaled = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes('scale'));

  it('runs two gateways and the balancer on the one Postgres and Redis', () => {
    const names = scaled.map(([name]) => name).sort();
    expect(names).toEqual(['balancer', 'gateway-1', 'gateway-2']);
    for (const name of ['gateway-1', 'gateway-2']) {
      const gw = compose.services[name]!;
      expect(gw.environment?.DATABASE_URL).toContain('@postgres:5432/');
      expect(gw.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(gw.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
      expect(gw.environment?.TRUST_PROXY).toBeDefined();
    }
    // Both see the same uploaded files.
    expect(compose.services['gateway-1']!.volumes).toEqual(compose.services['gateway-2']!.volumes);
  });

  it('configures the balancer with deploy/haproxy/haproxy.cfg and its variables', () => {
    const lb = compose.services.balancer!;
    expect(lb.image).toMatch(/^haproxy:/);
    expect(lb.volumes).toContainEqual(expect.stringMatching(/^\.\/deploy\/haproxy\/haproxy\.cfg:/));
    const cfg = read('deploy/haproxy/haproxy.cfg');
    const vars = [...cfg.matchAll(/"\$\{([A-Z0-9_]+)\}"/g)].map((m) => m[1]!);
    expect(vars.sort()).toEqual(['SWITCHYARD_GATEWAY_1', 'SWITCHYARD_GATEWAY_2', 'SWITCHYARD_LB_BIND']);
    for (const name of vars) expect(lb.environment?.[name]).toBeDefined();
    expect(lb.environment?.SWITCHYARD_GATEWAY_1).toBe('gateway-1:8080');
    expect(lb.environment?.SWITCHYARD_GATEWAY_2).toBe('gateway-2:8080');
    expect(cfg).toContain('http-check send meth GET uri /api/v1/health/ready');
  });
});
