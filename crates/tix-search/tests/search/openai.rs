//! The OpenAI-compatible embedder against a mock server on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tix_search::embed::{dot, Embedder, OpenAiEmbedder};

/// Serves `/v1/embeddings` for `requests` requests, answering each text
/// with a made-up 4-dim vector (not normalised, data in reverse order).
/// Returns the base URL and the requests it saw (auth header, body).
/// The requests a mock server saw: (Authorization header, JSON body).
type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;

fn mock_server(requests: usize, status: u16) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for _ in 0..requests {
            let Ok((stream, _)) = listener.accept() else { return };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            reader.read_line(&mut line).expect("request line");
            assert!(line.starts_with("POST /v1/embeddings "), "{line}");
            let (mut length, mut auth) = (0usize, None);
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).expect("header");
                let header = header.trim_end().to_string();
                if header.is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').expect("header");
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().expect("length"),
                    "authorization" => auth = Some(value.trim().to_string()),
                    _ => {}
                }
            }
            let mut body = vec![0u8; length];
            reader.read_exact(&mut body).expect("body");
            let body: Value = serde_json::from_slice(&body).expect("json body");
            let inputs: Vec<String> = body["input"]
                .as_array()
                .expect("input array")
                .iter()
                .map(|v| v.as_str().expect("text").to_string())
                .collect();
            log.lock().expect("log").push((auth, body.clone()));
            let data: Vec<Value> = inputs
                .iter()
                .enumerate()
                .rev()
                .map(|(i, text)| {
                    let n = text.len() as f32;
                    json!({ "object": "embedding", "index": i, "embedding": [n, 1.0, 0.0, if text.contains("login") { 5.0 } else { 0.0 }] })
                })
                .collect();
            let answer = if status == 200 {
                json!({ "object": "list", "data": data, "model": body["model"] }).to_string()
            } else {
                json!({ "error": { "message": "model overloaded" } }).to_string()
            };
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            )
            .expect("write");
        }
    });
    (base, seen)
}

#[test]
fn embeds_through_an_openai_compatible_server() {
    let (base, seen) = mock_server(1, 200);
    let embedder = OpenAiEmbedder::new(&format!("{base}/v1/"), "text-embedding-3-small", Some("sk-test".into()))
        .expect("embedder");
    assert_eq!(embedder.model_id(), "openai:text-embedding-3-small");
    let vectors = embedder
        .embed(&["login crash".to_string(), "docs".to_string()])
        .expect("embeds");
    assert_eq!(vectors.len(), 2);
    // In input order despite the reversed answer, and unit length.
    assert!(vectors[0][3] > 0.0 && vectors[1][3] == 0.0);
    for v in &vectors {
        assert!((dot(v, v) - 1.0).abs() < 1e-5);
    }
    let seen = seen.lock().expect("log");
    assert_eq!(seen[0].0.as_deref(), Some("Bearer sk-test"));
    assert_eq!(seen[0].1["model"], "text-embedding-3-small");
}

#[tokio::test]
async fn works_from_inside_the_runtime_and_reports_server_errors() {
    let (base, _) = mock_server(1, 503);
    let embedder = OpenAiEmbedder::new(&base, "m", None).expect("embedder");
    let err = tokio::task::spawn_blocking(move || embedder.embed(&["x".to_string()]))
        .await
        .expect("joins")
        .unwrap_err();
    assert!(err.to_string().contains("503"), "{err}");
    assert!(OpenAiEmbedder::new("ftp://x", "m", None).is_err());
    assert!(OpenAiEmbedder::new("http://127.0.0.1:1", " ", None).is_err());
}
