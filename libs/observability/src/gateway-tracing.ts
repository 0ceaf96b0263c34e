import type { IncomingMessage } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { RequestTrace, SettledCall, TelemetrySpan } from '@switchyard/core';

/**
 * GenAI semantic-convention attributes (still "incubating" upstream, so copied here as the
 * conventions package advises rather than imported from its unstable entry point).
 */
export const GEN_AI = {
  system: 'gen_ai.system',
  providerName: 'gen_ai.provider.name',
  operationName: 'gen_ai.operation.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
} as const;

/** The GenAI operation a /v1 path performs (the upstream span's name starts with it). */
function operationOf(path: string): string {
  if (path.startsWith('/v1/chat/') || path.startsWith('/api/v1/chat/')) return 'chat';
  if (path.startsWith('/v1/embeddings') || path.startsWith('/api/v1/embeddings')) return 'embeddings';
  if (path.startsWith('/v1/completions') || path.startsWith('/api/v1/completions')) return 'text_completion';
  if (path.startsWith('/v1/responses') || path.startsWith('/v1/messages')) return 'chat';
  if (path.startsWith('/v1/images')) return 'image_generation';
  return 'generate_content';
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A span of ours: the OTel span plus what settlement needs to find it. */
class OtelSpan implements TelemetrySpan {
  constructor(
    readonly span: Span,
    /** For an upstream attempt: the `provider/model` it called. */
    readonly model?: string,
  ) {}

  setAttribute(key: string, value: string | number | boolean): void {
    this.span.setAttribute(key, value);
  }

  end(error?: unknown): void {
    if (error !== undefined) markFailed(this.span, error);
    this.span.end();
  }
}

function markFailed(span: Span, error: unknown): void {
  const name = error instanceof Error ? error.name : 'Error';
  const kind = (error as { kind?: unknown } | null)?.kind;
  span.setAttribute('error.type', typeof kind === 'string' ? kind : name);
  // The class only: messages may quote upstream answers; the log line has the details.
  span.setStatus({ code: SpanStatusCode.ERROR, message: name });
}

/** The trace of one request: its server span, and the upstream spans waiting for settlement. */
export class RequestSpans implements RequestTrace {
  readonly traceId: string;
  readonly context: Context;
  readonly operation: string;
  /** Attempts that served and are not settled yet. */
  served: OtelSpan[] = [];

  constructor(
    readonly root: Span,
    path: string,
  ) {
    this.traceId = root.spanContext().traceId;
    this.context = trace.setSpan(ROOT_CONTEXT, root);
    this.operation = operationOf(path);
  }

  /** Ends what is still open and the server span, with the route and status the answer had. */
  end(method: string, route: string | undefined, status: number, aborted: boolean): void {
    for (const span of this.served) span.end();
    this.served = [];
    if (route) {
      this.root.updateName(`${method} ${route}`);
      this.root.setAttribute('http.route', route);
    }
    this.root.setAttribute('http.response.status_code', status);
    if (status >= 500) {
      this.root.setAttribute('error.type', String(status));
      this.root.setStatus({ code: SpanStatusCode.ERROR });
    } else if (aborted) {
      this.root.setAttribute('switchyard.aborted', true);
    }
    this.root.end();
  }
}

/**
 * Request traces. Spans are parented explicitly (the request's span sits on the request, which
 * the request context carries), so no global tracer provider or context manager is registered
 * and several gateways in one process keep their traces apart.
 */
export class GatewayTracing {
  constructor(
    private readonly tracer: Tracer,
    private readonly shutdownProvider: () => Promise<void>,
    private readonly flushProvider: () => Promise<void>,
  ) {}

  /** Starts the server span of a request (continuing the caller's `traceparent`, if any). */
  startRequest(req: IncomingMessage, path: string): RequestSpans {
    let parent = ROOT_CONTEXT;
    const header = req.headers.traceparent;
    const match = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
    if (match && !/^0+$/.test(match[1]!) && !/^0+$/.test(match[2]!)) {
      parent = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: match[1]!,
        spanId: match[2]!,
        traceFlags: Number.parseInt(match[3]!, 16) & TraceFlags.SAMPLED,
        isRemote: true,
      });
    }
    const method = req.method ?? 'GET';
    const root = this.tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': method, 'url.path': path },
      },
      parent,
    );
    return new RequestSpans(root, path);
  }

  child(spans: RequestSpans, name: string): TelemetrySpan {
    return new OtelSpan(this.tracer.startSpan(name, { kind: SpanKind.INTERNAL }, spans.context));
  }

  upstreamAttempt(
    spans: RequestSpans,
    provider: string,
    model: string,
    upstreamModel: string,
  ): TelemetrySpan {
    const span = this.tracer.startSpan(
      `${spans.operation} ${upstreamModel}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [GEN_AI.system]: provider,
          [GEN_AI.providerName]: provider,
          [GEN_AI.operationName]: spans.operation,
          [GEN_AI.requestModel]: upstreamModel,
          'switchyard.model': model,
        },
      },
      spans.context,
    );
    return new OtelSpan(span, model);
  }

  attemptServed(spans: RequestSpans, span: TelemetrySpan): void {
    if (span instanceof OtelSpan) spans.served.push(span);
  }

  /** Ends the upstream span of a settled call with its usage. */
  settled(spans: RequestSpans, call: SettledCall): void {
    const index = spans.served.findIndex((s) => s.model === call.model);
    if (index < 0) return;
    const [attempt] = spans.served.splice(index, 1);
    const span = attempt!.span;
    const slash = call.model.indexOf('/');
    span.setAttribute(GEN_AI.responseModel, slash >= 0 ? call.model.slice(slash + 1) : call.model);
    span.setAttribute(GEN_AI.inputTokens, call.inputTokens);
    span.setAttribute(GEN_AI.outputTokens, call.outputTokens);
    if (call.ttftMs !== undefined) span.setAttribute('switchyard.ttft_ms', call.ttftMs);
    if (call.status !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: call.status });
    span.end();
  }

  flush(): Promise<void> {
    return this.flushProvider();
  }

  shutdown(): Promise<void> {
    return this.shutdownProvider();
  }
}

/** Builds the tracer (the SDK is loaded only when tracing is on). */
export async function createTracing(options: {
  url: string;
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  serviceName: string;
  serviceVersion: string;
  sampleRatio: number;
}): Promise<GatewayTracing> {
  const [sdk, resources, conventions] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const exporterConfig = { url: options.url, headers: options.headers };
  const exporter =
    options.protocol === 'http/json'
      ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(exporterConfig)
      : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(exporterConfig);
  const provider = new sdk.BasicTracerProvider({
    resource: resources.resourceFromAttributes({
      [conventions.ATTR_SERVICE_NAME]: options.serviceName,
      [conventions.ATTR_SERVICE_VERSION]: options.serviceVersion,
    }),
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: [new sdk.BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 })],
  });
  return new GatewayTracing(
    provider.getTracer('switchyard'),
    () => provider.shutdown(),
    () => provider.forceFlush(),
  );
}
