import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CreditsModule } from '@switchyard/credits';
import { ChatController } from './chat.controller.js';
import { ChatService } from './chat.service.js';
import { CreditsMetering } from './credits-metering.js';
import { METERING } from './metering.js';
import { OrchestratedChat } from './orchestrated-chat.js';
import { ResponseCache } from './cache/response-cache.service.js';
import { STEP_RUNNERS } from '@switchyard/orchestration';

/** /v1/chat/completions and /v1/completions. */
@Module({})
export class ChatModule {
  /** `metering` replaces the credits-backed default (e.g. FREE_METERING). */
  static forRoot(
    metering?: Omit<Provider, 'provide'> & { useFactory?: unknown; useExisting?: unknown },
  ): DynamicModule {
    return {
      module: ChatModule,
      global: true,
      imports: [CreditsModule],
      controllers: [ChatController],
      providers: [
        ChatService,
        CreditsMetering,
        OrchestratedChat,
        ResponseCache,
        // The orchestration lib's port for steps outside a chat call (the explain endpoint).
        { provide: STEP_RUNNERS, useExisting: OrchestratedChat },
        metering
          ? ({ provide: METERING, ...metering } as Provider)
          : { provide: METERING, useExisting: CreditsMetering },
      ],
      exports: [ChatService, METERING, STEP_RUNNERS],
    };
  }
}
