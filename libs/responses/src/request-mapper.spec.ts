import { describe, expect, it } from '@jest/globals';
import { InvalidRequestError } from '@switchyard/core';
import { mapRequest, type ResponsesRequest } from './request-mapper.js';

const sut = (
  body: Partial<ResponsesRequest>,
  history: Array<{ role: string } & Record<string, unknown>> = [],
) => mapRequest({ model: 'm', input: 'hi', ...body }, history);

function paramOf(fn: () => unknown): string | null {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    return (err as InvalidRequestError).param;
  }
  throw new Error('expected a 400');
}

describe('mapRequest', () => {
  it('maps a string input, instructions and the sampling fields onto a chat body', () => {
    const { chat, inputItems, echo } = sut({
      instructions: 'Be brief.',
      max_output_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      user: 'u1',
      reasoning: { effort: 'low' },
    });
    expect(chat).toEqual({
      model: 'm',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      max_completion_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      user: 'u1',
      reasoning_effort: 'low',
    });
    expect(inputItems).toEqual([
      expect.objectContaining({
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'hi' }],
      }),
    ]);
    expect(echo.store).toBe(true);
  });

  it('puts the stored history after the instructions and before this input', () => {
    const { chat, turnMessages } = sut({ instructions: 'sys' }, [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
    ]);
    expect(chat.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'hi' },
    ]);
    expect(turnMessages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('folds reasoning, text and consecutive function calls into one assistant message', () => {
    const { chat } = sut({
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'q' },
            { type: 'input_image', image_url: 'https://x/i.png' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'thinking' }] },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call', call_id: 'c2', name: 'g', arguments: '{"a":1}' },
        { type: 'function_call_output', call_id: 'c1', output: 'one' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'two' }] },
      ],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
      tool_choice: { type: 'function', name: 'f' },
      parallel_tool_calls: false,
    });
    expect(chat.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'q' },
          { type: 'image_url', image_url: { url: 'https://x/i.png' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'thinking',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } },
          { id: 'c2', type: 'function', function: { name: 'g', arguments: '{"a":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'one' },
      { role: 'tool', tool_call_id: 'c2', content: 'two' },
    ]);
    expect(chat.tools).toEqual([
      { type: 'function', function: { name: 'f', parameters: { type: 'object' } } },
    ]);
    expect(chat.tool_choice).toEqual({ type: 'function', function: { name: 'f' } });
    expect(chat.parallel_tool_calls).toBe(false);
  });

  it('maps text.format and asks a stream for usage', () => {
    const schema = { type: 'object' };
    expect(
      sut({ text: { format: { type: 'json_schema', name: 'r', schema, strict: true } } }).chat
        .response_format,
    ).toEqual({
      type: 'json_schema',
      json_schema: { name: 'r', schema, strict: true },
    });
    expect(sut({ text: { format: { type: 'json_object' } } }).chat.response_format).toEqual({
      type: 'json_object',
    });
    expect(sut({ text: { format: { type: 'text' } } }).chat.response_format).toBeUndefined();
    expect(sut({ stream: true }).chat).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it.each([
    [{ tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    [{ tools: [{ type: 'code_interpreter' }] }, 'tools[0].type'],
    [{ background: true }, 'background'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ truncation: 'auto' }, 'truncation'],
    [{ include: ['message.output_text.logprobs'] }, 'include[0]'],
    [{ input: [{ type: 'computer_call' }] }, 'input[0].type'],
    [
      { input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'https://x' }] }] },
      'input[0].content[0].type',
    ],
    [
      { input: [{ role: 'user', content: [{ type: 'input_file', file_data: 'xx' }] }] },
      'input[0].content[0].file_data',
    ],
    [{ input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id'],
    [{ tool_choice: { type: 'web_search_preview' } }, 'tool_choice.type'],
  ] as Array<[Partial<ResponsesRequest>, string]>)('refuses %j naming %s', (body, param) => {
    expect(paramOf(() => sut(body))).toBe(param);
  });
});
