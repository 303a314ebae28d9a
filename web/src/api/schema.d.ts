// Generated from docs/openapi.json by scripts/gen-api.mjs (npm run gen:api). Do not edit.

export interface paths {
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    /**
                     * @description Return events with an id greater than this (default 0; for a stream,
                     *     default: from now on). A stream's `Last-Event-ID` header wins.
                     */
                    after?: number;
                    /**
                     * @description Page backwards: only events before this id (the first id of the
                     *     previous answer); the newest `latest` (or `limit`) of them. Not with
                     *     `after`.
                     */
                    before?: number;
                    /**
                     * @description The newest this many events instead (oldest first among them): the
                     *     recent past, e.g. for an activity panel. Not with `after`.
                     */
                    latest?: number;
                    /** @description At most this many (default 100, max 1000). Ignored by streams. */
                    limit?: number;
                    workflow_id?: string;
                };
                header?: {
                    /** @description `text/event-stream` for a live SSE stream */
                    Accept?: string | null;
                    /** @description stream: resume after this event id */
                    "Last-Event-ID"?: number | null;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description JSON page, or with `Accept: text/event-stream` a stream: first an `event: hello` with `{"last_event_id"}`, then one message per event (`id:` = event id, `data:` = the event as JSON), and `: keep-alive` comments when idle */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["EventList"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description no such workflow, ticket or task (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: {
                    /** @description Keep the file's ids (refused when any is taken) instead of new ones. */
                    keep_ids?: boolean;
                };
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path?: never;
                cookie?: never;
            };
            /** @description A Tix export (what GET /api/workflows/{id}/export answers): its workflow is created. A file without the workflow line puts its tickets into the existing workflow its header names (what `tix import --from beads|github` sends). */
            requestBody: {
                content: {
                    "application/x-ndjson": string;
                };
            };
            responses: {
                /** @description everything was written, in one transaction */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportReport"];
                    };
                };
                /** @description import_refused: the line and what is wrong with it (a cycle, a reference to a ticket the file does not hold, a status the board lacks…); nothing was written */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description no such workflow, ticket or task (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description workflow_exists (with keep_ids) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    agent_id?: string;
                    /** @description `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Page size (default 50, max 500). */
                    limit?: number;
                    /** @description Only open (true) or only ended (false) runs. */
                    open?: boolean;
                    outcome?: components["schemas"]["RunOutcome"];
                    /** @description Ticket id or unambiguous prefix. */
                    ticket_id?: string;
                    workflow_id?: string;
                };
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
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
                        "application/json": components["schemas"]["RunPage"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    run_id: string;
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
                        "application/json": components["schemas"]["Run"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/finish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    run_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["FinishRun"];
                };
            };
            responses: {
                /** @description the run, ended; a run that held the ticket's claim gave it back */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Run"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description not_run_owner */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description run_ended, or lease_lost for a stale X-Tix-Claim */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query: {
                    assigned_agent_id?: string;
                    blocked?: boolean;
                    /** @description Weight of the keyword side, 0–1 (default 0.3). */
                    keyword_weight?: number;
                    /** @description Results (default 10, max 100). */
                    limit?: number;
                    priority?: components["schemas"]["Priority"];
                    /** @description Free text, a ticket id or an id prefix. Punctuation is fine. */
                    query: string;
                    resolved?: boolean;
                    /** @description `hybrid` (default: 0.7 semantic + 0.3 keyword), `semantic` or `keyword`. */
                    search_type?: components["schemas"]["SearchType"];
                    /** @description Weight of the semantic side, 0–1 (default 0.7; the keyword side gets 1 − it unless given). */
                    semantic_weight?: number;
                    status?: string;
                    /** @description One tag the tickets must have. */
                    tag?: string;
                    /** @description Comma-separated tags the tickets must all have. */
                    tags?: string;
                    ticket_type?: string;
                    workflow_id: string;
                };
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
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
                        "application/json": components["schemas"]["SearchResponse"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    assigned_agent_id?: string;
                    /** @description `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Page size (default 50, max 500). */
                    limit?: number;
                    phase_id?: number;
                    status?: components["schemas"]["TaskStatus"];
                    /** @description Ticket id or unambiguous prefix. */
                    ticket_id?: string;
                    workflow_id?: string;
                };
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
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
                        "application/json": components["schemas"]["TaskPage"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NewTask"];
                };
            };
            responses: {
                /** @description with `violations` when a Guardian rule in warn mode was broken */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TaskCreated"];
                    };
                };
                /** @description unknown_phase, validation_failed */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description guardian_refused: the description is not `Phase X: Description - TICKET: ticket-xxx` */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks/{task_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    /** @description id or unambiguous prefix */
                    task_id: string;
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
                        "application/json": components["schemas"]["Task"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks/{task_id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    task_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TaskStatusBody"];
                };
            };
            responses: {
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Task"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description task_transition_not_allowed */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    assigned_agent_id?: string;
                    /** @description Only blocked (true) or only unblocked (false) tickets. */
                    blocked?: boolean;
                    /** @description `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Page size (default 50, max 500). */
                    limit?: number;
                    /** @description Only the direct children of this ticket (id, prefix or external ref). */
                    parent_id?: string;
                    priority?: components["schemas"]["Priority"];
                    resolved?: boolean;
                    status?: string;
                    tag?: string;
                    ticket_type?: string;
                    workflow_id?: string;
                };
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
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
                        "application/json": components["schemas"]["TicketPage"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description no such workflow, ticket or task (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateTicketBody"];
                };
            };
            responses: {
                /** @description the ticket, and unresolved look-alikes (similarity ≥ 0.80) in similar_tickets */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedTicket"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description possible_duplicate: the board refuses near-duplicates; send force: true to create anyway */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    /** @description id, unambiguous prefix, or external ref (the id it had where it was imported from) */
                    ticket_id: string;
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
                        "application/json": components["schemas"]["TicketDetail"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description expected version */
                    "If-Match"?: number | null;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TicketPatch"];
                };
            };
            responses: {
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description no such workflow, ticket or task (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description refused as things stand: `lease_lost` (your claim is over), or a rule of the board */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                412: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/tickets/{ticket_id}/blockers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["BlockerBody"];
                };
            };
            responses: {
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BlockedBy"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description no such workflow, ticket or task (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description dependency_cycle, with the cycle's path */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/blockers/{blocker_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    blocker_id: string;
                    ticket_id: string;
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
                        "application/json": components["schemas"]["BlockedBy"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description refused as things stand: `lease_lost` (your claim is over), or a rule of the board */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/comments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CommentBody"];
                };
            };
            responses: {
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Comment"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description refused as things stand: `lease_lost` (your claim is over), or a rule of the board */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/commits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NewCommitLink"];
                };
            };
            responses: {
                /** @description already linked (linking is idempotent) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CommitLinked"];
                    };
                };
                /** @description linked */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CommitLinked"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description refused as things stand: `lease_lost` (your claim is over), or a rule of the board */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/graph": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    /** @description Steps to follow upstream and downstream (default: all). */
                    depth?: number;
                };
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    ticket_id: string;
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
                        "application/json": components["schemas"]["TicketGraph"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/heartbeat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the lease, renewed by the length it was claimed with */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Heartbeat"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description no such workflow, ticket or task (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description lease_lost: you hold no live claim on it (or sent a stale X-Tix-Claim) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/related": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    /** @description Most tickets to return (default 10, max 100). */
                    limit?: number;
                };
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    /** @description id or unambiguous prefix */
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description same-workflow tickets labelled duplicate (≥ 0.92), related (≥ 0.75) or similar (≥ 0.6) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RelatedTickets"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ResolveBody"];
                };
            };
            responses: {
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["StatusChange"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description no such workflow, ticket or task (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description already_resolved, or children_open: send force: true to resolve anyway */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    "If-Match"?: number | null;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["StatusBody"];
                };
            };
            responses: {
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["StatusChange"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description no such workflow, ticket or task (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description ticket_blocked, transition_not_allowed, wip_limit_reached or children_open */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                412: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SearchBody"];
                };
            };
            responses: {
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SearchResponse"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description refused as things stand: `lease_lost` (your claim is over), or a rule of the board */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
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
                        "application/json": components["schemas"]["WebhookList"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NewWebhook"];
                };
            };
            responses: {
                /** @description the webhook and its secret (shown this once) */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookCreated"];
                    };
                };
                /** @description validation_failed: not an http(s) URL, an unknown event, a short secret */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description admin_required */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description refused as things stand: `lease_lost` (your claim is over), or a rule of the board */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{webhook_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    webhook_id: string;
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
                        "application/json": components["schemas"]["Webhook"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    webhook_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description removed, with its deliveries (pending ones are never sent) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Webhook"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description refused as things stand: `lease_lost` (your claim is over), or a rule of the board */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{webhook_id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    /** @description `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Page size (default 50, max 500). */
                    limit?: number;
                };
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    webhook_id: string;
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
                        "application/json": components["schemas"]["DeliveryPage"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/whoami": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
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
                        "application/json": components["schemas"]["WhoAmI"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
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
                        "application/json": components["schemas"]["WorkflowList"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NewWorkflow"];
                };
            };
            responses: {
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Workflow"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description no such workflow, ticket or task (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{workflow_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    workflow_id: string;
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
                        "application/json": components["schemas"]["Workflow"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{workflow_id}/claim": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: {
                    /**
                     * @description When nothing is ready (or queued), wait up to this many seconds for
                     *     something to become so (0..60; default 0: answer at once).
                     */
                    wait?: number;
                };
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    workflow_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ClaimBody"];
                };
            };
            responses: {
                /** @description the ticket, its claim_token (send it as X-Tix-Claim), the run it opened and earlier runs' hand-offs */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Claimed"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description nothing_ready / nothing_queued (after waiting, with wait) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{workflow_id}/critical-path": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    workflow_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The longest chain of unresolved tickets, blocker first, with their titles: the graph's `critical_path` without the rest of the graph */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CriticalPath"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{workflow_id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    workflow_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The workflow in the Tix export format, version 1: a header line `{"tix_export": 1, …}`, the workflow (board, phases, Guardian modes), then every ticket with its edges, comments, history, tasks, commit links and runs, one JSON object per line */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/x-ndjson": string;
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{workflow_id}/graph": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    /** @description Include resolved tickets (default true). */
                    include_resolved?: boolean;
                };
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    workflow_id: string;
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
                        "application/json": components["schemas"]["TicketGraph"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{workflow_id}/guardian": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    /** @description Only violations with a greater id (default 0). */
                    after?: number;
                    /** @description Only this agent's violations. */
                    agent_id?: string;
                    /** @description At most this many (default 100, max 1000). */
                    limit?: number;
                    /** @description Only this rule's violations. */
                    rule?: components["schemas"]["Rule"];
                };
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    workflow_id: string;
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
                        "application/json": components["schemas"]["GuardianReport"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{workflow_id}/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    /** @description Include tickets assigned to this agent (default: the X-Agent-ID). */
                    agent_id?: string;
                    /** @description At most this many (default 50, max 500). */
                    limit?: number;
                    /**
                     * @description When nothing is ready, wait up to this many seconds for something to
                     *     become ready (0..60; default 0: answer at once).
                     */
                    wait?: number;
                };
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    workflow_id: string;
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
                        "application/json": components["schemas"]["ReadyList"];
                    };
                };
                /** @description invalid input: the message names the field (`validation_failed`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{workflow_id}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    /**
                     * @description Days in the per-day series and timings, today (UTC) included
                     *     (default 30, max 365).
                     */
                    days?: number;
                };
                header?: {
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                };
                path: {
                    workflow_id: string;
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
                        "application/json": components["schemas"]["WorkflowStats"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{workflow_id}/tickets/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any string you choose (a UUID is good). The same key from the same agent within 24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; with a different request it is `422 idempotency_key_reused`. */
                    "Idempotency-Key"?: string;
                    /** @description The acting agent (default `human`). With a token, only the token's own agent unless the token is an admin's. */
                    "X-Agent-ID"?: string;
                    /** @description The claim_token a claim answered. Once that claim is over (the lease ran out, someone else claimed the ticket), writes to its ticket carrying it are refused with `409 lease_lost`; tokens of other tickets' claims are ignored. */
                    "X-Tix-Claim"?: string;
                };
                path: {
                    workflow_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ImportBody"];
                };
            };
            responses: {
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportResult"];
                    };
                };
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description a token is required or was not valid (`token_required`, `invalid_token`) */
                401: {
                    headers: {
                        /** @description `Bearer realm="tix"` */
                        "WWW-Authenticate"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the token may not act as the agent named (`agent_mismatch`), the Host is not one this server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description no such workflow, ticket or task (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description refused as things stand: `lease_lost` (your claim is over), or a rule of the board */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is over the limit (`body_too_large`, with `limit_bytes`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the URI is over 8 KiB (`uri_too_long`) */
                414: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the Idempotency-Key was used for a different request (`idempotency_key_reused`) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description the database failed (`storage_error`); retry shortly */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
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
        /** @description What one agent holds and did in the period. */
        AgentWorkload: {
            /**
             * Format: int64
             * @description History rows written by the agent in the period (moves, comments, …).
             */
            actions: number;
            agent_id: string;
            /**
             * Format: int64
             * @description Of those, the blocked ones.
             */
            blocked: number;
            /**
             * Format: int64
             * @description Of those, the ones out of the initial column.
             */
            in_progress: number;
            /** Format: date-time */
            last_active_at?: string | null;
            /**
             * Format: int64
             * @description Unresolved tickets assigned to the agent.
             */
            open: number;
            /**
             * Format: int64
             * @description Resolutions by the agent in the period.
             */
            resolved: number;
        };
        AssigneeCount: {
            /** @description `null` counts the unassigned tickets. */
            agent_id?: string | null;
            /** Format: int64 */
            open: number;
            /** Format: int64 */
            total: number;
        };
        BlockedBy: {
            blocked_by: components["schemas"]["TicketRef"][];
        };
        BlockedNow: {
            /** Format: int64 */
            count: number;
            /** @description The most urgent ones (priority, then age), at most 20. */
            tickets: components["schemas"]["BlockedTicket"][];
        };
        /** @description An unresolved ticket waiting on unresolved blockers. */
        BlockedTicket: {
            assigned_agent_id?: string | null;
            id: string;
            /**
             * Format: int64
             * @description How many of its blockers are unresolved.
             */
            open_blockers: number;
            priority: components["schemas"]["Priority"];
            status: string;
            title: string;
        };
        BlockerBody: {
            /** @description The ticket that blocks this one. */
            ticket_id: string;
        };
        BoardConfig: {
            /** @description Column a claimed ticket moves to. Default: the column after `initial_status`. */
            claim_status?: string | null;
            /** @description Columns in board order (left to right). */
            columns: components["schemas"]["Column"][];
            /** @description Columns in which a ticket counts as resolved. Default: the last column. */
            done_statuses?: string[] | null;
            /**
             * @description What creating a near-duplicate ticket does: `warn` (default: the
             *     create answer lists `similar_tickets`) or `refuse` (a match with
             *     similarity ≥ 0.92 fails with `possible_duplicate` unless `force`).
             */
            duplicate_policy?: components["schemas"]["DuplicatePolicy"];
            /** @description Column new tickets start in. */
            initial_status: string;
            ticket_types: string[];
            /**
             * @description Allowed moves: `from` column id to the column ids it may move to.
             *     Absent means any move is allowed.
             */
            transitions?: {
                [key: string]: string[];
            } | null;
        };
        /** @description A descendant of a ticket, as `GET /api/tickets/{id}` lists them. */
        ChildTicket: {
            /**
             * Format: int32
             * @description 1 for a direct child, 2 for a grandchild, …
             */
            depth: number;
            id: string;
            is_blocked: boolean;
            is_resolved: boolean;
            /** @description Its parent: the ticket asked about for a direct child (depth 1). */
            parent_id: string;
            status: string;
            title: string;
        };
        ClaimBody: {
            /** @description The claiming agent (default: the X-Agent-ID). */
            agent_id?: string | null;
            /**
             * Format: int64
             * @description Lease length in seconds (default 1800, at most 86400).
             */
            lease_seconds?: number | null;
            /**
             * Format: int32
             * @description Take this phase's best queued task instead of a ready ticket: the
             *     task starts for you and its ticket is held where it stands.
             */
            phase_id?: number | null;
            /** @description Claim this ticket instead of the top ready one. */
            ticket_id?: string | null;
        };
        /**
         * @description The answer to a claim: the ticket (its fields at the top level), the
         *     token that fences the claimant's writes, the run the claim opened, the
         *     task when a phase's task was claimed, and earlier runs' hand-offs.
         */
        Claimed: components["schemas"]["Ticket"] & {
            /**
             * @description Send it with your writes to this ticket (`X-Tix-Claim`, or `claim_token`
             *     over MCP); it stops working when the claim ends.
             */
            claim_token: string;
            /** @description What earlier runs on this ticket left, most recent first (about 2 KB of text at most). */
            handoffs: components["schemas"]["PriorRun"][];
            run_id: string;
            task?: null | components["schemas"]["Task"];
        };
        Column: {
            /** @description Stable id used in API calls (`new_status`), e.g. `building`. */
            id: string;
            /** @description Display name, e.g. `🔨 Building`. */
            name: string;
            /**
             * Format: int32
             * @description Most tickets this column may hold at once.
             */
            wip_limit?: number | null;
        };
        Comment: {
            author: string;
            comment_text: string;
            /** Format: date-time */
            created_at: string;
            /** Format: int64 */
            id: number;
            ticket_id: string;
        };
        CommentBody: {
            comment_text: string;
        };
        /** @description A commit linked to a ticket. */
        CommitLink: {
            author?: string | null;
            /** Format: date-time */
            committed_at?: string | null;
            /** Format: int32 */
            deletions?: number | null;
            /** Format: int32 */
            files_changed?: number | null;
            /** Format: int32 */
            insertions?: number | null;
            /** Format: date-time */
            linked_at: string;
            linked_by: string;
            message: string;
            sha: string;
            source: components["schemas"]["CommitSource"];
            ticket_id: string;
        };
        /** @description Result of linking: the link, and whether it is new (linking is idempotent). */
        CommitLinked: {
            link: components["schemas"]["CommitLink"];
            /** @description False when the commit was linked to the ticket already. */
            newly_linked: boolean;
            sha: string;
            ticket_id: string;
        };
        /**
         * @description Where a link came from.
         * @enum {string}
         */
        CommitSource: "hook" | "scan" | "manual";
        /** @description Tickets with one value of a field (a status, a type, a priority). */
        Count: {
            key: string;
            /**
             * Format: int64
             * @description Of those, the unresolved ones.
             */
            open: number;
            /**
             * Format: int64
             * @description Every ticket with this value.
             */
            total: number;
        };
        /** @description A ticket created through [`App::create_ticket`]. */
        CreatedTicket: {
            /** @description Unresolved tickets of the workflow with similarity ≥ 0.80, best first. */
            similar_tickets: components["schemas"]["SimilarTicket"][];
            ticket: components["schemas"]["Ticket"];
            ticket_id: string;
            /** @description Guardian rules in `warn` mode the create broke (it went through). */
            violations?: components["schemas"]["Violation"][];
        };
        /**
         * @description Body of `POST /api/tickets`: a new ticket, and `force` to create it even
         *     when the board refuses near-duplicates (`duplicate_policy: refuse`).
         */
        CreateTicketBody: components["schemas"]["NewTicket"] & {
            /** @description Create even if an unresolved ticket looks like a duplicate (similarity ≥ 0.92). */
            force?: boolean;
        };
        /**
         * @description A workflow's critical path alone (`GET /api/workflows/{id}/critical-path`):
         *     what a view that already has the tickets needs from the whole graph.
         */
        CriticalPath: {
            /**
             * @description The longest chain of unresolved tickets, blocker first (as
             *     `critical_path` of the workflow's graph).
             */
            critical_path: string[];
            /** @description The same tickets, in the same order, with their titles and states. */
            tickets: components["schemas"]["GraphNode"][];
        };
        /** @description Tickets per status at the end of each day, rebuilt from the history. */
        CumulativeFlow: {
            days: components["schemas"]["FlowDay"][];
            /** @description Statuses in board order (then any no longer on the board). */
            statuses: string[];
        };
        /** @description What happened on one UTC day. */
        DayThroughput: {
            /**
             * Format: int64
             * @description Tickets created that day.
             */
            created: number;
            /** @description `YYYY-MM-DD` (UTC). */
            day: string;
            /**
             * Format: int64
             * @description Resolutions that day (a ticket resolved twice counts twice).
             */
            resolved: number;
        };
        /** @description One event sent (or to be sent) to one webhook. */
        Delivery: {
            /** Format: int32 */
            attempts: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            delivered_at?: string | null;
            /** @description Unique; sent as `X-Tix-Delivery`. */
            delivery_id: string;
            /** @description The event name, sent as `X-Tix-Event`. */
            event: string;
            /**
             * Format: int64
             * @description The event log's id (`GET /api/events`).
             */
            event_id: number;
            /** @description Why the last attempt failed, if it did. */
            last_error?: string | null;
            /**
             * Format: int32
             * @description The receiver's last HTTP status, if it answered.
             */
            last_status?: number | null;
            /**
             * Format: date-time
             * @description When the next attempt is due (pending deliveries).
             */
            next_attempt_at?: string | null;
            state: components["schemas"]["DeliveryState"];
            webhook_id: string;
        };
        DeliveryPage: {
            /** @description Newest first. */
            deliveries: components["schemas"]["Delivery"][];
            /** @description Pass as `cursor` for older ones; null on the last page. */
            next_cursor?: string | null;
        };
        /** @enum {string} */
        DeliveryState: "pending" | "delivered" | "failed";
        /**
         * @description See [`BoardConfig::duplicate_policy`].
         * @enum {string}
         */
        DuplicatePolicy: "warn" | "refuse";
        /** @description Distribution of a duration over the tickets resolved in the period. */
        DurationStats: {
            /**
             * Format: int64
             * @description Tickets measured.
             */
            count: number;
            /** Format: double */
            mean_seconds?: number | null;
            /**
             * Format: double
             * @description Nearest-rank percentiles, in seconds; `null` when nothing was measured.
             */
            median_seconds?: number | null;
            /** Format: double */
            p85_seconds?: number | null;
        };
        /**
         * @description What a board's optional settings come to: clients read these instead of
         *     keeping their own copy of the defaults.
         */
        EffectiveBoard: {
            /**
             * @description Where a claim moves a ticket (`board_config.claim_status`, else the
             *     column after the initial one unless that is done, else the initial one).
             */
            claim_status: string;
            /** @description The done columns (`board_config.done_statuses`, else the last column). */
            done_statuses: string[];
            /** @description Where `resolve` puts a ticket: the first done column in board order. */
            resolve_status: string;
        };
        /** @description Error body, for the OpenAPI document. */
        ErrorBody: {
            error: components["schemas"]["ErrorDetail"];
        };
        ErrorDetail: {
            /** @description Stable machine code, e.g. `ticket_blocked`. */
            code: string;
            /** @description What to do next. */
            hint: string;
            message: string;
        };
        /** @description An entry of the event log (the feed for live updates). */
        Event: {
            agent_id: string;
            /** Format: date-time */
            created_at: string;
            /** Format: int64 */
            id: number;
            /** @description e.g. `ticket_created`, `ticket_moved`, `ticket_resolved`, `ticket_unblocked`. */
            kind: string;
            payload: Record<string, unknown>;
            ticket_id?: string | null;
            workflow_id: string;
        };
        EventList: {
            events: components["schemas"]["Event"][];
        };
        /** @description Body of `POST /api/runs/{run_id}/finish` (and the `finish_run` tool). */
        FinishRun: {
            /** Format: double */
            cost_usd?: number | null;
            /** Format: int32 */
            exit_code?: number | null;
            handoff?: null | components["schemas"]["Handoff"];
            /** @description `succeeded`, `failed` or `abandoned` (`lease_lost` is Tix's to set). */
            outcome: components["schemas"]["RunOutcome"];
            summary?: string | null;
            /** Format: int64 */
            tokens_in?: number | null;
            /** Format: int64 */
            tokens_out?: number | null;
        };
        FlowDay: {
            /** @description Tickets in each of `statuses` (same order) at the end of the day. */
            counts: number[];
            /** @description `YYYY-MM-DD` (UTC). */
            day: string;
        };
        GraphEdge: {
            /** @description The blocker. */
            from: string;
            /** @description The blocked ticket. */
            to: string;
            type: string;
        };
        GraphNode: {
            assigned_agent_id?: string | null;
            id: string;
            is_blocked: boolean;
            is_resolved: boolean;
            priority: components["schemas"]["Priority"];
            status: string;
            ticket_type: string;
            title: string;
        };
        /**
         * @description Per-workflow Guardian settings: `{"rules": {"column_skipped": "enforce"}}`.
         *     Rules not named keep their default mode.
         */
        GuardianConfig: {
            rules?: Record<string, unknown>;
        };
        GuardianReport: {
            /** @description Every rule with the mode in effect (`off`, `warn`, `enforce`). */
            rules: Record<string, unknown>;
            /** @description Oldest first. `mode: enforce` means the write was refused. */
            violations: components["schemas"]["Violation"][];
            workflow_id: string;
        };
        /** @description What an agent leaves for the next one: free text in four parts. */
        Handoff: {
            /** @description Choices made, and why. */
            decisions?: string | null;
            /** @description What is finished. */
            done?: string | null;
            /** @description What is left to do. */
            remaining?: string | null;
            /** @description What could go wrong, what to check. */
            risks?: string | null;
        };
        /** @description The answer to a heartbeat. */
        Heartbeat: {
            agent_id: string;
            /** Format: date-time */
            lease_expires_at: string;
            /** @description The holder's open run, if any. */
            run_id?: string | null;
            ticket_id: string;
        };
        /** @description One row of a ticket's history: who did what, when, from where to where. */
        HistoryEntry: {
            /**
             * @description `created`, `status_changed`, `resolved`, `reopened`, `updated`,
             *     `commented`, `blocker_added`, `blocker_removed`, `unblocked`,
             *     `blocked`, `claimed`, `lease_expired`.
             */
            action: string;
            agent_id: string;
            comment?: string | null;
            /** Format: date-time */
            created_at: string;
            details: Record<string, unknown>;
            from_status?: string | null;
            /** Format: int64 */
            id: number;
            ticket_id: string;
            to_status?: string | null;
        };
        ImportBody: {
            /** @description Tickets to create in one transaction; `workflow_id` may be omitted. */
            tickets: components["schemas"]["ImportTicket"][];
        };
        /** @description What an import wrote. */
        ImportReport: {
            /** Format: int64 */
            comments: number;
            /** Format: int64 */
            commits: number;
            /** Format: int64 */
            edges: number;
            /** Format: int64 */
            history: number;
            /** Format: int64 */
            links: number;
            /** Format: int64 */
            parents: number;
            /** Format: int64 */
            runs: number;
            /** Format: int64 */
            tasks: number;
            /** @description The tickets' ids in the order of the file (new ones unless `keep_ids`). */
            ticket_ids: string[];
            /** @description Whether the import created that workflow (from the file's workflow line). */
            workflow_created: boolean;
            /** @description The workflow the tickets are in. */
            workflow_id: string;
        };
        ImportResult: {
            ticket_ids: string[];
        };
        /** @description A ticket to import: like `POST /api/tickets`, with an optional `id`. */
        ImportTicket: {
            assigned_agent_id?: string | null;
            blocked_by_ticket_ids?: string[];
            description?: string;
            id?: string | null;
            priority?: null | components["schemas"]["Priority"];
            tags?: string[];
            ticket_type: string;
            title: string;
            workflow_id?: string | null;
        };
        /**
         * @description How a link relates two tickets (from another tracker; no rule follows it).
         * @enum {string}
         */
        LinkKind: "related" | "discovered_from";
        /**
         * @description Where a result was found.
         * @enum {string}
         */
        MatchedIn: "id" | "keyword" | "semantic";
        /** @enum {string} */
        Mode: "off" | "warn" | "enforce";
        /** @description Body of `POST /api/tickets/{id}/commits`. */
        NewCommitLink: {
            author?: string | null;
            /**
             * Format: date-time
             * @description The commit's own timestamp.
             */
            committed_at?: string | null;
            /** Format: int32 */
            deletions?: number | null;
            /** Format: int32 */
            files_changed?: number | null;
            /** Format: int32 */
            insertions?: number | null;
            message?: string;
            /** @description The commit's full (or abbreviated, ≥ 7) hex sha. */
            sha: string;
            source?: components["schemas"]["CommitSource"];
        };
        /** @description Body of `POST /api/tasks` and the `create_task` tool. */
        NewTask: {
            assigned_agent_id?: string | null;
            /** @description `Phase X: Description - TICKET: ticket-xxx`, X being `phase_id`. */
            description: string;
            /** Format: int32 */
            phase_id: number;
            /** @description The ticket the task works on (id or unambiguous prefix). */
            ticket_id: string;
            /** @description Optional; when given, the ticket must be in this workflow. */
            workflow_id?: string | null;
        };
        /** @description Body of `POST /api/tickets`. */
        NewTicket: {
            assigned_agent_id?: string | null;
            blocked_by_ticket_ids?: string[];
            description?: string;
            /** @description Caller-chosen id (imports only; generated when absent). */
            id?: string | null;
            /** @description The ticket this one is part of (same workflow; id or unambiguous prefix). */
            parent_id?: string | null;
            priority?: null | components["schemas"]["Priority"];
            /** @description At most 32 tags of at most 64 characters. */
            tags?: string[];
            ticket_type: string;
            title: string;
            workflow_id: string;
        };
        /** @description Body of `POST /api/webhooks`. */
        NewWebhook: {
            /**
             * @description Event names (`ticket.created`, `ticket.moved`, `ticket.resolved`,
             *     `ticket.unblocked`, `ticket.claimed`, `lease.expired`, `run.finished`,
             *     `comment.added`, …) or `*` for all.
             */
            events: string[];
            /**
             * @description Key of the `X-Tix-Signature` HMAC (16..256 characters). Generated
             *     (and answered once) when absent.
             */
            secret?: string | null;
            /** @description Where deliveries go: an `http` or `https` URL. */
            url: string;
            /** @description Only this workflow's events (default: every workflow's). */
            workflow_id?: string | null;
        };
        /** @description Body of `POST /api/workflows` and of `tix workflow create --file`. */
        NewWorkflow: {
            board_config: components["schemas"]["BoardConfig"];
            /** @description Guardian rule modes, e.g. `{"rules": {"column_skipped": "enforce"}}`. */
            guardian?: components["schemas"]["GuardianConfig"];
            /** @description Optional id; generated (`wf-xxxxxxxx`) when absent. */
            id?: string | null;
            name: string;
            phases?: components["schemas"]["Phase"][];
        };
        /** @description Runs per outcome (`open` for runs not ended). */
        OutcomeCount: {
            /** Format: int64 */
            count: number;
            outcome: string;
        };
        /** @description A phase of the workflow (Phase 1 creates tickets, later phases consume them). */
        Phase: {
            /** @description Column ids this phase works in. */
            columns?: string[];
            description?: string;
            /** Format: int32 */
            id: number;
            instructions?: string | null;
            name: string;
        };
        /** @enum {string} */
        Priority: "low" | "medium" | "high" | "critical";
        /** @description What an earlier run left for the next agent, as a claim answers it. */
        PriorRun: {
            agent_id: string;
            /** Format: date-time */
            ended_at?: string | null;
            handoff?: null | components["schemas"]["Handoff"];
            outcome?: null | components["schemas"]["RunOutcome"];
            run_id: string;
            summary?: string | null;
            /** @description True when the text was cut to fit the claim's answer. */
            truncated?: boolean;
        };
        /** @description How far a ticket's descendants are: resolved of total. */
        Progress: {
            /** Format: int64 */
            resolved: number;
            /** Format: int64 */
            total: number;
        };
        ReadyList: {
            /** @description Best first: priority, then how many tickets each unblocks, then age. */
            tickets: components["schemas"]["ReadyTicket"][];
        };
        /** @description A ready ticket and why it sorts where it does. */
        ReadyTicket: components["schemas"]["Ticket"] & {
            /**
             * Format: int64
             * @description How many unresolved tickets depend on this one, directly or not.
             */
            unblocks_count: number;
        };
        RelatedTicket: {
            id: string;
            is_resolved: boolean;
            relation: components["schemas"]["Relation"];
            /** Format: float */
            similarity: number;
            status: string;
            title: string;
        };
        RelatedTickets: {
            related: components["schemas"]["RelatedTicket"][];
            semantic_available: boolean;
            ticket_id: string;
        };
        /** @enum {string} */
        Relation: "duplicate" | "related" | "similar";
        ResolveBody: {
            /** @description Resolve even while some of the ticket's children are unresolved. */
            force?: boolean;
            resolution_comment?: string | null;
        };
        /** @description How many attempts resolved tickets took. */
        Retries: {
            /**
             * Format: int64
             * @description Tickets resolved in the period that had at least one run.
             */
            resolved_tickets: number;
            /**
             * Format: int64
             * @description Runs on those tickets (any time).
             */
            runs: number;
            /**
             * Format: double
             * @description `runs / resolved_tickets`; `null` when nothing was resolved.
             */
            runs_per_resolved?: number | null;
        };
        /** @enum {string} */
        Rule: "task_ticket_reference" | "move_by_non_holder" | "column_skipped" | "phase_column" | "duplicate_ticket" | "lease_idle";
        /** @description One attempt at a ticket. */
        Run: {
            agent_id: string;
            /** Format: double */
            cost_usd?: number | null;
            /** Format: date-time */
            ended_at?: string | null;
            /** @description Who closed it: the agent itself, another agent, or `tix` (a lease that ran out). */
            ended_by?: string | null;
            /** Format: int32 */
            exit_code?: number | null;
            handoff?: null | components["schemas"]["Handoff"];
            outcome?: null | components["schemas"]["RunOutcome"];
            /** Format: int32 */
            phase_id?: number | null;
            run_id: string;
            /** Format: date-time */
            started_at: string;
            summary?: string | null;
            /** @description The task it works on, when a task start opened it. */
            task_id?: string | null;
            ticket_id: string;
            /** Format: int64 */
            tokens_in?: number | null;
            /** Format: int64 */
            tokens_out?: number | null;
            workflow_id: string;
        };
        /** @description Tokens and cost of the runs with one value of a key (an agent, a phase). */
        RunCost: {
            /** Format: double */
            cost_usd: number;
            /** @description The agent id, the phase id (as text; `none` for runs of no phase) or the ticket id. */
            key: string;
            /**
             * Format: int64
             * @description Runs that reported tokens or a cost: with 0, the sums below say
             *     "not reported", not "free".
             */
            reported_runs: number;
            /** Format: int64 */
            runs: number;
            /** @description The ticket's title (per-ticket rows only). */
            title?: string | null;
            /** Format: int64 */
            tokens_in: number;
            /** Format: int64 */
            tokens_out: number;
        };
        /**
         * @description How a run ended.
         * @enum {string}
         */
        RunOutcome: "succeeded" | "failed" | "abandoned" | "lease_lost";
        RunPage: {
            /** @description Pass as `cursor` to get the next (older) page; null on the last page. */
            next_cursor?: string | null;
            /** @description Newest first. */
            runs: components["schemas"]["Run"][];
        };
        /** @description Runs started in the period. */
        RunStats: {
            /** @description Most expensive first. */
            by_agent: components["schemas"]["RunCost"][];
            by_outcome: components["schemas"]["OutcomeCount"][];
            /** @description In phase order (`none` last). */
            by_phase: components["schemas"]["RunCost"][];
            /** @description The 20 most expensive tickets (then most runs). */
            by_ticket: components["schemas"]["RunCost"][];
            /** Format: double */
            cost_usd: number;
            /**
             * Format: int64
             * @description Runs that reported tokens or a cost (see [`RunCost::reported_runs`]).
             */
            reported_runs: number;
            retries: components["schemas"]["Retries"];
            /** Format: int64 */
            runs: number;
            /** Format: int64 */
            tokens_in: number;
            /** Format: int64 */
            tokens_out: number;
        };
        /**
         * @description Body of `POST /api/tickets/search`: the fields of `GET /api/search`, with
         *     `tags` as a list.
         */
        SearchBody: {
            assigned_agent_id?: string | null;
            blocked?: boolean | null;
            /** Format: float */
            keyword_weight?: number | null;
            /** Format: int32 */
            limit?: number | null;
            priority?: null | components["schemas"]["Priority"];
            query: string;
            resolved?: boolean | null;
            search_type?: null | components["schemas"]["SearchType"];
            /** Format: float */
            semantic_weight?: number | null;
            status?: string | null;
            tags?: string[];
            ticket_type?: string | null;
            workflow_id: string;
        };
        /** @description One result: the ticket and why it ranks where it does. */
        SearchHit: components["schemas"]["Ticket"] & {
            /**
             * Format: float
             * @description Raw BM25 score; null when no keyword matched.
             */
            bm25?: number | null;
            /**
             * Format: float
             * @description Raw cosine similarity to the query; null without semantic search.
             *     Unlike `score` it is absolute: a weak best match stays weak.
             */
            cosine?: number | null;
            /**
             * Format: float
             * @description Keyword component, min-max normalised over the candidates (0..1).
             */
            keyword_score: number;
            /**
             * @description The query means nearly the same as this ticket (cosine ≥ 0.92, the
             *     threshold at which a board's `duplicate_policy` applies).
             */
            likely_duplicate: boolean;
            /** @description Which retrievers found it: `id`, `keyword`, `semantic`. */
            matched_in: components["schemas"]["MatchedIn"][];
            /**
             * Format: float
             * @description The ranking score: the weighted sum for hybrid, the BM25 score for
             *     keyword, the cosine for semantic.
             */
            score: number;
            /**
             * Format: float
             * @description Semantic component, min-max normalised over the candidates (0..1);
             *     null without semantic search.
             */
            semantic_score?: number | null;
        };
        SearchResponse: {
            /** @description The embedding model, when semantic search is available. */
            model_id?: string | null;
            query: string;
            results: components["schemas"]["SearchHit"][];
            /**
             * @description The search that ran (hybrid and semantic fall back to keyword when
             *     semantic search is unavailable).
             */
            search_type: components["schemas"]["SearchType"];
            semantic_available: boolean;
            /** @description Set when the search could not do all that was asked. */
            warning?: string | null;
            weights: components["schemas"]["Weights"];
            workflow_id: string;
        };
        /** @enum {string} */
        SearchType: "hybrid" | "semantic" | "keyword";
        /** @description A ticket whose embedding is close to another text or ticket. */
        SimilarTicket: {
            id: string;
            /**
             * Format: float
             * @description Cosine similarity of the embeddings, -1..1 (1 = same meaning).
             */
            similarity: number;
            status: string;
            title: string;
        };
        StatusBody: {
            comment?: string | null;
            /** @description Move into a done column even while some of the ticket's children are unresolved. */
            force?: boolean;
            /** @description A column id of the board, e.g. `building`. */
            new_status: string;
        };
        /** @description Result of a status change or a resolve. */
        StatusChange: {
            /** @description Queued tasks of reblocked dependents, now blocked. */
            blocked_task_ids?: string[];
            /** @description Tasks of unblocked dependents that went from blocked to queued. */
            queued_task_ids?: string[];
            /** @description Dependents blocked again because this ticket was reopened. */
            reblocked_ticket_ids: string[];
            ticket: components["schemas"]["Ticket"];
            /** @description Dependents with no unresolved blocker left after this change. */
            unblocked_ticket_ids: string[];
            /** @description Guardian rules in `warn` mode this change broke (it went through). */
            violations?: components["schemas"]["Violation"][];
        };
        Task: {
            assigned_agent_id?: string | null;
            /** Format: date-time */
            completed_at?: string | null;
            /** Format: date-time */
            created_at: string;
            created_by: string;
            description: string;
            /** @description The comment of the last status change (what was done, why it failed). */
            note?: string | null;
            /** Format: int32 */
            phase_id: number;
            /** Format: date-time */
            started_at?: string | null;
            status: components["schemas"]["TaskStatus"];
            task_id: string;
            ticket_id: string;
            /** Format: date-time */
            updated_at: string;
            workflow_id: string;
        };
        /** @description Result of creating a task. */
        TaskCreated: {
            task: components["schemas"]["Task"];
            task_id: string;
            /** @description Guardian rules in `warn` mode the task broke (it was created anyway). */
            violations?: components["schemas"]["Violation"][];
        };
        TaskPage: {
            /** @description Pass as `cursor` to get the next page; null on the last page. */
            next_cursor?: string | null;
            tasks: components["schemas"]["Task"][];
        };
        /** @enum {string} */
        TaskStatus: "queued" | "in_progress" | "done" | "failed" | "blocked";
        TaskStatusBody: {
            /** @description What was done, or why it failed. */
            comment?: string | null;
            /** @description `queued`, `in_progress`, `done` or `failed` (`blocked` is set by Tix). */
            status: components["schemas"]["TaskStatus"];
        };
        Ticket: {
            assigned_agent_id?: string | null;
            /** @description Ids of every ticket that blocks this one (resolved or not). */
            blocked_by_ticket_ids: string[];
            /**
             * Format: date-time
             * @description When the ticket last entered a done status.
             */
            completed_at?: string | null;
            /** Format: date-time */
            created_at: string;
            created_by: string;
            description: string;
            /**
             * @description The id it had in the tracker it was imported from (`bd-a1b2`,
             *     `acme/shop#12`); a ticket id may be given as it anywhere.
             */
            external_ref?: string | null;
            id: string;
            /** @description True while any blocker is unresolved. */
            is_blocked: boolean;
            /**
             * @description Whether the ready queue offers it: unresolved, unblocked, no open
             *     child, in the initial column and unassigned (as of this answer).
             */
            is_ready: boolean;
            is_resolved: boolean;
            /**
             * Format: date-time
             * @description When the claim of `assigned_agent_id` runs out (renewed by its writes).
             */
            lease_expires_at?: string | null;
            /** @description The ticket this one is part of (same workflow), if any. */
            parent_id?: string | null;
            priority: components["schemas"]["Priority"];
            /** Format: date-time */
            resolved_at?: string | null;
            /**
             * Format: date-time
             * @description When the ticket first left the initial column.
             */
            started_at?: string | null;
            status: string;
            tags: string[];
            ticket_type: string;
            title: string;
            /** Format: date-time */
            updated_at: string;
            /**
             * Format: int64
             * @description Increments on every change; send it as `If-Match` to avoid lost updates.
             */
            version: number;
            workflow_id: string;
        };
        /** @description `GET /api/tickets/{id}`: the ticket with its relations, comments and history. */
        TicketDetail: components["schemas"]["Ticket"] & {
            blocked_by: components["schemas"]["TicketRef"][];
            blocks: components["schemas"]["TicketRef"][];
            /**
             * @description Its descendants in tree order (depth 1: its direct children), each
             *     with its state.
             */
            children?: components["schemas"]["ChildTicket"][];
            comments: components["schemas"]["Comment"][];
            /** @description Git commits linked to this ticket, oldest commit first. */
            commits?: components["schemas"]["CommitLink"][];
            history: components["schemas"]["HistoryEntry"][];
            /** @description Links kept from the tracker it was imported from. */
            links?: components["schemas"]["TicketLink"][];
            parent?: null | components["schemas"]["TicketRef"];
            /** @description Resolved of all its descendants. */
            progress?: components["schemas"]["Progress"];
            /** @description Attempts at this ticket (claims and task starts), oldest first. */
            runs?: components["schemas"]["Run"][];
            /**
             * @description Tasks working on this ticket (its active work first: in progress,
             *     queued, blocked; then finished ones), oldest first within each.
             */
            tasks?: components["schemas"]["Task"][];
        };
        TicketGraph: {
            /** @description The longest chain of unresolved tickets, blocker first. */
            critical_path: string[];
            edges: components["schemas"]["GraphEdge"][];
            nodes: components["schemas"]["GraphNode"][];
        };
        /** @description A link kept on a ticket. */
        TicketLink: {
            kind: components["schemas"]["LinkKind"];
            /** @description A ticket id, or the other tracker's id when that ticket is not in Tix. */
            target: string;
        };
        TicketPage: {
            /** @description Pass as `cursor` to get the next page; null on the last page. */
            next_cursor?: string | null;
            tickets: components["schemas"]["Ticket"][];
        };
        /** @description Body of `PATCH /api/tickets/{id}`: every field optional. */
        TicketPatch: {
            /** @description `null` unassigns; absent leaves it as is. */
            assigned_agent_id?: string | null;
            description?: string | null;
            /**
             * @description The parent (same workflow, not below this ticket); `null` detaches
             *     it from its parent; absent leaves it as is.
             */
            parent_id?: string | null;
            priority?: null | components["schemas"]["Priority"];
            tags?: string[] | null;
            ticket_type?: string | null;
            title?: string | null;
        };
        /** @description A ticket as shown inside errors and relation lists. */
        TicketRef: {
            id: string;
            is_resolved: boolean;
            status: string;
            title: string;
        };
        /** @description A recorded violation. */
        Violation: {
            agent_id: string;
            /** Format: date-time */
            created_at: string;
            details: Record<string, unknown>;
            fix: string;
            /** Format: int64 */
            id: number;
            message: string;
            /** @description `warn`: the write went through. `enforce`: it was refused. */
            mode: components["schemas"]["Mode"];
            object_id: string;
            /** @description `ticket` or `task`. */
            object_kind: string;
            rule: components["schemas"]["Rule"];
            workflow_id: string;
        };
        /** @description A webhook as listed (its secret is never shown again). */
        Webhook: {
            /** Format: date-time */
            created_at: string;
            created_by: string;
            events: string[];
            id: string;
            url: string;
            workflow_id?: string | null;
        };
        /** @description The answer to `POST /api/webhooks`: the webhook and its secret, shown this once. */
        WebhookCreated: components["schemas"]["Webhook"] & {
            /** @description Keep it: deliveries are signed with it, and it is not shown again. */
            secret: string;
        };
        WebhookList: {
            /** @description Oldest first. */
            webhooks: components["schemas"]["Webhook"][];
        };
        /** @description Weights of the two sides (default 0.7 semantic, 0.3 keyword). */
        Weights: {
            /** Format: float */
            keyword: number;
            /** Format: float */
            semantic: number;
        };
        WhoAmI: {
            /** @description Whether the caller's token is an admin's (false without a token). */
            admin: boolean;
            /** @description The agent this caller's writes are recorded as. */
            agent_id: string;
            /** @description `off` (the X-Agent-ID header is trusted) or `required` (a token decides). */
            auth: string;
            /** @description Whether the caller sent a valid token. */
            token: boolean;
        };
        Workflow: {
            board_config: components["schemas"]["BoardConfig"];
            /** Format: date-time */
            created_at: string;
            /**
             * @description The board's rules as the server applies them, defaults filled in
             *     (derived from `board_config`; ignored when sent back).
             */
            effective: components["schemas"]["EffectiveBoard"];
            /** @description Guardian rule modes (rules not named keep their defaults). */
            guardian?: components["schemas"]["GuardianConfig"];
            id: string;
            name: string;
            phases: components["schemas"]["Phase"][];
            /** Format: date-time */
            updated_at: string;
        };
        WorkflowList: {
            /** @description Most recently active first. */
            workflows: components["schemas"]["Workflow"][];
        };
        /** @description `GET /api/workflows/{id}/stats`. */
        WorkflowStats: {
            blocked_now: components["schemas"]["BlockedNow"];
            /** @description Busiest first; unassigned as `agent_id: null`. */
            by_assignee: components["schemas"]["AssigneeCount"][];
            /** @description Critical first. */
            by_priority: components["schemas"]["Count"][];
            /** @description Every board column in order (zeros included), then any other status. */
            by_status: components["schemas"]["Count"][];
            by_type: components["schemas"]["Count"][];
            cumulative_flow: components["schemas"]["CumulativeFlow"];
            /** @description First move out of the initial column to resolution, same tickets. */
            cycle_time: components["schemas"]["DurationStats"];
            /**
             * Format: int32
             * @description Length of the period of the per-day series and timings, in days.
             */
            days: number;
            /** Format: date-time */
            generated_at: string;
            /** @description Creation to resolution, over tickets resolved in the period. */
            lead_time: components["schemas"]["DurationStats"];
            /** Format: int64 */
            open: number;
            /**
             * Format: int64
             * @description Unresolved, unblocked tickets in the initial column, unassigned.
             */
            ready_now: number;
            /** Format: int64 */
            resolved: number;
            /** @description Runs started in the period: outcomes, tokens and cost, retries. */
            runs?: components["schemas"]["RunStats"];
            /** @description First day of the period (`YYYY-MM-DD`, UTC). */
            since: string;
            /** @description One entry per day of the period, oldest first. */
            throughput: components["schemas"]["DayThroughput"][];
            /** Format: int64 */
            total: number;
            workflow_id: string;
            /** @description Agents holding tickets or active in the period, busiest first. */
            workload: components["schemas"]["AgentWorkload"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
