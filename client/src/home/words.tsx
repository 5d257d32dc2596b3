// A translated sentence whose parameters are data (names, addresses): the words translate, the
// parameters are marked translate="no" so neither a browser's translator nor the i18n test
// mistakes a container's name for untranslated text. `words` are parameters that are themselves
// translated words, put in as text.
import type { ComponentChild } from 'preact';
import { type MessageKey, tParts } from '../i18n/index.js';

export function Words(props: {
  k: MessageKey;
  p?: Record<string, string | number>;
  words?: Record<string, ComponentChild>;
}) {
  const parts: Record<string, ComponentChild> = { ...props.words };
  for (const [k, v] of Object.entries(props.p ?? {}))
    parts[k] = (
      <span key={k} translate={false} class="param">
        {String(v)}
      </span>
    );
  return <>{tParts(props.k, parts)}</>;
}
