// The program's Resources tab: the team person by person (when the plan is levelled by
// person) with the way to change who covers which role, each role's people, rate and load,
// then the person-weeks each role is booked month by month.
import type { ReactNode } from "react";
import type { PersonLine, ResourceLine } from "../../bindings";
import { barPercent, fmtMonth, fmtNumber, fmtPercent } from "../format";
import { DataTable, moneyColumn } from "./DataTable";
import { MiniBar, type TabProps } from "./parts";
import { roleMonthLoad } from "./roleMonthLoad";

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** The role × month matrix of booked person-weeks, with totals. */
function MonthMatrix({ program: p, names: { roleName } }: TabProps) {
  const { months, load } = roleMonthLoad(p.tasks, p.schedule.start_date);
  if (months.length === 0) return null;
  const known = new Set(p.resources.map((r) => r.id));
  // Roles the tasks book that the resource list does not name come last.
  const roleIds = [...p.resources.map((r) => r.id), ...[...load.keys()].filter((id) => !known.has(id))];
  return (
    <div className="results-scroll">
      <table className="grid program-matrix">
        <caption className="program-caption">
          By month <span className="small muted">— person-weeks booked in the levelled schedule</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">Role</th>
            {months.map((m) => (
              <th key={m} scope="col" className="num">
                {fmtMonth(m, m.endsWith("-01") || m === months[0])}
              </th>
            ))}
            <th scope="col" className="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {roleIds.map((id) => {
            const row = load.get(id);
            return (
              <tr key={id}>
                <th scope="row">{roleName(id)}</th>
                {months.map((m) => {
                  const v = row?.get(m) ?? 0;
                  return (
                    <td key={m} className={`num${v ? " program-busy" : " muted"}`}>
                      {v ? fmtNumber(v, 1) : "·"}
                    </td>
                  );
                })}
                <td className="num">
                  <strong>{fmtNumber(row ? sum(row.values()) : 0, 1)}</strong>
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">All roles</th>
            {months.map((m) => (
              <td key={m} className="num">
                {fmtNumber(sum([...load.values()].map((row) => row.get(m) ?? 0)), 1)}
              </td>
            ))}
            <td className="num">
              <strong>{fmtNumber(sum([...load.values()].map((row) => sum(row.values()))), 1)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** The util column: a small bar and the share. */
function Utilisation({ value }: { value: number | null }) {
  return (
    <span className="program-util">
      <MiniBar percent={barPercent(value)} />
      {fmtPercent(value)}
    </span>
  );
}

/** The people of the plan, with the roles they cover. */
function YourTeam({ team, roleName }: { team: PersonLine[]; roleName: (id: string) => string }) {
  return (
    <DataTable<PersonLine>
      caption="Your team"
      rows={team}
      rowKey={(m) => m.id}
      columns={[
        { header: "Person", cell: (m) => m.name },
        { header: "Roles", cell: (m) => m.roles.map(roleName).join(", ") },
        { header: "Tasks", num: true, cell: (m) => fmtNumber(m.tasks) },
        { header: "Weeks booked", num: true, cell: (m) => fmtNumber(m.weeks_booked, 1) },
        { header: "Utilisation", cell: (m) => <Utilisation value={m.utilisation} /> },
      ]}
    />
  );
}

export function ResourcesTab(props: TabProps & { teamEditor?: ReactNode }) {
  const { program: p, names, teamEditor } = props;
  const team = Array.isArray(p.team) ? p.team : [];
  return (
    <>
      {team.length > 0 && <YourTeam team={team} roleName={names.roleName} />}
      {teamEditor && (
        <div className="row">
          {teamEditor}
          {team.length === 0 && <span className="small muted">This plan staffs by role; the plans with your team name who does what.</span>}
        </div>
      )}
      <DataTable<ResourceLine>
        caption="By role"
        rows={p.resources}
        rowKey={(r) => r.id}
        columns={[
          { header: "Role", cell: (r) => r.name },
          { header: "People", num: true, cell: (r) => fmtNumber(r.headcount) },
          moneyColumn("Monthly rate", names.currency, (r) => r.monthly_rate),
          { header: "Person-weeks", num: true, cell: (r) => fmtNumber(r.person_weeks, 1) },
          { header: "Peak", num: true, cell: (r) => fmtNumber(r.peak, 1) },
          { header: "Utilisation", cell: (r) => <Utilisation value={r.utilisation} /> },
        ]}
      />
      <MonthMatrix {...props} />
    </>
  );
}
