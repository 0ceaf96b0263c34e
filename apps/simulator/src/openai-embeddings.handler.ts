import type { Exchange } from './exchange.types.js';
import { badRequest } from './bad-request.util.js';
import { DEFAULT_OPENAI_DIMENSIONS, MAX_DIMENSIONS, embedText, float32Base64 } from './embedding.util.js';
import { sendResult } from './http.util.js';
import { asNumber, asRecord } from './json.util.js';
import { countTokens } from './tokens.util.js';

interface EmbeddingInput {
  /** What the vector is derived from: the text, or the JSON of a token-id list. */
  key: string;
  tokens: number;
}

function inputs(raw: unknown): EmbeddingInput[] | null {
  const ofTokens = (ids: unknown[]): EmbeddingInput | null =>
    ids.every((t) => typeof t === 'number') ? { key: JSON.stringify(ids), tokens: ids.length } : null;
  if (typeof raw === 'string') return [{ key: raw, tokens: countTokens(raw) }];
  if (!Array.isArray(raw) || raw.length === 0) return null;
  if (raw.every((t) => typeof t === 'number')) return [ofTokens(raw)!];
  const out: EmbeddingInput[] = [];
  for (const item of raw) {
    const parsed =
      typeof item === 'string'
        ? { key: item, tokens: countTokens(item) }
        : Array.isArray(item)
          ? ofTokens(item)
          : null;
    if (!parsed) return null;
    out.push(parsed);
  }
  return out;
}

/** POST /v1/embeddings */
export async function handleEmbeddings(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  if (typeof body.model !== 'string') return badRequest(ex, 'you must provide a model parameter', 'model');
  const list = inputs(body.input);
  if (!list)
    return badRequest(
      ex,
      "'input' must be a non-empty string, array of strings, or array of token ids.",
      'input',
    );
  const dimensions = Math.floor(asNumber(body.dimensions) ?? DEFAULT_OPENAI_DIMENSIONS);
  if (dimensions < 1 || dimensions > MAX_DIMENSIONS)
    return badRequest(ex, 'Invalid dimensions.', 'dimensions');
  const base64 = body.encoding_format === 'base64';
  const data = list.map((input, index) => {
    const vector = embedText(input.key, dimensions);
    return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : Array.from(vector) };
  });
  const tokens = list.reduce((sum, input) => sum + input.tokens, 0);
  sendResult(ex, {
    object: 'list',
    data,
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}
