import { Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable the gateway reads, with its default. This class is the single
 * place that knows variable names; `docs/configuration.md` and `.env.example` mirror it.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'], { message: 'must be one of development, production, test' })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsString()
  HOST = '0.0.0.0';

  @Transform(toInt)
  @Min(0)
  @Max(65535)
  @IsInt({ message: 'must be an integer port number' })
  PORT = 8080;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL such as https://gateway.example.com' })
  PUBLIC_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^\s]+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(toInt)
  @Min(1)
  @Max(500)
  @IsInt({ message: 'must be an integer' })
  DATABASE_POOL_SIZE = 10;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  DATABASE_SSL = false;

  @IsString()
  DATA_DIR = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/[^\s]*$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL = 'info';

  @IsIn(['json', 'pretty'], { message: 'must be json or pretty' })
  LOG_FORMAT: 'json' | 'pretty' = 'json';

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  LOG_REQUESTS = true;

  @IsString()
  CORS_ORIGINS = '';

  @Transform(toInt)
  @Min(1024)
  @IsInt({ message: 'must be an integer number of bytes' })
  MAX_BODY_BYTES = 20 * 1024 * 1024;

  @Transform(toInt)
  @Min(1024)
  @IsInt({ message: 'must be an integer number of bytes' })
  MAX_API_BODY_BYTES = 1024 * 1024;

  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @IsString()
  TRUST_PROXY = 'false';

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  SWAGGER_ENABLED = true;
}

/** Every variable name the schema declares (including optional ones without a default). */
export function environmentVariableNames(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}
