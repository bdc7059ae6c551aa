// The command line as a user meets it: in-process (runCli), and the compiled program once.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, runCli, startCli } from './cliProcess.js';

afterEach(killAll);

const lines = (text: string[]): string[] => text.filter((l) => l !== '');

async function refused(args: string[]): Promise<string[]> {
  const cli = runCli(args);
  const { code } = await cli.exited;
  expect(code, args.join(' ')).toBe(2);
  expect(lines(cli.stdout)).toEqual([]);
  return lines(cli.stderr);
}

describe('the command line', () => {
  it('every option error is one line naming the flag, exit 2, with the nearest valid name', async () => {
    expect(await refused(['run', '--layer', '32'])).toEqual([
      'streamprop run: --layer: unknown option; did you mean --layers?',
    ]);
    expect(await refused(['--optimizer', 'adma'])).toEqual([
      'streamprop run: --optimizer: must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam (got "adma"); did you mean adam?',
    ]);
    expect(await refused(['run', '--activation', 'tahn'])).toEqual([
      'streamprop run: --activation: must be one of tanh, sigmoid, relu, leakyRelu, elu, softplus, linear (got "tahn"); did you mean tanh?',
    ]);
    expect(await refused(['run', '--port'])).toEqual(['streamprop run: --port: needs a value']);
    expect(await refused(['predict', '--mdl', 'm.json'])).toEqual([
      'streamprop predict: --mdl: unknown option; did you mean --model?',
    ]);
    expect(await refused(['predict'])).toEqual(['streamprop predict: --model: is required']);
  });

  it('refuses unknown commands clearly', async () => {
    expect(await refused(['frobnicate'])).toEqual([
      'streamprop: unknown command "frobnicate": the commands are run, predict, ingest, worker, status, serve; streamprop --help describes them',
    ]);
    expect(await refused(['prdict', '--model', 'm.json'])).toEqual([
      'streamprop: unknown command "prdict": the commands are run, predict, ingest, worker, status, serve; did you mean predict?',
    ]);
  });

  it('--version prints the package version, in-process and as the program', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const cli of [runCli(['--version']), runCli(['-v']), startCli(['--version'])]) {
      expect((await cli.exited).code).toBe(0);
      expect(lines(cli.stdout)).toEqual([version]);
    }
  });

  it('the program exits with the status of a usage error', async () => {
    const cli = startCli(['run', '--layer', '3']);
    expect((await cli.exited).code).toBe(2);
    expect(lines(cli.stderr)).toEqual([
      'streamprop run: --layer: unknown option; did you mean --layers?',
    ]);
  });

  it('--help lists the commands and says run is the default', async () => {
    const cli = runCli(['--help']);
    expect((await cli.exited).code).toBe(0);
    const help = cli.stdout.join('\n');
    expect(help).toMatch(/^ {2}run \[options\] +learn online/m);
    expect(help).toMatch(/^ {2}predict \[options\] +predict/m);
    expect(help).toContain('Without a command, streamprop runs `run`');
  });

  it('a bare streamprop says that it runs run', async () => {
    const cli = runCli(['--port', '0', '--limit', '10', '--rate', '1000']);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stdout[0]).toBe(
      'streamprop: no command given: running `streamprop run` (streamprop --help lists the commands)',
    );
  });
});
