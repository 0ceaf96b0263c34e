import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { MODEL_NAME_SCHEMA, callContextFor, compileValidator } from '@switchyard/chat';
import { drained, formatCredits, InvalidRequestError } from '@switchyard/core';
import { MediaMetering } from '@switchyard/images';
import { ProviderError, type ResolvedModel } from '@switchyard/providers';
import type { SpeechAudio, TranscriptionResult } from '@switchyard/providers/provider.port.js';
import {
  TargetPlanner,
  UpstreamExecutor,
  callOptionsFor,
  scopeFor,
  type Attempt,
  type CallContext,
} from '@switchyard/routing';
import type { Usage } from '@switchyard/credits';
import type { Request, Response } from 'express';
import { toFile } from 'openai';
import type { SpeechCreateParams } from 'openai/resources/audio/speech';
import type {
  TranscriptionCreateParamsNonStreaming,
  TranscriptionVerbose,
} from 'openai/resources/audio/transcriptions';
import { toSrt, toVtt, worstCaseSeconds, type Segment } from './audio-duration.js';

interface SpeechBody {
  model: string;
  input: string;
  voice: string;
  response_format?: string;
  speed?: number;
  instructions?: string;
}

const validateSpeech = compileValidator<SpeechBody>({
  type: 'object',
  required: ['model', 'input', 'voice'],
  properties: {
    model: MODEL_NAME_SCHEMA,
    input: { type: 'string', minLength: 1, maxLength: 4096 },
    voice: { type: 'string', minLength: 1, maxLength: 64 },
    response_format: { enum: ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] },
    speed: { type: 'number', minimum: 0.25, maximum: 4 },
    instructions: { type: 'string', maxLength: 4096 },
  },
});

type TranscriptFormat = 'json' | 'text' | 'srt' | 'verbose_json' | 'vtt';

interface TranscriptionFields {
  model: string;
  language?: string;
  prompt?: string;
  response_format?: TranscriptFormat;
  temperature?: string;
}

const validateTranscription = compileValidator<TranscriptionFields>({
  type: 'object',
  required: ['model'],
  properties: {
    model: MODEL_NAME_SCHEMA,
    language: { type: 'string', pattern: '^[a-zA-Z-]{2,12}$' },
    prompt: { type: 'string', maxLength: 8192 },
    response_format: { enum: ['json', 'text', 'srt', 'verbose_json', 'vtt'] },
    temperature: { type: 'string', pattern: '^(0(\\.\\d+)?|1(\\.0+)?)$' },
  },
});

/** The start of a speech answer: its first bytes and, when streamed, the rest. */
interface SpeechOpening {
  first: Uint8Array;
  rest: AsyncIterator<Uint8Array> | null;
  contentType?: string;
}

const AUDIO_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

/** The audio's content type from its first bytes, else from the format asked for (default mp3). */
function audioTypeOf(first: Uint8Array, format: string | undefined): string {
  const head = Buffer.from(first.subarray(0, 12)).toString('latin1');
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WAVE') return 'audio/wav';
  if (head.startsWith('ID3') || (first[0] === 0xff && ((first[1] ?? 0) & 0xe6) === 0xe2)) return 'audio/mpeg';
  if (head.startsWith('OggS')) return 'audio/ogg';
  if (head.startsWith('fLaC')) return 'audio/flac';
  return AUDIO_TYPES[format ?? 'mp3'] ?? 'application/octet-stream';
}

/** An uploaded audio file as multer hands it over. */
export interface AudioUpload {
  originalname: string;
  buffer: Buffer;
  mimetype: string;
}

/**
 * POST /v1/audio/speech (charged per character) and POST /v1/audio/transcriptions (charged per
 * second of audio, as the provider reports it), routed and failed over like every /v1 call.
 */
@Injectable()
export class AudioService {
  constructor(
    private readonly planner: TargetPlanner,
    private readonly executor: UpstreamExecutor,
    private readonly metering: MediaMetering,
  ) {}

  async speech(caller: Caller, raw: unknown, req: Request, res: Response): Promise<void> {
    const body = validateSpeech(raw);
    const context = callContextFor(caller, req, res);
    const targets = this.planner.plan(
      caller,
      [body.model],
      { operation: 'audio_speech' },
      scopeFor(caller, context),
    );
    const characters = [...body.input].length;
    const served = await this.metered(
      caller,
      context,
      'audio.speech',
      targets,
      { characters },
      async (a): Promise<SpeechOpening> => {
        const upstream = { ...body, model: a.target.upstreamModel } as SpeechCreateParams;
        const options = callOptionsFor(a, context);
        if (a.adapter.speechStream) {
          // The first chunk arrives inside the attempt, so a failure before any audio fails over.
          const iterator = a.adapter.speechStream(upstream, a.credentials, options)[Symbol.asyncIterator]();
          const first = await iterator.next();
          return { first: first.done ? new Uint8Array() : first.value, rest: first.done ? null : iterator };
        }
        if (!a.adapter.speech) throw this.unsupported(a.target, 'speak');
        const audio: SpeechAudio = await a.adapter.speech(upstream, a.credentials, options);
        return { first: audio.body, rest: null, contentType: audio.contentType };
      },
      () => ({ characters }),
    );
    const { first, rest, contentType } = served.value;
    this.headers(res, served.target, served.cost);
    res.status(200).set({
      'content-type': contentType ?? audioTypeOf(first, body.response_format),
      'cache-control': 'no-store',
    });
    if (first.byteLength > 0) res.write(first);
    if (rest) {
      // Relayed chunk for chunk; the caller is charged for the characters whatever happens next.
      try {
        for (let next = await rest.next(); !next.done; next = await rest.next()) {
          if (!res.write(next.value)) await drained(res);
          if (res.destroyed) break;
        }
      } catch {
        // Upstream failed mid-audio: the bytes are out, so the stream just ends short.
        res.destroy();
        return;
      } finally {
        await rest.return?.();
      }
    }
    res.end();
  }

  async transcription(
    caller: Caller,
    upload: AudioUpload | undefined,
    raw: unknown,
    req: Request,
    res: Response,
  ): Promise<void> {
    const fields = validateTranscription(raw ?? {});
    if (!upload)
      throw new InvalidRequestError("'file' is required (multipart/form-data).", { param: 'file' });
    if (upload.buffer.length === 0)
      throw new InvalidRequestError('The audio file is empty.', { param: 'file' });
    const format = fields.response_format ?? 'json';
    const context = callContextFor(caller, req, res);
    const targets = this.planner.plan(
      caller,
      [fields.model],
      { operation: 'audio_transcription' },
      scopeFor(caller, context),
    );
    const worst = worstCaseSeconds(upload.buffer);
    const served = await this.metered(
      caller,
      context,
      'audio.transcriptions',
      targets,
      { audioSeconds: worst },
      async (a) => {
        if (!a.adapter.transcription) throw this.unsupported(a.target, 'transcribe');
        const body: TranscriptionCreateParamsNonStreaming = {
          file: await toFile(upload.buffer, upload.originalname || 'audio', { type: upload.mimetype }),
          model: a.target.upstreamModel,
          // Always verbose upstream: it carries the duration we charge for and the segments
          // SRT and VTT are made from.
          response_format: 'verbose_json',
          ...(fields.language ? { language: fields.language } : {}),
          ...(fields.prompt ? { prompt: fields.prompt } : {}),
          ...(fields.temperature ? { temperature: Number(fields.temperature) } : {}),
        };
        return a.adapter.transcription(body, a.credentials, callOptionsFor(a, context));
      },
      (value) => ({ audioSeconds: durationOf(value, worst) }),
    );
    const result = served.value;
    const verbose = typeof result === 'string' ? null : (result as TranscriptionVerbose);
    const text = typeof result === 'string' ? result : result.text;
    const seconds = durationOf(result, worst);
    const segments: Segment[] = verbose?.segments?.length
      ? verbose.segments.map((s) => ({ start: s.start, end: s.end, text: s.text }))
      : [{ start: 0, end: seconds, text }];
    this.headers(res, served.target, served.cost);
    switch (format) {
      case 'text':
        res.status(200).type('text/plain').send(text);
        return;
      case 'srt':
        res.status(200).type('text/plain').send(toSrt(segments));
        return;
      case 'vtt':
        res.status(200).type('text/vtt').send(toVtt(segments));
        return;
      case 'verbose_json':
        res.status(200).json({
          task: 'transcribe',
          language: verbose?.language ?? fields.language ?? 'english',
          duration: seconds,
          text,
          segments: verbose?.segments ?? segments.map((s, id) => ({ id, ...s })),
          usage: { type: 'duration', seconds: Math.ceil(seconds), cost: formatCredits(served.cost) },
        });
        return;
      case 'json':
        res.status(200).json({
          text,
          usage: { type: 'duration', seconds: Math.ceil(seconds), cost: formatCredits(served.cost) },
        });
    }
  }

  /** Reserve the worst case, call with failover, settle on what served (release on failure). */
  private async metered<T>(
    caller: Caller,
    context: CallContext,
    endpoint: string,
    targets: ResolvedModel[],
    worst: { characters?: number; audioSeconds?: number },
    call: (attempt: Attempt) => Promise<T>,
    usageOf: (value: T) => Omit<Usage, 'inputTokens' | 'outputTokens'>,
  ): Promise<{ value: T; target: ResolvedModel; cost: bigint }> {
    const started = Date.now();
    const meter = await this.metering.reserve({
      caller,
      requestId: context.requestId,
      endpoint,
      targets,
      worst: { promptTokens: 0, maxOutputTokens: 0, ...worst },
    });
    let served;
    try {
      served = await this.executor.execute(targets, context, call);
    } catch (err) {
      await meter.release(err instanceof ProviderError ? err.kind : 'failed');
      throw err;
    }
    const value = served.value;
    const cost = await meter.settle(
      served.target,
      { inputTokens: 0, outputTokens: 0, ...usageOf(value) },
      Date.now() - started,
    );
    return { value, target: served.target, cost };
  }

  private unsupported(target: ResolvedModel, verb: string): ProviderError {
    return new ProviderError('bad_request', `${target.id} does not ${verb}.`, {
      provider: target.provider.id,
      param: 'model',
    });
  }

  private headers(res: Response, target: ResolvedModel, cost: bigint): void {
    res.set({
      'x-switchyard-provider': target.provider.id,
      'x-switchyard-model': target.id,
      'x-switchyard-cost': formatCredits(cost),
    });
  }
}

function durationOf(result: TranscriptionResult, fallback: number): number {
  if (typeof result === 'string') return fallback;
  if ('duration' in result && typeof result.duration === 'number') return result.duration;
  const usage = (result as { usage?: { type?: string; seconds?: number } }).usage;
  if (usage?.type === 'duration' && typeof usage.seconds === 'number') return usage.seconds;
  return fallback;
}
