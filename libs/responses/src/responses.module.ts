import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ResponseEntity } from './response.entity.js';
import { ResponsesController } from './responses.controller.js';
import { ResponsesRepository } from './responses.repository.js';
import { ResponsesService } from './responses.service.js';

/** /v1/responses: the OpenAI Responses dialect over ChatService (from the global ChatModule). */
@Module({
  imports: [TypeOrmModule.forFeature([ResponseEntity])],
  controllers: [ResponsesController],
  providers: [ResponsesService, ResponsesRepository],
  exports: [ResponsesService],
})
export class ResponsesModule {}
