"""Settles transfers with the card processor. Each settlement is idempotent: the processor
deduplicates on the request id we send."""
import os
import sqlite3
import time

import requests
from kazoo.client import KazooClient
from tenacity import retry, stop_after_attempt, wait_exponential

PROCESSOR = "http://127.0.0.1:9000/charge"


@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=0.2))
def charge(card, amount, request_id):
    resp = requests.post(PROCESSOR, json={"card": card, "amount": amount},
                         headers={"Idempotency-Key": request_id}, timeout=5)
    resp.raise_for_status()
    return resp.json()


def settle_batch(db_path, batch):
    zk = KazooClient(hosts="127.0.0.1:2181", timeout=10.0)
    zk.start()
    lock = zk.Lock("/ledger/settle", "worker")
    with lock:
        conn = sqlite3.connect(db_path)
        for row in batch:
            charge(row["card"], row["amount"], row["request_id"])
            conn.execute("UPDATE transfers SET settled = 1 WHERE id = ?", (row["id"],))
        conn.commit()
    zk.stop()


def append_journal(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())
    return time.monotonic()
