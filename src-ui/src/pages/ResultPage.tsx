// A finished job's result, full page, with exports to Markdown and JSON (and, for a program,
// to MS Project XML, CSV for issue trackers and iCalendar).
import { Link, useParams } from "react-router";
import { useMutation, useQuery } from "@tanstack/react-query";
import { toast } from "sonner";
import { commands, type ExportFormat } from "../bindings";
import { unwrap } from "../ipc";
import { RelativeTime } from "../components/Time";
import { StatusBadge } from "../components/StatusBadge";
import { InitiativeTrail } from "../components/Breadcrumb";
import { ExportMenu } from "../components/ExportMenu";
import { COMMON_EXPORTS, PROGRAM_EXPORTS, type ExportOption } from "../lib/exports";
import { KINDS, kindInfo } from "../lib/kinds";
import { keys } from "../lib/queries";
import { isActive } from "../lib/status";
import { JobResult } from "../results/ResultView";

/** `/results/:id`. */
export function ResultPage() {
  const { id = "" } = useParams();
  const snapshot = useQuery({ queryKey: keys.job(id), queryFn: () => unwrap(commands.getJob(id)) });
  const save = useMutation({
    mutationFn: (format: ExportFormat) => unwrap(commands.saveExport(id, format)),
    onSuccess: (path) => {
      if (path) toast.success("Exported", { description: path });
    },
    onError: (e: Error) => toast.error(`Export failed: ${e.message}`),
  });

  if (snapshot.isPending) return <div className="skeleton" style={{ height: 320 }} aria-busy="true" aria-label="Loading result" />;
  if (snapshot.isError) {
    return (
      <div className="banner error" role="alert">
        {snapshot.error.message} <Link to="/jobs">Back to jobs</Link>
      </div>
    );
  }
  const job = snapshot.data.job;
  const info = kindInfo(job.kind);
  // Not `info.operation`: a kind this version does not know falls back to "program".
  const isProgram = KINDS.some((k) => k.kind === job.kind && k.operation === "program");
  const choice = (o: ExportOption<ExportFormat>) => ({ label: o.label, onSelect: () => save.mutate(o.format) });
  return (
    <>
      {job.session_id && <InitiativeTrail sessionId={job.session_id} here={info.label} />}
      <div className="page-head">
        <div>
          <h1>{job.title}</h1>
          <p className="muted row">
            <StatusBadge status={job.status} /> {info.label}
            {job.finished_at && (
              <>
                {" · finished "}
                <RelativeTime at={job.finished_at} />
              </>
            )}
            {" · "}
            <Link to={`/jobs/${job.id}`}>Job details</Link>
          </p>
        </div>
        {job.result != null && (
          <ExportMenu
            disabled={save.isPending}
            choices={COMMON_EXPORTS.map(choice)}
            more={isProgram ? PROGRAM_EXPORTS.map(choice) : []}
          />
        )}
      </div>
      {job.result == null ? (
        <div className="banner warn" role="status">
          This job has no result{isActive(job.status) ? " yet" : ""}. <Link to={`/jobs/${job.id}`}>See the job</Link>
        </div>
      ) : (
        <JobResult id={job.id} />
      )}
    </>
  );
}
