// Where a page sits: "Initiatives › Harbour Coffee › Program", each step a link back but the last.
import { Link } from "react-router";
import { ChevronRight } from "lucide-react";
import { useInitiative } from "../lib/queries";

/** The trail from the initiatives list through initiative `sessionId` to `here`. */
export function InitiativeTrail({ sessionId, here }: { sessionId: string; here: string }) {
  const initiative = useInitiative(sessionId);
  return (
    <nav aria-label="Breadcrumb" className="breadcrumb small">
      <ol>
        <li>
          <Link to="/initiatives">Initiatives</Link>
          <ChevronRight size={12} aria-hidden />
        </li>
        <li>
          <Link to={`/initiatives/${sessionId}`}>{initiative.data?.name ?? "Initiative"}</Link>
          <ChevronRight size={12} aria-hidden />
        </li>
        <li aria-current="page">{here}</li>
      </ol>
    </nav>
  );
}
