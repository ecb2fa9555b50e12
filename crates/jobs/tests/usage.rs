//! Token and cost records, and the spending cap: a job over its cap pauses before the
//! step that would cross it and continues after its cap is raised.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jobs::{
    Engine, JobContext, JobError, JobId, JobKind, JobQuery, JobStatus, PauseReason, StartJob, Usage,
};
use support::*;

/// Each of its steps "calls a model" that costs 100 micros and 10 + 5 tokens, checking
/// the budget with that estimate first; it counts the calls made.
#[derive(Clone, Default)]
struct Paid {
    calls: Arc<Mutex<Vec<(JobId, u32)>>>,
}

impl JobKind for Paid {
    type Input = u32;
    type Output = u32;

    fn name(&self) -> &str {
        "paid"
    }

    async fn run(&self, steps: u32, ctx: JobContext) -> Result<u32, JobError> {
        for i in 0..steps {
            let (c, calls) = (ctx.clone(), self.calls.clone());
            ctx.step(&format!("call {i}"), async move {
                c.check_budget(100)?;
                calls.lock().unwrap().push((c.job_id(), i));
                c.record_usage(Usage {
                    model: "m".into(),
                    prompt_tokens: 10,
                    completion_tokens: 5,
                    estimated: i == 1,
                    latency_ms: 7,
                    cost_micros: 100,
                });
                Ok(i)
            })
            .await?;
        }
        Ok(steps)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_budget_pauses_before_the_crossing_call_and_continues_after_a_raise() {
    let (_dir, config) = temp_config();
    let kind = Paid::default();
    let engine = Engine::builder(config)
        .register(kind.clone())
        .open()
        .await
        .unwrap();
    let id = engine
        .start(StartJob::new("paid", "Paid", serde_json::json!(4)).spend_limit(250))
        .await
        .unwrap();
    // Two calls (200) fit; the third would reach 300 > 250: paused before it.
    let mut paused = None;
    for _ in 0..1000 {
        let job = engine.get(id).await.unwrap().job;
        if job.status == JobStatus::Paused {
            paused = Some(job);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let job = paused.expect("the job pauses over budget");
    assert_eq!(job.pause.unwrap().reason, PauseReason::OverBudget);
    assert_eq!((job.cost_micros, job.tokens), (200, 30));
    assert_eq!(
        kind.calls.lock().unwrap().len(),
        2,
        "no call crossed the cap"
    );

    engine.raise_limit(id, 1_000).await.unwrap();
    let done = wait_finished(&engine, id).await;
    assert_eq!(done.job.status, JobStatus::Completed);
    assert_eq!(done.job.spend_limit, Some(1_250));
    assert_eq!((done.job.cost_micros, done.job.tokens), (400, 60));
    assert_eq!(
        *kind.calls.lock().unwrap(),
        vec![(id, 0), (id, 1), (id, 2), (id, 3)],
        "each call made once"
    );

    let usage = engine.usage(id).await.unwrap();
    assert_eq!(usage.calls.len(), 4);
    assert_eq!(usage.total.cost_micros, 400);
    assert_eq!(
        usage.total.prompt_tokens + usage.total.completion_tokens,
        60
    );
    assert!(usage.total.estimated);
    assert_eq!(
        usage.steps.iter().map(|s| s.step_index).collect::<Vec<_>>(),
        [Some(0), Some(1), Some(2), Some(3)]
    );
    assert!(usage.steps[1].totals.estimated && !usage.steps[0].totals.estimated);
    // The list row carries the totals for the Jobs page.
    let row = &engine.list(&JobQuery::default()).await.unwrap().items[0];
    assert_eq!((row.cost_micros, row.tokens), (400, 60));
    engine.shutdown(Duration::from_secs(1)).await;
}
