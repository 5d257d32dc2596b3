// Image drift: for each container, the image it runs against the image its reference (the tag it
// was created from) points to now on the same engine. A tag that moved — someone pulled, the
// image was rebuilt — means the next recreate runs something else: that is the container to warn
// about, not every `latest`. Image facts are cached (an image id never changes; a tag does, and
// the engine says so with an image event), so a container costs no request per publish.
import type { ContainerInspectInfo } from 'dockerode';
import type { ImageDrift, ImagePin } from '../../../shared/protocol/containers.js';
import { describeError, type Logger } from '../../log.js';
import { imagePin } from './container-info.js';
import type { EngineApi, ImageFacts } from './engine-api.js';

export interface DriftOptions {
  api: () => EngineApi | null;
  /** Facts arrived or changed: republish the containers created from `ref` or running image `imageId`. */
  changed: (what: { ref?: string; imageId?: string }) => void;
  log: Logger;
}

/** Image events after which a tag may point elsewhere. */
const TAG_EVENTS = new Set(['pull', 'tag', 'untag', 'delete', 'load', 'import', 'build']);
/** `docker compose pull` sends a burst: look once it is over. */
const SETTLE_MS = 500;

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

/** The digest of an image in the repository a reference names (`grafana/grafana@sha256:…`). */
export function digestFor(ref: string, image: ImageFacts | null): string | null {
  if (!image || image.repoDigests.length === 0) return null;
  const repo = repositoryOf(ref);
  return image.repoDigests.find((d) => repositoryOf(d) === repo) ?? image.repoDigests[0] ?? null;
}

/** `nas.lan:5000/app:1.2` → `nas.lan:5000/app`; `busybox` → `busybox`; `x@sha256:…` → `x`. */
export function repositoryOf(ref: string): string {
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(0, colon) : name;
}

export function driftOf(
  pin: ImagePin,
  runningId: string,
  running: ImageFacts | null,
  ref: string,
  tag: ImageFacts | null | undefined,
): ImageDrift {
  const runningDigest = digestFor(ref, running);
  const base = { runningDigest, tagImageId: null, tagDigest: null, tagCreatedAt: null };
  if (pin === 'digest') return { ...base, status: 'pinned', changesOn: null };
  if (tag === undefined) return { ...base, status: 'unknown', changesOn: null };
  if (tag === null) return { ...base, status: 'missing', changesOn: 'recreate' };
  const facts = {
    runningDigest,
    tagImageId: short(tag.id),
    tagDigest: digestFor(ref, tag),
    tagCreatedAt: tag.createdAt,
  };
  if (tag.id !== runningId) return { ...facts, status: 'moved', changesOn: 'recreate' };
  // The same image: only a tag that is meant to move (latest, or none) changes at the next pull.
  return { ...facts, status: 'current', changesOn: pin === 'latest' || pin === 'untagged' ? 'pull' : null };
}

export class ImageDriftWatch {
  /** By reference: what it points to now (null: no such image), or a lookup under way. */
  private readonly refs = new Map<string, ImageFacts | null | Promise<void>>();
  /** By image id: immutable. */
  private readonly images = new Map<string, ImageFacts | null>();
  private readonly pendingImages = new Set<string>();
  private settle: NodeJS.Timeout | null = null;

  constructor(private readonly opts: DriftOptions) {}

  /** The drift as known now; absent until its facts are in (a lookup starts, and `changed` follows). */
  of(inspect: ContainerInspectInfo): ImageDrift | undefined {
    const ref = typeof inspect.Config?.Image === 'string' ? inspect.Config.Image : '';
    if (!ref) return undefined;
    const pin = imagePin(ref);
    const runningId = inspect.Image;
    const running = this.images.get(runningId);
    if (running === undefined) this.lookImage(runningId);
    if (pin === 'digest')
      return running === undefined ? undefined : driftOf(pin, runningId, running, ref, null);
    const tag = this.refs.get(ref);
    if (tag === undefined) this.lookRef(ref);
    if (running === undefined || tag === undefined || tag instanceof Promise) return undefined;
    return driftOf(pin, runningId, running, ref, tag);
  }

  /** An image event: tags may have moved. Every reference is asked again once the burst is over. */
  imageEvent(action: string): void {
    if (!TAG_EVENTS.has(action.split(':')[0]!)) return;
    if (this.settle) clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = null;
      this.recheck();
    }, SETTLE_MS);
  }

  /** Attached again: anything may have changed while the engine was away. */
  reset(): void {
    this.refs.clear();
    this.images.clear();
  }

  stop(): void {
    if (this.settle) clearTimeout(this.settle);
    this.settle = null;
  }

  private recheck(): void {
    const known = [...this.refs.keys()];
    this.refs.clear();
    for (const ref of known) this.lookRef(ref);
  }

  private lookRef(ref: string): void {
    const api = this.opts.api();
    if (!api || this.refs.get(ref) instanceof Promise) return;
    const before = this.refs.get(ref);
    const p = api.image(ref).then(
      (facts) => {
        if (this.refs.get(ref) !== p) return;
        this.refs.set(ref, facts);
        if (facts) this.images.set(facts.id, facts);
        if (before === undefined || before instanceof Promise || before?.id !== facts?.id)
          this.opts.changed({ ref });
      },
      (err: unknown) => {
        if (this.refs.get(ref) === p) this.refs.delete(ref);
        this.opts.log.debug(`image ${ref}: ${describeError(err)}`);
      },
    );
    this.refs.set(ref, p);
  }

  private lookImage(id: string): void {
    const api = this.opts.api();
    if (!api || this.pendingImages.has(id)) return;
    this.pendingImages.add(id);
    api.image(id).then(
      (facts) => {
        this.pendingImages.delete(id);
        this.images.set(id, facts);
        this.opts.changed({ imageId: id });
      },
      (err: unknown) => {
        this.pendingImages.delete(id);
        this.opts.log.debug(`image ${short(id)}: ${describeError(err)}`);
      },
    );
  }
}
