import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ProviderFileDto, type ModelDto, type PricingDto } from './catalog.schema.js';
import { OPERATIONS, type CatalogModel, type CatalogProvider, type ModelPricing } from './catalog.types.js';

/** The catalog files ship beside this module (the build copies .json files next to the .js). */
export const DEFAULT_CATALOG_DIR = import.meta.dirname;

/** Priority of providers whose file does not set one. */
const DEFAULT_PRIORITY = 100;

/** A catalog file that cannot be used; boot fails with it, naming the file and the field. */
export class CatalogValidationError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`Invalid provider catalog ${file}: ${field}: ${problem}`);
    this.name = 'CatalogValidationError';
  }
}

/** The conventional variable prefix of a provider id: `azure-openai` -> `AZURE_OPENAI`. */
export function envPrefix(providerId: string): string {
  return providerId.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function firstProblem(
  errors: readonly ValidationError[],
  prefix = '',
): { field: string; message: string } | null {
  for (const error of errors) {
    const field = /^\d+$/.test(error.property)
      ? `${prefix}[${error.property}]`
      : prefix
        ? `${prefix}.${error.property}`
        : error.property;
    const [message] = Object.values(error.constraints ?? {});
    if (message !== undefined) return { field, message };
    const nested = firstProblem(error.children ?? [], field);
    if (nested) return nested;
  }
  return null;
}

function pricingOf(dto: PricingDto): ModelPricing {
  const { inputPerMTok, outputPerMTok, cachedInputPerMTok, perImage, perAudioMinute, perMChars } = dto;
  const { cacheWrite5mPerMTok, cacheWrite1hPerMTok, perSearch } = dto;
  return {
    inputPerMTok,
    outputPerMTok,
    ...(cachedInputPerMTok !== undefined ? { cachedInputPerMTok } : {}),
    ...(cacheWrite5mPerMTok !== undefined ? { cacheWrite5mPerMTok } : {}),
    ...(cacheWrite1hPerMTok !== undefined ? { cacheWrite1hPerMTok } : {}),
    ...(perImage !== undefined ? { perImage } : {}),
    ...(perAudioMinute !== undefined ? { perAudioMinute } : {}),
    ...(perMChars !== undefined ? { perMChars } : {}),
    ...(perSearch !== undefined ? { perSearch } : {}),
  };
}

function modelOf(dto: ModelDto): CatalogModel {
  return {
    id: dto.id,
    aliases: dto.aliases ?? [],
    capabilities: dto.capabilities,
    contextWindow: dto.contextWindow,
    maxOutputTokens: dto.maxOutputTokens,
    pricing: pricingOf(dto.pricing),
    disabled: false,
    ...(dto.free ? { free: true } : {}),
  };
}

/** Rules class-validator cannot express: names, conventions, uniqueness. */
function checkSemantics(dto: ProviderFileDto, file: string): void {
  const fail = (field: string, problem: string): never => {
    throw new CatalogValidationError(file, field, problem);
  };
  const expectedId = basename(file, '.json');
  if (dto.id !== expectedId) fail('id', `must equal the file name '${expectedId}'`);
  const prefix = envPrefix(dto.id);
  const expectedEnv = {
    apiKey: `${prefix}_API_KEY`,
    baseUrl: `${prefix}_BASE_URL`,
    timeoutMs: `${prefix}_TIMEOUT_MS`,
  };
  for (const key of ['apiKey', 'baseUrl', 'timeoutMs'] as const) {
    if (dto.env[key] !== expectedEnv[key]) fail(`env.${key}`, `must be ${expectedEnv[key]}`);
  }
  if (dto.responsesApi && dto.format !== 'openai') fail('responsesApi', "needs format 'openai'");
  if (dto.models.length === 0 && !dto.unlistedModels)
    fail('models', 'must list at least one model (or set unlistedModels)');
  const names = new Set<string>();
  dto.models.forEach((model, i) => {
    if (!model.capabilities.some((c) => (OPERATIONS as readonly string[]).includes(c))) {
      fail(`models[${i}].capabilities`, `must include at least one of ${OPERATIONS.join(', ')}`);
    }
    if (names.has(model.id)) fail(`models[${i}].id`, `'${model.id}' is listed twice`);
    names.add(model.id);
  });
  dto.models.forEach((model, i) => {
    for (const alias of model.aliases ?? []) {
      if (names.has(alias))
        fail(`models[${i}].aliases`, `'${alias}' is already a model id or alias of this provider`);
      names.add(alias);
    }
  });
  if (dto.defaultModel !== undefined) {
    const model = dto.models.find((m) => m.id === dto.defaultModel || m.aliases?.includes(dto.defaultModel!));
    if (!model) fail('defaultModel', `'${dto.defaultModel}' is not a model id or alias of this provider`);
    else if (!model.capabilities.includes('chat'))
      fail('defaultModel', `'${dto.defaultModel}' is not a chat model`);
  }
  if (
    dto.unlistedModels &&
    !dto.unlistedModels.capabilities.some((c) => (OPERATIONS as readonly string[]).includes(c))
  ) {
    fail('unlistedModels.capabilities', `must include at least one of ${OPERATIONS.join(', ')}`);
  }
}

/** Reads and validates one catalog file. */
export function loadProviderFile(file: string): CatalogProvider {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CatalogValidationError(file, '(file)', `is not readable JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CatalogValidationError(file, '(file)', 'must hold one JSON object');
  }
  const dto = plainToInstance(ProviderFileDto, json);
  const problem = firstProblem(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }));
  if (problem) throw new CatalogValidationError(file, problem.field, problem.message);
  checkSemantics(dto, file);
  const unlisted = dto.unlistedModels;
  return {
    id: dto.id,
    name: dto.name,
    format: dto.format,
    defaultBaseUrl: dto.defaultBaseUrl,
    env: { apiKey: dto.env.apiKey, baseUrl: dto.env.baseUrl, timeoutMs: dto.env.timeoutMs },
    keyRequired: dto.keyRequired,
    baseUrlRequired: dto.baseUrlRequired ?? false,
    ...(dto.responsesApi ? { responsesApi: true } : {}),
    timeoutMs: dto.timeoutMs,
    priority: dto.priority ?? DEFAULT_PRIORITY,
    ...(dto.docsUrl !== undefined ? { docsUrl: dto.docsUrl } : {}),
    ...(dto.notes !== undefined ? { notes: dto.notes } : {}),
    ...(dto.defaultModel !== undefined ? { defaultModel: dto.defaultModel } : {}),
    ...(unlisted
      ? {
          unlistedModels: {
            capabilities: unlisted.capabilities,
            contextWindow: unlisted.contextWindow,
            maxOutputTokens: unlisted.maxOutputTokens,
            pricing: pricingOf(unlisted.pricing),
            ...(unlisted.free ? { free: true } : {}),
          },
        }
      : {}),
    models: dto.models.map(modelOf),
  };
}

/** Every `*.json` file of a directory, validated, in catalog order (priority, then id). */
export function loadCatalog(dir: string = DEFAULT_CATALOG_DIR): CatalogProvider[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`No provider catalog files (*.json) in ${dir}`);
  return files
    .map((name) => loadProviderFile(join(dir, name)))
    .sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
}
