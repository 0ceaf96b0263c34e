/**
 * Generated from the gateway's OpenAPI document (apps/admin/openapi.json) by `npm run openapi`.
 * Do not edit: change the API's DTOs and decorators, then regenerate.
 */

export interface paths {
    "/api/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is up and serving HTTP. */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: the database (and Redis, when configured) answer.
         * @description Details also list the circuit breakers this instance holds that are not closed (provider, model, endpoint, state, when it opened). An open circuit does not make the instance unready: it skips one model.
         */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/activity-logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit trail, newest first (tenant admins: their tenant; platform admins: everything). Send `Accept: text/csv` to export every matching entry as CSV (`limit` and `offset` do not apply). */
        get: operations["ActivityLogController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/provider-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Provider keys you may manage, masked, with their status. */
        get: operations["ProviderKeysController_list"];
        put?: never;
        /** Add a provider key to the vault (encrypted; only its last four characters are shown). */
        post: operations["ProviderKeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/provider-keys/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add many keys: a JSON array, CSV with a header row, or one key per line. Reports every line: added, skipped (duplicate) or rejected (and why); the keys that pass are added together. */
        post: operations["ProviderKeysController_import"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/provider-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProviderKeysController_get"];
        put?: never;
        post?: never;
        delete: operations["ProviderKeysController_delete"];
        options?: never;
        head?: never;
        /** Rename, change the base URL, disable or re-enable a key. */
        patch: operations["ProviderKeysController_update"];
        trace?: never;
    };
    "/api/v1/provider-keys/{id}/select": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make this key its owner's first choice for its provider. */
        post: operations["ProviderKeysController_select"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/provider-keys/{id}/unselect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ProviderKeysController_unselect"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/provider-keys/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** One cheap authenticated call to the provider with this key (e.g. its model list). */
        post: operations["ProviderKeysController_test"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log in with email and password; returns an access and a refresh token (or sets the refresh cookie). */
        post: operations["AuthController_login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** OAuth2 token endpoint (password and refresh_token grants); what Swagger UI's Authorize button calls. */
        post: operations["AuthController_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange a refresh token (in the body, or the refresh cookie) for a new pair. The old one stops working; a cookie is rotated in place. */
        post: operations["AuthController_refresh"];
        /** End the login held by the refresh cookie (the console's sign-out) and clear the cookie. */
        delete: operations["AuthController_endCookieSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End this login (give its refresh token), or every session of yours (all=true). */
        post: operations["AuthController_logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The calling user and tenant. */
        get: operations["AuthController_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change your password. Every session (all refresh and access tokens) ends.
         * @description A wrong `current_password` is a 400 with `param: current_password` (code `invalid_password`); a new password shorter than 12 characters, or equal to the current one, a 400 with `param: new_password`. Sign in again with the new password afterwards.
         */
        post: operations["AuthController_changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/accept-invite": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set the password of an invited user with the one-time invite token; logs in. */
        post: operations["AuthController_acceptInvite"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List tenants (platform admins see all; tenant admins their own). */
        get: operations["TenantsController_list"];
        put?: never;
        /** Create a tenant (platform admins). */
        post: operations["TenantsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TenantsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Rename, disable/enable, or set the default RPM of a tenant (platform admins). */
        patch: operations["TenantsController_update"];
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List users (tenant admins: their tenant's; platform admins: all, or ?tenant_id=). */
        get: operations["UsersController_list"];
        put?: never;
        /** Create a user with a password, or invite one (no password: the response carries a one-time invite token). */
        post: operations["UsersController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["UsersController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Rename, change role, or disable/enable a user. Disabling ends their sessions. */
        patch: operations["UsersController_update"];
        trace?: never;
    };
    "/api/v1/users/{id}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Disable a user: they cannot log in, and their tokens and API keys stop working. */
        post: operations["UsersController_disable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}/role": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change a user's role (you cannot grant a role above your own). */
        post: operations["UsersController_role"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List keys, masked (members: their own; admins: the tenant's). */
        get: operations["ApiKeysController_list"];
        put?: never;
        /** Create a Switchyard API key. The secret is in the response once; store it. */
        post: operations["ApiKeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ApiKeysController_get"];
        put?: never;
        post?: never;
        /** Revoke a key. It stops working at once, on every instance. */
        delete: operations["ApiKeysController_revoke"];
        options?: never;
        head?: never;
        /** Change a key's name, expiry, allowed models, RPM, TPM or budget (null removes one). */
        patch: operations["ApiKeysController_update"];
        trace?: never;
    };
    "/api/v1/credits/balance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your credit balance (and what requests in flight hold). Admins: ?user_id= for a user in scope; they also see the tenant pool. With an API key: its budget too. */
        get: operations["CreditsController_balance"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credits/ledger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Ledger entries, newest first: your own; admins: their tenant (or one user, or the tenant pool). Filter by kind, request and time. */
        get: operations["CreditsController_ledger"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credits/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Grant credits to a user or a tenant pool (tenant and platform admins). Needs an Idempotency-Key: the same key twice grants once. */
        post: operations["CreditsController_grant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credits/transfers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move credits from the tenant pool to one of its users (tenant admins). Needs an Idempotency-Key: the same key twice moves once. */
        post: operations["CreditsController_transfer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credits/markup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tenant's price markup (your own; platform admins: ?tenant_id=). */
        get: operations["CreditsController_markup"];
        /** Set a tenant's price markup (platform admins); 1 = list prices. */
        put: operations["CreditsController_setMarkup"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credits/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reconcile (platform admins): recompute every balance from the ledger, with the other ledger invariants, and report any mismatch. */
        get: operations["CreditsController_verify"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Usage aggregates (requests, tokens, cost, errors, latency) grouped by day, model, provider, key, user, endpoint or status. Members and API keys: their own; admins: their tenant. */
        get: operations["UsageController_aggregate"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/usage/errors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The latest calls that failed or were aborted (time, model, provider, error class, request id). Members and API keys: their own; admins: their tenant. */
        get: operations["UsageController_errors"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Models the caller can use now (OpenAI shape; ids are provider/model). */
        get: operations["OpenAiModelsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{provider}/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One model by its provider/model id. */
        get: operations["OpenAiModelsController_getQualified"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One model by a bare id or alias. */
        get: operations["OpenAiModelsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every provider and model: capabilities, context window, pricing, availability. ?unpriced=true lists only the pricing gaps (each model and what it has no price for); ?capability= and ?tier= (free, low, standard, premium by price) filter the models. */
        get: operations["ModelsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ModelsController_provider"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{provider}/{model}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live performance of one model: calls in flight, and over the last five minutes calls, errors by class, error rate, mean time to first token, latency and output tokens per second. */
        get: operations["ModelsController_stats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{provider}/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ModelsController_model"];
        /** Override pricing or limits of a model, or switch it off (platform admins). */
        put: operations["ModelsController_override"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{provider}/{model}/override": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a model's override: the catalog's values apply again. */
        delete: operations["ModelsController_removeOverride"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/routes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Routes you can call (platform routes and your tenant's). */
        get: operations["RoutesController_list"];
        put?: never;
        /**
         * Create a named route: a virtual model with a strategy over targets.
         * @description Callers send its name as `model`. Strategies: fallback (in order), weighted, round-robin, least-busy (fewest calls in flight), least-latency (lowest recent time to first token), lowest-cost (cheapest for the request). Every strategy fails over to the other targets. mix, vote and chain run several models per call like `auto` (their models in `strategy_params`).
         */
        post: operations["RoutesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/routes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["RoutesController_get"];
        put?: never;
        post?: never;
        delete: operations["RoutesController_delete"];
        options?: never;
        head?: never;
        /** Change a route's strategy, targets or settings (its name and scope stay). */
        patch: operations["RoutesController_update"];
        trace?: never;
    };
    "/api/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runtime providers you can use: the platform's and your tenant's (platform admins: every one). Base URLs and default headers are shown to admins only. */
        get: operations["RuntimeProvidersController_list"];
        put?: never;
        /** Register a provider at run time: platform admins for every tenant (or one), tenant admins for their tenant (with TENANT_BASE_URLS). Served on every instance within a second, without a restart. */
        post: operations["RuntimeProvidersController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["RuntimeProvidersController_get"];
        put?: never;
        post?: never;
        /** Remove a provider; its models stop resolving on every instance. */
        delete: operations["RuntimeProvidersController_delete"];
        options?: never;
        head?: never;
        /** Change a provider: name, format, base URL, default headers, timeout, key, models. */
        patch: operations["RuntimeProvidersController_update"];
        trace?: never;
    };
    "/api/v1/providers/{id}/discover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask the provider which models it serves (OpenAI-compatible GET /models, Ollama GET /api/tags) and list them for you to add; adds nothing. 502 naming what failed. */
        post: operations["RuntimeProvidersController_discover"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orchestration/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The orchestration policy: the platform's (platform admins) or your tenant's override and what it yields. */
        get: operations["OrchestrationController_get"];
        /**
         * Replace the platform's policy (platform admins: a whole policy) or set your tenant's override (tenant admins: any part).
         * @description A bad field is a 400 `invalid_policy` naming it in `param`; nothing is written.
         */
        put: operations["OrchestrationController_put"];
        post?: never;
        /** Back to the shipped default (platform) or to no override (tenant). */
        delete: operations["OrchestrationController_reset"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orchestration/explain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What `model: "auto"` would do with a chat request, without running it.
         * @description The classification, the plan (strategy, a model per step, why each was chosen and what was passed over) and the sampling parameters. Only the classifier runs (the LLM classifier, when configured, is charged). Every orchestrated chat answer carries the same object as `switchyard` (with each step's latency, tokens and cost) beside `moe_metadata`.
         */
        post: operations["OrchestrationController_explain"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/chat/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * OpenAI chat completions (streaming and not), routed to any provider.
         * @description Exactly OpenAI's request and response. Extra fields: `models` (ordered fallbacks). `model` may be `provider/model`, a bare id or an alias. Send `X-Provider-Key` to use your own provider key.
         */
        post: operations["ChatController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** OpenAI legacy text completions (OpenAI-compatible providers). */
        post: operations["ChatController_completions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Anthropic Messages (streaming and not), routed to any provider.
         * @description Anthropic's request, answer, stream events and error shape, on every provider (Anthropic-format upstreams get the blocks natively; others are translated, see docs/translation.md). Authenticate with `x-api-key: <Switchyard API key>` or `Authorization: Bearer`. `model` may be `provider/model`, a bare id, an alias or a route.
         */
        post: operations["MessagesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/count_tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Count the input tokens of a Messages request (not charged).
         * @description The count the gateway reserves credits by (o200k tokenizer, tools and images included).
         */
        post: operations["MessagesController_countTokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * OpenAI Responses API: create a response (streaming and not), on any provider.
         * @description OpenAI's request and Response object. `input` is a string or items (messages with input_text, input_image and input_file parts; function_call and function_call_output; reasoning). Function tools only; built-in tools, `background` and other features that cannot be translated are refused with 400 naming them (docs/translation.md). `store` (default true) keeps the response for `GET`, `input_items` and `previous_response_id`. Stream events are OpenAI's typed events with `sequence_number`. Usage carries `cost`.
         */
        post: operations["ResponsesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieve a stored response (your own; any other id is 404). */
        get: operations["ResponsesController_get"];
        put?: never;
        post?: never;
        /** Delete a stored response. */
        delete: operations["ResponsesController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses/{id}/input_items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A stored response's input items, paged like OpenAI (newest first by default). */
        get: operations["ResponsesController_inputItems"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a background response: always 400, as Switchyard runs no responses in the background. */
        post: operations["ResponsesController_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/embeddings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** OpenAI embeddings: a string, strings, or token arrays; dimensions and base64 supported. */
        post: operations["EmbeddingsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rerank": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rerank (Cohere / Jina body): documents ordered by relevance to a query, billed per search unit.
         * @description `documents` are strings or objects with `text` (1 to 1000); `top_n` keeps the best n; `return_documents` adds each document to its result. One search unit is one query over up to 100 documents, charged at the model’s `perSearch` price.
         */
        post: operations["RerankController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/images/generations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** OpenAI image generation: n, size, quality, response_format url (signed gateway URL) or b64_json. */
        post: operations["ImagesController_generate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/images/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A generated image (signed, expiring URL from /v1/images/generations). */
        get: operations["ImagesController_serve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Files the caller can see, newest first (purpose, limit, after, order). */
        get: operations["FilesController_list"];
        put?: never;
        /** Upload a file (multipart: file, purpose). Text is extracted for PDF and text types. */
        post: operations["FilesController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/files/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One file object. */
        get: operations["FilesController_get"];
        put?: never;
        post?: never;
        /** Delete a file (metadata and bytes). */
        delete: operations["FilesController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/files/{id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The file's bytes, with its sniffed content type. */
        get: operations["FilesController_content"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audio/speech": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Text to speech: the audio bytes, charged per character. */
        post: operations["AudioController_speech"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audio/transcriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Speech to text (multipart: file, model; response_format json, text, verbose_json, srt, vtt). */
        post: operations["AudioController_transcriptions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** IndoxRouter: POST /v1/chat/completions; `model` may be left out (the default chat model). */
        post: operations["IndoxRouterController_chatCompletions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** IndoxRouter: POST /v1/completions. */
        post: operations["IndoxRouterController_completions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/embeddings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** IndoxRouter: POST /v1/embeddings. */
        post: operations["IndoxRouterController_createEmbeddings"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/images/generations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** IndoxRouter: POST /v1/images/generations. */
        post: operations["IndoxRouterController_generateImages"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openai": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** MoE: its chat endpoint, POST /v1/chat/completions with `model` defaulting to 'auto'. */
        post: operations["MoeController_openai"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ask": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** MoE's simple GET: GET /ask?q=<URL-encoded prompt>, answered by 'auto' as JSON. */
        get: operations["MoeController_askQuery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ask/{prompt}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** MoE's simple GET: GET /ask/<URL-encoded prompt>, answered by 'auto' as JSON. */
        get: operations["MoeController_askPath"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/files/upload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** ModelMixSuper: POST /v1/files with multipart `file`; `purpose` defaults to assistants. */
        post: operations["ModelMixSuperFilesController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/files/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** ModelMixSuper: GET /v1/files (the files the caller can see, newest first). */
        get: operations["ModelMixSuperFilesController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/files/{filename}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** ModelMixSuper: delete a file by its name among your files; several with that name: 409 listing their ids. */
        delete: operations["ModelMixSuperFilesController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/config/model": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** ModelMixSuper: store a provider key (POST /api/v1/provider-keys); `model_name` names the provider or one of its models. */
        post: operations["ModelMixSuperConfigController_configure"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/config/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** ModelMixSuper: the models you can call (GET /v1/models). */
        get: operations["ModelMixSuperConfigController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/generate-text": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hyper AI Gateway: text from `prompt` (or OpenAI `messages`), `model` (default: the default chat model), `stream`; answers a chat.completion with `text`. */
        post: operations["HyperController_generateText"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/vision/extract-text": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hyper AI Gateway: the text in an image or a PDF (multipart `file`, or `image_url`), read by a vision model (`model`, default 'image'); optional `prompt`. */
        post: operations["HyperController_extractText"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ActivityActorView: {
            /** @enum {string} */
            type: "user" | "api_key" | "system";
            id: string | null;
            /** @example ops@example.com */
            label: string | null;
        };
        ActivityLogView: {
            /** @example 1042 */
            id: string;
            /** Format: date-time */
            time: string;
            /** Format: uuid */
            tenant_id: string | null;
            actor: components["schemas"]["ActivityActorView"];
            /** @enum {string} */
            action: "ADD" | "DELETE" | "SELECT" | "UNSELECT" | "IMPORT" | "TEST" | "COOLDOWN" | "INVALID" | "EXHAUSTED" | "FAILOVER" | "CIRCUIT_OPEN" | "CIRCUIT_CLOSE" | "LOGIN_SUCCEEDED" | "LOGIN_FAILED" | "API_KEY_CREATED" | "API_KEY_REVOKED" | "USER_CREATED" | "ROLE_CHANGED" | "CREDITS_GRANTED" | "TRANSFER" | "PROVIDER_CREATED" | "PROVIDER_UPDATED" | "PROVIDER_DELETED";
            /** @example openai */
            provider: string | null;
            key_id: string | null;
            /**
             * @description The last four characters only.
             * @example …a1b2
             */
            key_hint: string | null;
            description: string;
            request_id: string | null;
            ip: string | null;
            metadata: Record<string, never> | null;
        };
        ActivityLogPageView: {
            data: components["schemas"]["ActivityLogView"][];
            total: number;
            limit: number;
            offset: number;
        };
        CreateProviderKeyDto: {
            /**
             * @description A provider id from the catalog (GET /api/v1/models).
             * @example openai
             */
            provider: string;
            /**
             * @description The provider key. Stored encrypted; only its last four characters are ever shown.
             * @example sk-proj-…
             */
            key: string;
            /** @example team budget key */
            name?: string;
            /**
             * @description Admins: call this URL instead of the provider's (a proxy, an Azure resource).
             * @example https://my-proxy.example.com/v1
             */
            base_url?: string;
            /**
             * @description Whose pool: `platform` (platform admins; every tenant's calls), `tenant` (tenant admins), `user` (yours). Defaults by role: platform, tenant, user.
             * @enum {string}
             */
            owner?: "platform" | "tenant" | "user";
            /**
             * Format: uuid
             * @description Platform admins: the tenant of a `tenant` key.
             */
            tenant_id?: string;
        };
        ProviderKeyView: {
            /** Format: uuid */
            id: string;
            /** @example openai */
            provider: string;
            name: string;
            /** @enum {string} */
            owner: "platform" | "tenant" | "user";
            /** Format: uuid */
            tenant_id: string | null;
            /** Format: uuid */
            user_id: string | null;
            base_url: string | null;
            /**
             * @description The last four characters; the key itself is never shown.
             * @example …a1b2
             */
            key_hint: string;
            /** @enum {string} */
            status: "active" | "cooling_down" | "invalid" | "disabled";
            /** Format: date-time */
            cooldown_until: string | null;
            selected: boolean;
            /** @description Failures since the last success. */
            failure_count: number;
            total_failures: number;
            /** @example rate_limit */
            last_error: string | null;
            /** Format: date-time */
            last_failure_at: string | null;
            /** Format: date-time */
            last_used_at: string | null;
            /** Format: date-time */
            created_at: string;
        };
        ProviderKeyPageView: {
            data: components["schemas"]["ProviderKeyView"][];
            total: number;
            limit: number;
            offset: number;
        };
        ImportKeyItemDto: {
            /** @example openai */
            provider?: string;
            key: string;
            name?: string;
            base_url?: string;
        };
        ImportProviderKeysDto: {
            /**
             * @description The provider of every row that does not name its own.
             * @example openai
             */
            provider?: string;
            /**
             * @description The file as text: a JSON array (of keys, or of {provider, key, name, base_url}), CSV with a header row (columns key, provider, name, base_url), or one key per line.
             * @example provider,key,name
             *     openai,sk-…,main
             */
            content?: string;
            /** @description Rows as JSON, instead of content. */
            keys?: components["schemas"]["ImportKeyItemDto"][];
            /**
             * @default auto
             * @enum {string}
             */
            format: "auto" | "json" | "csv" | "lines";
            /**
             * @description Whose pool every key goes to (as for a single key).
             * @enum {string}
             */
            owner?: "platform" | "tenant" | "user";
            /** Format: uuid */
            tenant_id?: string;
            /**
             * @description Check and report, add nothing.
             * @default false
             */
            dry_run: boolean;
        };
        ImportLineView: {
            /** @description The line of the file (JSON: the item number), from 1. */
            line: number;
            /** @enum {string} */
            status: "added" | "skipped" | "rejected";
            /** @example duplicate */
            reason?: string;
            provider?: string;
            /** @example …a1b2 */
            key_hint?: string;
            /** Format: uuid */
            id?: string;
        };
        ImportResultView: {
            added: number;
            skipped: number;
            rejected: number;
            dry_run: boolean;
            lines: components["schemas"]["ImportLineView"][];
        };
        UpdateProviderKeyDto: {
            name?: string;
            /** @description Admins; null removes the override. */
            base_url?: Record<string, never> | null;
            /** @description false disables the key; true re-enables it (clearing an invalid mark, a cooldown and failure counts). */
            enabled?: boolean;
        };
        ProviderKeyTestView: {
            /** Format: uuid */
            id: string;
            /** @description Whether the provider accepted the key. */
            ok: boolean;
            latency_ms: number;
            /**
             * @description The key status after the test.
             * @enum {string}
             */
            status: "active" | "cooling_down" | "invalid" | "disabled";
            /** @description Why the call failed: kind (auth, rate_limit, ...), message, upstream status. */
            error?: Record<string, never>;
        };
        LoginDto: {
            /** @example admin@switchyard.local */
            email: string;
            /** @example correct horse battery staple */
            password: string;
            /**
             * @description Browsers: set the refresh token as an httpOnly, Secure, SameSite=Strict cookie scoped to /api/v1/auth/refresh instead of returning it (the answer then has no refresh_token).
             * @default false
             */
            refresh_cookie: boolean;
        };
        TokenPairView: {
            /** @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9... */
            access_token: string;
            /**
             * @description Absent when the refresh token was set as a cookie instead.
             * @example syr_3Q0x...
             */
            refresh_token?: string;
            /** @example bearer */
            token_type: string;
            /**
             * @description Seconds until the access token expires.
             * @example 900
             */
            expires_in: number;
        };
        TokenRequestDto: {
            /**
             * @example password
             * @enum {string}
             */
            grant_type: "password" | "refresh_token";
            /**
             * @description The email (grant_type=password).
             * @example admin@switchyard.local
             */
            username?: string;
            /** @description grant_type=password */
            password?: string;
            /** @description grant_type=refresh_token */
            refresh_token?: string;
            /** @description Ignored; accepted because OAuth2 clients send it. */
            scope?: string;
            /** @description Ignored; accepted because OAuth2 clients send it. */
            client_id?: string;
            /** @description Ignored; accepted because OAuth2 clients send it. */
            client_secret?: string;
        };
        RefreshDto: {
            /**
             * @description The refresh token; omit it to use the refresh cookie (login with refresh_cookie).
             * @example syr_2bV0...
             */
            refresh_token?: string;
        };
        LogoutDto: {
            /** @description End this login (its refresh-token family). Omit with all=true to end every session. */
            refresh_token?: string;
            /**
             * @description End every session of the calling user.
             * @default false
             */
            all: boolean;
        };
        UserView: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            tenant_id: string;
            /** @example ada@example.com */
            email: string;
            /** @example Ada Lovelace */
            name: string;
            /** @enum {string} */
            role: "platform_admin" | "tenant_admin" | "member";
            /** @enum {string} */
            status: "active" | "invited" | "disabled";
            /** Format: date-time */
            last_login_at: string | null;
            /** Format: date-time */
            created_at: string;
        };
        TenantView: {
            /** Format: uuid */
            id: string;
            /** @example Acme Corp */
            name: string;
            /** @example acme */
            slug: string;
            /** @enum {string} */
            status: "active" | "disabled";
            /** @example 600 */
            default_rpm: number | null;
            /** Format: date-time */
            created_at: string;
        };
        MeView: {
            user: components["schemas"]["UserView"];
            tenant: components["schemas"]["TenantView"];
            /** @enum {string} */
            authenticated_by: "user" | "api_key";
        };
        ChangePasswordDto: {
            current_password: string;
            /** @example a much longer passphrase */
            new_password: string;
        };
        AcceptInviteDto: {
            /** @description The one-time token from the invitation. */
            token: string;
            password: string;
        };
        CreateTenantDto: {
            /** @example Acme Corp */
            name: string;
            /**
             * @description URL-safe unique name; derived from the name when omitted.
             * @example acme
             */
            slug?: string;
            /** @example 600 */
            default_rpm?: number | null;
        };
        TenantPageView: {
            data: components["schemas"]["TenantView"][];
            total: number;
            limit: number;
            offset: number;
        };
        UpdateTenantDto: {
            /** @example Acme Inc */
            name?: string;
            /** @enum {string} */
            status?: "active" | "disabled";
            /** @example 1200 */
            default_rpm?: number | null;
        };
        CreateUserDto: {
            /** @example ada@example.com */
            email: string;
            /** @example Ada Lovelace */
            name?: string;
            /**
             * @default member
             * @enum {string}
             */
            role: "platform_admin" | "tenant_admin" | "member";
            /** @description Set a password now. Without one the user is invited: the response carries a one-time invite token. */
            password?: string;
            /** @description Platform admins only: the tenant to create the user in (default: your own). */
            tenant_id?: string;
        };
        InvitedUserView: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            tenant_id: string;
            /** @example ada@example.com */
            email: string;
            /** @example Ada Lovelace */
            name: string;
            /** @enum {string} */
            role: "platform_admin" | "tenant_admin" | "member";
            /** @enum {string} */
            status: "active" | "invited" | "disabled";
            /** Format: date-time */
            last_login_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** @description Present only when the user was invited: the one-time token for POST /api/v1/auth/accept-invite. Shown once. */
            invite_token?: string;
            /** Format: date-time */
            invite_expires_at?: string;
        };
        UserPageView: {
            data: components["schemas"]["UserView"][];
            total: number;
            limit: number;
            offset: number;
        };
        UpdateUserDto: {
            /** @example Ada King */
            name?: string;
            /** @enum {string} */
            role?: "platform_admin" | "tenant_admin" | "member";
            /** @enum {string} */
            status?: "active" | "disabled";
        };
        ChangeRoleDto: {
            /** @enum {string} */
            role: "platform_admin" | "tenant_admin" | "member";
        };
        CreateApiKeyDto: {
            /** @example backend service */
            name: string;
            /**
             * Format: date-time
             * @example 2027-01-01T00:00:00Z
             */
            expires_at?: string;
            /**
             * @description Model ids the key may call (`provider/*` allows a whole provider). Omit for any model.
             * @example [
             *       "openai/gpt-4o-mini",
             *       "anthropic/*"
             *     ]
             */
            allowed_models?: string[];
            /**
             * @description Requests per minute.
             * @example 120
             */
            rpm?: number;
            /**
             * @description Tokens per minute.
             * @example 200000
             */
            tpm?: number;
            /**
             * @description Credits this key may spend in all (decimal string).
             * @example 25.5
             */
            credit_budget?: string;
            /**
             * @description Response cache: this key's chat calls are cached for this many seconds (capped by CACHE_MAX_TTL_SECONDS) without asking per request; a request's x-switchyard-cache header wins. See docs/cache.md.
             * @example 600
             */
            cache_ttl_seconds?: number;
            /**
             * Format: uuid
             * @description Admins: create the key for another user of the tenant.
             */
            user_id?: string;
        };
        CreatedApiKeyView: {
            /** Format: uuid */
            id: string;
            /** @example backend service */
            name: string;
            /**
             * @description Masked: prefix and last four characters.
             * @example sk-sy-Ab12…wxYz
             */
            masked_key: string;
            /** Format: uuid */
            user_id: string;
            /** Format: uuid */
            tenant_id: string;
            allowed_models: string[] | null;
            rpm: number | null;
            tpm: number | null;
            /** @example 25.5 */
            credit_budget: string | null;
            /** @example 600 */
            cache_ttl_seconds: number | null;
            /** Format: date-time */
            expires_at: string | null;
            /** Format: date-time */
            revoked_at: string | null;
            /** Format: date-time */
            last_used_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** @enum {string} */
            status: "active" | "expired" | "revoked";
            /**
             * @description The secret. Shown once: store it now.
             * @example sk-sy-4Vb0…
             */
            key: string;
        };
        ApiKeyView: {
            /** Format: uuid */
            id: string;
            /** @example backend service */
            name: string;
            /**
             * @description Masked: prefix and last four characters.
             * @example sk-sy-Ab12…wxYz
             */
            masked_key: string;
            /** Format: uuid */
            user_id: string;
            /** Format: uuid */
            tenant_id: string;
            allowed_models: string[] | null;
            rpm: number | null;
            tpm: number | null;
            /** @example 25.5 */
            credit_budget: string | null;
            /** @example 600 */
            cache_ttl_seconds: number | null;
            /** Format: date-time */
            expires_at: string | null;
            /** Format: date-time */
            revoked_at: string | null;
            /** Format: date-time */
            last_used_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** @enum {string} */
            status: "active" | "expired" | "revoked";
        };
        ApiKeyPageView: {
            data: components["schemas"]["ApiKeyView"][];
            total: number;
            limit: number;
            offset: number;
        };
        UpdateApiKeyDto: {
            /** @example backend service */
            name?: string;
            /** Format: date-time */
            expires_at?: string | null;
            /** @description null: any model. */
            allowed_models?: string[] | null;
            /**
             * @description Requests per minute.
             * @example 120
             */
            rpm?: number | null;
            /**
             * @description Tokens per minute.
             * @example 200000
             */
            tpm?: number | null;
            /**
             * @description Credits in all.
             * @example 25.5
             */
            credit_budget?: string | null;
            /**
             * @description Response-cache TTL of the chat calls (seconds); null: not cached unless a request asks.
             * @example 600
             */
            cache_ttl_seconds?: number | null;
        };
        TenantPoolView: {
            /** Format: uuid */
            tenant_id: string;
            /**
             * @description Credits in the tenant pool, a decimal string.
             * @example 250
             */
            balance: string;
        };
        ApiKeyBudgetView: {
            /** Format: uuid */
            id: string;
            /**
             * @description null = no key budget.
             * @example 10
             */
            credit_budget: string | null;
            /**
             * @description Charged plus currently reserved by this key.
             * @example 1.25
             */
            spent: string;
            /** @example 8.75 */
            remaining: string | null;
        };
        BalanceView: {
            /** Format: uuid */
            user_id: string;
            /** Format: uuid */
            tenant_id: string;
            /**
             * @description Credits available now (a decimal string).
             * @example 12.5
             */
            balance: string;
            /**
             * @description Credits held by requests in flight (already out of balance): their worst case. A non-streaming call with ample headroom holds nothing and is charged when its answer is in, so it does not show here.
             * @example 0.02
             */
            reserved: string;
            /** @description Tenant and platform admins: the tenant pool. */
            tenant_pool?: components["schemas"]["TenantPoolView"];
            /** @description When called with an API key: its budget. */
            api_key?: components["schemas"]["ApiKeyBudgetView"];
        };
        LedgerEntryView: {
            /**
             * @description Increasing per account in the order the balance changed.
             * @example 1042
             */
            id: string;
            /** Format: uuid */
            account_id: string;
            /** @enum {string} */
            account_kind: "user" | "tenant_pool";
            /** Format: uuid */
            tenant_id: string;
            /** Format: uuid */
            user_id: string | null;
            /** Format: uuid */
            api_key_id: string | null;
            /** @enum {string} */
            kind: "grant" | "purchase" | "charge" | "refund" | "adjustment" | "reservation" | "release" | "transfer";
            /**
             * @description Signed credits: positive adds to the balance.
             * @example -0.00045
             */
            amount: string;
            /** @example 12.49955 */
            balance_after: string;
            request_id: string | null;
            /** Format: uuid */
            reservation_id: string | null;
            /**
             * Format: uuid
             * @description Who caused it; null = the system.
             */
            actor_id: string | null;
            /** @example Welcome credits */
            reason: string | null;
            /**
             * @example {
             *       "model": "openai/gpt-4o-mini"
             *     }
             */
            metadata: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            created_at: string;
        };
        LedgerPageView: {
            data: components["schemas"]["LedgerEntryView"][];
            total: number;
            limit: number;
            offset: number;
        };
        CreateGrantDto: {
            /**
             * Format: uuid
             * @description The user to credit. Give this or tenant_pool.
             */
            user_id?: string;
            /**
             * @description Credit the tenant pool instead of a user.
             * @example false
             */
            tenant_pool?: boolean;
            /**
             * Format: uuid
             * @description Platform admins: whose tenant pool (default: your own tenant's).
             */
            tenant_id?: string;
            /**
             * @description Credits as a decimal string, at most 6 decimals. Positive; only an adjustment may be negative.
             * @example 25
             */
            amount: string;
            /** @example Welcome credits */
            reason: string;
            /**
             * @description Platform admins may also record a purchase, a refund or an adjustment.
             * @default grant
             * @enum {string}
             */
            kind: "grant" | "purchase" | "refund" | "adjustment";
        };
        CreateTransferDto: {
            /**
             * Format: uuid
             * @description The user to fund from their tenant's pool.
             */
            user_id: string;
            /**
             * @description Credits as a positive decimal string, at most 6 decimals.
             * @example 10
             */
            amount: string;
            /** @example Monthly allowance */
            reason: string;
        };
        TransferView: {
            /** @description The debit on the tenant pool. */
            from: components["schemas"]["LedgerEntryView"];
            /** @description The credit on the user's account. */
            to: components["schemas"]["LedgerEntryView"];
        };
        MarkupView: {
            /** Format: uuid */
            tenant_id: string;
            /** @example 1.2 */
            markup: string;
        };
        SetMarkupDto: {
            /** Format: uuid */
            tenant_id: string;
            /**
             * @description Multiplier on list prices: a positive decimal, at most 6 decimals.
             * @example 1.2
             */
            markup: string;
        };
        MismatchView: {
            /** @enum {string} */
            check: "balance" | "balance_after" | "key_spend" | "reservation_hold" | "reservation_charge";
            /** @description The account, account#entry, API key or reservation concerned. */
            subject: string;
            /**
             * @description What the ledger says.
             * @example 12.5
             */
            expected: string;
            /**
             * @description What is recorded.
             * @example 12.4
             */
            actual: string;
        };
        VerifyView: {
            /** @description True when every balance equals the sum of its entries, and the rest holds. */
            ok: boolean;
            accounts: number;
            entries: number;
            api_keys: number;
            reservations: number;
            mismatches: components["schemas"]["MismatchView"][];
        };
        UsageGroupView: {
            /** @example 42 */
            requests: number;
            /**
             * @description Calls that ended in an error or were aborted.
             * @example 1
             */
            errors: number;
            /**
             * @description A decimal string (sums can exceed 2^53).
             * @example 120000
             */
            input_tokens: string;
            /** @example 30000 */
            output_tokens: string;
            /** @example 5000 */
            cached_input_tokens: string;
            /**
             * @description Credits charged, a decimal string.
             * @example 0.036
             */
            cost: string;
            /** @example 812 */
            avg_latency_ms: number;
            /**
             * @description Median latency of the calls, ms.
             * @example 640
             */
            p50_latency_ms: number;
            /**
             * @description 95th percentile latency, ms.
             * @example 2100
             */
            p95_latency_ms: number;
            /**
             * @description Mean time to first token of streamed calls, ms (null: none streamed).
             * @example 230
             */
            avg_ttft_ms: number | null;
            /**
             * @description UTC hour
             * @example 2025-06-01T13:00:00Z
             */
            hour?: string;
            /**
             * @description UTC day
             * @example 2025-06-01
             */
            day?: string;
            /** @example gpt-4o-mini */
            model?: string;
            /** @example openai */
            provider?: string;
            /** Format: uuid */
            key?: string | null;
            /** Format: uuid */
            user?: string;
            /** @example chat.completions */
            endpoint?: string;
            /** @enum {string} */
            status?: "ok" | "error" | "aborted";
        };
        UsageTotalsView: {
            /** @example 42 */
            requests: number;
            /**
             * @description Calls that ended in an error or were aborted.
             * @example 1
             */
            errors: number;
            /**
             * @description A decimal string (sums can exceed 2^53).
             * @example 120000
             */
            input_tokens: string;
            /** @example 30000 */
            output_tokens: string;
            /** @example 5000 */
            cached_input_tokens: string;
            /**
             * @description Credits charged, a decimal string.
             * @example 0.036
             */
            cost: string;
            /** @example 812 */
            avg_latency_ms: number;
            /**
             * @description Median latency of the calls, ms.
             * @example 640
             */
            p50_latency_ms: number;
            /**
             * @description 95th percentile latency, ms.
             * @example 2100
             */
            p95_latency_ms: number;
            /**
             * @description Mean time to first token of streamed calls, ms (null: none streamed).
             * @example 230
             */
            avg_ttft_ms: number | null;
        };
        UsageView: {
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            /**
             * @example [
             *       "day",
             *       "model"
             *     ]
             */
            group_by: string[];
            data: components["schemas"]["UsageGroupView"][];
            totals: components["schemas"]["UsageTotalsView"];
            /** @description More groups matched than `limit`; narrow the query. */
            truncated: boolean;
        };
        UsageErrorView: {
            /** Format: date-time */
            time: string;
            /** @example req_3f2a… */
            request_id: string;
            /** Format: uuid */
            user_id: string;
            /** Format: uuid */
            api_key_id: string | null;
            /** @example openai */
            provider: string;
            /** @example gpt-4o-mini */
            model: string;
            /** @example chat.completions */
            endpoint: string;
            /** @enum {string} */
            status: "error" | "aborted";
            /**
             * @description How the failure was classified (auth, rate_limit, server, timeout, ...).
             * @example rate_limit
             */
            error_class: string | null;
            /** @example 1200 */
            latency_ms: number;
        };
        UsageErrorsView: {
            data: components["schemas"]["UsageErrorView"][];
        };
        ModelView: {
            /** @example openai/gpt-4o-mini */
            id: string;
            /** @example openai */
            provider: string;
            /** @example gpt-4o-mini */
            model: string;
            aliases: string[];
            /**
             * @example [
             *       "chat",
             *       "vision",
             *       "tools",
             *       "json_mode",
             *       "streaming"
             *     ]
             */
            capabilities: string[];
            /** @example 128000 */
            context_window: number;
            /** @example 16384 */
            max_output_tokens: number;
            /**
             * @example {
             *       "inputPerMTok": "0.15",
             *       "outputPerMTok": "0.6"
             *     }
             */
            pricing: Record<string, never>;
            /** @description A usable key exists for the caller (or the request can bring one). */
            available: boolean;
            disabled: boolean;
            /** @description Deliberately free: charged nothing. */
            free: boolean;
            /**
             * @description Price tier (docs/compat.md).
             * @enum {string}
             */
            tier: "free" | "low" | "standard" | "premium";
            /**
             * @description What the model serves but has no price for (input tokens, output tokens, images, audio minutes, characters): calls that use it are refused with 400 model_not_priced. Empty when fully priced or free.
             * @example [
             *       "output tokens"
             *     ]
             */
            unpriced: string[];
        };
        UnlistedModelsView: {
            capabilities: string[];
            context_window: number;
            max_output_tokens: number;
            /**
             * @example {
             *       "inputPerMTok": "0",
             *       "outputPerMTok": "0"
             *     }
             */
            pricing: Record<string, never>;
            free: boolean;
            /** @description As on a model. */
            unpriced: string[];
        };
        ProviderView: {
            /** @example openai */
            id: string;
            /** @example OpenAI */
            name: string;
            /** @enum {string} */
            format: "openai" | "gemini" | "anthropic";
            available: boolean;
            models: components["schemas"]["ModelView"][];
            /** @description Present when the provider serves models it does not list (local servers). */
            unlisted_models?: components["schemas"]["UnlistedModelsView"];
        };
        PricingOverrideDto: {
            /**
             * @description Credits per million input tokens.
             * @example 0.15
             */
            inputPerMTok?: string;
            /**
             * @description Credits per million output tokens.
             * @example 0.60
             */
            outputPerMTok?: string;
            /**
             * @description Credits per million prompt tokens read from cache.
             * @example 0.075
             */
            cachedInputPerMTok?: string;
            /**
             * @description Credits per million prompt tokens written to a 5-minute cache (default 1.25 × input).
             * @example 3.75
             */
            cacheWrite5mPerMTok?: string;
            /**
             * @description Credits per million prompt tokens written to a 1-hour cache (default 2 × input).
             * @example 6
             */
            cacheWrite1hPerMTok?: string;
            /**
             * @description Credits per generated image.
             * @example 0.04
             */
            perImage?: string;
            /** @example 0.006 */
            perAudioMinute?: string;
            /** @example 15 */
            perMChars?: string;
        };
        ModelOverrideDto: {
            pricing?: components["schemas"]["PricingOverrideDto"];
            /** @example 128000 */
            context_window?: number;
            /** @example 16384 */
            max_output_tokens?: number;
            /**
             * @description Switch the model off: listed, never routed to.
             * @example false
             */
            disabled?: boolean;
            /**
             * @description Mark the model free (charged nothing, never refused as unpriced), or false to take a catalog file's mark away. Absent: the catalog's value.
             * @example true
             */
            free?: boolean;
        };
        RouteTargetDto: {
            /**
             * @description A model name that resolves (`provider/model`, id, alias).
             * @example openai/gpt-4o-mini
             */
            model: string;
            /** @description `weighted`: relative share (default 1). */
            weight?: number;
            /**
             * @description Request fields set for this target over the caller's, e.g. {"temperature": 0.2}.
             * @example {
             *       "temperature": 0.2
             *     }
             */
            params?: Record<string, never>;
            /** @description Upstream timeout for this target, ms. */
            timeout_ms?: number;
        };
        RouteStrategyParamsDto: {
            /**
             * @description vote: the models that answer in parallel (2-10).
             * @example [
             *       "simulator/sim-gpt",
             *       "simulator/sim-gpt-mini",
             *       "simulator/sim-wrong"
             *     ]
             */
            voters?: string[];
            /** @description vote: the model that decides when there is no majority. */
            judge?: string;
            /** @description vote: answers needed (default 2). */
            quorum?: number;
            /** @description vote: each voter's time budget, ms. */
            budget_ms?: number;
            /** @description mix: the model that reasons first. */
            reasoner?: string;
            /** @description mix: the model that answers with the reasoning as context. */
            answerer?: string;
            /** @description chain: the model that drafts. */
            draft?: string;
            /** @description chain: the model that critiques the draft. */
            critique?: string;
            /** @description chain: the model that refines (default: the drafter). */
            refine?: string;
        };
        CreateRouteDto: {
            /**
             * @description What callers send as `model`.
             * @example smart
             */
            name: string;
            description?: string;
            /** @enum {string} */
            strategy: "fallback" | "weighted" | "round-robin" | "least-busy" | "least-latency" | "lowest-cost" | "mix" | "vote" | "chain";
            /** @description Required, except for mix, vote and chain (their models are in `strategy_params`). */
            targets?: components["schemas"]["RouteTargetDto"][];
            /** @description mix, vote, chain: the model of each step (required for those, refused for others). */
            strategy_params?: components["schemas"]["RouteStrategyParamsDto"];
            /**
             * @description How vault keys are spread.
             * @default ordered
             * @enum {string}
             */
            key_strategy: "ordered" | "round-robin" | "least-used";
            /**
             * @description Finish a stream that breaks after its first byte on the next target.
             * @default true
             */
            stream_failover: boolean;
            /**
             * @description Response cache: chat calls through this route are cached for this many seconds (capped by CACHE_MAX_TTL_SECONDS) without asking per request; a request header wins. See docs/cache.md.
             * @example 600
             */
            cache_ttl_seconds?: number;
            /**
             * @description `platform` (platform admins: every tenant) or `tenant`. Defaults by role.
             * @enum {string}
             */
            scope?: "platform" | "tenant";
            /**
             * Format: uuid
             * @description Platform admins: the tenant of a `tenant` route.
             */
            tenant_id?: string;
        };
        RouteTargetView: {
            model: string;
            weight?: number;
            params?: Record<string, never>;
            timeout_ms?: number;
        };
        RouteView: {
            /** Format: uuid */
            id: string;
            name: string;
            /** @enum {string} */
            scope: "platform" | "tenant";
            /** Format: uuid */
            tenant_id: string | null;
            description: string | null;
            /** @enum {string} */
            strategy: "fallback" | "weighted" | "round-robin" | "least-busy" | "least-latency" | "lowest-cost" | "mix" | "vote" | "chain";
            /** @enum {string} */
            key_strategy: "ordered" | "round-robin" | "least-used";
            stream_failover: boolean;
            /** @example 600 */
            cache_ttl_seconds: number | null;
            targets: components["schemas"]["RouteTargetView"][];
            strategy_params: components["schemas"]["RouteStrategyParamsDto"] | null;
            created_at: string;
            updated_at: string;
        };
        RoutePageView: {
            data: components["schemas"]["RouteView"][];
            total: number;
            limit: number;
            offset: number;
        };
        UpdateRouteDto: {
            description?: Record<string, never> | null;
            /** @enum {string} */
            strategy?: "fallback" | "weighted" | "round-robin" | "least-busy" | "least-latency" | "lowest-cost" | "mix" | "vote" | "chain";
            targets?: components["schemas"]["RouteTargetDto"][];
            strategy_params?: components["schemas"]["RouteStrategyParamsDto"];
            /** @enum {string} */
            key_strategy?: "ordered" | "round-robin" | "least-used";
            stream_failover?: boolean;
            /**
             * @description Response-cache TTL of chat calls (seconds); null: not cached unless a request asks.
             * @example 600
             */
            cache_ttl_seconds?: number | null;
        };
        RuntimePricingDto: {
            /**
             * @description Credits per million input tokens.
             * @example 0.15
             */
            inputPerMTok: string;
            /**
             * @description Credits per million output tokens.
             * @example 0.60
             */
            outputPerMTok: string;
            /**
             * @description Credits per million cached input tokens.
             * @example 0.075
             */
            cachedInputPerMTok?: string;
            /**
             * @description Credits per million tokens written to a 5-minute cache.
             * @example 3.75
             */
            cacheWrite5mPerMTok?: string;
            /**
             * @description Credits per million tokens written to a 1-hour cache.
             * @example 6
             */
            cacheWrite1hPerMTok?: string;
            /**
             * @description Credits per generated image.
             * @example 0.04
             */
            perImage?: string;
            /**
             * @description Credits per audio minute.
             * @example 0.006
             */
            perAudioMinute?: string;
            /**
             * @description Credits per million characters (text to speech).
             * @example 15
             */
            perMChars?: string;
        };
        RuntimeModelDto: {
            /**
             * @description The id sent upstream; callers use `<provider>/<id>`.
             * @example llama3.1:8b
             */
            id: string;
            /**
             * @description Other names for it.
             * @example [
             *       "llama-small"
             *     ]
             */
            aliases?: string[];
            /**
             * @description What it can do; at least one operation (chat, completions, embeddings, ...).
             * @default [
             *       "chat",
             *       "streaming"
             *     ]
             */
            capabilities: ("chat" | "completions" | "embeddings" | "images" | "audio_speech" | "audio_transcription" | "rerank" | "vision" | "tools" | "json_mode" | "streaming")[];
            /**
             * @description Tokens in.
             * @default 8192
             * @example 131072
             */
            context_window: number;
            /**
             * @description Most tokens out: the worst case a call reserves credits for when it sets no max_tokens.
             * @default 4096
             * @example 8192
             */
            max_output_tokens: number;
            pricing: components["schemas"]["RuntimePricingDto"];
            /** @description Deliberately free (a local server): calls are charged nothing. Without it a price of 0 for what a call uses is a pricing gap, and paying callers are refused (400 model_not_priced). */
            free?: boolean;
        };
        CreateRuntimeProviderDto: {
            /**
             * @description What callers put before the slash (`lab-ollama/llama3.1:8b`): lower-case letters, digits and dashes; unique across every tenant, and not a catalog provider's id.
             * @example lab-ollama
             */
            id: string;
            /**
             * @description Defaults to the id.
             * @example Lab Ollama box
             */
            name?: string;
            /**
             * @description `openai` (any OpenAI-compatible server: vLLM, LM Studio, a proxy), `anthropic`, `gemini`, or `ollama` (served through Ollama's OpenAI-compatible API under /v1; takes no key by default).
             * @enum {string}
             */
            format: "openai" | "anthropic" | "gemini" | "ollama";
            /**
             * @description Where calls go (OpenAI-compatible: the URL before /chat/completions). Must pass the outbound policy: public https unless OUTBOUND_ALLOWLIST admits it.
             * @example http://10.0.0.5:11434
             */
            base_url: string;
            /**
             * @description Sent with every upstream call (they replace the adapter's headers of the same name). Values of secret-looking headers are shown masked. Stored in clear: put keys in the vault.
             * @example {
             *       "X-Org": "research"
             *     }
             */
            default_headers?: {
                [key: string]: string;
            };
            /**
             * @description Per call (streams: per chunk).
             * @default 300000
             * @example 120000
             */
            timeout_ms: number;
            /** @description Whether calls need a vault key (or X-Provider-Key). Default: true, except for `ollama`. A keyless provider is called with a placeholder key when the vault holds none. */
            key_required?: boolean;
            /** @description Whether it speaks OpenAI's Responses API natively (`openai` format only; default false): /v1/responses calls then go through as they are, built-in tools intact, instead of through chat completions. */
            responses_api?: boolean;
            /**
             * Format: uuid
             * @description The tenant whose callers alone see it. Tenant admins: their own (the default). Platform admins: omit or null for a platform provider (every tenant).
             */
            tenant_id?: Record<string, never> | null;
            models: components["schemas"]["RuntimeModelDto"][];
        };
        RuntimeModelView: {
            /** @example lab-ollama/llama3.1:8b */
            id: string;
            /** @example llama3.1:8b */
            model: string;
            aliases: string[];
            capabilities: ("chat" | "completions" | "embeddings" | "images" | "audio_speech" | "audio_transcription" | "rerank" | "vision" | "tools" | "json_mode" | "streaming")[];
            context_window: number;
            max_output_tokens: number;
            /**
             * @example {
             *       "inputPerMTok": "0",
             *       "outputPerMTok": "0"
             *     }
             */
            pricing: Record<string, never>;
            free: boolean;
        };
        RuntimeProviderView: {
            /** @example lab-ollama */
            id: string;
            name: string;
            /** @enum {string} */
            format: "openai" | "anthropic" | "gemini" | "ollama";
            /**
             * @description The adapter that serves it.
             * @enum {string}
             */
            wire_format: "openai" | "anthropic" | "gemini";
            /** @enum {string} */
            scope: "platform" | "tenant";
            /** Format: uuid */
            tenant_id: string | null;
            /** @description Admins only (null for members). */
            base_url: string | null;
            /**
             * @description Admins only; secret-looking values masked as `…abcd`.
             * @example {
             *       "X-Org": "research"
             *     }
             */
            default_headers: {
                [key: string]: string;
            } | null;
            timeout_ms: number;
            key_required: boolean;
            /** @description Speaks OpenAI's Responses API natively. */
            responses_api: boolean;
            /** @description Whether the caller can call its models now (a key, or none needed). */
            available: boolean;
            models: components["schemas"]["RuntimeModelView"][];
            created_at: string;
            updated_at: string;
        };
        RuntimeProviderPageView: {
            data: components["schemas"]["RuntimeProviderView"][];
            total: number;
            limit: number;
            offset: number;
        };
        UpdateRuntimeProviderDto: {
            name?: string;
            /** @enum {string} */
            format?: "openai" | "anthropic" | "gemini" | "ollama";
            base_url?: string;
            /**
             * @description Replaces every default header. A value sent back exactly as shown masked (`…abcd`) keeps the stored value.
             * @example {
             *       "X-Org": "research"
             *     }
             */
            default_headers?: {
                [key: string]: string;
            };
            timeout_ms?: number;
            key_required?: boolean;
            /** @description Whether it speaks OpenAI's Responses API natively (`openai` format only; default false): /v1/responses calls then go through as they are, built-in tools intact, instead of through chat completions. */
            responses_api?: boolean;
            /** @description Replaces the whole model list. */
            models?: components["schemas"]["RuntimeModelDto"][];
        };
        DiscoveredModelView: {
            /** @example llama3.1:8b */
            id: string;
            name?: string;
            owned_by?: string;
            context_window?: number;
            max_output_tokens?: number;
            capabilities?: ("chat" | "completions" | "embeddings" | "images" | "audio_speech" | "audio_transcription" | "rerank" | "vision" | "tools" | "json_mode" | "streaming")[];
            details?: {
                [key: string]: unknown;
            };
            /** @description Already one of the provider’s models. */
            registered: boolean;
        };
        DiscoveryView: {
            /** @example lab-ollama */
            provider: string;
            /**
             * @description What was asked.
             * @example http://10.0.0.5:11434/api/tags
             */
            url: string;
            /** @description Whether a vault key (or X-Provider-Key) was sent. */
            authenticated: boolean;
            models: components["schemas"]["DiscoveredModelView"][];
        };
        MoeMetadataDto: {
            /**
             * @example [
             *       "simulator/sim-reasoner",
             *       "simulator/sim-gpt"
             *     ]
             */
            models_used: string[];
            /** @enum {string} */
            strategy: "single" | "mix" | "vote" | "chain" | "search";
            /**
             * @description Seconds.
             * @example 1.25
             */
            total_latency: number;
            /**
             * @example {
             *       "text": true,
             *       "images": 0,
             *       "audio": 0
             *     }
             */
            modalities: Record<string, never>;
        };
        ClassificationDto: {
            /** @enum {string} */
            intent: "chat" | "code" | "math" | "creative" | "analysis" | "extraction" | "vision" | "image_generation" | "speech";
            /** @enum {string} */
            complexity: "simple" | "moderate" | "complex";
            needs_web: boolean;
            outputs: ("text" | "image" | "audio")[];
            /** @enum {string} */
            source: "rules" | "llm";
            signals: string[];
        };
        PlanSearchDto: {
            /** @enum {string} */
            mode: "forced" | "tool";
            /** @example searxng */
            provider: string;
            /** @description Searches the plan may run (and the reservation covers). */
            max_searches: number;
            max_results: number;
            /**
             * @description Credits per search.
             * @example 0.005
             */
            price: string;
        };
        CandidateNoteDto: {
            model: string;
            /** @enum {string} */
            skipped?: "not_found" | "not_allowed" | "unsupported" | "unpriced" | "error_rate" | "already_used";
            detail?: string;
        };
        PlanStepDto: {
            /** @example reason */
            id: string;
            /** @enum {string} */
            role: "answer" | "reasoner" | "voter" | "judge" | "drafter" | "critic" | "refiner" | "searcher" | "illustrator" | "narrator";
            /** @example simulator/sim-reasoner */
            model: string;
            failover: string[];
            max_tokens: number | null;
            budget_ms?: number;
            /** @description Runs only when needed (the judge: when there is no majority). */
            conditional?: boolean;
            /** @description Why this model was chosen. */
            why: string;
            considered: components["schemas"]["CandidateNoteDto"][];
        };
        PlanDto: {
            /** @enum {string} */
            strategy: "single" | "mix" | "vote" | "chain" | "search";
            quorum?: number;
            search?: components["schemas"]["PlanSearchDto"];
            steps: components["schemas"]["PlanStepDto"][];
            /** @description Multimodal: the image and speech steps beside the text answer. */
            media?: components["schemas"]["PlanStepDto"][];
            notes: string[];
        };
        ParameterPresetDto: {
            temperature?: number;
            top_p?: number;
            frequency_penalty?: number;
            presence_penalty?: number;
        };
        StepReportDto: {
            id: string;
            role: string;
            model: string;
            /** @enum {string} */
            status: "ok" | "error";
            latency_ms: number;
            prompt_tokens: number;
            completion_tokens: number;
            /** @description Credits charged for the step. */
            cost: string;
            error?: string;
        };
        SearchRunDto: {
            /** @example search-1 */
            id: string;
            query: string;
            /** @enum {string} */
            status: "ok" | "error";
            results: number;
            latency_ms: number;
            /** @description Credits charged (0 when the search failed). */
            cost: string;
            error?: string;
        };
        SearchSourceDto: {
            /** @description The number the answer cites as [n]. */
            index: number;
            url: string;
            title: string;
        };
        SearchReportDto: {
            /** @enum {string} */
            mode: "forced" | "tool";
            /** @example searxng */
            provider: string;
            /** @description Searches the plan may run (and the reservation covers). */
            max_searches: number;
            max_results: number;
            /**
             * @description Credits per search.
             * @example 0.005
             */
            price: string;
            searches: components["schemas"]["SearchRunDto"][];
            sources: components["schemas"]["SearchSourceDto"][];
            /** @example the search failed (searxng answered 502): answered without sources, not charged */
            note?: string;
        };
        SwitchyardExplanationDto: {
            classification: components["schemas"]["ClassificationDto"];
            plan: components["schemas"]["PlanDto"];
            /** @description Sampling parameters the policy sets for this request. */
            params: components["schemas"]["ParameterPresetDto"];
            /** @enum {string} */
            policy: "default" | "platform" | "tenant";
            steps: components["schemas"]["StepReportDto"][];
            /** @example majority (2 of 3) */
            decision?: string;
            search?: components["schemas"]["SearchReportDto"];
        };
        PolicyRolesDto: {
            /**
             * @description mix: the model that thinks first.
             * @example [
             *       [
             *         "openai/gpt-5-mini",
             *         "gemini/gemini-2.5-flash"
             *       ],
             *       "simulator/sim-gpt"
             *     ]
             */
            reasoner: (string | string[])[];
            /**
             * @description vote: the judge (no majority); chain: the critic.
             * @example [
             *       [
             *         "openai/gpt-5-mini",
             *         "gemini/gemini-2.5-flash"
             *       ],
             *       "simulator/sim-gpt"
             *     ]
             */
            judge: (string | string[])[];
            /**
             * @description Multimodal: the image model (operation images).
             * @example [
             *       [
             *         "openai/gpt-5-mini",
             *         "gemini/gemini-2.5-flash"
             *       ],
             *       "simulator/sim-gpt"
             *     ]
             */
            image_model?: (string | string[])[];
            /**
             * @description Multimodal: the speech model (operation audio_speech).
             * @example [
             *       [
             *         "openai/gpt-5-mini",
             *         "gemini/gemini-2.5-flash"
             *       ],
             *       "simulator/sim-gpt"
             *     ]
             */
            speech_model?: (string | string[])[];
        };
        StrategyRuleDto: {
            intents?: ("chat" | "code" | "math" | "creative" | "analysis" | "extraction" | "vision" | "image_generation" | "speech")[];
            complexities?: ("simple" | "moderate" | "complex")[];
            /** @enum {string} */
            strategy: "single" | "mix" | "vote" | "chain";
        };
        VoteSettingsDto: {
            voters: number;
            quorum: number;
            budget_ms: number;
            short_answer_chars: number;
        };
        SelectionSettingsDto: {
            max_error_rate: number;
            step_max_tokens: number;
        };
        ClassifierSettingsDto: {
            /** @description The LLM classifier's model ('' = rules only; unset = AUTO_CLASSIFIER_MODEL). */
            model?: string;
            timeout_ms?: number;
        };
        OrchestrationPolicyDto: {
            /**
             * @description Answering models per intent, then per tier (simple, moderate, complex).
             * @example {
             *       "chat": {
             *         "simple": [
             *           "simulator/sim-gpt-mini"
             *         ],
             *         "moderate": [
             *           "simulator/sim-gpt"
             *         ]
             *       }
             *     }
             */
            candidates: {
                [key: string]: {
                    [key: string]: (string | string[])[];
                };
            };
            roles: components["schemas"]["PolicyRolesDto"];
            /** @description The first matching rule decides; none: single. */
            strategies: components["schemas"]["StrategyRuleDto"][];
            /** @description Sampling presets per intent, applied to the fields the caller did not set. */
            presets: {
                [key: string]: components["schemas"]["ParameterPresetDto"];
            };
            vote: components["schemas"]["VoteSettingsDto"];
            selection: components["schemas"]["SelectionSettingsDto"];
            classifier: components["schemas"]["ClassifierSettingsDto"];
        };
        PolicyViewDto: {
            /** @enum {string} */
            scope: "platform" | "tenant";
            /** @description The platform's policy, or the tenant's override (null: none). */
            policy: components["schemas"]["OrchestrationPolicyDto"] | null;
            /** @description What this scope's calls get. */
            effective: components["schemas"]["OrchestrationPolicyDto"];
            /** @enum {string} */
            source: "default" | "platform" | "tenant";
        };
        ExplainRequestDto: {
            /** @enum {string} */
            model?: "auto";
            /**
             * @example [
             *       {
             *         "role": "user",
             *         "content": "Solve x^2 = 4"
             *       }
             *     ]
             */
            messages: Record<string, never>[];
            max_tokens?: number;
            stream?: boolean;
        };
        ExplainResponseDto: {
            classification: components["schemas"]["ClassificationDto"];
            plan: components["schemas"]["PlanDto"];
            /** @description Sampling parameters the policy sets for this request. */
            params: components["schemas"]["ParameterPresetDto"];
            /** @enum {string} */
            policy: "default" | "platform" | "tenant";
        };
        ConfigModelDto: {
            /**
             * @description A provider id (`openai`, `gemini`, `anthropic`…) or a model name, whose provider gets the key.
             * @example gemini
             */
            model_name: string;
            /**
             * @description The provider key; stored encrypted in your pool of the vault.
             * @example AIza…
             */
            api_key: string;
            /**
             * @description Admins: a base URL for this key, under the same outbound rules as /api/v1/provider-keys.
             * @example https://api.example.com
             */
            base_url?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Health Check is successful */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example ok
                         * @enum {string}
                         */
                        status?: "ok" | "degraded";
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        info?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /** @example {} */
                        error?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        details?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
            /**
             * @description A dependency is down, or the instance is draining.
             *
             *     The Health Check is not successful
             */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example error
                         * @enum {string}
                         */
                        status?: "error" | "shutting_down";
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        info?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "redis": {
                         *         "status": "down",
                         *         "message": "Could not connect",
                         *         "responseTime": 3005
                         *       }
                         *     }
                         */
                        error?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       },
                         *       "redis": {
                         *         "status": "down",
                         *         "message": "Could not connect",
                         *         "responseTime": 3005
                         *       }
                         *     }
                         */
                        details?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
        };
    };
    ActivityLogController_list: {
        parameters: {
            query?: {
                limit?: unknown;
                offset?: unknown;
                /** @description One action, or several comma-separated (or repeated). */
                action?: ("ADD" | "DELETE" | "SELECT" | "UNSELECT" | "IMPORT" | "TEST" | "COOLDOWN" | "INVALID" | "EXHAUSTED" | "FAILOVER" | "CIRCUIT_OPEN" | "CIRCUIT_CLOSE" | "LOGIN_SUCCEEDED" | "LOGIN_FAILED" | "API_KEY_CREATED" | "API_KEY_REVOKED" | "USER_CREATED" | "ROLE_CHANGED" | "CREDITS_GRANTED" | "TRANSFER" | "PROVIDER_CREATED" | "PROVIDER_UPDATED" | "PROVIDER_DELETED")[];
                provider?: string;
                /** @description An actor id (user or API key id) or label (email, key name). */
                actor?: string;
                actor_type?: "user" | "api_key" | "system";
                /** @description A provider key id from the vault, or env:<VARIABLE>. */
                key_id?: string;
                request_id?: string;
                /** @description Platform admins: one tenant only. */
                tenant_id?: string;
                /** @description From this time (inclusive). */
                from?: string;
                /** @description Up to this time (exclusive). */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActivityLogPageView"];
                    "text/csv": components["schemas"]["ActivityLogPageView"];
                };
            };
        };
    };
    ProviderKeysController_list: {
        parameters: {
            query?: {
                limit?: unknown;
                offset?: unknown;
                provider?: string;
                owner?: "platform" | "tenant" | "user";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderKeyPageView"];
                };
            };
        };
    };
    ProviderKeysController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateProviderKeyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderKeyView"];
                };
            };
        };
    };
    ProviderKeysController_import: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ImportProviderKeysDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportResultView"];
                };
            };
        };
    };
    ProviderKeysController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderKeyView"];
                };
            };
        };
    };
    ProviderKeysController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProviderKeysController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProviderKeyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderKeyView"];
                };
            };
        };
    };
    ProviderKeysController_select: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderKeyView"];
                };
            };
        };
    };
    ProviderKeysController_unselect: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderKeyView"];
                };
            };
        };
    };
    ProviderKeysController_test: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderKeyTestView"];
                };
            };
        };
    };
    AuthController_login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPairView"];
                };
            };
        };
    };
    AuthController_token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequestDto"];
                "application/json": components["schemas"]["TokenRequestDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPairView"];
                };
            };
        };
    };
    AuthController_refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPairView"];
                };
            };
        };
    };
    AuthController_endCookieSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LogoutDto"];
            };
        };
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeView"];
                };
            };
        };
    };
    AuthController_changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordDto"];
            };
        };
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Wrong current password, or a weak or unchanged new one. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_acceptInvite: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AcceptInviteDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPairView"];
                };
            };
        };
    };
    TenantsController_list: {
        parameters: {
            query?: {
                limit?: unknown;
                offset?: unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantPageView"];
                };
            };
        };
    };
    TenantsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTenantDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantView"];
                };
            };
        };
    };
    TenantsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantView"];
                };
            };
        };
    };
    TenantsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTenantDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantView"];
                };
            };
        };
    };
    UsersController_list: {
        parameters: {
            query?: {
                limit?: unknown;
                offset?: unknown;
                /** @description Platform admins: only this tenant. */
                tenant_id?: string;
                role?: "platform_admin" | "tenant_admin" | "member";
                status?: "active" | "invited" | "disabled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserPageView"];
                };
            };
        };
    };
    UsersController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUserDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitedUserView"];
                };
            };
        };
    };
    UsersController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserView"];
                };
            };
        };
    };
    UsersController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUserDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserView"];
                };
            };
        };
    };
    UsersController_disable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserView"];
                };
            };
        };
    };
    UsersController_role: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeRoleDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserView"];
                };
            };
        };
    };
    ApiKeysController_list: {
        parameters: {
            query?: {
                limit?: unknown;
                offset?: unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyPageView"];
                };
            };
        };
    };
    ApiKeysController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKeyView"];
                };
            };
        };
    };
    ApiKeysController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyView"];
                };
            };
        };
    };
    ApiKeysController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyView"];
                };
            };
        };
    };
    ApiKeysController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateApiKeyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyView"];
                };
            };
        };
    };
    CreditsController_balance: {
        parameters: {
            query?: {
                /** @description Admins: another user's balance (in your tenant; any tenant for platform admins). */
                user_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BalanceView"];
                };
            };
        };
    };
    CreditsController_ledger: {
        parameters: {
            query?: {
                limit?: unknown;
                offset?: unknown;
                kind?: "grant" | "purchase" | "charge" | "refund" | "adjustment" | "reservation" | "release" | "transfer";
                /** @description Admins: one user's entries. */
                user_id?: string;
                /** @description Admins: only the tenant pool's entries. */
                tenant_pool?: boolean;
                /** @description Platform admins: one tenant. */
                tenant_id?: string;
                request_id?: string;
                /** @description From this time (inclusive). */
                from?: string;
                /** @description Until this time (exclusive). */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LedgerPageView"];
                };
            };
        };
    };
    CreditsController_grant: {
        parameters: {
            query?: never;
            header: {
                /** @description A unique value per intended operation (e.g. a UUID). Repeating a request with the same key performs it once and returns the first result (with `Idempotent-Replayed: true`); the same key with a different body is a 409. */
                "Idempotency-Key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateGrantDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LedgerEntryView"];
                };
            };
        };
    };
    CreditsController_transfer: {
        parameters: {
            query?: never;
            header: {
                /** @description A unique value per intended operation (e.g. a UUID). Repeating a request with the same key performs it once and returns the first result (with `Idempotent-Replayed: true`); the same key with a different body is a 409. */
                "Idempotency-Key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTransferDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferView"];
                };
            };
        };
    };
    CreditsController_markup: {
        parameters: {
            query?: {
                /** @description Platform admins: another tenant (default: your own). */
                tenant_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MarkupView"];
                };
            };
        };
    };
    CreditsController_setMarkup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetMarkupDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MarkupView"];
                };
            };
        };
    };
    CreditsController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerifyView"];
                };
            };
        };
    };
    UsageController_aggregate: {
        parameters: {
            query?: {
                /** @description From (inclusive); default 30 days before `to`. */
                from?: string;
                /** @description Until (exclusive); default now. */
                to?: string;
                /** @description Comma-separated dimensions: hour, day, model, provider, key, user, endpoint, status. Empty: totals only. */
                group_by?: string;
                /** @description Admins: one user's usage. */
                user_id?: string;
                api_key_id?: string;
                /** @description Platform admins: one tenant. */
                tenant_id?: string;
                model?: string;
                provider?: string;
                /** @description Most groups returned. */
                limit?: unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageView"];
                };
            };
        };
    };
    UsageController_errors: {
        parameters: {
            query?: {
                /** @description From (inclusive); default 7 days ago. */
                from?: string;
                /** @description Platform admins: one tenant's calls. */
                tenant_id?: string;
                limit?: unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageErrorsView"];
                };
            };
        };
    };
    OpenAiModelsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    OpenAiModelsController_getQualified: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: string;
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    OpenAiModelsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_list: {
        parameters: {
            query?: {
                /** @description Only the models (and unlisted-model terms) with no price for something they serve. */
                unpriced?: boolean;
                /** @description Only the models with this capability. */
                capability?: "chat" | "completions" | "embeddings" | "images" | "audio_speech" | "audio_transcription" | "rerank" | "vision" | "tools" | "json_mode" | "streaming";
                /** @description Only the models of this price tier (free, low, standard, premium; see docs/compat.md). */
                tier?: "free" | "low" | "standard" | "premium";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderView"][];
                };
            };
        };
    };
    ModelsController_provider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderView"];
                };
            };
        };
    };
    ModelsController_stats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: string;
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelsController_model: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: string;
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelView"];
                };
            };
        };
    };
    ModelsController_override: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: string;
                model: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ModelOverrideDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelView"];
                };
            };
        };
    };
    ModelsController_removeOverride: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: string;
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    RoutesController_list: {
        parameters: {
            query?: {
                limit?: unknown;
                offset?: unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoutePageView"];
                };
            };
        };
    };
    RoutesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRouteDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RouteView"];
                };
            };
        };
    };
    RoutesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RouteView"];
                };
            };
        };
    };
    RoutesController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    RoutesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateRouteDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RouteView"];
                };
            };
        };
    };
    RuntimeProvidersController_list: {
        parameters: {
            query?: {
                limit?: unknown;
                offset?: unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuntimeProviderPageView"];
                };
            };
        };
    };
    RuntimeProvidersController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRuntimeProviderDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuntimeProviderView"];
                };
            };
        };
    };
    RuntimeProvidersController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The provider id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuntimeProviderView"];
                };
            };
        };
    };
    RuntimeProvidersController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The provider id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    RuntimeProvidersController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The provider id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateRuntimeProviderDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuntimeProviderView"];
                };
            };
        };
    };
    RuntimeProvidersController_discover: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The provider id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DiscoveryView"];
                };
            };
        };
    };
    OrchestrationController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyViewDto"];
                };
            };
        };
    };
    OrchestrationController_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrchestrationPolicyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyViewDto"];
                };
            };
        };
    };
    OrchestrationController_reset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyViewDto"];
                };
            };
        };
    };
    OrchestrationController_explain: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExplainRequestDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExplainResponseDto"];
                };
            };
        };
    };
    ChatController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description A chat.completion object, or a text/event-stream of chat.completion.chunk events. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ChatController_completions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MessagesController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Tolerated and not forwarded. */
                "anthropic-beta"?: string;
                /** @description Accepted (e.g. 2023-06-01). */
                "anthropic-version"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description A message object, or a text/event-stream of Anthropic stream events. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MessagesController_countTokens: {
        parameters: {
            query?: never;
            header?: {
                /** @description Tolerated and not forwarded. */
                "anthropic-beta"?: string;
                /** @description Accepted (e.g. 2023-06-01). */
                "anthropic-version"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description `{"input_tokens": n}` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ResponsesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description A Response object, or a text/event-stream of Responses events. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    ResponsesController_get: {
        parameters: {
            query: {
                stream: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Response object. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    ResponsesController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deletion. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    ResponsesController_inputItems: {
        parameters: {
            query?: {
                /** @description 1 to 100, default 20. */
                limit?: string;
                /** @description Default desc. */
                order?: "asc" | "desc";
                /** @description An item id: the page starts after it. */
                after?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A list of input items. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    ResponsesController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    EmbeddingsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    RerankController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    model: string;
                    query: string;
                    documents: (string | {
                        text: string;
                    })[];
                    top_n?: number;
                    /** @default false */
                    return_documents?: boolean;
                };
            };
        };
        responses: {
            /** @description The results, most relevant first, and the search units charged. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    ImagesController_generate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ImagesController_serve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                file: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    FilesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    FilesController_upload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    FilesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    FilesController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    FilesController_content: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AudioController_speech: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AudioController_transcriptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    IndoxRouterController_chatCompletions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    IndoxRouterController_completions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    IndoxRouterController_createEmbeddings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    IndoxRouterController_generateImages: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MoeController_openai: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MoeController_askQuery: {
        parameters: {
            query: {
                q: unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MoeController_askPath: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                prompt: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelMixSuperFilesController_upload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelMixSuperFilesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelMixSuperFilesController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                filename: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelMixSuperConfigController_configure: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["ConfigModelDto"];
                "application/json": components["schemas"]["ConfigModelDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ModelMixSuperConfigController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HyperController_generateText: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HyperController_extractText: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
