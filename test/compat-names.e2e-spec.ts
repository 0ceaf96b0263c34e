import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * The model names and calls of ModelMixSuper and ModelRouter API (docs/compat.md): provider names
 * as models, `image`, retired OpenAI names, bare local model names, `HUGGINGFACE_API_TOKEN`, a
 * single content part given as an object, and `/config/model(s)`. OpenAI, Anthropic, Gemini and
 * Ollama are the simulator, configured the way an operator configures the real ones.
 */
describe('compat: model names and model configuration', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({
      simEnv: (sim) => ({
        OPENAI_API_KEY: 'sk-sim-openai',
        OPENAI_BASE_URL: `${sim}/v1`,
        ANTHROPIC_API_KEY: 'sk-ant-sim',
        ANTHROPIC_BASE_URL: sim,
        GEMINI_API_KEY: 'sim-gemini-key',
        GEMINI_BASE_URL: `${sim}/v1beta`,
        OLLAMA_BASE_URL: `${sim}/v1`,
        HUGGINGFACE_API_TOKEN: 'hf_simulated_token_0123456789',
        // xAI has a URL but no key: only a caller's own key reaches it.
        XAI_BASE_URL: `${sim}/v1`,
      }),
    });
  });
  afterAll(async () => {
    await t?.close();
  });
  const auth = () => ({ authorization: `Bearer ${t.key}` });
  const chat = (body: Record<string, unknown>) =>
    request(t.gw.url)
      .post('/v1/chat/completions')
      .set(auth())
      .send({ max_tokens: 32, messages: [{ role: 'user', content: 'Say hi' }], ...body });

  it.each([
    ['openai', 'openai/gpt-4o-mini'],
    ['anthropic', 'anthropic/claude-sonnet-4-5-20250929'],
    ['gemini', 'gemini/gemini-2.5-flash'],
  ])('model "%s" is the provider\'s default chat model (%s)', async (name, id) => {
    const res = await chat({ model: name });
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-model']).toBe(id);
    expect(res.body.model).toBe(id);
    expect(res.body.choices[0].message.content).toEqual(expect.any(String));
    expect(Number(res.headers['x-switchyard-cost'])).toBeGreaterThan(0);
  });

  it('model "image" is a vision model, and one image part given as an object is accepted', async () => {
    const res = await chat({
      model: 'image',
      messages: [{ role: 'user', content: { type: 'image_url', image_url: { url: PNG } } }],
    });
    expect(res.status).toBe(200);
    // The first available provider's default model that reads images (catalog order).
    expect(res.headers['x-switchyard-model']).toBe('anthropic/claude-sonnet-4-5-20250929');
    const text = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set(auth())
      .send({ model: 'openai', messages: [{ role: 'user', content: { type: 'text', text: 'Hi' } }] });
    expect(text.status).toBe(200);
    // Anything else as content is still judged by the chat validation.
    const bad = await chat({ model: 'openai', messages: [{ role: 'user', content: { text: 'no type' } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toMatch(/^messages\[0\]\.content/);
  });

  it('retired OpenAI names resolve to current models, as /v1/models states', async () => {
    const res = await chat({ model: 'gpt-3.5-turbo' });
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-model']).toBe('openai/gpt-4o-mini');
    const one = await request(t.gw.url).get('/v1/models/gpt-3.5-turbo').set(auth()).expect(200);
    expect(one.body.id).toBe('openai/gpt-4o-mini');
    const list = await request(t.gw.url).get('/v1/models').set(auth()).expect(200);
    const mini = list.body.data.find((m: { id: string }) => m.id === 'openai/gpt-4o-mini');
    expect(mini.aliases).toContain('gpt-3.5-turbo');
    const embedding = await request(t.gw.url)
      .post('/v1/embeddings')
      .set(auth())
      .send({ model: 'text-embedding-ada-002', input: 'hello' });
    expect(embedding.status).toBe(200);
    expect(embedding.body.model).toBe('openai/text-embedding-ada-002');
  });

  it('a bare name no catalog lists goes to the default local provider (Ollama)', async () => {
    for (const name of ['llama2', 'mistral']) {
      const res = await chat({ model: name });
      expect(res.status).toBe(200);
      expect(res.headers['x-switchyard-provider']).toBe('ollama');
      expect(res.headers['x-switchyard-model']).toBe(`ollama/${name}`);
    }
  });

  it('HUGGINGFACE_API_TOKEN is the Hugging Face key', async () => {
    const list = await request(t.gw.url).get('/v1/models').set(auth()).expect(200);
    expect(list.body.data.some((m: { owned_by: string }) => m.owned_by === 'huggingface')).toBe(true);
  });

  it("per-provider key headers (Hyper AI Gateway's X-xAI-API-Key...) serve only their provider", async () => {
    const none = await chat({ model: 'xai/grok-4' });
    expect(none.status).toBe(404);
    // Another provider's header does not make xAI available.
    const wrong = await chat({ model: 'xai/grok-4' }).set('x-openai-api-key', 'sk-caller-openai-key');
    expect(wrong.status).toBe(404);
    const own = await chat({ model: 'xai/grok-4' }).set('x-xai-api-key', 'xai-caller-key-0123456789');
    expect(own.status).toBe(200);
    expect(own.headers['x-switchyard-provider']).toBe('xai');
    // The bare provider name works with it too, and X-Provider-Key keeps serving any provider.
    const bare = await chat({ model: 'xai' }).set('x-xai-api-key', 'xai-caller-key-0123456789');
    expect(bare.headers['x-switchyard-model']).toBe('xai/grok-4');
    const generic = await chat({ model: 'xai/grok-4' }).set('x-provider-key', 'xai-caller-key-0123456789');
    expect(generic.status).toBe(200);
  });

  it("POST /config/model stores a key in the caller's pool (JSON or multipart); GET /config/models lists models", async () => {
    const json = await request(t.gw.url)
      .post('/config/model')
      .set(auth())
      .send({ model_name: 'mistral-large-latest', api_key: 'mistral-key-0123456789abcdef' });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ status: 'success', provider: 'mistral', key: { provider: 'mistral' } });
    expect(JSON.stringify(json.body)).not.toContain('0123456789abcdef');
    const form = await request(t.gw.url)
      .post('/config/model')
      .set(auth())
      .field('model_name', 'deepseek')
      .field('api_key', 'sk-deepseek-0123456789abcdef');
    expect(form.status).toBe(200);
    expect(form.body.provider).toBe('deepseek');
    // The member's own pool: the canonical API shows both.
    const keys = await request(t.gw.url)
      .get('/api/v1/provider-keys')
      .auth(t.member.token, { type: 'bearer' })
      .expect(200);
    const providers = keys.body.data.map((k: { provider: string }) => k.provider);
    expect(providers).toEqual(expect.arrayContaining(['mistral', 'deepseek']));
    // Now the member can call Mistral's models, and /config/models says so.
    const models = await request(t.gw.url).get('/config/models').set(auth()).expect(200);
    expect(models.body.object).toBe('list');
    expect(models.body.data.map((m: { id: string }) => m.id)).toContain('mistral/mistral-large-latest');
  });

  it('POST /config/model refuses like /api/v1/provider-keys, naming its own fields', async () => {
    const unknown = await request(t.gw.url)
      .post('/config/model')
      .set(auth())
      .send({ model_name: 'no-such-provider-or-model', api_key: 'k-0123456789' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ param: 'model_name', code: 'unknown_provider' });
    const badKey = await request(t.gw.url)
      .post('/config/model')
      .set(auth())
      .send({ model_name: 'openai', api_key: 'has spaces in it' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.param).toBe('api_key');
    // A member may not point a key at a URL (the same outbound rules as everywhere).
    const url = await request(t.gw.url)
      .post('/config/model')
      .set(auth())
      .send({ model_name: 'openai', api_key: 'sk-member-0123456789', base_url: 'http://169.254.169.254/' });
    expect(url.status).toBe(403);
    const missing = await request(t.gw.url).post('/config/model').set(auth()).send({ model_name: 'openai' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.param).toBe('api_key');
    // Wrong types and hostile nesting are a 400, never a 500 (a route-fuzz finding).
    const nested: unknown = JSON.parse('['.repeat(5000) + ']'.repeat(5000));
    const hostile = await request(t.gw.url)
      .post('/config/model?limit[x]=1e%2B21&limit&limit=0')
      .set(auth())
      .send({ model_name: 5e-324, api_key: nested });
    expect(hostile.status).toBe(400);
    const asAdmin = await request(t.gw.url)
      .post('/config/model?limit[x]=1e%2B21&limit&limit=0')
      .auth(t.adminToken, { type: 'bearer' })
      .send({ model_name: 5e-324, api_key: nested });
    expect(asAdmin.status).toBe(400);
    const none = await request(t.gw.url).get('/config/models');
    expect(none.status).toBe(401);
    expect(none.body.error.type).toBeDefined();
  });
});
