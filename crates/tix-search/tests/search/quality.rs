//! Search quality on the labelled set in `tests/data/eval.json`: recall@5
//! and MRR for keyword, semantic and hybrid search. Hybrid must beat
//! keyword alone on the paraphrased queries. Run with `--nocapture` to see
//! the table.

use serde::Deserialize;
use tix_core::ticket::NewTicket;
use tix_search::embed::EmbedderConfig;
use tix_search::{Search, SearchConfig, SearchRequest, SearchType};
use tix_store::conformance::{seed_workflow, ACTOR};
use tix_store::{SearchFilter, SqliteStore, Store};

use crate::common;

#[derive(Deserialize)]
struct Set {
    tickets: Vec<LabelledTicket>,
    queries: Vec<LabelledQuery>,
}

#[derive(Deserialize)]
struct LabelledTicket {
    id: String,
    title: String,
    description: String,
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct LabelledQuery {
    query: String,
    relevant: Vec<String>,
    paraphrase: bool,
}

#[derive(Default, Clone, Copy)]
struct Score {
    recall_at_5: f64,
    mrr: f64,
    n: usize,
}

impl Score {
    fn add(&mut self, found: &[String], relevant: &[String]) {
        let hits = relevant
            .iter()
            .filter(|r| found.iter().take(5).any(|f| f == *r))
            .count();
        self.recall_at_5 += hits as f64 / relevant.len() as f64;
        if let Some(rank) = found.iter().position(|f| relevant.contains(f)) {
            self.mrr += 1.0 / (rank + 1) as f64;
        }
        self.n += 1;
    }

    fn mean(self) -> (f64, f64) {
        (self.recall_at_5 / self.n as f64, self.mrr / self.n as f64)
    }
}

#[tokio::test]
async fn hybrid_beats_keyword_on_paraphrases() {
    let Some(model) = common::model() else { return };
    let set: Set = serde_json::from_str(include_str!("../data/eval.json")).expect("eval.json parses");
    assert!(set.tickets.len() >= 60 && set.queries.len() >= 20);
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("tix.db")).expect("open");
    let workflow = store
        .create_workflow(ACTOR, seed_workflow(None, "shop"))
        .await
        .expect("workflow");
    let tickets: Vec<NewTicket> = set
        .tickets
        .iter()
        .map(|t| NewTicket {
            workflow_id: workflow.id.clone(),
            title: t.title.clone(),
            description: t.description.clone(),
            ticket_type: "feature".into(),
            tags: t.tags.clone(),
            id: Some(format!("ticket-{}", t.id)),
            ..Default::default()
        })
        .collect();
    store
        .import_tickets(ACTOR, &workflow.id, tickets)
        .await
        .expect("import");
    let search = Search::with_embedder(store, Some(model), None, SearchConfig::new(EmbedderConfig::Disabled))
        .await
        .expect("start");

    let types = [SearchType::Keyword, SearchType::Semantic, SearchType::Hybrid];
    let mut all = [Score::default(); 3];
    let mut paraphrased = [Score::default(); 3];
    let mut literal = [Score::default(); 3];
    for q in &set.queries {
        let relevant: Vec<String> = q.relevant.iter().map(|id| format!("ticket-{id}")).collect();
        for (i, search_type) in types.iter().enumerate() {
            let found: Vec<String> = search
                .search(SearchRequest {
                    workflow_id: workflow.id.clone(),
                    query: q.query.clone(),
                    search_type: *search_type,
                    limit: Some(10),
                    filter: SearchFilter::default(),
                    weights: None,
                })
                .await
                .expect("search")
                .results
                .into_iter()
                .map(|h| h.ticket.id)
                .collect();
            all[i].add(&found, &relevant);
            if q.paraphrase {
                paraphrased[i].add(&found, &relevant);
            } else {
                literal[i].add(&found, &relevant);
            }
        }
    }
    println!(
        "search quality on {} tickets, {} queries",
        set.tickets.len(),
        set.queries.len()
    );
    println!("{:<10} {:>22} {:>22} {:>22}", "", "all", "paraphrased", "keyword-like");
    println!(
        "{:<10} {:>11}{:>11} {:>11}{:>11} {:>11}{:>11}",
        "", "recall@5", "MRR", "recall@5", "MRR", "recall@5", "MRR"
    );
    for (i, name) in ["keyword", "semantic", "hybrid"].iter().enumerate() {
        let (ra, ma) = all[i].mean();
        let (rp, mp) = paraphrased[i].mean();
        let (rl, ml) = literal[i].mean();
        println!("{name:<10} {ra:>11.3}{ma:>11.3} {rp:>11.3}{mp:>11.3} {rl:>11.3}{ml:>11.3}");
    }
    let (keyword_recall, keyword_mrr) = paraphrased[0].mean();
    let (hybrid_recall, hybrid_mrr) = paraphrased[2].mean();
    assert!(
        hybrid_recall > keyword_recall,
        "paraphrase recall@5: hybrid {hybrid_recall:.3} vs keyword {keyword_recall:.3}"
    );
    assert!(
        hybrid_mrr > keyword_mrr,
        "paraphrase MRR: hybrid {hybrid_mrr:.3} vs keyword {keyword_mrr:.3}"
    );
    // Hybrid keeps what keywords are good at.
    let (hybrid_all_recall, _) = all[2].mean();
    let (keyword_all_recall, _) = all[0].mean();
    assert!(hybrid_all_recall >= keyword_all_recall);
}
