import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

describe('/v1/responses on the embedded database (PGlite)', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({ database: 'pglite' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates, retrieves and continues by previous_response_id', async () => {
    const first = await t.client.responses.create({ model: 'sim-claude', input: 'alpha' });
    expect((await t.client.responses.retrieve(first.id)).output_text).toBe('echo: alpha');
    const second = await t.client.responses
      .stream({ model: 'sim-gemini', input: 'beta', previous_response_id: first.id })
      .finalResponse();
    expect(second.output_text).toBe('echo: beta');
    const third = await t.client.responses.create({
      model: 'sim-gpt',
      input: 'gamma',
      previous_response_id: second.id,
    });
    expect(third.output_text).toBe('echo: gamma');
    expect(third.usage!.input_tokens).toBeGreaterThan(second.usage!.input_tokens);
  });
});
