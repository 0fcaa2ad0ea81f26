#!/usr/bin/python3
"""Reference point for the dml4j quickstart: the same FedAvg experiment as a plain PyTorch loop, one thread.

FedAvg on Fashion-MNIST, 20 clients with Dirichlet(0.5) label skew, 10 clients a round, MLP 784-200-10, batch 64,
SGD lr 0.05 momentum 0.9, one local epoch. Prints the wall time until the global model first reaches 80% test
accuracy. Needs Debian's python3-torch (apt-get install python3-torch libopenblas0-pthread) and
dataset-fashion-mnist. Not part of the build: run by benchmarks/quickstart/run.sh.
"""
import gzip
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(42)
D = "/usr/share/datasets/fashion-mnist/"


def idx(path, offset):
    with gzip.open(D + path) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


xtr = torch.tensor(idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784), dtype=torch.float32) / 255
ytr = torch.tensor(idx("train-labels-idx1-ubyte.gz", 8).astype(np.int64))
xte = torch.tensor(idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784), dtype=torch.float32) / 255
yte = torch.tensor(idx("t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))

rng = np.random.default_rng(42)
n_clients, per_round, rounds, target = 20, 10, int(sys.argv[1]) if len(sys.argv) > 1 else 20, 0.80
parts = [[] for _ in range(n_clients)]
for c in range(10):
    ids = np.flatnonzero(ytr.numpy() == c)
    rng.shuffle(ids)
    cut = (np.cumsum(rng.dirichlet([0.5] * n_clients)) * len(ids)).astype(int)[:-1]
    for k, part in enumerate(np.split(ids, cut)):
        parts[k].extend(part.tolist())
parts = [torch.tensor(sorted(p)) for p in parts]


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(784, 200), torch.nn.ReLU(), torch.nn.Linear(200, 10))


glob, local = mlp(), mlp()
loss_fn = torch.nn.CrossEntropyLoss()
start = time.perf_counter()
reached = None
steps = 0
for r in range(1, rounds + 1):
    chosen = sorted(rng.choice(n_clients, per_round, replace=False))
    total = sum(len(parts[c]) for c in chosen)
    acc_state = {k: torch.zeros_like(v) for k, v in glob.state_dict().items()}
    for c in chosen:
        local.load_state_dict(glob.state_dict())
        opt = torch.optim.SGD(local.parameters(), lr=0.05, momentum=0.9)
        idxs = parts[c][torch.randperm(len(parts[c]))]
        for b in range(0, len(idxs), 64):
            bi = idxs[b:b + 64]
            opt.zero_grad()
            loss_fn(local(xtr[bi]), ytr[bi]).backward()
            opt.step()
            steps += 1
        w = len(parts[c]) / total
        for k, v in local.state_dict().items():
            acc_state[k] += w * v
    glob.load_state_dict(acc_state)
    with torch.no_grad():
        acc = (glob(xte).argmax(1) == yte).float().mean().item()
    elapsed = time.perf_counter() - start
    print(f"round {r}: accuracy {acc:.4f} after {elapsed:.1f} s ({steps} steps)", flush=True)
    if reached is None and acc >= target:
        reached = elapsed
print(f"pytorch {torch.__version__}: {steps / (time.perf_counter() - start) * 1e3 / 1e3:.0f} steps/s incl. eval; "
      f"80% reached after {reached if reached is not None else float('nan'):.1f} s")
