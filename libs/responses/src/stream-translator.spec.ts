import { describe, expect, it } from '@jest/globals';
import { exposedGc } from '@switchyard/core';
import type { ResponseEcho } from './responses.types.js';
import { ResponsesStreamTranslator, type ResponseEvent } from './stream-translator.js';

const echo = { id: 'resp_1', created_at: 1, model: 'm', store: true } as ResponseEcho;
const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  choices: [{ index: 0, delta, finish_reason: finish }],
});

function run(
  chunks: Array<ReturnType<typeof chunk>>,
  usage = { prompt_tokens: 3, completion_tokens: 4, cost: '1' },
) {
  const sut = new ResponsesStreamTranslator(echo, false);
  const events: ResponseEvent[] = [...sut.start('p/m')];
  for (const c of chunks) events.push(...sut.chunk(c));
  const end = sut.end(usage);
  events.push(...end.events, sut.final(end.response));
  return { ...end, events };
}

describe('ResponsesStreamTranslator', () => {
  it('emits reasoning, then text, then parallel calls, with sequence numbers and indexes', () => {
    const { events, response, assistant } = run([
      chunk({ role: 'assistant', reasoning_content: 'think' }),
      chunk({ reasoning_content: 'ing' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({ tool_calls: [{ index: 0, id: 'c1', function: { name: 'f', arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'c2', function: { name: 'g', arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => [e.type, e.output_index ?? null])).toEqual([
      ['response.created', null],
      ['response.in_progress', null],
      ['response.output_item.added', 0],
      ['response.content_part.added', 0],
      ['response.reasoning_text.delta', 0],
      ['response.reasoning_text.delta', 0],
      ['response.reasoning_text.done', 0],
      ['response.content_part.done', 0],
      ['response.output_item.done', 0],
      ['response.output_item.added', 1],
      ['response.content_part.added', 1],
      ['response.output_text.delta', 1],
      ['response.output_text.delta', 1],
      ['response.output_text.done', 1],
      ['response.content_part.done', 1],
      ['response.output_item.done', 1],
      ['response.output_item.added', 2],
      ['response.function_call_arguments.delta', 2],
      ['response.output_item.added', 3],
      ['response.function_call_arguments.delta', 3],
      ['response.function_call_arguments.delta', 2],
      ['response.function_call_arguments.done', 2],
      ['response.output_item.done', 2],
      ['response.function_call_arguments.done', 3],
      ['response.output_item.done', 3],
      ['response.completed', null],
    ]);
    expect(events.find((e) => e.type === 'response.output_text.done')).toMatchObject({
      text: 'Hello',
      content_index: 0,
    });
    expect(response.output).toEqual([
      expect.objectContaining({ type: 'reasoning', content: [{ type: 'reasoning_text', text: 'thinking' }] }),
      expect.objectContaining({
        type: 'message',
        status: 'completed',
        content: [expect.objectContaining({ text: 'Hello' })],
      }),
      expect.objectContaining({ type: 'function_call', call_id: 'c1', name: 'f', arguments: '{"a":1}' }),
      expect.objectContaining({ type: 'function_call', call_id: 'c2', name: 'g', arguments: '{}' }),
    ]);
    expect(response.usage).toMatchObject({ input_tokens: 3, output_tokens: 4, total_tokens: 7, cost: '1' });
    expect(response.model).toBe('p/m');
    expect(assistant).toMatchObject({
      content: 'Hello',
      reasoning_content: 'thinking',
      tool_calls: [{ id: 'c1' }, { id: 'c2' }],
    });
  });

  it('ends a cut answer with response.incomplete', () => {
    const { events, response } = run([chunk({ content: 'a' }), chunk({}, 'length')]);
    expect(events[events.length - 1]!.type).toBe('response.incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output[0]).toMatchObject({ status: 'incomplete' });
  });

  it('fails with response.failed and an error event carrying the envelope', () => {
    const sut = new ResponsesStreamTranslator(echo, false);
    sut.start('m');
    sut.chunk(chunk({ content: 'par' }));
    const { events, response } = sut.fail({
      message: 'broke',
      type: 'upstream_error',
      code: 'upstream_error',
      param: null,
    });
    expect(events.map((e) => e.type)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.failed',
      'error',
    ]);
    expect(response.status).toBe('failed');
    expect(events[4]).toMatchObject({
      code: 'upstream_error',
      message: 'broke',
      error: { type: 'upstream_error' },
    });
  });
  it('keeps each event as it was when emitted, and each message item its own text', () => {
    const { events, response, assistant } = run([
      chunk({
        content: 'one',
        tool_calls: [{ index: 0, id: 'c1', function: { name: 'f', arguments: '{}' } }],
      }),
      chunk({ content: 'two' }),
      chunk({}, 'stop'),
    ]);
    const added = events.filter((e) => e.type === 'response.output_item.added');
    expect(added.map((e) => e.item)).toEqual([
      expect.objectContaining({ type: 'message', status: 'in_progress', content: [] }),
      expect.objectContaining({ type: 'function_call', status: 'in_progress', arguments: '' }),
      expect.objectContaining({ type: 'message', status: 'in_progress', content: [] }),
    ]);
    expect(events[0]!.response).toMatchObject({ status: 'in_progress', output: [] });
    expect(events.filter((e) => e.type === 'response.output_text.done').map((e) => e.text)).toEqual([
      'one',
      'two',
    ]);
    expect(response.output.map((item) => (item.type === 'message' ? item.content : item.type))).toEqual([
      [expect.objectContaining({ text: 'one' })],
      'function_call',
      [expect.objectContaining({ text: 'two' })],
    ]);
    expect(assistant.content).toBe('onetwo');
  });

  it('holds a long answer once until its last events are written, and four times with them', () => {
    const gc = exposedGc()!;
    const size = 16 * 1024 * 1024;
    const heap = (): number => {
      void gc();
      void gc();
      return process.memoryUsage().heapUsed;
    };
    const base = heap();
    const sut = new ResponsesStreamTranslator(echo, false);
    sut.start('m');
    // Fresh flat strings, as parsed upstream chunks are: 4 KB each.
    for (let sent = 0; sent < size; sent += 4096)
      sut.chunk(chunk({ content: Buffer.alloc(4096, 97 + ((sent >> 12) % 26)).toString('latin1') }));
    const streaming = (heap() - base) / size;
    const end = sut.end({ prompt_tokens: 1, completion_tokens: 1 });
    const ended = (heap() - base) / size;
    // What the sink writes: the three events that end the message item carry the whole text.
    let written = '';
    for (const event of end.events) written += `data: ${JSON.stringify(event)}\n\n`;
    const atEnd = (heap() - base) / size;
    expect(written.length).toBeGreaterThan(3 * size);
    expect(end.assistant.content).toHaveLength(size);
    // Before: 1.0 while streaming, 4.0 once ended (two clones and a second accumulator), 7.0
    // with the last events written.
    expect(streaming).toBeLessThan(1.5);
    expect(ended).toBeLessThan(1.5);
    expect(atEnd).toBeLessThan(5);
  });
});
