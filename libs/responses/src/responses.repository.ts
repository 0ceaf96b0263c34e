import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import { ResponseEntity } from './response.entity.js';
import type { InternalMessage, ResponseObject } from './responses.types.js';

/** Whose responses a call may see: one user of one tenant. Every method takes it first. */
export interface ResponseOwner {
  readonly tenantId: string;
  readonly userId: string;
}

/** The only code that touches the `responses` table. */
@Injectable()
export class ResponsesRepository {
  constructor(@InjectRepository(ResponseEntity) private readonly rows: Repository<ResponseEntity>) {}

  async insert(
    owner: ResponseOwner,
    row: Omit<ResponseEntity, 'tenantId' | 'userId' | 'createdAt' | 'messagesBytes'>,
  ): Promise<void> {
    const messages = JSON.stringify(row.messages);
    // One INSERT (save() would read the row first); TypeORM's insert types reject loose JSON columns.
    await this.rows.query(
      `INSERT INTO responses (id, tenant_id, user_id, status, response, input_items, messages, messages_bytes)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8)`,
      [
        row.id,
        owner.tenantId,
        owner.userId,
        row.status,
        JSON.stringify(row.response),
        JSON.stringify(row.inputItems),
        messages,
        Buffer.byteLength(messages),
      ],
    );
  }

  /**
   * The owner's response created at or after `since` (another caller's id is none too): only the
   * Response object, not the conversation behind it.
   */
  async response(owner: ResponseOwner, id: string, since: Date): Promise<ResponseObject | null> {
    const row = await this.column<{ response: ResponseObject }>('response', owner, id, since);
    return row?.response ?? null;
  }

  /** That response's input items only, or null. */
  async inputItems(
    owner: ResponseOwner,
    id: string,
    since: Date,
  ): Promise<ResponseEntity['inputItems'] | null> {
    const row = await this.column<{ inputItems: ResponseEntity['inputItems'] }>(
      'input_items AS "inputItems"',
      owner,
      id,
      since,
    );
    return row?.inputItems ?? null;
  }

  /**
   * The conversation to continue from that response, or null when there is none; past
   * `maxBytes` (as JSON) only its size, without reading it.
   */
  async conversation(
    owner: ResponseOwner,
    id: string,
    since: Date,
    maxBytes: number,
  ): Promise<{ messages: InternalMessage[] | null; bytes: number } | null> {
    const rows = await this.rows.query<Array<{ messages: InternalMessage[] | null; bytes: number }>>(
      `SELECT sized.bytes, CASE WHEN sized.bytes <= $5::bigint THEN r.messages END AS messages
       FROM responses r
       CROSS JOIN LATERAL (SELECT COALESCE(r.messages_bytes, octet_length(r.messages::text)) AS bytes) sized
       WHERE r.id = $1 AND r.tenant_id = $2 AND r.user_id = $3 AND r.created_at >= $4`,
      [id, owner.tenantId, owner.userId, since, maxBytes],
    );
    return rows[0] ?? null;
  }

  private async column<T>(select: string, owner: ResponseOwner, id: string, since: Date): Promise<T | null> {
    const rows = await this.rows.query<T[]>(
      `SELECT ${select} FROM responses WHERE id = $1 AND tenant_id = $2 AND user_id = $3 AND created_at >= $4`,
      [id, owner.tenantId, owner.userId, since],
    );
    return rows[0] ?? null;
  }

  /** True when the owner had it. */
  async delete(owner: ResponseOwner, id: string): Promise<boolean> {
    const result = await this.rows.delete({ id, tenantId: owner.tenantId, userId: owner.userId });
    return (result.affected ?? 0) > 0;
  }

  /** Deletes every response created before `before`, in every tenant (the retention sweep). */
  async deleteOlderThan(before: Date): Promise<number> {
    const result = await this.rows.delete({ createdAt: LessThan(before) });
    return result.affected ?? 0;
  }
}
