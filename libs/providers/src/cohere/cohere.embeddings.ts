import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import { badRequest } from '../shared/chat-request.util.js';
import { float32Base64 } from '../shared/float32.js';
import type { CohereEmbedResponse } from './cohere.types.js';

/** Cohere embeds at most this many texts per `/v2/embed` call. */
export const COHERE_EMBED_BATCH = 96;

const INPUT_TYPES = new Set(['search_document', 'search_query', 'classification', 'clustering']);

/** The texts of an OpenAI embeddings input; Cohere embeds text, so token arrays are refused. */
export function cohereEmbeddingTexts(input: EmbeddingCreateParams['input'], provider: string): string[] {
  if (typeof input === 'string') return [input];
  if (input.length === 0) throw badRequest(provider, "'input' must not be empty.", 'input');
  if (input.every((item): item is string => typeof item === 'string')) return input;
  throw badRequest(provider, 'Cohere embeds text only: send strings, not token ids.', 'input');
}

/**
 * Cohere's required `input_type`: the caller's own (an extra body field, Cohere's name) when it
 * is one of Cohere's, else `search_document` (what stored texts are embedded as).
 */
export function inputTypeOf(body: EmbeddingCreateParams, provider: string): string {
  const given = (body as { input_type?: unknown }).input_type;
  if (given === undefined) return 'search_document';
  if (typeof given === 'string' && INPUT_TYPES.has(given)) return given;
  throw badRequest(provider, `input_type must be one of ${[...INPUT_TYPES].join(', ')}.`, 'input_type');
}

/** The `/v2/embed` bodies for the texts, in batches Cohere accepts. */
export function cohereEmbedRequests(
  texts: readonly string[],
  model: string,
  inputType: string,
  dimensions?: number,
): Array<Record<string, unknown>> {
  const requests: Array<Record<string, unknown>> = [];
  for (let at = 0; at < texts.length; at += COHERE_EMBED_BATCH) {
    requests.push({
      model,
      texts: texts.slice(at, at + COHERE_EMBED_BATCH),
      input_type: inputType,
      embedding_types: ['float'],
      ...(dimensions !== undefined ? { output_dimension: dimensions } : {}),
    });
  }
  return requests;
}

/** Cohere's answers (one per batch, in order) as OpenAI's list; usage is Cohere's billed input tokens. */
export function toCohereEmbeddingResponse(
  answers: readonly CohereEmbedResponse[],
  count: number,
  model: string,
  encoding: EmbeddingCreateParams['encoding_format'],
): CreateEmbeddingResponse {
  const vectors = answers.flatMap((a) => a.embeddings?.float ?? []);
  if (vectors.length !== count || vectors.some((v) => !Array.isArray(v) || v.length === 0)) {
    throw new SyntaxError('embedding response does not match the request');
  }
  let tokens = 0;
  for (const a of answers) tokens += a.meta?.billed_units?.input_tokens ?? a.meta?.tokens?.input_tokens ?? 0;
  return {
    object: 'list',
    data: vectors.map((values, index) => ({
      object: 'embedding',
      index,
      // The SDK types say number[]; on the wire OpenAI sends a base64 string when asked.
      embedding: (encoding === 'base64' ? float32Base64(values) : values) as number[],
    })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
