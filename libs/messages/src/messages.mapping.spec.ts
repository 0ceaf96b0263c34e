import { describe, expect, it } from '@jest/globals';
import { InvalidRequestError } from '@switchyard/core';
import { callerPath, toInternalRequest } from './messages.request.js';
import { toMessage } from './messages.response.js';

const base = { model: 'm', max_tokens: 4096 };

describe('toInternalRequest', () => {
  it('maps system blocks, content blocks, tools and sampling onto the internal request', () => {
    const { request: sut } = toInternalRequest({
      ...base,
      system: [{ type: 'text', text: 'Be terse.', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA' } },
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' },
              title: 'a.pdf',
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'text', text: 'calling' },
            { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'ok', is_error: true },
            { type: 'text', text: 'go on' },
          ],
        },
      ],
      tools: [{ name: 'f', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      temperature: 0.5,
      top_k: 5,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      metadata: { user_id: 'u1' },
      stream: true,
    });
    expect(sut).toEqual({
      model: 'm',
      max_tokens: 4096,
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'Be terse.', cache_control: { type: 'ephemeral' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
          ],
        },
        {
          role: 'assistant',
          content: 'calling',
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }],
          reasoning_content: 'hmm',
        },
        { role: 'tool', tool_call_id: 't1', content: 'ok', is_error: true },
        { role: 'user', content: [{ type: 'text', text: 'go on' }] },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'f', parameters: { type: 'object' } },
          cache_control: { type: 'ephemeral' },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
      stop: ['END'],
      temperature: 0.5,
      top_k: 5,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      user: 'u1',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('refuses a thinking budget that leaves no room, and a forced tool that is not offered', () => {
    expect(() =>
      toInternalRequest({
        ...base,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'x' }],
      } as never),
    ).not.toThrow();
    expect(() =>
      toInternalRequest({
        ...base,
        max_tokens: 1024,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'x' }],
      } as never),
    ).toThrow(InvalidRequestError);
    expect(() =>
      toInternalRequest({
        ...base,
        tool_choice: { type: 'tool', name: 'nope' },
        messages: [{ role: 'user', content: 'x' }],
      } as never),
    ).toThrow(/nope/);
  });

  it('names the caller’s field for an internal path', () => {
    const { origins } = toInternalRequest({
      ...base,
      system: 'sys',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't', content: 'r' },
            { type: 'text', text: 'b' },
            { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
          ],
        },
      ],
    });
    // Internal: system, user, assistant, tool, user(text, image).
    expect(callerPath('messages[4].content[1].image_url', origins)).toBe('messages[2].content[2].image_url');
    expect(callerPath('messages[3]', origins)).toBe('messages[2].content[0]');
    expect(callerPath('messages[0]', origins)).toBe('system');
  });
});

describe('toMessage', () => {
  it('presents a completion as an Anthropic message: thinking, text, tool_use, stop reason, usage', () => {
    const sut = toMessage({
      id: 'chatcmpl-msg_1',
      model: 'p/m',
      choices: [
        {
          finish_reason: 'tool_calls',
          message: {
            content: 'hi',
            reasoning_content: 'hmm',
            thinking_blocks: [
              { type: 'thinking', thinking: 'hmm', signature: 's' },
              { type: 'redacted_thinking', data: 'd' },
            ],
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":2}' } }],
          },
        },
      ],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 7,
        prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 30 },
      },
    });
    expect(sut).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'p/m',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 's' },
        { type: 'redacted_thinking', data: 'd' },
        { type: 'text', text: 'hi', citations: null },
        { type: 'tool_use', id: 'c1', name: 'f', input: { x: 2 } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 10,
        output_tokens: 7,
        cache_creation_input_tokens: 30,
        cache_read_input_tokens: 60,
      },
    });
  });

  it.each([
    ['stop', undefined, 'end_turn', null],
    ['stop', 'END', 'stop_sequence', 'END'],
    ['length', undefined, 'max_tokens', null],
    ['content_filter', undefined, 'refusal', null],
  ])('finish %s (stop sequence %s) -> %s', (finish, stop, reason, sequence) => {
    const sut = toMessage({
      id: 'x',
      model: 'm',
      choices: [{ finish_reason: finish, stop_sequence: stop, message: { content: 'a' } }],
    });
    expect({ reason: sut.stop_reason, sequence: sut.stop_sequence }).toEqual({ reason, sequence });
    expect(sut.id).toBe('msg_x');
  });
});
