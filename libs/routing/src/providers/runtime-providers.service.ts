import { Inject, Injectable } from '@nestjs/common';
import { ActivityLogService, actorOf, type ActivityAction } from '@switchyard/activity-log';
import { hasRole, scopeOf, type Caller } from '@switchyard/auth';
import {
  AppConfig,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  OutboundPolicy,
  PermissionDeniedError,
  UpstreamError,
  page,
  type Page,
} from '@switchyard/core';
import {
  CatalogService,
  DiscoveryError,
  KEY_SOURCE,
  KEYLESS_PLACEHOLDER,
  OPERATIONS,
  discoverModels,
  keyRequiredByDefault,
  normaliseBaseUrl,
  runtimeIdProblem,
  wireFormatOf,
  type KeySource,
  type RuntimeFormat,
  type RuntimeModelDefinition,
} from '@switchyard/providers';
import { scopeFor } from '../models/models.service.js';
import { checkHeaders, maskHeaders } from './default-headers.js';
import { RuntimeProviderEntity } from './runtime-provider.entity.js';
import {
  type CreateRuntimeProviderDto,
  type DiscoveryView,
  type RuntimeModelDto,
  type RuntimeProviderListQueryDto,
  type RuntimeProviderView,
  type UpdateRuntimeProviderDto,
} from './runtime-provider.dto.js';
import { RuntimeProviderRegistry } from './runtime-provider.registry.js';
import { RuntimeProviderRepository, type RuntimeProviderChanges } from './runtime-provider.repository.js';

const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_CAPABILITIES = ['chat', 'streaming'] as const;
const DEFAULT_CONTEXT_WINDOW = 8192;
const DEFAULT_MAX_OUTPUT = 4096;
/** The most a discovery may take, whatever the provider's own timeout. */
const DISCOVERY_TIMEOUT_MS = 10_000;

/**
 * Providers registered at run time: platform admins register providers for every tenant (or for
 * one), tenant admins for their own tenant; members read what they can use. Another tenant's
 * provider is a 404 for every action, as if it did not exist. Every change is applied to the
 * catalog on every instance before (here) or within moments of (elsewhere) the answer.
 */
@Injectable()
export class RuntimeProvidersService {
  constructor(
    private readonly repo: RuntimeProviderRepository,
    private readonly registry: RuntimeProviderRegistry,
    private readonly catalog: CatalogService,
    private readonly outbound: OutboundPolicy,
    private readonly activity: ActivityLogService,
    private readonly config: AppConfig,
    @Inject(KEY_SOURCE) private readonly keys: KeySource,
  ) {}

  async create(caller: Caller, dto: CreateRuntimeProviderDto): Promise<RuntimeProviderView> {
    const tenantId = await this.tenantFor(caller, dto.tenant_id);
    this.assertMaySetUrl(caller);
    const id = dto.id.trim();
    const problem = runtimeIdProblem(id);
    if (problem) throw new InvalidRequestError(`${problem}.`, { param: 'id', code: 'invalid_value' });
    if (this.catalog.isBuiltIn(id)) {
      throw new ConflictError(`"${id}" is a catalog provider; choose another id.`, {
        param: 'id',
        code: 'provider_exists',
      });
    }
    if (await this.repo.idTaken(id)) throw this.idTaken(id);
    const entity = new RuntimeProviderEntity();
    Object.assign(entity, {
      id,
      tenantId,
      name: dto.name?.trim() || id,
      format: dto.format,
      baseUrl: await this.checkedBaseUrl(dto.format, dto.base_url),
      defaultHeaders: checkHeaders(dto.default_headers ?? {}),
      timeoutMs: dto.timeout_ms ?? DEFAULT_TIMEOUT_MS,
      keyRequired: dto.key_required ?? keyRequiredByDefault(dto.format),
      responsesApi: responsesApiOf(dto.format, dto.responses_api ?? false),
      models: checkModels(dto.models),
      createdBy: caller.userId,
      updatedBy: caller.userId,
    });
    try {
      await this.repo.insert(entity);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw this.idTaken(id);
      throw err;
    }
    await this.registry.changed(id);
    this.record(
      caller,
      'PROVIDER_CREATED',
      entity,
      `Provider "${id}" registered (${entity.models.length} models).`,
      {
        format: entity.format,
        base_url: entity.baseUrl,
        models: entity.models.length,
      },
    );
    return this.view(caller, (await this.repo.findVisible({ kind: 'all' }, id))!);
  }

  async list(caller: Caller, query: RuntimeProviderListQueryDto): Promise<Page<RuntimeProviderView>> {
    const [rows, total] = await this.repo.list(scopeOf(caller), query.limit, query.offset);
    return page(
      rows.map((r) => this.view(caller, r)),
      total,
      query,
    );
  }

  async get(caller: Caller, id: string): Promise<RuntimeProviderView> {
    return this.view(caller, await this.find(caller, id));
  }

  async update(caller: Caller, id: string, dto: UpdateRuntimeProviderDto): Promise<RuntimeProviderView> {
    const row = await this.writable(caller, id);
    const changes: RuntimeProviderChanges = { updatedBy: caller.userId };
    const changed: string[] = [];
    if (dto.name !== undefined) {
      changes.name = dto.name.trim() || row.id;
      changed.push('name');
    }
    if (dto.format !== undefined || dto.base_url !== undefined) {
      this.assertMaySetUrl(caller);
      const format = dto.format ?? row.format;
      changes.format = format;
      changes.baseUrl = await this.checkedBaseUrl(format, dto.base_url ?? row.baseUrl);
      if (dto.format !== undefined) changed.push('format');
      if (dto.base_url !== undefined) changed.push('base_url');
    }
    if (dto.default_headers !== undefined) {
      changes.defaultHeaders = checkHeaders(dto.default_headers, row.defaultHeaders);
      changed.push('default_headers');
    }
    if (dto.timeout_ms !== undefined) {
      changes.timeoutMs = dto.timeout_ms;
      changed.push('timeout_ms');
    }
    if (dto.key_required !== undefined) {
      changes.keyRequired = dto.key_required;
      changed.push('key_required');
    }
    if (dto.responses_api !== undefined || (dto.format !== undefined && row.responsesApi)) {
      changes.responsesApi = responsesApiOf(dto.format ?? row.format, dto.responses_api ?? row.responsesApi);
      if (dto.responses_api !== undefined) changed.push('responses_api');
    }
    if (dto.models !== undefined) {
      changes.models = checkModels(dto.models);
      changed.push('models');
    }
    if (changed.length > 0) {
      if (!(await this.repo.update(scopeOf(caller), row.id, changes))) throw this.notFound(id);
      await this.registry.changed(row.id);
      this.record(caller, 'PROVIDER_UPDATED', row, `Provider "${row.id}" changed: ${changed.join(', ')}.`, {
        changed,
        ...(changes.baseUrl !== undefined ? { base_url: changes.baseUrl } : {}),
      });
    }
    return this.get(caller, id);
  }

  async delete(caller: Caller, id: string): Promise<void> {
    const row = await this.writable(caller, id);
    if (!(await this.repo.delete(scopeOf(caller), row.id))) throw this.notFound(id);
    await this.registry.changed(row.id);
    this.record(caller, 'PROVIDER_DELETED', row, `Provider "${row.id}" removed.`, {
      format: row.format,
      base_url: row.baseUrl,
    });
  }

  /**
   * Asks the provider which models it serves (through the outbound policy, with the caller's best
   * vault key or none, within DISCOVERY_TIMEOUT_MS) and returns them for the admin to add; adds
   * nothing. A failure is a 502 naming what failed.
   */
  async discover(caller: Caller, id: string): Promise<DiscoveryView> {
    const row = await this.writable(caller, id);
    const scope = { tenantId: row.tenantId ?? caller.tenantId, userId: caller.userId };
    // A keyless provider gets the placeholder, as its calls do (OpenAI-style servers want a bearer).
    const [best] = await this.keys.keysFor(row.id, scope);
    const apiKey = best?.apiKey;
    const authenticated = apiKey !== undefined && apiKey !== KEYLESS_PLACEHOLDER;
    let result;
    try {
      result = await discoverModels({
        provider: row.id,
        format: row.format,
        baseUrl: row.baseUrl,
        apiKey,
        headers: row.defaultHeaders,
        timeoutMs: Math.min(row.timeoutMs, DISCOVERY_TIMEOUT_MS),
        fetch: this.outbound.fetch,
      });
    } catch (err) {
      if (!(err instanceof DiscoveryError)) throw err;
      const refused = err.upstreamStatus === 401 || err.upstreamStatus === 403;
      const hint = refused && !authenticated ? ` No key was sent: add one for ${row.id} to the vault.` : '';
      throw new UpstreamError(502, `Discovery of ${row.id} failed: ${err.message}${hint}`, {
        code: 'discovery_failed',
        details: { reason: err.reason, upstream_status: err.upstreamStatus ?? null },
      });
    }
    const registered = new Set(row.models.flatMap((m) => [m.id, ...m.aliases]));
    return {
      provider: row.id,
      url: result.url,
      authenticated,
      models: result.models.map((m) => ({ ...m, registered: registered.has(m.id) })),
    };
  }

  private view(caller: Caller, row: RuntimeProviderEntity): RuntimeProviderView {
    // Members, and anybody calling with an inference API key, see what they can use, not where it lives.
    const detailed = caller.kind === 'user' && hasRole(caller.role, 'tenant_admin');
    return {
      id: row.id,
      name: row.name,
      format: row.format,
      wire_format: wireFormatOf(row.format),
      scope: row.tenantId === null ? 'platform' : 'tenant',
      tenant_id: row.tenantId,
      base_url: detailed ? row.baseUrl : null,
      default_headers: detailed ? maskHeaders(row.defaultHeaders) : null,
      timeout_ms: row.timeoutMs,
      key_required: row.keyRequired,
      responses_api: row.responsesApi,
      available: this.keys.isAvailable(row.id, scopeFor(caller)),
      models: row.models.map((m) => ({
        id: `${row.id}/${m.id}`,
        model: m.id,
        aliases: [...m.aliases],
        capabilities: [...m.capabilities],
        context_window: m.contextWindow,
        max_output_tokens: m.maxOutputTokens,
        pricing: { ...m.pricing },
        free: m.free === true,
      })),
      created_at: row.createdAt.toISOString(),
      updated_at: row.updatedAt.toISOString(),
    };
  }

  private async find(caller: Caller, id: string): Promise<RuntimeProviderEntity> {
    const row = await this.repo.findVisible(scopeOf(caller), id);
    if (!row) throw this.notFound(id);
    return row;
  }

  /** A provider the caller may change: its tenant's (tenant admins) or any (platform admins). */
  private async writable(caller: Caller, id: string): Promise<RuntimeProviderEntity> {
    const row = await this.find(caller, id);
    if (row.tenantId === null && !hasRole(caller.role, 'platform_admin')) {
      throw new PermissionDeniedError(`Only platform admins manage the platform provider "${id}".`);
    }
    return row;
  }

  private async tenantFor(caller: Caller, requested: string | null | undefined): Promise<string | null> {
    if (hasRole(caller.role, 'platform_admin')) {
      if (!requested) return null;
      if (!(await this.repo.tenantExists(requested))) {
        throw new NotFoundError(`No tenant with id ${requested}.`, { param: 'tenant_id' });
      }
      return requested;
    }
    if (requested && requested !== caller.tenantId) {
      throw new NotFoundError(`No tenant with id ${requested}.`, { param: 'tenant_id' });
    }
    return caller.tenantId;
  }

  /**
   * A base URL aims the gateway anywhere the outbound policy admits, as a key's base URL does
   * (decision 0009): platform admins always, tenant admins only with TENANT_BASE_URLS.
   */
  private assertMaySetUrl(caller: Caller): void {
    if (hasRole(caller.role, 'platform_admin')) return;
    if (this.config.vault.tenantBaseUrls) return;
    throw new PermissionDeniedError(
      'Only platform admins may register providers (the operator has not enabled TENANT_BASE_URLS).',
      { param: 'base_url', code: 'base_url_not_allowed' },
    );
  }

  private async checkedBaseUrl(format: RuntimeFormat, raw: string): Promise<string> {
    let url: string;
    try {
      url = normaliseBaseUrl(format, raw);
    } catch {
      throw new InvalidRequestError('base_url is not a valid URL.', {
        param: 'base_url',
        code: 'invalid_value',
      });
    }
    // The courtesy check at registration; the adapters check again at every connection.
    await this.outbound.assertAllowed(url, 'base_url');
    return url;
  }

  private notFound(id: string): NotFoundError {
    return new NotFoundError(`No provider ${id}.`, { code: 'provider_not_found' });
  }

  private idTaken(id: string): ConflictError {
    // Whose it is stays unsaid: another tenant's provider is not disclosed.
    return new ConflictError(`The provider id "${id}" is taken; choose another.`, {
      param: 'id',
      code: 'provider_exists',
    });
  }

  private record(
    caller: Caller,
    action: ActivityAction,
    row: RuntimeProviderEntity,
    description: string,
    metadata: Record<string, unknown>,
  ): void {
    this.activity.record({
      action,
      tenantId: row.tenantId,
      actor: actorOf(caller),
      provider: row.id,
      description,
      metadata: { scope: row.tenantId === null ? 'platform' : 'tenant', name: row.name, ...metadata },
    });
  }
}

/** The models as stored, defaults applied; 400 naming the model's field for what validation cannot see. */
function checkModels(models: readonly RuntimeModelDto[]): RuntimeModelDefinition[] {
  const names = new Map<string, string>();
  return models.map((m, i) => {
    const capabilities = m.capabilities ? [...new Set(m.capabilities)] : [...DEFAULT_CAPABILITIES];
    if (!capabilities.some((c) => (OPERATIONS as readonly string[]).includes(c))) {
      throw new InvalidRequestError(`A model needs at least one operation (${OPERATIONS.join(', ')}).`, {
        param: `models[${i}].capabilities`,
        code: 'invalid_value',
      });
    }
    const aliases = [...new Set((m.aliases ?? []).filter((a) => a !== m.id))];
    for (const [field, name] of [['id', m.id], ...aliases.map((a, j) => [`aliases[${j}]`, a])] as const) {
      const clash = names.get(name);
      if (clash !== undefined) {
        throw new InvalidRequestError(`"${name}" names two models of this provider (also ${clash}).`, {
          param: `models[${i}].${field}`,
          code: 'invalid_value',
        });
      }
      names.set(name, `models[${i}]`);
    }
    const pricing = Object.fromEntries(
      Object.entries(m.pricing).filter(([, v]) => typeof v === 'string'),
    ) as unknown as RuntimeModelDefinition['pricing'];
    return {
      id: m.id,
      aliases,
      capabilities,
      contextWindow: m.context_window ?? DEFAULT_CONTEXT_WINDOW,
      maxOutputTokens: m.max_output_tokens ?? DEFAULT_MAX_OUTPUT,
      pricing,
      ...(m.free === true ? { free: true } : {}),
    };
  });
}

/** The Responses flag of a registration: only the `openai` format can speak that API. */
function responsesApiOf(format: RuntimeFormat, wanted: boolean): boolean {
  if (wanted && format !== 'openai') {
    throw new InvalidRequestError(`responses_api needs format 'openai' (this provider is '${format}').`, {
      param: 'responses_api',
      code: 'invalid_value',
    });
  }
  return wanted;
}
