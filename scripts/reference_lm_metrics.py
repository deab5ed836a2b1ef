#!/usr/bin/env python3
"""Independent check of Pare's language-model metrics (LanguageModelMetrics.swift).

Draws random logits for a reference model P and a perturbed model Q over a small vocabulary, writes
the TokenScoreLayout rows each pass would write (P with its own top-k ids, Q with P's ids), and the
metrics computed here from the FULL distributions with numpy: perplexity of Q on the second half of
each window, the exact mean/p99/max KL(P||Q), the top-k+tail estimate (which must not exceed the
exact value), Δp, same-top and the tail mass. Output: Tests/PareEngineTests/Fixtures/lm-metrics.json.
"""
import json
import numpy as np

rng = np.random.default_rng(7)
vocab, top_k, window, windows = 40, 6, 10, 3
positions = window * windows
tokens = rng.integers(0, vocab, size=positions)
p_logits = (rng.standard_normal((positions, vocab)) * 3).astype(np.float32)
q_logits = (p_logits + rng.standard_normal((positions, vocab)) * 0.7).astype(np.float32)


def log_softmax(x):
    x = x.astype(np.float64)
    m = x.max(axis=1, keepdims=True)
    return x - (m + np.log(np.exp(x - m).sum(axis=1, keepdims=True)))


def rows(logits, ids):
    lse = np.log(np.exp(logits.astype(np.float64)).sum(axis=1))
    out = np.zeros((positions, 3 + 2 * top_k), dtype=np.float32)
    out[:, 0] = lse
    for t in range(positions):
        last = (t % window) == window - 1
        out[t, 1] = np.nan if last else logits[t, tokens[t + 1]]
        out[t, 2] = int(np.argmax(logits[t]))
        out[t, 3:3 + top_k] = ids[t]
        out[t, 3 + top_k:] = logits[t, ids[t]]
    return out


p_ids = np.argsort(-p_logits, axis=1, kind="stable")[:, :top_k]
p_rows, q_rows = rows(p_logits, p_ids), rows(q_logits, p_ids)

lp, lq = log_softmax(p_logits), log_softmax(q_logits)
scored = [w * window + i for w in range(windows) for i in range(window // 2, window - 1)]
nll = [-lq[t, tokens[t + 1]] for t in scored]
kl = np.array([(np.exp(lp[t]) * (lp[t] - lq[t])).sum() for t in scored])
delta = np.array([np.exp(lq[t, tokens[t + 1]]) - np.exp(lp[t, tokens[t + 1]]) for t in scored])
same = np.mean([np.argmax(p_logits[t]) == np.argmax(q_logits[t]) for t in scored])
p_top = np.array([np.exp(lp[t, p_ids[t]]).sum() for t in scored])
q_top = np.array([np.exp(lq[t, p_ids[t]]).sum() for t in scored])
estimate = np.array([(np.exp(lp[t, p_ids[t]]) * (lp[t, p_ids[t]] - lq[t, p_ids[t]])).sum() for t in scored])
estimate += (1 - p_top) * (np.log(1 - p_top) - np.log(1 - q_top))
assert np.all(estimate <= kl + 1e-12)

fixture = {
    "top_k": top_k, "window": window,
    "reference_rows": [None if np.isnan(v) else float(v) for v in p_rows.flatten()],
    "compared_rows": [None if np.isnan(v) else float(v) for v in q_rows.flatten()],
    "perplexity": float(np.exp(np.mean(nll))),
    "exact_mean_kl": float(kl.mean()),
    "estimated_mean_kl": float(estimate.mean()), "estimated_p99_kl": float(np.percentile(estimate, 99)),
    "estimated_max_kl": float(estimate.max()),
    "mean_delta_p": float(delta.mean()), "rms_delta_p": float(np.sqrt((delta ** 2).mean())),
    "same_top": float(same), "tail_mass": float((1 - p_top).mean()), "count": len(scored),
}
with open("Tests/PareEngineTests/Fixtures/lm-metrics.json", "w") as f:
    json.dump(fixture, f)
print({k: v for k, v in fixture.items() if not k.endswith("rows")})
