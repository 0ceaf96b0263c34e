import { handleCountTokens, handleMessages } from './anthropic.handler.js';
import type { Handler } from './exchange.types.js';
import { COHERE_POST } from './cohere.handler.js';
import { handleGemini, type GeminiTask } from './gemini.handler.js';
import { handleGigaChatCompletions, handleGigaChatModels, handleGigaChatToken } from './gigachat.handler.js';
import { handleSpeech, handleTranscription } from './openai-audio.handler.js';
import { handleChatCompletions } from './openai-chat.handler.js';
import { handleCompletions } from './openai-completions.handler.js';
import { handleResponses } from './openai-responses.handler.js';
import { handleEmbeddings } from './openai-embeddings.handler.js';
import { IMAGE_PATH_PREFIX, handleImageFile, handleImageGeneration } from './openai-images.handler.js';
import { handleGetModel, handleListModels } from './openai-models.handler.js';
import { handleSearch } from './search.handler.js';
import type { WireFormat } from './simulator.types.js';

/** Where a request goes and how the pipeline treats it. */
export interface Route {
  format: Exclude<WireFormat, 'control'>;
  handle: Handler;
  /** Provider endpoints check keys, apply faults and are recorded; self-served assets are not. */
  provider: boolean;
  /** The model named in the path (Gemini), which wins over any body field. */
  pathModel?: string;
  /** Gemini generate and GigaChat chat calls answer a content_filter fault with a 200, not an error. */
  answersContentFilter?: boolean;
  /** Needs no API key (web search, like a self-hosted SearXNG); still recorded, faults apply. */
  keyless?: boolean;
}

const OPENAI_POST: Record<string, Handler> = {
  '/v1/chat/completions': handleChatCompletions,
  '/v1/completions': handleCompletions,
  '/v1/responses': handleResponses,
  '/v1/embeddings': handleEmbeddings,
  '/v1/images/generations': handleImageGeneration,
  '/v1/audio/speech': handleSpeech,
  '/v1/audio/transcriptions': handleTranscription,
  '/v1/audio/translations': handleTranscription,
};

const GEMINI_TASKS = new Set<string>([
  'generateContent',
  'streamGenerateContent',
  'embedContent',
  'batchEmbedContents',
  'countTokens',
]);
const GEMINI_PATH = /^\/(?:v1beta|v1|v1alpha)\/(?:models|tunedModels)\/([^/:]+):([A-Za-z]+)$/;

/** Finds the route for a request, or null (answered 404). */
export function matchRoute(method: string, path: string): Route | null {
  if (method === 'POST') {
    const openai = OPENAI_POST[path];
    if (openai) return { format: 'openai', handle: openai, provider: true };
    const cohere = COHERE_POST[path as keyof typeof COHERE_POST];
    if (cohere) return { format: 'cohere', handle: cohere, provider: true };
    if (path === '/api/v2/oauth') return { format: 'gigachat', handle: handleGigaChatToken, provider: true };
    if (path === '/api/v1/chat/completions') {
      return {
        format: 'gigachat',
        handle: handleGigaChatCompletions,
        provider: true,
        answersContentFilter: true,
      };
    }
    if (path === '/v1/messages') return { format: 'anthropic', handle: handleMessages, provider: true };
    if (path === '/v1/messages/count_tokens')
      return { format: 'anthropic', handle: handleCountTokens, provider: true };
    const gemini = GEMINI_PATH.exec(path);
    const [, model, name] = gemini ?? [];
    if (model !== undefined && name !== undefined && GEMINI_TASKS.has(name)) {
      const task = name as GeminiTask;
      return {
        format: 'gemini',
        handle: (ex) => handleGemini(ex, task),
        provider: true,
        pathModel: decodeURIComponent(model),
        answersContentFilter: task === 'generateContent' || task === 'streamGenerateContent',
      };
    }
    return null;
  }
  if (method === 'GET') {
    if (path === '/v1/models') return { format: 'openai', handle: handleListModels, provider: true };
    if (path === '/api/v1/models')
      return { format: 'gigachat', handle: handleGigaChatModels, provider: true };
    if (path.startsWith('/v1/models/') && !path.includes(':')) {
      return { format: 'openai', handle: handleGetModel, provider: true };
    }
    if (path === '/search') return { format: 'openai', handle: handleSearch, provider: true, keyless: true };
    if (path.startsWith(IMAGE_PATH_PREFIX))
      return { format: 'openai', handle: handleImageFile, provider: false };
  }
  return null;
}

/** The dialect of a request we have no route for, guessed from its credentials, for the 404 body. */
export function guessFormat(
  path: string,
  headers: Record<string, string | string[] | undefined>,
): Exclude<WireFormat, 'control'> {
  if (headers['x-goog-api-key'] !== undefined || path.startsWith('/v1beta/')) return 'gemini';
  if (headers['x-api-key'] !== undefined || headers['anthropic-version'] !== undefined) return 'anthropic';
  return 'openai';
}
