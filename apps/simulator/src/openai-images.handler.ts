import { createHash } from 'node:crypto';
import type { Exchange } from './exchange.types.js';
import { badRequest } from './bad-request.util.js';
import { sendJson, sendResult } from './http.util.js';
import { asNumber, asRecord, asString } from './json.util.js';
import { encodeGradientPng } from './png.encoder.js';
import { providerError } from './provider-error.factory.js';

/** Rendering stays cheap: the requested size is scaled down to fit this box, keeping its aspect. */
const MAX_RENDER_SIDE = 256;
const MAX_IMAGES = 10;
export const IMAGE_PATH_PREFIX = '/v1/files-sim/images/';
/** A prompt containing this fails with a 500 (the other calls of the request are unaffected). */
export const IMAGE_FAULT_MARKER = '[sim-image-fail]';

function parseSize(size: string | null): [number, number] | null {
  if (size === null || size === 'auto') return [1024, 1024];
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(size);
  if (!match) return null;
  const [w, h] = [Number(match[1]), Number(match[2])];
  return w > 0 && h > 0 ? [w, h] : null;
}

/** The prompt's PNG: a gradient between two colours taken from sha256(prompt). */
export function renderPromptImage(prompt: string, width: number, height: number): Buffer {
  const scale = Math.min(1, MAX_RENDER_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const hash = createHash('sha256').update(prompt).digest();
  const [r1 = 0, g1 = 0, b1 = 0, r2 = 0, g2 = 0, b2 = 0] = hash;
  return encodeGradientPng(w, h, [r1, g1, b1], [r2, g2, b2]);
}

/** POST /v1/images/generations */
export async function handleImageGeneration(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  const prompt = asString(body.prompt);
  if (prompt === null || prompt === '')
    return badRequest(ex, "Missing required parameter: 'prompt'.", 'prompt');
  // A test's way to fail the image step of an orchestrated answer alone: a marker in the prompt.
  if (prompt.includes(IMAGE_FAULT_MARKER)) {
    const error = providerError('openai', 500, { message: 'The image model failed (simulated).' });
    return sendJson(ex.res, error.status, error.body);
  }
  const size = parseSize(asString(body.size));
  if (!size)
    return badRequest(ex, `Invalid value: '${String(body.size)}'. Expected a size like '1024x1024'.`, 'size');
  const n = Math.floor(asNumber(body.n) ?? 1);
  if (n < 1 || n > MAX_IMAGES)
    return badRequest(ex, `Invalid 'n': must be between 1 and ${MAX_IMAGES}.`, 'n');
  const asUrl = body.response_format === 'url';
  const png = renderPromptImage(prompt, size[0], size[1]);
  const data = Array.from({ length: n }, (_, i) => {
    if (!asUrl) return { b64_json: png.toString('base64'), revised_prompt: prompt };
    const id = `img-sim-${ex.seq}-${i}`;
    ex.images.put(id, png);
    return { url: `${ex.baseUrl}${IMAGE_PATH_PREFIX}${id}.png`, revised_prompt: prompt };
  });
  sendResult(ex, { created: ex.createdSec, data });
}

/** GET /v1/files-sim/images/<id>.png: serves images generated with response_format url. */
export async function handleImageFile(ex: Exchange): Promise<void> {
  const id = ex.path.slice(IMAGE_PATH_PREFIX.length).replace(/\.png$/, '');
  const png = ex.images.get(id);
  if (!png) {
    const error = providerError('openai', 404, { message: `No image ${id}.` });
    return sendJson(ex.res, error.status, error.body);
  }
  ex.res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
  ex.res.end(png);
}
