//! all-MiniLM-L6-v2 through candle: known vectors and similarities.
//!
//! The pinned values come from an independent float64 NumPy forward pass
//! over the same model.safetensors (tokens from the Python `tokenizers`).

use tix_search::embed::dot;

use crate::common;

const LOGIN: &str = "The login page crashes on submit";
const SIGN_IN: &str = "Repair the sign-in crash in the auth server";
const DOCS: &str = "Write documentation for the kanban board drag and drop";

fn close(actual: &[f32], expected: &[f32], tolerance: f32) {
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!((a - e).abs() < tolerance, "component {i}: {a} vs {e}");
    }
}

#[test]
fn vectors_match_the_reference_implementation() {
    let Some(model) = common::model() else { return };
    let texts = [LOGIN.to_string(), SIGN_IN.to_string(), DOCS.to_string()];
    let v = model.embed(&texts).expect("embeds");
    assert_eq!(model.model_id(), "all-MiniLM-L6-v2");
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].len(), 384);
    close(
        &v[0][..6],
        &[0.037519, -0.022986, 0.023338, -0.059685, 0.017753, -0.036325],
        2e-4,
    );
    close(
        &v[1][..6],
        &[0.039192, 0.016426, 0.019212, -0.056931, 0.036736, -0.027328],
        2e-4,
    );
    for vector in &v {
        let norm: f32 = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
    }
    let login_sign_in = dot(&v[0], &v[1]);
    let login_docs = dot(&v[0], &v[2]);
    assert!(
        (login_sign_in - 0.5567).abs() < 2e-3,
        "cos(login, sign-in) = {login_sign_in}"
    );
    assert!((login_docs - 0.0402).abs() < 2e-3, "cos(login, docs) = {login_docs}");
    assert!(login_sign_in > login_docs + 0.3);
}

#[test]
fn padding_does_not_change_a_vector() {
    let Some(model) = common::model() else { return };
    let short = "Login crash".to_string();
    let long = "A much longer ticket description that pads the short text of the batch with many tokens \
                so that the attention mask has to hide them"
        .to_string();
    let alone = model.embed(std::slice::from_ref(&short)).expect("embeds");
    let batched = model.embed(&[long, short]).expect("embeds");
    close(&batched[1], &alone[0], 1e-5);
}
