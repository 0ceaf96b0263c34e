import type { Caller } from '@switchyard/auth';
import {
  QUANTITIES_OF,
  unpricedFor,
  type CapabilityRequest,
  type KeyScope,
  type ModelResolver,
  type ResolvedModel,
} from '@switchyard/providers';
import { modelAllowed, type PerformanceTracker } from '@switchyard/routing';
import type { CandidateList, SelectionSettings } from '../policy/policy.types.js';

/** A tracker error rate counts only once a model has had this many calls in the window. */
const MIN_CALLS_FOR_ERROR_RATE = 5;

/** Why a candidate was passed over, or taken. */
export interface CandidateNote {
  model: string;
  /** Absent when the candidate was chosen. */
  skipped?: 'not_found' | 'not_allowed' | 'unsupported' | 'unpriced' | 'error_rate' | 'already_used';
  detail?: string;
}

/** A model chosen for one role of a plan, and why. */
export interface Choice {
  target: ResolvedModel;
  why: string;
  considered: CandidateNote[];
}

/** What the selection of one role needs. */
export interface SelectionContext {
  caller: Caller;
  scope: KeyScope;
  request: CapabilityRequest;
  settings: SelectionSettings;
}

/**
 * Picks models from a policy's candidate lists: the first that resolves for this caller (its
 * provider has a key), that the API key may use, that supports the request (streaming, images,
 * tools, JSON), that is priced (or free) and whose recent error rate is acceptable. Within a list
 * of equals, the lowest recent latency goes first (unmeasured ones keep their order before the
 * measured), then the lowest price.
 */
export class ModelSelector {
  constructor(
    private readonly resolver: ModelResolver,
    private readonly tracker: PerformanceTracker,
  ) {}

  /** Up to `count` distinct models, in preference order (fewer when the list runs out). */
  select(list: CandidateList, ctx: SelectionContext, count = 1, exclude: readonly string[] = []): Choice[] {
    const considered: CandidateNote[] = [];
    const chosen: Choice[] = [];
    const used = new Set(exclude);
    for (const [position, entry] of list.entries()) {
      const group = typeof entry === 'string' ? [entry] : entry;
      const usable: ResolvedModel[] = [];
      for (const name of group) {
        const note = this.check(name, ctx, used);
        considered.push(note.note);
        if (note.target) usable.push(note.target);
      }
      const ranked = group.length > 1 ? this.rank(usable) : usable;
      for (const target of ranked) {
        if (chosen.length >= count || used.has(target.id)) continue;
        used.add(target.id);
        const why =
          group.length > 1
            ? `candidate ${position + 1} (one of ${group.length} equals, ${this.describe(target)})`
            : `candidate ${position + 1}, the first usable one${chosen.length > 0 ? ' left' : ''}`;
        chosen.push({ target, why, considered });
      }
      if (chosen.length >= count) break;
    }
    return chosen;
  }

  private check(
    name: string,
    ctx: SelectionContext,
    used: ReadonlySet<string>,
  ): { note: CandidateNote; target?: ResolvedModel } {
    const target = this.resolver.tryResolve(name, ctx.scope);
    if (!target)
      return { note: { model: name, skipped: 'not_found', detail: 'unknown or no key for its provider' } };
    if (used.has(target.id)) return { note: { model: target.id, skipped: 'already_used' } };
    if (!modelAllowed(ctx.caller.apiKey?.allowedModels, target))
      return {
        note: { model: target.id, skipped: 'not_allowed', detail: "not in the API key's allowed models" },
      };
    try {
      this.resolver.assertSupports(target, ctx.request, ctx.scope);
    } catch (err) {
      return { note: { model: target.id, skipped: 'unsupported', detail: (err as Error).message } };
    }
    const unpriced = unpricedFor(target.model, QUANTITIES_OF[ctx.request.operation]);
    if (unpriced.length > 0)
      return {
        note: { model: target.id, skipped: 'unpriced', detail: `no price for ${unpriced.join(', ')}` },
      };
    const stats = this.tracker.stats(target.id);
    if (stats.calls >= MIN_CALLS_FOR_ERROR_RATE && stats.error_rate > ctx.settings.max_error_rate) {
      return {
        note: { model: target.id, skipped: 'error_rate', detail: `recent error rate ${stats.error_rate}` },
      };
    }
    return { note: { model: target.id }, target };
  }

  /** Equals by recent latency (unmeasured first, as routing's least-latency does), then price. */
  private rank(targets: ResolvedModel[]): ResolvedModel[] {
    const latency = (t: ResolvedModel) => this.tracker.stats(t.id).latency_ms;
    const price = (t: ResolvedModel) =>
      Number(t.model.pricing.inputPerMTok) + Number(t.model.pricing.outputPerMTok);
    return targets
      .map((t, i) => ({ t, i, latency: latency(t), price: price(t) }))
      .sort((a, b) => {
        if (a.latency === null || b.latency === null) {
          if (a.latency !== b.latency) return a.latency === null ? -1 : 1;
        } else if (a.latency !== b.latency) return a.latency - b.latency;
        return a.price - b.price || a.i - b.i;
      })
      .map((x) => x.t);
  }

  private describe(target: ResolvedModel): string {
    const latency = this.tracker.stats(target.id).latency_ms;
    const price = `${target.model.pricing.inputPerMTok}/${target.model.pricing.outputPerMTok} per M tokens`;
    return latency === null ? `not measured yet, ${price}` : `recent latency ${latency} ms, ${price}`;
  }
}
