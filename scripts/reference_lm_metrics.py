#!/usr/bin/env python3
"""Independent check of Pare's language-model metrics (LanguageModelMetrics.swift).

Draws random logits for a reference model P and a perturbed model Q over a small vocabulary, writes
the TokenScoreLayout rows each pass would write (log-sum-exp, next token's logit, argmax, KL from P
(0 for P's own pass), offset (NaN: no directions), then the state and direction columns, zeros here), and the metrics computed here from
the full distributions with numpy: perplexity of Q on the second half of each window, mean/p99/max
KL(P||Q), Δp and same-top. Output: Tests/PareEngineTests/Fixtures/lm-metrics.json.
"""
import json
import numpy as np

rng = np.random.default_rng(7)
vocab, hidden, window, windows = 40, 2, 10, 3
positions = window * windows
tokens = rng.integers(0, vocab, size=positions)
p_logits = (rng.standard_normal((positions, vocab)) * 3).astype(np.float32)
q_logits = (p_logits + rng.standard_normal((positions, vocab)) * 0.7).astype(np.float32)


def log_softmax(x):
    x = x.astype(np.float64)
    m = x.max(axis=1, keepdims=True)
    return x - (m + np.log(np.exp(x - m).sum(axis=1, keepdims=True)))


lp, lq = log_softmax(p_logits), log_softmax(q_logits)
kl_all = (np.exp(lp) * (lp - lq)).sum(axis=1)


def rows(logits, kl):
    lse = np.log(np.exp(logits.astype(np.float64)).sum(axis=1))
    out = np.zeros((positions, 5 + 2 * hidden), dtype=np.float32)
    out[:, 0] = lse
    out[:, 4] = np.nan  # no directions measured
    for t in range(positions):
        last = (t % window) == window - 1
        out[t, 1] = np.nan if last else logits[t, tokens[t + 1]]
        out[t, 2] = int(np.argmax(logits[t]))
        out[t, 3] = kl[t]
    return out


p_rows, q_rows = rows(p_logits, np.zeros(positions)), rows(q_logits, kl_all)
scored = [w * window + i for w in range(windows) for i in range(window // 2, window - 1)]
nll = [-lq[t, tokens[t + 1]] for t in scored]
kl = kl_all[scored]
delta = np.array([np.exp(lq[t, tokens[t + 1]]) - np.exp(lp[t, tokens[t + 1]]) for t in scored])
same = np.mean([np.argmax(p_logits[t]) == np.argmax(q_logits[t]) for t in scored])

fixture = {
    "hidden": hidden, "window": window,
    "reference_rows": [None if np.isnan(v) else float(v) for v in p_rows.flatten()],
    "compared_rows": [None if np.isnan(v) else float(v) for v in q_rows.flatten()],
    "perplexity": float(np.exp(np.mean(nll))),
    "mean_kl": float(kl.mean()), "p99_kl": float(np.percentile(kl, 99)), "max_kl": float(kl.max()),
    "mean_delta_p": float(delta.mean()), "rms_delta_p": float(np.sqrt((delta ** 2).mean())),
    "same_top": float(same), "count": len(scored),
}
with open("Tests/PareEngineTests/Fixtures/lm-metrics.json", "w") as f:
    json.dump(fixture, f)
print({k: v for k, v in fixture.items() if not k.endswith("rows")})
