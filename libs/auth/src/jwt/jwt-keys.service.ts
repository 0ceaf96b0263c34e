import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig, SettingsService } from '@switchyard/core';
import { randomSecret } from '../crypto.js';

/**
 * The keys that sign and verify access tokens. HS256 uses JWT_SECRET; without it, a secret is
 * generated once and kept in the database, so tokens survive restarts and every instance that
 * shares the database agrees. RS256/ES256 use the configured PEM pair.
 */
@Injectable()
export class JwtKeys implements OnModuleInit {
  private readonly logger = new Logger(JwtKeys.name);
  private signing?: string;
  private verifying?: string;

  constructor(
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  get algorithm(): 'HS256' | 'RS256' | 'ES256' {
    return this.config.auth.jwt.algorithm;
  }

  async onModuleInit(): Promise<void> {
    const jwt = this.config.auth.jwt;
    if (jwt.algorithm !== 'HS256') {
      this.signing = jwt.privateKey;
      this.verifying = jwt.publicKey;
      return;
    }
    if (jwt.secret) {
      this.signing = this.verifying = jwt.secret;
      return;
    }
    await this.settings.setIfAbsent('jwt_secret', randomSecret(48));
    const stored = await this.settings.get<string>('jwt_secret');
    this.signing = this.verifying = stored!;
    if (this.config.env === 'production') {
      this.logger.warn('JWT_SECRET is not set: using a secret generated and stored in the database.');
    }
  }

  get signingKey(): string {
    if (!this.signing) throw new Error('JWT keys are not loaded');
    return this.signing;
  }

  get verificationKey(): string {
    if (!this.verifying) throw new Error('JWT keys are not loaded');
    return this.verifying;
  }
}
