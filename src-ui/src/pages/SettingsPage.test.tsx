import { describe, expect, it } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Settings_Serialize as Settings } from "../bindings";
import { recordIpc } from "../test/ipc";
import { renderAt } from "../test/render";
import { SettingsPage } from "./SettingsPage";

const SETTINGS: Settings = {
  provider: { type: "openai_compatible", base_url: "https://api.example.test/v1", model: "gpt-x" },
  search: { type: "offline" },
  spending: { currency: "USD", prices: {}, run_limit_micros: null },
  notifications: { enabled: true, kinds: {} },
  close_to_tray: true,
  launch_at_login: false,
  keep_awake: true,
  auto_resume: true,
  retention: { completed: 30, failed: 365 },
  tray_hint_shown: false,
};

describe("SettingsPage", () => {
  it("saves a model's prices per million tokens, a limit per run as micros, and the start at login", async () => {
    const mock = recordIpc({ get_settings: () => SETTINGS, update_settings: (args) => args.settings, has_api_key: () => false });
    const user = userEvent.setup();
    renderAt(<SettingsPage />);
    await user.click(await screen.findByRole("button", { name: "Add a model price" }));
    await user.type(screen.getByRole("textbox", { name: "Model name" }), "gpt-x");
    const prompt = screen.getByRole("spinbutton", { name: /Prompt price for gpt-x/ });
    await user.clear(prompt);
    await user.type(prompt, "0.15");
    const answer = screen.getByRole("spinbutton", { name: /Answer price for gpt-x/ });
    await user.clear(answer);
    await user.type(answer, "0.6");
    await user.click(screen.getByRole("checkbox", { name: "Limit what one run may spend" }));
    const limit = screen.getByRole("spinbutton", { name: /Limit per run/ });
    await user.clear(limit);
    await user.type(limit, "2.5");
    await user.click(screen.getByRole("checkbox", { name: /Start Charter when I log in/ }));
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(mock.of("update_settings")).toHaveLength(1));
    expect((mock.of("update_settings")[0]?.settings as Settings).launch_at_login).toBe(true);
    const saved = (mock.of("update_settings")[0]?.settings as Settings).spending;
    expect(saved).toEqual({
      currency: "USD",
      prices: { "gpt-x": { prompt_micros_per_1k: 150, completion_micros_per_1k: 600 } },
      run_limit_micros: 2_500_000,
    });
  });
});
