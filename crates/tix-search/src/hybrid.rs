//! Hybrid ranking: the union of the keyword and the semantic candidates,
//! each side's scores min-max normalised over the candidates, combined as
//! `w_s · semantic + w_k · keyword`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::index::Key;
use crate::retriever::{Hit, MatchedIn};

/// Weights of the two sides (default 0.7 semantic, 0.3 keyword).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Weights {
    pub semantic: f32,
    pub keyword: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            semantic: 0.7,
            keyword: 0.3,
        }
    }
}

/// A fused candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Fused {
    pub seq: Key,
    pub ticket_id: String,
    pub score: f32,
    /// Normalised keyword component (0 when the keywords did not match).
    pub keyword_score: f32,
    /// Normalised semantic component.
    pub semantic_score: f32,
    pub bm25: Option<f32>,
    pub cosine: Option<f32>,
    pub matched_in: Vec<MatchedIn>,
}

/// Min-max normalisation of `value` over `[min, max]`; a flat range maps to 1.
fn normalised(value: f32, min: f32, max: f32) -> f32 {
    if max - min <= f32::EPSILON {
        1.0
    } else {
        (value - min) / (max - min)
    }
}

/// Fuses keyword and semantic candidates. `cosine_of` gives the exact cosine
/// of a keyword-only candidate (so both sides are scored on every
/// candidate); keyword-only candidates without a vector score 0 there, and
/// semantic-only candidates score 0 on the keyword side (no word matched).
pub fn fuse(
    keyword: &[Hit],
    semantic: &[Hit],
    cosine_of: impl Fn(Key) -> Option<f32>,
    weights: Weights,
    limit: usize,
) -> Vec<Fused> {
    let mut order: Vec<Key> = Vec::new();
    let mut by_seq: HashMap<Key, Fused> = HashMap::new();
    for hit in semantic {
        order.push(hit.seq);
        by_seq.insert(
            hit.seq,
            Fused {
                seq: hit.seq,
                ticket_id: hit.ticket_id.clone(),
                score: 0.0,
                keyword_score: 0.0,
                semantic_score: 0.0,
                bm25: None,
                cosine: Some(hit.score),
                matched_in: vec![MatchedIn::Semantic],
            },
        );
    }
    for hit in keyword {
        match by_seq.get_mut(&hit.seq) {
            Some(fused) => {
                fused.bm25 = Some(hit.score);
                fused.matched_in.insert(0, MatchedIn::Keyword);
            }
            None => {
                order.push(hit.seq);
                by_seq.insert(
                    hit.seq,
                    Fused {
                        seq: hit.seq,
                        ticket_id: hit.ticket_id.clone(),
                        score: 0.0,
                        keyword_score: 0.0,
                        semantic_score: 0.0,
                        bm25: Some(hit.score),
                        cosine: cosine_of(hit.seq),
                        matched_in: vec![MatchedIn::Keyword],
                    },
                );
            }
        }
    }
    let mut fused: Vec<Fused> = order.into_iter().filter_map(|seq| by_seq.remove(&seq)).collect();
    let range = |values: Vec<f32>| -> (f32, f32) {
        values
            .into_iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let (k_min, k_max) = range(fused.iter().map(|f| f.bm25.unwrap_or(0.0)).collect());
    let (s_min, s_max) = range(fused.iter().filter_map(|f| f.cosine).collect());
    for f in &mut fused {
        f.keyword_score = if keyword.is_empty() {
            0.0
        } else {
            normalised(f.bm25.unwrap_or(0.0), k_min, k_max)
        };
        f.semantic_score = f.cosine.map(|c| normalised(c, s_min, s_max)).unwrap_or(0.0);
        f.score = weights.semantic * f.semantic_score + weights.keyword * f.keyword_score;
    }
    fused.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.seq.cmp(&b.seq)));
    fused.truncate(limit);
    fused
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(seq: Key, score: f32) -> Hit {
        Hit {
            seq,
            ticket_id: format!("ticket-{seq}"),
            score,
        }
    }

    #[test]
    fn both_sides_are_normalised_and_weighted() {
        let keyword = [hit(1, 10.0), hit(2, 5.0)];
        let semantic = [hit(3, 0.9), hit(1, 0.5)];
        let fused = fuse(
            &keyword,
            &semantic,
            |seq| (seq == 2).then_some(0.3),
            Weights::default(),
            10,
        );
        let by: HashMap<Key, &Fused> = fused.iter().map(|f| (f.seq, f)).collect();
        // 1: keyword max (1.0), cosine 0.5 over [0.3, 0.9] = 1/3.
        assert!((by[&1].score - (0.7 / 3.0 + 0.3)).abs() < 1e-5);
        assert_eq!(by[&1].matched_in, [MatchedIn::Keyword, MatchedIn::Semantic]);
        // 3: semantic max, no keyword match.
        assert!((by[&3].score - 0.7).abs() < 1e-5);
        assert_eq!(by[&3].keyword_score, 0.0);
        // 2: keyword 5 over [0, 10], cosine at the minimum.
        assert!((by[&2].score - 0.15).abs() < 1e-5);
        assert_eq!(by[&2].cosine, Some(0.3));
        assert_eq!(fused.iter().map(|f| f.seq).collect::<Vec<_>>(), [3, 1, 2]);
    }

    #[test]
    fn weights_are_per_request_and_limit_applies() {
        let keyword = [hit(1, 10.0)];
        let semantic = [hit(2, 0.9), hit(1, 0.1)];
        let fused = fuse(
            &keyword,
            &semantic,
            |_| None,
            Weights {
                semantic: 0.0,
                keyword: 1.0,
            },
            1,
        );
        assert_eq!(fused.len(), 1);
        assert_eq!(fused[0].seq, 1);
    }

    #[test]
    fn empty_sides_are_fine() {
        assert!(fuse(&[], &[], |_| None, Weights::default(), 5).is_empty());
        let only = fuse(&[hit(4, 2.0)], &[], |_| None, Weights::default(), 5);
        assert_eq!(only[0].keyword_score, 1.0);
        assert_eq!(only[0].semantic_score, 0.0);
    }
}
