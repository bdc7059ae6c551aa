// The prequential error sums of one forecaster, shared by the real-data examples, which score
// the network and the naive forecasts on the same samples with the same code.

/** RMSE and MAE of the forecasts added so far. */
export class ForecastScore {
  count = 0;
  private squares = 0;
  private absolutes = 0;

  add(forecast: number, actual: number): void {
    const error = forecast - actual;
    this.count++;
    this.squares += error * error;
    this.absolutes += Math.abs(error);
  }

  get rmse(): number {
    return Math.sqrt(this.squares / this.count);
  }

  get mae(): number {
    return this.absolutes / this.count;
  }
}
