import { MigrationInterface, QueryRunner } from 'typeorm';

/** Circuit breakers open and close in the activity log: two more actions in the check constraint. */
export class ActivityCircuitActions1796000000000 implements MigrationInterface {
  name = 'ActivityCircuitActions1796000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "activity_logs" DROP CONSTRAINT "activity_logs_action_check"`);
    await queryRunner.query(`
            ALTER TABLE "activity_logs" ADD CONSTRAINT "activity_logs_action_check" CHECK (
                action IN (
                    'ADD', 'DELETE', 'SELECT', 'UNSELECT', 'IMPORT', 'TEST', 'COOLDOWN', 'INVALID',
                    'EXHAUSTED', 'FAILOVER', 'CIRCUIT_OPEN', 'CIRCUIT_CLOSE', 'LOGIN_SUCCEEDED',
                    'LOGIN_FAILED', 'API_KEY_CREATED', 'API_KEY_REVOKED', 'USER_CREATED',
                    'ROLE_CHANGED', 'CREDITS_GRANTED', 'TRANSFER'
                )
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // The trail is append-only: entries already written keep their actions (NOT VALID).
    await queryRunner.query(`ALTER TABLE "activity_logs" DROP CONSTRAINT "activity_logs_action_check"`);
    await queryRunner.query(`
            ALTER TABLE "activity_logs" ADD CONSTRAINT "activity_logs_action_check" CHECK (
                action IN (
                    'ADD', 'DELETE', 'SELECT', 'UNSELECT', 'IMPORT', 'TEST', 'COOLDOWN', 'INVALID',
                    'EXHAUSTED', 'FAILOVER', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'API_KEY_CREATED',
                    'API_KEY_REVOKED', 'USER_CREATED', 'ROLE_CHANGED', 'CREDITS_GRANTED', 'TRANSFER'
                )
            ) NOT VALID
        `);
  }
}
