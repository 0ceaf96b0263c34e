import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { scopeOf, type Caller } from '@switchyard/auth';
import { AppConfig, InvalidRequestError, NotFoundError, PayloadTooLargeError } from '@switchyard/core';
import { DataSource, type Repository } from 'typeorm';
import { extractTextOf, UnreadableFileError } from './extract.js';
import { FileEntity } from './file.entity.js';
import { sniff } from './sniff.js';
import { FILE_STORAGE, type FileStorage } from './storage/file-storage.js';

/** OpenAI's file object. */
export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: 'processed';
  status_details: null;
  /** Switchyard extras: the sniffed type and the content hash. */
  mime_type: string;
  sha256: string;
}

/** An uploaded file as multer hands it over (memory storage). */
export interface Upload {
  originalname: string;
  buffer: Buffer;
  size: number;
}

const PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'];
const ID = /^file-[A-Za-z0-9_-]{1,64}$/;

export function toFileObject(row: FileEntity): FileObject {
  return {
    id: row.id,
    object: 'file',
    bytes: row.bytes,
    created_at: Math.floor(row.createdAt.getTime() / 1000),
    filename: row.filename,
    purpose: row.purpose,
    status: 'processed',
    status_details: null,
    mime_type: row.mime,
    sha256: row.sha256,
  };
}

/**
 * /v1/files: uploads stored behind a {@link FileStorage}, metadata in Postgres. A file is visible
 * to its owner (and to the tenant's admins); any other caller, another tenant's above all, gets
 * 404 as for an unknown id. Limits: MAX_FILE_BYTES per file, TENANT_FILE_QUOTA_BYTES per tenant.
 */
@Injectable()
export class FilesService {
  constructor(
    @InjectRepository(FileEntity) private readonly files: Repository<FileEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    private readonly config: AppConfig,
  ) {}

  async upload(caller: Caller, upload: Upload | undefined, purposeRaw: unknown): Promise<FileObject> {
    if (!upload)
      throw new InvalidRequestError("'file' is required (multipart/form-data).", { param: 'file' });
    if (typeof purposeRaw !== 'string' || !PURPOSES.includes(purposeRaw)) {
      throw new InvalidRequestError(`'purpose' must be one of ${PURPOSES.join(', ')}.`, { param: 'purpose' });
    }
    const bytes = upload.buffer;
    if (bytes.length === 0) {
      throw new InvalidRequestError('The file is empty.', { param: 'file', code: 'empty_file' });
    }
    const { maxFileBytes, tenantQuotaBytes } = this.config.media;
    if (bytes.length > maxFileBytes) {
      throw new PayloadTooLargeError(`The file is larger than the limit of ${maxFileBytes} bytes.`);
    }
    const filename = (upload.originalname || 'file').slice(0, 255);
    const type = sniff(filename, bytes);
    if (!type) {
      throw new InvalidRequestError(
        'Unsupported file type: accepted are PDF, UTF-8 text (plain, Markdown, CSV, JSON, HTML), PNG, JPEG, GIF, WebP and common audio.',
        { param: 'file', code: 'unsupported_file_type' },
      );
    }
    let text: string | null = null;
    if (type.textual) {
      try {
        text = await extractTextOf(type.mime, bytes);
      } catch (error) {
        if (error instanceof UnreadableFileError) {
          throw new InvalidRequestError(`The file could not be read: ${error.message}.`, { param: 'file' });
        }
        throw error;
      }
    }
    const id = `file-${randomBytes(18).toString('base64url')}`;
    const storageKey = `${caller.tenantId}/${id}`;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.storage.put(storageKey, bytes);
    try {
      const row = await this.dataSource.transaction(async (em) => {
        // One upload at a time per tenant, so concurrent uploads cannot overrun the quota.
        await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`files:${caller.tenantId}`]);
        const used = await em
          .getRepository(FileEntity)
          .createQueryBuilder('f')
          .select('COALESCE(SUM(f.bytes), 0)', 'used')
          .where('f.tenant_id = :tenant', { tenant: caller.tenantId })
          .getRawOne<{ used: string | number }>();
        if (Number(used?.used ?? 0) + bytes.length > tenantQuotaBytes) {
          throw new PayloadTooLargeError(
            `The tenant's file quota of ${tenantQuotaBytes} bytes would be exceeded; delete files first.`,
          );
        }
        return em.getRepository(FileEntity).save(
          em.getRepository(FileEntity).create({
            id,
            tenantId: caller.tenantId,
            ownerId: caller.userId,
            filename,
            purpose: purposeRaw,
            bytes: bytes.length,
            mime: type.mime,
            sha256,
            storageKey,
            extractedText: text,
          }),
        );
      });
      return toFileObject(row);
    } catch (error) {
      await this.storage.delete(storageKey);
      throw error;
    }
  }

  async list(
    caller: Caller,
    query: { purpose?: unknown; limit?: unknown; after?: unknown; order?: unknown },
  ): Promise<{
    object: 'list';
    data: FileObject[];
    has_more: boolean;
    first_id: string | null;
    last_id: string | null;
  }> {
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new InvalidRequestError("'limit' must be an integer from 1 to 10000.", { param: 'limit' });
    }
    const order = query.order === 'asc' ? 'ASC' : 'DESC';
    const qb = this.files.createQueryBuilder('f');
    this.scope(qb, caller);
    if (typeof query.purpose === 'string' && query.purpose)
      qb.andWhere('f.purpose = :purpose', { purpose: query.purpose });
    if (typeof query.after === 'string' && query.after) {
      const after = await this.visible(caller, query.after);
      if (after) {
        qb.andWhere(
          order === 'DESC' ? '(f.created_at, f.id) < (:at, :id)' : '(f.created_at, f.id) > (:at, :id)',
          { at: after.createdAt, id: after.id },
        );
      }
    }
    const rows = await qb
      .orderBy('f.created_at', order)
      .addOrderBy('f.id', order)
      .take(limit + 1)
      .getMany();
    const data = rows.slice(0, limit).map(toFileObject);
    return {
      object: 'list',
      data,
      has_more: rows.length > limit,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
    };
  }

  /** The files the caller may see with this exact name, oldest first (ModelMixSuper deletes by name). */
  async withFilename(caller: Caller, filename: string): Promise<FileEntity[]> {
    const qb = this.files.createQueryBuilder('f').where('f.filename = :filename', { filename });
    this.scope(qb, caller);
    return qb.orderBy('f.created_at', 'ASC').addOrderBy('f.id', 'ASC').take(100).getMany();
  }

  /** The file's metadata when the caller may see it, else 404. */
  async get(caller: Caller, id: string): Promise<FileEntity> {
    const row = await this.visible(caller, id);
    if (!row) throw new NotFoundError(`No such file: '${id}'.`, { param: 'file_id' });
    return row;
  }

  async content(caller: Caller, id: string): Promise<{ row: FileEntity; bytes: Buffer }> {
    const row = await this.get(caller, id);
    return { row, bytes: await this.storage.get(row.storageKey) };
  }

  async delete(caller: Caller, id: string): Promise<{ id: string; object: 'file'; deleted: true }> {
    const row = await this.get(caller, id);
    await this.files.delete({ id: row.id });
    await this.storage.delete(row.storageKey);
    return { id: row.id, object: 'file', deleted: true };
  }

  /**
   * The rows of these ids the caller may see (without their text), by id, each with the size of
   * its extracted text in bytes (null: none). One query whatever the number of ids: chat decides
   * from this whether a request's files fit before reading any of them.
   */
  async describe(
    caller: Caller,
    ids: readonly string[],
  ): Promise<Map<string, { row: FileEntity; textBytes: number | null }>> {
    const found = new Map<string, { row: FileEntity; textBytes: number | null }>();
    const valid = ids.filter((id) => ID.test(id));
    if (valid.length === 0) return found;
    const qb = this.files
      .createQueryBuilder('f')
      .addSelect('octet_length(f.extracted_text)', 'text_bytes')
      .where('f.id = ANY(:ids)', { ids: valid });
    this.scope(qb, caller);
    const { entities, raw } = await qb.getRawAndEntities<{
      f_id: string;
      text_bytes: number | string | null;
    }>();
    const sizes = new Map(raw.map((r) => [r.f_id, r.text_bytes === null ? null : Number(r.text_bytes)]));
    for (const row of entities) found.set(row.id, { row, textBytes: sizes.get(row.id) ?? null });
    return found;
  }

  /** A visible file's extracted text (null: none), or 404 when it is gone or not the caller's. */
  async text(caller: Caller, id: string): Promise<string | null> {
    if (!ID.test(id)) throw new NotFoundError(`No such file: '${id}'.`, { param: 'file_id' });
    const qb = this.files
      .createQueryBuilder('f')
      .select('f.extracted_text', 'text')
      .where('f.id = :id', { id });
    this.scope(qb, caller);
    const row = await qb.getRawOne<{ text: string | null }>();
    if (!row) throw new NotFoundError(`No such file: '${id}'.`, { param: 'file_id' });
    return row.text;
  }

  private async visible(caller: Caller, id: string): Promise<FileEntity | null> {
    if (!ID.test(id)) return null;
    const qb = this.files.createQueryBuilder('f').where('f.id = :id', { id });
    this.scope(qb, caller);
    return qb.getOne();
  }

  /** Platform admins see every file; tenant admins their tenant's; members their own. */
  private scope(qb: ReturnType<Repository<FileEntity>['createQueryBuilder']>, caller: Caller): void {
    const scope = scopeOf(caller);
    if (scope.kind === 'all') return;
    qb.andWhere('f.tenant_id = :tenant', { tenant: scope.tenantId });
    if (caller.role !== 'tenant_admin') qb.andWhere('f.owner_id = :owner', { owner: caller.userId });
  }
}
