//! One handle on everything the app needs: the job engine with every operation kind
//! registered, and the initiatives in their own file beside the engine's.

use std::path::{Path, PathBuf};

use jobs::{Engine, EngineBuilder, EngineConfig, JobId, JobQuery, JobStatus, StartJob, Started};
use serde::Serialize;

use crate::documents::{Document, read_attachment};
use crate::epm::{EpmGeneration, EpmInput};
use crate::error::{Error, Result};
use crate::export::{self, Export, ExportFormat};
use crate::initiative::Initiative;
use crate::operation::{OperationKind, OperationResult, ResultError, WEB_RESEARCH};
use crate::probe::ProbeSettings;
use crate::program::VariantId;
use crate::provider::{ProviderChoice, Providers, SharedSpending, Spending};
use crate::research::{
    BmcInput, BmcResearch, FiveWhys, FiveWhysInput, ResearchJobs, ResearchReport, ResearchSettings,
    SearchChoice, WebResearch, WebResearchInput, findings_as_evidence,
};
use crate::store::InitiativeStore;
use crate::waiting::Waiting;

/// The job engine's file in the data folder.
pub const JOBS_FILE: &str = "charter.db";
/// Strategy's file (initiatives and documents) in the data folder.
pub const INITIATIVES_FILE: &str = "initiatives.db";

/// The key under which the engine lets one pending, running or paused job exist: the same
/// operation asked again for the same initiative with the same input joins that job.
fn same_request_key(session: &str, input: &serde_json::Value) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    hash.update(session.as_bytes());
    hash.update([0]);
    hash.update(input.to_string().as_bytes());
    format!("{session}:{:x}", hash.finalize())
}

/// Settings for [`Workspace::open`].
#[derive(Clone)]
pub struct WorkspaceConfig {
    /// The job engine's settings; `engine.path` is its database, which only it writes.
    pub engine: EngineConfig,
    /// Strategy's database of initiatives and documents.
    pub initiatives: PathBuf,
    /// How providers are built.
    pub providers: Providers,
    /// Limits of web research.
    pub research: ResearchSettings,
    /// How unreachable endpoints are probed for the jobs waiting on them.
    pub probe: ProbeSettings,
}

impl WorkspaceConfig {
    /// Defaults for the data folder `data_dir`: [`JOBS_FILE`] and [`INITIATIVES_FILE`] in it.
    pub fn new(data_dir: impl AsRef<Path>) -> Self {
        let dir = data_dir.as_ref();
        WorkspaceConfig {
            engine: EngineConfig::new(dir.join(JOBS_FILE)),
            initiatives: dir.join(INITIATIVES_FILE),
            providers: Providers::default(),
            research: ResearchSettings::default(),
            probe: ProbeSettings::default(),
        }
    }

    /// Every file the two databases may have on disk (each with its `-wal` and `-shm`), for
    /// tightening their permissions.
    pub fn database_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for db in [&self.engine.path, &self.initiatives] {
            files.push(db.clone());
            for suffix in ["-wal", "-shm"] {
                let mut name = db.as_os_str().to_owned();
                name.push(suffix);
                files.push(PathBuf::from(name));
            }
        }
        files
    }
}

/// The engine, the operations and the initiatives.
pub struct Workspace {
    engine: Engine,
    initiatives: InitiativeStore,
    waiting: Waiting,
    spending: SharedSpending,
    stop: tokio_util::sync::CancellationToken,
}

impl Drop for Workspace {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl Workspace {
    /// Opens (creating and migrating if needed) both databases, moves initiatives out of
    /// the engine's file where an older Charter kept them, registers every operation kind
    /// and runs the engine's recovery.
    pub async fn open(config: WorkspaceConfig) -> Result<Workspace> {
        Self::open_with(config, |builder| builder).await
    }

    /// [`Workspace::open`] with further job kinds registered by `extend` (the shell's
    /// benchmark kind).
    pub async fn open_with(
        config: WorkspaceConfig,
        extend: impl FnOnce(EngineBuilder) -> EngineBuilder,
    ) -> Result<Workspace> {
        let initiatives = InitiativeStore::open(&config.initiatives).await?;
        // Before the engine opens: its migrations drop the tables this copies from.
        initiatives.import_legacy(&config.engine.path).await?;
        let providers = config.providers.clone();
        let spending = providers.spending.clone();
        let research_jobs = ResearchJobs::default();
        let builder = Engine::builder(config.engine.clone())
            .register(EpmGeneration::new(providers.clone()))
            .register(BmcResearch::new(providers.clone(), research_jobs.clone()))
            .register(FiveWhys::new(providers.clone()))
            .register(WebResearch::new(
                providers,
                config.research.clone(),
                initiatives.clone(),
            ));
        let engine = extend(builder).open().await?;
        research_jobs.set(&engine);
        let stop = tokio_util::sync::CancellationToken::new();
        let waiting = Waiting::spawn(engine.clone(), config.probe, stop.clone());
        Ok(Workspace {
            engine,
            initiatives,
            waiting,
            spending,
            stop,
        })
    }

    /// What resumes jobs waiting on an unreachable endpoint; the shell tells it when the
    /// network comes back or the machine wakes.
    pub fn waiting(&self) -> &Waiting {
        &self.waiting
    }

    /// Puts new prices and a new per-run cap in force: the cap for runs started from now
    /// on, the prices for every model call from now on.
    pub fn set_spending(&self, spending: Spending) {
        self.spending.set(spending);
    }

    /// The job engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The initiatives.
    pub fn initiatives(&self) -> &InitiativeStore {
        &self.initiatives
    }

    /// The result of a completed job of one of the operations; a program with the plan
    /// variant the user adopted.
    pub async fn result(&self, id: JobId) -> Result<OperationResult> {
        let snapshot = self.engine.get(id).await?;
        let result = OperationResult::from_job(&snapshot.job)?;
        self.with_choice(id, result).await
    }

    /// A program result with the variant chosen for job `id` adopted (other results as they are).
    async fn with_choice(&self, id: JobId, result: OperationResult) -> Result<OperationResult> {
        let OperationResult::Program(mut program) = result else {
            return Ok(result);
        };
        if let Some(variant) = self.initiatives.chosen_variant(&id.to_string()).await? {
            // A choice the program has no variant for (none is stored so) leaves it as it is.
            program.adopt(variant);
        }
        Ok(OperationResult::Program(program))
    }

    /// Adopts `variant` as the plan of the program job `id` made; the program with it.
    pub async fn choose_variant(&self, id: JobId, variant: VariantId) -> Result<OperationResult> {
        let snapshot = self.engine.get(id).await?;
        let OperationResult::Program(mut program) = OperationResult::from_job(&snapshot.job)?
        else {
            return Err(Error::NotAProgram(id.to_string()));
        };
        if !program.adopt(variant) {
            return Err(Error::NoSuchVariant(variant.label().to_owned()));
        }
        self.initiatives
            .choose_variant(&id.to_string(), variant)
            .await?;
        Ok(OperationResult::Program(program))
    }

    /// A completed job's result in `format`, with its title and a file name for it.
    pub async fn export(&self, id: JobId, format: ExportFormat) -> Result<Export> {
        let job = self.engine.get(id).await?.job;
        let result = OperationResult::from_job(&job)?;
        let result = self.with_choice(id, result).await?;
        let usage = self.engine.usage(id).await?;
        let text = export::render(&result, &job.title, format, &usage)?;
        Ok(Export {
            file_name: export::file_name(&job.title, format),
            title: job.title,
            text,
        })
    }

    /// Starts a job of `operation` for an initiative with `input`; returns its id at once.
    async fn start<T: Serialize>(
        &self,
        operation: OperationKind,
        title: String,
        session: &str,
        input: &T,
    ) -> Result<Started> {
        let kind = operation.job_kind();
        let input = serde_json::to_value(input).map_err(|e| jobs::Error::InvalidInput {
            kind: kind.to_owned(),
            reason: e.to_string(),
        })?;
        let key = same_request_key(session, &input);
        let mut request = StartJob::new(kind, title, input)
            .session(session)
            .unique(key);
        if let Some(limit) = self.spending.get().run_limit_micros {
            request = request.spend_limit(limit);
        }
        Ok(self.engine.start_or_join(request).await?)
    }

    /// The user's request for `operation`, refused with `outcome`'s reason.
    fn check(operation: OperationKind, outcome: std::result::Result<(), String>) -> Result<()> {
        outcome.map_err(|reason| {
            Error::Jobs(jobs::Error::InvalidInput {
                kind: operation.job_kind().to_owned(),
                reason,
            })
        })
    }

    /// Starts generating a program for an initiative, or joins the same request's job still
    /// pending, running or paused; returns at once.
    pub async fn generate_program(
        &self,
        initiative_id: &str,
        provider: ProviderChoice,
    ) -> Result<Started> {
        Self::check(OperationKind::Program, provider.validate())?;
        let initiative = self.initiatives.get(initiative_id).await?;
        let title = format!("Program for {}", initiative.name);
        self.start(
            OperationKind::Program,
            title,
            initiative_id,
            &EpmInput {
                initiative,
                provider,
            },
        )
        .await
    }

    /// Starts researching a Business Model Canvas; the latest research report's findings,
    /// if there is one, become its citable evidence (or joins the same request's job).
    pub async fn research_canvas(
        &self,
        initiative_id: &str,
        provider: ProviderChoice,
    ) -> Result<Started> {
        self.canvas(initiative_id, provider, None).await
    }

    /// Starts a canvas: citing the latest research report's findings, or with `after`,
    /// those of that research job once it has ended.
    pub(crate) async fn canvas(
        &self,
        initiative_id: &str,
        provider: ProviderChoice,
        after: Option<JobId>,
    ) -> Result<Started> {
        Self::check(OperationKind::Canvas, provider.validate())?;
        let initiative = self.initiatives.get(initiative_id).await?;
        // A canvas that follows a research job reads its findings once that job has ended;
        // only one started on its own cites the latest report now.
        let latest = match after {
            Some(_) => None,
            None => self.latest_report(initiative_id).await?,
        };
        let (report_job, report_findings) = match latest {
            Some(LatestReport { job, report }) => {
                (Some(job.to_string()), findings_as_evidence(&report))
            }
            None => (None, Vec::new()),
        };
        let title = format!("Business Model Canvas for {}", initiative.name);
        let input = BmcInput {
            initiative,
            provider,
            report_findings,
            report_job,
            after: after.map(|id| id.to_string()),
        };
        self.start(OperationKind::Canvas, title, initiative_id, &input)
            .await
    }

    /// The newest completed research report of an initiative; a newest report that no
    /// longer reads is passed over with a warning in the log.
    pub async fn latest_report(&self, initiative_id: &str) -> Result<Option<LatestReport>> {
        let page = self
            .engine
            .list(&JobQuery {
                statuses: vec![JobStatus::Completed],
                kind: Some(WEB_RESEARCH.to_owned()),
                session_id: Some(initiative_id.to_owned()),
                limit: Some(1),
                ..JobQuery::default()
            })
            .await?;
        let Some(job) = page.items.into_iter().next() else {
            return Ok(None);
        };
        let report = match OperationResult::from_job(&job) {
            Ok(OperationResult::Research(report)) => Ok(report),
            Ok(other) => Err(ResultError::WrongKind {
                id: job.id,
                expected: OperationKind::Research,
                found: other.operation(),
            }),
            Err(e) => Err(e),
        };
        match report {
            Ok(report) => Ok(Some(LatestReport {
                job: job.id,
                report,
            })),
            Err(e) => {
                tracing::warn!(job = %job.id, error = %e, "the latest research report cannot be read; going on without it");
                Ok(None)
            }
        }
    }

    /// Starts a five-whys analysis of a problem statement (or joins the same request's job).
    pub async fn five_whys(
        &self,
        initiative_id: &str,
        problem: &str,
        max_depth: u32,
        provider: ProviderChoice,
    ) -> Result<Started> {
        Self::check(
            OperationKind::FiveWhys,
            crate::research::validate_problem(problem, max_depth),
        )?;
        Self::check(OperationKind::FiveWhys, provider.validate())?;
        let initiative = self.initiatives.get(initiative_id).await?;
        let short: String = problem.trim().chars().take(60).collect();
        let title = format!("Five whys: {short}");
        let input = FiveWhysInput {
            initiative,
            problem: problem.trim().to_owned(),
            max_depth,
            provider,
        };
        self.start(OperationKind::FiveWhys, title, initiative_id, &input)
            .await
    }

    /// Starts web research (offline: the knowledge base and the initiative's documents), or
    /// joins the same request's job.
    pub async fn web_research(
        &self,
        initiative_id: &str,
        questions: Vec<String>,
        provider: ProviderChoice,
        search: SearchChoice,
    ) -> Result<Started> {
        Self::check(
            OperationKind::Research,
            crate::research::validate_questions(&questions),
        )?;
        Self::check(OperationKind::Research, provider.validate())?;
        Self::check(OperationKind::Research, search.validate())?;
        let initiative = self.initiatives.get(initiative_id).await?;
        let title = format!("Research for {}", initiative.name);
        let input = WebResearchInput {
            initiative,
            questions,
            provider,
            search,
        };
        self.start(OperationKind::Research, title, initiative_id, &input)
            .await
    }

    /// Runs a job again as a new, linked job: the original's steps before `from_step` are
    /// reused (0: from scratch), the rest run; with `provider`, on that provider or model
    /// instead of the original's. The original stays as it was.
    pub async fn run_again(
        &self,
        id: JobId,
        from_step: u32,
        provider: Option<ProviderChoice>,
    ) -> Result<JobId> {
        let input = match provider {
            None => None,
            Some(provider) => {
                let job = self.engine.get(id).await?.job;
                let operation = OperationKind::from_job_kind(&job.kind);
                if let Some(operation) = operation {
                    Self::check(operation, provider.validate())?;
                }
                let mut input = job.input;
                match input.as_object_mut() {
                    Some(fields) if fields.contains_key("provider") => {
                        let provider = serde_json::to_value(provider).map_err(|e| {
                            jobs::Error::InvalidInput {
                                kind: job.kind.clone(),
                                reason: e.to_string(),
                            }
                        })?;
                        fields.insert("provider".to_owned(), provider);
                    }
                    _ => {
                        return Err(Error::Jobs(jobs::Error::InvalidInput {
                            kind: job.kind,
                            reason: "this job does not use a model provider".to_owned(),
                        }));
                    }
                }
                Some(input)
            }
        };
        Ok(self.engine.fork(id, from_step, input).await?)
    }

    /// Adds a typed note to an initiative.
    pub async fn add_note(
        &self,
        initiative_id: &str,
        title: &str,
        text: String,
    ) -> Result<Document> {
        self.initiatives
            .add_document(initiative_id, "note", title, text)
            .await
    }

    /// Attaches a `.txt` or `.md` file's text to an initiative.
    pub async fn attach_file(&self, initiative_id: &str, path: &Path) -> Result<Document> {
        let file = read_attachment(path)?;
        self.initiatives
            .add_document(initiative_id, "file", &file.name, file.text)
            .await
    }

    /// Deletes an initiative with its jobs (running ones are cancelled first).
    pub async fn delete_initiative(&self, id: &str) -> Result<()> {
        let _: Initiative = self.initiatives.get(id).await?;
        let mut after = None;
        loop {
            let page = self
                .engine
                .list(&JobQuery {
                    session_id: Some(id.to_owned()),
                    limit: Some(500),
                    after,
                    ..JobQuery::default()
                })
                .await?;
            for job in &page.items {
                if matches!(job.status, JobStatus::Pending | JobStatus::Running) {
                    match self.engine.cancel_and_wait(job.id).await {
                        Ok(_) | Err(jobs::Error::AlreadyFinished { .. }) => {}
                        Err(e) => return Err(Error::Jobs(e)),
                    }
                }
            }
            let ids: Vec<JobId> = page.items.iter().map(|j| j.id).collect();
            self.engine.delete(&ids).await?;
            match page.next {
                Some(next) if !ids.is_empty() => after = Some(next),
                _ => break,
            }
        }
        self.initiatives.delete(id).await?;
        Ok(())
    }
}

/// An initiative's newest research report with the job that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestReport {
    /// The research job.
    pub job: JobId,
    /// Its report.
    pub report: ResearchReport,
}
