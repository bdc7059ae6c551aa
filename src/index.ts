/**
 * streamprop: the learning library (network, optimizers, operators, metrics, model files).
 * The feeds are in streamprop/streams, the WebSocket server and its protocol in streamprop/serve.
 *
 * @module streamprop
 */

export { type Backend, jsBackend, wasmBackend } from './backends/backend.js';
export { MAX_MAGNITUDE } from './checks/maxMagnitude.js';
export {
  type Activation,
  elu,
  leakyRelu,
  linear,
  relu,
  sigmoid,
  softmax,
  softplus,
  tanh,
} from './core/activations.js';
export { type DenseOptions, type DenseSpec, dense } from './core/dense.js';
export { hiddenSize } from './core/hiddenSize.js';
export { gaussian, he, type Initializer, uniform, xavier } from './core/initializers.js';
export { Layer } from './core/layer.js';
export {
  binaryCrossEntropy,
  crossEntropy,
  huber,
  type Loss,
  mae,
  mse,
} from './core/losses.js';
export { Network, type NetworkOptions, network } from './core/network.js';
export { type Rng, rng } from './core/rng.js';
export { Trace } from './core/trace.js';
export { type Adwin, type AdwinOptions, adwin } from './drift/adwin.js';
export type { DriftAction } from './drift/driftAction.js';
export type { DriftDetector, DriftDetectorState } from './drift/driftDetector.js';
export { type PageHinkley, type PageHinkleyOptions, pageHinkley } from './drift/pageHinkley.js';
export { type DetectSeasonOptions, detectSeason, type Season } from './forecast/detectSeason.js';
export { type HedgeOptions, hedge, type Weighting } from './forecast/hedge.js';
export { type KeyedTrainOptions, keyedTrain } from './keyed/keyedTrain.js';
export { accuracy } from './metrics/accuracy.js';
export type { Aggregate } from './metrics/aggregate.js';
export { type Ewma, type EwmaState, ewma } from './metrics/ewma.js';
export { logLoss } from './metrics/logLoss.js';
export { meanAbsoluteError } from './metrics/meanAbsoluteError.js';
export {
  type MeanScoreOptions,
  type MeanScoreState,
  meanScore,
  type Score,
} from './metrics/meanScore.js';
export { meanSquaredError } from './metrics/meanSquaredError.js';
export { checkMetric, type Metric } from './metrics/metric.js';
export {
  type MetricGroup,
  type MetricGroupState,
  type MetricGroupValue,
  type MetricMembers,
  metricGroup,
} from './metrics/metricGroup.js';
export type { ErrorMetrics, MetricsSnapshot, RejectionCounts } from './metrics/metricsSnapshot.js';
export { rootMeanSquaredError } from './metrics/rootMeanSquaredError.js';
export { type RSquaredState, rSquared } from './metrics/rSquared.js';
export { type Total, type TotalState, total } from './metrics/total.js';
export { type Windowed, type WindowedState, windowed } from './metrics/windowed.js';
export {
  type Checkpoint,
  type CheckpointJson,
  type CheckpointParts,
  type CheckpointTargets,
  fromCheckpoint,
  type LoadedCheckpoint,
  parseCheckpoint,
  toCheckpoint,
} from './model/checkpoint.js';
export {
  type CheckpointFileSystem,
  type CheckpointSearch,
  CheckpointStore,
  type CheckpointStoreOptions,
  checkpointStore,
  type StoredCheckpoint,
} from './model/checkpointStore.js';
export type { CustomParts } from './model/customParts.js';
export { fromJSON, type LoadedModel } from './model/fromJSON.js';
export type { ModelFile } from './model/modelFile.js';
export { type ToJSONOptions, toJSON } from './model/toJSON.js';
export { adaptLearningRate } from './operators/adaptLearningRate.js';
export {
  type AutoChoice,
  type AutoForecastOptions,
  autoForecast,
} from './operators/autoForecast.js';
export { backward } from './operators/backward.js';
export {
  type BoostLearningRateOptions,
  boostLearningRate,
} from './operators/boostLearningRate.js';
export { type ByKeyOptions, byKey } from './operators/byKey.js';
export {
  type CalendarFeaturesOptions,
  type CalendarSample,
  calendarFeatures,
} from './operators/calendarFeatures.js';
export { type DetectDriftOptions, detectDrift } from './operators/detectDrift.js';
export {
  type DifferencedSample,
  type DifferenceOptions,
  difference,
  type LagOptions,
} from './operators/difference.js';
export { type EarlyStopOptions, earlyStop } from './operators/earlyStop.js';
export {
  type CandidateScore,
  type EnsembleOptions,
  type EnsembleStep,
  ensemble,
} from './operators/ensemble.js';
export { forward } from './operators/forward.js';
export { lastValue } from './operators/lastValue.js';
export { type LeastSquaresOptions, leastSquares } from './operators/leastSquares.js';
export { loss } from './operators/loss.js';
export {
  type NormalizedSample,
  type NormalizeOptions,
  normalize,
} from './operators/normalize.js';
export { type Prediction, predict } from './operators/predict.js';
export {
  type ResetModel,
  type ResetModelOptions,
  type ResetModelState,
  resetModel,
} from './operators/resetModel.js';
export { resetOptimizer } from './operators/resetOptimizer.js';
export { type RollingMetricsOptions, rollingMetrics } from './operators/rollingMetrics.js';
export { runningMean } from './operators/runningMean.js';
export { seasonalDifference } from './operators/seasonalDifference.js';
export { seasonalLastValue } from './operators/seasonalLastValue.js';
export { type MapState, statefulMap } from './operators/statefulMap.js';
export { type TrainOptions, train } from './operators/train.js';
export { type UpdateOptions, update } from './operators/update.js';
export { type AdagradOptions, adagrad } from './optim/adagrad.js';
export { type AdamOptions, adam } from './optim/adam.js';
export { type BoldDriverOptions, boldDriver } from './optim/boldDriver.js';
export { constant } from './optim/constant.js';
export { defaultOptimizer } from './optim/defaultOptimizer.js';
export { type ExponentialDecayOptions, exponentialDecay } from './optim/exponentialDecay.js';
export { type InverseScalingOptions, inverseScaling } from './optim/inverseScaling.js';
export { type MomentumOptions, momentum } from './optim/momentum.js';
export { nesterov } from './optim/nesterov.js';
export type { Optimizer, OptimizerState } from './optim/optimizer.js';
export type { RateController, RateControllerState } from './optim/rateController.js';
export { type ReduceOnPlateauOptions, reduceOnPlateau } from './optim/reduceOnPlateau.js';
export { type RmspropOptions, rmsprop } from './optim/rmsprop.js';
export type { Schedule } from './optim/schedule.js';
export { type SgdOptions, sgd } from './optim/sgd.js';
export { type StepDecayOptions, stepDecay } from './optim/stepDecay.js';
export { REJECTION_REASONS, type Rejection, type RejectionReason } from './samples/rejection.js';
export type { Malformed, Sample, TargetScaler } from './samples/sample.js';
export { SampleError } from './samples/sampleError.js';
export { minMax } from './scaling/minMax.js';
export {
  RunningScaler,
  type RunningScalerOptions,
  type RunningScalerState,
  runningScaler,
  type ScalingMethodState,
} from './scaling/runningScaler.js';
export {
  RunningStats,
  type RunningStatsState,
  runningStats,
} from './scaling/runningStats.js';
export type { ScalingMethod } from './scaling/scalingMethod.js';
export { zScore } from './scaling/zScore.js';
export type { Forecast } from './steps/forecast.js';
export type { InvalidSampleOptions, OnInvalid } from './steps/invalidSamples.js';
export type { Step } from './steps/step.js';
export type { StepEvent } from './steps/stepEvent.js';
export type { ErrorMetricsState } from './tracking/errorFigures.js';
export {
  MetricsTracker,
  type MetricsTrackerOptions,
  metricsTracker,
} from './tracking/metricsTracker.js';
export type { MetricsTrackerState, TrackedErrorsState } from './tracking/metricsTrackerState.js';
