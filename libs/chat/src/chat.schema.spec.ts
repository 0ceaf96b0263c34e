import { describe, expect, it } from '@jest/globals';
import { InvalidRequestError } from '@switchyard/core';
import { CHAT_SCHEMA } from './chat.schema.js';
import { compileValidator } from './request-validation.js';

const sut = compileValidator(CHAT_SCHEMA);

function refusal(body: unknown): InvalidRequestError {
  try {
    sut(body);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error('accepted');
}

const call = { id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } };
const chat = (...messages: unknown[]) => ({ model: 'm', messages });

describe('the chat request schema: null content', () => {
  it.each(['system', 'developer', 'user', 'tool'])('a %s message needs content', (role) => {
    const nulled = refusal(chat({ role, content: null, tool_call_id: 'c1' }));
    expect(nulled.param).toBe('messages[0].content');
    expect(nulled.message).toBe(
      "Invalid type for 'messages[0].content': expected string or array, but got null.",
    );
    expect(refusal(chat({ role, tool_call_id: 'c1' })).message).toBe(
      "Missing required parameter: 'messages[0].content'.",
    );
  });

  it('an assistant message may leave content null or out when it calls a tool or a function', () => {
    expect(() =>
      sut(chat({ role: 'user', content: 'hi' }, { role: 'assistant', content: null, tool_calls: [call] })),
    ).not.toThrow();
    expect(() =>
      sut(chat({ role: 'user', content: 'hi' }, { role: 'assistant', tool_calls: [call] })),
    ).not.toThrow();
    expect(() =>
      sut(chat({ role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } })),
    ).not.toThrow();
    expect(() => sut(chat({ role: 'function', name: 'f', content: null }))).not.toThrow();
  });

  it('an assistant message that calls nothing needs content', () => {
    expect(refusal(chat({ role: 'assistant', content: null })).param).toBe('messages[0].content');
    expect(refusal(chat({ role: 'assistant', content: null, tool_calls: [] })).param).toBe(
      'messages[0].content',
    );
    expect(refusal(chat({ role: 'assistant', function_call: null })).param).toBe('messages[0].content');
  });

  it('names the bad field of a content part, a tool call and a response format', () => {
    expect(refusal(chat({ role: 'user', content: ['x'] })).param).toBe('messages[0].content[0]');
    expect(refusal(chat({ role: 'user', content: [{ type: 'text' }] })).param).toBe(
      'messages[0].content[0].text',
    );
    expect(refusal(chat({ role: 'user', content: [{ type: 'text', text: 5 }] })).message).toBe(
      "Invalid type for 'messages[0].content[0].text': expected string, but got integer.",
    );
    expect(refusal(chat({ role: 'user', content: [{ type: 'file' }] })).param).toBe(
      'messages[0].content[0].file',
    );
    expect(
      refusal(chat({ role: 'assistant', tool_calls: [{ ...call, function: { name: 'f' } }] })).param,
    ).toBe('messages[0].tool_calls[0].function.arguments');
    expect(
      refusal({ ...chat({ role: 'user', content: 'hi' }), response_format: { type: 'json_schema' } }).param,
    ).toBe('response_format.json_schema');
    expect(
      refusal({ ...chat({ role: 'user', content: 'hi' }), tool_choice: { type: 'function', function: {} } })
        .param,
    ).toBe('tool_choice.function.name');
  });
});

describe('the chat request schema: model names', () => {
  it('takes any printable name, and refuses control characters and unpaired surrogates', () => {
    for (const model of ['simulator/sim-gpt', 'hf.co/user/model:Q4_K_M', 'modèle 🚀']) {
      expect(() => sut({ model, messages: [{ role: 'user', content: 'hi' }] })).not.toThrow();
    }
    for (const model of ['sim-gpt\u0000', 'sim\u001b[31m', 'sim\u007f', 'sim\ud800']) {
      const error = refusal({ model, messages: [{ role: 'user', content: 'hi' }] });
      expect(error.param).toBe('model');
      expect(error.message).toMatch(/^Invalid 'model': string does not match pattern/);
    }
  });
});
