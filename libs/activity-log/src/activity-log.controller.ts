import { Readable } from 'node:stream';
import {
  Controller,
  Get,
  Query,
  Req,
  StreamableFile,
  createParamDecorator,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { API_PREFIX, type Page } from '@switchyard/core';
import type { Request } from 'express';
import { toCsv } from './activity-log.csv.js';
import { ActivityLogPageView, ActivityLogQueryDto, ActivityLogView } from './activity-log.dto.js';
import { ActivityLogService, type ActivityReader } from './activity-log.service.js';

/** The caller the global guard attached to the request (libs/auth's CurrentCaller, structurally). */
const Reader = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): ActivityReader =>
    ctx.switchToHttp().getRequest<{ caller: ActivityReader }>().caller,
);

@ApiTags('activity-logs')
@ApiBearerAuth('bearer')
@Controller(`${API_PREFIX}/activity-logs`)
export class ActivityLogController {
  constructor(private readonly activity: ActivityLogService) {}

  @Get()
  @ApiOperation({
    summary:
      'The audit trail, newest first (tenant admins: their tenant; platform admins: everything). ' +
      'Send `Accept: text/csv` to export every matching entry as CSV (`limit` and `offset` do not apply).',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ActivityLogPageView })
  async list(
    @Reader() reader: ActivityReader,
    @Query() query: ActivityLogQueryDto,
    @Req() req: Request,
  ): Promise<Page<ActivityLogView> | StreamableFile> {
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      const pages = this.activity.each(reader, query.toFilter());
      return new StreamableFile(Readable.from(toCsv(pages)), {
        type: 'text/csv; charset=utf-8',
        disposition: 'attachment; filename="activity-log.csv"',
      });
    }
    const result = await this.activity.list(reader, query.toFilter(), query.limit, query.offset);
    return { ...result, data: result.data.map((e) => ActivityLogView.from(e)) };
  }
}
