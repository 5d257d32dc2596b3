// What no schema sees: whether the manifests of one release fit together. A probe on a port the
// container does not open, a Service or PodDisruptionBudget whose selector matches no pod, a mount of a
// volume that is not there, a reference to a ConfigMap, Secret or key that nothing provides — each is
// valid alone and broken in a cluster (a pod never ready, a Service with no endpoints, a pod stuck in
// ContainerCreating, a NetworkPolicy that shuts out the pods it was meant for).
import type { Manifest } from './k8s-schema.js';

interface Port {
  name?: string;
  containerPort: number;
}
interface Probe {
  httpGet?: { port: number | string };
  tcpSocket?: { port: number | string };
  grpc?: { port: number };
}
interface KeyRef {
  name: string;
  key: string;
}
interface Container {
  name: string;
  ports?: Port[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  env?: { name: string; valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef } }[];
  volumeMounts?: { name: string; subPath?: string }[];
}
interface Volume {
  name: string;
  configMap?: { name: string };
  secret?: { secretName: string };
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[]; volumes?: Volume[] };
}
export interface Workload {
  doc: Manifest;
  selector: Record<string, string>;
  template: PodTemplate;
  claims: string[];
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

export function workloads(docs: readonly Manifest[]): Workload[] {
  return docs
    .filter((d) => WORKLOADS.has(d.kind))
    .map((doc) => {
      const spec = doc.spec as {
        selector?: { matchLabels?: Record<string, string> };
        template: PodTemplate;
        volumeClaimTemplates?: { metadata: { name: string } }[];
      };
      return {
        doc,
        selector: spec.selector?.matchLabels ?? {},
        template: spec.template,
        claims: (spec.volumeClaimTemplates ?? []).map((c) => c.metadata.name),
      };
    });
}

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

const containers = (t: PodTemplate): Container[] => [...(t.spec.initContainers ?? []), ...t.spec.containers];

/** Whether `port` (a number or a port name) is one the pod's containers open. */
export function podOpens(t: PodTemplate, port: number | string): boolean {
  return containers(t).some((c) =>
    (c.ports ?? []).some((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port)),
  );
}

const find = (docs: readonly Manifest[], kind: string, name: string) =>
  docs.find((d) => d.kind === kind && d.metadata.name === name);

const dataKeys = (doc: Manifest | undefined): string[] => [
  ...Object.keys((doc?.data as object | undefined) ?? {}),
  ...Object.keys((doc?.stringData as object | undefined) ?? {}),
];

export interface WiringOptions {
  /** Secrets the release expects to exist already (made by hand or by cert-manager). */
  externalSecrets?: readonly string[];
}

/** Every wiring problem of one release, one line each. */
export function wiringProblems(docs: readonly Manifest[], opts: WiringOptions = {}): string[] {
  const out: string[] = [];
  const pods = workloads(docs);
  const external = new Set(opts.externalSecrets ?? []);

  for (const w of pods) {
    const where = `${w.doc.kind}/${w.doc.metadata.name}`;
    if (!matches(w.selector, w.template.metadata?.labels))
      out.push(
        `${where}: selector ${JSON.stringify(w.selector)} does not match its own pod template's labels`,
      );
    const volumes = new Map((w.template.spec.volumes ?? []).map((v) => [v.name, v]));
    for (const c of containers(w.template)) {
      for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        const probe = c[kind];
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
        if (port !== undefined && !(c.ports ?? []).some((p) => p.containerPort === port || p.name === port))
          out.push(
            `${where}: container ${c.name}: ${kind} on port ${port}, which the container does not open`,
          );
      }
      for (const m of c.volumeMounts ?? []) {
        const v = volumes.get(m.name);
        if (!v && !w.claims.includes(m.name))
          out.push(`${where}: container ${c.name} mounts ${m.name}: no such volume`);
        if (
          v?.configMap &&
          m.subPath &&
          !dataKeys(find(docs, 'ConfigMap', v.configMap.name)).includes(m.subPath)
        )
          out.push(
            `${where}: container ${c.name} mounts key ${m.subPath} of ConfigMap ${v.configMap.name}: no such key`,
          );
      }
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        if (s && !external.has(s.name)) {
          const secret = find(docs, 'Secret', s.name);
          if (!secret)
            out.push(`${where}: env ${e.name} reads Secret ${s.name}, which the release does not make`);
          else if (!dataKeys(secret).includes(s.key))
            out.push(`${where}: env ${e.name} reads key ${s.key} of Secret ${s.name}: no such key`);
        }
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm && !dataKeys(find(docs, 'ConfigMap', cm.name)).includes(cm.key))
          out.push(`${where}: env ${e.name} reads key ${cm.key} of ConfigMap ${cm.name}: no such key`);
      }
    }
    for (const v of volumes.values()) {
      if (v.configMap && !find(docs, 'ConfigMap', v.configMap.name))
        out.push(
          `${where}: volume ${v.name} is ConfigMap ${v.configMap.name}, which the release does not make`,
        );
      if (v.secret && !external.has(v.secret.secretName) && !find(docs, 'Secret', v.secret.secretName))
        out.push(`${where}: volume ${v.name} is Secret ${v.secret.secretName}, which nothing provides`);
    }
    const scrapePort = w.template.metadata?.annotations?.['prometheus.io/port'];
    if (scrapePort !== undefined && !podOpens(w.template, Number(scrapePort)))
      out.push(`${where}: prometheus.io/port ${scrapePort} is not a port its pods open`);
    if (w.doc.kind === 'StatefulSet') {
      const name = (w.doc.spec as { serviceName?: string }).serviceName;
      const svc = name ? find(docs, 'Service', name) : undefined;
      const sel = (svc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
      if (!svc || !sel || !matches(sel, w.template.metadata?.labels))
        out.push(`${where}: serviceName ${name} is not a Service of the release that selects its pods`);
    }
  }

  for (const svc of docs.filter((d) => d.kind === 'Service')) {
    const spec = svc.spec as {
      selector?: Record<string, string>;
      ports?: { port: number; targetPort?: number | string }[];
    };
    if (!spec.selector) continue;
    const selected = pods.filter((w) => matches(spec.selector ?? {}, w.template.metadata?.labels));
    if (selected.length === 0) {
      out.push(
        `Service/${svc.metadata.name}: selector ${JSON.stringify(spec.selector)} matches no pod of the release`,
      );
      continue;
    }
    for (const p of spec.ports ?? []) {
      const target = p.targetPort ?? p.port;
      if (!selected.some((w) => podOpens(w.template, target)))
        out.push(
          `Service/${svc.metadata.name}: port ${p.port} targets ${target}, which its pods do not open`,
        );
    }
  }

  for (const pdb of docs.filter((d) => d.kind === 'PodDisruptionBudget')) {
    const sel =
      (pdb.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels ?? {};
    if (!pods.some((w) => matches(sel, w.template.metadata?.labels)))
      out.push(
        `PodDisruptionBudget/${pdb.metadata.name}: selector ${JSON.stringify(sel)} matches no pod of the release`,
      );
  }
  for (const np of docs.filter((d) => d.kind === 'NetworkPolicy')) {
    const spec = np.spec as {
      podSelector: { matchLabels?: Record<string, string> };
      ingress?: {
        from?: { podSelector?: { matchLabels?: Record<string, string> } }[];
        ports?: { port?: number | string }[];
      }[];
    };
    const guarded = pods.filter((w) =>
      matches(spec.podSelector.matchLabels ?? {}, w.template.metadata?.labels),
    );
    if (guarded.length === 0)
      out.push(`NetworkPolicy/${np.metadata.name}: podSelector matches no pod of the release`);
    for (const rule of spec.ingress ?? []) {
      for (const peer of rule.from ?? [])
        if (
          peer.podSelector &&
          !pods.some((w) => matches(peer.podSelector?.matchLabels ?? {}, w.template.metadata?.labels))
        )
          out.push(
            `NetworkPolicy/${np.metadata.name}: admits pods matching ${JSON.stringify(peer.podSelector.matchLabels)}: there are none`,
          );
      for (const p of rule.ports ?? [])
        if (p.port !== undefined && !guarded.some((w) => podOpens(w.template, p.port!)))
          out.push(`NetworkPolicy/${np.metadata.name}: opens port ${p.port}, which its pods do not open`);
    }
  }
  return out;
}
