import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

const MODELS = [
  'simulator/sim-gpt',
  'simulator-gemini/sim-gemini',
  'simulator-anthropic/sim-claude',
] as const;
type Usage = OpenAI.Responses.ResponseUsage & { cost?: string };

describe('/v1/responses through the official openai SDK', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe.each(MODELS)('%s', (model) => {
    it('answers text with instructions, usage in the Responses shape, the answer headers, and stores it', async () => {
      const { data, response } = await t.client.responses
        .create({ model, instructions: 'Be brief.', input: 'Hello there' })
        .withResponse();
      expect(data.object).toBe('response');
      expect(data.id).toMatch(/^resp_/);
      expect(data.status).toBe('completed');
      expect(data.model).toBe(model);
      expect(data.instructions).toBe('Be brief.');
      expect(data.output_text).toBe('echo: Hello there');
      expect(data.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
      const usage = data.usage as Usage;
      expect(usage.input_tokens).toBeGreaterThan(0);
      expect(usage.output_tokens).toBeGreaterThan(0);
      expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
      expect(usage.input_tokens_details.cached_tokens).toBe(0);
      expect(usage.output_tokens_details.reasoning_tokens).toBe(0);
      expect(usage.cost).toMatch(/^\d+(\.\d+)?$/);
      expect(response.headers.get('x-switchyard-provider')).toBe(model.split('/')[0]);
      expect(response.headers.get('x-switchyard-model')).toBe(model);
      expect(response.headers.get('x-switchyard-cost')).toBe(usage.cost);
      const again = await t.client.responses.retrieve(data.id);
      expect(again.id).toBe(data.id);
      expect(again.output_text).toBe('echo: Hello there');
      expect((again.usage as Usage).cost).toBe(usage.cost);
    });

    it('streams the typed events in order with sequence numbers, and stores the result', async () => {
      const stream = t.client.responses.stream({ model, input: 'one two three four' });
      const events: OpenAI.Responses.ResponseStreamEvent[] = [];
      let text = '';
      stream.on('response.output_text.delta', (e) => (text += e.delta));
      for await (const event of stream) events.push(event);
      const final = await stream.finalResponse();
      expect(text).toBe('echo: one two three four');
      expect(final.output_text).toBe('echo: one two three four');
      expect(final.status).toBe('completed');
      const types = events.map((e) => e.type);
      expect(types.slice(0, 4)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
      ]);
      expect(types.slice(-4)).toEqual([
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      expect(types.filter((x) => x === 'response.output_text.delta').length).toBeGreaterThanOrEqual(5);
      const usage = final.usage as Usage;
      expect(usage.output_tokens).toBeGreaterThan(0);
      expect(usage.cost).toBeDefined();
      const stored = await t.client.responses.retrieve(final.id);
      expect(stored.output_text).toBe('echo: one two three four');
    });
  });
});
