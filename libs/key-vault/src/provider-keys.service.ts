import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ActivityLogService,
  actorOf,
  currentRequestContext,
  type ActivityAction,
} from '@switchyard/activity-log';
import { hasRole, tenantScope, type Caller } from '@switchyard/auth';
import {
  AppConfig,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  OutboundPolicy,
  PermissionDeniedError,
  page,
  type Page,
} from '@switchyard/core';
import {
  CatalogService,
  ProviderEnvironment,
  ProviderError,
  ProviderRegistry,
  type ProviderCredentials,
} from '@switchyard/providers';
import { fromObjects, parseImport, type ImportRow } from './key-import.parser.js';
import { KeyHealthStore } from './key-health.store.js';
import { ProviderKeyEntity, ownerKeyOf, type OwnerType } from './provider-key.entity.js';
import {
  ImportResultView,
  ProviderKeyTestView,
  ProviderKeyView,
  type CreateProviderKeyDto,
  type ImportLineView,
  type ImportProviderKeysDto,
  type ProviderKeyListQueryDto,
  type UpdateProviderKeyDto,
} from './provider-key.dto.js';
import { ProviderKeyRepository, type KeyVisibility } from './provider-key.repository.js';
import { VaultCipher, VaultDecryptError } from './vault-cipher.js';
import { VaultIndex } from './vault-index.js';
import { VaultKeySource } from './vault-key-source.js';

const HTTP_URL = /^https?:\/\/[^\s]+$/;
const MAX_IMPORT_ROWS = 5000;
const TEST_TIMEOUT_MS = 15_000;

interface Owner {
  ownerType: OwnerType;
  tenantId: string | null;
  userId: string | null;
}

/** Why a string cannot be a provider key, or undefined when it may be one. */
export function keyProblem(key: string): string | undefined {
  if (key === '') return 'empty key';
  if (key.length < 8) return 'too short to be a provider key (fewer than 8 characters)';
  if (key.length > 4096) return 'too long to be a provider key (more than 4096 characters)';
  if (/\s/.test(key)) return 'a key cannot contain spaces or line breaks';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'a key cannot contain control characters';
  // It travels in an HTTP header, which cannot carry it otherwise (every call with it would fail).
  if (/[^\u0021-\u007e]/.test(key)) return 'a key is printable ASCII';
  return undefined;
}

/**
 * The vault's management API: platform admins manage platform keys, tenant admins their
 * tenant's keys (and its users'), everybody their own. A key outside what the caller may see is
 * a 404, never a 403: its existence is not disclosed.
 */
@Injectable()
export class ProviderKeysService {
  constructor(
    private readonly repo: ProviderKeyRepository,
    private readonly cipher: VaultCipher,
    private readonly index: VaultIndex,
    private readonly health: KeyHealthStore,
    private readonly keySource: VaultKeySource,
    private readonly catalog: CatalogService,
    private readonly registry: ProviderRegistry,
    private readonly environment: ProviderEnvironment,
    private readonly activity: ActivityLogService,
    private readonly config: AppConfig,
    private readonly outbound: OutboundPolicy,
  ) {}

  async create(caller: Caller, dto: CreateProviderKeyDto): Promise<ProviderKeyView> {
    const owner = await this.ownerFor(caller, dto.owner, dto.tenant_id);
    const provider = dto.provider.trim();
    // The owner's tenant decides which runtime providers exist for the key.
    if (!this.catalog.provider(provider, owner.tenantId)) {
      throw new InvalidRequestError(`Unknown provider "${provider}".`, {
        param: 'provider',
        code: 'unknown_provider',
      });
    }
    const key = dto.key.trim();
    const problem = keyProblem(key);
    if (problem)
      throw new InvalidRequestError(`Not a usable key: ${problem}.`, { param: 'key', code: 'invalid_key' });
    const baseUrl = dto.base_url?.trim() || null;
    if (baseUrl) {
      this.assertMayOverrideUrl(caller);
      await this.outbound.assertAllowed(baseUrl, 'base_url');
    }
    const urlProblem = this.baseUrlProblem(provider, baseUrl);
    if (urlProblem)
      throw new InvalidRequestError(urlProblem, { param: 'base_url', code: 'base_url_required' });
    const ownerKey = ownerKeyOf(owner);
    if ((await this.repo.existingFingerprints(ownerKey, provider, this.cipher.fingerprints(key))).size > 0) {
      throw new ConflictError(`This ${provider} key is already in the vault.`, {
        param: 'key',
        code: 'duplicate_key',
      });
    }
    const entity = this.seal(caller, owner, provider, key, dto.name?.trim() || `${provider} key`, baseUrl);
    try {
      await this.repo.insertAll([entity]);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new ConflictError(`This ${provider} key is already in the vault.`, {
          param: 'key',
          code: 'duplicate_key',
        });
      }
      throw err;
    }
    await this.index.changed(ownerKey);
    this.record(caller, 'ADD', entity, `Key "${entity.name}" added to the ${owner.ownerType} pool.`);
    return ProviderKeyView.from((await this.repo.findById({ scope: { kind: 'all' } }, entity.id))!);
  }

  async list(caller: Caller, query: ProviderKeyListQueryDto): Promise<Page<ProviderKeyView>> {
    const [rows, total] = await this.repo.list(
      this.visibility(caller),
      { provider: query.provider, ownerType: query.owner },
      query.limit,
      query.offset,
    );
    return page(
      rows.map((k) => this.view(k)),
      total,
      query,
    );
  }

  async get(caller: Caller, id: string): Promise<ProviderKeyView> {
    return this.view(await this.find(caller, id));
  }

  async update(caller: Caller, id: string, dto: UpdateProviderKeyDto): Promise<ProviderKeyView> {
    const key = await this.find(caller, id);
    if (dto.base_url !== undefined) {
      this.assertMayOverrideUrl(caller);
      if (dto.base_url?.trim()) await this.outbound.assertAllowed(dto.base_url.trim(), 'base_url');
      const problem = this.baseUrlProblem(key.provider, dto.base_url);
      if (problem) throw new InvalidRequestError(problem, { param: 'base_url', code: 'base_url_required' });
    }
    const values: { name?: string; baseUrl?: string | null } = {};
    if (dto.name !== undefined) values.name = dto.name.trim();
    if (dto.base_url !== undefined) values.baseUrl = dto.base_url?.trim() || null;
    if (Object.keys(values).length > 0) await this.repo.update(key.id, values);
    if (dto.enabled === false && key.status !== 'disabled') {
      if (await this.repo.setStatus(key.id, 'disabled')) {
        this.record(caller, 'UNSELECT', key, `Key "${key.name}" is no longer selected: it was disabled.`, {
          reason: 'disabled',
        });
      }
    } else if (dto.enabled === true && (key.status !== 'active' || key.failureCount > 0)) {
      await this.repo.setStatus(key.id, 'active');
      await this.health.clear(key.id);
    }
    await this.index.changed(key.ownerKey);
    return this.get(caller, id);
  }

  async delete(caller: Caller, id: string): Promise<void> {
    const key = await this.find(caller, id);
    await this.repo.delete(this.visibility(caller), key.id);
    await this.index.changed(key.ownerKey);
    this.record(caller, 'DELETE', key, `Key "${key.name}" deleted from the ${key.ownerType} pool.`);
  }

  async select(caller: Caller, id: string): Promise<ProviderKeyView> {
    const key = await this.find(caller, id);
    const previous = await this.repo.select(key.id);
    if (previous === null) {
      throw new InvalidRequestError(`Only an active key can be selected; this one is ${key.status}.`, {
        code: 'key_not_usable',
      });
    }
    await this.health.cancelReselect(key.ownerKey, key.provider);
    for (const p of previous) {
      this.activity.record({
        action: 'UNSELECT',
        tenantId: p.tenantId,
        actor: actorOf(caller),
        provider: p.provider,
        keyId: p.id,
        keyHint: `…${p.last4}`,
        description: `Another key was selected instead.`,
        metadata: { reason: 'replaced', selected_key_id: key.id },
      });
    }
    if (!key.selected) this.record(caller, 'SELECT', key, `Key "${key.name}" selected for ${key.provider}.`);
    await this.index.changed(key.ownerKey);
    return this.get(caller, id);
  }

  async unselect(caller: Caller, id: string): Promise<ProviderKeyView> {
    const key = await this.find(caller, id);
    if (await this.repo.unselect(key.id)) {
      this.record(caller, 'UNSELECT', key, `Key "${key.name}" unselected.`, { reason: 'manual' });
      await this.index.changed(key.ownerKey);
    }
    return this.get(caller, id);
  }

  /** One cheap authenticated call (the provider's model list, or its equivalent) with this key. */
  async test(caller: Caller, id: string): Promise<ProviderKeyTestView> {
    const key = await this.find(caller, id);
    const provider = this.catalog.provider(key.provider, key.tenantId);
    if (!provider) throw new ConflictError(`Provider "${key.provider}" is no longer in the catalog.`);
    const endpoint = this.environment.endpoint(key.provider);
    const adapter = this.registry.adapterFor(provider.format);
    if (!adapter.ping) {
      throw new InvalidRequestError(`Keys of ${key.provider} cannot be tested.`, {
        code: 'test_not_supported',
      });
    }
    let secret: string;
    try {
      secret = this.cipher.decrypt(key.ciphertext, key.id);
    } catch (err) {
      if (err instanceof VaultDecryptError) {
        throw new ConflictError(`This key cannot be decrypted (${err.message}).`, {
          code: 'key_undecryptable',
        });
      }
      throw err;
    }
    const credentials: ProviderCredentials = {
      apiKey: secret,
      baseUrl: key.baseUrl ?? endpoint!.baseUrl,
      keyId: key.id,
      ...(endpoint?.headers ? { headers: endpoint.headers } : {}),
    };
    const context = currentRequestContext();
    const started = Date.now();
    let failure: ProviderError | undefined;
    try {
      await adapter.ping(credentials, {
        timeoutMs: Math.min(this.environment.timeoutMs(key.provider) ?? TEST_TIMEOUT_MS, TEST_TIMEOUT_MS),
        requestId: context.requestId,
        provider: key.provider,
      });
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      failure = err;
    }
    const latency = Date.now() - started;
    const error = failure
      ? {
          kind: failure.kind,
          // Adapters never put keys in messages; this is the belt to their braces.
          message: failure.message.split(secret).join(`…${key.last4}`),
          upstream_status: failure.upstreamStatus ?? null,
        }
      : undefined;
    this.record(
      caller,
      'TEST',
      key,
      failure ? `Test of key "${key.name}" failed: ${error!.kind}.` : `Test of key "${key.name}" succeeded.`,
      {
        ok: !failure,
        latency_ms: latency,
        ...(error ? { error_kind: error.kind, upstream_status: error.upstream_status } : {}),
      },
      // Taken before the ping: the caller may have gone by now, and its context with it.
      context,
    );
    if (failure) {
      await this.keySource.recordFailure(
        credentials,
        key.provider,
        { kind: failure.kind, upstreamStatus: failure.upstreamStatus, retryAfterMs: failure.retryAfterMs },
        {
          requestId: context.requestId,
          ip: context.ip,
          tenantId: caller.tenantId,
          userId: caller.userId,
          apiKeyId: caller.apiKey?.id,
        },
      );
    } else if (key.status === 'invalid' && (await this.repo.reactivate(key.id))) {
      // The provider accepts it again (the account was fixed): back into rotation.
      await this.health.clear(key.id);
      await this.index.changed(key.ownerKey);
    }
    const after = await this.get(caller, id);
    return {
      id: key.id,
      ok: !failure,
      latency_ms: latency,
      status: after.status,
      ...(error ? { error } : {}),
    };
  }

  /**
   * Adds many keys at once. Every row is reported (added, skipped as a duplicate, or rejected
   * with the reason); the rows that pass are added together or not at all.
   */
  async import(caller: Caller, dto: ImportProviderKeysDto): Promise<ImportResultView> {
    let rows: ImportRow[];
    if (dto.keys) rows = fromObjects(dto.keys);
    else if (dto.content !== undefined) rows = parseImport(dto.content, dto.format ?? 'auto');
    else
      throw new InvalidRequestError('Give the file as content, or the rows as keys.', { param: 'content' });
    if (rows.length > MAX_IMPORT_ROWS) {
      throw new InvalidRequestError(`At most ${MAX_IMPORT_ROWS} keys per import.`, { param: 'content' });
    }
    const owner = await this.ownerFor(caller, dto.owner, dto.tenant_id);
    const ownerKey = ownerKeyOf(owner);
    const mayOverrideUrl = this.mayOverrideUrl(caller);
    const lines: ImportLineView[] = [];
    const candidates: Array<{
      row: ImportRow;
      provider: string;
      key: string;
      fingerprints: string[];
      baseUrl: string | null;
    }> = [];
    const inFile = new Set<string>();
    for (const row of rows) {
      const reject = (reason: string, provider?: string) =>
        lines.push({ line: row.line, status: 'rejected', reason, ...(provider ? { provider } : {}) });
      if (row.problem) {
        reject(row.problem);
        continue;
      }
      const provider = row.provider?.trim() || dto.provider?.trim();
      if (!provider) {
        reject('no provider: give "provider" in the request or in the row');
        continue;
      }
      if (!this.catalog.provider(provider, owner.tenantId)) {
        reject(`unknown provider "${provider.slice(0, 100)}"`);
        continue;
      }
      const key = row.key?.trim() ?? '';
      const problem = keyProblem(key);
      if (problem) {
        reject(problem, provider);
        continue;
      }
      const baseUrl = row.baseUrl?.trim() || null;
      if (baseUrl && !HTTP_URL.test(baseUrl)) {
        reject('base_url must be an http(s) URL', provider);
        continue;
      }
      if (baseUrl && !mayOverrideUrl) {
        reject(this.overrideRefusal(), provider);
        continue;
      }
      if (baseUrl) {
        const refused = await this.outbound.assertAllowed(baseUrl, 'base_url').then(
          () => undefined,
          (err: unknown) => (err instanceof InvalidRequestError ? err.message : 'base_url is refused'),
        );
        if (refused) {
          reject(refused, provider);
          continue;
        }
      }
      const urlProblem = this.baseUrlProblem(provider, baseUrl);
      if (urlProblem) {
        reject(urlProblem, provider);
        continue;
      }
      const fingerprint = this.cipher.fingerprint(key);
      if (inFile.has(`${provider}\u0000${fingerprint}`)) {
        lines.push({
          line: row.line,
          status: 'skipped',
          reason: 'duplicate (earlier in this file)',
          provider,
          key_hint: `…${key.slice(-4)}`,
        });
        continue;
      }
      inFile.add(`${provider}\u0000${fingerprint}`);
      candidates.push({ row, provider, key, fingerprints: this.cipher.fingerprints(key), baseUrl });
    }

    const existing = new Map<string, Set<string>>();
    for (const provider of new Set(candidates.map((c) => c.provider))) {
      const fingerprints = candidates.filter((c) => c.provider === provider).flatMap((c) => c.fingerprints);
      existing.set(provider, await this.repo.existingFingerprints(ownerKey, provider, fingerprints));
    }
    const entities: ProviderKeyEntity[] = [];
    for (const c of candidates) {
      const hint = `…${c.key.slice(-4)}`;
      if (c.fingerprints.some((f) => existing.get(c.provider)!.has(f))) {
        lines.push({
          line: c.row.line,
          status: 'skipped',
          reason: 'duplicate (already in the vault)',
          provider: c.provider,
          key_hint: hint,
        });
        continue;
      }
      const entity = this.seal(
        caller,
        owner,
        c.provider,
        c.key,
        c.row.name?.trim() || `imported, line ${c.row.line}`,
        c.baseUrl,
      );
      entities.push(entity);
      lines.push({ line: c.row.line, status: 'added', provider: c.provider, key_hint: hint, id: entity.id });
    }
    const dryRun = dto.dry_run === true;
    if (!dryRun && entities.length > 0) {
      try {
        await this.repo.insertAll(entities);
      } catch (err) {
        if ((err as { code?: string }).code === '23505') {
          throw new ConflictError(
            'A key of this file was added meanwhile; nothing was imported. Retry the import.',
            {
              code: 'import_conflict',
            },
          );
        }
        throw err;
      }
      await this.index.changed(ownerKey);
    }
    lines.sort((a, b) => a.line - b.line);
    const count = (status: ImportLineView['status']) => lines.filter((l) => l.status === status).length;
    const result = {
      added: dryRun ? 0 : count('added'),
      skipped: count('skipped'),
      rejected: count('rejected'),
      dry_run: dryRun,
      lines,
    };
    if (dryRun) for (const line of lines) if (line.status === 'added') delete line.id;
    if (!dryRun) {
      this.activity.record({
        action: 'IMPORT',
        tenantId: owner.tenantId,
        actor: actorOf(caller),
        description: `Imported ${result.added} key(s) into the ${owner.ownerType} pool; ${result.skipped} skipped, ${result.rejected} rejected.`,
        metadata: {
          owner: owner.ownerType,
          added: result.added,
          skipped: result.skipped,
          rejected: result.rejected,
          keys: entities
            .slice(0, 200)
            .map((e) => ({ id: e.id, provider: e.provider, key_hint: `…${e.last4}` })),
        },
      });
    }
    return result;
  }

  private seal(
    caller: Caller,
    owner: Owner,
    provider: string,
    key: string,
    name: string,
    baseUrl: string | null,
  ): ProviderKeyEntity {
    const id = randomUUID();
    const entity = new ProviderKeyEntity();
    Object.assign(entity, {
      id,
      ownerType: owner.ownerType,
      ownerKey: ownerKeyOf(owner),
      tenantId: owner.tenantId,
      userId: owner.userId,
      provider,
      name: name.slice(0, 100),
      baseUrl,
      ciphertext: this.cipher.encrypt(key, id),
      keyVersion: this.cipher.currentVersion,
      fingerprint: this.cipher.fingerprint(key),
      last4: key.slice(-4),
      status: 'active',
      createdBy: caller.userId,
    });
    return entity;
  }

  private view(key: ProviderKeyEntity): ProviderKeyView {
    return ProviderKeyView.from(key, this.health.coolingUntil(key.id));
  }

  private async find(caller: Caller, id: string): Promise<ProviderKeyEntity> {
    const key = await this.repo.findById(this.visibility(caller), id);
    if (!key) throw new NotFoundError(`No provider key with id ${id}.`);
    return key;
  }

  /** Platform admins see every key; tenant admins their tenant's (tenant and user keys); members their own. */
  private visibility(caller: Caller): KeyVisibility {
    if (hasRole(caller.role, 'platform_admin')) return { scope: { kind: 'all' } };
    if (hasRole(caller.role, 'tenant_admin')) return { scope: tenantScope(caller.tenantId) };
    return { scope: tenantScope(caller.tenantId), userId: caller.userId };
  }

  private async ownerFor(
    caller: Caller,
    requested: OwnerType | undefined,
    tenantId: string | undefined,
  ): Promise<Owner> {
    const ownerType =
      requested ??
      (hasRole(caller.role, 'platform_admin')
        ? 'platform'
        : hasRole(caller.role, 'tenant_admin')
          ? 'tenant'
          : 'user');
    switch (ownerType) {
      case 'platform':
        if (!hasRole(caller.role, 'platform_admin')) {
          throw new PermissionDeniedError('Only platform admins manage platform keys.', { param: 'owner' });
        }
        return { ownerType, tenantId: null, userId: null };
      case 'tenant': {
        if (!hasRole(caller.role, 'tenant_admin')) {
          throw new PermissionDeniedError("Only tenant admins manage the tenant's keys.", { param: 'owner' });
        }
        const target = tenantId ?? caller.tenantId;
        if (target !== caller.tenantId && !hasRole(caller.role, 'platform_admin')) {
          throw new NotFoundError(`No tenant with id ${target}.`, { param: 'tenant_id' });
        }
        if (!(await this.repo.tenantExists(target))) {
          throw new NotFoundError(`No tenant with id ${target}.`, { param: 'tenant_id' });
        }
        return { ownerType, tenantId: target, userId: null };
      }
      case 'user':
        if (tenantId && tenantId !== caller.tenantId) {
          throw new InvalidRequestError('A user key belongs to your own tenant.', { param: 'tenant_id' });
        }
        return { ownerType, tenantId: caller.tenantId, userId: caller.userId };
    }
  }

  /** A base URL points the gateway at any host: admins only (a member could aim it at the internal network). */
  /**
   * A base URL aims the gateway (and the key) anywhere the outbound policy admits: platform
   * admins may always set one, tenant admins only when TENANT_BASE_URLS is on, members never.
   */
  private mayOverrideUrl(caller: Caller): boolean {
    if (hasRole(caller.role, 'platform_admin')) return true;
    return this.config.vault.tenantBaseUrls && hasRole(caller.role, 'tenant_admin');
  }

  private overrideRefusal(): string {
    return this.config.vault.tenantBaseUrls
      ? 'Only admins may set a base URL.'
      : 'Only platform admins may set a base URL (the operator has not enabled TENANT_BASE_URLS).';
  }

  private assertMayOverrideUrl(caller: Caller): void {
    if (!this.mayOverrideUrl(caller)) {
      throw new PermissionDeniedError(this.overrideRefusal(), {
        param: 'base_url',
        code: 'base_url_not_allowed',
      });
    }
  }

  private baseUrlProblem(provider: string, baseUrl: string | null | undefined): string | undefined {
    const catalog = this.catalog.provider(provider);
    if (baseUrl || !catalog?.baseUrlRequired) return undefined;
    if (this.environment.endpoint(provider)?.baseUrlConfigured) return undefined;
    return `${provider} needs a base URL (give base_url, or set ${catalog.env.baseUrl})`;
  }

  private record(
    caller: Caller,
    action: ActivityAction,
    key: ProviderKeyEntity,
    description: string,
    metadata: Record<string, unknown> = {},
    request?: { requestId?: string; ip?: string },
  ): void {
    this.activity.record({
      action,
      tenantId: key.tenantId,
      actor: actorOf(caller),
      provider: key.provider,
      keyId: key.id,
      keyHint: `…${key.last4}`,
      description,
      requestId: request?.requestId,
      ip: request?.ip,
      metadata: { owner: key.ownerType, name: key.name, ...metadata },
    });
  }
}
