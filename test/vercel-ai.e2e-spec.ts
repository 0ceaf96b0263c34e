import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { embed, generateText, jsonSchema, streamText, tool } from 'ai';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

/** The Vercel AI SDK, unchanged, against Switchyard (simulated upstreams of all three formats). */
describe('the Vercel AI SDK', () => {
  let t: LlmGateway;
  let provider: ReturnType<typeof createOpenAICompatible>;
  beforeAll(async () => {
    t = await startLlmGateway();
    provider = createOpenAICompatible({
      name: 'switchyard',
      baseURL: `${t.gw.url}/v1`,
      apiKey: t.key,
      includeUsage: true,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe.each(['simulator/sim-gpt', 'simulator-gemini/sim-gemini', 'simulator-anthropic/sim-claude'])(
    '%s',
    (model) => {
      it('generates text with usage', async () => {
        const result = await generateText({
          model: provider(model),
          prompt: 'Hello from the AI SDK',
          maxRetries: 0,
        });
        expect(result.text).toBe('echo: Hello from the AI SDK');
        expect(result.finishReason).toBe('stop');
        expect(result.usage.inputTokens).toBeGreaterThan(0);
        expect(result.usage.outputTokens).toBeGreaterThan(0);
      });

      it('streams text', async () => {
        const result = streamText({ model: provider(model), prompt: 'stream me please', maxRetries: 0 });
        const parts: string[] = [];
        for await (const part of result.textStream) parts.push(part);
        expect(parts.join('')).toBe('echo: stream me please');
        expect(parts.length).toBeGreaterThan(1);
        expect((await result.usage).outputTokens).toBeGreaterThan(0);
      });

      it('calls a tool', async () => {
        const result = await generateText({
          model: provider(model),
          prompt: 'Weather in Oslo?',
          maxRetries: 0,
          tools: {
            get_weather: tool({
              description: 'Weather for a city',
              inputSchema: jsonSchema<{ city: string }>({
                type: 'object',
                properties: { city: { type: 'string' } },
                required: ['city'],
              }),
            }),
          },
        });
        expect(result.toolCalls).toHaveLength(1);
        expect(result.toolCalls[0]!.toolName).toBe('get_weather');
        expect(result.toolCalls[0]!.input).toEqual({ city: 'sim' });
      });
    },
  );

  it('embeds', async () => {
    const { embedding, usage } = await embed({
      model: provider.textEmbeddingModel('sim-embed'),
      value: 'vector me',
      maxRetries: 0,
    });
    expect(embedding).toHaveLength(1536);
    expect(usage.tokens).toBeGreaterThan(0);
  });
});
