import type { Response } from 'express';

/**
 * Rewrites the JSON body of a successful answer that a canonical service writes straight to the
 * socket (chat writes with writeHead/end, not res.json), so an alias can answer in its source
 * system's shape without a second implementation. Errors pass through as written.
 */
export function reshapeJson(res: Response, reshape: (body: unknown) => unknown): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  let head: unknown[] | undefined;
  (res as unknown as { writeHead: (...args: unknown[]) => Response }).writeHead = (...args: unknown[]) => {
    head = args;
    return res;
  };
  (res as unknown as { end: (...args: unknown[]) => Response }).end = (...args: unknown[]) => {
    const [chunk] = args;
    const status = typeof head?.[0] === 'number' ? head[0] : res.statusCode;
    if (status === 200 && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) {
      try {
        const body = JSON.stringify(reshape(JSON.parse(chunk.toString())));
        const headers = { ...((head?.[1] as Record<string, unknown> | undefined) ?? {}) };
        headers['content-length'] = Buffer.byteLength(body);
        writeHead(200, headers);
        return end(body);
      } catch {
        // Not JSON after all: send it as it came.
      }
    }
    if (head) writeHead(...head);
    return end(...args);
  };
}
