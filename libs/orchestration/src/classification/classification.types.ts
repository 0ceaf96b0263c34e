/** What a request asks for, by the classifier's reading. */
export const INTENTS = [
  'chat',
  'code',
  'math',
  'creative',
  'analysis',
  'extraction',
  'vision',
  'image_generation',
  'speech',
] as const;
export type Intent = (typeof INTENTS)[number];

/** How hard it looks: the policy's tier. */
export const COMPLEXITIES = ['simple', 'moderate', 'complex'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];

/** The kinds of output an answer may carry. */
export const OUTPUTS = ['text', 'image', 'audio'] as const;
export type Output = (typeof OUTPUTS)[number];

/** A classifier's verdict: plain data, printed as is by the explain endpoint. */
export interface Classification {
  intent: Intent;
  complexity: Complexity;
  /** Whether the answer needs facts fresher than a model's training (web search). */
  needs_web: boolean;
  /** What the answer should carry; always includes `text`. */
  outputs: Output[];
  /** Which classifier decided. */
  source: 'rules' | 'llm';
  /** Why (the rules' matched signals, or the LLM classifier's fallback reason). */
  signals: string[];
}

/** What a classifier reads of a chat request. */
export interface ClassifierInput {
  /** The text of the last user message (text parts joined). */
  text: string;
  /** Whether the conversation carries images (content parts). */
  hasImages: boolean;
  /** Whether the caller offered tools. */
  hasTools: boolean;
}
