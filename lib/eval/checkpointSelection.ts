// Choosing among checkpoints of one part (e.g. the image inpainter every 500 steps) on the validation split, never
// on the test set. GAN training makes consecutive checkpoints differ by a few tenths of a dB, so "the last one" is
// a noisy choice; this picks the candidate with the highest validation PSNR (paper protocol, exact masks) averaged
// over the four mask-ratio buckets, each bucket weighing the same. Ties go to the later candidate.
import type { BucketStat } from './resultRows';

export interface CandidateScore {
  /** what the candidate is, e.g. its manifest path */
  candidate: string;
  step: number;
  /** validation mean per bucket, paper protocol */
  psnr: Record<string, number>;
  ssim: Record<string, number>;
  /** mean over buckets of psnr */
  meanPsnr: number;
}

/** Per-bucket means of one candidate's validation rows (aggregateByBucket's output). */
export function candidateScore(candidate: string, step: number, stats: BucketStat[]): CandidateScore {
  const of = (metric: string) =>
    Object.fromEntries(
      stats.filter((s) => s.metric === metric && s.protocol === 'paper').map((s) => [s.bucket, s.mean]),
    );
  const psnr = of('psnr');
  const buckets = Object.keys(psnr);
  if (buckets.length === 0) throw new Error(`candidateScore: no paper-protocol PSNR rows for ${candidate}`);
  const meanPsnr = buckets.reduce((a, b) => a + psnr[b], 0) / buckets.length;
  return { candidate, step, psnr, ssim: of('ssim'), meanPsnr };
}

/** The best candidate: highest meanPsnr, the later step on a tie. */
export function pickCheckpoint(scores: CandidateScore[]): CandidateScore {
  if (scores.length === 0) throw new Error('pickCheckpoint: no candidates');
  return scores.reduce((best, s) =>
    s.meanPsnr > best.meanPsnr || (s.meanPsnr === best.meanPsnr && s.step > best.step) ? s : best,
  );
}
