//! Search over HTTP: `GET /api/search`, `POST /api/tickets/search`,
//! `similar_tickets` and `possible_duplicate` on create, related tickets,
//! and the Guardian's `duplicate_ticket` rule over MCP.
//! The model-backed tests skip (with a message) only when the model files
//! are absent and TIX_REQUIRE_MODEL is unset.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tix_server::story::answer;

use crate::harness::{model_dir, Server};

/// The steps these tests repeat.
trait Steps {
    /// A three-column workflow with the given duplicate policy.
    async fn workflow(&self, policy: &str) -> String;
    /// Creates a `bug` tagged `web`; returns the whole answer.
    async fn create(&self, workflow: &str, title: &str, description: &str) -> Value;
}

impl Steps for Server {
    async fn workflow(&self, policy: &str) -> String {
        let (status, body) = self
            .post(
                "/api/workflows",
                json!({"name": "Web app", "board_config": {
                    "columns": [{"id": "backlog", "name": "Backlog"}, {"id": "doing", "name": "Doing"}, {"id": "done", "name": "Done"}],
                    "ticket_types": ["bug", "feature"], "initial_status": "backlog", "duplicate_policy": policy}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(
            body["board_config"]["duplicate_policy"].as_str().unwrap_or("warn"),
            policy
        );
        body["id"].as_str().expect("id").to_string()
    }

    async fn create(&self, workflow: &str, title: &str, description: &str) -> Value {
        let (status, body) = self
            .post(
                "/api/tickets",
                json!({"workflow_id": workflow, "title": title, "description": description, "ticket_type": "bug", "tags": ["web"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["ticket_id"], body["ticket"]["id"]);
        assert!(body["similar_tickets"].is_array(), "{body}");
        body
    }
}

fn ids(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {body}"))
        .iter()
        .map(|r| r["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn keyword_only_server_searches_and_says_semantic_is_unavailable() {
    let server = Server::start_with_model(None).await;
    let wf = server.workflow("warn").await;
    let login = server
        .create(&wf, "Login page crashes on submit", "auth:jwt fails")
        .await;
    let login_id = login["ticket_id"].as_str().expect("id");
    server.create(&wf, "Dark mode", "Follow the system theme").await;
    let (status, body) = server
        .get(&format!(
            "/api/search?workflow_id={wf}&query=login%20crash&search_type=hybrid"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["semantic_available"], false);
    assert_eq!(body["search_type"], "keyword");
    assert!(body["warning"].as_str().is_some());
    assert_eq!(ids(&body), [login_id]);
    assert_eq!(body["results"][0]["matched_in"], json!(["keyword"]));
    assert!(body["results"][0]["bm25"].as_f64().is_some());
    // Punctuation is tokenised safely.
    for query in ["auth%3Ajwt", "%22login", "ticket-", "-crash", "NEAR(", "%2A"] {
        let (status, body) = server.get(&format!("/api/search?workflow_id={wf}&query={query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
    }
    // The JSON form, with filters.
    let (status, body) = server
        .post(
            "/api/tickets/search",
            json!({"workflow_id": wf, "query": "login", "search_type": "keyword", "tags": ["web"], "resolved": false, "limit": 5}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ids(&body), [login_id]);
    // An id prefix comes first.
    let prefix = &login_id[..login_id.len() - 1];
    let (_, body) = server
        .get(&format!("/api/search?workflow_id={wf}&query={prefix}"))
        .await;
    assert_eq!(ids(&body)[0], login_id);
    assert_eq!(body["results"][0]["matched_in"][0], "id");
    // Bad requests are 400s that say what to fix.
    for path in [
        format!("/api/search?workflow_id={wf}&query=%20"),
        format!("/api/search?workflow_id={wf}&query=x&limit=0"),
        format!("/api/search?workflow_id={wf}&query=x&search_type=fuzzy"),
        format!("/api/search?workflow_id={wf}&query=x&status=nowhere"),
        format!("/api/search?workflow_id={wf}&query=x&colour=red"),
        "/api/search?query=x".to_string(),
    ] {
        let (status, body) = server.get(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert!(body["error"]["code"].is_string(), "{body}");
    }
    let (status, _) = server.get("/api/search?workflow_id=wf-nope&query=x").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Related degrades too; unknown create fields are still refused.
    let (status, body) = server.get(&format!("/api/tickets/{login_id}/related")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["semantic_available"], false);
    let (status, body) = server
        .post(
            "/api/tickets",
            json!({"workflow_id": wf, "title": "x", "ticket_type": "bug", "titel": "y"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = server
        .post(
            "/api/tickets",
            json!({"workflow_id": wf, "title": "x", "ticket_type": "bug", "force": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn semantic_server_finds_paraphrases_flags_duplicates_and_relates() {
    let Some(model) = model_dir() else { return };
    let server = Server::start_with_model(Some(model)).await;
    let wf = server.workflow("refuse").await;
    let login = server
        .create(
            &wf,
            "Login page crashes on submit",
            "Pressing the sign in button shows a white screen",
        )
        .await;
    let login_id = login["ticket_id"].as_str().expect("id").to_string();
    server
        .create(
            &wf,
            "Document drag and drop on the kanban board",
            "How to move cards between columns",
        )
        .await;
    let (status, body) = server
        .get(&format!(
            "/api/search?workflow_id={wf}&query=authentication%20screen%20goes%20blank"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["semantic_available"], true);
    assert_eq!(body["search_type"], "hybrid");
    assert_eq!(ids(&body)[0], login_id);
    let top = &body["results"][0];
    assert!(top["semantic_score"].as_f64().is_some() && top["keyword_score"].as_f64().is_some());
    assert!(top["matched_in"]
        .as_array()
        .expect("matched_in")
        .contains(&json!("semantic")));
    // A near-duplicate is refused, names the match, and goes through with force.
    let copy = json!({"workflow_id": wf, "title": "Login page crashes on submit",
                      "description": "Pressing the sign in button shows a white screen", "ticket_type": "bug", "tags": ["web"]});
    let (status, body) = server.post("/api/tickets", copy.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "possible_duplicate");
    assert_eq!(body["error"]["matches"][0]["id"], login_id.as_str());
    assert!(body["error"]["hint"].as_str().unwrap_or_default().contains("force"));
    let mut forced = copy;
    forced["force"] = json!(true);
    let (status, body) = server.post("/api/tickets", forced).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["similar_tickets"][0]["id"], login_id.as_str());
    let copy_id = body["ticket_id"].as_str().expect("id").to_string();
    let (status, body) = server.get(&format!("/api/tickets/{login_id}/related")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["related"][0]["id"], copy_id.as_str());
    assert_eq!(body["related"][0]["relation"], "duplicate");
    // An edit is visible to the next search.
    let (status, _) = server
        .send(
            reqwest::Method::PATCH,
            &format!("/api/tickets/{copy_id}"),
            Some(json!({"title": "Rotate the TLS certificates of the load balancer", "description": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = server
        .get(&format!(
            "/api/search?workflow_id={wf}&query=renew%20https%20certs&search_type=semantic&limit=1"
        ))
        .await;
    assert_eq!(ids(&body), [copy_id]);
}

fn rules_of(answer: &Value) -> Vec<String> {
    answer["guardian_warnings"]
        .as_array()
        .map(|warnings| {
            warnings
                .iter()
                .map(|w| w["rule"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The Guardian's `duplicate_ticket` rule over MCP: a create with no search
/// earlier in the same session, while an unresolved ticket is ≥ 0.9
/// similar, is warned about (and recorded) or, in `enforce` mode, refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_create_without_a_search_first_is_a_duplicate_ticket_violation() {
    let Some(model) = model_dir() else { return };
    let server = Server::start_with_model(Some(model)).await;
    let wf = server.workflow("warn").await;
    let original = server
        .create(
            &wf,
            "Login page crashes on submit",
            "Pressing the sign in button shows a white screen",
        )
        .await;
    let original_id = original["ticket_id"].as_str().expect("id").to_string();
    let copy = |workflow: &str| {
        json!({"workflow_id": workflow, "title": "Login page crashes on submit", "ticket_type": "bug",
               "description": "Pressing the sign in button shows a white screen", "tags": ["web"]})
    };

    // Violating (warn): no search in this session; created, warned, recorded.
    let hasty = server.connect("hasty", "/mcp").await;
    let created = answer(hasty.peer(), "create_ticket", copy(&wf))
        .await
        .expect("warn lets it through");
    assert_eq!(rules_of(&created), ["duplicate_ticket"], "{created}");
    let warning = &created["guardian_warnings"][0];
    assert!(
        warning["message"].as_str().unwrap_or_default().contains(&original_id),
        "the warning names the look-alike: {warning}"
    );
    assert!(
        warning["fix"].as_str().unwrap_or_default().contains("search_tickets"),
        "{warning}"
    );
    let hasty_copy = created["ticket_id"].as_str().expect("ticket_id").to_string();
    let (status, listed) = server.get(&format!("/api/workflows/{wf}/guardian")).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let recorded = listed["violations"].as_array().expect("violations");
    assert_eq!(recorded.len(), 1, "{listed}");
    assert_eq!(
        (
            &recorded[0]["rule"],
            &recorded[0]["agent_id"],
            &recorded[0]["object_id"],
            &recorded[0]["mode"]
        ),
        (
            &json!("duplicate_ticket"),
            &json!("hasty"),
            &json!(hasty_copy),
            &json!("warn")
        )
    );
    assert_eq!(recorded[0]["details"]["similar_ticket_id"], original_id.as_str());

    // Passing: nothing similar exists, so no search is needed.
    let unrelated = answer(hasty.peer(),
        "create_ticket",
        json!({"workflow_id": wf, "title": "Rotate the TLS certificates of the load balancer", "description": "", "ticket_type": "feature"}),
    )
    .await
    .expect("created");
    assert!(rules_of(&unrelated).is_empty(), "{unrelated}");

    // Passing: the agent searched first in its session.
    let careful = server.connect("careful", "/mcp").await;
    let found = answer(
        careful.peer(),
        "search_tickets",
        json!({"query": "login crash", "filters": {"workflow_id": wf}}),
    )
    .await
    .expect("search");
    assert!(found["results"].as_array().is_some_and(|r| !r.is_empty()), "{found}");
    let created = answer(careful.peer(), "create_ticket", copy(&wf))
        .await
        .expect("created");
    assert!(rules_of(&created).is_empty(), "{created}");
    assert!(
        created["similar_tickets"].as_array().is_some_and(|s| !s.is_empty()),
        "{created}"
    );

    // A search counts only in its own session.
    let careful_again = server.connect("careful", "/mcp").await;
    let created = answer(careful_again.peer(), "create_ticket", copy(&wf))
        .await
        .expect("created");
    assert_eq!(rules_of(&created), ["duplicate_ticket"], "{created}");

    // enforce: refused with the rule's message; nothing is created.
    let (status, strict) = server
        .post(
            "/api/workflows",
            json!({"name": "Strict", "board_config": {
                "columns": [{"id": "backlog", "name": "Backlog"}, {"id": "done", "name": "Done"}],
                "ticket_types": ["bug"], "initial_status": "backlog"},
                "guardian": {"rules": {"duplicate_ticket": "enforce"}}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{strict}");
    let strict = strict["id"].as_str().expect("id").to_string();
    server
        .create(
            &strict,
            "Login page crashes on submit",
            "Pressing the sign in button shows a white screen",
        )
        .await;
    let refused = answer(hasty.peer(), "create_ticket", copy(&strict))
        .await
        .expect_err("enforce refuses an unsearched duplicate");
    assert!(
        refused.contains("duplicate_ticket") && refused.contains("search_tickets"),
        "{refused}"
    );
    let (_, tickets) = server.get(&format!("/api/tickets?workflow_id={strict}")).await;
    assert_eq!(tickets["tickets"].as_array().map(Vec::len), Some(1), "{tickets}");
    let (_, listed) = server.get(&format!("/api/workflows/{strict}/guardian")).await;
    assert_eq!(
        listed["violations"][0]["mode"], "enforce",
        "the refusal is recorded: {listed}"
    );
    // After a search in the same session the create goes through.
    answer(
        hasty.peer(),
        "search_tickets",
        json!({"query": "login", "filters": {"workflow_id": strict}}),
    )
    .await
    .expect("search");
    let created = answer(hasty.peer(), "create_ticket", copy(&strict))
        .await
        .expect("created after a search");
    assert!(rules_of(&created).is_empty(), "{created}");
}

/// Scores are normalised per query, so the best match of an unrelated
/// query still scores high; `similarity` (the cosine) and
/// `likely_duplicate` say whether anything similar really exists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_carry_an_absolute_similarity_and_a_duplicate_flag() {
    let Some(model) = model_dir() else { return };
    let server = Server::start_with_model(Some(model)).await;
    let wf = server.workflow("warn").await;
    server
        .create(&wf, "Database Schema", "Users and sessions tables in PostgreSQL")
        .await;
    let client = server.connect("planner", "/mcp").await;
    let unrelated = answer(
        client.peer(),
        "search_tickets",
        json!({"query": "banana smoothie recipe"}),
    )
    .await
    .expect("search");
    for hit in unrelated["results"].as_array().expect("results") {
        let similarity = hit["similarity"].as_f64().expect("similarity");
        assert!(similarity < 0.5, "{hit}");
        assert_eq!(hit["likely_duplicate"], false, "{hit}");
    }
    let same = answer(
        client.peer(),
        "search_tickets",
        json!({"query": "Database Schema\nTags: web\nUsers and sessions tables in PostgreSQL"}),
    )
    .await
    .expect("search");
    let best = &same["results"][0];
    assert!(best["similarity"].as_f64().expect("similarity") >= 0.92, "{best}");
    assert_eq!(best["likely_duplicate"], true, "{best}");
    let (_, rest) = server
        .get(&format!(
            "/api/search?workflow_id={wf}&query=banana%20smoothie%20recipe"
        ))
        .await;
    for hit in rest["results"].as_array().expect("results") {
        assert_eq!(hit["likely_duplicate"], false, "{hit}");
        assert!(hit["cosine"].as_f64().expect("cosine") < 0.5, "{hit}");
    }
}
