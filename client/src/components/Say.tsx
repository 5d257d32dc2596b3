import type { MessageRef } from '../../../shared/protocol/message.js';
import { canSay, sayParts } from '../i18n/index.js';

/**
 * A message from home in the owner's language: the words translated, the parameters (names,
 * addresses, an engine's own error text) marked as data. A message this app has no words for (a
 * newer agent) shows the English the agent sent with it, marked as English from home — the
 * translation test fails on any such text under Chinese.
 */
export function Say(props: { m?: MessageRef | undefined; text: string; class?: string }) {
  if (!canSay(props.m))
    return (
      <span class={props.class} lang="en" translate={false} data-home-english="">
        {props.text}
      </span>
    );
  return (
    <span class={props.class}>
      {sayParts(props.m).map((s, i) =>
        typeof s === 'string' ? (
          s
        ) : (
          <span key={i} translate={false} class="param">
            {s.text}
          </span>
        ),
      )}
    </span>
  );
}
