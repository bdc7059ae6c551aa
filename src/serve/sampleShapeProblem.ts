import type { Sample } from '../samples/sample.js';
import type { ModelSummary } from './workerMessages.js';

/**
 * @internal What is wrong with the lengths of a producer's sample for the model (`undefined`:
 * nothing, or no model known yet).
 */
export function sampleShapeProblem(sample: Sample, model: ModelSummary): string | undefined {
  if (model === null) return undefined;
  if (sample.x.length !== model.inputs) {
    return `sample: x.length must be ${model.inputs}, got ${sample.x.length}`;
  }
  const y = sample.y;
  if (y === undefined) return undefined;
  const length = typeof y === 'number' ? 1 : y.length;
  if (length !== model.outputs) {
    return `sample: y must have ${model.outputs} value(s), got ${length}`;
  }
  return undefined;
}
