import type { Exchange } from './exchange.types.js';
import { sendJson, sendResult } from './http.util.js';
import { providerError } from './provider-error.factory.js';

/** The models `GET /v1/models` lists; POST endpoints accept any model name regardless. */
export const SIMULATOR_MODELS = [
  'sim-gpt',
  'sim-gpt-mini',
  'sim-embed',
  'sim-image',
  'sim-tts',
  'sim-whisper',
  'sim-gemini',
  'sim-claude',
] as const;

// A fixed date keeps the listing byte-for-byte stable across runs.
const MODELS_CREATED = 1_735_689_600;

function modelObject(id: string): Record<string, unknown> {
  return { id, object: 'model', created: MODELS_CREATED, owned_by: 'switchyard-simulator' };
}

/** GET /v1/models */
export async function handleListModels(ex: Exchange): Promise<void> {
  sendResult(ex, { object: 'list', data: SIMULATOR_MODELS.map(modelObject) });
}

/** GET /v1/models/{id} */
export async function handleGetModel(ex: Exchange): Promise<void> {
  const id = decodeURIComponent(ex.path.slice('/v1/models/'.length));
  if (!(SIMULATOR_MODELS as readonly string[]).includes(id)) {
    const error = providerError('openai', 404, { model: id });
    return sendJson(ex.res, error.status, error.body);
  }
  sendResult(ex, modelObject(id));
}
