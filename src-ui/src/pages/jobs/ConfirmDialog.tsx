// A confirmation for destructive or wide-reaching actions (Radix AlertDialog: focus trapped,
// Escape cancels, the safe choice is focused first).
import * as AlertDialog from "@radix-ui/react-alert-dialog";

/** What to ask, and what to do on yes. */
export interface Confirmation {
  title: string;
  description: string;
  /** The confirm button's words, e.g. "Delete 3 jobs". */
  action: string;
  /** The dismiss button's words (default "Cancel", the platform's word). */
  dismiss?: string;
  danger?: boolean;
  onConfirm: () => void;
}

/** Shows `confirmation` while it is set; `onClose` clears it. */
export function ConfirmDialog({ confirmation, onClose }: { confirmation: Confirmation | null; onClose: () => void }) {
  return (
    <AlertDialog.Root open={confirmation != null} onOpenChange={(open) => !open && onClose()}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="jobs-dialog-overlay" />
        <AlertDialog.Content className="jobs-dialog">
          {confirmation && (
            <>
              <AlertDialog.Title>{confirmation.title}</AlertDialog.Title>
              <AlertDialog.Description className="muted">{confirmation.description}</AlertDialog.Description>
              <div className="row jobs-dialog-actions">
                <AlertDialog.Cancel className="btn">{confirmation.dismiss ?? "Cancel"}</AlertDialog.Cancel>
                <AlertDialog.Action
                  className={`btn ${confirmation.danger ? "danger" : "primary"}`}
                  onClick={() => confirmation.onConfirm()}
                >
                  {confirmation.action}
                </AlertDialog.Action>
              </div>
            </>
          )}
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
