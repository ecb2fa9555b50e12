//! BM25 ranking of small text collections (the `bm25` crate), with stable tie order.

use bm25::{Document, Language, SearchEngineBuilder};

/// One text of a collection that matches a query, and how well.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// Its index in the collection.
    pub index: usize,
    /// Its BM25 score (higher is better).
    pub score: f64,
}

/// The texts of `texts` that share terms with `query`, best first (ties by index).
pub fn rank_texts<S: AsRef<str>>(query: &str, texts: &[S]) -> Vec<Ranked> {
    if texts.is_empty() || query.trim().is_empty() {
        return Vec::new();
    }
    let documents = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Document::new(i, t.as_ref().to_owned()));
    let engine = SearchEngineBuilder::<usize>::with_documents(Language::English, documents).build();
    let mut ranked: Vec<Ranked> = engine
        .search(query, None)
        .into_iter()
        .filter(|r| r.score > 0.0)
        .map(|r| Ranked {
            index: r.document.id,
            score: f64::from(r.score),
        })
        .collect();
    ranked.sort_by(Ranked::best_first);
    ranked
}

impl Ranked {
    /// Higher score first, then lower index: a total order that keeps ties stable.
    pub fn best_first(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
        b.score.total_cmp(&a.score).then(a.index.cmp(&b.index))
    }
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
