import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { METERING, callContextFor, type MeteredUsage, type Metering } from '@switchyard/chat';
import { formatCredits } from '@switchyard/core';
import { ProviderError, type CallOptions } from '@switchyard/providers';
import {
  TargetPlanner,
  UpstreamExecutor,
  callOptionsFor,
  scopeFor,
  type Attempt,
  type PlannedTarget,
  type Served,
} from '@switchyard/routing';
import type { Request, Response } from 'express';

/** One answer-at-once operation (embeddings, rerank), as {@link MeteredUpstreamService.serve} runs it. */
export interface MeteredOperation<T> {
  operation: 'embeddings' | 'rerank';
  /** The model the caller named. */
  model: string;
  /** The reservation's worst case: prompt tokens, and the search units a rerank may be billed. */
  worst: { promptTokens: number; searchUnits?: number };
  /** What a target that cannot serve it does not do: `does not rerank`. */
  unsupported: string;
  /** The upstream call on one target, or undefined when its adapter cannot make it. */
  call(attempt: Attempt, opts: CallOptions): Promise<T> | undefined;
  /** What the answer is charged for. */
  usage(answer: T): MeteredUsage;
}

/** What served an operation and what it cost (micro-credits). */
export interface MeteredAnswer<T> {
  answer: T;
  target: PlannedTarget;
  cost: bigint;
}

/**
 * The call path /v1/embeddings and /v1/rerank share: plan the targets, reserve the worst case,
 * call them with key and target failover, settle what the serving target billed (or release the
 * reservation when every target failed), and set the answer headers. The endpoint writes the body.
 */
@Injectable()
export class MeteredUpstreamService {
  constructor(
    private readonly planner: TargetPlanner,
    private readonly executor: UpstreamExecutor,
    @Inject(METERING) private readonly metering: Metering,
  ) {}

  async serve<T>(
    caller: Caller,
    req: Request,
    res: Response,
    op: MeteredOperation<T>,
  ): Promise<MeteredAnswer<T>> {
    const context = callContextFor(caller, req, res);
    const targets = this.planner.plan(
      caller,
      [op.model],
      { operation: op.operation },
      scopeFor(caller, context),
    );
    const started = Date.now();
    // The answer is returned only once settled: with ample headroom nothing is held (decision 0030).
    const meter = await this.metering.begin({
      caller,
      requestId: context.requestId,
      endpoint: op.operation,
      targets,
      ...op.worst,
      maxOutputTokens: 0,
      paidBeforeAnswer: true,
    }).handle;
    let served: Served<T>;
    try {
      served = await this.executor.execute(targets, context, (a) => {
        const answer = op.call(a, callOptionsFor(a, context));
        if (!answer) {
          throw new ProviderError('bad_request', `${a.target.id} ${op.unsupported}.`, {
            provider: a.target.provider.id,
            param: 'model',
          });
        }
        return answer;
      });
    } catch (err) {
      await meter.release(err instanceof ProviderError ? err.kind : 'failed');
      throw err;
    }
    const cost = await meter.settle(served.target, op.usage(served.value), {
      status: 'ok',
      latencyMs: Date.now() - started,
    });
    res.set({
      'x-switchyard-provider': served.target.provider.id,
      'x-switchyard-model': served.target.id,
      'x-switchyard-cost': formatCredits(cost),
    });
    return { answer: served.value, target: served.target, cost };
  }
}
