// Beam search as Hugging Face's BeamSearchScorer runs it for one input (generation/beam_search.py):
// each step, every live beam's next-token log-probabilities (after the repetition and
// min-length processors) are added to the beam's score; the best 2·numBeams candidates are
// scanned in order; an end token among the first numBeams finishes a hypothesis, scored
// sum / length^lengthPenalty (length without the end token, prompt included); the first numBeams
// others become the next beams. Search stops when the hypothesis list is full and no live beam
// can beat its worst (earlyStopping: as soon as it is full), or at maxLength.
import { throwIfAborted } from '../../shared/progress.ts';
import { applyRepetitionPenalty, blockEndBeforeMinLength, logSoftmax } from './logits.ts';
import type { DecodeSettings, DecoderStep, Generated } from './types.ts';

interface Hypothesis {
  ids: number[];
  /** Length-normalised score. */
  score: number;
}

/** The numBeams best finished sequences seen so far (HF's BeamHypotheses). */
class Hypotheses {
  readonly list: Hypothesis[] = [];
  private worst = Infinity;

  constructor(
    private readonly numBeams: number,
    private readonly lengthPenalty: number,
    private readonly earlyStopping: boolean,
  ) {}

  add(ids: number[], sumLogProbs: number): void {
    const score = sumLogProbs / ids.length ** this.lengthPenalty;
    if (this.list.length < this.numBeams || score > this.worst) {
      this.list.push({ ids, score });
      if (this.list.length > this.numBeams) {
        let worstAt = 0;
        for (let i = 1; i < this.list.length; i++) if (this.list[i]!.score < this.list[worstAt]!.score) worstAt = i;
        this.list.splice(worstAt, 1);
      }
      this.worst = Math.min(...this.list.map((h) => h.score));
    }
  }

  /** HF's is_done: full, and (early stopping, or the best live score can no longer beat the worst kept). */
  isDone(bestLiveSum: number, length: number): boolean {
    if (this.list.length < this.numBeams) return false;
    if (this.earlyStopping) return true;
    return this.worst >= bestLiveSum / length ** this.lengthPenalty;
  }

  best(): Hypothesis {
    return this.list.reduce((a, b) => (b.score > a.score ? b : a));
  }
}

interface Candidate {
  score: number;
  beam: number;
  token: number;
}

/** The best k (beam, token) pairs by score, highest first; ties go to the lower flat index, as a stable top-k would. */
function topCandidates(rows: readonly Float32Array[], k: number): Candidate[] {
  const best: Candidate[] = [];
  rows.forEach((row, beam) => {
    for (let token = 0; token < row.length; token++) {
      const score = row[token]!;
      if (best.length === k && score <= best[k - 1]!.score) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.score < score) at--;
      best.splice(at, 0, { score, beam, token });
      if (best.length > k) best.pop();
    }
  });
  return best;
}

export async function beamSearch<E>(step: DecoderStep<E>, encoder: E, prompt: readonly number[], s: DecodeSettings): Promise<Generated> {
  const numBeams = s.numBeams;
  // Only the first beam is live at the start; the others start at −1e9 so they never win (HF does the same).
  let beams = Array.from({ length: numBeams }, (_, i) => ({ ids: [...prompt], score: i === 0 ? 0 : -1e9 }));
  const hyps = new Hypotheses(numBeams, s.lengthPenalty, s.earlyStopping);
  let done = false;
  let length = prompt.length;
  const steps = s.maxLength - prompt.length;
  while (length < s.maxLength) {
    throwIfAborted(s.signal);
    const logits = await step(
      beams.map((b) => b.ids),
      encoder,
    );
    const rows = logits.map((row, i) => {
      // HF applies the processors to log-probabilities in beam search (to raw logits elsewhere).
      const scores = logSoftmax(row);
      applyRepetitionPenalty(scores, beams[i]!.ids, s.repetitionPenalty);
      blockEndBeforeMinLength(scores, length, s.minLength, s.eosTokenId);
      const base = beams[i]!.score;
      for (let t = 0; t < scores.length; t++) scores[t]! += base;
      return scores;
    });
    const candidates = topCandidates(rows, 2 * numBeams);
    const next: { ids: number[]; score: number }[] = [];
    for (const [rank, c] of candidates.entries()) {
      if (c.token === s.eosTokenId) {
        // An end token ranked below the top numBeams is not good enough to finish a hypothesis.
        if (rank < numBeams) hyps.add([...beams[c.beam]!.ids], c.score);
      } else {
        next.push({ ids: [...beams[c.beam]!.ids, c.token], score: c.score });
      }
      if (next.length === numBeams) break;
    }
    done = hyps.isDone(candidates[0]?.score ?? -Infinity, length);
    beams = next;
    length++;
    s.onProgress?.({ kind: 'step', index: length - prompt.length, count: steps });
    if (done || beams.length < numBeams) break;
  }
  if (!done) for (const beam of beams) hyps.add(beam.ids, beam.score);
  const best = hyps.best();
  const ids = best.ids.length < s.maxLength ? [...best.ids, s.eosTokenId] : best.ids;
  return { ids, score: best.score };
}
