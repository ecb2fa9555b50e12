//! No duplicate runs: `start_or_join` with a unique key returns the pending, running or
//! paused job of the same kind and key, even when many starts race.

mod support;

use std::time::Duration;

use jobs::{Engine, Error, JobQuery, JobStatus, StartJob};
use support::*;

fn request(label: &str, key: &str) -> StartJob {
    let input = GatedInput {
        label: label.to_owned(),
        steps: 1,
    };
    StartJob::new("gated", label, serde_json::to_value(&input).unwrap()).unique(key)
}

async fn open_gated(config: &jobs::EngineConfig, gated: &Gated) -> Engine {
    Engine::builder(config.clone())
        .register(gated.clone())
        .open()
        .await
        .expect("engine opens")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_starts_with_one_key_make_one_job_and_the_rest_join_it() {
    let (_dir, config) = temp_config();
    let gated = Gated::new("gated");
    let engine = open_gated(&config, &gated).await;
    let starts: Vec<_> = (0..16)
        .map(|_| {
            let engine = engine.clone();
            tokio::spawn(async move { engine.start_or_join(request("a", "init-1/program")).await })
        })
        .collect();
    let mut results = Vec::new();
    for s in starts {
        results.push(s.await.unwrap().expect("start or join"));
    }
    let id = results[0].id;
    assert!(results.iter().all(|r| r.id == id), "{results:?}");
    assert_eq!(results.iter().filter(|r| !r.joined).count(), 1);
    assert_eq!(engine.counts(None).await.unwrap().total(), 1);

    // Another key is another job; a plain start with a held key is refused.
    let other = engine
        .start_or_join(request("b", "init-2/program"))
        .await
        .unwrap();
    assert!(!other.joined && other.id != id);
    assert!(matches!(
        engine.start(request("c", "init-1/program")).await,
        Err(Error::Duplicate)
    ));

    // A paused job still holds its key; a finished one does not.
    step_running(&engine, id, 0).await;
    engine.pause(id).await.unwrap();
    for _ in 0..1000 {
        if engine.get(id).await.unwrap().job.status == JobStatus::Paused {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let again = engine
        .start_or_join(request("a", "init-1/program"))
        .await
        .unwrap();
    assert_eq!((again.id, again.joined), (id, true));
    engine.cancel(id).await.unwrap();
    let fresh = engine
        .start_or_join(request("a", "init-1/program"))
        .await
        .unwrap();
    assert!(!fresh.joined && fresh.id != id);
    // The cancelled one cannot come back while the fresh one holds the key.
    assert!(matches!(engine.retry(id).await, Err(Error::Duplicate)));
    assert!(engine.running().iter().all(|r| r.id != id));
    assert_eq!(
        engine
            .list(&JobQuery::default())
            .await
            .unwrap()
            .counts
            .cancelled,
        1
    );
    engine.shutdown(Duration::from_secs(1)).await;
}
