import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { MODEL_NAME_SCHEMA, callContextFor, compileValidator } from '@switchyard/chat';
import { AppConfig, formatCredits, UpstreamError } from '@switchyard/core';
import { ProviderError } from '@switchyard/providers';
import { TargetPlanner, UpstreamExecutor, callOptionsFor, scopeFor } from '@switchyard/routing';
import type { Request, Response } from 'express';
import type { ImageGenerateParamsNonStreaming, ImagesResponse } from 'openai/resources/images';
import { ImageStore } from './image-store.js';
import { MediaMetering } from './media-metering.js';

interface GenerateBody {
  model: string;
  prompt: string;
  n?: number;
  size?: string;
  quality?: string;
  style?: string;
  response_format?: 'url' | 'b64_json';
  user?: string;
}

const validate = compileValidator<GenerateBody>({
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    model: MODEL_NAME_SCHEMA,
    prompt: { type: 'string', minLength: 1, maxLength: 32_000 },
    n: { type: 'integer', minimum: 1, maximum: 10 },
    size: { type: 'string', pattern: '^(auto|\\d{2,5}x\\d{2,5})$' },
    quality: { enum: ['standard', 'hd', 'low', 'medium', 'high', 'auto'] },
    style: { enum: ['vivid', 'natural'] },
    response_format: { enum: ['url', 'b64_json'] },
    user: { type: 'string' },
  },
});

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * POST /v1/images/generations: routed like every /v1 call, priced per image (the reservation
 * covers `n`). Upstream is always asked for base64; with `response_format: url` the PNGs are
 * stored by Switchyard and returned as signed, expiring gateway URLs.
 */
@Injectable()
export class ImagesService {
  constructor(
    private readonly planner: TargetPlanner,
    private readonly executor: UpstreamExecutor,
    private readonly metering: MediaMetering,
    private readonly store: ImageStore,
    private readonly config: AppConfig,
  ) {}

  async generate(caller: Caller, raw: unknown, req: Request, res: Response): Promise<void> {
    const body = validate(raw);
    const n = body.n ?? 1;
    const format = body.response_format ?? 'url';
    const context = callContextFor(caller, req, res);
    const targets = this.planner.plan(
      caller,
      [body.model],
      { operation: 'images' },
      scopeFor(caller, context),
    );
    const started = Date.now();
    const meter = await this.metering.reserve({
      caller,
      requestId: context.requestId,
      endpoint: 'images.generations',
      targets,
      worst: { promptTokens: 0, maxOutputTokens: 0, images: n },
    });
    let served;
    try {
      served = await this.executor.execute(targets, context, (a) => {
        if (!a.adapter.images) {
          throw new ProviderError('bad_request', `${a.target.id} does not generate images.`, {
            provider: a.target.provider.id,
            param: 'model',
          });
        }
        const upstream = {
          ...body,
          model: a.target.upstreamModel,
          n,
          response_format: 'b64_json',
        } as ImageGenerateParamsNonStreaming;
        return a.adapter.images(upstream, a.credentials, callOptionsFor(a, context));
      });
    } catch (err) {
      await meter.release(err instanceof ProviderError ? err.kind : 'failed');
      throw err;
    }
    let data: ImagesResponse['data'];
    try {
      data = await this.present(served.value, format, req);
    } catch (err) {
      await meter.release('bad_upstream_image');
      throw err;
    }
    const images = data?.length ?? 0;
    const cost = await meter.settle(
      served.target,
      { inputTokens: 0, outputTokens: 0, images },
      Date.now() - started,
    );
    res.set({
      'x-switchyard-provider': served.target.provider.id,
      'x-switchyard-model': served.target.id,
      'x-switchyard-cost': formatCredits(cost),
    });
    res.status(200).json({
      created: served.value.created ?? Math.floor(Date.now() / 1000),
      data,
      usage: { images, cost: formatCredits(cost) },
    });
  }

  /** Decodes each upstream image; keeps b64_json as is, or stores it and returns a signed URL. */
  private async present(
    answer: ImagesResponse,
    format: 'url' | 'b64_json',
    req: Request,
  ): Promise<ImagesResponse['data']> {
    const out: NonNullable<ImagesResponse['data']> = [];
    for (const item of answer.data ?? []) {
      if (!item.b64_json) {
        throw new UpstreamError(502, 'The provider did not return image data.');
      }
      const extra = item.revised_prompt ? { revised_prompt: item.revised_prompt } : {};
      if (format === 'b64_json') {
        out.push({ b64_json: item.b64_json, ...extra });
        continue;
      }
      const png = Buffer.from(item.b64_json, 'base64');
      if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) {
        throw new UpstreamError(502, 'The provider returned an image that is not a PNG.');
      }
      const id = await this.store.save(png);
      const { expires, sig } = await this.store.sign(id);
      out.push({ url: `${this.baseUrl(req)}/v1/images/${id}.png?expires=${expires}&sig=${sig}`, ...extra });
    }
    return out;
  }

  private baseUrl(req: Request): string {
    return this.config.http.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  }
}
