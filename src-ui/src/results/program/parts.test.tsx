// Plain words in the program's tabs: ids the program does not name, risk categories and the
// playbook line read as words, never as the engine's ids or scores.
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { smallProgram } from "../fixtures/small";
import { AnalysisTab, playbookWords } from "./AnalysisTab";
import { idWords, programNames } from "./parts";
import { RisksTab } from "./RisksTab";

describe("programNames", () => {
  it("names roles and workstreams, and turns an id nothing names into words", () => {
    const names = programNames(smallProgram());
    expect(names.roleName("pm")).toBe("Project manager");
    expect(names.wsName("a")).toBe("Alpha stream");
    expect(names.roleName("shop_fitter")).toBe("Shop fitter");
    expect(names.wsName("ws_marketing")).toBe("Ws marketing");
    expect(names.wsName(null)).toBe("");
  });

  it("idWords splits snake_case, dotted and dashed ids", () => {
    expect(idWords("launch.grand_opening")).toBe("Launch grand opening");
    expect(idWords("front-of-house")).toBe("Front of house");
    expect(idWords("___")).toBe("___");
  });
});

describe("RisksTab", () => {
  it("shows an unnamed owner and a snake_case category as words", () => {
    const p = smallProgram();
    p.risks = [{ ...p.risks[0]!, owner_role: "shop_fitter", category: "supply_chain" }];
    render(<RisksTab program={p} names={programNames(p)} cell={null} onCell={() => {}} />);
    const row = within(screen.getByRole("table", { name: "Risk register" })).getAllByRole("row")[1] as HTMLElement;
    expect(row).toHaveTextContent("supply chain");
    expect(row).toHaveTextContent("Shop fitter");
    expect(row.textContent).not.toMatch(/shop_fitter|supply_chain/);
  });
});

describe("AnalysisTab", () => {
  it("names the playbook it started from without its match score", () => {
    const p = smallProgram();
    p.analysis = { ...p.analysis, playbook: { id: "food_beverage_retail", name: "Food & beverage retail", score: 21.74, runners_up: [["saas", 2.6]], scale: 1, rollout_units: 1 } };
    const { container } = render(<AnalysisTab program={p} names={programNames(p)} />);
    expect(screen.getByText("Started from Charter's “Food & beverage retail” playbook.")).toBeInTheDocument();
    expect(container.textContent).not.toMatch(/21\.74|score|food_beverage_retail/);
  });

  it("says when nothing matched a specific playbook", () => {
    expect(playbookWords({ name: "General", score: 0 })).toBe("Started from Charter's “General” playbook: nothing in the description matched a more specific one.");
    expect(playbookWords({ name: "General", score: null })).toBe("Started from Charter's “General” playbook.");
  });
});
