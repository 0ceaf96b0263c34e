import type { ThinkingBlock } from '@switchyard/providers';

/**
 * A reasoning item's `encrypted_content`, when the caller asks for it (`include:
 * ['reasoning.encrypted_content']`) to replay reasoning without storing responses: the reasoning
 * text and Anthropic's signed thinking blocks, so a stateless next turn sends them back unchanged.
 * It is encoded, not encrypted: Anthropic signs its blocks and refuses altered ones.
 */
const PREFIX = 'sy1.';

export interface CarriedReasoning {
  reasoning?: string;
  thinkingBlocks?: ThinkingBlock[];
}

export function encodeReasoning(reasoning: string | undefined, blocks: ThinkingBlock[] | undefined): string {
  return PREFIX + Buffer.from(JSON.stringify({ r: reasoning, b: blocks })).toString('base64url');
}

/** The carried reasoning, or undefined for content Switchyard did not write. */
export function decodeReasoning(value: string): CarriedReasoning | undefined {
  if (!value.startsWith(PREFIX)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value.slice(PREFIX.length), 'base64url').toString('utf8')) as {
      r?: unknown;
      b?: unknown;
    };
    return {
      reasoning: typeof parsed.r === 'string' ? parsed.r : undefined,
      thinkingBlocks: Array.isArray(parsed.b) ? (parsed.b as ThinkingBlock[]) : undefined,
    };
  } catch {
    return undefined;
  }
}
