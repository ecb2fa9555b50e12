// Adopting a plan variant: `choose_variant` stores the pick and answers with the program as
// it now is, which replaces the cached result so the page, every tab and the exports follow.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { commands, type VariantId } from "../../../bindings";
import { unwrap } from "../../../ipc";
import { keys } from "../../../lib/queries";

/** What the plan cards need to adopt a variant. */
export interface Adopting {
  adopt: (variant: VariantId) => void;
  /** The variant being adopted, while the command runs. */
  pending: VariantId | null;
}

/** Adopts variants of job `jobId`'s program; `onAdopted` runs once the new program is cached. */
export function useAdoptVariant(jobId: string, onAdopted?: () => void): Adopting {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: (variant: VariantId) => unwrap(commands.chooseVariant(jobId, variant)),
    onSuccess: (result) => {
      client.setQueryData(keys.result(jobId), result);
      // The job record holds the result too; re-read it rather than patch it.
      void client.invalidateQueries({ queryKey: keys.job(jobId) });
      const program = result.operation === "program" ? result.result : null;
      const label = program?.variants.find((v) => v.id === program.chosen)?.label;
      toast.success(label ? `Adopted “${label}”` : "Plan adopted", { description: "Every tab and export now uses it." });
      onAdopted?.();
    },
    onError: (e: Error) => toast.error(`Could not adopt the plan: ${e.message}`),
  });
  return {
    adopt: (variant) => mutation.mutate(variant),
    pending: mutation.isPending ? mutation.variables : null,
  };
}
