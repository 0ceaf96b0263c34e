import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { Public } from '@switchyard/auth';
import { API_PREFIX, RedisService } from '@switchyard/core';
import { CircuitBreakers } from '@switchyard/routing';
import { ShutdownState } from './shutdown-state.js';

@ApiTags('health')
@Public()
@Controller(`${API_PREFIX}/health`)
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
    private readonly redis: RedisService,
    private readonly indicator: HealthIndicatorService,
    private readonly breakers: CircuitBreakers,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP.' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: the database (and Redis, when configured) answer.',
    description:
      'Details also list the circuit breakers this instance holds that are not closed (provider, model, ' +
      'endpoint, state, when it opened). An open circuit does not make the instance unready: it skips one model.',
  })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down, or the instance is draining.' })
  ready() {
    if (this.shutdown.draining) throw new ServiceUnavailableException('The instance is shutting down.');
    const checks: HealthIndicatorFunction[] = [() => this.db.pingCheck('database', { timeout: 2000 })];
    if (this.redis.enabled) checks.push(() => this.redisCheck());
    checks.push(() => this.circuitCheck());
    return this.health.check(checks);
  }

  private circuitCheck() {
    const all = this.breakers.views();
    const notClosed = all.filter((b) => b.state !== 'closed');
    return this.indicator
      .check('circuits')
      .up({ tracked: all.length, open: notClosed.length, breakers: notClosed });
  }

  private async redisCheck() {
    const check = this.indicator.check('redis');
    try {
      await this.redis.ping();
      return check.up();
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }
}
