import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { countPromptTokens } from '@switchyard/chat';
import {
  AppConfig,
  bodyBudgetOf,
  formatCredits,
  InvalidRequestError,
  OutboundPolicy,
} from '@switchyard/core';
import { ModelResolver, ProviderError } from '@switchyard/providers';
import {
  TargetPlanner,
  UpstreamExecutor,
  callOptionsFor,
  scopeFor,
  type CallContext,
} from '@switchyard/routing';
import type {
  ChatCompletionContentPartImage,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { Response } from 'express';
import { MediaMetering } from './media-metering.js';
import { dataUrlLength, decodeImageDataUrl, imageTypeOf, safeFetch } from './safe-fetch.js';

const PROMPT =
  'Describe this image in detail for someone who cannot see it. Transcribe any text in it exactly. Answer with the description only.';
const MAX_DESCRIPTION_TOKENS = 400;
const FETCH_TIMEOUT_MS = 10_000;

interface ImageSlot {
  parts: unknown[];
  index: number;
  path: string;
  url: string;
}

interface ChatLike {
  model?: unknown;
  models?: unknown;
  messages?: unknown;
}

function imageSlots(messages: unknown[]): ImageSlot[] {
  const slots: ImageSlot[] = [];
  messages.forEach((m, i) => {
    const content = (m as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) return;
    content.forEach((part: unknown, j) => {
      const p = part as { type?: unknown; image_url?: { url?: unknown } } | null;
      if (p?.type !== 'image_url' || typeof p.image_url?.url !== 'string') return;
      slots.push({ parts: content, index: j, path: `messages[${i}].content[${j}]`, url: p.image_url.url });
    });
  });
  return slots;
}

/**
 * Image parts in /v1/chat/completions. Data URLs must be real images (else 400). For a model
 * without vision, when VISION_BRIDGE_MODEL is set, each image is described by that model
 * (fetched by the gateway first when it is an https URL, public addresses only unless
 * FETCH_ALLOWLIST says otherwise) and replaced by the description; each bridge call is reserved,
 * charged and recorded in usage like any call. Without a bridge nothing changes, and the model
 * resolver refuses the request with a 400 that names a model that can see.
 */
@Injectable()
export class VisionBridge {
  constructor(
    private readonly config: AppConfig,
    private readonly resolver: ModelResolver,
    private readonly planner: TargetPlanner,
    private readonly executor: UpstreamExecutor,
    private readonly metering: MediaMetering,
    private readonly outbound: OutboundPolicy,
  ) {}

  async apply(caller: Caller, body: ChatLike, context: CallContext, res: Response): Promise<void> {
    if (!body || !Array.isArray(body.messages)) return;
    const slots = imageSlots(body.messages);
    if (slots.length === 0) return;
    for (const slot of slots) {
      if (slot.url.startsWith('data:')) decodeImageDataUrl(slot.url, `${slot.path}.image_url.url`);
    }
    const bridge = this.config.media.visionBridgeModel;
    const name =
      typeof body.model === 'string'
        ? body.model
        : Array.isArray(body.models) && typeof body.models[0] === 'string'
          ? body.models[0]
          : undefined;
    if (!bridge || !name) return;
    const scope = scopeFor(caller, context);
    const target = this.resolver.tryResolve(name, scope);
    if (!target || target.model.capabilities.includes('vision')) return;

    let total = 0n;
    let model = bridge;
    // An image sent more than once (the same URL) is described, and charged, once.
    const described = new Map<string, { model: string; description: string }>();
    for (const [k, slot] of slots.entries()) {
      const seen = described.get(slot.url);
      if (seen) {
        slot.parts[slot.index] = {
          type: 'text',
          text: `[image ${k + 1}, described by ${seen.model}: ${seen.description}]`,
        };
        continue;
      }
      const { image, held } = await this.inlined(slot);
      try {
        const description = await this.describe(caller, context, scope, bridge, image);
        total += description.cost;
        model = description.model;
        described.set(slot.url, description);
        slot.parts[slot.index] = {
          type: 'text',
          text: `[image ${k + 1}, described by ${model}: ${description.description}]`,
        };
      } finally {
        bodyBudgetOf(this.config)?.give(held);
      }
    }
    res.setHeader('x-switchyard-vision-bridge', model);
    res.setHeader('x-switchyard-vision-bridge-cost', formatCredits(total));
  }

  /** One image described by the bridge model, charged. */
  private async describe(
    caller: Caller,
    context: CallContext,
    scope: ReturnType<typeof scopeFor>,
    bridge: string,
    image: ChatCompletionContentPartImage,
  ): Promise<{ model: string; description: string; cost: bigint }> {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'user', content: [{ type: 'text', text: PROMPT }, image] },
    ];
    const targets = this.planner.plan(caller, [bridge], { operation: 'chat', body: { messages } }, scope);
    const started = Date.now();
    const promptTokens = await countPromptTokens(messages);
    const meter = await this.metering.reserve({
      caller,
      requestId: context.requestId,
      endpoint: 'chat.completions.vision_bridge',
      targets,
      worst: { promptTokens, maxOutputTokens: MAX_DESCRIPTION_TOKENS },
    });
    let served;
    try {
      served = await this.executor.execute(targets, context, (a) =>
        a.adapter.chat(
          { model: a.target.upstreamModel, messages, max_tokens: MAX_DESCRIPTION_TOKENS },
          a.credentials,
          callOptionsFor(a, context),
        ),
      );
    } catch (err) {
      await meter.release(err instanceof ProviderError ? err.kind : 'failed');
      throw err;
    }
    const answer = served.value;
    const cost = await meter.settle(
      served.target,
      {
        inputTokens: answer.usage?.prompt_tokens ?? promptTokens,
        outputTokens: answer.usage?.completion_tokens ?? 0,
      },
      Date.now() - started,
    );
    return {
      model: served.target.id,
      description: answer.choices[0]?.message.content?.trim() || '(no description)',
      cost,
    };
  }

  /**
   * The image as a data URL the bridge model can take: validated, and fetched if remote. A fetched
   * image is counted in the instance's MAX_BODY_BYTES_IN_FLIGHT (its bytes and its data URL, as
   * `held`, at most the whole bound) from when its size is known, before its body is read, until
   * its description is back: a request names it in a few bytes, so without that concurrent
   * requests could make the gateway hold any number of them (503 past the bound).
   */
  private async inlined(slot: ImageSlot): Promise<{ image: ChatCompletionContentPartImage; held: number }> {
    const param = `${slot.path}.image_url.url`;
    // A data URL came in the body or from a stored file: the bound counted it (the body's bytes,
    // or the files' when ChatAttachments read them).
    if (slot.url.startsWith('data:'))
      return { image: { type: 'image_url', image_url: { url: slot.url } }, held: 0 };
    const budget = bodyBudgetOf(this.config);
    let held = 0;
    try {
      const { bytes } = await safeFetch(slot.url, this.outbound, {
        maxBytes: this.config.media.maxFileBytes,
        timeoutMs: FETCH_TIMEOUT_MS,
        param,
        onSize: (size) => {
          // Its bytes and its data URL (the longest type's).
          if (budget) held = budget.take(size + dataUrlLength('image/webp', size));
        },
      });
      const type = imageTypeOf(bytes);
      if (!type) {
        throw new InvalidRequestError('The image URL does not point at an image (PNG, JPEG, GIF or WebP).', {
          param,
          code: 'invalid_image_url',
        });
      }
      return {
        image: { type: 'image_url', image_url: { url: `data:${type};base64,${bytes.toString('base64')}` } },
        held,
      };
    } catch (error) {
      budget?.give(held);
      throw error;
    }
  }
}
