//! BM25 ranking of small text collections (the `bm25` crate), with stable tie order.

use bm25::{Document, Language, SearchEngineBuilder};

/// Indices of `texts` that share terms with `query`, best first (ties by index), with scores.
pub fn rank_texts<S: AsRef<str>>(query: &str, texts: &[S]) -> Vec<(usize, f64)> {
    if texts.is_empty() || query.trim().is_empty() {
        return Vec::new();
    }
    let documents = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Document::new(i, t.as_ref().to_owned()));
    let engine = SearchEngineBuilder::<usize>::with_documents(Language::English, documents).build();
    let mut ranked: Vec<(usize, f64)> = engine
        .search(query, None)
        .into_iter()
        .filter(|r| r.score > 0.0)
        .map(|r| (r.document.id, f64::from(r.score)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
}

/// Splits text into sentences (at line breaks, and at `.`, `!`, `?` followed by
/// whitespace), whitespace collapsed.
pub fn sentences(text: &str) -> Vec<String> {
    text.lines().flat_map(sentences_of_line).collect()
}

fn sentences_of_line(line: &str) -> Vec<String> {
    let flat = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = flat.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|n| n.is_whitespace()) {
            let s = current.trim();
            if !s.is_empty() {
                out.push(s.to_owned());
            }
            current.clear();
        }
    }
    let rest = current.trim();
    if !rest.is_empty() {
        out.push(rest.to_owned());
    }
    out
}
