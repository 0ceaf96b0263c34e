import type { Conversation } from './conversation.types.js';

/**
 * Model-name personas of the OpenAI chat endpoint, matched on `-` boundaries like the fault
 * presets: `reasoner` (thinks aloud in `reasoning_content`, then answers the echo) and `wrong`
 * (always answers {@link WRONG_ANSWER}, even when a classification is asked for). They let the gateway's orchestration be tested:
 * a reasoning model, and a voter that disagrees.
 */
export type Persona = 'reasoner' | 'wrong' | 'looper' | null;

/** What `sim-wrong` (any model named with `-wrong`) always answers. */
export const WRONG_ANSWER = 'wrong: 42';

/** The name of the JSON schema (`response_format.json_schema.name`) the gateway's classifier asks for. */
export const CLASSIFICATION_SCHEMA_NAME = 'switchyard_classification';
/** A system prompt containing this marker also asks for a classification. */
export const CLASSIFICATION_MARKER = '[switchyard:classify]';

export function personaOf(model: string): Persona {
  const parts = model.toLowerCase().split('-');
  if (parts.includes('reasoner')) return 'reasoner';
  if (parts.includes('wrong')) return 'wrong';
  if (parts.includes('looper')) return 'looper';
  return null;
}

/**
 * The numbers of the web sources a system message lists (lines starting `[n] `, the gateway's web
 * search): a reply cites each of them once, at its end, as ` [1] [2]`.
 */
export function listedSources(body: Record<string, unknown>): number[] {
  const messages = Array.isArray(body.messages)
    ? (body.messages as { role?: unknown; content?: unknown }[])
    : [];
  const found = new Set<number>();
  for (const m of messages) {
    if ((m.role !== 'system' && m.role !== 'developer') || typeof m.content !== 'string') continue;
    for (const match of m.content.matchAll(/^\[(\d{1,3})\] /gm)) found.add(Number(match[1]));
  }
  return [...found].sort((a, b) => a - b);
}

/** The reasoning a `reasoner` persona shows before its answer: deterministic from the last user text. */
export function reasoningFor(conv: Conversation): string {
  return `thinking: the user asks "${conv.lastUserText}"; the answer follows.`;
}

/** Whether an OpenAI chat request asks for the gateway classifier's JSON. */
export function wantsClassification(body: Record<string, unknown>): boolean {
  const format = body.response_format as { type?: unknown; json_schema?: { name?: unknown } } | undefined;
  if (format?.type === 'json_schema' && format.json_schema?.name === CLASSIFICATION_SCHEMA_NAME) return true;
  const messages = Array.isArray(body.messages)
    ? (body.messages as { role?: unknown; content?: unknown }[])
    : [];
  return messages.some(
    (m) =>
      (m.role === 'system' || m.role === 'developer') &&
      typeof m.content === 'string' &&
      m.content.includes(CLASSIFICATION_MARKER),
  );
}

const has = (text: string, words: readonly string[]) => words.some((w) => text.includes(w));

/**
 * A classification derived from the last user text by a few fixed keyword tests (deliberately
 * not the gateway's rules, so a test can tell which classifier answered). The intent: the first
 * match of image, speech, code, math, extraction, creative, analysis; else chat. Complexity by
 * word count (up to 8: simple, up to 40: moderate). A text containing `[[intent:<name>]]` gets that
 * intent exactly.
 */
export function classificationFor(conv: Conversation): Record<string, unknown> {
  const text = conv.lastUserText.toLowerCase();
  const forced = /\[\[intent:([a-z_]+)\]\]/.exec(text)?.[1];
  const intent =
    forced ??
    (has(text, ['draw', 'picture', 'image of'])
      ? 'image_generation'
      : has(text, ['aloud', 'narrate'])
        ? 'speech'
        : has(text, ['code', 'function', 'python', 'bug'])
          ? 'code'
          : has(text, ['solve', 'equation', 'integral', 'prove'])
            ? 'math'
            : has(text, ['extract', 'json'])
              ? 'extraction'
              : has(text, ['poem', 'story', 'haiku'])
                ? 'creative'
                : has(text, ['analy', 'compare'])
                  ? 'analysis'
                  : 'chat');
  const words = text.split(/\s+/).filter(Boolean).length;
  const outputs = ['text'];
  if (has(text, ['draw', 'picture', 'diagram', 'image of'])) outputs.push('image');
  if (has(text, ['aloud', 'narrate'])) outputs.push('audio');
  return {
    intent,
    complexity: words <= 8 ? 'simple' : words <= 40 ? 'moderate' : 'complex',
    needs_web: has(text, ['latest', 'today', 'news']),
    outputs,
  };
}
