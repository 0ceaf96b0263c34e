import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThanOrEqual, type Repository } from 'typeorm';
import { ResponseEntity } from './response.entity.js';

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
    row: Omit<ResponseEntity, 'tenantId' | 'userId' | 'createdAt'>,
  ): Promise<void> {
    // One INSERT (save() would read the row first); TypeORM's insert types reject loose JSON columns.
    await this.rows.query(
      `INSERT INTO responses (id, tenant_id, user_id, status, response, input_items, messages)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb)`,
      [
        row.id,
        owner.tenantId,
        owner.userId,
        row.status,
        JSON.stringify(row.response),
        JSON.stringify(row.inputItems),
        JSON.stringify(row.messages),
      ],
    );
  }

  /** The owner's response created at or after `since`, or null (another caller's id is null too). */
  find(owner: ResponseOwner, id: string, since: Date): Promise<ResponseEntity | null> {
    return this.rows.findOneBy({
      id,
      tenantId: owner.tenantId,
      userId: owner.userId,
      createdAt: MoreThanOrEqual(since),
    });
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
