import { tokenizerChunks } from '@switchyard/core';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import { badRequest } from '../shared/chat-request.util.js';
import { float32Base64 } from '../shared/float32.js';
import type { GeminiEmbedRequest } from './gemini.types.js';

/** The texts of an OpenAI embeddings input; Gemini embeds text only, so token arrays are refused. */
export function embeddingTexts(input: EmbeddingCreateParams['input'], provider: string): string[] {
  if (typeof input === 'string') return [input];
  if (input.length === 0) throw badRequest(provider, "'input' must not be empty.", 'input');
  if (input.every((item): item is string => typeof item === 'string')) return input;
  throw badRequest(provider, 'Gemini embeds text only: send strings, not token ids.', 'input');
}

/** One embedContent request per text, in the shape batchEmbedContents takes too. */
export function embedRequests(
  texts: readonly string[],
  model: string,
  dimensions?: number,
): GeminiEmbedRequest[] {
  return texts.map((text) => ({
    model: `models/${model}`,
    content: { parts: [{ text }] },
    ...(dimensions !== undefined ? { outputDimensionality: dimensions } : {}),
  }));
}

/**
 * Gemini vectors as OpenAI's list. Gemini reports no token usage for embeddings, so usage is
 * counted locally with the o200k tokenizer (an estimate, documented as such).
 */
export async function toEmbeddingResponse(
  vectors: ReadonlyArray<readonly number[]>,
  texts: readonly string[],
  model: string,
  encoding: EmbeddingCreateParams['encoding_format'],
): Promise<CreateEmbeddingResponse> {
  // Loaded on the first Gemini embedding (the tokenizer's tables are ~20 MB of heap).
  const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base');
  // Input text counted as text ("<|endoftext|>" in it is not a special token), in pieces (one
  // long unbroken word would take the tokenizer quadratic time).
  const asText = { disallowedSpecial: new Set<string>() };
  let tokens = 0;
  for (const text of texts) for (const chunk of tokenizerChunks(text)) tokens += countTokens(chunk, asText);
  return {
    object: 'list',
    data: vectors.map((values, index) => ({
      object: 'embedding',
      index,
      // The SDK types say number[]; on the wire OpenAI sends a base64 string when asked.
      embedding: (encoding === 'base64' ? float32Base64(values) : [...values]) as number[],
    })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
