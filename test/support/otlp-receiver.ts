import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as the receiver decoded it. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
  status: { code: number; message: string };
  resource: Record<string, string | number | boolean>;
}

type Field = { wire: number; value: bigint | Buffer };

/** Protobuf wire format, generically: field number -> values (varints as bigint, the rest as bytes). */
function fields(buf: Buffer): Map<number, Field[]> {
  const out = new Map<number, Field[]>();
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buf[at++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (at < buf.length) {
    const tag = Number(varint());
    const no = tag >>> 3;
    const wire = tag & 7;
    let value: bigint | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 1) value = buf.subarray(at, (at += 8));
    else if (wire === 5) value = buf.subarray(at, (at += 4));
    else if (wire === 2) {
      const length = Number(varint());
      value = buf.subarray(at, (at += length));
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    out.set(no, [...(out.get(no) ?? []), { wire, value }]);
  }
  return out;
}

const bytes = (f: Map<number, Field[]>, no: number) =>
  (f.get(no)?.[0]?.value as Buffer | undefined) ?? Buffer.alloc(0);
const all = (f: Map<number, Field[]>, no: number) => (f.get(no) ?? []).map((x) => x.value as Buffer);
const int = (f: Map<number, Field[]>, no: number) =>
  Number((f.get(no)?.[0]?.value as bigint | undefined) ?? 0n);

/** opentelemetry.proto.common.v1.KeyValue list. */
function protoAttributes(list: Buffer[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of list) {
    const f = fields(kv);
    const key = bytes(f, 1).toString('utf8');
    const any = fields(bytes(f, 2));
    if (any.has(1)) out[key] = bytes(any, 1).toString('utf8');
    else if (any.has(2)) out[key] = int(any, 2) === 1;
    else if (any.has(3)) out[key] = int(any, 3);
    else if (any.has(4)) out[key] = (any.get(4)![0]!.value as Buffer).readDoubleLE(0);
  }
  return out;
}

/** ExportTraceServiceRequest (protobuf) into spans. */
function decodeProtobuf(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of all(fields(body), 1)) {
    const rsf = fields(rs);
    const resource = protoAttributes(all(fields(bytes(rsf, 1)), 1));
    for (const ss of all(rsf, 2)) {
      for (const s of all(fields(ss), 2)) {
        const f = fields(s);
        const status = fields(bytes(f, 15));
        spans.push({
          traceId: bytes(f, 1).toString('hex'),
          spanId: bytes(f, 2).toString('hex'),
          parentSpanId: bytes(f, 4).toString('hex'),
          name: bytes(f, 5).toString('utf8'),
          kind: int(f, 6),
          attributes: protoAttributes(all(f, 9)),
          status: { code: int(status, 3), message: bytes(status, 2).toString('utf8') },
          resource,
        });
      }
    }
  }
  return spans;
}

interface JsonKeyValue {
  key: string;
  value: { stringValue?: string; boolValue?: boolean; intValue?: string | number; doubleValue?: number };
}

function jsonAttributes(list: JsonKeyValue[] = []): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list) {
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
  }
  return out;
}

/** ExportTraceServiceRequest (OTLP/JSON: hex ids) into spans. */
function decodeJson(body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString('utf8')) as {
    resourceSpans: Array<{
      resource?: { attributes?: JsonKeyValue[] };
      scopeSpans: Array<{ spans: Array<Record<string, unknown>> }>;
    }>;
  };
  return request.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        traceId: s.traceId as string,
        spanId: s.spanId as string,
        parentSpanId: (s.parentSpanId as string | undefined) ?? '',
        name: s.name as string,
        kind: Number(s.kind),
        attributes: jsonAttributes(s.attributes as JsonKeyValue[]),
        status: {
          code: Number((s.status as { code?: number } | undefined)?.code ?? 0),
          message: String((s.status as { message?: string } | undefined)?.message ?? ''),
        },
        resource: jsonAttributes(rs.resource?.attributes),
      })),
    ),
  );
}

export interface OtlpReceiver {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the export requests received. */
  contentTypes: string[];
  close(): Promise<void>;
}

/** A plain HTTP server that accepts OTLP/HTTP trace exports (protobuf or JSON) and decodes them. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.statusCode = 404;
        return res.end();
      }
      const type = req.headers['content-type'] ?? '';
      contentTypes.push(type);
      const body = Buffer.concat(chunks);
      spans.push(...(type.includes('json') ? decodeJson(body) : decodeProtobuf(body)));
      // An empty ExportTraceServiceResponse.
      res.setHeader('content-type', type.includes('json') ? 'application/json' : 'application/x-protobuf');
      res.end(type.includes('json') ? '{}' : Buffer.alloc(0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
