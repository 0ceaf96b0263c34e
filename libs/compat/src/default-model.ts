import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { AppConfig, InvalidRequestError } from '@switchyard/core';
import { CatalogService, ModelResolver, unpricedFor } from '@switchyard/providers';
import { scopeFor } from '@switchyard/routing';

/** The provider keys a request carried (see compat.constants.ts). */
type RequestKeys = Parameters<typeof scopeFor>[1];

/**
 * The model of a chat call that names none (IndoxRouter's and Hyper's bodies may leave `model`
 * out): DEFAULT_CHAT_MODEL when set, else the first chat model in catalog order that is priced
 * for chat (or free) and has a usable key for this caller.
 */
@Injectable()
export class DefaultChatModel {
  constructor(
    private readonly config: AppConfig,
    private readonly catalog: CatalogService,
    private readonly resolver: ModelResolver,
  ) {}

  for(caller: Caller, requestKey?: RequestKeys): string {
    const configured = this.config.routing.defaultChatModel;
    if (configured) return configured;
    const scope = scopeFor(caller, requestKey);
    for (const entry of this.catalog.withCapability('chat', caller.tenantId)) {
      if (entry.model.disabled || unpricedFor(entry.model, ['input tokens', 'output tokens']).length > 0) {
        continue;
      }
      const id = `${entry.provider.id}/${entry.model.id}`;
      if (this.resolver.tryResolve(id, scope)) return id;
    }
    throw new InvalidRequestError('No model given, and no chat model is available to default to.', {
      param: 'model',
      code: 'model_required',
    });
  }

  /**
   * Fills `model` into a chat body that names none (nor `models` nor `route`); anything else is
   * left for the chat validation to judge.
   */
  fill(caller: Caller, body: unknown, requestKey?: RequestKeys): unknown {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
    const record = body as Record<string, unknown>;
    if (record.model === undefined && record.models === undefined && record.route === undefined) {
      record.model = this.for(caller, requestKey);
    }
    return body;
  }
}
