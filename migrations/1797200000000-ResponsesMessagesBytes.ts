import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The size of a stored response's conversation (`messages` as JSON, in bytes), written with the
 * row, so that a continuation (`previous_response_id`) can refuse a conversation larger than one
 * request may carry before it loads it. Nullable, with no backfill: adding it takes no table
 * rewrite (nothing blocks Responses traffic during a deploy), and a row without it (stored before,
 * or by an instance not yet upgraded) is measured from its jsonb when it is continued.
 */
export class ResponsesMessagesBytes1797200000000 implements MigrationInterface {
  name = 'ResponsesMessagesBytes1797200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "responses" ADD "messages_bytes" integer
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "responses" DROP COLUMN "messages_bytes"
        `);
  }
}
