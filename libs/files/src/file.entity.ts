import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** One uploaded file's metadata; the bytes live in the file storage under `storageKey`. */
@Entity({ name: 'files' })
@Index('files_tenant_created_idx', ['tenantId', 'createdAt'])
export class FileEntity {
  /** `file-` and 24 random base62-ish characters, the id the API shows. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** The user who uploaded it. */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ type: 'text' })
  filename!: string;

  @Column({ type: 'text' })
  purpose!: string;

  @Column({ type: 'integer' })
  bytes!: number;

  /** The content type sniffed from the bytes (never the client's claim). */
  @Column({ type: 'text' })
  mime!: string;

  /** Hex SHA-256 of the content. */
  @Column({ type: 'text' })
  sha256!: string;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey!: string;

  /**
   * Text extracted at upload (PDF, text, Markdown, CSV, JSON, HTML); null for other types. Not
   * loaded with the row (up to MAX_FILE_BYTES each, and a listing reads up to 10,000 rows): only
   * `FilesService.text` reads it, once a request has been found to fit MAX_ATTACHED_BYTES.
   */
  @Column({ name: 'extracted_text', type: 'text', nullable: true, select: false })
  extractedText!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export const FILES_ENTITIES = [FileEntity];
