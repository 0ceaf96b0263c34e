import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { AppConfig } from '@switchyard/core';
import {
  ModelResolver,
  type CapabilityRequest,
  type KeyScope,
  type ResolvedModel,
} from '@switchyard/providers';
import { assertModelAllowed, modelAllowed } from './model-access.js';

/**
 * Turns what the caller asked for (`model`, or `models: [...]` in order) plus the operator's
 * per-model fallbacks (MODEL_FALLBACKS) into the ordered list of targets a call may use. The
 * first name must resolve, be allowed for the key and support the request (else 404/403/400);
 * later ones that don't are left out quietly, since they are only alternatives.
 */
@Injectable()
export class TargetPlanner {
  private readonly fallbacks: Record<string, string[]>;

  constructor(
    config: AppConfig,
    private readonly resolver: ModelResolver,
  ) {
    this.fallbacks = config.routing.fallbacks;
  }

  plan(
    caller: Caller,
    names: readonly string[],
    request: CapabilityRequest,
    scope: KeyScope,
  ): ResolvedModel[] {
    const [first, ...rest] = names;
    const primary = this.resolver.resolve(first!, scope);
    assertModelAllowed(caller, primary);
    this.resolver.assertSupports(primary, request, scope);
    const targets = [primary];
    const seen = new Set([primary.id]);
    const candidates = [...rest, ...names.flatMap((n) => this.fallbacksOf(n, primary))];
    for (const name of candidates) {
      const target = this.resolver.tryResolve(name, scope);
      if (!target || seen.has(target.id) || !modelAllowed(caller.apiKey?.allowedModels, target)) continue;
      try {
        this.resolver.assertSupports(target, request, scope);
      } catch {
        continue;
      }
      seen.add(target.id);
      targets.push(target);
    }
    return targets;
  }

  private fallbacksOf(name: string, primary: ResolvedModel): string[] {
    return this.fallbacks[name] ?? (name === primary.requested ? (this.fallbacks[primary.id] ?? []) : []);
  }
}
