import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { API_PREFIX } from '@switchyard/core';
import { ShutdownState } from './shutdown-state.js';

@ApiTags('health')
@Controller(`${API_PREFIX}/health`)
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP.' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database (and Redis, when configured) answer.' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down, or the instance is draining.' })
  ready() {
    if (this.shutdown.draining) throw new ServiceUnavailableException('The instance is shutting down.');
    return this.health.check([() => this.db.pingCheck('database', { timeout: 2000 })]);
  }
}
