import { randomBytes } from 'node:crypto';

/** An id in OpenAI's style: a type prefix and 48 hex characters (`resp_…`, `msg_…`, `fc_…`, `rs_…`). */
export function newId(prefix: 'resp' | 'msg' | 'fc' | 'rs'): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}
