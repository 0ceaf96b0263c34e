import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The size of a stored response's conversation (`messages` as JSON, in bytes), written with the
 * row, so that a continuation (`previous_response_id`) can refuse a conversation larger than one
 * request may carry before it loads it. Rows stored before get their size from their jsonb.
 */
export class ResponsesMessagesBytes1797200000000 implements MigrationInterface {
  name = 'ResponsesMessagesBytes1797200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "responses" ADD "messages_bytes" integer NOT NULL DEFAULT 0
        `);
    await queryRunner.query(`
            UPDATE "responses" SET "messages_bytes" = octet_length("messages"::text)
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "responses" DROP COLUMN "messages_bytes"
        `);
  }
}
