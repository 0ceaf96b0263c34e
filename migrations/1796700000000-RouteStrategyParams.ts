import { MigrationInterface, QueryRunner } from 'typeorm';

/** Routes with an orchestration strategy (mix, vote, chain) keep the model of each step. */
export class RouteStrategyParams1796700000000 implements MigrationInterface {
  name = 'RouteStrategyParams1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "routes" ADD "strategy_params" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "routes" DROP COLUMN "strategy_params"`);
  }
}
