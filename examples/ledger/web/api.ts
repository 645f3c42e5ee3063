// The browser's API client for the ledger.
import pRetry from "p-retry";

export interface Transfer {
  from: string;
  to: string;
  amount: number;
}

/** Sends a transfer; safe to retry because the server deduplicates on the idempotency key. */
export async function sendTransfer(t: Transfer, key: string): Promise<void> {
  await pRetry(
    async () => {
      const resp = await fetch("/transfer", {
        method: "POST",
        headers: { "Idempotency-Key": key, "Content-Type": "application/json" },
        body: JSON.stringify(t),
        signal: AbortSignal.timeout(3000),
      });
      if (!resp.ok) throw new Error(`transfer failed: ${resp.status}`);
    },
    { retries: 4 },
  );
}

export function sessionValid(expiresAt: number): boolean {
  return Date.now() < expiresAt;
}
